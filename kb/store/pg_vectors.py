"""The passages' vectors in PostgreSQL, the source of truth every instance's FAISS index replicates
(kb/replica.py), and the log of changes the replicas apply: a vector stored is an addition, a passage deleted
a removal (both written by triggers, kb/store/pg_schema.py, in the writing transaction)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .pg_base import PgBase


@dataclass(frozen=True, slots=True)
class VectorBatch:
    """Passages' vectors (raw, as the model gave them) with their ids and languages."""

    ids: list[int]
    languages: list[str]
    vectors: np.ndarray  # (n, dimension) float32


@dataclass(frozen=True, slots=True)
class ChangeLog:
    """The changes after a position of the log: passages removed, and passages added with their vectors."""

    position: int  # every change of a transaction older than this one is read (and final)
    removed: list[int]
    added: VectorBatch
    pending: frozenset[int] = frozenset()  # changes read of newer transactions (an older one may still commit)


_HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


class PgVectorStore(PgBase):
    """`passage_vectors` and `passage_changes`."""

    holds_vectors = True
    BATCH = 20_000

    def vectors_model(self) -> tuple[str, int] | None:
        """The model (id, dimension) that made the stored vectors, if any were stored."""
        row = self._one("SELECT value FROM meta WHERE key = 'vectors_model'")
        if row is None:
            return None
        model_id, dimension = row[0].rsplit(":", 1)
        return model_id, int(dimension)

    def search_debias(self, method: str, replace: bool = False) -> str:
        """The language de-biasing every instance's replica applies to the vectors (KB_DEBIAS): set by the first
        instance that builds one (or, with `replace`, by `kb index`), so that instances with other settings are
        told rather than ranking differently. Returns the knowledge base's."""
        with self._transaction() as db:
            db.execute("INSERT INTO meta(key, value) VALUES ('search_debias', ?) ON CONFLICT(key) DO "
                       + ("UPDATE SET value = excluded.value" if replace else "NOTHING"), (method,))
            return db.execute("SELECT value FROM meta WHERE key = 'search_debias'").fetchone()[0]

    def save_vectors(self, model_id: str, passage_ids: Sequence[int], vectors: np.ndarray) -> None:
        """Store new passages' vectors (made by `model_id`), in one transaction; each wakes the replicas."""
        if not len(passage_ids):
            return
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(passage_ids), -1)
        with self._transaction() as db:
            db.execute("INSERT INTO meta(key, value) VALUES ('vectors_model', ?) ON CONFLICT(key) DO UPDATE "
                       "SET value = excluded.value", (f"{model_id}:{vectors.shape[1]}",))
            db.execute("INSERT INTO passage_vectors(passage_id, vector) SELECT * FROM unnest(?::bigint[], ?::bytea[]) "
                       "ON CONFLICT (passage_id) DO NOTHING", ([int(i) for i in passage_ids], [v.tobytes() for v in vectors]))

    def position(self) -> int:
        """The log's horizon: the oldest transaction still running (every older one has committed or failed, so
        its changes are final); a replica that read up to it has every change committed before."""
        return self._one(_HORIZON)[0]

    def all_vectors(self, dimension: int, consume: Callable[[VectorBatch], None]) -> int:
        """Every stored vector, in batches given to `consume`, and the log's position, from one snapshot (a
        replica's start); read through a server-side cursor, so memory holds one batch at a time."""
        with self._snapshot():
            position = self._db.execute(_HORIZON).fetchone()[0]  # of this snapshot: later reads apply again
            # what it may already hold (adding a passage is idempotent in the replica), never less
            with self._db.conn.cursor(name="kb_all_vectors") as cursor:
                cursor.itersize = self.BATCH
                cursor.execute("SELECT v.passage_id, s.language, v.vector FROM passage_vectors v "
                               "JOIN passages s ON s.id = v.passage_id ORDER BY v.passage_id")
                while rows := cursor.fetchmany(self.BATCH):
                    consume(_batch(rows, dimension))
        return position

    def changes_since(self, position: int, dimension: int, read: frozenset[int] = frozenset()) -> ChangeLog:
        """The changes of transactions from `position` on, those in `read` (changes already applied) left out, in
        the order written; a passage added then removed counts as removed only. Changes of transactions older
        than the oldest still running are final: the next read starts there, so a transaction that commits after
        a later one is never skipped, and what was committed is applied at once."""
        horizon = self.position()
        rows = self._all("SELECT seq, xid, passage_id, added FROM passage_changes WHERE xid >= ? ORDER BY seq",
                         (position,))
        pending = frozenset(seq for seq, xid, _, _ in rows if xid >= horizon)
        log = [row for row in rows if row[0] not in read]
        last: dict[int, bool] = {}
        for _, _, passage_id, added in log:
            last[passage_id] = added
        wanted = [i for i, added in last.items() if added]
        rows = self._all("SELECT v.passage_id, s.language, v.vector FROM passage_vectors v JOIN passages s "
                         "ON s.id = v.passage_id WHERE v.passage_id = ANY(?) ORDER BY v.passage_id", (wanted,)) \
            if wanted else []
        return ChangeLog(max(position, horizon), [i for i, added in last.items() if not added],
                         _batch(rows, dimension), pending)

    def passages_without_vectors(self) -> list[tuple[int, str, str]]:
        """(id, text, language) of passages whose vectors were never stored (a crash between the two commits)."""
        return self._all("SELECT s.id, s.text, s.language FROM passages s LEFT JOIN passage_vectors v "
                         "ON v.passage_id = s.id WHERE v.passage_id IS NULL ORDER BY s.id")


def _batch(rows: list[tuple], dimension: int) -> VectorBatch:
    vectors = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.float32).reshape(len(rows), dimension)
    return VectorBatch([int(r[0]) for r in rows], [r[1] for r in rows], vectors)
