"""The PostgreSQL schema: the same versioned migrations as kb/migrations.py (one step for each of SQLite's, so a
schema version means the same tables on both backends), in PostgreSQL's SQL, then the server backend's own
(the passages' vectors and their change log). The version is kept in
`schema_version`; a migration runs under an advisory lock, so instances that start together migrate once.

The full-text tables differ: SQLite's FTS5 keeps its own term statistics, here `passage_terms` holds each
passage's stems with their counts (BM25 is computed in SQL, kb/store/pg_fulltext.py) and
`passage_concept_terms` each passage's thesaurus concepts.
"""
from __future__ import annotations

from ..migrations import MIGRATIONS

_CREATE_TABLES = """
    CREATE TABLE documents (
        id BIGSERIAL PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        given_path TEXT NOT NULL,
        checksum TEXT NOT NULL,
        size BIGINT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE practices (
        rowid BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
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
    -- A sequence never hands out an id twice: a stale vector can never point at new text.
    CREATE TABLE passages (
        id BIGSERIAL PRIMARY KEY,
        practice_rowid BIGINT NOT NULL REFERENCES practices(rowid) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        text TEXT NOT NULL,
        language TEXT NOT NULL
    );
    CREATE INDEX passages_practice ON passages(practice_rowid);
    -- Bumped by every write transaction: cached answers of every instance are read again after a change.
    CREATE TABLE store_changes (n BIGINT NOT NULL);
    INSERT INTO store_changes VALUES (0);
"""

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
        PRIMARY KEY (term, passage_id)
    );
    CREATE INDEX passage_terms_passage ON passage_terms(passage_id);
"""

_GROUPS = """
    ALTER TABLE practices ADD COLUMN group_id TEXT NOT NULL DEFAULT '';
    CREATE INDEX practices_group ON practices(group_id) WHERE group_id != '';
    CREATE INDEX practices_city ON practices(city, country);
"""

_CHECKLISTS = """
    CREATE TABLE checklists (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL,
        share_token TEXT NOT NULL UNIQUE,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX checklists_practice ON checklists(practice_id);
"""

# User names compare without case, as SQLite's COLLATE NOCASE does (an ICU collation: no extension needed).
_CURATION = """
    ALTER TABLE practices ADD COLUMN confidence DOUBLE PRECISION NOT NULL DEFAULT 1.0;
    ALTER TABLE practices ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE practices ADD COLUMN edited TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE practices ADD COLUMN review TEXT NOT NULL DEFAULT '';
    ALTER TABLE practices ADD COLUMN proposal TEXT NOT NULL DEFAULT '';
    ALTER TABLE practices ADD COLUMN group_manual INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX practices_status ON practices(status);
    CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE TABLE users (
        username TEXT COLLATE nocase PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('advisor', 'admin')),
        created_at TEXT NOT NULL,
        last_login TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE audit (
        id BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT NOT NULL DEFAULT '{}',
        after TEXT NOT NULL DEFAULT '{}',
        reverted_by BIGINT
    );
    CREATE INDEX audit_target ON audit(target);
    CREATE TABLE not_versions (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        PRIMARY KEY (a, b)
    );
    CREATE TABLE collections (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        public INTEGER NOT NULL DEFAULT 0,
        owner TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE collection_items (
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        practice_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (collection_id, practice_id)
    );
"""

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
    CREATE TABLE passage_changes (
        seq BIGSERIAL PRIMARY KEY,
        passage_id BIGINT NOT NULL,
        added BOOLEAN NOT NULL
    );
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

_JOBS = """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        owner TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        created_at TEXT NOT NULL,
        finished_at TEXT NOT NULL DEFAULT '',
        runner TEXT NOT NULL DEFAULT '',
        heartbeat DOUBLE PRECISION NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX jobs_owner ON jobs(owner, created_at);
    CREATE TABLE job_files (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        content BYTEA NOT NULL,
        PRIMARY KEY (job_id, name)
    );
"""

# One step for each of SQLite's migrations (its third, FTS5's vocabulary table, is a query here), then what
# only the server backend has.
PG_MIGRATIONS: list[str] = [
    _CREATE_TABLES, _FULLTEXT, "SELECT 1", _GROUPS, _CHECKLISTS, _CURATION,
    "ALTER TABLE practices ADD COLUMN detached INTEGER NOT NULL DEFAULT 0",
    _CONCEPTS,
    "ALTER TABLE practices ADD COLUMN stage TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE users ADD COLUMN sessions_ended INTEGER NOT NULL DEFAULT 0",
    _VECTORS,  # the server backend's own step: from here on its numbers run one ahead of SQLite's
    _JOBS,
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
