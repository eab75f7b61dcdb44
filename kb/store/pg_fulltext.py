"""Full-text search over the passages on PostgreSQL: the lexical leg's BM25 and the concept leg, computed in SQL
from each passage's stems and concepts, with the same formulas and the same answers as SQLite's FTS5
(kb/store/fulltext.py): BM25 with k1 = 1.2 and b = 0.75, each term's weight log((N - n + 0.5) / (n + 0.5)),
at least 1e-6, as FTS5 computes it.
"""
from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence

from ..concepts import thesaurus
from ..lexical import STEMMER_VERSION, query_stems, stem_text
from .fulltext import COMMON_STEM_MIN, COMMON_STEM_SHARE, concept_scores, weighted_concepts
from .pg_base import PgBase
from .records import ConceptQuery

logger = logging.getLogger(__name__)

K1, B = 1.2, 0.75

# One statement: each query stem's passage count, the stems matched (kb/store/fulltext.py matched_terms: those
# held by at most `common` passages, unless every stem the collection has is commoner and none is missing: then
# the two rarest), and BM25 over their postings (each posting carries its passage's length: no join).
_BM25 = f"""
    WITH q AS (SELECT term, count(*)::float8 AS df FROM passage_terms WHERE term = ANY(?) GROUP BY term),
    kept AS (
        SELECT term, df FROM q WHERE df <= ?::float8
        UNION ALL
        SELECT term, df FROM (SELECT term, df FROM q ORDER BY df, term LIMIT 2) AS rarest
        WHERE NOT EXISTS (SELECT 1 FROM q WHERE df <= ?::float8) AND (SELECT count(*) FROM q) = ?
    )
    SELECT t.passage_id, sum(greatest(ln((?::float8 - k.df + 0.5) / (k.df + 0.5)), 1e-6)
                             * t.tf * {K1 + 1} / (t.tf + {K1} * ({1 - B} + {B} * t.length / ?::float8))) AS score
    FROM passage_terms t JOIN kept k ON k.term = t.term
    GROUP BY t.passage_id ORDER BY score DESC, t.passage_id LIMIT ?
"""


