"""Collections (mini-catalogues): named, ordered, annotated sets of practices that advisors curate, public
or private, exported as one catalogue (DOCX, PDF, CSV, JSON)."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext

from kb import curation
from kb.curation import CurationError
from kb.export import export, filename

from . import export as files
from .access import actor, allowed, is_visible, requires, safe_target
from .access import knowledge as _kb

bp = Blueprint("collections", __name__)
MAX_ADDED = 100  # practices added at once (a results page lists at most 100)


def _collection(cid: str):
    """The collection, or 404 when it does not exist or is private and the visitor is not an advisor."""
    found = curation.get_collection(_kb(), cid)
    if found is None or not (found.public or allowed("collections")):
        abort(404)
    return found


def _items(cid: str):
    """The collection's items this visitor may see (gone practices only for advisors, as a note)."""
    return [(pid, p, note) for pid, p, note in curation.collection_items(_kb(), cid)
            if is_visible(p) or (p is None and allowed("collections"))]


@bp.get("/collections")
def index():
    return render_template("collections/index.html",
                           collections=curation.collections(_kb(), public_only=not allowed("collections")))


@bp.post("/collections")
@requires("collections")
def create():
    try:
        cid = curation.save_collection(_kb(), actor(), request.form.get("title", ""),
                                       request.form.get("description", ""), bool(request.form.get("public")))
    except CurationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("collections.index"))
    return redirect(url_for("collections.show", cid=cid))


@bp.get("/collections/<cid>")
def show(cid: str):
    return render_template("collections/show.html", c=_collection(cid), items=_items(cid))


@bp.get("/collections/<cid>/export")
def download(cid: str):
    collection = _collection(cid)
    fmt, labels = files.choice()
    items = [(p, note) for _, p, note in _items(cid) if p is not None]
    if not items:
        abort(404)
    practices = [p for p, _ in items]
    data = export(practices, fmt, labels, title=collection.title, catalogue=True,
                  description=collection.description, notes={p.id: note for p, note in items if note})
    return files.download(data, fmt, filename(practices, fmt, collection.title, catalogue=True))


@bp.route("/collections/<cid>/edit", methods=["GET", "POST"])
@requires("collections")
def edit(cid: str):
    collection = _collection(cid)
    if request.method == "POST":
        try:
            curation.save_collection(_kb(), actor(), request.form.get("title", ""), request.form.get("description", ""),
                                     bool(request.form.get("public")), cid=cid)
            rows = []
            for n, pid in enumerate(request.form.getlist("item")):
                if request.form.get(f"remove-{pid}"):
                    continue
                try:
                    position = float(request.form.get(f"position-{pid}", n + 1))
                except ValueError:
                    position = n + 1
                rows.append((position, n, pid, request.form.get(f"note-{pid}", "")))
            items = [(pid, note) for _, _, pid, note in sorted(rows)]
            if items != [(pid, note) for pid, note in _kb().store.collection_items(cid)]:
                curation.set_items(_kb(), cid, items, actor())
        except CurationError as exc:
            flash(str(exc), "error")
        else:
            flash(gettext("Saved."), "ok")
            return redirect(url_for("collections.show", cid=cid))
    return render_template("collections/edit.html", c=collection,
                           items=curation.collection_items(_kb(), cid))


@bp.get("/collections/add")
@requires("collections")
def choose():
    """The practices checked on a results or browse page: which collection they go to, with which note."""
    ids = list(dict.fromkeys(request.args.getlist("ids")))[:MAX_ADDED]
    practices = [p for p in (_kb().get(i) for i in ids) if p]
    return render_template("collections/add.html", practices=practices,
                           collections=curation.collections(_kb()), back=safe_target(request.args.get("next"), ""))


@bp.post("/collections/add")
@requires("collections")
def add():
    """Add one practice (its page's form) or several (the checked ones) to a collection, with a note."""
    cid = request.form.get("collection", "")
    collection = _collection(cid)
    ids = list(dict.fromkeys(request.form.getlist("ids")))[:MAX_ADDED] or [request.form.get("practice_id", "")]
    if len(ids) == 1 and not request.form.getlist("ids"):  # the practice page's form: one practice
        try:
            curation.add_to_collection(_kb(), cid, ids[0], actor(), request.form.get("note", ""))
        except CurationError as exc:
            flash(str(exc), "error")
        else:
            flash(gettext("Added to the collection."), "ok")
        return redirect(url_for("search.show", practice_id=ids[0]))
    added = curation.add_many_to_collection(_kb(), cid, ids, actor(), request.form.get("note", ""))
    flash(ngettext("%(num)d practice added to “%(title)s”.", "%(num)d practices added to “%(title)s”.", added,
                   title=collection.title), "ok")
    return redirect(url_for("collections.show", cid=cid))


@bp.post("/collections/<cid>/delete")
@requires("collections")
def delete(cid: str):
    _collection(cid)
    curation.delete_collection(_kb(), cid, actor())
    flash(gettext("Collection deleted. The audit trail can bring it back."), "ok")
    return redirect(url_for("collections.index"))
