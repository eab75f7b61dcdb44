"""Section labels of good-practice sheets in PL/UK/EN (and a few others), mapped to the record's fields."""
from __future__ import annotations

import re

from kb.places import fold

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    # Not a sheet field: its value is the practice's title.
    "title": (
        "nazwa rozwiązania", "nazwa praktyki", "nazwa dobrej praktyki", "nazwa projektu", "tytuł praktyki",
        "title of the practice", "name of the practice", "practice title", "good practice title",
        "назва практики", "назва рішення", "назва проєкту", "назва проекту",
    ),
    "description": (
        "opis praktyki", "opis dobrej praktyki", "opis rozwiązania", "opis", "cel", "cele", "działania",
        "zwięzła charakterystyka", "charakterystyka", "działania szczegółowe", "problem", "kontekst",
        "sytuacja przed wdrożeniem", "about this good practice", "about the practice", "description",
        "what was done", "background", "context", "the problem", "objectives", "aim", "activities",
        "опис практики", "опис", "мета", "заходи", "контекст", "проблема", "діяльність", "що зроблено",
        "опис проблеми", "опис проєкту", "опис проекту", "мета проєкту", "мета та завдання", "доцільність проєкту",
        "opis projektu", "cel projektu", "cel i zakres", "project description", "project objectives", "rationale",
    ),
    "resources": (
        "potrzebne zasoby", "zasoby", "budżet", "koszty", "finansowanie", "źródła finansowania",
        "resources needed", "resources", "budget", "costs", "funding",
        "необхідні ресурси", "ресурси", "бюджет", "фінансування", "вартість", "необхідні фінансові ресурси",
        "нефінансові ресурси", "джерела фінансування", "можливі джерела співфінансування", "орієнтовна вартість",
        "szacowany koszt", "koszt projektu", "estimated cost", "funding sources", "sources of funding",
    ),
    "timescale": (
        "okres realizacji", "czas realizacji", "harmonogram", "wstępny harmonogram", "termin realizacji",
        "timescale", "timeline", "duration", "dates", "period",
        "терміни", "строки", "період реалізації", "термін реалізації", "графік реалізації", "ключові етапи реалізації",
        "етапи реалізації", "implementation schedule", "schedule", "key stages",
    ),
    "evidence": (
        "dowody sukcesu", "efekty", "rezultaty", "wyniki", "osiągnięcia", "oczekiwany efekt",
        "evidence of success", "results", "impact", "outcomes", "achievements",
        "докази успіху", "результати", "ефект", "досягнення", "очікувані результати", "oczekiwane rezultaty",
        "expected results", "expected outcomes",
    ),
    "difficulties": (
        "trudności", "napotkane trudności", "wyzwania", "bariery", "ryzyka",
        "difficulties encountered", "difficulties", "challenges", "lessons learned", "risks",
        "труднощі", "виклики", "складнощі", "ризики",
    ),
    "transfer": (
        "możliwość transferu", "potencjał transferu", "potencjał do transferu", "kluczowe czynniki sukcesu",
        "potential for learning or transfer", "transferability", "key success factors", "potential for transfer",
        "потенціал для перенесення", "можливість перенесення", "потенціал перенесення", "ключові чинники успіху",
    ),
    "stakeholders": (
        "interesariusze", "partnerzy", "podmioty odpowiedzialne za realizację", "podmioty odpowiedzialne",
        "realizatorzy", "stakeholders", "partners", "key actors", "main institution", "beneficiaries",
        "партнери", "стейкхолдери", "зацікавлені сторони", "виконавці", "бенефіціари", "відповідальні",
        "podmiot odpowiedzialny", "lead organisation", "responsible body",
    ),
    "contact": ("kontakt", "dane kontaktowe", "contact", "contacts", "контакти", "контакт", "контактна особа"),
}
# Labelled facts about a practice that are not sheet fields: its themes as a sheet lists them.
META_LABELS: dict[str, tuple[str, ...]] = {
    "themes": ("themes", "theme", "topics", "topic", "thematic area", "thematic areas", "tematy", "temat",
               "obszar tematyczny", "obszary tematyczne", "теми", "тема", "тематика", "тематичні напрями"),
}
_META_INDEX = {fold(label): name for name, ls in META_LABELS.items() for label in ls}


def meta_of(label: str) -> str | None:
    """The fact a table label or 'Label:' names (themes), if any."""
    return _META_INDEX.get(_key(label)) if len(label) <= 40 else None


