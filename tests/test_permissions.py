"""Who may do what: every route of the app, for each role (anonymous, advisor, admin), with CSRF on;
every state-changing route refuses a form without its CSRF token; sign-in is rate-limited."""
import io
import re

import pytest

from ingest.pipeline import ingest_paths
from kb import curation
from kb.accounts import add_user
from kb.models import Status
from web.app import create_app

PASSWORD = "a long enough password"

# Routes anyone may use (reading, checklists, exports, the language switch, signing in and out).
OPEN = {
    "/", "/search", "/practices", "/map", "/practices/<practice_id>", "/practices/<practice_id>/source", "/compare",
    "/api/search",
    "/api/openapi.json", "/api/practices/<practice_id>", "/api/practices/<practice_id>/similar",
    "/language/<code>", "/practices/<practice_id>/export", "/export", "/collections", "/collections/<cid>",
    "/collections/<cid>/export", "/login", "/logout", "/static/<path:filename>",
    "/practices/<practice_id>/checklists/new", "/practices/<practice_id>/checklists", "/checklists",
    "/checklists/<checklist_id>", "/checklists/<checklist_id>/export", "/shared/<token>", "/shared/<token>/export",
    "/api/checklists", "/api/checklists/<checklist_id>",
}

# (method, rule, the action of kb.accounts.PERMISSIONS it needs, form data)
GUARDED = [
    ("GET", "/review", "review", None),
    ("GET", "/practices/<practice_id>/edit", "edit", None),
    ("POST", "/practices/<practice_id>/edit", "edit", {"title": "Nowy tytuł", "language": "pl"}),
    ("POST", "/practices/<practice_id>/status", "review", {"status": "approved"}),
    ("POST", "/practices/<practice_id>/proposal", "review", {"action": "dismiss"}),
    ("GET", "/practices/<practice_id>/versions", "versions", None),
    ("POST", "/practices/<practice_id>/versions", "versions", {"action": "merge", "other": "{other}"}),
    ("GET", "/audit", "audit", None),
    ("POST", "/audit/<int:entry_id>/revert", "audit", {}),
    ("GET", "/users", "users", None),
    ("POST", "/users", "users", {"username": "nowy-{role}", "password": PASSWORD, "role": "advisor"}),
    ("POST", "/users/<username>/role", "users", {"role": "advisor"}),
    ("POST", "/users/<username>/remove", "users", {}),
    ("GET", "/account", "review", None),
    ("POST", "/account", "review", {"current": "wrong", "new": "x" * 12, "repeat": "x" * 12}),
    ("GET", "/upload", "upload", None),
    ("POST", "/upload", "upload", "file"),
    ("GET", "/upload/<job_id>", "upload", None),
    ("POST", "/collections", "collections", {"title": "Minikatalog"}),
    ("GET", "/collections/<cid>/edit", "collections", None),
    ("POST", "/collections/<cid>/edit", "collections", {"title": "Minikatalog"}),
    ("GET", "/collections/add", "collections", None),
    ("POST", "/collections/add", "collections", {"collection": "{cid}", "practice_id": "{practice_id}"}),
    ("POST", "/collections/<cid>/delete", "collections", {}),
]
ROLES = {None: set(), "advisor": {"review", "edit", "versions", "audit", "upload", "collections"},
         "admin": {"review", "edit", "versions", "audit", "upload", "collections", "users"}}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    import shutil

    from kb.config import Settings
    from kb.embed import HashingEmbedder
    from kb.knowledge import KnowledgeBase

    from .conftest import CORPUS

    root = tmp_path_factory.mktemp("perm")
    docs = root / "docs"
    docs.mkdir()
    for name in ("zyrardow-mieszkanie-za-remont.docx", "walbrzych-lokal-na-start.txt"):
        shutil.copy(CORPUS / name, docs / name)
    kb = KnowledgeBase(Settings().with_values(data_dir=root / "data", model="hashing"), embedder=HashingEmbedder())
    ingest_paths(kb, [docs], workers=1)
    add_user(kb.store, "ala", PASSWORD, "admin", actor="test")
    add_user(kb.store, "olek", PASSWORD, "advisor", actor="test")
    add_user(kb.store, "ewa", PASSWORD, "advisor", actor="test")  # the account the admins' actions change
    application = create_app(kb.settings, kb=kb)
    application.config["TESTING"] = True
    yield application
    kb.close()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _client(app, username: str | None):
    client = app.test_client()
    if username:
        token = _token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _values(app) -> dict:
    kb = app.extensions["kb"]
    practices = kb.store.list()
    cid = curation.save_collection(kb, "ala", "Partycypacja")
    entry = kb.store.log("ala", "approved", practices[0].id, {"status": "draft", "review": ""},
                         {"status": "approved", "review": ""})
    return {"practice_id": practices[0].id, "other": practices[1].id, "cid": cid, "entry_id": entry,
            "username": "ewa", "job_id": "nojob"}


