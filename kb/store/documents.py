"""Documents and the practices extracted from them: which records a new extraction continues, and saving
it in one transaction (the document upserted, each practice applied, those it no longer holds retired)."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..models import Practice, Proposal, Review, Status, now_iso
from .practices import PracticeStore, practice_values
from .records import ChangeSet, DocumentRecord


@dataclass(frozen=True, slots=True)
class _Stored:
    """What saving a document needs to know of a practice stored from it before."""

    rowid: int
    content_hash: str
    edited: bool  # an advisor edited it
    approved: bool
    detached: bool  # kept by an advisor after an earlier version of the document dropped it


class DocumentStore(PracticeStore):
    """Stored documents (by resolved path) and the practices of each."""

    def document(self, path: str) -> DocumentRecord | None:
        row = self._one("SELECT path, given_path, checksum, size FROM documents WHERE path = ?", (path,))
        return DocumentRecord(*row) if row else None

    def document_of(self, practice_id: str) -> str | None:
        """The stored (resolved) path of the document a practice came from."""
        row = self._one("SELECT d.path FROM documents d JOIN practices p ON p.document_id = d.id WHERE p.id = ?",
                        (practice_id,))
        return row[0] if row else None

    def document_with_checksum(self, checksum: str) -> str | None:
        """The path of a stored document with these exact bytes, if any (an upload of a file stored before)."""
        row = self._one("SELECT path FROM documents WHERE checksum = ? LIMIT 1", (checksum,))
        return row[0] if row else None

    def content_hashes(self, path: str) -> dict[str, str]:
        """Practice id -> content hash for the practices stored from one document."""
        return dict(self._all(
            "SELECT p.id, p.content_hash FROM practices p JOIN documents d ON d.id = p.document_id WHERE d.path = ?",
            (path,),
        ))

    def edited_in(self, path: str) -> set[str]:
        """Ids of the practices from one document that an advisor edited (re-ingest only proposes for them)."""
        return {r[0] for r in self._all(
            "SELECT p.id FROM practices p JOIN documents d ON d.id = p.document_id WHERE d.path = ? "
            "AND p.edited != '[]'", (path,))}

    def claim_ids(self, path: str, practices: Sequence[Practice]) -> list[Practice]:
        """The practices of a new extraction of a stored document, with the ids of the records they continue.

        A practice's id starts as its document and position. When a tip is deleted or inserted before
        others, positions shift: a practice takes the record with its exact content first, then the
        record with its title, and only then the record at its position. A position whose record went to
        another practice, or whose practice left the document and was kept by an advisor, gets an id of
        its own (from its content), so that it never overwrites that record.
        """
        rows = self._all(
            "SELECT p.id, p.content_hash, p.title, p.review, p.detached FROM practices p "
            "JOIN documents d ON d.id = p.document_id WHERE d.path = ?", (path,))
        if not rows:
            return list(practices)
        kept_aside = {r[0] for r in rows if r[3] == Review.GONE or r[4]}
        by_hash: dict[str, list[str]] = {}
        by_title: dict[str, list[str]] = {}
        for pid, content_hash, title, _, _ in rows:
            by_hash.setdefault(content_hash, []).append(pid)
            by_title.setdefault(" ".join(title.lower().split()), []).append(pid)
        chosen: list[str | None] = [None] * len(practices)
        claimed: set[str] = set()

        def take(i: int, candidates: list[str]) -> None:
            free = [c for c in candidates if c not in claimed]
            if free:
                pick = practices[i].id if practices[i].id in free else free[0]
                chosen[i] = pick
                claimed.add(pick)

        for i, p in enumerate(practices):
            take(i, by_hash.get(p.content_hash, []))
        for i, p in enumerate(practices):
            if chosen[i] is None:
                take(i, by_title.get(" ".join(p.title.lower().split()), []))
        for i, p in enumerate(practices):
            if chosen[i] is None and p.id not in claimed and p.id not in kept_aside:
                chosen[i] = p.id
                claimed.add(p.id)
        out = []
        for i, p in enumerate(practices):
            pid = chosen[i] or hashlib.sha1(f"{path}#{p.content_hash}".encode()).hexdigest()[:12]
            out.append(p if pid == p.id else replace(p, id=pid))
        return out

    def save_document(
        self, doc: DocumentRecord, practices: Sequence[Practice], passages: dict[str, list[str]]
    ) -> ChangeSet:
        """Store a document's practices in one transaction: add new, update changed, remove gone ones.

        Curated values survive an update: the status stays, an approved practice that changed goes back
        to the review queue, and a practice an advisor edited keeps its values while the new extraction
        waits beside it as a proposal. A practice the new version of the document no longer holds is
        removed, unless an advisor edited or approved it: then it stays, searchable as before, and waits
        in the review queue (review "gone") for the advisor to keep or reject it; once decided, it is
        detached from the document and later ingests leave it alone. Ids come from `claim_ids`.
        """
        changes = ChangeSet()
        stamp = now_iso()
        with self._transaction() as db:
            doc_id = self._upsert_document(db, doc, stamp)
            stored = self._stored_from(db, doc_id)
            for practice in practices:
                self._apply(db, practice, stored.pop(practice.id, None), passages.get(practice.id, []),
                            doc_id=doc_id, stamp=stamp, changes=changes)
            for practice_id, previous in stored.items():
                self._retire(db, practice_id, previous, stamp=stamp, changes=changes)
        return changes

    def _upsert_document(self, db: sqlite3.Connection, doc: DocumentRecord, stamp: str) -> int:
        """Add the document or refresh its record; returns its row id."""
        db.execute(
            "INSERT INTO documents(path, given_path, checksum, size, ingested_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT(path) DO UPDATE SET given_path=excluded.given_path, "
            "checksum=excluded.checksum, size=excluded.size, ingested_at=excluded.ingested_at",
            (doc.path, doc.given_path, doc.checksum, doc.size, stamp),
        )
        return db.execute("SELECT id FROM documents WHERE path = ?", (doc.path,)).fetchone()[0]

    @staticmethod
    def _stored_from(db: sqlite3.Connection, doc_id: int) -> dict[str, _Stored]:
        """The practices stored from a document before, by id."""
        return {
            row[1]: _Stored(row[0], row[2], row[3] != "[]", row[4] == Status.APPROVED, bool(row[5]))
            for row in db.execute(
                "SELECT rowid, id, content_hash, edited, status, detached FROM practices WHERE document_id = ?",
                (doc_id,),
            )
        }

    def _apply(self, db: sqlite3.Connection, practice: Practice, previous: _Stored | None, texts: list[str], *,
               doc_id: int, stamp: str, changes: ChangeSet) -> None:
        """Store one practice of the new extraction: unchanged (only its place refreshed), proposed beside an
        advisor's edits, updated, or added; an updated or added practice gets its new passages."""
        if previous and previous.content_hash == practice.content_hash:
            db.execute(
                "UPDATE practices SET source_path=?, source_checksum=?, ordinal=?, locator=?, detached=0, "
                "review=CASE WHEN review = ? THEN '' ELSE review END WHERE rowid=?",
                (practice.source.path, practice.source.checksum, practice.source.ordinal,
                 practice.source.locator, str(Review.GONE), previous.rowid),
            )
            changes.unchanged.append(practice.id)
            return
        if previous and previous.edited:  # edited by an advisor: the extraction is only proposed
            db.execute(
                "UPDATE practices SET proposal=?, review=?, source_path=?, source_checksum=?, "
                "locator=?, detached=0 WHERE rowid=?",
                (json.dumps(Proposal.of(practice).to_dict(), ensure_ascii=False), str(Review.PROPOSED),
                 practice.source.path, practice.source.checksum, practice.source.locator, previous.rowid),
            )
            changes.proposed.append(practice.id)
            return
        if previous:
            rowid = previous.rowid
            changes.dropped_passages += self._delete_passages(rowid)
            db.execute(
                "UPDATE practices SET ordinal=?, title=?, summary=?, body=?, language=?, city=?, "
                "country=?, themes=?, fields=?, source_path=?, source_checksum=?, locator=?, "
                "content_hash=?, confidence=?, flags=?, stage=?, updated_at=?, detached=0, "
                "review=CASE WHEN status = 'draft' THEN '' ELSE ? END WHERE rowid=?",
                (*practice_values(practice), stamp, str(Review.CHANGED), rowid),
            )
            changes.updated.append(practice.id)
        else:
            rowid = db.execute(
                "INSERT INTO practices(ordinal, title, summary, body, language, city, country, "
                "themes, fields, source_path, source_checksum, locator, content_hash, confidence, flags, "
                "stage, id, document_id, status, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING rowid",
                (*practice_values(practice), practice.id, doc_id, str(practice.status), stamp, stamp),
            ).fetchone()[0]
            changes.added.append(practice.id)
        changes.new_passages += [self._insert_passage(rowid, n, text, practice.language)
                                 for n, text in enumerate(texts)]

    def _retire(self, db: sqlite3.Connection, practice_id: str, previous: _Stored, *, stamp: str,
                changes: ChangeSet) -> None:
        """A practice the new extraction no longer holds: left alone when detached, kept for review when an
        advisor edited or approved it (an advisor's work is not thrown away by a re-ingest), else removed."""
        if previous.detached:
            return
        if previous.edited or previous.approved:
            db.execute("UPDATE practices SET review=?, proposal='', updated_at=? WHERE rowid=?",
                       (str(Review.GONE), stamp, previous.rowid))
            changes.kept.append(practice_id)
            return
        changes.dropped_passages += self._delete_passages(previous.rowid)
        db.execute("DELETE FROM practices WHERE rowid = ?", (previous.rowid,))
        changes.removed.append(practice_id)