class PgFullTextStore(PgBase):
    """Lexical and concept matching of passages (PostgreSQL tables of terms)."""

    def lexical_search(self, query: str, limit: int = 100) -> list[tuple[int, float]]:
        """Passage ids with their BM25 score (higher is better) for the query's stems; in a large collection,
        stems most passages share are left out, as on SQLite."""
        terms = query_stems(query)
        if not terms:
            return []
        total = self._one("SELECT max(id) FROM passages")[0] or 0
        common = max(COMMON_STEM_MIN, total * COMMON_STEM_SHARE)
        rows, length = self._cached("SELECT count(*), coalesce(sum(length), 0) FROM passages_fts",
                                    lambda rows: rows[0])
        if not rows:
            return []
        common = common if total > common else math.inf  # a small collection matches on every stem
        found = self._all(_BM25, (terms, common, common, len(terms), rows, length / rows, limit))
        return [(int(i), float(s)) for i, s in found]

    def _counts(self, table: str, terms: Sequence[str]) -> dict[str, int]:
        """How many passages hold each term (FTS5's vocabulary table)."""
        return dict(self._all(f"SELECT term, count(*) FROM {table} WHERE term = ANY(?) GROUP BY term", (list(terms),)))

    def concept_query(self, tokens: Sequence[str]) -> ConceptQuery | None:
        """As on SQLite (kb/store/fulltext.py)."""
        terms = list(dict.fromkeys(tokens))
        if not terms:
            return None
        total = self._cached("SELECT count(*) FROM passages", lambda rows: rows[0][0])
        return weighted_concepts(terms, total, self._counts("passage_concept_terms", terms))

    def concept_search(self, query: ConceptQuery | Sequence[str] | None, limit: int = 100,
                       among: Sequence[int] = ()) -> dict[int, float]:
        """As on SQLite: the passages `among`, and up to `limit` more naming the query's rarer concepts (those
        naming more of them first), scored by the share of the query's concept weight they name."""
        if query is not None and not isinstance(query, ConceptQuery):
            query = self.concept_query(query)
        if query is None:
            return {}
        rows = self._all(
            "SELECT c.rowid, c.concepts FROM passages_concepts c JOIN (SELECT passage_id, count(*) AS n "
            "FROM passage_concept_terms WHERE term = ANY(?) GROUP BY passage_id ORDER BY n DESC, passage_id "
            "LIMIT ?) r ON r.passage_id = c.rowid", (list(query.rare), limit * 4)) if query.rare else []
        seen = {i for i, _ in rows}
        rest = [int(i) for i in among if i not in seen]
        if rest:
            rows += self._all("SELECT rowid, concepts FROM passages_concepts WHERE rowid = ANY(?)", (rest,))
        return concept_scores(query, rows)

    def stems_of(self, passage_ids: Sequence[int]) -> dict[int, frozenset[str]]:
        if not passage_ids:
            return {}
        rows = self._all("SELECT rowid, stems FROM passages_fts WHERE rowid = ANY(?)", (list(passage_ids),))
        return {int(i): frozenset(text.split()) for i, text in rows}

    def _index_text(self, passage_id: int, text: str) -> None:
        self._write_stems(passage_id, stem_text(text))
        self._write_concepts(passage_id, thesaurus().token_text(text))

    def _write_stems(self, passage_id: int, stems: str) -> None:
        words = stems.split()
        self._db.execute("INSERT INTO passages_fts(rowid, stems, length) VALUES (?, ?, ?)",
                         (passage_id, stems, len(words)))
        counts = Counter(words)
        if counts:
            self._db.execute("INSERT INTO passage_terms(term, passage_id, tf, length) SELECT u.term, ?, u.tf, ? "
                             "FROM unnest(?::text[], ?::int[]) AS u(term, tf)",
                             (passage_id, len(words), list(counts), list(counts.values())))

    def _write_concepts(self, passage_id: int, concepts: str) -> None:
        self._db.execute("INSERT INTO passages_concepts(rowid, concepts) VALUES (?, ?)", (passage_id, concepts))
        terms = sorted(set(concepts.split()))
        if terms:
            self._db.execute("INSERT INTO passage_concept_terms(term, passage_id) SELECT u.term, ? "
                             "FROM unnest(?::text[]) AS u(term)", (passage_id, terms))

    def _unindex_text(self, passage_ids: Sequence[int] | None) -> None:
        tables = ("passage_terms", "passages_fts", "passage_concept_terms", "passages_concepts")
        for table in tables:
            column = "rowid" if table.startswith("passages_") else "passage_id"
            if passage_ids is None:
                self._db.execute(f"DELETE FROM {table}")
            elif passage_ids:
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ANY(?)", (list(passage_ids),))

    def _refresh_derived(self) -> None:
        """As on SQLite: the concept and stem tables are made again when the thesaurus or the stemmer changed."""
        self._refresh("thesaurus", thesaurus().version, ("passage_concept_terms", "passages_concepts"),
                      self._write_concepts, thesaurus().token_text)
        self._refresh("stemmer", STEMMER_VERSION, ("passage_terms", "passages_fts"), self._write_stems, stem_text)

    def _refresh(self, key: str, version: str, tables: tuple[str, ...], write: Callable[[int, str], None],
                 derive: Callable[[str], str]) -> None:
        def current() -> str:
            return (self._one("SELECT value FROM meta WHERE key = ?", (key,)) or ("",))[0]

        if current() == version:
            return
        with self._transaction() as db:
            db.execute("LOCK TABLE meta IN EXCLUSIVE MODE")  # another instance remaking them waits, then sees it
            if current() == version:
                return
            for table in tables:
                db.execute(f"DELETE FROM {table}")
            for passage_id, text in db.execute("SELECT id, text FROM passages").fetchall():
                write(passage_id, derive(text))
            db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       (key, version))
