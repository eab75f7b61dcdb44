"""The lexical leg: BM25 (SQLite FTS5) over truncation-stemmed words, for exact names and rare terms.

Polish and Ukrainian inflect heavily ("mieszkanie, mieszkania, mieszkań", "житло, житла"). Without
lemmatisation, BM25 misses most forms; dictionary lemmatisers for PL and UK cost seconds to load and
hundreds of MB. Truncating every word to its first five letters (four for five-letter words ending in
a vowel), after folding diacritics, joins most inflected forms of a word at no cost; it is a known,
strong baseline for stemming Polish. The dense leg carries meaning across languages; this leg only
adds a bonus for shared words, so it cannot push same-language results over better cross-lingual ones.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = set("aeiouyаеєиіїоуюяэыё")
STEM = 5
# Change it whenever stem() changes: a store whose full-text stems another version made re-stems its passages
# when it opens (kb/store/fulltext.py), so the lexical leg never matches new query stems against old passage
# stems.
STEMMER_VERSION = f"truncate-{STEM}-v1"


def _fold(word: str) -> str:
    word = word.lower().replace("ł", "l").replace("ї", "і").replace("й", "и")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)  # a vocabulary, not a text: every query re-stems the passages it scores
def stem(word: str) -> str:
    word = _fold(word)
    if len(word) == STEM and word[-1] in _VOWELS:
        return word[:-1]
    return word[:STEM]


def stems(text: str) -> list[str]:
    """Stems of the words of a text, numbers and one-letter words left out."""
    return [stem(w) for w in _WORD.findall(text) if len(w) > 1 and not w.isdigit()]


def stem_text(text: str) -> str:
    return " ".join(stems(text))


def query_stems(text: str) -> list[str]:
    """The distinct stems of a query that the lexical leg matches (three letters or more), in order."""
    return list(dict.fromkeys(s for s in stems(text) if len(s) > 2))
