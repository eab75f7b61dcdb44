"""Advisors upload DOCX, PDF and text files: each upload is a job in the store (ingest/jobs.py), ingested in
the background by this instance (or by `kb worker`) while a page shows its progress (it refreshes itself, no
JavaScript needed), then a report per file: the practices found, the versions linked, or why a file failed.
Progress and reports come from the store, so any instance shows them; an upload that a stopped server left
unfinished is taken again when an instance starts (files stored before the stop come out unchanged)."""
from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from ingest import jobs
from ingest.jobs import Job
from ingest.pipeline import SUPPORTED, checksum_bytes

from .access import actor, requires
from .access import knowledge as _kb
from .reasons import reason

bp = Blueprint("upload", __name__)
logger = logging.getLogger(__name__)
MAX_FILES = 50


def safe_name(name: str) -> str:
    """A file name that keeps its letters (Żyrardów stays Żyrardów) but cannot leave its folder."""
    base = re.sub(r"[^\w.\- ]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[-120:] or "file"


@bp.get("/upload")
@requires("upload")
def form():
    mine = [Job.of(stored) for stored in _kb().store.jobs(owner=actor(), limit=10)]
    return render_template("upload/form.html", jobs=mine, kinds=", ".join(sorted(SUPPORTED)),
                           max_mb=_kb().settings.max_file_mb)


@bp.post("/upload")
@requires("upload")
def start():
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        flash(gettext("Choose at least one file."), "error")
        return redirect(url_for("upload.form"))
    if len(files) > MAX_FILES:
        flash(gettext("At most %(num)d files at once.", num=MAX_FILES), "error")
        return redirect(url_for("upload.form"))
    job_id = secrets.token_urlsafe(8)
    contents: dict[str, bytes] = {}
    names: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    for upload in files:
        name = safe_name(upload.filename)
        if Path(name).suffix.lower() not in SUPPORTED:
            skipped.append((upload.filename, gettext("unsupported file type; supported: %(kinds)s",
                                                     kinds=", ".join(sorted(SUPPORTED)))))
            continue
        while name in names:
            name = f"{Path(name).stem}-1{Path(name).suffix}"
        content = upload.read()
        twin = _kb().store.document_with_checksum(checksum_bytes(content))
        if twin:
            skipped.append((upload.filename, gettext("the same file is already in the knowledge base (%(name)s)",
                                                     name=Path(twin).name)))
            continue
        contents[name], names[name] = content, upload.filename
    jobs.submit(_kb(), job_id, actor(), contents, names, skipped)
    if contents:
        _launch(current_app._get_current_object(), job_id)
    return redirect(url_for("upload.status", job_id=job_id))


def _launch(app, job_id: str = "") -> bool:
    """Take a job (this one, or the oldest waiting) and run it in a background thread; False when none."""
    kb = app.extensions["kb"]
    stored = jobs.take(kb, job_id)
    if stored is None:
        return False
    threading.Thread(target=_run, args=(app, stored), name=f"upload-{stored.id}", daemon=True).start()
    return True


def _run(app, stored) -> None:
    try:
        jobs.run(app.extensions["kb"], stored)
    except Exception:  # the store itself failed: the job stays running and another instance takes it over
        app.logger.exception("Upload %s could not be run", stored.id)


def watch(app) -> threading.Thread:
    """Keep taking uploads that wait or whose runner fell silent (another instance stopped mid-upload), as long
    as the server runs: a background thread looking every quarter of KB_JOB_STALE_SECONDS."""
    def loop() -> None:
        while True:
            time.sleep(app.extensions["kb"].settings.job_stale_seconds / 4)
            try:
                while _launch(app):
                    pass
            except Exception:  # the database is away for a moment: look again later
                app.logger.exception("Looking for uploads to take failed")

    thread = threading.Thread(target=loop, name="upload-watch", daemon=True)
    thread.start()
    return thread


def resume(app) -> list[Job]:
    """Take every upload that waits or whose runner stopped (a restart, a crash) and finish it in the background:
    files stored before the stop come out unchanged and the rest are read. Returns them as they were taken."""
    kb = app.extensions["kb"]
    taken = []
    while (stored := jobs.take(kb)) is not None:
        threading.Thread(target=_run, args=(app, stored), name=f"upload-{stored.id}", daemon=True).start()
        taken.append(Job.of(stored))
    return taken


@bp.get("/upload/<job_id>")
@requires("upload")
def status(job_id: str):
    stored = _kb().store.job(job_id)  # from the store: any instance shows any upload's progress
    if stored is None or stored.owner != actor():
        abort(404)
    job = Job.of(stored)
    practices = {pid: _kb().get(pid) for r in job.results for pid in (*r.added, *r.updated)}
    return render_template("upload/status.html", job=job, practices=practices, reason=reason)
