"""Browsing without a query: every practice a visitor may see, filtered as search filters, sorted and
counted by facet over the same set, so each option's count is what choosing it lists."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .knowledge import KnowledgeBase
from .models import Practice, SearchHit, Status
from .search import facets, passes


def _folded(text: str) -> str:
    """A sort key that puts "Łódź" beside "Lublin" and "Żyrardów" beside "Zamość" (letters without marks)."""
    text = text.casefold().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Each sort's key; "newest" reverses the order of creation. Records without a city or country come last.
SORTS: dict[str, Callable[[Practice], tuple]] = {
    "newest": lambda p: (p.created_at, p.id),
    "title": lambda p: (_folded(p.title), p.id),
    "city": lambda p: (not p.city, _folded(p.city), _folded(p.title)),
    "country": lambda p: (not p.country, p.country, _folded(p.city), _folded(p.title)),
}


@dataclass(frozen=True, slots=True)
class Listing:
    """The practices a browse lists (all of them, sorted: a page is a slice) and the facet counts."""

    practices: list[Practice]
    counts: dict[str, dict[str, int]]


def browse(kb: KnowledgeBase, chosen: dict[str, str | None], sort: str = "newest",
           status: str | None = None) -> Listing:
    """Every practice (of `status` only, when given: visitors see approved ones) that passes the chosen
    filters, in the chosen order, with each facet counted under the other chosen filters."""
    every = kb.store.list(status=Status(status) if status else None)
    counts = facets([SearchHit(p, 0.0, "") for p in every], chosen)
    listed = sorted((p for p in every if passes(p, chosen)), key=SORTS[sort], reverse=sort == "newest")
    return Listing(listed, counts)
