"""The good-practice sheet in the Interreg Europe shape, with its labels in Polish, Ukrainian or English.

Labels follow the export language chosen by the user; the content stays in the practice's own language.
The section labels are ones that ingest recognises, so an exported sheet reads back as the same practice.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from babel import Locale
from babel.dates import format_date

from ..models import SHEET_FIELDS, Practice, clean_text
from ..places import place_name
from ..themes import label as theme_label

LABEL_LANGUAGES = ("pl", "uk", "en")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sheet": "Good practice sheet", "catalogue": "Catalogue of good practices", "contents": "Contents",
        "location": "Location", "themes": "Themes", "language": "Language", "source": "Source",
        "stage": "Stage", "implemented": "Implemented", "ongoing": "Ongoing", "planned": "Planned or proposed",
        "status": "Status", "approved": "Approved by an advisor", "draft": "Draft (not yet reviewed)", "rejected": "Rejected by an advisor",
        "description": "About the practice", "resources": "Resources needed", "timescale": "Timescale",
        "evidence": "Evidence of success", "difficulties": "Difficulties encountered",
        "transfer": "Potential for learning or transfer", "stakeholders": "Stakeholders", "contact": "Contact",
        "query": "Search: “{query}”", "count": "Practices: {n}", "exported": "Exported on {date}", "page": "Page {n}",
        "publisher": "Urban good practices — open knowledge base", "unknown": "not stated",
        "note": "Advisor's note", "comparison": "Comparison of good practices", "field": "Field",
        "on_page": "p. {n}", "on_pages": "pp. {first}–{last}",
    },
    "pl": {
        "sheet": "Karta dobrej praktyki", "catalogue": "Katalog dobrych praktyk", "contents": "Spis treści",
        "location": "Lokalizacja", "themes": "Tematy", "language": "Język", "source": "Źródło",
        "stage": "Etap", "implemented": "Zrealizowana", "ongoing": "W toku", "planned": "Planowana lub proponowana",
        "status": "Status", "approved": "Zatwierdzona przez doradcę", "draft": "Robocza (jeszcze nie sprawdzona)", "rejected": "Odrzucona przez doradcę",
        "description": "Opis praktyki", "resources": "Potrzebne zasoby", "timescale": "Okres realizacji",
        "evidence": "Dowody sukcesu", "difficulties": "Napotkane trudności", "transfer": "Potencjał transferu",
        "stakeholders": "Interesariusze", "contact": "Kontakt",
        "query": "Wyszukiwanie: „{query}”", "count": "Liczba praktyk: {n}", "exported": "Wygenerowano {date}", "page": "Strona {n}",
        "publisher": "Miejskie dobre praktyki — otwarta baza wiedzy", "unknown": "nie podano",
        "note": "Notatka doradcy", "comparison": "Porównanie dobrych praktyk", "field": "Pole",
        "on_page": "s. {n}", "on_pages": "s. {first}–{last}",
    },
    "uk": {
        "sheet": "Картка доброї практики", "catalogue": "Каталог добрих практик", "contents": "Зміст",
        "location": "Розташування", "themes": "Теми", "language": "Мова", "source": "Джерело",
        "stage": "Етап", "implemented": "Реалізована", "ongoing": "Триває", "planned": "Запланована або запропонована",
        "status": "Статус", "approved": "Затверджена радником", "draft": "Чернетка (ще не перевірена)", "rejected": "Відхилена радником",
        "description": "Опис практики", "resources": "Необхідні ресурси", "timescale": "Період реалізації",
        "evidence": "Докази успіху", "difficulties": "Труднощі", "transfer": "Потенціал для перенесення",
        "stakeholders": "Зацікавлені сторони", "contact": "Контакти",
        "query": "Пошук: «{query}»", "count": "Кількість практик: {n}", "exported": "Створено {date}", "page": "Сторінка {n}",
        "publisher": "Міські добрі практики — відкрита база знань", "unknown": "не вказано",
        "note": "Нотатка радника", "comparison": "Порівняння добрих практик", "field": "Поле",
        "on_page": "с. {n}", "on_pages": "с. {first}–{last}",
    },
}


def labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"labels in {lang!r} are not available; choose one of {', '.join(LABEL_LANGUAGES)}")
    return LABELS[lang]


@dataclass(frozen=True, slots=True)
class Section:
    field: str
    label: str
    text: str

    def blocks(self) -> list[tuple[str, str]]:
        """('p', text) paragraphs and ('li', text) list items, in order."""
        return text_blocks(self.text)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One practice laid out as a sheet: what every export format renders."""

    practice: Practice
    lang: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    note: str = ""  # a curator's note on the practice in a collection, printed after the facts

    @property
    def title(self) -> str:
        return self.practice.title

    @property
    def short(self) -> bool:
        """A tip of a paragraph or two (not a full sheet of several sections): it shares a page with the
        sheet before it in a catalogue."""
        return (len(self.sections) <= SHORT_SHEET_SECTIONS
                and sum(len(section.text) for section in self.sections) + len(self.note) < SHORT_SHEET_CHARS)

    @property
    def place(self) -> str:
        return place(self.practice, self.lang)


