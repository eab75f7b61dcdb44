"""The store's connection on PostgreSQL: the same interface as base.py (`_all`, `_one`, `_transaction`,
`_cached`), so every concern module (practices, versions, accounts, ...) runs unchanged on either backend.

The concern modules write their SQL with `?` placeholders and the SQL both engines share; `_Connection`
turns the placeholders into psycopg's. A write transaction bumps `store_changes`, which `_cached` reads as
SQLite's `PRAGMA data_version`: an answer kept by one instance is read again after any instance wrote.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .base import StoreBase
from .pg_schema import migrate

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class _Connection:
    """A psycopg connection that takes the concern modules' SQL: `?` placeholders, `execute` and
    `executemany` returning a cursor (rows as tuples, `rowcount`)."""

    def __init__(self, conn) -> None:
        self.conn = conn

    @staticmethod
    def _sql(sql: str, args: Sequence) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if args else sql

    def execute(self, sql: str, args: Sequence = ()):
        return self.conn.execute(self._sql(sql, args), tuple(args) if args else None)

    def executemany(self, sql: str, rows):
        rows = [tuple(r) for r in rows]
        cursor = self.conn.cursor()
        if rows:
            cursor.executemany(self._sql(sql, rows[0]), rows)
        return cursor


class PgBase(StoreBase):
    """A pool of connections to a PostgreSQL database (`url`, a libpq URI): reads from several threads (the web
    server's) run at once, each on a connection of its own; a transaction keeps one connection from its BEGIN to
    its COMMIT, and reads inside it go through that connection. `schema`: where the tables live (created if
    missing; default the connection's search path)."""

    THEMES_OF_P = "json_array_elements_text(p.themes::json) AS t(value)"
    BEGIN = "BEGIN"
    SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    TAKE = " FOR UPDATE SKIP LOCKED"  # two instances looking for a job at once never take the same one
    POOL_SIZE = 8  # connections per store (per instance): reads at once

    def __init__(self, url: str, schema: str = ""):  # not super().__init__: that opens a SQLite file
        import psycopg  # only a PostgreSQL knowledge base needs these
        from psycopg_pool import ConnectionPool

        if schema and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"Not a schema name: {schema!r} (lower-case letters, digits and _)")
        self.path = None
        self.url = url
        self.schema = schema
        self._lock = threading.RLock()  # the cache of small answers
        self._local = threading.local()  # the connection of this thread's open transaction, if any
        with psycopg.connect(url, autocommit=True) as conn:
            if schema:
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                conn.execute(f"SET search_path TO {schema}")
            self.schema_version = migrate(conn)

        def configure(conn) -> None:
            if schema:
                conn.execute(f"SET search_path TO {schema}")

        self._pool = ConnectionPool(url, min_size=1, max_size=self.POOL_SIZE, kwargs={"autocommit": True},
                                    configure=configure, open=True, name=f"kb-{schema or 'default'}")
        self._start_cache()

    @property
    def _db(self) -> _Connection:
        """The connection of this thread's open transaction (the passage helpers write through it)."""
        current = getattr(self._local, "conn", None)
        if current is None:
            raise RuntimeError("PostgreSQL store: no transaction open in this thread")
        return current

    @contextmanager
    def _connection(self) -> Iterator[_Connection]:
        """This thread's transaction's connection, else one from the pool for the length of the block."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._pool.connection() as conn:
            yield _Connection(conn)

    def _all(self, sql: str, args: Sequence = ()) -> list[tuple]:
        with self._connection() as db:
            return db.execute(sql, args).fetchall()

    def _one(self, sql: str, args: Sequence = ()) -> tuple | None:
        with self._connection() as db:
            return db.execute(sql, args).fetchone()

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _open(self, begin: str, write: bool) -> Iterator[_Connection]:
        with self._pool.connection() as conn:
            db = _Connection(conn)
            self._local.conn = db
            try:
                db.execute(begin)
                try:
                    yield db
                    if write:
                        self._committing(db)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            finally:
                self._local.conn = None

    @contextmanager
    def _transaction(self) -> Iterator[_Connection]:
        """One write transaction on a connection of its own; rolled back on any error."""
        with self._lock:
            self._writes += 1
        with self._open(self.BEGIN, write=True) as db:
            yield db

    @contextmanager
    def _snapshot(self) -> Iterator[_Connection]:
        """Reads that see one state of the database, whatever other connections commit meanwhile."""
        with self._open(self.SNAPSHOT, write=False) as db:
            yield db

    def _changes(self) -> int:
        return self._one("SELECT n FROM store_changes")[0]

    def _committing(self, db: _Connection) -> None:
        db.execute("UPDATE store_changes SET n = n + 1")
