"""Versioned schema migrations, applied in order; PRAGMA user_version records the last one."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .lexical import stem_text

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



def m002_passages_fulltext(db: sqlite3.Connection) -> None:
    """Full-text index of stemmed passages (the lexical leg of hybrid search), filled from existing ones."""
    db.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(stems, tokenize='unicode61 remove_diacritics 2')")
    rows = db.execute("SELECT id, text FROM passages").fetchall()
    db.executemany("INSERT INTO passages_fts(rowid, stems) VALUES (?, ?)", [(i, stem_text(t)) for i, t in rows])


# How many passages hold each stem: the lexical leg leaves out words that most passages share.
M003_FULLTEXT_VOCABULARY = """
        CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row');
"""

# Versions of one practice (the same practice in two files or two languages) share a group id.
M004_PRACTICE_GROUPS = """
        ALTER TABLE practices ADD COLUMN group_id TEXT NOT NULL DEFAULT '';
        CREATE INDEX practices_group ON practices(group_id) WHERE group_id != '';
        CREATE INDEX practices_city ON practices(city, country);
"""

# Transfer checklists (kb/checklist.py). No foreign key to practices: a re-ingest that removes a
# practice must not take a city's planning work with it.
M005_CHECKLISTS = """
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

# Curation (kb/curation.py, kb/accounts.py): the extraction's confidence, what advisors edited by hand,
# a newer extraction waiting as a proposal, advisors' accounts, the audit trail, pairs an advisor said are
# not versions of one practice, and collections (mini-catalogues). Like checklists, collection items and
# audit entries have no foreign key to practices: a re-ingest must not take curated work with it.
M006_CURATION = """
        ALTER TABLE practices ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
        ALTER TABLE practices ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE practices ADD COLUMN edited TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE practices ADD COLUMN review TEXT NOT NULL DEFAULT '';
        ALTER TABLE practices ADD COLUMN proposal TEXT NOT NULL DEFAULT '';
        ALTER TABLE practices ADD COLUMN group_manual INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX practices_status ON practices(status);
        CREATE TABLE users (
            username TEXT PRIMARY KEY COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('advisor', 'admin')),
            created_at TEXT NOT NULL,
            last_login TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            before TEXT NOT NULL DEFAULT '{}',
            after TEXT NOT NULL DEFAULT '{}',
            reverted_by INTEGER
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

# A practice an advisor kept after a new version of its document dropped it no longer belongs to that
# document's extraction: later ingests of the document leave it alone (kb/store/documents.py, save_document).
M007_DETACHED = """
        ALTER TABLE practices ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;
"""

# The concept leg (kb/concepts.py): each passage's thesaurus concepts, for BM25-style matching in any
# language; filled (and refilled when the thesaurus changes) by the store, which records the version.
M008_CONCEPTS = """
        CREATE VIRTUAL TABLE passages_concepts USING fts5(concepts, tokenize='unicode61');
        CREATE VIRTUAL TABLE passages_concepts_vocab USING fts5vocab(passages_concepts, 'row');
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Where a practice stands (implemented, ongoing, planned; kb.models.Stage), as its text says; "" unknown.
M009_STAGE = """
        ALTER TABLE practices ADD COLUMN stage TEXT NOT NULL DEFAULT '';
"""

# Signing out ends a user's sessions: each session carries the count it was started under (kb.accounts).
M010_SESSIONS = """
        ALTER TABLE users ADD COLUMN sessions_ended INTEGER NOT NULL DEFAULT 0;
"""

# Jobs (uploads, kb/store/jobs.py): their state, who runs them and when it last said so, per-file results, and
# the uploaded files themselves until the job is done, so that any instance (or `kb worker`) can run or resume one.
M011_JOBS = """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            owner TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
            created_at TEXT NOT NULL,
            finished_at TEXT NOT NULL DEFAULT '',
            runner TEXT NOT NULL DEFAULT '',
            heartbeat REAL NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX jobs_owner ON jobs(owner, created_at);
        CREATE TABLE job_files (
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            content BLOB NOT NULL,
            PRIMARY KEY (job_id, name)
        );
"""

# Each migration is an SQL script or a function, run in one transaction with the version bump.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    M001_CREATE_TABLES, m002_passages_fulltext, M003_FULLTEXT_VOCABULARY, M004_PRACTICE_GROUPS, M005_CHECKLISTS,
    M006_CURATION, M007_DETACHED, M008_CONCEPTS, M009_STAGE, M010_SESSIONS, M011_JOBS,
]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the schema version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"The database schema (version {version}) is newer than this program knows "
            f"({len(MIGRATIONS)}): upgrade the program."
        )
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        if isinstance(step, str):
            db.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
            continue
        db.execute("BEGIN")
        try:
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)
