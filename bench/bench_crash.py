"""Crash safety: `kb ingest` killed with SIGKILL at N moments spread over its run (before, during and after
store and index writes), on a knowledge base with approved practices and files changed since; after each
kill the store must open, a re-run must complete, the index must hold exactly the store's passages, and
no approved practice of an unchanged file may be lost.

With --web, the web server is killed instead, at N moments of an advisor's upload (half the corpus is
ingested and approved first; the upload holds the other half and the changed files): after each kill
`kb serve` starts again, must finish the upload by itself, and then the index must hold exactly the
store's passages, every uploaded file must be stored, and no approved practice of an unchanged file lost.

    python bench/bench_crash.py [--runs 20] [--web]

Uses the hashing embedder (no model): the moments of interest are the store's and the index's writes.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
KB = str(Path(sys.executable).parent / "kb")
PASSWORD = "a long enough password for the bench"


def kb(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KB_DATA_DIR": str(data), "KB_MODEL": "hashing"}
    return subprocess.run([KB, *args], env=env, capture_output=True, text=True, check=check, cwd=tempfile.gettempdir())


def state(data: Path) -> tuple[set[int], set[int], dict[str, tuple[str, str]]]:
    """The index's passage ids, the store's, and each practice's status and file name."""
    from kb.config import Settings
    from kb.embed import HashingEmbedder
    from kb.knowledge import KnowledgeBase

    base = KnowledgeBase(Settings().with_values(data_dir=data, model="hashing"), embedder=HashingEmbedder())
    try:
        return (base.index().ids(), set(base.store.passage_ids()),
                {p.id: (str(p.status), Path(p.source.path).name) for p in base.store.list()})
    finally:
        base.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--web", action="store_true", help="kill the web server during an upload instead")
    args = parser.parse_args()
    if args.web:
        web_main(args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="kb-crash-") as tmp:
        tmp = Path(tmp)
        docs = tmp / "docs"
        shutil.copytree(REPO / "corpus", docs, ignore=shutil.ignore_patterns("*.jsonl", "*.md"))
        base = tmp / "base"
        kb(base, "ingest", "--approve", str(docs))
        _, _, approved_before = state(base)
        changed = sorted(p for p in docs.iterdir() if p.suffix == ".txt")
        for path in changed:  # files changed since: the next run updates their practices
            path.write_text(path.read_text(encoding="utf-8") + "\n\nDodatkowy akapit o wynikach projektu w 2025 roku.\n",
                            encoding="utf-8")
        names = {p.name for p in changed}
        unchanged = {pid for pid, (status, name) in approved_before.items() if status == "approved" and name not in names}
        probe = tmp / "probe"
        shutil.copytree(base, probe)
        started = time.perf_counter()
        kb(probe, "ingest", str(docs))
        full = time.perf_counter() - started
        print(f"a full re-run takes {full:.1f} s; killing at {args.runs} moments from 0.3 s to {full:.1f} s")
        consistent = 0
        for n in range(args.runs):
            moment = 0.3 + (full - 0.3) * n / max(1, args.runs - 1)
            data = tmp / f"run-{n}"
            shutil.copytree(base, data)
            env = {**os.environ, "KB_DATA_DIR": str(data), "KB_MODEL": "hashing"}
            process = subprocess.Popen([KB, "ingest", str(docs)], env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
            time.sleep(moment)
            process.send_signal(signal.SIGKILL)
            process.wait()
            rerun = kb(data, "ingest", str(docs), check=False)
            index_ids, store_ids, statuses = state(data)
            lost = [pid for pid in unchanged if pid in statuses and statuses[pid][0] != "approved"]
            missing = [pid for pid in unchanged if pid not in statuses]
            ok = rerun.returncode in (0, 1) and index_ids == store_ids and not lost
            consistent += ok
            healed = "healed" if "index was behind" in rerun.stderr else ""
            print(f"  kill at {moment:5.2f} s: index {len(index_ids)} = store {len(store_ids)}: "
                  f"{index_ids == store_ids}, approved lost {len(lost)}, replaced {len(missing)} {healed}"
                  f"{'' if ok else '  FAILED'}")
        print(f"consistent after the re-run: {consistent} of {args.runs}")


# -- the web server killed during an upload -------------------------------------------------------------
class Browser:
    """An advisor's session on a running server: cookies, CSRF tokens, a multipart upload."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.url + path, timeout=60) as response:
            return response.read().decode("utf-8")

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def sign_in(self, username: str) -> None:
        form = {"username": username, "password": PASSWORD, "csrf_token": self.token("/login")}
        self.opener.open(self.url + "/login", urllib.parse.urlencode(form).encode(), timeout=60).read()

    def upload(self, files: list[Path]) -> None:
        boundary = secrets.token_hex(16)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                 f'{self.token("/upload")}\r\n'.encode()]
        for path in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(self.url + "/upload", b"".join(parts),
                                         {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.opener.open(request, timeout=120).read()


def serve(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "KB_DATA_DIR": str(data), "KB_MODEL": "hashing"}
    process = subprocess.Popen([KB, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("error: the server did not start")


def uploads_finished(data: Path) -> bool:
    """Whether the store holds uploads and every one is done or failed (the jobs in the store)."""
    from kb.config import Settings
    from kb.store import SqliteStore

    store = SqliteStore(Settings().with_values(data_dir=data).database)
    try:
        jobs = store.jobs(limit=1000)
    finally:
        store.close()
    return bool(jobs) and all(job.state in ("done", "failed") for job in jobs)


def wait_finished(data: Path, timeout_s: float = 300) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if uploads_finished(data):
                return True
        except (OSError, ValueError, sqlite3.Error):
            pass  # the store busy a moment
        time.sleep(0.2)
    return False


def stored(data: Path, files: list[Path]) -> int:
    """How many of the files the store holds (by their content)."""
    from ingest.pipeline import checksum
    from kb.config import Settings
    from kb.store import SqliteStore

    store = SqliteStore(Settings().with_values(data_dir=data).database)
    try:
        return sum(store.document_with_checksum(checksum(path)) is not None for path in files)
    finally:
        store.close()


def upload_run(base: Path, data: Path, files: list[Path], kill_at: float | None) -> tuple[float, bool, bool]:
    """Copy base to data, upload the files as an advisor; kill the server `kill_at` s after the upload was
    sent and start it again. Returns the seconds until the upload finished, whether it finished, and whether
    the kill interrupted it."""
    shutil.copytree(base, data)
    port = free_port()
    server = serve(data, port)
    began = time.perf_counter()
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.sign_in("marta")
        browser.upload(files)
        interrupted = False
        if kill_at is not None:
            time.sleep(kill_at)
            server.send_signal(signal.SIGKILL)
            server.wait()
            interrupted = not uploads_finished(data)
            server = serve(data, port)  # resumes the interrupted upload
        finished = wait_finished(data)
        return time.perf_counter() - began, finished, interrupted
    finally:
        server.terminate()
        server.wait()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def web_main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-crash-web-") as tmp:
        tmp = Path(tmp)
        docs = sorted(p for p in (REPO / "corpus").iterdir() if p.suffix in (".docx", ".pdf", ".txt"))
        first, second = docs[::2], docs[1::2]
        base = tmp / "base"
        kb(base, "ingest", "--approve", *map(str, first))
        subprocess.run([KB, "user", "add", "marta"], env={**os.environ, "KB_DATA_DIR": str(base),
                       "KB_PASSWORD": PASSWORD}, check=True, capture_output=True, cwd=tempfile.gettempdir())
        _, _, approved_before = state(base)
        changed_dir = tmp / "changed"
        changed_dir.mkdir()
        for path in first:
            if path.suffix == ".txt":  # a file changed since: the upload updates its practices
                (changed_dir / path.name).write_text(path.read_text(encoding="utf-8") + "\n\nDodatkowy akapit o "
                                                     "wynikach projektu w 2025 roku.\n", encoding="utf-8")
        changed = sorted(changed_dir.iterdir())
        upload = second + changed
        unchanged = {pid for pid, (status, name) in approved_before.items()
                     if status == "approved" and name not in {p.name for p in changed}}
        full, finished, _ = upload_run(base, tmp / "probe", upload, None)
        print(f"{len(first)} files ingested and approved; an upload of {len(upload)} files takes {full:.1f} s "
              f"(finished: {finished}); killing the server at {runs} moments from 0.1 s to {full:.1f} s after it")
        consistent = interrupted = 0
        for n in range(runs):
            moment = 0.1 + (full - 0.1) * n / max(1, runs - 1)
            data = tmp / f"run-{n}"
            seconds, finished, cut = upload_run(base, data, upload, moment)
            interrupted += cut
            index_ids, store_ids, statuses = state(data)
            lost = [pid for pid in unchanged if pid in statuses and statuses[pid][0] != "approved"]
            held = stored(data, upload)
            ok = finished and index_ids == store_ids and not lost and held == len(upload)
            consistent += ok
            print(f"  kill at {moment:5.2f} s{' (mid-upload)' if cut else ' (after it)'}: finished {finished} "
                  f"({seconds:.1f} s), index "
                  f"{len(index_ids)} = store {len(store_ids)}: {index_ids == store_ids}, files stored {held} of "
                  f"{len(upload)}, approved lost {len(lost)}{'' if ok else '  FAILED'}")
            shutil.rmtree(data, ignore_errors=True)
        print(f"consistent after the restart: {consistent} of {runs} ({interrupted} kills landed mid-upload)")


if __name__ == "__main__":
    main()
