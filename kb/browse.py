"""Browsing without a query: every practice a visitor may see, filtered as search filters, sorted and
counted by facet over the same set, so each option's count is what choosing it lists.

At 100,000 practices this must answer in a fraction of a second: the store keeps a light row of each practice
(kb.store Listed) until its next write, their facet values (as arrays, so that counting is vectorised) and the
four orders are worked out once for those rows, and only the page's practices are read whole."""
from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .knowledge import KnowledgeBase
from .models import Practice, Status
from .search import Facet, FacetTable, facet_values


def _folded(text: str) -> str:
    """A sort key that puts "Łódź" beside "Lublin" and "Żyrardów" beside "Zamość" (letters without marks)."""
    text = text.casefold().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Each sort's key; "newest" reverses the order of creation. Records without a city or country come last.
SORTS: dict[str, Callable] = {
    "newest": lambda p: (p.created_at, p.id),
    "title": lambda p: (_folded(p.title), p.id),
    "city": lambda p: (not p.city, _folded(p.city), _folded(p.title)),
    "country": lambda p: (not p.country, p.country, _folded(p.city), _folded(p.title)),
}


@dataclass(frozen=True, slots=True)
class Listing:
    """A page of a browse: its practices, how many the filters list in all, and the facet counts."""

    practices: list[Practice]
    total: int
    counts: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class _Prepared:
    table: FacetTable  # each facet's values over the rows
    orders: dict[str, np.ndarray]  # each sort's order of the rows
    places: Facet  # each row's (city, country), for the map


_prepared: dict[int, tuple[object, _Prepared]] = {}  # id of the store's rows -> (those rows, what they give)
_lock = threading.Lock()
KEPT = 4  # visitors' and advisors' rows, of a knowledge base or two


def _prepare(rows: list) -> _Prepared:
    """The rows' facet values and orders, worked out once (the first request after a write does it; the
    others wait for it rather than doing it again)."""
    with _lock:
        kept = _prepared.pop(id(rows), None)
        if kept is None or kept[0] is not rows:
            kept = (rows, _Prepared(FacetTable.of([facet_values(r) for r in rows]),
                                    {name: np.array(sorted(range(len(rows)), key=lambda i, key=key: key(rows[i]),
                                                           reverse=name == "newest"), dtype=np.int64)
                                     for name, key in SORTS.items()},
                                    Facet.of("place", [{"place": (f"{r.city}\t{r.country}",)} for r in rows])))
        _prepared[id(rows)] = kept  # last used last: the oldest go first
        while len(_prepared) > KEPT:
            del _prepared[next(iter(_prepared))]
        return kept[1]


def browse(kb: KnowledgeBase, chosen: dict[str, str | None], sort: str = "newest", status: str | None = None,
           offset: int = 0, limit: int = 20) -> Listing:
    """The practices (of `status` only, when given: visitors see approved ones) that pass the chosen filters,
    in the chosen order, `limit` of them from `offset`, with each facet counted under the other chosen filters."""
    rows, prepared, passing = _filtered(kb, chosen, status)
    order = prepared.orders[sort]
    listed = order if passing is None else order[passing[order]]
    page = kb.store.practices([rows[i].id for i in listed[offset : offset + limit]])
    return Listing(page, len(listed), prepared.table.counts(chosen))


def _filtered(kb: KnowledgeBase, chosen: dict[str, str | None], status: str | None
              ) -> tuple[list, _Prepared, np.ndarray | None]:
    """The store's light rows (of `status` only, when given), what is worked out once for them, and which of
    them pass the chosen filters (None: all)."""
    rows = kb.store.listed(Status(status) if status else None)
    prepared = _prepare(rows)
    return rows, prepared, prepared.table.passing(chosen)


@dataclass(frozen=True, slots=True)
class PlaceCounts:
    """How many practices passing the filters each place has ((city, country); a city of "" where the record
    names only its country), how many in all, and the facet counts, as browse gives them."""

    by_place: dict[tuple[str, str], int]
    total: int
    counts: dict[str, dict[str, int]]


def places(kb: KnowledgeBase, chosen: dict[str, str | None], status: str | None = None) -> PlaceCounts:
    """The practices browse would list under the same filters, counted by place (for the map)."""
    rows, prepared, passing = _filtered(kb, chosen, status)
    by_place = {tuple(key.split("\t")): n for key, n in prepared.places.counts(passing).items()}
    total = len(rows) if passing is None else int(passing.sum())
    return PlaceCounts(by_place, total, prepared.table.counts(chosen))
