"""SQLite store of documents, practices and their passages (WAL mode, versioned schema), and of the records
around them: versions, accounts, the audit trail, collections and transfer checklists.

One class per concern, combined into `SqliteStore` (one object, one connection):

- base.py: the connection, reads, the one write transaction, the cache of small answers
- records.py: the store's own records (DocumentRecord, Passage, ChangeSet, ConceptQuery)
- passages.py, fulltext.py: passages, and their lexical (BM25) and concept full-text search
- practices.py, documents.py: practices, curation writes; documents and saving an extraction
- versions.py, accounts.py, audit.py, collections.py, checklists.py, overview.py (counts for pages)
"""
from __future__ import annotations

from pathlib import Path

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
from .overview import OverviewStore
from .records import ChangeSet, ConceptQuery, DocumentRecord, Passage
from .versions import VersionStore


class SqliteStore(DocumentStore, VersionStore, FullTextStore, OverviewStore, AccountStore, AuditStore,
                  CollectionStore, ChecklistStore):
    """The knowledge base's records in one SQLite file. Safe to share between threads."""

    def __init__(self, path: Path):
        super().__init__(path)
        self._refresh_derived()


__all__ = [
    "COMMON_STEM_MIN", "COMMON_STEM_SHARE", "CONCEPT_CANDIDATE_MIN", "CONCEPT_CANDIDATE_SHARE",
    "ChangeSet", "ConceptQuery", "DocumentRecord", "Passage", "SqliteStore",
]