def text_blocks(text: str) -> list[tuple[str, str]]:
    out = []
    for line in (text or "").split("\n"):
        line = " ".join(line.split())
        if line.startswith(("- ", "• ", "– ")):
            out.append(("li", line[2:].strip()))
        elif line:
            out.append(("p", line))
    return out


def language_name(code: str, lang: str) -> str:
    name = Locale.parse(lang).languages.get(code, code)
    return name[:1].upper() + name[1:]


def place(practice: Practice, lang: str) -> str:
    return place_name(practice.city, practice.country, lang)


PAGES = re.compile(r"pp?\. (\d+)(?:–(\d+))?")  # the page locators ingest writes: "p. 3", "pp. 3–4"


def source_text(practice: Practice, lang: str = "en") -> str:
    """The source file's name and the place in it, pages in the labels' language (without the server's
    folders)."""
    where = practice.source.where(practice.title)
    pages = PAGES.fullmatch(where)
    if pages:
        first, last = pages.groups()
        names = labels(lang)
        where = names["on_pages"].format(first=first, last=last) if last else names["on_page"].format(n=first)
    return f"{practice.source.name}, {where}" if where else practice.source.name


SHORT_SHEET_CHARS = 1500  # about a third of a page: a shorter sheet of few sections does not start a page
SHORT_SHEET_SECTIONS = 2


def build_sheet(practice: Practice, lang: str = "en", note: str = "") -> Sheet:
    """The sheet of a practice, with a curator's note; control characters (which Word and PDF text cannot
    hold) are dropped."""
    names = labels(lang)
    practice = replace(practice, title=clean_text(practice.title), summary=clean_text(practice.summary),
                       body=clean_text(practice.body), fields={k: clean_text(v) for k, v in practice.fields.items()})
    facts = [
        (names["location"], place(practice, lang) or names["unknown"]),
        (names["themes"], ", ".join(theme_label(t, lang) for t in practice.themes) or names["unknown"]),
        (names["stage"], names[practice.stage] if practice.stage else names["unknown"]),
        (names["language"], language_name(practice.language, lang)),
        (names["source"], source_text(practice, lang)),
        (names["status"], names[str(practice.status)]),
    ]
    sections = []
    for name in SHEET_FIELDS:
        text = (practice.fields.get(name) or "").strip()
        if name == "description" and not text:
            text = practice.summary or practice.body
        if text:
            sections.append(Section(name, names[name], text))
    return Sheet(practice, lang, tuple(facts), tuple(sections), clean_text(note).strip())


def export_date(lang: str, today: date | None = None) -> str:
    return format_date(today or date.today(), format="long", locale=lang)


def slug(text: str, limit: int = 60) -> str:
    """A file name from a title: 'Mieszkanie za remont (Żyrardów)' -> 'mieszkanie-za-remont-zyrardow'."""
    # Latin letters lose their diacritics; Cyrillic stays as it is (browsers save UTF-8 file names).
    text = "".join(unicodedata.normalize("NFKD", c)[0] if c < "\u0250" else c for c in text.lower().replace("ł", "l"))
    words = re.findall(r"\w+", text)
    out = "-".join(words)
    if len(out) > limit:
        out = out[: limit + 1].rsplit("-", 1)[0]  # whole words only
    return out.strip("-") or "practices"
