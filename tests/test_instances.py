"""Two `kb serve` processes on two ports, each with a data folder of its own (as on two machines), serving one
knowledge base in the real PostgreSQL (127.0.0.1:5432, database `test`) with limits in the real Redis
(127.0.0.1:6379): an upload on one is found on the other, an advisor's sign-in counts on both."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

from .conftest import CORPUS, REPO, TEST_DATABASE_URL

KB = str(Path(sys.executable).with_name("kb"))
REDIS_URL = os.environ.get("KB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    schema = f"kb_cluster_{time.time_ns()}"
    env = {**os.environ, "KB_MODEL": "hashing", "KB_DATABASE_URL": TEST_DATABASE_URL, "KB_DATABASE_SCHEMA": schema,
           "KB_SECRET_KEY": "s" * 64, "KB_REDIS_URL": REDIS_URL, "KB_PASSWORD": "a-long-password-1",
           "KB_JOB_STALE_SECONDS": "3"}
    env.pop("KB_CONFIG", None)
    subprocess.run([KB, "--data-dir", str(tmp_path / "admin"), "user", "add", "ania", "--role", "admin"], env=env,
                   check=True, capture_output=True, cwd=REPO)
    servers, urls = [], []
    for name in ("a", "b"):
        port = _free_port()
        servers.append(subprocess.Popen([KB, "--data-dir", str(tmp_path / name), "serve", "--port", str(port)],
                                        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, server in zip(urls, servers):
            for _ in range(300):
                assert server.poll() is None, server.stderr.read().decode()
                try:
                    if requests.get(url + "/", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
        yield urls, servers
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


def _upload(session: requests.Session, url: str, documents: list[Path]) -> str:
    """Upload files as an advisor; returns the status page's path."""
    form = session.get(url + "/upload").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    sent = session.post(url + "/upload", data={"csrf_token": token}, allow_redirects=False,
                        files=[("files", (d.name, d.read_bytes())) for d in documents])
    assert sent.status_code == 302
    return sent.headers["Location"]


def _sign_in(session: requests.Session, url: str, password: str = "a-long-password-1") -> requests.Response:
    page = session.get(url + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return session.post(url + "/login", data={"csrf_token": token, "username": "ania", "password": password},
                        allow_redirects=False)


def test_an_upload_on_one_instance_is_found_on_the_other(cluster):
    (one, two), _ = cluster
    assert "Mieszkanie za remont" not in requests.get(two + "/?q=mieszkanie+za+remont").text
    advisor = requests.Session()
    assert _sign_in(advisor, one).status_code == 302
    status = one + _upload(advisor, one, [CORPUS / "zyrardow-mieszkanie-za-remont.docx"])
    for _ in range(300):  # the upload is read in the background
        if "Mieszkanie za remont" in advisor.get(status).text and "refresh" not in advisor.get(status).text:
            break
        time.sleep(0.2)
    # The uploaded practice is a draft: an advisor signed in on the OTHER instance (one secret key) finds it.
    other = requests.Session()
    other.cookies.update(advisor.cookies)
    started = time.monotonic()
    while "Mieszkanie za remont" not in other.get(two + "/?q=mieszkanie+za+remont&status=draft").text:
        assert time.monotonic() - started < 2.0, "the other instance does not find the upload within 2 s"
        time.sleep(0.1)
    # The advisor approves it on the first instance; a visitor of the second finds it (visitors see approved ones).
    practice = re.search(r'href="/practices/([^/"]+)/edit"', advisor.get(status).text).group(1)
    page = advisor.get(f"{one}/practices/{practice}/edit").text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    approved = advisor.post(f"{one}/practices/{practice}/status", data={"csrf_token": token, "status": "approved"},
                            allow_redirects=False)
    assert approved.status_code == 302
    started = time.monotonic()
    while "Mieszkanie za remont" not in requests.get(two + "/?q=mieszkanie+za+remont").text:
        assert time.monotonic() - started < 2.0, "a visitor of the other instance does not see the approval"
        time.sleep(0.1)


def test_failed_sign_ins_count_on_every_instance(cluster):
    """The limit is shared through Redis: attempts spread over two instances hit one limit."""
    (one, two), _ = cluster
    answers = [_sign_in(requests.Session(), url, "wrong-password-x").status_code
               for url in (one, two) * 6]
    assert 429 in answers and answers.index(429) < 12
    assert answers[-1] == 429


def test_an_upload_a_killed_instance_left_is_finished_by_the_other(cluster):
    """Instance one is killed (SIGKILL) just after receiving an upload: the job is in the store, and instance two
    takes it over once one has been silent for KB_JOB_STALE_SECONDS, and finishes it; its page shows it there."""
    (one, two), servers = cluster
    advisor = requests.Session()
    assert _sign_in(advisor, one).status_code == 302
    names = ["las-palmas-huecos-urbanos.pdf", "walbrzych-lokal-na-start.txt", "sumy-spilnotnyi-horod.pdf"]
    status = _upload(advisor, one, [CORPUS / name for name in names])
    servers[0].kill()
    servers[0].wait()
    started = time.monotonic()
    while True:  # the page on the other instance, with the same session
        page = advisor.get(two + status).text
        if "refresh" not in page:
            break
        assert time.monotonic() - started < 60, "the other instance did not finish the upload"
        time.sleep(0.5)
    assert "Upload report" in page and "Done: 3 stored, 0 failed" in page and all(name in page for name in names)
    found = advisor.get(two + "/?q=Huecos+Urbanos&status=draft").text
    assert "Huecos Urbanos" in found
