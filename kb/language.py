"""Language identification (lingua, restricted to the languages our documents come in): deterministic."""
from __future__ import annotations

import re
from functools import lru_cache

SUPPORTED = ("pl", "uk", "en", "de", "es", "fr", "it", "pt", "cs", "sk", "lt", "lv", "ro", "hu", "nl", "ru", "be")
_UK_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
_RU_LETTERS = re.compile(r"[ыэъёЫЭЪЁ]")
_PL_LETTERS = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED]
    # Low-accuracy mode (trigrams only): ~45 MB instead of ~500 MB, the same answers on paragraphs.
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's main language; `default` when there is nothing to go on."""
    sample = text[:4000]
    if not re.search(r"[^\W\d_]", sample):
        return default
    if len(sample) < 40:  # short texts (queries): letters that only one language uses decide first
        cyr = len(_CYRILLIC.findall(sample))
        if cyr and _UK_LETTERS.search(sample) and not _RU_LETTERS.search(sample):
            return "uk"
        if not cyr and _PL_LETTERS.search(sample):
            return "pl"
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found else default


def detect_query_language(text: str, candidates: tuple[str, ...] = ("pl", "uk", "en")) -> str:
    """The most likely of `candidates` for a short query (a few words say little: choose among few)."""
    if _CYRILLIC.search(text):
        cyrillic = [c for c in candidates if c in ("uk", "ru", "be")]
        if cyrillic:
            return "uk" if "uk" in cyrillic and not _RU_LETTERS.search(text) else cyrillic[0]
    elif _PL_LETTERS.search(text) and "pl" in candidates:
        return "pl"
    latin = [c for c in candidates if c not in ("uk", "ru", "be")] or list(candidates)
    if len(latin) == 1:
        return latin[0]
    scores = {v.language.iso_code_639_1.name.lower(): v.value for v in _detector().compute_language_confidence_values(text)}
    return max(latin, key=lambda c: (scores.get(c, 0.0), c == "en"))
