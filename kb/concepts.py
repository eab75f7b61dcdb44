"""A language-free lexical leg: urban-policy concepts from a PL/UK/EN thesaurus, found in passages and queries.

BM25 over words finds a Polish text for a Polish query and nothing across languages. The thesaurus
(kb/data/thesaurus.tsv: a concept a line, its terms in English, Polish and Ukrainian) maps "budżet
obywatelski", "громадський бюджет" and "participatory budgeting" to one concept; passages are indexed by
the concepts they name (in any language) and a query scores passages by the concepts they share with it,
each weighted by its rarity in the collection. A concept counts the same in every language, so the leg
cannot favour the query's language; it is classic dictionary-based cross-language retrieval.

Terms are matched as sequences of word keys: a word folded (lowercase, no diacritics) less its inflectional
ending, so "budżetu obywatelskiego" is "budzet obywatelsk" like "budżet obywatelski". Not the lexical leg's
5-letter stems: they join "mieszkanie" (a flat) with "mieszkańcy" (residents); a key keeps them apart
("mieszkan", "mieszkanc"). The longest term at a place wins.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .lexical import _WORD, _fold

LANGUAGES = ("en", "pl", "uk")
MAX_TERM_WORDS = 6
# Inflectional endings of Polish, Ukrainian and English, folded as words are (kb/lexical.py: ł→l, ї→і, й→и).
_ENDINGS = tuple(sorted(set(
    "owie ami ach ow owi ego emu ej iego iemu iej ich imi ie ia iu iem ym im ymi om a e i o u y "
    "ами ями ах ях ові еві ом ем ою ею ого ому ии ии ои их ів ям а я у ю і и о е є ь "
    "ies es s ing ed".split()), key=len, reverse=True))
MIN_KEY = 4


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """A word folded and without its inflectional ending (the longest that leaves MIN_KEY letters)."""
    word = _fold(word)
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_KEY:
            return word[: -len(ending)]
    return word


def keys(text: str) -> list[str]:
    """The keys of a text's words, numbers and one-letter words left out."""
    return [key(w) for w in _WORD.findall(text) if len(w) > 1 and not w.isdigit()]


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    terms: dict[str, tuple[str, ...]]  # language -> terms as written in the thesaurus


@dataclass(frozen=True, slots=True)
class Thesaurus:
    concepts: tuple[Concept, ...]
    version: str  # a digest of the file: passages tagged with another version are tagged again
    # first key -> (key sequence, concept tokens), longest sequences first
    _starts: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]

    def _spans(self, words: list[str]) -> Iterator[tuple[int, int, tuple[str, ...]]]:
        """The terms among these words, in order: (first word, last word, concept tokens); one-letter words and
        numbers are not keys. The longest term at a place wins."""
        keyed = [(n, key(w)) for n, w in enumerate(words) if len(w) > 1 and not w.isdigit()]
        i = 0
        while i < len(keyed):
            for sequence, tokens in self._starts.get(keyed[i][1], ()):
                if tuple(k for _, k in keyed[i : i + len(sequence)]) == sequence:
                    yield keyed[i][0], keyed[i + len(sequence) - 1][0], tokens
                    i += len(sequence)
                    break
            else:
                i += 1

    def tokens(self, text: str) -> list[str]:
        """The concept tokens a text names, one per occurrence, in order ("c12 c7 c12"); a term two concepts list
        ("mieszkanie": a flat, housing) names both."""
        return [token for _, _, tokens in self._spans(_WORD.findall(text)) for token in tokens]

    def token_text(self, text: str) -> str:
        return " ".join(self.tokens(text))

    def pieces(self, text: str) -> list[tuple[str, Concept | None]]:
        """The text cut into the terms it names (each with its concept) and the words between them, in order."""
        words = _WORD.findall(text)
        out: list[tuple[str, Concept | None]] = []
        done = 0  # words before this one are in `out`
        for first, last, tokens in self._spans(words):
            out += [(w, None) for w in words[done:first]]
            out.append((" ".join(words[first : last + 1]), self.concepts[int(tokens[0][1:])]))
            done = last + 1
        return out + [(w, None) for w in words[done:]]

    def language_of(self, text: str) -> str:
        """The language whose terms the text uses most ("" when it names none): a query's language without a
        language detector."""
        votes: dict[str, int] = {}
        for words, concept in self.pieces(text):
            if concept is not None:
                found = tuple(keys(words))
                for language, terms in concept.terms.items():
                    if any(tuple(keys(term)) == found for term in terms):
                        votes[language] = votes.get(language, 0) + 1
        return max(votes, key=lambda language: (votes[language], language == "en")) if votes else ""

    def translate(self, text: str, language: str) -> str:
        """The text with every term it names written in `language` (its concept's first term there), the other
        words as they are: a query translated term by term through the thesaurus."""
        out = []
        for words, concept in self.pieces(text):
            terms = concept.terms.get(language) if concept is not None else None
            out.append(terms[0] if terms else words)
        return " ".join(out)

    def named_share(self, text: str, ignore: Collection[str] = ()) -> float:
        """The share of the text's words (of four letters or more, or in a term) that lie in the terms it names:
        how much of a query the thesaurus understands. Words in `ignore` (a place it names) are not counted."""
        counted = [(words, concept) for words, concept in self.pieces(text)
                   if concept is not None or len(words) > 3 and words not in ignore]
        return sum(1 for _, concept in counted if concept is not None) / len(counted) if counted else 0.0


def _token(n: int) -> str:
    return f"c{n}"


@lru_cache(maxsize=1)
def _single_words() -> frozenset[str]:
    return frozenset(seq[0] for starts in thesaurus()._starts.values() for seq, _ in starts if len(seq) == 1)


def is_common_word(word: str) -> bool:
    """True when a word is one of the thesaurus's one-word terms in any language ("фонди", "park", "hub"):
    an ordinary word of urban policy, which the thesaurus never lists a place name as."""
    return key(word) in _single_words()


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    """The shipped thesaurus, read once per process."""
    text = resources.files("kb").joinpath("data/thesaurus.tsv").read_text(encoding="utf-8")
    return parse(text)


def parse(text: str) -> Thesaurus:
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    concepts = []
    sequences: dict[tuple[str, ...], dict[str, int]] = {}  # key sequence -> concept token -> the term's place
    for n, row in enumerate(rows):
        terms = {lang: tuple(t.strip() for t in (row.get(lang) or "").split("|") if t.strip()) for lang in LANGUAGES}
        concepts.append(Concept(row["id"], terms))
        for lang_terms in terms.values():
            for place, term in enumerate(lang_terms):
                sequence = tuple(keys(term))
                if 0 < len(sequence) <= MAX_TERM_WORDS and not (len(sequence) == 1 and len(sequence[0]) < 3):
                    tokens = sequences.setdefault(sequence, {})
                    tokens[_token(n)] = min(place, tokens.get(_token(n), place))
    starts: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for sequence, tokens in sequences.items():
        # A term several concepts list names each of them; first the one that lists it first ("shelter" is a
        # shelter before it is a bus stop's).
        ranked = tuple(sorted(tokens, key=lambda token: tokens[token]))
        starts.setdefault(sequence[0], []).append((sequence, ranked))
    ordered = {k: tuple(sorted(v, key=lambda item: -len(item[0]))) for k, v in starts.items()}
    return Thesaurus(tuple(concepts), hashlib.sha256(text.encode()).hexdigest()[:12], ordered)
