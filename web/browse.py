"""Browsing every practice without typing a query: the search page's filters, a sort order, pages of 20,
and counts that are what a click on them lists."""
from __future__ import annotations

from flask import Blueprint, render_template

from kb.browse import SORTS, browse
from kb.themes import THEMES

from .access import is_visible, visible_status
from .access import knowledge as _kb
from .filters import chosen_filters, filter_args, filter_choices
from .limits import choice_arg
from .pages import Page

bp = Blueprint("browse", __name__)
PER_PAGE = 20


@bp.get("/practices")
def index():
    chosen = chosen_filters()
    if visible_status():
        chosen["status"] = None  # anonymous visitors see approved practices only: no status to choose
    sort = choice_arg("sort", SORTS) or "newest"
    page = Page.from_request(per_page=PER_PAGE)
    listing = browse(_kb(), chosen, sort, status=visible_status(), offset=page.offset, limit=page.per_page)
    page = page.with_total(listing.total)
    counts = listing.counts
    return render_template(
        "search/browse.html", practices=[p for p in listing.practices if is_visible(p)], page=page, counts=counts,
        sort=sort,
        sorts=list(SORTS), chosen={k: v or "" for k, v in chosen.items()}, kept=filter_args(chosen),
        countries=_kb().store.countries(), themes=[t.id for t in THEMES],
        **filter_choices(counts, chosen),
        statuses=not visible_status())
