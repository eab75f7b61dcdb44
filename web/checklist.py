"""Transfer checklists: start one for a practice and a target city, fill it in (saved on the server as you
go), share it read-only, export it with its draft transfer plan. "My checklists" are the ones this
browser started or opened (kept in the signed session cookie); the edit link is the key to a checklist.
"""
from __future__ import annotations

import io
from dataclasses import asdict
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale, gettext

from kb.checklist import (
    ACTION_FIELDS,
    CONTEXT_STATUSES,
    ITEMS,
    LABELS,
    LANGUAGES,
    STEPS,
    TASK_STATUSES,
    Action,
    by_item,
    flag_text,
    new_checklist,
    orphan,
    prefill,
    update_item,
)
from kb.export import MEDIA_TYPES
from kb.export.checklist import export_checklist
from kb.export.sheet import slug
from kb.knowledge import KnowledgeBase
from kb.models import now_iso

from .access import is_visible, visible_practice
from .limits import json_fields

bp = Blueprint("checklist", __name__)
MINE = "checklists"  # session key: ids of the checklists this browser works on


def _kb() -> KnowledgeBase:
    return current_app.extensions["kb"]


def _remember(checklist_id: str) -> None:
    mine = [i for i in session.get(MINE, []) if i != checklist_id]
    session[MINE] = [checklist_id, *mine][:50]


def _checklist_or_404(checklist_id: str = "", share_token: str = ""):
    """A checklist by its edit id or by its read-only share token."""
    checklist = _kb().store.checklist(checklist_id, share_token)
    if checklist is None:
        abort(404)
    return checklist


def _practice_of(checklist):
    """The checklist's practice, or a stand-in with its remembered title when a re-ingest removed it."""
    practice = _kb().get(checklist.practice_id)
    return practice if is_visible(practice) else orphan(checklist)  # a practice since rejected stays hidden


def _template_language() -> str:
    lang = request.values.get("template_lang") or str(get_locale())
    return lang if lang in LANGUAGES else "en"


@bp.get("/practices/<practice_id>/checklists/new")
def new(practice_id: str):
    practice = visible_practice(practice_id)
    return render_template("checklists/new.html", p=practice, template_lang=_template_language(), error="",
                           existing=_kb().store.checklists(ids=session.get(MINE, []), practice_id=practice_id))


@bp.post("/practices/<practice_id>/checklists")
def create(practice_id: str):
    practice = visible_practice(practice_id)
    try:
        population = int(request.form.get("population") or 0)
        checklist = new_checklist(practice, request.form.get("city", ""), request.form.get("country", ""),
                                  population, request.form.get("department", ""), _template_language())
    except ValueError as exc:
        message = gettext("Name the target city.") if "city" in str(exc) else gettext("Population is a whole number.")
        return render_template("checklists/new.html", p=practice, template_lang=_template_language(), error=message,
                               existing=[]), 400
    _kb().store.save_checklist(checklist)
    _remember(checklist.id)
    return redirect(url_for("checklist.edit", checklist_id=checklist.id), 303)


@bp.get("/checklists")
def mine():
    checklists = _kb().store.checklists(ids=session.get(MINE, []))
    practices = {c.practice_id: p if is_visible(p := _kb().get(c.practice_id)) else None for c in checklists}
    return render_template("checklists/mine.html", checklists=checklists, practices=practices)


def _page(checklist, readonly: bool):
    practice = _practice_of(checklist)
    if readonly and request.args.get("lang") in LANGUAGES:  # the reader of a shared link chooses the labels
        checklist.lang = request.args["lang"]
    hints = by_item(prefill(practice))
    gone = not practice.body
    changed = not gone and bool(checklist.practice_title) and practice.title != checklist.practice_title
    return render_template("checklists/edit.html", c=checklist, p=practice, steps=STEPS, hints=hints, labels=LABELS,
                           gone=gone, changed=changed, flag_text=flag_text, empty_rows=_empty_rows(),
                           readonly=readonly, task_statuses=TASK_STATUSES, context_statuses=CONTEXT_STATUSES,
                           languages=LANGUAGES, action_fields=ACTION_FIELDS)


@bp.get("/checklists/<checklist_id>")
def edit(checklist_id: str):
    checklist = _checklist_or_404(checklist_id)
    _remember(checklist.id)
    return _page(checklist, readonly=False)


