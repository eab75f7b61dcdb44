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

    position: int  # the last change read
    removed: list[int]
    added: VectorBatch


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
        return self._one("SELECT coalesce(max(seq), 0) FROM passage_changes")[0]

    def all_vectors(self, dimension: int, consume: Callable[[VectorBatch], None]) -> int:
        """Every stored vector, in batches given to `consume`, and the log's position, from one snapshot (a
        replica's start); read through a server-side cursor, so memory holds one batch at a time."""
        with self._snapshot():
            position = self._db.execute("SELECT coalesce(max(seq), 0) FROM passage_changes").fetchone()[0]
            with self._db.conn.cursor(name="kb_all_vectors") as cursor:
                cursor.itersize = self.BATCH
                cursor.execute("SELECT v.passage_id, s.language, v.vector FROM passage_vectors v "
                               "JOIN passages s ON s.id = v.passage_id ORDER BY v.passage_id")
                while rows := cursor.fetchmany(self.BATCH):
                    consume(_batch(rows, dimension))
        return position

    def changes_since(self, position: int, dimension: int) -> ChangeLog:
        """What changed after `position`: a passage added then removed within it counts as removed only."""
        log = self._all("SELECT seq, passage_id, added FROM passage_changes WHERE seq > ? ORDER BY seq", (position,))
        if not log:
            return ChangeLog(position, [], _batch([], dimension))
        last: dict[int, bool] = {}
        for _, passage_id, added in log:
            last[passage_id] = added
        wanted = [i for i, added in last.items() if added]
        rows = self._all("SELECT v.passage_id, s.language, v.vector FROM passage_vectors v JOIN passages s "
                         "ON s.id = v.passage_id WHERE v.passage_id = ANY(?) ORDER BY v.passage_id", (wanted,)) \
            if wanted else []
        return ChangeLog(log[-1][0], [i for i, added in last.items() if not added], _batch(rows, dimension))

    def passages_without_vectors(self) -> list[tuple[int, str, str]]:
        """(id, text, language) of passages whose vectors were never stored (a crash between the two commits)."""
        return self._all("SELECT s.id, s.text, s.language FROM passages s LEFT JOIN passage_vectors v "
                         "ON v.passage_id = s.id WHERE v.passage_id IS NULL ORDER BY s.id")

    def vector_count(self) -> int:
        return self._one("SELECT count(*) FROM passage_vectors")[0]


def _batch(rows: list[tuple], dimension: int) -> VectorBatch:
    vectors = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.float32).reshape(len(rows), dimension)
    return VectorBatch([int(r[0]) for r in rows], [r[1] for r in rows], vectors)
