"""Pathological requests get a clear 400/413 (JSON on the API, the user's language on pages), pages are
not framed, advisors' pages are not cached, signing out ends the session on the server, and an index left
behind the store by a crash is healed at the next start."""
import threading
import time

import pytest

from ingest.pipeline import ingest_paths
from kb import curation
from kb.search import MAX_QUERY_CHARS

from .conftest import CORPUS
from .fixtures.builders import csrf_token, sign_in


@pytest.fixture
def app(web_app):
    return web_app


def test_a_query_over_the_limit_is_a_400_in_the_users_language(app):
    client = app.test_client()
    long_query = "ogrody społeczne " * 40
    page = client.get("/", query_string={"q": long_query}, headers={"Accept-Language": "pl"})
    assert page.status_code == 400 and "Zapytanie jest za długie" in page.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": long_query})
    assert api.status_code == 400 and str(MAX_QUERY_CHARS) in api.get_json()["error"]
    assert client.get("/export", query_string={"q": long_query, "format": "csv"}).status_code == 400
    assert client.get("/?q=" + "x" * MAX_QUERY_CHARS).status_code == 200  # the limit itself is allowed


def test_bad_parameters_are_400s_that_say_what_is_allowed(app):
    client = app.test_client()
    assert client.get("/?q=%ff%fe%fd").status_code == 400
    assert client.get("/?q=100%25ekologiczny").status_code == 200  # a percent sign is not broken UTF-8
    assert client.get("/?q=ogrody&page=-1").status_code == 400
    hits = client.get("/api/search?q=ogrody&k=3").get_json()
    too_many = client.get(f"/api/practices/{hits[0]['id']}/similar?k=9999999999")
    assert too_many.status_code == 400 and "from 1 to 50" in too_many.get_json()["error"]
    assert client.get("/api/search?q=ogrody&k=0").status_code == 400
    assert client.get("/api/search?q=ogrody&stage=pilot").status_code == 400  # not a stage
    assert client.get("/api/search?q=ogrody&stage=&theme=").status_code == 200  # a form's "any"


def test_api_errors_are_json_and_bodies_are_bounded(app):
    client = app.test_client()
    missing = client.get("/api/practices/nope")
    assert missing.status_code == 404 and missing.is_json
    nested = "[" * 100_000 + "]" * 100_000
    deep = client.post("/api/checklists", data=nested, content_type="application/json")
    assert deep.status_code == 400 and deep.is_json and "mapping" not in deep.get_json()["error"]
    form = client.post("/login", data={"username": "x" * (5 << 20), "password": "y"})
    assert form.status_code == 413  # refused from its length before the CSRF check reads the form
    huge = client.post("/api/checklists", data=b"{" + b" " * (1 << 20) + b"}", content_type="application/json")
    assert huge.status_code == 413 and huge.is_json
    hits = client.get("/api/search?q=ogrody&k=1").get_json()
    absurd = client.post("/api/checklists", json={"practice_id": hits[0]["id"], "city": "Radom", "population": 1e308})
    assert absurd.status_code == 400 and "population" in absurd.get_json()["error"]


def test_pages_are_not_framed_and_advisors_pages_are_not_cached(app):
    client = app.test_client()
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"
    assert "no-store" not in headers.get("Cache-Control", "")
    assert sign_in(app, "zofia").get("/review").headers["Cache-Control"] == "no-store"


