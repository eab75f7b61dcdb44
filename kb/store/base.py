"""The store's connection: one SQLite file in WAL mode, migrated on opening and shared between threads.

Reads go through `_all` and `_one`, every write through `_transaction`; `_cached` keeps small answers until
this or another connection writes.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..migrations import migrate


class StoreBase:
    """One connection to the store's SQLite file, under a lock: web requests share it across threads."""

    CACHED_QUERIES = 64
    BEGIN = "BEGIN IMMEDIATE"  # a write transaction takes the write lock at once
    THEMES_OF_P = "json_each(p.themes) AS t"  # a practice's themes as rows `t.value` (SQL of this backend)
    TAKE = ""  # what picking a job to take adds (SQLite: nothing, its write transaction excludes other writers)

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=10000")
        self.schema_version = migrate(self._db)
        self._start_cache()

    def _start_cache(self) -> None:
        self._writes = 0  # own commits; _changes() counts other connections' commits
        self._cache: dict[str, tuple[tuple[int, int], object]] = {}  # small answers kept until the store changes
        self._pinned: dict[str, tuple[tuple[int, int], object]] = {}  # large answers of a few fixed queries

    def _changes(self) -> int:
        """A number that changes when another connection commits."""
        return self._one("PRAGMA data_version")[0]

    def _committing(self, db) -> None:
        """What the backend records with every commit (SQLite: nothing; it counts commits itself)."""

    def _all(self, sql: str, args: Sequence = ()) -> list[tuple]:
        """Read under the lock: web requests share this connection across threads."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _one(self, sql: str, args: Sequence = ()) -> tuple | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One write transaction under the lock; rolled back on any error. Every write goes through here."""
        with self._lock:
            self._writes += 1
            self._db.execute(self.BEGIN)
            try:
                yield self._db
                self._committing(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _index_text(self, passage_id: int, text: str) -> None:
        """Add a new passage's full-text rows (inside a transaction): the full-text store of the backend."""
        raise NotImplementedError

    def _unindex_text(self, passage_ids: Sequence[int] | None) -> None:
        """Remove these passages' full-text rows, or every passage's (None), inside a transaction."""
        raise NotImplementedError

    def _cached(self, sql: str, shape: Callable[[list[tuple]], Any], args: tuple = (), pinned: bool = False) -> Any:
        """`shape(rows)` of a query, read again only after this or another connection wrote to the store
        (the most recent CACHED_QUERIES answers are kept; a `pinned` one, of a few fixed queries, always)."""
        with self._lock:  # threads share the cache: one of them reads and shapes, the others wait for it
            version = (self._changes(), self._writes)
            key = f"{sql}\x1f{args!r}"
            cache = self._pinned if pinned else self._cache
            kept = cache.pop(key, None)
            if kept is None or kept[0] != version:
                kept = (version, shape(self._all(sql, args)))
            cache[key] = kept  # last used last: the oldest go first
            while len(self._cache) > self.CACHED_QUERIES:
                del self._cache[next(iter(self._cache))]
            return kept[1]
