"""Downloads: a practice's sheet, or the current search results as a catalogue (DOCX, PDF, CSV, JSON)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, request, send_file
from flask_babel import get_locale

from kb.export import FORMATS, LABEL_LANGUAGES, MEDIA_TYPES, export, filename

from .access import visible_practice
from .limits import query_arg
from .search import _filters, results

bp = Blueprint("export", __name__)


def choice() -> tuple[str, str]:
    """The format asked for and the labels' language (the interface language unless chosen)."""
    fmt = request.args.get("format", "")
    if fmt not in FORMATS:
        abort(400, f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    labels = request.args.get("labels") or str(get_locale())
    return fmt, labels if labels in LABEL_LANGUAGES else "en"


def download(data: bytes, fmt: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


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
    hits = results(query, _filters(), weak=request.args.get("weak") == "1").hits if query else []
    if not hits:
        abort(404)
    practices = [h.practice for h in hits]
    data = export(practices, fmt, labels, query=query, catalogue=True)
    return download(data, fmt, filename(practices, fmt, query, catalogue=True))
