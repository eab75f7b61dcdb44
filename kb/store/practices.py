"""Practices: reading them, and the writes of curation (status, an advisor's version, proposals)."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ..models import Practice, Proposal, Review, SourceRef, Status, now_iso
from .passages import PassageStore
from .records import Listed, Passage

COLUMNS = (
    "p.rowid, p.id, p.ordinal, p.title, p.summary, p.body, p.language, p.city, p.country, p.themes, "
    "p.fields, p.source_path, p.source_checksum, p.locator, p.status, p.created_at, p.updated_at, p.group_id, "
    "p.confidence, p.flags, p.edited, p.review, p.stage"
)


class PracticeStore(PassageStore):
    """Practices as `Practice` records, and the review queue."""

    QUEUE = "(p.status = 'draft' OR p.review != '')"

    def _practices(self, where: str, args: Sequence = (), order: str = "", limit: int = -1, offset: int = 0
                   ) -> list[Practice]:
        """Practices matching an SQL condition on `practices p`."""
        sql = f"SELECT {COLUMNS} FROM practices p WHERE {where}{' ORDER BY ' + order if order else ''}"
        if limit >= 0:  # PostgreSQL has no LIMIT -1
            sql, args = sql + " LIMIT ? OFFSET ?", [*args, limit, offset]
        rows = self._all(sql, args)
        return [to_practice(r) for r in rows]

    def listed(self, status: Status | None = None) -> list[Listed]:
        """Every practice (of one status) as browsing needs it, read again only after a write."""
        where, args = ("p.status = ?", (str(status),)) if status else ("1=1", ())
        sql = ("SELECT p.id, p.title, p.language, p.city, p.country, p.themes, p.stage, p.source_path, p.status, "
               f"p.created_at FROM practices p WHERE {where}")
        return self._cached(sql, lambda rows: [
            Listed(pid, title, language, city, country, tuple(json.loads(themes)), stage, SourceRef(path, ""),
                   Status(state), created) for pid, title, language, city, country, themes, stage, path, state, created
            in rows], args, pinned=True)

    def practices(self, ids: Sequence[str]) -> list[Practice]:
        """These practices, in this order (the ones gone since left out)."""
        if not ids:
            return []
        found = {p.id: p for p in self._practices(f"p.id IN ({','.join('?' * len(ids))})", ids)}
        return [found[i] for i in ids if i in found]

    def get(self, practice_id: str) -> Practice | None:
        found = self._practices("p.id = ?", (practice_id,))
        return found[0] if found else None

    def by_passages(self, passage_ids: Sequence[int]) -> dict[int, tuple[Practice, str]]:
        """Map passage ids to (practice, passage text)."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = self._all(
            f"SELECT s.id, s.text, {COLUMNS} FROM passages s JOIN practices p ON p.rowid = s.practice_rowid "
            f"WHERE s.id IN ({marks})",
            list(passage_ids),
        )
        return {row[0]: (to_practice(row[2:]), row[1]) for row in rows}

    def recent(self, limit: int = 5, status: Status | None = None) -> list[Practice]:
        """The practices added last (the home page's "recently added")."""
        where, args = ("p.status = ?", [str(status)]) if status else ("1=1", [])
        return self._practices(where, args, order="p.created_at DESC, p.rowid DESC", limit=limit)

    def list(self, language: str | None = None, status: Status | None = None) -> list[Practice]:
        where, args = "1=1", []
        if language:
            where, args = where + " AND p.language = ?", [*args, language]
        if status:
            where, args = where + " AND p.status = ?", [*args, str(status)]
        return self._practices(where, args, order="p.source_path, p.ordinal")

    def count(self) -> int:
        return self._one("SELECT count(*) FROM practices")[0]

    def review_queue(self, limit: int = 50, offset: int = 0) -> tuple[list[Practice], int]:
        """Practices waiting for an advisor (new drafts, changed ones), least confident first, and their number."""
        total = self._one(f"SELECT count(*) FROM practices p WHERE {self.QUEUE}")[0]
        found = self._practices(self.QUEUE, order="p.confidence, p.source_path, p.ordinal", limit=limit, offset=offset)
        return found, total

    # -- curation -------------------------------------------------------------------------------
    def set_status(self, practice_id: str, status: Status) -> None:
        """Set a practice's review status; a reviewed practice leaves the queue (its proposal stays)."""
        with self._transaction() as db:
            db.execute(
                # Deciding on a practice its document no longer holds detaches it from the document: the
                # next ingest of the document does not flag it again.
                "UPDATE practices SET status=?, review=CASE WHEN proposal != '' THEN review ELSE '' END, "
                "detached=CASE WHEN review = 'gone' THEN 1 ELSE detached END, "
                "updated_at=? WHERE id=?", (str(status), now_iso(), practice_id)
            )

    def save_curated(self, practice: Practice, passages: list[str] | None = None,
                     extraction: Proposal | None = None) -> tuple[list[Passage], list[int]]:
        """Write an advisor's version of a practice: its values, what was edited, status and review.

        `passages`: its new passages when the text changed (returns them with the ids of the dropped ones).
        `extraction`: the proposal it took over (its content hash is kept, so the same extraction is not
        proposed again) and the proposal is cleared."""
        new: list[Passage] = []
        dropped: list[int] = []
        with self._transaction() as db:
            rowid = db.execute("SELECT rowid FROM practices WHERE id = ?", (practice.id,)).fetchone()
            if rowid is None:
                raise KeyError(practice.id)
            rowid = rowid[0]
            db.execute(
                "UPDATE practices SET title=?, summary=?, body=?, language=?, city=?, country=?, themes=?, fields=?, "
                "edited=?, status=?, review=?, updated_at=? WHERE rowid=?",
                (practice.title, practice.summary, practice.body, practice.language, practice.city, practice.country,
                 json.dumps(list(practice.themes), ensure_ascii=False),
                 json.dumps(practice.fields, ensure_ascii=False), json.dumps(sorted(practice.edited)),
                 str(practice.status), str(practice.review), now_iso(), rowid),
            )
            if extraction is not None:
                db.execute("UPDATE practices SET content_hash=?, confidence=?, flags=?, proposal='' WHERE rowid=?",
                           (extraction.content_hash, extraction.confidence, json.dumps(list(extraction.flags)),
                            rowid))
            if passages is not None:
                dropped = self._delete_passages(rowid)
                new = [self._insert_passage(rowid, n, text, practice.language) for n, text in enumerate(passages)]
        return new, dropped

    def proposal(self, practice_id: str) -> Proposal | None:
        """The newer extraction of an edited practice, waiting for review, or None."""
        row = self._one("SELECT proposal FROM practices WHERE id = ?", (practice_id,))
        return Proposal.from_dict(json.loads(row[0])) if row and row[0] else None

    def dismiss_proposal(self, practice_id: str) -> None:
        """Keep the advisor's values; the dismissed extraction is not proposed again."""
        proposal = self.proposal(practice_id)
        if proposal is None:
            return
        with self._transaction() as db:
            db.execute("UPDATE practices SET proposal='', review='', content_hash=? WHERE id=?",
                       (proposal.content_hash, practice_id))


def practice_values(p: Practice) -> tuple:
    """A practice's extracted values in the column order of the writes in documents.py."""
    return (
        p.source.ordinal, p.title, p.summary, p.body, p.language, p.city, p.country,
        json.dumps(list(p.themes), ensure_ascii=False), json.dumps(p.fields, ensure_ascii=False),
        p.source.path, p.source.checksum, p.source.locator, p.content_hash, p.confidence, json.dumps(list(p.flags)),
        p.stage,
    )


def to_practice(row: Sequence) -> Practice:
    """A row of COLUMNS as a Practice."""
    (_rowid, pid, ordinal, title, summary, body, language, city, country, themes, fields_,
     source_path, checksum, locator, status, created, updated, group_id, confidence, flags, edited, review, stage) = row
    return Practice(
        id=pid, title=title, body=body, language=language, summary=summary, city=city, country=country,
        themes=tuple(json.loads(themes)), stage=stage, fields=json.loads(fields_), status=Status(status),
        source=SourceRef(path=source_path, checksum=checksum, locator=locator, ordinal=ordinal),
        created_at=created, updated_at=updated, group_id=group_id, confidence=confidence,
        flags=tuple(json.loads(flags)), edited=tuple(json.loads(edited)), review=Review(review),
    )
