"""Moving a knowledge base: a SQLite store copied into PostgreSQL (`kb migrate`), and the SQLite file backed up
and restored while it is in use (`kb backup`, `kb restore`, SQLite's online backup API)."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from .base import StoreBase

# The tables a knowledge base is made of, parents first; the full-text tables are derived (made again from the
# passages), and the vectors come from the model (kb.knowledge re-embeds the passages).
TABLES = ("documents", "practices", "passages", "checklists", "users", "audit", "not_versions", "collections",
          "collection_items", "jobs", "job_files")
_SERIALS = {"documents": "id", "practices": "rowid", "passages": "id", "audit": "id"}


class NotEmpty(RuntimeError):
    """The target of a migration already holds a knowledge base."""


def table_counts(store: StoreBase) -> dict[str, int]:
    """Rows of each table of the knowledge base."""
    return {table: store._one(f"SELECT count(*) FROM {table}")[0] for table in TABLES}


def copy_tables(source: StoreBase, target: StoreBase) -> dict[str, int]:
    """Every row of the knowledge base's tables from `source` into an empty `target`, ids kept, in one transaction
    of the target; its full-text tables are made again from the passages. Returns the rows copied per table."""
    if any(table_counts(target).values()):
        raise NotEmpty("The target database already holds a knowledge base: migrate into an empty schema "
                       "(KB_DATABASE_SCHEMA names another one).")
    copied = {}
    with target._transaction() as db:
        for table in TABLES:
            columns = [r[1] for r in source._all(f"PRAGMA table_info({table})")]
            rows = source._all(f"SELECT {', '.join(columns)} FROM {table}")
            marks = ", ".join("?" * len(columns))
            db.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks})", rows)
            copied[table] = len(rows)
        for table, column in _SERIALS.items():  # new rows continue after the highest id ever given
            used = source._one("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
            highest = max(used[0] if used else 0, source._one(f"SELECT coalesce(max({column}), 0) FROM {table}")[0])
            if highest:
                db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), ?)", (highest,))
        db.execute("DELETE FROM meta WHERE key IN ('thesaurus', 'stemmer')")
    target._refresh_derived()
    return copied


def backup_sqlite(database: Path, destination: Path) -> None:
    """Copy a SQLite store that may be in use into `destination`, consistently (the online backup API)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with closing(sqlite3.connect(database)) as live, closing(sqlite3.connect(tmp)) as copy:
        live.backup(copy)
    tmp.replace(destination)


def restore_sqlite(backup: Path, database: Path) -> None:
    """Write a backed-up store over the store at `database` (its other connections see the restored one); a
    damaged backup is refused before anything is written."""
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError(f"{backup} is damaged: nothing was restored")
        with closing(sqlite3.connect(database)) as live:
            source.backup(live)
