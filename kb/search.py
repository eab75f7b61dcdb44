"""Ranking: dense retrieval over passages, de-biased across languages, aggregated per practice."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .language import detect_query_language
from .models import SearchHit

if TYPE_CHECKING:
    from .index import FaissIndex
    from .knowledge import KnowledgeBase

CANDIDATES_PER_RESULT = 8


def query_language(index: "FaissIndex", query: str) -> str:
    """The query's language among those the de-biasing has means for; '' when it needs none."""
    if not index.debias.needs_query_language:
        return ""
    return detect_query_language(query, index.debias.languages)


def search_index(
    kb: "KnowledgeBase", query: str, k: int = 10, language: str | None = None, index: "FaissIndex | None" = None
) -> list[SearchHit]:
    """Best practices for a query: each practice scored by its best passage."""
    query = query.strip()
    if not query:
        return []
    index = index or kb.index()
    vector = kb.embedder.embed_queries([query])[0]
    lang = query_language(index, query)
    wanted = max(k * CANDIDATES_PER_RESULT, 50)
    while True:
        found = index.search(vector, wanted, lang)
        rows = kb.store.by_passages([pid for pid, _ in found])
        best: dict[str, SearchHit] = {}
        for pid, score in found:
            if pid not in rows:
                continue  # a passage removed after the index was read
            practice, text = rows[pid]
            if language and practice.language != language:
                continue
            if practice.id not in best:  # results come best first
                best[practice.id] = SearchHit(practice, score, text, dense_score=score)
        if len(best) >= k or len(found) < wanted or wanted >= index.count:
            break
        wanted *= 4  # a filter removed too much: look deeper
    return sorted(best.values(), key=lambda h: -h.score)[:k]
