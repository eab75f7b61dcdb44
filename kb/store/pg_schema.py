"""The PostgreSQL schema: the same versioned migrations as kb/migrations.py (one step for each of SQLite's, so a
schema version means the same tables on both backends), in PostgreSQL's SQL, then the server backend's own
(the passages' vectors and their change log). The version is kept in
`schema_version`; a migration runs under an advisory lock, so instances that start together migrate once.

The full-text tables differ: SQLite's FTS5 keeps its own term statistics, here `passage_terms` holds each
passage's stems with their counts (BM25 is computed in SQL, kb/store/pg_fulltext.py) and
`passage_concept_terms` each passage's thesaurus concepts.
"""
from __future__ import annotations

import re

from .. import migrations as sqlite
from ..migrations import MIGRATIONS

# SQLite's column types and keys in PostgreSQL's words: the migrations both backends share are written once, in
# kb/migrations.py, and translated here.
_TRANSLATIONS = (
    (r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b", "BIGSERIAL PRIMARY KEY"),  # a sequence never gives an id twice
    (r"\bINTEGER PRIMARY KEY\b", "BIGSERIAL PRIMARY KEY"),
    (r"\bINTEGER NOT NULL REFERENCES\b", "BIGINT NOT NULL REFERENCES"),
    (r"\bREAL\b", "DOUBLE PRECISION"),
    (r"\bBLOB\b", "BYTEA"),
    (r"\bCOLLATE NOCASE\b", "COLLATE nocase"),
)


def translated(sql: str) -> str:
    for pattern, replacement in _TRANSLATIONS:
        sql = re.sub(pattern, replacement, sql)
    return sql


# Bumped by every write transaction: cached answers of every instance are read again after a change.
_CHANGES = """
    CREATE TABLE store_changes (n BIGINT NOT NULL);
    INSERT INTO store_changes VALUES (0);
"""

# SQLite's FTS5 tables (its second and third migrations) as tables of terms.
_FULLTEXT = """
    CREATE TABLE passages_fts (
        rowid BIGINT PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
        stems TEXT NOT NULL,
        length INTEGER NOT NULL
    );
    CREATE TABLE passage_terms (
        term TEXT NOT NULL,
        passage_id BIGINT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        tf INTEGER NOT NULL,
        length INTEGER NOT NULL,  -- the passage's, beside each of its terms: BM25 reads the postings alone
        PRIMARY KEY (term, passage_id)
    );
    CREATE INDEX passage_terms_passage ON passage_terms(passage_id);
"""

# User names compare without case, as SQLite's COLLATE NOCASE does (an ICU collation: no extension needed).
_NOCASE = "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"

_CONCEPTS = """
    CREATE TABLE passages_concepts (
        rowid BIGINT PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
        concepts TEXT NOT NULL
    );
    CREATE TABLE passage_concept_terms (
        term TEXT NOT NULL,
        passage_id BIGINT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
        PRIMARY KEY (term, passage_id)
    );
    CREATE INDEX passage_concept_terms_passage ON passage_concept_terms(passage_id);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# The passages' vectors live in the database (the source of truth; each instance's FAISS index is a replica
# of them, kb/replica.py), with a log of the changes replicas apply: a vector stored is an addition, a passage
# deleted a removal; each change wakes the replicas (NOTIFY kb_passages).
_VECTORS = """
    CREATE TABLE passage_vectors (
        passage_id BIGINT PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
        vector BYTEA NOT NULL
    );
    -- `xid`: the writing transaction. Replicas read the log up to the oldest transaction still running
    -- (pg_snapshot_xmin): a change whose transaction commits after a later one's is never skipped.
    CREATE TABLE passage_changes (
        seq BIGSERIAL PRIMARY KEY,
        xid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
        passage_id BIGINT NOT NULL,
        added BOOLEAN NOT NULL
    );
    CREATE INDEX passage_changes_xid ON passage_changes(xid);
    CREATE FUNCTION log_passage_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'passage_vectors' THEN
            INSERT INTO passage_changes(passage_id, added) VALUES (NEW.passage_id, true);
        ELSE
            INSERT INTO passage_changes(passage_id, added) VALUES (OLD.id, false);
        END IF;
        PERFORM pg_notify('kb_passages', current_schema());
        RETURN NULL;
    END $$;
    CREATE TRIGGER passage_vector_added AFTER INSERT ON passage_vectors
        FOR EACH ROW EXECUTE FUNCTION log_passage_change();
    CREATE TRIGGER passage_removed AFTER DELETE ON passages
        FOR EACH ROW EXECUTE FUNCTION log_passage_change();
"""

# One step for each of SQLite's migrations (its third, FTS5's vocabulary table, is a query here), then what
# only the server backend has.
PG_MIGRATIONS: list[str] = [
    translated(sqlite.M001_CREATE_TABLES) + _CHANGES, _FULLTEXT, "SELECT 1",
    *map(translated, (sqlite.M004_PRACTICE_GROUPS, sqlite.M005_CHECKLISTS)),
    _NOCASE + translated(sqlite.M006_CURATION), translated(sqlite.M007_DETACHED), _CONCEPTS,
    *map(translated, (sqlite.M009_STAGE, sqlite.M010_SESSIONS)),
    _VECTORS,  # the server backend's own step: from here on its numbers run one ahead of SQLite's
    translated(sqlite.M011_JOBS),
]
assert len(PG_MIGRATIONS) >= len(MIGRATIONS), "a PostgreSQL step for each SQLite migration"

_LOCK = 4_171_802  # the advisory lock migrations run under (any constant the application owns)


def migrate(conn) -> int:
    """Bring a PostgreSQL schema up to date (a psycopg connection in autocommit mode); returns its version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version VALUES (0)")
        version = row[0] if row else 0
        if version > len(PG_MIGRATIONS):
            raise RuntimeError(f"The database schema (version {version}) is newer than this program knows "
                               f"({len(PG_MIGRATIONS)}): upgrade the program.")
        for number, step in enumerate(PG_MIGRATIONS[version:], start=version + 1):
            conn.execute(step)
            conn.execute("UPDATE schema_version SET version = %s", (number,))
    return len(PG_MIGRATIONS)