def test_signing_out_ends_the_session_on_the_server(app):
    client = sign_in(app, "marta")
    assert client.get("/review").status_code == 200
    kept_cookie = client.get_cookie("session").value  # what an attacker copied before the sign-out
    token = csrf_token(client.get("/review").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", kept_cookie)
    assert replay.get("/review").status_code in (302, 401)  # sent to sign in: the old session opens nothing


def test_an_index_behind_the_store_is_caught_up(kb, corpus_copy):
    if kb.store.holds_vectors:
        pytest.skip("SQLite's index file; a replica of PostgreSQL's vectors heals in tests/test_replica.py")
    ingest_paths(kb, [corpus_copy], workers=1)
    index = kb.index().copy()
    stored = sorted(kb.store.passage_ids())
    index.remove(stored[:3])  # as if the process died after the store's commit, before the index's save
    index.save()
    assert not kb.index_is_current()
    repair = kb.catch_up()
    assert (repair.added, repair.removed) == (3, 0) and kb.index_is_current()
    assert kb.index().ids() == set(stored)
    assert kb.catch_up().added == 0  # nothing to do the second time


def test_anonymous_checklists_are_rate_limited_per_address(app):
    client = app.test_client()
    practice = client.get("/api/search?q=ogrody&k=1").get_json()[0]["id"]
    codes = [client.post("/api/checklists", json={"practice_id": practice, "city": "Radom"}).status_code
             for _ in range(22)]
    assert codes[:20] == [201] * 20 and codes[-1] == 429
    assert client.post("/api/checklists", json={"practice_id": practice}).status_code == 429  # still refused


def _holder(gate):
    """A thread that takes a slot of the gate (waiting for one if needed) and keeps it until `release` is set;
    `thread.got` says whether it had the slot."""
    release = threading.Event()
    thread = threading.Thread(target=lambda: _hold(gate, release, thread), daemon=True)
    thread.got = False
    thread.start()
    return thread, release


def _hold(gate, release: threading.Event, thread) -> None:
    with gate.slot():
        thread.got = True
        release.wait(30)


def _wait_for(condition) -> None:
    deadline = time.monotonic() + 60  # generous: a loaded machine is slow, not wrong
    while not condition():
        assert time.monotonic() < deadline, "the gate never reached the expected state"
        time.sleep(0.01)


def test_a_search_that_waits_too_long_for_a_slot_is_a_503_in_the_users_language(kb, web_app):
    from web.app import create_app

    app = create_app(kb.settings.with_values(search_slots=1, search_queue=4, search_wait_seconds=0.3), kb=kb)
    client, gate = app.test_client(), app.extensions["search_gate"]
    thread, release = _holder(gate)
    _wait_for(lambda: gate.admitted == 1)
    try:
        page = client.get("/", query_string={"q": "ogrody"}, headers={"Accept-Language": "uk"})
        assert page.status_code == 503 and page.headers["Retry-After"] == "1"
        assert "Зараз виконується багато пошуків" in page.get_data(as_text=True)
        api = client.get("/api/search?q=ogrody")
        assert api.status_code == 503 and api.is_json and api.headers["Retry-After"] == "1"
        assert client.get("/").status_code == 200  # the home page does not search: it is served
    finally:
        release.set()
        thread.join()
    assert client.get("/api/search?q=ogrody").status_code == 200 and gate.admitted == 0


def test_a_search_past_a_full_queue_is_refused_at_once(kb, web_app):
    from web.app import create_app

    app = create_app(kb.settings.with_values(search_slots=1, search_queue=1, search_wait_seconds=20), kb=kb)
    client, gate = app.test_client(), app.extensions["search_gate"]
    running, release_running = _holder(gate)
    _wait_for(lambda: gate.admitted == 1)
    waiting, release_waiting = _holder(gate)  # waits for the slot: the queue of one is full
    _wait_for(lambda: gate.admitted == 2)
    try:
        began = time.monotonic()
        refused = client.get("/api/search?q=ogrody")
        assert refused.status_code == 503 and time.monotonic() - began < 5  # not after the 20 s wait
        release_running.set()
        running.join()
        release_waiting.set()
        waiting.join()
        assert waiting.got  # the waiting search got the slot once it was free
    finally:
        release_running.set()
        release_waiting.set()
    assert client.get("/api/search?q=ogrody").status_code == 200


def test_an_upload_a_stop_interrupted_is_finished_at_the_next_start(kb, corpus_copy):
    from ingest import jobs
    from web import upload
    from web.app import create_app

    app = create_app(kb.settings, kb=kb)
    files = sorted(corpus_copy.iterdir())  # a PDF, a DOCX and a text file
    jobs.submit(kb, "abc", "marta", {p.name: p.read_bytes() for p in files}, {p.name: p.name for p in files}, [])
    stopped = kb.store.take_job("another-host:1", kb.settings.job_stale_seconds, "abc")  # taken by a server that then stopped
    folder = jobs.folder_of(kb, stopped)
    folder.mkdir(parents=True)
    (folder / files[0].name).write_bytes(files[0].read_bytes())
    ingest_paths(kb, [folder / files[0].name], workers=1)  # it had stored the first file
    assert upload.resume(app) == []  # its runner may still be alive: not taken over yet
    with kb.store._transaction() as db:  # a minute of silence from its runner, without waiting a minute
        db.execute("UPDATE jobs SET heartbeat = heartbeat - ? WHERE id = 'abc'", (kb.settings.job_stale_seconds + 1,))
    [job] = upload.resume(app)
    assert job.id == "abc" and stopped.runner == "another-host:1"
    _wait_for(lambda: kb.store.job("abc").state == "done")
    job = jobs.Job.of(kb.store.job("abc"))
    statuses = {p.name: r.status for r in job.results for p in files if r.path.endswith(p.name)}
    assert len(files) == len(statuses) == 3 and job.resumed and not job.error
    assert statuses[files[0].name] == "unchanged"
    assert all(statuses[p.name] not in ("unchanged", "failed") for p in files[1:])
    assert kb.index_is_current() and upload.resume(app) == []  # finished: not taken again
    assert kb.store.job_files("abc") == {}  # the files are no longer kept in the store
    report = sign_in(app, "marta").get("/upload/abc", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Serwer zatrzymał się w trakcie tego przesyłania" in report and files[2].name in report


def test_a_job_of_a_gone_process_on_this_machine_is_taken_at_once(kb):
    """A restarted server takes its own interrupted uploads at once: their runner's process is gone."""
    import socket
    import subprocess

    from ingest import jobs

    gone = subprocess.Popen(["true"])
    gone.wait()
    jobs.submit(kb, "mine", "marta", {"a.txt": b"Tekst."}, {"a.txt": "a.txt"}, [])
    kb.store.take_job(f"{socket.gethostname()}:{gone.pid}", kb.settings.job_stale_seconds, "mine")
    assert kb.store.take_job("other:1", kb.settings.job_stale_seconds) is None  # its heartbeat is fresh
    taken = jobs.take(kb)
    assert taken.id == "mine" and taken.runner == jobs.runner_name() and taken.attempts == 2
    assert jobs.take(kb) is None  # now this process's: not taken again


def test_a_job_interrupted_too_often_is_failed_with_its_reason(kb, corpus_copy):
    from ingest import jobs

    jobs.submit(kb, "bad", "marta", {"a.txt": b"Tekst."}, {"a.txt": "a.txt"}, [])
    for _ in range(jobs.MAX_ATTEMPTS + 1):
        taken = kb.store.take_job("host:1", -1, "bad")  # every earlier runner counts as gone
    job = jobs.run(kb, taken)
    assert job.state == "failed" and "interrupted 3 times" in job.error and job.finished


def test_searches_beside_an_ingest_and_an_edit_get_whole_answers(app, kb, corpus_copy):
    approved = app.test_client().get("/api/search?q=mieszkanie za remont&k=1").get_json()[0]
    titles = {approved["title"]} | {f"Mieszkanie za remont, wersja {n}" for n in range(6)}
    answers, failures, stop = [], [], threading.Event()

    def search() -> None:
        client = app.test_client()
        while not stop.is_set():
            for query in ("mieszkanie za remont", "житло для переселенців", "temporary use of empty shops"):
                response = client.get("/api/search", query_string={"q": query, "k": 20})
                (answers if response.status_code == 200 else failures).append(response.get_json())

    searchers = [threading.Thread(target=search) for _ in range(3)]
    for thread in searchers:
        thread.start()
    try:
        for n in range(6):  # an advisor's edits of an approved practice, between the ingests
            curation.edit(kb, approved["id"], {"title": f"Mieszkanie za remont, wersja {n}"}, actor="test")
            if n == 2:
                ingest_paths(kb, [CORPUS / "zhytomyr-fond-tymchasovoho-zhytla-vpo.docx",
                                  CORPUS / "bremen-temporary-use-vacant-shops.pdf"], workers=1)
            if n == 4:  # a document changed under its approved practice: re-read while searches run
                text = corpus_copy / "walbrzych-lokal-na-start.txt"
                text.write_text(text.read_text(encoding="utf-8") + "\n\nNowy akapit o wynikach.\n", encoding="utf-8")
                ingest_paths(kb, [text], workers=1)
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert not failures and len(answers) >= 6
    for answer in answers:
        ids = [hit["id"] for hit in answer]
        assert len(ids) == len(set(ids)) and all(hit["title"] and hit["match"] in ("good", "weak") for hit in answer)
        assert all(hit["title"] in titles for hit in answer if hit["id"] == approved["id"])
    assert kb.index().ids() == set(kb.store.passage_ids())
