"""A language-free lexical leg: urban-policy concepts from a PL/UK/EN thesaurus, found in passages and queries.

BM25 over words finds a Polish text for a Polish query and nothing across languages. The thesaurus
(kb/data/thesaurus.tsv: a concept a line, its terms in English, Polish and Ukrainian) maps "budżet
obywatelski", "громадський бюджет" and "participatory budgeting" to one concept; passages are indexed by
the concepts they name (in any language) and a query scores passages by the concepts they share with it,
each weighted by its rarity in the collection. A concept counts the same in every language, so the leg
cannot favour the query's language; it is classic dictionary-based cross-language retrieval.

Terms are matched as sequences of the lexical leg's stems (kb/lexical.py), so inflected forms join:
"budżetu obywatelskiego" is "budże obywa" like "budżet obywatelski". The longest term at a place wins.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .lexical import stems

LANGUAGES = ("en", "pl", "uk")
MAX_TERM_WORDS = 6


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    terms: dict[str, tuple[str, ...]]  # language -> terms as written in the thesaurus


@dataclass(frozen=True, slots=True)
class Thesaurus:
    concepts: tuple[Concept, ...]
    version: str  # a digest of the file: passages tagged with another version are tagged again
    # first stem -> (stem sequence, concept token), longest sequences first
    _starts: dict[str, tuple[tuple[tuple[str, ...], str], ...]]

    def tokens(self, text: str) -> list[str]:
        """The concept tokens a text names, one per occurrence, in order ("c12 c7 c12")."""
        words = stems(text)
        out: list[str] = []
        i = 0
        while i < len(words):
            for sequence, token in self._starts.get(words[i], ()):
                if tuple(words[i : i + len(sequence)]) == sequence:
                    out.append(token)
                    i += len(sequence)
                    break
            else:
                i += 1
        return out

    def token_text(self, text: str) -> str:
        return " ".join(self.tokens(text))


def _token(n: int) -> str:
    return f"c{n}"


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    """The shipped thesaurus, read once per process."""
    text = resources.files("kb").joinpath("data/thesaurus.tsv").read_text(encoding="utf-8")
    return parse(text)


def parse(text: str) -> Thesaurus:
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    concepts = []
    sequences: dict[tuple[str, ...], str] = {}
    for n, row in enumerate(rows):
        terms = {lang: tuple(t.strip() for t in (row.get(lang) or "").split("|") if t.strip()) for lang in LANGUAGES}
        concepts.append(Concept(row["id"], terms))
        for lang_terms in terms.values():
            for term in lang_terms:
                sequence = tuple(stems(term))
                if 0 < len(sequence) <= MAX_TERM_WORDS and not (len(sequence) == 1 and len(sequence[0]) < 3):
                    sequences.setdefault(sequence, _token(n))  # a term two concepts share goes to the first
    starts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for sequence, token in sequences.items():
        starts.setdefault(sequence[0], []).append((sequence, token))
    ordered = {k: tuple(sorted(v, key=lambda item: -len(item[0]))) for k, v in starts.items()}
    return Thesaurus(tuple(concepts), hashlib.sha256(text.encode()).hexdigest()[:12], ordered)
