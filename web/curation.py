"""Advisors' pages: the review queue, editing a practice (with a newer extraction proposed beside it),
approving and rejecting, merging and splitting language versions, and the audit trail with revert."""
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
from flask_babel import get_locale, gettext

from kb import curation
from kb.curation import CurationError
from kb.index import IndexNotReady
from kb.models import EDITABLE, SHEET_FIELDS, Status
from kb.themes import THEMES
from kb.themes import label as theme_label

from . import labels
from .access import actor, allowed, requires, safe_target
from .access import knowledge as _kb
from .pages import Page

bp = Blueprint("curation", __name__)


def _practice(practice_id: str):
    practice = _kb().get(practice_id)
    if practice is None:
        abort(404)
    return practice


def _back(default: str):
    return redirect(safe_target(request.form.get("next"), default))


@bp.get("/review")
@requires("review")
def queue():
    page = Page.from_request(per_page=25)
    practices, total = _kb().store.review_queue(limit=page.per_page, offset=page.offset)
    proposals = {p.id: _kb().store.proposal(p.id) is not None for p in practices}
    return render_template("curation/queue.html", practices=practices, page=page.with_total(total),
                           proposals=proposals)


@bp.route("/practices/<practice_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit(practice_id: str):
    practice = _practice(practice_id)
    values = practice.values()
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in EDITABLE if name != "themes"}
        form["themes"] = request.form.getlist("themes")
        then = request.form.get("then", "")  # Approve, Reject or Back to draft pressed with the form's values
        if then and then not in set(Status):
            abort(400, gettext("Unknown status."))
        if then and not allowed("review"):
            abort(403)
        edited = {name: value for name, value in form.items() if _differs(name, value, values.get(name))}
        try:  # only what the advisor changed: a stored value the form would normalise is not an edit
            saved = bool(edited) and curation.edit(_kb(), practice_id, edited, actor()).values() != values
        except CurationError as exc:  # the status is not changed either: the advisor sees why and decides again
            flash(str(exc), "error")
            values = {**values, **form}
        else:
            if saved or not then:
                flash(gettext("Saved. The practice keeps these values when its document is ingested again."), "ok")
            if then:  # after the edit, so the audit trail has the edit, then the status change
                curation.set_status(_kb(), practice_id, Status(then), actor())
                flash(_status_notice(then), "ok")
            return redirect(url_for("curation.edit", practice_id=practice_id))
    proposal = _kb().store.proposal(practice_id)
    changes = {k: proposal.values[k] for k in EDITABLE if proposal.values.get(k) != values.get(k)} if proposal else {}
    return render_template("curation/edit.html", p=practice, values=values, fields=SHEET_FIELDS,
                           themes=[t.id for t in THEMES], proposal=proposal, changes=changes,
                           history=curation.audit(_kb(), target=practice_id, limit=10)[0])


@bp.post("/practices/<practice_id>/status")
@requires("review")
def status(practice_id: str):
    _practice(practice_id)
    wanted = request.form.get("status", "")
    if wanted not in set(Status):
        abort(400, gettext("Unknown status."))
    curation.set_status(_kb(), practice_id, Status(wanted), actor())
    flash(_status_notice(wanted), "ok")
    return _back(url_for("curation.edit", practice_id=practice_id))


def _differs(name: str, submitted, shown) -> bool:
    """Whether a form's value differs from the one the page showed (line ends and trailing spaces aside)."""
    if name == "themes":
        return set(submitted) != set(shown or ())
    return curation.plain_text(submitted) != curation.plain_text(shown)


def _status_notice(status: str) -> str:
    return {"approved": gettext("Approved: visitors can now find this practice."),
            "rejected": gettext("Rejected: visitors will not see this practice."),
            "draft": gettext("Back to draft.")}[status]


@bp.post("/practices/<practice_id>/proposal")
@requires("review")
def proposal(practice_id: str):
    _practice(practice_id)
    try:
        if request.form.get("action") == "accept":
            curation.accept_proposal(_kb(), practice_id, actor())
            flash(gettext("The new extraction replaced the edited values."), "ok")
        else:
            curation.dismiss_proposal(_kb(), practice_id, actor())
            flash(gettext("The edited values were kept."), "ok")
    except CurationError as exc:
        flash(str(exc), "error")
    return redirect(url_for("curation.edit", practice_id=practice_id))


