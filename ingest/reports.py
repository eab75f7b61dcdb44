"""Practices inside news and event reports: a seminar where partners presented their practices, a study
visit, an award. The report is not a practice; each practice it presents by name ("the programme
„Mieszkanie za remont” from Żyrardów", «Huecos Urbanos» in Las Palmas) becomes a record of its own, with
the paragraphs about it, its own city, and the report as its context. The other way round, a short
document whose sections are all one initiative (a press release with subheadings) is one practice.
"""
from __future__ import annotations

import re

from kb.language import detect_language
from kb.models import Practice
from kb.places import locate

from .blocks import Block, Kind
from .screen import EVENTS
from .segment import Draft

# A report of something that happened: an event, a visit, an award.
_REPORT = re.compile(rf"(?i)\b(?:{EVENTS}|spotkani\w*|meeting|зустріч\w*|воркшоп\w*|study visit|wizyt\w*|visit\w*|"
                     r"award\w*|nagrod\w*|konkurs\w*|competition|візит\w*|нагород\w*|конкурс\w*)")
# A name in quotation marks, as reports name the practices they present.
_QUOTED = re.compile(r"[„“\"«»]([A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ][^„“”\"«»\n]{2,70}?)[”\"»“]")
# Words that say the quoted name is an initiative, not a book or an event.
_INITIATIVE = re.compile(
    r"(?i)\b(?:program\w*|projekt\w*|project\w*|inicjatyw\w*|initiative\w*|practice\w*|praktyk\w*|scheme|"
    r"ogrod\w*|garden\w*|програм\w*|проєкт\w*|проект\w*|ініціатив\w*|практик\w*)")
MIN_PRACTICES = 2


def split_report(draft: Draft) -> list[Draft]:
    """The practices a report presents, or [draft] when it is not such a report."""
    lead = " ".join([draft.title, *(b.text for b in draft.blocks[:3])])
    if not _REPORT.search(lead):
        return [draft]
    language = detect_language(f"{draft.title}\n{draft.body}")
    paragraphs = [b for b in draft.blocks if b.kind in (Kind.PARAGRAPH, Kind.LIST_ITEM)]
    names: dict[str, list[Block]] = {}
    for block in paragraphs:
        for match in _QUOTED.finditer(block.text):
            name = match.group(1).strip()
            if len(name.split()) <= 8 and _INITIATIVE.search(block.text):
                names.setdefault(name, [])
    if len(names) < MIN_PRACTICES:
        return [draft]
    for name in names:
        names[name] = [b for b in paragraphs if name in b.text]
    found = []
    for name, blocks in names.items():
        place = locate(" ".join(b.text for b in blocks), title=name, language=language)
        if place.city:
            found.append(Draft(title=name, blocks=blocks, context=[*draft.context, draft.title]))
    cities = {locate(" ".join(b.text for b in d.blocks), title=d.title, language=language).city for d in found}
    return found if len(found) >= MIN_PRACTICES and len(cities) >= MIN_PRACTICES else [draft]


# Titles of documents that collect several practices: never read as one.
_COLLECTION = re.compile(
    r"(?i)newsletter|bulletin|biuletyn|бюлетень|вісник|digest|catalog|katalog|каталог|practices|praktyk|практик|"
    r"case stud|studi\w* przypadk|examples|przykład|приклад|inventory|compendium|collection|zbiór|збірка|"
    r"annex|załącznik|додаток|projects|projekty|проєкти|проекти")
SHORT_PAGES = 6  # a press release or a one-initiative case study: a few pages


def about_one_initiative(found: list[Practice], drafts: list[Draft], pages: int, title: str) -> bool:
    """A short document whose sections are all about one place and sit side by side under its title (a
    press release with its subheadings, a case study in parts): one practice, titled as the document. Not
    when the sections are sheets of their own, each with labelled fields (a programme's project cards)."""
    cities = {p.city for p in found if p.city}
    short = (pages or 1) <= SHORT_PAGES and sum(len(d.body.split()) for d in drafts) <= 3000
    # Side by side right under the title (a subtitle is not a chapter), not inside a chapter.
    contexts = {tuple(d.context) for d in drafts}
    sheets = sum(len(d.fields) >= 3 for d in drafts) >= 2  # sections that are sheets of their own (project cards)
    return (len(found) >= 2 and short and len(cities) == 1 and len(contexts) == 1 and len(drafts[0].context) <= 1
            and bool(title) and not _COLLECTION.search(title) and not any(d.meta.get("from_table") for d in drafts)
            and not sheets)
