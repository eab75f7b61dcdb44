"""Search and practice pages, and the JSON API that returns the same results as `kb search --json`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, lazy_gettext

from kb import curation
from kb.export import export, filename
from kb.index import IndexNotReady
from kb.models import SHEET_FIELDS, Stage, Status
from kb.search import facets, mark_matches, search_index, similar_practices
from kb.themes import THEMES
from kb.themes import label as theme_label

from .access import allowed, is_visible, safe_target, visible_practice, visible_status
from .access import knowledge as _kb
from .downloads import choice, download
from .filters import chosen_filters, filter_args, filter_form, page_filters
from .labels import names
from .limits import choice_arg, int_arg, query_arg, search_slot
from .pages import Page
from .present import (
    LANGUAGE_COOKIE,
    UI_LANGUAGES,
    city_label,
    city_name,
    country_name,
    day,
    highlight,
    paragraphs,
    place,
    snippet,
    source_label,
)

bp = Blueprint("search", __name__)


CLOSEST = 3  # when nothing matches well, the page still shows the closest weak matches


@bp.app_context_processor
def helpers():
    return {
        "source_label": source_label, "snippet": snippet, "paragraphs": paragraphs, "place": place,
        "city_name": city_name, "city_label": city_label,
        "highlight": highlight,
        "theme_label": lambda t: theme_label(t, str(get_locale())), "country_name": country_name,
        "ui_lang": str(get_locale()), "ui_languages": UI_LANGUAGES, "may": allowed, "day": day, **names(),
    }


@bp.get("/language/<code>")
def set_language(code: str):
    """Switch the interface language and go back to the same page."""
    response = make_response(redirect(safe_target(request.args.get("next"))))  # only pages of this site
    if code in dict(UI_LANGUAGES):
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _run(query: str, k: int, vector=None, **filters):
    """Search with the visitor's filters; anonymous visitors find approved practices only."""
    forced = visible_status()
    if forced:
        filters = {**filters, "status": forced}
    try:
        return search_index(_kb(), query, k=k, vector=vector, **filters), None
    except IndexNotReady as exc:
        return [], str(exc)


MAX_RESULTS = 100  # what the result pages (10 a page) can reach


@dataclass(frozen=True, slots=True)
class Results:
    """What a search page lists: the good matches (or, with `weak`, every match), the weak ones kept back, the
    facet counts over what is listed, and any error."""

    hits: list
    weaker: int = 0  # weak matches not listed: one click ("show weaker matches") lists them too
    closest: bool = False  # nothing matched well: `hits` are the closest weak matches
    counts: dict = field(default_factory=lambda: facets([]))
    error: str | None = None
    unfiltered: int = 0  # how many the page would list without the filters (its kind of match: good, or all)


def results(query: str, chosen: dict[str, str | None], weak: bool = False) -> Results:
    """The practices a search page lists. Good matches only unless `weak`; when none is good, the closest few
    weak ones, marked as such. Facet counts are over the same kind of matches, so each option's number is what
    choosing it lists."""
    if not query:
        return Results([])
    # Facet counts over what the query finds without filters; each facet applies the other filters.
    with search_slot():
        vector = _kb().query_vector(query)  # both searches below share it
        unfiltered, error = _run(query, MAX_RESULTS, vector)
        hits = _run(query, MAX_RESULTS, vector, **chosen)[0] if any(chosen.values()) else unfiltered
        if unfiltered and hits is not unfiltered:  # good or weak as without the filters, as the facets count them
            hits = mark_matches(_kb(), hits, best=unfiltered)
    if weak:
        return Results(hits, counts=facets(unfiltered, chosen), error=error, unfiltered=len(unfiltered))
    good = [h for h in hits if h.match == "good"]
    good_unfiltered = [h for h in unfiltered if h.match == "good"]
    counts = facets(good_unfiltered, chosen)
    if not good and hits:
        return Results(hits[:CLOSEST], weaker=len(hits), closest=True, counts=counts, error=error,
                       unfiltered=len(good_unfiltered))
    return Results(good, weaker=len(hits) - len(good), counts=counts, error=error, unfiltered=len(good_unfiltered))


LANGUAGE_NAMES = {"pl": lazy_gettext("Polish"), "uk": lazy_gettext("Ukrainian"), "en": lazy_gettext("English")}
EXAMPLES = ("житло в обмін на ремонт", "ogrody społeczne na osiedlu", "temporary use of empty shops",
            "budżet obywatelski dla młodzieży", "відновлення громадського простору")


@bp.get("/")
def index():
    query = query_arg()
    chosen = page_filters()
    weak = request.args.get("weak") == "1"
    found = results(query, chosen, weak)
    hits, error, counts = found.hits, found.error, found.counts
    page = Page.from_request(per_page=10).with_total(0 if found.closest else len(hits))
    home = None if query else _home()
    # "No results in Polish — 7 in Ukrainian": what dropping the language filter would give.
    elsewhere = {code: n for code, n in counts["language"].items() if code != chosen["language"]} \
        if chosen["language"] and (not hits or found.closest) else {}
    return render_template("search/index.html", query=query, hits=hits if found.closest else page.slice(hits),
                           page=page, error=error, weaker=found.weaker, closest=found.closest, weak=weak,
                           home=home, **filter_form(counts, chosen), country_name=country_name, elsewhere=elsewhere,
                           language_names=LANGUAGE_NAMES, examples=EXAMPLES,
                           hidden=max(0, found.unfiltered - (0 if found.closest else len(hits)))
                           if any(chosen.values()) else 0)