def _url(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def test_every_route_is_either_open_or_in_the_permission_matrix(app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert rules == OPEN | {rule for _, rule, _, _ in GUARDED}, rules ^ (OPEN | {rule for _, rule, _, _ in GUARDED})


@pytest.mark.parametrize("role", list(ROLES))
def test_permission_matrix(app, role):
    client = _client(app, {"advisor": "olek", "admin": "ala"}.get(role))
    values = _values(app)
    token = _token(client.get("/login" if role is None else "/account").get_data(as_text=True))
    outcomes = {}
    for method, rule, _action, data in GUARDED:
        url = _url(rule, values)
        if method == "GET":
            response = client.get(url)
        else:
            if data == "file":
                form = {"files": [(io.BytesIO(b"Ogrody spoleczne w Lublinie."), "ogrody.txt")]}
            else:
                form = {k: v.format(role=role, **values) for k, v in data.items()}
            response = client.post(url, data={**form, "csrf_token": token}, content_type="multipart/form-data")
        denied = response.status_code in (401, 403) or "/login" in response.headers.get("Location", "")
        assert response.status_code < 500, (method, url, response.status_code)
        outcomes[(method, rule)] = "denied" if denied else "allowed"
        if role is None and method == "GET":
            assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    expected = {(m, r): "allowed" if a in ROLES[role] else "denied" for m, r, a, _ in GUARDED}
    assert outcomes == expected


def test_anonymous_visitors_see_approved_practices_only(app):
    kb = app.extensions["kb"]
    client = app.test_client()
    draft = kb.store.list()[0]
    kb.store.set_status(draft.id, Status.DRAFT)
    for url in (f"/practices/{draft.id}", f"/api/practices/{draft.id}", f"/practices/{draft.id}/export?format=pdf",
                f"/practices/{draft.id}/checklists/new", f"/practices/{draft.id}/source"):
        assert client.get(url).status_code == 404, url
    assert f"/practices/{draft.id}" not in client.get("/compare?ids=" + draft.id).get_data(as_text=True)
    advisor = _client(app, "olek")
    assert advisor.get(f"/practices/{draft.id}").status_code == 200


def test_every_state_changing_route_needs_the_csrf_token(app):
    client = _client(app, "ala")
    values = _values(app)
    exempt = {"/api/checklists", "/api/checklists/<checklist_id>"}  # JSON bodies only (see web/app.py)
    values.update(checklist_id="x", token="x", code="en")
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            if rule.rule in exempt:
                continue
            response = client.open(_url(rule.rule, values), method=method, data={"title": "x"})
            assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True), (method, rule.rule)
            checked += 1
    assert checked >= 18
    json_post = client.post("/api/checklists", data={"practice_id": values["practice_id"]})  # a form, not JSON
    assert json_post.status_code in (400, 415)


def test_sign_in_is_rate_limited_and_wrong_passwords_say_nothing_more(app):
    client = app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    codes = []
    for _ in range(12):
        response = client.post("/login", data={"username": "ala", "password": "wrong password", "csrf_token": token})
        codes.append(response.status_code)
        if response.status_code == 200:
            assert "Wrong user name or password" in response.get_data(as_text=True)
    assert codes[0] == 200 and 429 in codes


def test_a_checklist_does_not_show_a_practice_that_was_rejected_since(app):
    from kb.checklist import new_checklist

    kb = app.extensions["kb"]
    practice = kb.store.list()[1]
    kb.store.set_status(practice.id, Status.APPROVED)
    checklist = new_checklist(practice, "Zhytomyr", "UA", 0, "", "en")
    kb.store.save_checklist(checklist)
    curation.edit(kb, practice.id, {"resources": "SECRET internal budget note"}, "ala")
    client = app.test_client()
    assert "SECRET" in client.get(f"/shared/{checklist.share_token}").get_data(as_text=True)
    curation.set_status(kb, practice.id, Status.REJECTED, "ala")
    for url in (f"/shared/{checklist.share_token}", f"/api/checklists/{checklist.id}"):
        response = client.get(url)
        assert response.status_code == 200 and "SECRET" not in response.get_data(as_text=True), url
