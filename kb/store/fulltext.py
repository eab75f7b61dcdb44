"""Full-text search over the passages: BM25 on their stems (the lexical leg) and their thesaurus concepts.

Both tables derive from the passages' text; a store made with another stemmer or thesaurus version makes
them again when it opens (`_refresh_derived`).
"""
from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Callable, Sequence

from ..concepts import thesaurus
from ..lexical import STEMMER_VERSION, query_stems, stem_text
from .base import StoreBase
from .records import ConceptQuery

logger = logging.getLogger(__name__)

# Stems in more than this share of the passages (and at least COMMON_STEM_MIN of them) are too common to match on.
COMMON_STEM_SHARE = 0.05
COMMON_STEM_MIN = 2000
# Concepts held by at most this share of the passages (or this many) bring candidates of their own.
CONCEPT_CANDIDATE_SHARE = 0.002
CONCEPT_CANDIDATE_MIN = 200


def matched_terms(terms: list[str], total: int, counts: Callable[[Sequence[str]], dict[str, int]]) -> list[str]:
    """The query stems the lexical leg matches: in a large collection (`total` passages), stems that most
    passages share are left out (they add little to BM25 and make the engine rank most of the collection),
    unless nothing rarer is left. `counts(terms)`: how many passages hold each."""
    common = max(COMMON_STEM_MIN, total * COMMON_STEM_SHARE)
    if total <= common:
        return terms
    df = counts(terms)
    rare = [t for t in terms if df.get(t, 0) <= common]
    return rare or sorted(terms, key=lambda t: df.get(t, 0))[:2]


def weighted_concepts(terms: list[str], total: int, df: dict[str, int]) -> ConceptQuery | None:
    """A query's concepts weighted by their rarity among `total` passages (log(1 + N/df)), and those rare enough
    to bring candidates of their own; None when the collection names none of them."""
    if not any(df.get(t) for t in terms):
        return None
    weights = {t: math.log(1 + max(total, 1) / df.get(t, 1)) for t in terms}
    rare = tuple(t for t in terms if 0 < df.get(t, 0) <= max(CONCEPT_CANDIDATE_MIN, total * CONCEPT_CANDIDATE_SHARE))
    return ConceptQuery(weights, rare)


def concept_scores(query: ConceptQuery, rows: list[tuple]) -> dict[int, float]:
    """Each passage (id, its concept tokens) scored by the share of the query's concept weight it names."""
    whole = sum(query.weights.values())
    out = {}
    for i, text in rows:
        shared = query.weights.keys() & set(text.split())
        if shared:
            out[int(i)] = sum(query.weights[t] for t in shared) / whole
    return out


