"""Downloads: a practice's sheet, or the current search results as a catalogue (DOCX, PDF, CSV, JSON)."""
from __future__ import annotations

from flask import Blueprint, abort, request

from kb.export import export, filename

from .access import visible_practice
from .downloads import choice, download
from .filters import chosen_filters
from .limits import query_arg
from .search import results

bp = Blueprint("export", __name__)


@bp.get("/practices/<practice_id>/export")
def sheet(practice_id: str):
    practice = visible_practice(practice_id)
    fmt, labels = choice()
    return download(export([practice], fmt, labels), fmt, filename([practice], fmt))


@bp.get("/export")
def catalogue():
    """The practices the search page lists for the same query and filters, as one catalogue."""
    fmt, labels = choice()
    query = query_arg()
    hits = results(query, chosen_filters(), weak=request.args.get("weak") == "1").hits if query else []
    if not hits:
        abort(404)
    practices = [h.practice for h in hits]
    data = export(practices, fmt, labels, query=query, catalogue=True)
    return download(data, fmt, filename(practices, fmt, query, catalogue=True))
