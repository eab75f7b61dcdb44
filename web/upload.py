"""Advisors upload DOCX, PDF and text files: ingestion runs in the background while a page shows its
progress (it refreshes itself, no JavaScript needed), then a report per file: the practices found, the
versions linked, or why a file failed. Each upload keeps a manifest beside its files, so an upload that a
stopped server left unfinished is finished when `kb serve` starts again (files stored before the stop come
out unchanged)."""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
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

from ingest.pipeline import SUPPORTED, FileResult, checksum, ingest_paths
from kb.knowledge import KnowledgeBase

from .access import actor, requires
from .access import knowledge as _kb
from .reasons import reason

bp = Blueprint("upload", __name__)
logger = logging.getLogger(__name__)
MAX_FILES = 50
MANIFEST = ".upload.json"  # in the upload's folder: who uploaded what, and whether its ingest finished


@dataclass
class Job:
    """One upload: its files and how far their ingestion got."""

    id: str
    owner: str
    folder: Path
    names: dict[str, str]  # stored file name -> the name as uploaded
    results: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why) refused before ingest
    passages: int = 0
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    error: str = ""
    resumed: bool = False  # the server stopped during this upload; it was finished after the restart

    @property
    def total(self) -> int:
        """Every file sent, the ones refused before ingest included."""
        return len(self.names) + len(self.skipped)

    @property
    def done(self) -> int:
        return len(self.results) + len(self.skipped)

    def shown_name(self, path: str) -> str:
        return self.names.get(Path(path).name, Path(path).name)


def _jobs() -> dict[str, Job]:
    return current_app.extensions.setdefault("uploads", {})


def safe_name(name: str) -> str:
    """A file name that keeps its letters (Żyrardów stays Żyrardów) but cannot leave its folder."""
    base = re.sub(r"[^\w.\- ]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return base[-120:] or "file"


@bp.get("/upload")
@requires("upload")
def form():
    mine = [j for j in _jobs().values() if j.owner == actor()]
    return render_template("upload/form.html", jobs=sorted(mine, key=lambda j: -j.started)[:10],
                           kinds=", ".join(sorted(SUPPORTED)), max_mb=_kb().settings.max_file_mb)


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
    folder = _kb().settings.data_dir / "uploads" / f"{time.strftime('%Y%m%d-%H%M%S')}-{job_id}"
    folder.mkdir(parents=True)
    job = Job(job_id, actor(), folder, {})
    for upload in files:
        name = safe_name(upload.filename)
        if Path(name).suffix.lower() not in SUPPORTED:
            job.skipped.append((upload.filename, gettext("unsupported file type; supported: %(kinds)s",
                                                         kinds=", ".join(sorted(SUPPORTED)))))
            continue
        while name in job.names:
            name = f"{Path(name).stem}-1{Path(name).suffix}"
        path = folder / name
        upload.save(path)
        twin = _kb().store.document_with_checksum(checksum(path))
        if twin:
            path.unlink()
            job.skipped.append((upload.filename, gettext("the same file is already in the knowledge base (%(name)s)",
                                                         name=Path(twin).name)))
            continue
        job.names[name] = upload.filename
    if not job.names:
        job.finished = time.time()
    _launch(current_app._get_current_object(), job)
    return redirect(url_for("upload.status", job_id=job_id))


def _launch(app, job: Job) -> None:
    """List the job for its owner, write its manifest and, when it has files, ingest them in the background."""
    app.extensions.setdefault("uploads", {})[job.id] = job
    _save(job)
    if not job.finished:
        threading.Thread(target=_run, args=(app, job), name=f"upload-{job.id}", daemon=True).start()


def _save(job: Job, finished: float = 0.0) -> None:
    """Write the job's manifest whole (a temporary file renamed into place): a crash leaves the old or the new."""
    data = {"id": job.id, "owner": job.owner, "names": job.names, "skipped": job.skipped, "started": job.started,
            "finished": finished or job.finished}
    tmp = job.folder / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, job.folder / MANIFEST)


def _run(app, job: Job) -> None:
    """Ingest the job's files (one after another; the store and index take one writer at a time)."""
    kb: KnowledgeBase = app.extensions["kb"]

    def on_passages(n: int) -> None:
        job.passages += n

    try:
        report = ingest_paths(kb, [job.folder / name for name in job.names], on_file=job.results.append,
                              on_passages=on_passages, workers=1)
        for result in report.failed:  # nothing of a file the reader refused is kept (a hostile file stays nowhere)
            if result.refused:
                Path(result.path).unlink(missing_ok=True)
    except Exception as exc:  # reported on the job's page; the files already stored stay stored
        app.logger.exception("Upload %s failed", job.id)
        job.error = f"{type(exc).__name__}: {exc}"
    finally:
        finished = time.time()
        _save(job, finished)  # on disk first: whoever sees the job finished finds its manifest finished too
        job.finished = finished


def resume(app) -> list[Job]:
    """Finish the uploads that a stopped server left unfinished (their manifests say so), in the background:
    each is ingested again, so the files stored before the stop come out unchanged and the rest are read."""
    root: Path = app.extensions["kb"].settings.data_dir / "uploads"
    resumed = []
    for manifest in sorted(root.glob(f"*/{MANIFEST}")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data["finished"]:
                continue
            folder = manifest.parent
            job = Job(data["id"], data["owner"], folder,
                      {name: shown for name, shown in data["names"].items() if (folder / name).is_file()},
                      skipped=[tuple(item) for item in data["skipped"]], started=data["started"], resumed=True)
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("Upload manifest %s is unreadable; its files stay in %s", manifest, manifest.parent)
            continue
        if not job.names:
            job.finished = time.time()
        _launch(app, job)
        resumed.append(job)
    return resumed


@bp.get("/upload/<job_id>")
@requires("upload")
def status(job_id: str):
    job = _jobs().get(job_id)
    if job is None or job.owner != actor():
        abort(404)
    practices = {pid: _kb().get(pid) for r in job.results for pid in (*r.added, *r.updated)}
    return render_template("upload/status.html", job=job, practices=practices, reason=reason)
