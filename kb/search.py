"""Hybrid ranking: de-biased dense retrieval over passages, a lexical (BM25) bonus, per-practice results."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .language import detect_query_language
from .lexical import stems
from .models import SearchHit
from .themes import assign_themes

if TYPE_CHECKING:
    from .index import FaissIndex
    from .knowledge import KnowledgeBase

CANDIDATES_PER_RESULT = 8
LEXICAL_WEIGHT = 0.1  # the most the lexical leg adds; chosen on the dev set (README, "Measured on the dev set")
POWER = 8  # the lexical bonus is for near-complete matches: names, not shared common words
PLACE_BOOST = 0.08  # practices in a city the query names ("praktyki ze Lwowa")
THEME_BOOST = 0.05  # per theme that the query's words name and the practice has (chosen on the dev set)
_CUE = re.compile(r"(?i)(?<!\w)(w|we|z|ze|do|у|в|з|із|зі|до|in|from|of)\s+(\w)")


def query_language(index: "FaissIndex", query: str) -> str:
    """The query's language among those the de-biasing has means for; '' when it needs none."""
    if not index.debias.needs_query_language:
        return ""
    return detect_query_language(query, index.debias.languages)


def query_city(query: str) -> tuple[str, str] | None:
    """The city a query names, in any case and any inflection: 'ze Lwowa', 'з Кракова', 'in Ghent'."""
    from .places import locate

    # Users type place names in lower case: after a cue word, treat the next word as a name.
    text = _CUE.sub(lambda m: f"{m.group(1)} {m.group(2).upper()}", query)
    place = locate(text)
    return (place.city, place.country) if place.city else None


def coverage(query_stems: set[str], text: str) -> float:
    """The share of the query's words that the passage contains, to the 8th power: all of them (a name)
    counts, a few shared common words barely do. Same-language passages share words with a query by nature;
    only near-complete matches may lift them."""
    if len(query_stems) < 2:
        return 0.0
    return (len(query_stems & set(stems(text))) / len(query_stems)) ** POWER


def search_index(
    kb: "KnowledgeBase",
    query: str,
    k: int = 10,
    language: str | None = None,
    index: "FaissIndex | None" = None,
    lexical_weight: float = LEXICAL_WEIGHT,
    place_boost: float = PLACE_BOOST,
    theme_boost: float = THEME_BOOST,
    country: str | None = None,
    theme: str | None = None,
) -> list[SearchHit]:
    """Best practices for a query: each scored by its best passage (dense), plus lexical, place and theme bonuses."""
    query = query.strip()
    if not query:
        return []
    index = index or kb.index()
    if index.count == 0:
        return []
    vector = kb.embedder.embed_queries([query])[0]
    lang = query_language(index, query)
    city = query_city(query) if place_boost else None
    if city and city not in kb.store.cities():
        city = None  # only cities the knowledge base has practices from: "в мерії" must not mean Mérida
    query_stems = {s for s in stems(query) if len(s) > 2}
    query_themes = set(assign_themes(query, limit=2)) if theme_boost else set()
    filtered = language or country or theme
    only = kb.store.passage_ids_where(language, country, theme) if filtered else None
    wanted = max(k * CANDIDATES_PER_RESULT, 50)
    while True:
        found = index.search(vector, wanted, lang, only=only)
        dense = dict(found)
        lexical = dict(kb.store.lexical_search(query, wanted)) if lexical_weight else {}
        if only is not None:
            allowed = set(only)
            lexical = {i: s for i, s in lexical.items() if i in allowed}
        missing = [i for i in lexical if i not in dense]
        dense.update(index.score(vector, missing, lang))
        rows = kb.store.by_passages(list(dense))
        best: dict[str, SearchHit] = {}
        for pid, dense_score in dense.items():
            if pid not in rows:
                continue  # a passage removed after the index was read
            practice, text = rows[pid]
            lex = coverage(query_stems, text) if pid in lexical else 0.0
            score = dense_score + lexical_weight * lex
            if city and (practice.city, practice.country) == city:
                score += place_boost
            score += theme_boost * len(query_themes.intersection(practice.themes))
            hit = best.get(practice.id)
            if hit is None or score > hit.score:
                best[practice.id] = SearchHit(practice, score, text, dense_score=dense_score, lexical_score=lex)
        if len(best) >= k or len(found) < wanted or wanted >= index.count:
            break
        wanted *= 4  # many passages of few practices: look deeper
    return sorted(best.values(), key=lambda h: -h.score)[:k]


def facets(hits: list[SearchHit]) -> dict[str, dict[str, int]]:
    """Counts of languages, countries and themes among results, for filters that show what they hold."""
    out: dict[str, dict[str, int]] = {"language": {}, "country": {}, "theme": {}}
    for hit in hits:
        p = hit.practice
        out["language"][p.language] = out["language"].get(p.language, 0) + 1
        if p.country:
            out["country"][p.country] = out["country"].get(p.country, 0) + 1
        for t in p.themes:
            out["theme"][t] = out["theme"].get(t, 0) + 1
    return out


def similar_practices(kb: "KnowledgeBase", practice_id: str, k: int = 5) -> list[SearchHit]:
    """Practices comparable to one practice, in every language.

    Its title and summary are asked as a query: the query-to-passage path is the one the de-biasing
    was measured on (passage-to-passage similarity keeps more of the language signal).
    """
    practice = kb.store.get(practice_id)
    if practice is None:
        return []
    question = f"{practice.title}. {practice.summary}" if practice.summary else practice.title
    hits = search_index(kb, question, k=k + 1, lexical_weight=0.0, place_boost=0.0)
    return [h for h in hits if h.practice.id != practice_id][:k]
