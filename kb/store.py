"""SQLite store of documents, practices and their passages (WAL mode, versioned schema)."""
from __future__ import annotations

import hashlib
import json
import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .concepts import thesaurus
from .lexical import STEMMER_VERSION, query_stems, stem_text
from .migrations import migrate
from .models import Practice, Review, SourceRef, Status, now_iso

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .checklist import Checklist


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    path: str  # resolved path: identity
    given_path: str  # as given by the user
    checksum: str
    size: int


@dataclass(frozen=True, slots=True)
class ConceptQuery:
    """A query's concept tokens with their weights, and the rare ones that bring candidates (concept_search)."""

    weights: dict[str, float]
    rare: tuple[str, ...]


@dataclass(slots=True)
class ChangeSet:
    """What saving one document changed; passage ids tell the index what to add and remove."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    new_passages: list[tuple[int, str, str]] = field(default_factory=list)  # (id, text, language)
    dropped_passages: list[int] = field(default_factory=list)
    linked: list[tuple[str, str, float]] = field(default_factory=list)  # (practice, its version, similarity)
    proposed: list[str] = field(default_factory=list)  # edited practices whose new extraction waits for review
    kept: list[str] = field(default_factory=list)  # curated practices the document no longer holds, kept for review


# Stems in more than this share of the passages (and at least COMMON_STEM_MIN of them) are too common to match on.
COMMON_STEM_SHARE = 0.05
COMMON_STEM_MIN = 2000
# Concepts held by at most this share of the passages (or this many) bring candidates of their own.
CONCEPT_CANDIDATE_SHARE = 0.002
CONCEPT_CANDIDATE_MIN = 200

_COLUMNS = (
    "p.rowid, p.id, p.ordinal, p.title, p.summary, p.body, p.language, p.city, p.country, p.themes, "
    "p.fields, p.source_path, p.source_checksum, p.locator, p.status, p.created_at, p.updated_at, p.group_id, "
    "p.confidence, p.flags, p.edited, p.review, p.stage"
)


class SqliteStore:
    """The knowledge base's records in one SQLite file. Safe to share between threads."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=10000")
        self.schema_version = migrate(self._db)
        self._writes = 0  # own commits; PRAGMA data_version counts other connections' commits
        self._cache: dict[str, tuple[tuple[int, int], object]] = {}  # small answers kept until the store changes
        self._refresh_derived()

    def _all(self, sql: str, args=()) -> list[tuple]:
        """Read under the lock: web requests share this connection across threads."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _one(self, sql: str, args=()) -> tuple | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- documents -------------------------------------------------------------------------
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
        with self._lock:
            self._writes += 1
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "INSERT INTO documents(path, given_path, checksum, size, ingested_at) VALUES (?,?,?,?,?) "
                    "ON CONFLICT(path) DO UPDATE SET given_path=excluded.given_path, "
                    "checksum=excluded.checksum, size=excluded.size, ingested_at=excluded.ingested_at",
                    (doc.path, doc.given_path, doc.checksum, doc.size, stamp),
                )
                doc_id = db.execute("SELECT id FROM documents WHERE path = ?", (doc.path,)).fetchone()[0]
                old = {
                    row[1]: (row[0], row[2], row[3] != "[]", row[4] == Status.APPROVED, bool(row[5]))
                    for row in db.execute(
                        "SELECT rowid, id, content_hash, edited, status, detached FROM practices "
                        "WHERE document_id = ?", (doc_id,),
                    )
                }
                for practice in practices:
                    previous = old.pop(practice.id, None)
                    if previous and previous[1] == practice.content_hash:
                        changes.unchanged.append(practice.id)
                        db.execute(
                            "UPDATE practices SET source_path=?, source_checksum=?, ordinal=?, locator=?, detached=0, "
                            "review=CASE WHEN review = ? THEN '' ELSE review END WHERE rowid=?",
                            (practice.source.path, practice.source.checksum, practice.source.ordinal,
                             practice.source.locator, str(Review.GONE), previous[0]),
                        )
                        continue
                    if previous and previous[2]:  # edited by an advisor: the extraction is only proposed
                        proposal = {**practice.values(), "confidence": practice.confidence,
                                    "flags": list(practice.flags), "content_hash": practice.content_hash}
                        db.execute(
                            "UPDATE practices SET proposal=?, review=?, source_path=?, source_checksum=?, "
                            "locator=?, detached=0 WHERE rowid=?",
                            (json.dumps(proposal, ensure_ascii=False), str(Review.PROPOSED), practice.source.path,
                             practice.source.checksum, practice.source.locator, previous[0]),
                        )
                        changes.proposed.append(practice.id)
                        continue
                    if previous:
                        rowid = previous[0]
                        changes.dropped_passages += self._delete_passages(rowid)
                        db.execute(
                            "UPDATE practices SET ordinal=?, title=?, summary=?, body=?, language=?, city=?, "
                            "country=?, themes=?, fields=?, source_path=?, source_checksum=?, locator=?, "
                            "content_hash=?, confidence=?, flags=?, stage=?, updated_at=?, detached=0, "
                            "review=CASE WHEN status = 'draft' THEN '' ELSE ? END WHERE rowid=?",
                            (*_practice_values(practice), stamp, str(Review.CHANGED), rowid),
                        )
                        changes.updated.append(practice.id)
                    else:
                        cur = db.execute(
                            "INSERT INTO practices(ordinal, title, summary, body, language, city, country, "
                            "themes, fields, source_path, source_checksum, locator, content_hash, confidence, flags, "
                            "stage, id, document_id, status, created_at, updated_at) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            (*_practice_values(practice), practice.id, doc_id, str(practice.status), stamp, stamp),
                        )
                        rowid = cur.lastrowid
                        changes.added.append(practice.id)
                    for ord_, text in enumerate(passages.get(practice.id, [])):
                        changes.new_passages.append((self._insert_passage(rowid, ord_, text, practice.language),
                                                     text, practice.language))
                for practice_id, (rowid, _, edited, approved, detached) in old.items():
                    if detached:  # kept by an advisor after an earlier version dropped it: left alone
                        continue
                    if edited or approved:  # an advisor's work is not thrown away by a re-ingest
                        db.execute("UPDATE practices SET review=?, proposal='', updated_at=? WHERE rowid=?",
                                   (str(Review.GONE), stamp, rowid))
                        changes.kept.append(practice_id)
                        continue
                    changes.dropped_passages += self._delete_passages(rowid)
                    db.execute("DELETE FROM practices WHERE rowid = ?", (rowid,))
                    changes.removed.append(practice_id)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return changes

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock; rolled back on any error."""
        with self._lock:
            self._writes += 1
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _insert_passage(self, practice_rowid: int, ord_: int, text: str, language: str) -> int:
        cur = self._db.execute(
            "INSERT INTO passages(practice_rowid, ord, text, language) VALUES (?,?,?,?)",
            (practice_rowid, ord_, text, language),
        )
        self._db.execute("INSERT INTO passages_fts(rowid, stems) VALUES (?, ?)", (cur.lastrowid, stem_text(text)))
        self._db.execute("INSERT INTO passages_concepts(rowid, concepts) VALUES (?, ?)",
                         (cur.lastrowid, thesaurus().token_text(text)))
        return cur.lastrowid

    def _refresh_derived(self) -> None:
        """Derived tables made with another version of what derives them (or never: a store from before them)
        are made again on opening: the passages' concept tags (the thesaurus) and their full-text stems (the
        stemmer)."""
        self._refresh("thesaurus", thesaurus().version, "passages_concepts", "concepts", thesaurus().token_text)
        self._refresh("stemmer", STEMMER_VERSION, "passages_fts", "stems", stem_text)

    def _refresh(self, key: str, version: str, table: str, column: str, derive: Callable[[str], str]) -> None:
        """Fill `table` again from every passage's text when the store's meta says another `version` made it."""
        def current(db) -> str:
            return (db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone() or ("",))[0]

        if current(self._db) == version:
            return
        try:
            with self._transaction() as db:
                if current(db) == version:  # another process made it meanwhile
                    return
                rows = db.execute("SELECT id, text FROM passages").fetchall()
                db.execute(f"DELETE FROM {table}")
                db.executemany(f"INSERT INTO {table}(rowid, {column}) VALUES (?, ?)", [(i, derive(t)) for i, t in rows])
                db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, version))
        except sqlite3.OperationalError as exc:  # a read-only or busy store: searches use the older table
            logger.warning("Could not remake %s for the new %s (%s); the older one stays", table, key, exc)

    def _delete_passages(self, practice_rowid: int) -> list[int]:
        ids = [r[0] for r in self._db.execute("SELECT id FROM passages WHERE practice_rowid=?", (practice_rowid,))]
        self._db.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in ids])
        self._db.executemany("DELETE FROM passages_concepts WHERE rowid = ?", [(i,) for i in ids])
        self._db.execute("DELETE FROM passages WHERE practice_rowid=?", (practice_rowid,))
        return ids

    # -- practices -------------------------------------------------------------------------
    def _practices(self, where: str, args: Sequence = (), order: str = "", limit: int = -1, offset: int = 0
                   ) -> list[Practice]:
        """Practices matching an SQL condition on `practices p`."""
        rows = self._all(f"SELECT {_COLUMNS} FROM practices p WHERE {where}{' ORDER BY ' + order if order else ''} "
                         "LIMIT ? OFFSET ?", [*args, limit, offset])
        return [_to_practice(r) for r in rows]

    def get(self, practice_id: str) -> Practice | None:
        found = self._practices("p.id = ?", (practice_id,))
        return found[0] if found else None

    def by_passages(self, passage_ids: Sequence[int]) -> dict[int, tuple[Practice, str]]:
        """Map passage ids to (practice, passage text)."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = self._all(
            f"SELECT s.id, s.text, {_COLUMNS} FROM passages s JOIN practices p ON p.rowid = s.practice_rowid "
            f"WHERE s.id IN ({marks})",
            list(passage_ids),
        )
        return {row[0]: (_to_practice(row[2:]), row[1]) for row in rows}

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

    # -- versions of one practice -------------------------------------------------------------
    def in_city(self, city: str, country: str) -> list[Practice]:
        """Practices from one city (the candidates for versions of a practice there)."""
        return self._practices("p.city = ? AND p.country = ?", (city, country))

    def with_title(self, title: str) -> list[Practice]:
        """Practices with exactly this title (a file stored twice, a sheet copied into a catalogue)."""
        return self._practices("p.title = ?", (title,))

    def group(self, group_id: str) -> list[Practice]:
        """The versions of one practice, in id order ([] for no group)."""
        if not group_id:
            return []
        return self._practices("p.group_id = ?", (group_id,), order="p.id")

    def set_groups(self, groups: dict[str, str], manual: bool | None = None) -> None:
        """Practice id -> group id ('' to stand alone), in one transaction. `manual`: an advisor set these
        groups (automatic linking leaves them alone) or False to hand them back to it; None keeps the mark."""
        with self._transaction() as db:
            db.executemany("UPDATE practices SET group_id = ? WHERE id = ?", [(g, i) for i, g in groups.items()])
            if manual is not None:
                db.executemany("UPDATE practices SET group_manual = ? WHERE id = ?",
                               [(int(manual), i) for i in groups])

    def manually_grouped(self, practice_ids: Sequence[str]) -> set[str]:
        """Those of the practices whose group an advisor set."""
        marks = ",".join("?" * len(practice_ids))
        return {r[0] for r in self._all(
            f"SELECT id FROM practices WHERE group_manual = 1 AND id IN ({marks})", list(practice_ids))}

    def add_not_versions(self, a: str, b: str) -> None:
        """Remember that an advisor split these two: automatic linking never joins them again."""
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO not_versions(a, b) VALUES (?, ?)", tuple(sorted((a, b))))

    def not_versions(self, practice_id: str) -> set[str]:
        rows = self._all("SELECT a, b FROM not_versions WHERE a = ? OR b = ?", (practice_id, practice_id))
        return {b if a == practice_id else a for a, b in rows}

    def prune_groups(self) -> None:
        """A group left with one member (its versions changed or were removed) is no group."""
        with self._lock:
            self._writes += 1
            self._db.execute(
                "UPDATE practices SET group_id = '' WHERE group_id IN (SELECT group_id FROM practices "
                "WHERE group_id != '' GROUP BY group_id HAVING count(*) = 1)"
            )

    def passage_ids_of(self, practice_ids: Sequence[str]) -> dict[str, list[int]]:
        """Practice id -> the ids of its passages."""
        if not practice_ids:
            return {}
        marks = ",".join("?" * len(practice_ids))
        out: dict[str, list[int]] = {}
        for pid, sid in self._all(
            f"SELECT p.id, s.id FROM passages s JOIN practices p ON p.rowid = s.practice_rowid WHERE p.id IN ({marks})",
            list(practice_ids),
        ):
            out.setdefault(pid, []).append(sid)
        return out

    # -- transfer checklists ------------------------------------------------------------------
    def save_checklist(self, checklist: Checklist) -> None:
        data = json.dumps(checklist.to_dict(), ensure_ascii=False)
        with self._lock:
            self._writes += 1
            self._db.execute(
                "INSERT INTO checklists(id, practice_id, share_token, data, created_at, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at",
                (checklist.id, checklist.practice_id, checklist.share_token, data, checklist.created_at,
                 checklist.updated_at),
            )

    def checklist(self, checklist_id: str = "", share_token: str = "") -> Checklist | None:
        """A checklist by its id (to edit) or by its share token (to read)."""
        from .checklist import Checklist

        row = self._one("SELECT data FROM checklists WHERE id = ?", (checklist_id,)) if checklist_id else \
            self._one("SELECT data FROM checklists WHERE share_token = ?", (share_token,))
        return Checklist.from_dict(json.loads(row[0])) if row else None

    def checklists(self, ids: Sequence[str] | None = None, practice_id: str = "") -> list[Checklist]:
        """Checklists, newest first: given ids, or those of one practice, or all."""
        from .checklist import Checklist

        sql, args = "SELECT data FROM checklists WHERE 1=1", []
        if ids is not None:
            if not ids:
                return []
            sql += f" AND id IN ({','.join('?' * len(ids))})"
            args += list(ids)
        if practice_id:
            sql += " AND practice_id = ?"
            args.append(practice_id)
        return [Checklist.from_dict(json.loads(r[0])) for r in self._all(sql + " ORDER BY updated_at DESC", args)]

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

    def save_curated(self, practice: Practice, passages: list[str] | None = None, extraction: dict | None = None
                     ) -> tuple[list[tuple[int, str, str]], list[int]]:
        """Write an advisor's version of a practice: its values, what was edited, status and review.

        `passages`: its new passages when the text changed (returns them as (id, text, language) with the
        ids of the dropped ones). `extraction`: the proposal it took over (its content hash is kept, so the
        same extraction is not proposed again) and the proposal is cleared."""
        new: list[tuple[int, str, str]] = []
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
                           (extraction["content_hash"], extraction["confidence"], json.dumps(extraction["flags"]),
                            rowid))
            if passages is not None:
                dropped = self._delete_passages(rowid)
                new = [(self._insert_passage(rowid, n, text, practice.language), text, practice.language)
                       for n, text in enumerate(passages)]
        return new, dropped

    def proposal(self, practice_id: str) -> dict | None:
        """The newer extraction of an edited practice, waiting for review (EDITABLE values, confidence,
        flags, content_hash), or None."""
        row = self._one("SELECT proposal FROM practices WHERE id = ?", (practice_id,))
        return json.loads(row[0]) if row and row[0] else None

    def dismiss_proposal(self, practice_id: str) -> None:
        """Keep the advisor's values; the dismissed extraction is not proposed again."""
        proposal = self.proposal(practice_id)
        if proposal is None:
            return
        with self._transaction() as db:
            db.execute("UPDATE practices SET proposal='', review='', content_hash=? WHERE id=?",
                       (proposal["content_hash"], practice_id))

    QUEUE = "(p.status = 'draft' OR p.review != '')"

    def review_queue(self, limit: int = 50, offset: int = 0) -> tuple[list[Practice], int]:
        """Practices waiting for an advisor (new drafts, changed ones), least confident first, and their number."""
        total = self._one(f"SELECT count(*) FROM practices p WHERE {self.QUEUE}")[0]
        found = self._practices(self.QUEUE, order="p.confidence, p.source_path, p.ordinal", limit=limit, offset=offset)
        return found, total

    # -- accounts ------------------------------------------------------------------------------
    def save_user(self, username: str, password_hash: str | None = None, role: str | None = None) -> None:
        """Create a user (both values given) or change one's password hash or role."""
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                if password_hash:
                    db.execute("UPDATE users SET password_hash=? WHERE username=?", (password_hash, username))
                if role:
                    db.execute("UPDATE users SET role=? WHERE username=?", (role, username))
            else:
                db.execute("INSERT INTO users(username, password_hash, role, created_at) VALUES (?,?,?,?)",
                           (username, password_hash, role, now_iso()))

    USER_COLUMNS = "username, password_hash, role, created_at, last_login, sessions_ended"

    def user_row(self, username: str) -> tuple | None:
        """(username, password_hash, role, created_at, last_login, sessions_ended) or None."""
        return self._one(f"SELECT {self.USER_COLUMNS} FROM users WHERE username = ?", (username,))

    def user_rows(self) -> list[tuple]:
        return self._all(f"SELECT {self.USER_COLUMNS} FROM users ORDER BY username")

    def end_sessions(self, username: str) -> None:
        """Every session of this user ends (signing out): the sessions' tokens no longer match."""
        with self._transaction() as db:
            db.execute("UPDATE users SET sessions_ended = sessions_ended + 1 WHERE username = ?", (username,))

    def remove_user(self, username: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount > 0

    def record_login(self, username: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE users SET last_login = ? WHERE username = ?", (now_iso(), username))

    # -- audit trail -------------------------------------------------------------------------------
    def log(self, actor: str, action: str, target: str, before: dict, after: dict) -> int:
        """Record one change: who, what, on which record, the values before and after."""
        with self._transaction() as db:
            return db.execute(
                "INSERT INTO audit(at, actor, action, target, before, after) VALUES (?,?,?,?,?,?)",
                (now_iso(), actor, action, target, json.dumps(before, ensure_ascii=False),
                 json.dumps(after, ensure_ascii=False)),
            ).lastrowid

    def audit_rows(self, target: str = "", entry_id: int = 0, limit: int = 50, offset: int = 0) -> tuple[list, int]:
        """Audit entries newest first, as (id, at, actor, action, target, before, after, reverted_by) rows with
        the before/after decoded, and how many there are in all."""
        where, args = "1=1", []
        if target:
            where, args = "target = ?", [target]
        if entry_id:
            where, args = "id = ?", [entry_id]
        total = self._one(f"SELECT count(*) FROM audit WHERE {where}", args)[0]
        rows = self._all(f"SELECT id, at, actor, action, target, before, after, reverted_by FROM audit WHERE {where} "
                         "ORDER BY id DESC LIMIT ? OFFSET ?", [*args, limit, offset])
        return [(*r[:5], json.loads(r[5]), json.loads(r[6]), r[7]) for r in rows], total

    def mark_reverted(self, entry_id: int, by: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE audit SET reverted_by = ? WHERE id = ?", (by, entry_id))

    # -- collections ---------------------------------------------------------------------------------
    def save_collection(self, cid: str, title: str, description: str, public: bool, owner: str) -> None:
        stamp = now_iso()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO collections(id, title, description, public, owner, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                "description=excluded.description, public=excluded.public, updated_at=excluded.updated_at",
                (cid, title, description, int(public), owner, stamp, stamp),
            )

    def collection_rows(self, cid: str = "", public_only: bool = False) -> list[tuple]:
        """(id, title, description, public, owner, created_at, updated_at, items) rows, newest first."""
        where, args = "1=1", []
        if cid:
            where, args = "c.id = ?", [cid]
        if public_only:
            where += " AND c.public = 1"
        return self._all(
            "SELECT c.id, c.title, c.description, c.public, c.owner, c.created_at, c.updated_at, "
            f"(SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id) FROM collections c WHERE {where} "
            "ORDER BY c.updated_at DESC", args)

    def collection_items(self, cid: str) -> list[tuple[str, str]]:
        """(practice id, note) in the collection's order."""
        return self._all("SELECT practice_id, note FROM collection_items WHERE collection_id = ? ORDER BY position",
                         (cid,))

    def set_collection_items(self, cid: str, items: Sequence[tuple[str, str]]) -> None:
        """Replace a collection's items with (practice id, note) pairs, in this order."""
        with self._transaction() as db:
            db.execute("DELETE FROM collection_items WHERE collection_id = ?", (cid,))
            db.executemany("INSERT INTO collection_items(collection_id, practice_id, position, note) VALUES (?,?,?,?)",
                           [(cid, pid, n, note) for n, (pid, note) in enumerate(items)])
            db.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (now_iso(), cid))

    def delete_collection(self, cid: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM collections WHERE id = ?", (cid,))

    def replace_passages(self, passages: dict[str, list[str]]) -> list[tuple[int, str, str]]:
        """Swap every practice's passages for new ones (a re-split); returns them as (id, text, language)."""
        out: list[tuple[int, str, str]] = []
        with self._lock:
            self._writes += 1
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM passages")
                db.execute("DELETE FROM passages_fts")
                db.execute("DELETE FROM passages_concepts")
                rows = {pid: (rowid, lang) for rowid, pid, lang in db.execute("SELECT rowid, id, language FROM practices")}
                for pid, texts in passages.items():  # in the caller's order: it matches the caller's vectors
                    rowid, language = rows[pid]
                    for ord_, text in enumerate(texts):
                        out.append((self._insert_passage(rowid, ord_, text, language), text, language))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return out

    def lexical_search(self, query: str, limit: int = 100) -> list[tuple[int, float]]:
        """Passage ids with their BM25 score (higher is better) for the query's stems.

        In a large collection, stems that most passages share are left out of the match (they add
        little to BM25 and make SQLite rank most of the collection), unless nothing rarer is left."""
        terms = query_stems(query)
        if not terms:
            return []
        total = self._one("SELECT max(id) FROM passages")[0] or 0
        common = max(COMMON_STEM_MIN, total * COMMON_STEM_SHARE)
        if total > common:
            marks = ",".join("?" * len(terms))
            df = dict(self._all(f"SELECT term, doc FROM passages_vocab WHERE term IN ({marks})", terms))
            rare = [t for t in terms if df.get(t, 0) <= common]
            terms = rare or sorted(terms, key=lambda t: df.get(t, 0))[:2]
        match = " OR ".join(f'"{t}"' for t in terms)
        rows = self._all(
            "SELECT rowid, -bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ? "
            "ORDER BY bm25(passages_fts) LIMIT ?",
            (match, limit),
        )
        return [(int(i), float(s)) for i, s in rows]

    def concept_query(self, tokens: Sequence[str]) -> ConceptQuery | None:
        """A query's concepts weighted by their rarity in the collection (log(1 + N/df)), and those rare enough
        (held by at most CONCEPT_CANDIDATE_SHARE of the passages) to bring candidates of their own; None when the
        collection names none of them."""
        terms = list(dict.fromkeys(tokens))
        if not terms:
            return None
        total = self._cached("SELECT count(*) FROM passages", lambda rows: rows[0][0])
        marks = ",".join("?" * len(terms))
        df = dict(self._all(f"SELECT term, doc FROM passages_concepts_vocab WHERE term IN ({marks})", terms))
        if not any(df.get(t) for t in terms):
            return None
        weights = {t: math.log(1 + max(total, 1) / df.get(t, 1)) for t in terms}
        rare = tuple(t for t in terms if 0 < df.get(t, 0) <= max(CONCEPT_CANDIDATE_MIN, total * CONCEPT_CANDIDATE_SHARE))
        return ConceptQuery(weights, rare)

    def concept_search(self, query: ConceptQuery | Sequence[str] | None, limit: int = 100,
                       among: Sequence[int] = ()) -> dict[int, float]:
        """Passages with the share of the query's concepts they name, each concept weighted by its rarity: 1.0
        when a passage names all of them. Scored: the passages `among` (found by the other legs), and up to
        `limit` more that name the query's rarer concepts: a cross-language answer the dense leg missed.
        `query` is a concept_query (a search deepening its candidates asks it once) or the concept tokens."""
        if query is not None and not isinstance(query, ConceptQuery):
            query = self.concept_query(query)
        if query is None:
            return {}
        rows = self._all(  # rare: a few hundred rows each at most; those naming more of them first
            "SELECT rowid, concepts FROM passages_concepts WHERE passages_concepts MATCH ? ORDER BY rank LIMIT ?",
            (" OR ".join(f'"{t}"' for t in query.rare), limit * 4),
        ) if query.rare else []
        seen = {i for i, _ in rows}
        rest = [int(i) for i in among if i not in seen]
        for start in range(0, len(rest), 500):
            chunk = rest[start : start + 500]
            rows += self._all(f"SELECT rowid, concepts FROM passages_concepts WHERE rowid IN ({','.join('?' * len(chunk))})",
                              chunk)
        whole = sum(query.weights.values())
        out = {}
        for i, text in rows:
            shared = query.weights.keys() & set(text.split())
            if shared:
                out[int(i)] = sum(query.weights[t] for t in shared) / whole
        return out

    def stems_of(self, passage_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        """The stems of given passages, as the full-text index holds them."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = self._all(f"SELECT rowid, stems FROM passages_fts WHERE rowid IN ({marks})", list(passage_ids))
        return {int(i): frozenset(text.split()) for i, text in rows}

    def passages(self) -> Iterator[tuple[int, str, str]]:
        """Every passage as (id, text, language), in id order."""
        yield from self._all("SELECT id, text, language FROM passages ORDER BY id")

    def passage_ids_where(self, language: str | None = None, country: str | None = None,
                          theme: str | None = None, city: str | None = None, status: str | None = None,
                          source: str | None = None, stage: str | None = None) -> list[int]:
        """Passages of the practices that match every given filter (source: the file name or path as given)."""
        sql = "SELECT s.id FROM passages s JOIN practices p ON p.rowid = s.practice_rowid WHERE 1=1"
        args: list[str] = []
        if language:
            sql, args = sql + " AND p.language = ?", [*args, language]
        if country:
            sql, args = sql + " AND p.country = ?", [*args, country.upper()]
        if theme:
            sql, args = sql + " AND EXISTS (SELECT 1 FROM json_each(p.themes) WHERE value = ?)", [*args, theme]
        if city:
            sql, args = sql + " AND p.city = ?", [*args, city]
        if status:
            sql, args = sql + " AND p.status = ?", [*args, status]
        if stage:
            sql, args = sql + " AND p.stage = ?", [*args, stage]
        if source:
            sql += " AND (p.source_path = ? OR p.source_path LIKE ? ESCAPE '\\')"
            escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += [source, "%/" + escaped]
        # Kept until the store changes: every anonymous search filters by status, the same ids each time.
        return self._cached(sql, lambda rows: [r[0] for r in rows], tuple(args))

    CACHED_QUERIES = 64

    def _cached(self, sql: str, shape, args: tuple = ()):
        """`shape(rows)` of a query, read again only after this or another connection wrote to the store
        (the most recent CACHED_QUERIES answers are kept)."""
        version = (self._one("PRAGMA data_version")[0], self._writes)
        key = f"{sql}\x1f{args!r}"
        kept = self._cache.pop(key, None)
        if kept is None or kept[0] != version:
            kept = (version, shape(self._all(sql, args)))
        self._cache[key] = kept  # last used last: the oldest go first
        while len(self._cache) > self.CACHED_QUERIES:
            del self._cache[next(iter(self._cache))]
        return kept[1]

    def cities(self) -> set[tuple[str, str]]:
        """(city, country) of every stored practice that has a city (every search asks)."""
        return self._cached("SELECT DISTINCT city, country FROM practices WHERE city != ''", set)

    def countries(self) -> list[str]:
        """The countries of the stored practices, sorted (the search page's country filter)."""
        return self._cached("SELECT DISTINCT country FROM practices WHERE country != '' ORDER BY 1",
                            lambda rows: [r[0] for r in rows])

    def passage_languages(self) -> dict[int, str]:
        """Every passage's language, by id (kept until the store changes)."""
        return self._cached("SELECT id, language FROM passages", dict)

    def passage_ids(self) -> set[int]:
        return {r[0] for r in self._all("SELECT id FROM passages")}

    def count(self) -> int:
        return self._one("SELECT count(*) FROM practices")[0]

    def overview(self, status: str | None = None, limit: int = 12) -> dict:
        """What a visitor can find, counted in SQL (the home page): practices and documents, by language,
        country and theme (most first), and the practices added last."""
        where, args = ("p.status = ?", [status]) if status else ("1=1", [])
        group = lambda expr, src="practices p": self._all(  # noqa: E731
            f"SELECT {expr}, count(*) FROM {src} WHERE {where} AND {expr} != '' GROUP BY 1 ORDER BY 2 DESC, 1 "
            f"LIMIT {limit}", args)
        return {
            "practices": self._one(f"SELECT count(*) FROM practices p WHERE {where}", args)[0],
            "documents": self._one(f"SELECT count(DISTINCT document_id) FROM practices p WHERE {where}", args)[0],
            "languages": group("p.language"),
            "countries": group("p.country"),
            "themes": group("t.value", "practices p, json_each(p.themes) t"),
            "recent": self.recent(5, status),
        }

    def stats(self) -> dict:
        one = lambda sql: self._one(sql)[0]
        group = lambda col: dict(
            self._all(f"SELECT {col}, count(*) FROM practices GROUP BY {col} ORDER BY 2 DESC")
        )
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "practices": one("SELECT count(*) FROM practices"),
            "passages": one("SELECT count(*) FROM passages"),
            "by_language": group("language"),
            "by_country": group("country"),
            "by_status": group("status"),
            "schema_version": self.schema_version,
        }


def _practice_values(p: Practice) -> tuple:
    return (
        p.source.ordinal, p.title, p.summary, p.body, p.language, p.city, p.country,
        json.dumps(list(p.themes), ensure_ascii=False), json.dumps(p.fields, ensure_ascii=False),
        p.source.path, p.source.checksum, p.source.locator, p.content_hash, p.confidence, json.dumps(list(p.flags)),
        p.stage,
    )


def _to_practice(row: Sequence) -> Practice:
    (_rowid, pid, ordinal, title, summary, body, language, city, country, themes, fields_,
     source_path, checksum, locator, status, created, updated, group_id, confidence, flags, edited, review, stage) = row
    return Practice(
        id=pid, title=title, body=body, language=language, summary=summary, city=city, country=country,
        themes=tuple(json.loads(themes)), stage=stage, fields=json.loads(fields_), status=Status(status),
        source=SourceRef(path=source_path, checksum=checksum, locator=locator, ordinal=ordinal),
        created_at=created, updated_at=updated, group_id=group_id, confidence=confidence,
        flags=tuple(json.loads(flags)), edited=tuple(json.loads(edited)), review=Review(review),
    )


__all__ = ["ChangeSet", "DocumentRecord", "SqliteStore"]
