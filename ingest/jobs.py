"""Uploads as jobs in the store (kb/store/jobs.py): submitted by the web app, run by it in the background or by
`kb worker`, their progress readable from any instance. The files travel in the store until the job is done; a
runner writes them into its own data folder to read them. A job whose runner stopped (a restart, a crash) is
taken again (after KB_JOB_STALE_SECONDS of silence) by the next instance that starts or looks for work: files stored before the stop come out unchanged,
the rest are read; after MAX_ATTEMPTS takes it is failed with that reason, never left waiting silently."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kb.knowledge import KnowledgeBase
from kb.store import StoredJob

from .pipeline import FileResult, ingest_paths

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a job interrupted this many times (a file that kills its reader's host?) is failed


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Job:
    """One upload as the pages show it: its files and how far their ingestion got."""

    id: str
    owner: str
    names: dict[str, str]  # stored file name -> the name as uploaded
    results: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why) refused before ingest
    passages: int = 0
    started: str = ""
    finished: str = ""
    error: str = ""
    state: str = "queued"
    resumed: bool = False  # a stop interrupted it; it was taken again and finished

    @property
    def total(self) -> int:
        """Every file sent, the ones refused before ingest included."""
        return len(self.names) + len(self.skipped)

    @property
    def done(self) -> int:
        return len(self.results) + len(self.skipped)

    def shown_name(self, path: str) -> str:
        return self.names.get(Path(path).name, Path(path).name)

    def data(self) -> dict:
        return {"names": self.names, "skipped": [list(s) for s in self.skipped], "passages": self.passages,
                "results": [asdict(r) for r in self.results]}

    @classmethod
    def of(cls, stored: StoredJob) -> Job:
        data = stored.data
        results = [FileResult(**{**r, "linked": [tuple(x) for x in r.get("linked", [])]})
                   for r in data.get("results", [])]
        return cls(stored.id, stored.owner, data.get("names", {}), results,
                   [tuple(s) for s in data.get("skipped", [])], data.get("passages", 0), stored.created_at,
                   stored.finished_at if stored.state in ("done", "failed") else "", stored.error, stored.state,
                   stored.attempts > 1)


def submit(kb: KnowledgeBase, job_id: str, owner: str, files: dict[str, bytes], names: dict[str, str],
           skipped: list[tuple[str, str]]) -> Job:
    """A queued upload: `files` (stored name -> bytes), `names` (stored name -> the name as uploaded)."""
    job = Job(job_id, owner, names, skipped=skipped)
    kb.store.create_job(job_id, "upload", owner, job.data(), files)
    if not files:  # every file was refused before ingest: nothing to run
        taken = kb.store.take_job(runner_name(), kb.settings.job_stale_seconds, job_id)
        if taken is not None:
            kb.store.finish_job(job_id, taken.runner, "done", job.data())
    return Job.of(kb.store.job(job_id))


def take(kb: KnowledgeBase, job_id: str = "") -> StoredJob | None:
    """Take a job to run (this one, or the oldest waiting), or None. A job whose runner was a process of this
    machine that is gone (a restarted server) is taken at once, without waiting for its silence."""
    for stored in kb.store.unfinished_jobs():
        if stored.state == "running" and (not job_id or stored.id == job_id) and _gone(stored.runner):
            taken = kb.store.take_job(runner_name(), 0, stored.id, from_runner=stored.runner)
            if taken is not None:
                return taken
    return kb.store.take_job(runner_name(), kb.settings.job_stale_seconds, job_id)


def _gone(runner: str) -> bool:
    """Whether a runner ("host:pid") was a process of this machine that no longer runs."""
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: alive
        return False
    return False


def folder_of(kb: KnowledgeBase, stored: StoredJob) -> Path:
    """Where a runner writes a job's files to read them: the same folder on every take, so a file stored before a
    stop is the same document (unchanged) when the job is taken again."""
    stamp = stored.created_at[:19].replace(":", "").replace("-", "")
    return kb.settings.data_dir / "uploads" / f"{stamp}-{stored.id}"


def run(kb: KnowledgeBase, stored: StoredJob) -> Job:
    """Run a job this runner took: its files written into the data folder, ingested one after another, progress
    and results stored as each file is done; done (or failed, with the reason) at the end."""
    job = Job.of(stored)
    if stored.attempts > MAX_ATTEMPTS:
        job.error = f"interrupted {stored.attempts - 1} times; not tried again"
        kb.store.finish_job(stored.id, stored.runner, "failed", job.data(), job.error)
        return Job.of(kb.store.job(stored.id))
    folder = folder_of(kb, stored)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in kb.store.job_files(stored.id).items():
        (folder / name).write_bytes(content)
    job.results = []  # a resumed job reads every file again: those stored before come out unchanged
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(kb.settings.job_stale_seconds / 6):  # several beats before it counts as silent
            kb.store.job_progress(stored.id, stored.runner)

    def on_file(result: FileResult) -> None:
        job.results.append(result)
        kb.store.job_progress(stored.id, stored.runner, job.data())

    said = [time.monotonic()]

    def on_passages(n: int) -> None:  # the page's "N passages embedded", at most once a second
        job.passages += n
        if time.monotonic() - said[0] >= 1.0:
            said[0] = time.monotonic()
            kb.store.job_progress(stored.id, stored.runner, job.data())

    heart = threading.Thread(target=beat, name=f"job-{stored.id}", daemon=True)
    heart.start()
    state = "done"
    try:
        report = ingest_paths(kb, [folder / name for name in job.names if (folder / name).is_file()],
                              on_file=on_file, on_passages=on_passages, workers=1)
        for result in report.failed:  # nothing of a file the reader refused is kept (a hostile file stays nowhere)
            if result.refused:
                Path(result.path).unlink(missing_ok=True)
    except Exception as exc:  # reported on the job's page; the files already stored stay stored
        logger.exception("Job %s failed", stored.id)
        job.error, state = f"{type(exc).__name__}: {exc}", "failed"
    finally:
        stop.set()
        kb.store.finish_job(stored.id, stored.runner, state, job.data(), job.error)
    return Job.of(kb.store.job(stored.id))


def work(kb: KnowledgeBase, once: bool = False, idle: float = 2.0, on_job=None) -> int:
    """Run jobs as they come (`kb worker`): take one, run it, look again; with `once`, stop when none waits.
    Returns the number of jobs run."""
    ran = 0
    while True:
        stored = take(kb)
        if stored is None:
            if once:
                return ran
            time.sleep(idle)
            continue
        job = run(kb, stored)
        ran += 1
        if on_job is not None:
            on_job(job)
