"""Jobs (uploads): queued, running, done or failed, with who runs each and when it last said so (a heartbeat),
per-file results, and the uploaded files until the job is done. Any instance, or `kb worker`, can take a job
that is queued or whose runner stopped saying it runs (a crash, a stop): a job is never lost silently."""
from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import now_iso
from .base import StoreBase

STATES = ("queued", "running", "done", "failed")
_COLUMNS = "id, kind, owner, state, created_at, finished_at, runner, heartbeat, attempts, error, data"


@dataclass(frozen=True, slots=True)
class StoredJob:
    id: str
    kind: str
    owner: str
    state: str
    created_at: str
    finished_at: str
    runner: str  # the instance running it ("host:pid"), or the last one that did
    heartbeat: float  # when its runner last said it runs (Unix time)
    attempts: int  # how many times a runner took it
    error: str
    data: dict  # what the job's kind keeps: for an upload its files' names, the refused ones, per-file results


class JobStore(StoreBase):
    """The `jobs` and `job_files` tables."""

    def create_job(self, job_id: str, kind: str, owner: str, data: dict, files: dict[str, bytes]) -> None:
        """A queued job with its files, in one transaction."""
        with self._transaction() as db:
            db.execute("INSERT INTO jobs(id, kind, owner, state, created_at, data) VALUES (?, ?, ?, 'queued', ?, ?)",
                       (job_id, kind, owner, now_iso(), json.dumps(data, ensure_ascii=False)))
            db.executemany("INSERT INTO job_files(job_id, name, content) VALUES (?, ?, ?)",
                           [(job_id, name, content) for name, content in files.items()])

    def take_job(self, runner: str, stale_after: float, job_id: str = "", from_runner: str = "") -> StoredJob | None:
        """Take a job to run (this one, or the oldest): queued, or running under a runner silent for `stale_after`
        seconds (or, with `from_runner`, running under that runner, known to be gone). It becomes this runner's,
        its attempts counted; None when there is none."""
        now = time.time()
        where, args = "(state = 'queued' OR (state = 'running' AND heartbeat < ?))", [now - stale_after]
        if from_runner:
            where, args = "state = 'running' AND runner = ?", [from_runner]
        if job_id:
            where, args = where + " AND id = ?", [*args, job_id]
        with self._transaction() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE {where} ORDER BY created_at, id LIMIT 1{self.TAKE}",
                             args).fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET state = 'running', runner = ?, heartbeat = ?, attempts = attempts + 1 "
                       "WHERE id = ?", (runner, now, row[0]))
        return self.job(row[0])

    def job(self, job_id: str) -> StoredJob | None:
        row = self._one(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        return _to_job(row) if row else None

    def jobs(self, owner: str = "", limit: int = 10) -> list[StoredJob]:
        """The newest jobs (of one owner)."""
        where, args = ("owner = ?", [owner]) if owner else ("1=1", [])
        return [_to_job(r) for r in self._all(f"SELECT {_COLUMNS} FROM jobs WHERE {where} "
                                               "ORDER BY created_at DESC, id LIMIT ?", [*args, limit])]

    def job_files(self, job_id: str) -> dict[str, bytes]:
        return {name: bytes(content) for name, content in
                self._all("SELECT name, content FROM job_files WHERE job_id = ? ORDER BY name", (job_id,))}

    def job_progress(self, job_id: str, runner: str, data: dict | None = None) -> bool:
        """The runner says it still runs the job (and what it did so far); False when the job is no longer its
        own (another runner took it over after a long silence): it should stop."""
        sets, args = "heartbeat = ?", [time.time()]
        if data is not None:
            sets, args = sets + ", data = ?", [*args, json.dumps(data, ensure_ascii=False)]
        with self._transaction() as db:
            return db.execute(f"UPDATE jobs SET {sets} WHERE id = ? AND runner = ? AND state = 'running'",
                              [*args, job_id, runner]).rowcount > 0

    def finish_job(self, job_id: str, runner: str, state: str, data: dict, error: str = "") -> None:
        """Done or failed, with the results; the uploaded files are no longer kept in the store."""
        with self._transaction() as db:
            db.execute("UPDATE jobs SET state = ?, error = ?, data = ?, finished_at = ?, heartbeat = ? "
                       "WHERE id = ? AND runner = ?", (state, error, json.dumps(data, ensure_ascii=False), now_iso(),
                                                       time.time(), job_id, runner))
            db.execute("DELETE FROM job_files WHERE job_id = ?", (job_id,))

    def unfinished_jobs(self) -> Sequence[StoredJob]:
        return [_to_job(r) for r in self._all(f"SELECT {_COLUMNS} FROM jobs WHERE state IN ('queued', 'running') "
                                               "ORDER BY created_at")]


def _to_job(row: Sequence) -> StoredJob:
    *head, data = row
    return StoredJob(*head, json.loads(data))