@bp.get("/practices/<practice_id>/versions")
@requires("versions")
def versions(practice_id: str):
    practice = _practice(practice_id)
    try:
        candidates = curation.version_candidates(_kb(), practice_id)
    except IndexNotReady:
        candidates = []
    group = [v for v in _kb().store.group(practice.group_id) if v.id != practice_id]
    return render_template("curation/versions.html", p=practice, candidates=candidates, group=group)


@bp.post("/practices/<practice_id>/versions")
@requires("versions")
def change_versions(practice_id: str):
    _practice(practice_id)
    try:
        if request.form.get("action") == "split":
            curation.split_version(_kb(), practice_id, actor())
            flash(gettext("Split: this record stands alone again."), "ok")
        else:
            curation.merge_versions(_kb(), [practice_id, request.form.get("other", "")], actor())
            flash(gettext("Merged: search shows these records as one practice."), "ok")
    except CurationError as exc:
        flash(str(exc), "error")
    return redirect(url_for("curation.versions", practice_id=practice_id))


@bp.get("/audit")
@requires("audit")
def audit():
    page = Page.from_request(per_page=30)
    chosen = {name: request.args.get(name, "").strip() for name in ("target", "actor", "action")}
    entries, total = curation.audit(_kb(), limit=page.per_page, offset=page.offset, **chosen)
    titles = {e.target: _target_title(e.target) for e in entries}
    return render_template("curation/audit.html", entries=entries, page=page.with_total(total),
                           target=chosen["target"], chosen=chosen, kept={k: v for k, v in chosen.items() if v},
                           titles=titles, actors=_kb().store.audit_actors(), rows=audit_rows)


def _target_title(target: str) -> str:
    """What an audit entry changed, by its title: a practice's, or a collection's ("" when gone)."""
    if target.startswith("collection:"):
        found = curation.get_collection(_kb(), target.removeprefix("collection:"))
        return found.title if found else ""
    found = _kb().get(target)
    return found.title if found else ""


def changed_keys(entry) -> list[str]:
    """The fields an audit entry really changed (a value the same before and after is not shown)."""
    keys = dict.fromkeys([*entry.before, *entry.after])
    return [k for k in keys if entry.before.get(k) != entry.after.get(k)]


def audit_rows(entry) -> list[tuple[str, str, str]]:
    """An audit entry as the page shows it: (field, before, after) for each field it really changed. A
    collection's practices show only those added, removed or re-noted, by their titles."""
    collection = entry.target.startswith("collection:")
    names = labels.names()["field_names"]
    collection_names = {"title": gettext("Title"), "description": gettext("Description"),
                        "items": gettext("Practices"), "public": gettext("Public")}
    rows = []
    for key in changed_keys(entry):
        label = str(collection_names.get(key, key) if collection else names.get(key, key))
        if collection and key == "items":
            rows.append((label, *_items_changed(entry.before.get(key) or [], entry.after.get(key) or [])))
        else:
            rows.append((label, audit_value(key, entry.before.get(key)), audit_value(key, entry.after.get(key))))
    return rows


def _items_changed(before: list, after: list) -> tuple[str, str]:
    """The practices a change of a collection's items removed or re-noted (before) and added or re-noted
    (after), each as its title and note."""
    old, new = {pid: note for pid, note in before}, {pid: note for pid, note in after}

    def shown(pid: str, note: str) -> str:
        title = found.title if (found := _kb().get(pid)) else pid
        return f"{title} — {note}" if note else title

    gone = [shown(pid, note) for pid, note in old.items() if pid not in new or new[pid] != note]
    came = [shown(pid, note) for pid, note in new.items() if pid not in old or old[pid] != note]
    if not gone and not came and list(old) != list(new):
        return gettext("another order"), gettext("another order")
    return "; ".join(gone) or "—", "; ".join(came) or "—"


def audit_value(key: str, value) -> str:
    """An audit entry's value as the interface says it: theme labels, status names, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    names = labels.names()
    if key == "themes" and isinstance(value, list):
        return ", ".join(theme_label(t, str(get_locale())) for t in value)
    if key == "status":
        return str(names["status_names"].get(value, value))
    if key == "review":
        return str(names["review_names"].get(value, value) or "—")
    if key == "role":
        return str(names["role_names"].get(value, value))
    if isinstance(value, list):
        return ", ".join(" — ".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(str(names["field_names"].get(k, k)) for k in value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


@bp.post("/audit/<int:entry_id>/revert")
@requires("audit")
def revert(entry_id: int):
    try:
        curation.revert(_kb(), entry_id, actor())
    except CurationError as exc:
        flash(str(exc), "error")
    else:
        flash(gettext("Change %(id)d reverted.", id=entry_id), "ok")
    return _back(url_for("curation.audit"))