@bp.post("/checklists/<checklist_id>")
def save(checklist_id: str):
    """The whole form (a plain submit, or the page's autosave): every item, the plan's actions."""
    checklist = _checklist_or_404(checklist_id)
    form = request.form
    try:
        for key, item in ITEMS.items():
            values = {name: form.get(f"{name}-{key}") for name in ("status", "note", "owner", "due")}
            if item.kind == "context":
                values["core"] = form.get(f"core-{key}") == "on"
            update_item(checklist, key, **values)
    except ValueError as exc:
        if request.headers.get("X-Autosave"):
            return jsonify(error=str(exc)), 400
        abort(400, str(exc))
    try:
        count = min(int(form.get("action_rows") or 0), len(checklist.actions) + 50)
    except ValueError:
        count = 0
    rows = [Action.of({name: form.get(f"{name}-{n}") for name in ACTION_FIELDS}) for n in range(max(count, 0))]
    checklist.actions = [row for row in rows if row.filled()]
    if form.get("template_lang") in LANGUAGES:
        checklist.lang = form["template_lang"]
    checklist.updated_at = now_iso()
    try:
        base = int(form["revision"]) if form.get("revision") else None
    except ValueError:
        base = None
    if not _kb().store.save_checklist(checklist, base=base):
        message = gettext("This checklist was saved from another window or tab since this page was opened. Reload "
                          "the page to see it; what you changed here since then is not saved.")
        if request.headers.get("X-Autosave"):
            return jsonify(error=message, conflict=True), 409
        abort(409, message)
    if request.headers.get("X-Autosave"):
        settled, total = checklist.progress()
        return jsonify(saved=checklist.updated_at, revision=checklist.revision, settled=settled, items=total,
                       red_flags=checklist.red_flags())
    if form.get("add_row"):  # without JavaScript: saved, and back with one more empty row of the plan
        return redirect(url_for("checklist.edit", checklist_id=checklist.id, rows=_empty_rows() + 1,
                                _anchor="plan"), 303)
    return redirect(url_for("checklist.edit", checklist_id=checklist.id, saved=1), 303)


def _empty_rows() -> int:
    """How many empty rows the plan shows (one, or more after "Add a row" without JavaScript)."""
    try:
        return min(max(int(request.args.get("rows") or request.form.get("rows") or 1), 1), 10)
    except ValueError:
        return 1


@bp.get("/shared/<token>")
def shared(token: str):
    return _page(_checklist_or_404(share_token=token), readonly=True)


def _export(checklist):
    fmt = request.args.get("format", "")
    if fmt not in ("docx", "pdf"):
        abort(400, f"Unknown format {fmt!r}: a checklist exports to docx or pdf.")
    practice = _practice_of(checklist)
    data = export_checklist(checklist, practice, prefill(practice), fmt)
    name = f"checklist-{slug(checklist.city)}-{slug(practice.title, 40)}.{fmt}"
    return send_file(io.BytesIO(data), mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name)


@bp.get("/checklists/<checklist_id>/export")
def export(checklist_id: str):
    return _export(_checklist_or_404(checklist_id))


@bp.get("/shared/<token>/export")
def export_shared(token: str):
    checklist = _checklist_or_404(share_token=token)
    if request.args.get("lang") in LANGUAGES:  # the reader's choice of labels, as on the shared page
        checklist.lang = request.args["lang"]
    return _export(checklist)


# -- JSON API (for scripts; JSON bodies only, so a browser form on another site cannot post here) -------
def _json_body() -> dict:
    if not request.is_json:
        abort(415)
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        abort(400, description="the JSON body nests too deeply")
    if not isinstance(body, dict):
        abort(400, description="the body must be a JSON object")
    return body


@bp.post("/api/checklists")
def api_create():
    body = _json_body()
    json_fields(body, practice_id=str, city=str, country=str, population=int, department=str, lang=str)
    practice = _kb().get(str(body.get("practice_id", "")))
    if not is_visible(practice):
        return jsonify(error="No practice with this practice_id"), 404
    try:
        checklist = new_checklist(practice, str(body.get("city", "")), str(body.get("country", "")),
                                  body.get("population") or 0, str(body.get("department", "")),
                                  str(body.get("lang", "en")))
    except (ValueError, TypeError, OverflowError) as exc:
        return jsonify(error=str(exc)), 400
    _kb().store.save_checklist(checklist)
    return jsonify(checklist.to_dict()), 201


@bp.get("/api/checklists/<checklist_id>")
def api_get(checklist_id: str):
    checklist = _kb().store.checklist(checklist_id)
    if checklist is None:
        return jsonify(error=f"No checklist {checklist_id}"), 404
    practice = _kb().get(checklist.practice_id)
    practice = practice if is_visible(practice) else None
    data = checklist.to_dict()
    data["prefill"] = [asdict(p) for p in (prefill(practice) if practice else [])]
    return jsonify(data)


@bp.patch("/api/checklists/<checklist_id>")
def api_update(checklist_id: str):
    checklist = _kb().store.checklist(checklist_id)
    if checklist is None:
        return jsonify(error=f"No checklist {checklist_id}"), 404
    body = _json_body()
    json_fields(body, items=dict, actions=list, lang=str)
    try:
        for key, values in body.get("items", {}).items():
            if not isinstance(values, dict):
                raise ValueError(f"item {key} must be an object")
            json_fields(values, status=str, note=str, owner=str, due=str, core=bool)
            if values.get("due"):
                date.fromisoformat(values["due"])  # a day of the calendar, not only its shape
            update_item(checklist, key, **values)
        if "actions" in body:
            for values in body["actions"]:
                if not isinstance(values, dict):
                    raise ValueError("each action must be an object")
                json_fields(values, **dict.fromkeys(ACTION_FIELDS, str))
            checklist.actions = [a for a in (Action.of(values) for values in body["actions"][:200]) if a.filled()]
        if "lang" in body:
            if body["lang"] not in LANGUAGES:
                raise ValueError(f"lang is one of {', '.join(LANGUAGES)}")
            checklist.lang = body["lang"]
    except (ValueError, TypeError, AttributeError) as exc:
        return jsonify(error=str(exc)), 400
    checklist.updated_at = now_iso()
    _kb().store.save_checklist(checklist)
    return jsonify(checklist.to_dict())
