"""The store's connection on PostgreSQL: the same interface as base.py (`_all`, `_one`, `_transaction`,
`_cached`), so every concern module (practices, versions, accounts, ...) runs unchanged on either backend.

The concern modules write their SQL with `?` placeholders and the SQL both engines share; `_Connection`
turns the placeholders into psycopg's. A write transaction bumps `store_changes`, which `_cached` reads as
SQLite's `PRAGMA data_version`: an answer kept by one instance is read again after any instance wrote.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence

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

    def close(self) -> None:
        self.conn.close()


class PgBase(StoreBase):
    """One connection to a PostgreSQL database (`url`, a libpq URI), under a lock like SQLite's; `schema`: the
    schema the tables live in (created if missing; default the connection's search path)."""

    THEMES_OF_P = "json_array_elements_text(p.themes::json) AS t(value)"
    BEGIN = "BEGIN"
    SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    TAKE = " FOR UPDATE SKIP LOCKED"  # two instances looking for a job at once never take the same one

    def __init__(self, url: str, schema: str = ""):  # not super().__init__: that opens a SQLite file
        import psycopg  # only a PostgreSQL knowledge base needs it

        if schema and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"Not a schema name: {schema!r} (lower-case letters, digits and _)")
        self.path = None
        self.url = url
        self.schema = schema
        self._lock = threading.RLock()
        conn = psycopg.connect(url, autocommit=True)
        if schema:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            conn.execute(f"SET search_path TO {schema}")
        self._db = _Connection(conn)
        self.schema_version = migrate(conn)
        self._start_cache()

    def _changes(self) -> int:
        return self._one("SELECT n FROM store_changes")[0]

    def _committing(self, db: _Connection) -> None:
        db.execute("UPDATE store_changes SET n = n + 1")
