"""From a segmented draft to a Practice: language, city and country, themes, summary, provenance."""
from __future__ import annotations

import re

from kb.language import detect_language
from kb.models import EXTRACTION_FLAGS, Practice, SourceRef, practice_id
from kb.places import LANGUAGE_COUNTRY, Location, locate
from kb.themes import assign_themes, named_themes

from .segment import Draft
from .stage import stage_of

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ0-9„\"«])")


# A metadata line ("Місто/громада: Житомир | Країна: Україна", "Location: Tartu, Estonia") or a bare field label:
# never a summary's opening.
_METADATA = re.compile(r"^\s*[^\W\d][\w /’'-]{0,40}:\s*(?:\S[^.!?]{0,80})?(?:\s*[|;]\s*[^\W\d][\w /-]{0,40}:.*)?$")


def _as_written(name: str) -> str:
    """A place name from a labelled cell, as written, less its region or country ("Шипинки, Чернівецька обл.")."""
    first = re.split(r"[,;(|]", name, maxsplit=1)[0].strip(" .–-")
    return first if 2 <= len(first) <= 60 and len(first.split()) <= 5 and first[:1].isupper() else ""


def summarise(text: str, limit: int = 280) -> str:
    """The first sentences of the description, cut at a sentence end near `limit` characters; metadata lines
    and field labels at its top are left out."""
    lines = text.splitlines()
    while len(lines) > 1 and _METADATA.match(lines[0]):
        lines = lines[1:]
    flat = " ".join(" ".join(lines).split())
    if len(flat) <= limit:
        return flat
    out = ""
    for sentence in _SENTENCE.split(flat):
        if out and len(out) + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if len(out) <= limit * 1.5 else flat[:limit].rsplit(" ", 1)[0] + "…"


def locator(draft: Draft) -> str:
    first, last = draft.pages
    if first:
        return f"p. {first}" if first == last else f"pp. {first}–{last}"
    return " › ".join([*draft.context, draft.title])


def _themes(draft: Draft, body: str) -> tuple[str, ...]:
    """Themes a sheet lists by name come first (all of them when every listed name is a known theme);
    the vocabulary assigns the rest from the text."""
    listed = draft.meta.get("themes", "")
    named = named_themes(listed)
    parts = [p for p in re.split(r"[,;/|•\n]+", listed) if p.strip()]
    if named and len(named) >= len(parts):
        return named
    assigned = assign_themes(body, draft.title)
    return tuple(dict.fromkeys([*named, *assigned]))[:4]


# Below this mean word confidence (tesseract's 0-100) an OCR reading is poor: misread words, lost lines.
OCR_POOR = 80.0


def to_practice(draft: Draft, *, document: str, given_path: str, checksum: str, ordinal: int, doc_title: str,
                ocr_confidence: float | None = None, document_place: Location | None = None) -> Practice:
    """The record of one draft; `ocr_confidence` is given when its pages were read by OCR; `document_place` is
    the place of a report all of whose practices are one place's (its case studies need not name it)."""
    body = draft.body
    language = detect_language(f"{draft.title}\n{body}")
    place = locate(body, title=draft.title, language=language)
    named = draft.meta.get("city", "")
    if named:  # a table's "Miasto"/"City" column names the place outright
        given = locate(named, title=named, language=language)
        written = _as_written(named)
        if given.city:
            place = given
        elif written:  # a village or hromada the gazetteer does not know: kept as written
            place = Location(written, given.country or place.country or LANGUAGE_COUNTRY.get(language, ""))
    from_document = False
    if not place.city:  # a tip in a workshop summary may name its city only in the document title
        outer = document_place or locate(" ".join(draft.context), title=doc_title, language=language)
        from_document = bool(outer.city)
        place = outer if outer.city or not place.country else place
    description = draft.fields.get("description", "")
    themes = _themes(draft, body)
    flags = [name for name, found in (
        ("no_city", not place.city), ("city_from_document", from_document), ("no_country", not place.country),
        ("no_themes", not themes), ("themes_guessed", bool(themes) and not draft.meta.get("themes")),
        ("no_fields", not set(draft.fields) - {"description"}), ("short", len(body.split()) < 60),
        ("long_title", len(draft.title.split()) > 20), ("ocr", ocr_confidence is not None),
        ("ocr_poor", ocr_confidence is not None and ocr_confidence < OCR_POOR),
    ) if found]
    return Practice(
        id=practice_id(document, ordinal),
        title=draft.title.strip()[:300],
        body=body,
        language=language,
        source=SourceRef(path=given_path, checksum=checksum, locator=locator(draft), ordinal=ordinal),
        summary=summarise(description or body),
        city=place.city,
        country=place.country,
        themes=themes,
        stage=str(stage_of(draft.title, body) or ""),
        fields=dict(draft.fields),
        confidence=round(max(0.0, 1.0 - sum(EXTRACTION_FLAGS[f] for f in flags)), 2),
        flags=tuple(flags),
    )
