"""How the pages say things: source labels, snippets and highlights, paragraphs, places and dates in the
interface language, and the interface language itself (the visitor's choice, else the browser's)."""
from __future__ import annotations

import re

from flask import g, request
from flask_babel import format_date, get_locale, gettext
from markupsafe import Markup, escape

from ingest.labels import field_of
from kb import places
from kb.export.sheet import PAGES
from kb.lexical import query_stems, stem

from .access import knowledge as _kb


def source_label(p) -> str:
    """The source file's name and the place in it (pages in the interface language), without the server's
    folders."""
    where = p.source.where(p.title)
    pages = PAGES.fullmatch(where)
    if pages:
        first, last = pages.groups()
        where = gettext("pp. %(first)s–%(last)s", first=first, last=last) if last else gettext("p. %(n)s", n=first)
    return f"{p.source.name} · {where}" if where else p.source.name


_LEADING_LABEL = re.compile(r"([^:\n]{2,40}):\s+")


def snippet(hit) -> str:
    """The matching passage without the title it carries for the embedder, nor a sheet's label it starts
    with ("Opis praktyki: …" says nothing a reader needs)."""
    title = hit.practice.title
    text = hit.passage[len(title) + 2 :] if hit.passage.startswith(title + ". ") else hit.passage
    label = _LEADING_LABEL.match(text)
    if label and field_of(label.group(1)):
        text = text[label.end() :]
    return text


_WORD = re.compile(r"[^\W_]+")


def highlight(text: str, query: str, limit: int = 320) -> Markup:
    """The passage (cut near `limit` characters) with the words that share a stem with the query's words
    marked; every piece of it escaped."""
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    wanted = set(query_stems(query))
    if not wanted:
        return Markup(escape(text))
    out, last = [], 0
    for match in _WORD.finditer(text):
        if len(match.group()) > 2 and stem(match.group()) in wanted:
            out += [escape(text[last:match.start()]), Markup("<mark>"), escape(match.group()), Markup("</mark>")]
            last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def paragraphs(text: str) -> Markup:
    """Escaped paragraphs; consecutive '- ' lines become a list."""
    out, items = [], []
    for line in (text or "").split("\n"):
        line = line.strip()
        if line.startswith("- "):
            items.append(f"<li>{escape(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line:
            out.append(f"<p>{escape(line)}</p>")
    if items:
        out.append("<ul>" + "".join(items) + "</ul>")
    return Markup("".join(out))


UI_LANGUAGES = (("pl", "Polski"), ("uk", "Українська"), ("en", "English"))
LANGUAGE_COOKIE = "ui_lang"


def select_locale() -> str:
    """The interface language: the visitor's choice (a cookie), else the browser's, else English."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    codes = [code for code, _ in UI_LANGUAGES]
    if chosen in codes:
        return chosen
    return request.accept_languages.best_match(codes) or "en"


def country_name(code: str) -> str:
    return places.country_name(code, str(get_locale())) or code


def _query_places():
    if "query_places" not in g:  # the knowledge base's own city names, read once a request
        g.query_places = _kb().query_places()
    return g.query_places


def place(p) -> str:
    """'Вінниця, Україна' in the interface language; the country alone when the city is unknown."""
    return places.place_name(p.city, p.country, str(get_locale()), _query_places()) or gettext("City unknown")


def city_name(p) -> str:
    """'Вінниця': a record's city alone, in the interface language where it has a name of its own."""
    return _query_places().name(p.city, p.country, str(get_locale())) if p.city else ""


def city_label(city: str) -> str:
    """A city filter's value (a stored city name) as the interface language names it: "Вінниця", "Lwów"."""
    if "city_labels" not in g:  # read once a request: the knowledge base's cities' own names, by city
        g.city_labels = {key.rpartition("|")[0]: names for key, names in _query_places().local.items()}
    return g.city_labels.get(city, {}).get(str(get_locale()), city)


def day(stamp: str) -> str:
    """An ISO timestamp as a date in the interface language ("22 lis 2026", "22 лист. 2026 р.")."""
    from datetime import datetime

    try:
        return format_date(datetime.fromisoformat(stamp), "medium")
    except (TypeError, ValueError):
        return stamp or ""