# Sections that frame a document and hold no practice.
FRAMING = (
    "wprowadzenie", "wstęp", "introduction", "вступ", "агенда", "agenda", "program spotkania",
    "порядок денний", "następne kroki", "kolejne kroki", "next steps", "наступні кроки", "подальші кроки",
    "uczestnicy", "lista uczestników", "participants", "учасники", "podsumowanie", "summary", "conclusions",
    "wnioski", "висновки", "підсумки", "about the project", "o projekcie", "про проєкт", "literatura",
    "references", "źródła", "джерела", "odniesienia", "powiązane akty prawne", "przykłady podobnych",
    "contents", "spis treści", "зміст", "organizatorzy", "organisers", "організатори", "kontakt do organizatora",
    "następne spotkanie", "kolejne spotkanie", "next meeting", "наступне засідання", "наступна зустріч",
    # newsletters and catalogues
    "editorial", "from the editor", "foreword", "preface", "in this issue", "events", "events and calls",
    "calendar", "upcoming events", "imprint", "colophon", "acknowledgements", "about us", "subscribe",
    "słowo wstępne", "od redakcji", "wstęp od redakcji", "przedmowa", "w numerze", "w tym numerze", "kalendarz",
    "wydarzenia", "ogłoszenia", "stopka redakcyjna", "impressum", "podziękowania",
    "вступне слово", "передмова", "від редакції", "у номері", "в цьому номері", "календар", "події",
    "анонси", "оголошення", "редакція", "подяки", "вихідні дані",
    # reports and project deliverables: front and back matter
    "table of contents", "table of content", "content", "list of figures", "list of tables", "list of abbreviations",
    "list of acronyms", "abbreviations", "acronyms", "glossary", "executive summary", "abstract", "keywords",
    "overview", "in brief", "at a glance", "w skrócie", "коротко", "background", "context", "purpose",
    "key takeaways", "takeaways", "key findings", "key messages",
    "highlights", "acknowledgement", "acknowledgment", "acknowledgments",
    "methodology", "method", "methods", "approach and methodology", "annex", "annexes", "appendix", "appendices",
    "bibliography", "literature", "sources", "further reading", "notes", "endnotes", "disclaimer",
    "document information", "document history", "revision history", "version history", "deliverable information",
    "project partners", "partners", "consortium", "the consortium", "conclusion", "concluding remarks",
    "recommendations", "policy recommendations", "purpose of this document", "purpose of the document",
    "scope of the document", "structure of the document", "structure of the report", "objectives of the report",
    "list of contributors", "contributors", "authors", "about the authors", "legal notice", "copyright",
    "spis rysunków", "spis tabel", "spis wykresów", "spis ilustracji", "spis map", "wykaz skrótów", "wykaz tabel",
    "wykaz rysunków", "wykaz załączników", "skróty", "słownik pojęć", "słowniczek", "streszczenie",
    "streszczenie wykonawcze", "metodologia", "metodyka", "metodologia badania", "załącznik", "załączniki", "aneks",
    "aneksy", "bibliografia", "przypisy", "partnerzy", "partnerzy projektu", "rekomendacje", "zalecenia",
    "wnioski i rekomendacje", "cel dokumentu", "cel opracowania", "struktura dokumentu", "struktura raportu",
    "autorzy", "o autorach", "nota prawna", "metryka dokumentu",
    "перелік рисунків", "перелік таблиць", "перелік скорочень", "список скорочень", "перелік умовних позначень",
    "умовні позначення", "глосарій", "словник термінів", "резюме", "анотація", "ключові слова", "методологія",
    "методика", "методологія дослідження", "додаток", "додатки", "список літератури", "список використаних джерел",
    "використані джерела", "література", "примітки", "подяка", "партнери", "партнери проєкту", "рекомендації",
    "висновки та рекомендації", "мета документа", "структура документа", "структура звіту", "автори", "про авторів",
    "виконавче резюме", "загальні положення",
)

_NUMBERING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*(?:[.)]\s*(?=[^\W\d_])|[.)]?\s+)|(?:[ivx]{1,4}|[a-z])[.)]\s+)", re.I)
_NOTE = re.compile(r"\[[^\]]*\]|\([^)]*\)")


def _key(text: str) -> str:
    text = _NOTE.sub("", _NUMBERING.sub("", text)).strip().rstrip(":：").strip()
    return fold(" ".join(text.split()))


_FIELD_INDEX = sorted(((fold(name), f) for f, names in FIELD_LABELS.items() for name in names), key=lambda x: -len(x[0]))
_FRAMING = tuple(fold(x) for x in FRAMING)


def field_of(label: str) -> str | None:
    """The sheet field a heading or a table label names, if any."""
    key = _key(label)
    if not key or len(key) > 60:
        return None
    for name, field in _FIELD_INDEX:
        if key == name:
            return field
        if key.startswith(name):
            rest = key[len(name):]
            # "Efekty po pięciu latach", "Działania szczegółowe, narzędzia interwencji – opis"
            if rest[:1] == " " and len(rest) <= 25 or rest[:1] in (",", "/") or rest[:2] in (" –", " -", " —"):
                return field
    return None


def is_framing(heading: str) -> bool:
    key = _key(heading)
    return any(key == f or key.startswith((f + " ", f + ":", f + ".")) for f in _FRAMING)


def split_label(text: str) -> tuple[str, str] | None:
    """'Label: value' paragraphs: (field, value) when the part before the colon is a known label."""
    head, sep, tail = text.partition(":")
    if sep and tail.strip() and len(head) <= 60:
        field = field_of(head)
        if field:
            return field, tail.strip()
    return None


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text).strip()


# Column headers of tables that list one practice per row.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("nazwa", "tytuł", "praktyka", "dobra praktyka", "rozwiązanie", "name", "title", "practice",
              "good practice", "назва", "практика", "рішення", "initiative", "initiatives", "project", "projects",
              "inicjatywa", "inicjatywy", "projekt", "projekty", "przedsięwzięcie", "ініціатива", "ініціативи",
              "проєкт", "проєкти", "проект", "проекти"),
    "city": ("miasto", "gmina", "lokalizacja", "miejsce", "city", "town", "municipality", "location",
             "місто", "громада", "місце", "розташування"),
    "country": ("kraj", "państwo", "country", "країна", "держава"),
}
_COLUMN_INDEX = {fold(name): role for role, names in COLUMNS.items() for name in names}


def column_of(header: str) -> str | None:
    """The role of a column in a practices table: title, city, country, or a sheet field."""
    key = _key(header)
    return _COLUMN_INDEX.get(key) or field_of(header)
