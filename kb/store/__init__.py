"""SQLite store of documents, practices and their passages (WAL mode, versioned schema), and of the records
around them: versions, accounts, the audit trail, collections and transfer checklists.

One class per concern, combined into `SqliteStore` (one object, one connection), or into `PostgresStore` for a
knowledge base in PostgreSQL (`open_store` chooses by the settings):

- base.py: the connection, reads, the one write transaction, the cache of small answers
- records.py: the store's own records (DocumentRecord, Passage, ChangeSet, ConceptQuery)
- passages.py, fulltext.py: passages, and their lexical (BM25) and concept full-text search
- practices.py, documents.py: practices, curation writes; documents and saving an extraction
- versions.py, accounts.py, audit.py, collections.py, checklists.py, jobs.py, overview.py (counts for pages)
- pg_base.py, pg_fulltext.py, pg_schema.py: the connection, the full-text tables and the schema on PostgreSQL
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from .accounts import AccountStore
from .audit import AuditStore
from .checklists import ChecklistStore
from .collections import CollectionStore
from .documents import DocumentStore
from .fulltext import (
    COMMON_STEM_MIN,
    COMMON_STEM_SHARE,
    CONCEPT_CANDIDATE_MIN,
    CONCEPT_CANDIDATE_SHARE,
    FullTextStore,
)
from .jobs import JobStore, StoredJob
from .overview import OverviewStore
from .pg_fulltext import PgFullTextStore
from .pg_vectors import PgVectorStore
from .records import ChangeSet, ConceptQuery, DocumentRecord, Passage
from .versions import VersionStore

if TYPE_CHECKING:
    from ..config import Settings


class SqliteStore(DocumentStore, VersionStore, FullTextStore, OverviewStore, AccountStore, AuditStore,
                  CollectionStore, ChecklistStore, JobStore):
    """The knowledge base's records in one SQLite file. Safe to share between threads. The passages' vectors
    live in the FAISS index beside it (kb/index.py), not here."""

    holds_vectors = False

    def __init__(self, path: Path):
        super().__init__(path)
        self._refresh_derived()


class PostgresStore(PgFullTextStore, PgVectorStore, DocumentStore, VersionStore, OverviewStore, AccountStore,
                    AuditStore, CollectionStore, ChecklistStore, JobStore):
    """The knowledge base's records in a PostgreSQL database, shared by every instance that serves it, the
    passages' vectors included (psycopg is imported when one is opened)."""

    def __init__(self, url: str, schema: str = ""):
        super().__init__(url, schema)
        self._refresh_derived()


def open_store(settings: Settings) -> SqliteStore | PostgresStore:
    """The store the settings name: PostgreSQL when `database_url` is set, else the SQLite file in the data
    folder."""
    if settings.database_url:
        return PostgresStore(settings.database_url, database_schema(settings))
    return SqliteStore(settings.database)


def database_schema(settings: Settings) -> str:
    """The PostgreSQL schema the settings name; "auto": one named after the data folder, so that several
    knowledge bases on one machine can share a database."""
    if settings.database_schema != "auto":
        return settings.database_schema
    return "kb_" + hashlib.sha1(str(settings.data_dir.resolve()).encode()).hexdigest()[:16]


__all__ = [
    "COMMON_STEM_MIN", "COMMON_STEM_SHARE", "CONCEPT_CANDIDATE_MIN", "CONCEPT_CANDIDATE_SHARE",
    "ChangeSet", "ConceptQuery", "DocumentRecord", "Passage", "PostgresStore", "SqliteStore", "StoredJob", "open_store",
]