@bp.get("/search")
def search_alias():
    """/search?q=… is where people guess search lives: it is the home page, /?q=…."""
    query = request.query_string.decode("utf-8", "replace")
    return redirect(url_for("search.index") + (f"?{query}" if query else ""), 301)


def _home() -> dict:
    """The home page's overview of what the visitor can find, and how many more wait for review."""
    store = _kb().store
    home = store.overview(visible_status())
    home["waiting"] = store.count() - home["practices"] if visible_status() else 0
    return home


@bp.get("/practices/<practice_id>")
def show(practice_id: str):
    practice = visible_practice(practice_id)
    try:
        with search_slot():
            similar = similar_practices(_kb(), practice_id, k=5, status=visible_status())
    except IndexNotReady:
        similar = []
    versions = [v for v in _kb().store.group(practice.group_id) if v.id != practice.id and is_visible(v)]
    collections = curation.collections(_kb()) if allowed("collections") else []
    return render_template("practices/show.html", p=practice, fields=SHEET_FIELDS, similar=similar, versions=versions,
                           query=request.args.get("q", ""), kept=filter_args(chosen_filters()), collections=collections,
                           has_source=_source_file(practice) is not None)


def _source_file(practice) -> Path | None:
    """The stored document a practice came from, when it is still on disk."""
    path = _kb().store.document_of(practice.id)
    return Path(path) if path and Path(path).is_file() else None


@bp.get("/practices/<practice_id>/source")
def source(practice_id: str):
    """Download the document a practice was extracted from."""
    practice = visible_practice(practice_id)
    path = _source_file(practice)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=practice.source.name)


COMPARED_AT_MOST = 3  # side by side, the columns stay readable on a page and in a landscape PDF
COMPARED = ("place", "language", "themes", "description", "resources", "timescale", "evidence", "difficulties",
            "transfer", "stakeholders", "source")


@bp.get("/compare")
def compare():
    """Two or three practices side by side (resources, evidence, preconditions…); CSV for spreadsheets."""
    chosen = list(dict.fromkeys(i for i in request.args.getlist("ids") if i))
    ids = chosen[:COMPARED_AT_MOST]
    practices = [p for p in (_kb().get(i) for i in ids) if is_visible(p)]
    fmt = request.args.get("format", "")
    if fmt in ("csv", "docx", "pdf", "json") and practices:
        fmt, labels = choice()  # DOCX and PDF: a side-by-side table, as on the page
        side_by_side = len(practices) > 1
        return download(export(practices, fmt, labels, catalogue=side_by_side, compare=side_by_side), fmt,
                         f"comparison-{len(practices)}-practices.{fmt}" if side_by_side else filename(practices, fmt))
    return render_template("search/compare.html", practices=practices, rows=COMPARED,
                           query=request.args.get("q", ""), left_out=len(chosen) - len(ids))


@bp.get("/api/search")
def api_search():  # anonymous callers get approved practices only, as on the pages
    query = query_arg()
    if not query:
        return jsonify(error="Give a query in the q parameter, e.g. /api/search?q=ogrody+miejskie"), 400
    k = int_arg("k", 10, 1, 100)
    for name, known in (("theme", [t.id for t in THEMES]), ("status", (Status.APPROVED, Status.DRAFT)),
                        ("stage", list(Stage))):
        choice_arg(name, known)  # an unknown value is a 400, not an empty list
    with search_slot():
        hits, error = _run(query, k, **chosen_filters())
    if error:
        return jsonify(error=error), 503
    return jsonify([h.to_dict() for h in hits])


@bp.get("/api/openapi.json")
def openapi():
    """The API's OpenAPI description (web/openapi.json)."""
    spec = (Path(__file__).with_name("openapi.json")).read_text(encoding="utf-8")
    return current_app.response_class(spec, mimetype="application/json")


@bp.get("/api/practices/<practice_id>")
def api_practice(practice_id: str):
    practice = _kb().get(practice_id)
    if not is_visible(practice):
        return jsonify(error=f"No practice with id {practice_id}"), 404
    return jsonify(practice.to_dict())


@bp.get("/api/practices/<practice_id>/similar")
def api_similar(practice_id: str):
    practice = _kb().get(practice_id)
    if not is_visible(practice):
        return jsonify(error=f"No practice with id {practice_id}"), 404
    k = int_arg("k", 5, 1, 50)
    out = []
    with search_slot():
        similar = similar_practices(_kb(), practice_id, k=k, status=visible_status())
    for hit in similar:
        item = hit.to_dict()
        item["shared_themes"] = [t for t in hit.practice.themes if t in practice.themes]
        out.append(item)
    return jsonify(out)
