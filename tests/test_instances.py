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
           "KB_SECRET_KEY": "s" * 64, "KB_REDIS_URL": REDIS_URL, "KB_PASSWORD": "a-long-password-1"}
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
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()


def _sign_in(session: requests.Session, url: str, password: str = "a-long-password-1") -> requests.Response:
    page = session.get(url + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return session.post(url + "/login", data={"csrf_token": token, "username": "ania", "password": password},
                        allow_redirects=False)


def test_an_upload_on_one_instance_is_found_on_the_other(cluster):
    one, two = cluster
    assert "Mieszkanie za remont" not in requests.get(two + "/?q=mieszkanie+za+remont").text
    advisor = requests.Session()
    assert _sign_in(advisor, one).status_code == 302
    form = advisor.get(one + "/upload").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    document = CORPUS / "zyrardow-mieszkanie-za-remont.docx"
    sent = advisor.post(one + "/upload", data={"csrf_token": token},
                        files={"files": (document.name, document.read_bytes())}, allow_redirects=False)
    assert sent.status_code == 302
    status = one + sent.headers["Location"]
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


def test_failed_sign_ins_count_on_every_instance(cluster):
    """The limit is shared through Redis: attempts spread over two instances hit one limit."""
    one, two = cluster
    answers = [_sign_in(requests.Session(), url, "wrong-password-x").status_code
               for url in (one, two) * 6]
    assert 429 in answers and answers.index(429) < 12
    assert answers[-1] == 429
