"""Practices inside news and event reports: a seminar where partners presented their practices, a study
visit, an award. The report is not a practice; each practice it presents by name ("the programme
„Mieszkanie za remont” from Żyrardów", «Huecos Urbanos» in Las Palmas) becomes a record of its own, with
the paragraphs about it, its own city, and the report as its context.
"""
from __future__ import annotations

import re

from kb.places import locate

from .blocks import Block, Kind
from .segment import Draft

# A report of something that happened: an event, a visit, an award.
_REPORT = re.compile(
    r"(?i)\b(?:seminar\w*|konferencj\w*|conference|workshop\w*|warsztat\w*|forum|kongres\w*|congress|webinar\w*|"
    r"study visit|wizyt\w*|visit\w*|award\w*|nagrod\w*|konkurs\w*|competition|spotkani\w*|meeting|"
    r"семінар\w*|конференц\w*|форум\w*|візит\w*|нагород\w*|конкурс\w*|зустріч\w*|воркшоп\w*)")
# A name in quotation marks, as reports name the practices they present.
_QUOTED = re.compile(r"[„“\"«»]([A-ZĄĆĘŁŃÓŚŹŻА-ЯІЇЄҐ][^„“”\"«»\n]{2,70}?)[”\"»“]")
# Words that say the quoted name is an initiative, not a book or an event.
_INITIATIVE = re.compile(
    r"(?i)\b(?:program\w*|projekt\w*|project\w*|inicjatyw\w*|initiative\w*|practice\w*|praktyk\w*|scheme|"
    r"ogrod\w*|garden\w*|програм\w*|проєкт\w*|проект\w*|ініціатив\w*|практик\w*)")
MIN_PRACTICES = 2


def split_report(draft: Draft, language: str) -> list[Draft]:
    """The practices a report presents, or [draft] when it is not such a report."""
    lead = " ".join([draft.title, *(b.text for b in draft.blocks[:3])])
    if not _REPORT.search(lead):
        return [draft]
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
