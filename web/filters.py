"""The filters of the search, browse and map pages: what the request chose, the values a long list offers,
and the query-string arguments that keep them."""
from __future__ import annotations

from flask import request

from kb import places
from kb.themes import THEMES

from .access import knowledge as _kb
from .access import visible_status
from .present import city_label

# Filter name in kb.search -> query-string parameter (the language filter is "lang", as in the CLI).
FILTER_PARAMS = {"language": "lang", "country": "country", "city": "city", "theme": "theme", "status": "status",
                 "source": "source", "stage": "stage"}


def chosen_filters() -> dict[str, str | None]:
    """The filters the request chose, by kb.search's names (None where not chosen)."""
    return {name: request.args.get(param, "").strip() or None for name, param in FILTER_PARAMS.items()}


def page_filters() -> dict[str, str | None]:
    """The filters a listing page applies: the request's, without a status for anonymous visitors (they see
    approved practices only, and have no status to choose)."""
    chosen = chosen_filters()
    if visible_status():
        chosen["status"] = None
    return chosen


def filter_form(counts: dict[str, dict[str, int]], chosen: dict[str, str | None]) -> dict:
    """What the filter form of the search, browse and map pages shows (templates/_facets.html): each facet's
    counts, the chosen values, the arguments that keep them, and the values each filter offers."""
    return {"counts": counts, "chosen": {k: v or "" for k, v in chosen.items()}, "kept": filter_args(chosen),
            "countries": _kb().store.countries(), "themes": [t.id for t in THEMES],
            "statuses": not visible_status(), **filter_choices(counts, chosen)}


LISTED_OPTIONS = 100  # a city or document filter lists at most this many values, those with the most practices


def filter_choices(counts: dict[str, dict[str, int]], chosen: dict[str, str | None]) -> dict:
    """The cities and source documents the filters offer (the chosen one always), and how many more are left out
    of a long list (at 100,000 practices, thousands: the other filters narrow them)."""
    out = {}
    for name, plural in (("city", "cities"), ("source", "sources")):
        values, wanted = counts[name], chosen[name]
        shown = set(sorted(values, key=lambda v: (-values[v], v))[:LISTED_OPTIONS]) | ({wanted} if wanted else set())
        out[plural], out[f"more_{plural}"] = sorted(shown), len(set(values) - shown)
    out["cities"].sort(key=lambda city: places.fold(city_label(city)))  # as the reader reads them: "Вінниця", "Lwów"
    return out


def filter_args(chosen: dict[str, str | None]) -> dict[str, str]:
    """The chosen filters as query-string arguments, for links and forms that keep them."""
    return {FILTER_PARAMS[name]: value for name, value in chosen.items() if value}
