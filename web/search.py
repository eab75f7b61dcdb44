"""Search and practice pages, and the JSON API that returns the same results as `kb search --json`."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from kb.index import IndexNotReady
from kb.knowledge import KnowledgeBase
from kb.models import SHEET_FIELDS
from kb.search import search_index
from kb.themes import label as theme_label

bp = Blueprint("search", __name__)

RELEVANCE_FLOOR = 0.5  # the page lists practices scoring at least half the best one's score


def source_label(p) -> str:
    """The source file's name and the place in it, without the server's folders."""
    where = p.source.locator if p.source.locator and not p.source.locator.endswith(p.title) else ""
    name = p.source.path.replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name} · {where}" if where else name


def snippet(hit) -> str:
    """The matching passage without the title it carries for the embedder."""
    title = hit.practice.title
    return hit.passage[len(title) + 2 :] if hit.passage.startswith(title + ". ") else hit.passage


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


@bp.app_context_processor
def helpers():
    return {"source_label": source_label, "snippet": snippet, "paragraphs": paragraphs, "theme_label": theme_label}


@bp.app_errorhandler(404)
def not_found(_error):
    return render_template("404.html"), 404


def _kb() -> KnowledgeBase:
    return current_app.extensions["kb"]


def _run(query: str, k: int, lang: str | None):
    try:
        return search_index(_kb(), query, k=k, language=lang or None), None
    except IndexNotReady as exc:
        return [], str(exc)


@bp.get("/")
def index():
    query = request.args.get("q", "").strip()
    lang = request.args.get("lang", "").strip() or None
    hits, error = _run(query, 20, lang) if query else ([], None)
    if hits:
        hits = [h for h in hits if h.score >= hits[0].score * RELEVANCE_FLOOR]
    return render_template("search/index.html", query=query, lang=lang or "", hits=hits, error=error,
                           stats=_kb().store.stats())


@bp.get("/practices/<practice_id>")
def show(practice_id: str):
    practice = _kb().get(practice_id)
    if practice is None:
        abort(404)
    return render_template("practices/show.html", p=practice, fields=SHEET_FIELDS,
                           query=request.args.get("q", ""), lang=request.args.get("lang", ""))


@bp.get("/api/search")
def api_search():
    query = request.args.get("q", "").strip()
    if not query:
        return jsonify(error="Give a query in the q parameter, e.g. /api/search?q=ogrody+miejskie"), 400
    try:
        k = max(1, min(int(request.args.get("k", 10)), 100))
    except ValueError:
        return jsonify(error="k must be a whole number between 1 and 100"), 400
    hits, error = _run(query, k, request.args.get("lang"))
    if error:
        return jsonify(error=error), 503
    return jsonify([h.to_dict() for h in hits])


@bp.get("/api/practices/<practice_id>")
def api_practice(practice_id: str):
    practice = _kb().get(practice_id)
    if practice is None:
        return jsonify(error=f"No practice with id {practice_id}"), 404
    return jsonify(practice.to_dict())
