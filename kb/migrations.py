"""Versioned schema migrations, applied in order; PRAGMA user_version records the last one."""
from __future__ import annotations

import sqlite3


M001_CREATE_TABLES = """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,          -- resolved path: the document's identity
            given_path TEXT NOT NULL,           -- the path as given to ingest
            checksum TEXT NOT NULL,
            size INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE practices (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            title TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            language TEXT NOT NULL,
            city TEXT NOT NULL DEFAULT '',
            country TEXT NOT NULL DEFAULT '',
            themes TEXT NOT NULL DEFAULT '[]',
            fields TEXT NOT NULL DEFAULT '{}',
            source_path TEXT NOT NULL,
            source_checksum TEXT NOT NULL,
            locator TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'draft',
            content_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX practices_document ON practices(document_id);
        CREATE INDEX practices_language ON practices(language);
        -- AUTOINCREMENT: a passage id is never reused, so a stale vector can never point at new text.
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            practice_rowid INTEGER NOT NULL REFERENCES practices(rowid) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            text TEXT NOT NULL,
            language TEXT NOT NULL
        );
        CREATE INDEX passages_practice ON passages(practice_rowid);
"""

# Each migration is one SQL script, run in one transaction together with the version bump.
MIGRATIONS: list[str] = [M001_CREATE_TABLES]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the schema version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"The database schema (version {version}) is newer than this program knows "
            f"({len(MIGRATIONS)}): upgrade the program."
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(MIGRATIONS)