class FullTextStore(StoreBase):
    """Lexical and concept matching of passages (SQLite FTS5)."""

    def lexical_search(self, query: str, limit: int = 100) -> list[tuple[int, float]]:
        """Passage ids with their BM25 score (higher is better) for the query's stems.

        In a large collection, stems that most passages share are left out of the match (they add
        little to BM25 and make SQLite rank most of the collection), unless nothing rarer is left."""
        terms = query_stems(query)
        if not terms:
            return []
        terms = matched_terms(terms, self._one("SELECT max(id) FROM passages")[0] or 0, self._term_counts)
        match = " OR ".join(f'"{t}"' for t in terms)
        rows = self._all(
            "SELECT rowid, -bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ? "
            "ORDER BY bm25(passages_fts) LIMIT ?",
            (match, limit),
        )
        return [(int(i), float(s)) for i, s in rows]

    def concept_query(self, tokens: Sequence[str]) -> ConceptQuery | None:
        """A query's concepts weighted by their rarity in the collection (log(1 + N/df)), and those rare enough
        (held by at most CONCEPT_CANDIDATE_SHARE of the passages) to bring candidates of their own; None when the
        collection names none of them."""
        terms = list(dict.fromkeys(tokens))
        if not terms:
            return None
        total = self._cached("SELECT count(*) FROM passages", lambda rows: rows[0][0])
        return weighted_concepts(terms, total, self._concept_counts(terms))

    def concept_search(self, query: ConceptQuery | Sequence[str] | None, limit: int = 100,
                       among: Sequence[int] = ()) -> dict[int, float]:
        """Passages with the share of the query's concepts they name, each concept weighted by its rarity: 1.0
        when a passage names all of them. Scored: the passages `among` (found by the other legs), and up to
        `limit` more that name the query's rarer concepts: a cross-language answer the dense leg missed.
        `query` is a concept_query (a search deepening its candidates asks it once) or the concept tokens."""
        if query is not None and not isinstance(query, ConceptQuery):
            query = self.concept_query(query)
        if query is None:
            return {}
        rows = self._all(  # rare: a few hundred rows each at most; those naming more of them first
            "SELECT rowid, concepts FROM passages_concepts WHERE passages_concepts MATCH ? ORDER BY rank LIMIT ?",
            (" OR ".join(f'"{t}"' for t in query.rare), limit * 4),
        ) if query.rare else []
        seen = {i for i, _ in rows}
        rest = [int(i) for i in among if i not in seen]
        for start in range(0, len(rest), 500):
            chunk = rest[start : start + 500]
            rows += self._all(f"SELECT rowid, concepts FROM passages_concepts WHERE rowid IN ({','.join('?' * len(chunk))})",
                              chunk)
        return concept_scores(query, rows)

    def _term_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many passages hold each stem."""
        marks = ",".join("?" * len(terms))
        return dict(self._all(f"SELECT term, doc FROM passages_vocab WHERE term IN ({marks})", list(terms)))

    def _concept_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """How many passages name each concept."""
        marks = ",".join("?" * len(terms))
        return dict(self._all(f"SELECT term, doc FROM passages_concepts_vocab WHERE term IN ({marks})", list(terms)))

    def stems_of(self, passage_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        """The stems of given passages, as the full-text index holds them."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = self._all(f"SELECT rowid, stems FROM passages_fts WHERE rowid IN ({marks})", list(passage_ids))
        return {int(i): frozenset(text.split()) for i, text in rows}

    def _index_text(self, passage_id: int, text: str) -> None:
        self._db.execute("INSERT INTO passages_fts(rowid, stems) VALUES (?, ?)", (passage_id, stem_text(text)))
        self._db.execute("INSERT INTO passages_concepts(rowid, concepts) VALUES (?, ?)",
                         (passage_id, thesaurus().token_text(text)))

    def _unindex_text(self, passage_ids: Sequence[int] | None) -> None:
        if passage_ids is None:
            self._db.execute("DELETE FROM passages_fts")
            self._db.execute("DELETE FROM passages_concepts")
            return
        self._db.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in passage_ids])
        self._db.executemany("DELETE FROM passages_concepts WHERE rowid = ?", [(i,) for i in passage_ids])

    def _refresh_derived(self) -> None:
        """Derived tables made with another version of what derives them (or never: a store from before them)
        are made again on opening: the passages' concept tags (the thesaurus) and their full-text stems (the
        stemmer)."""
        self._refresh("thesaurus", thesaurus().version, "passages_concepts", "concepts", thesaurus().token_text)
        self._refresh("stemmer", STEMMER_VERSION, "passages_fts", "stems", stem_text)

    def _refresh(self, key: str, version: str, table: str, column: str, derive: Callable[[str], str]) -> None:
        """Fill `table` again from every passage's text when the store's meta says another `version` made it."""
        def current(db: sqlite3.Connection) -> str:
            return (db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone() or ("",))[0]

        if current(self._db) == version:
            return
        try:
            with self._transaction() as db:
                if current(db) == version:  # another process made it meanwhile
                    return
                rows = db.execute("SELECT id, text FROM passages").fetchall()
                db.execute(f"DELETE FROM {table}")
                db.executemany(f"INSERT INTO {table}(rowid, {column}) VALUES (?, ?)", [(i, derive(t)) for i, t in rows])
                db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, version))
        except sqlite3.OperationalError as exc:  # a read-only or busy store: searches use the older table
            logger.warning("Could not remake %s for the new %s (%s); the older one stays", table, key, exc)
