"""Browsing every practice without typing a query: the search page's filters, a sort order, pages of 20,
and counts that are what a click on them lists."""
from __future__ import annotations

from flask import Blueprint, render_template

from kb.browse import SORTS, browse

from .access import is_visible, visible_status
from .access import knowledge as _kb
from .filters import filter_form, page_filters
from .limits import choice_arg
from .pages import Page

bp = Blueprint("browse", __name__)
PER_PAGE = 20


@bp.get("/practices")
def index():
    chosen = page_filters()
    sort = choice_arg("sort", SORTS) or "newest"
    page = Page.from_request(per_page=PER_PAGE)
    listing = browse(_kb(), chosen, sort, status=visible_status(), offset=page.offset, limit=page.per_page)
    page = page.with_total(listing.total)
    return render_template(
        "search/browse.html", practices=[p for p in listing.practices if is_visible(p)], page=page, sort=sort,
        sorts=list(SORTS), **filter_form(listing.counts, chosen))
