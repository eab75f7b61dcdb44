"""Ingest files and folders: extract, segment, enrich, store and index; a bad file never stops the batch."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from kb.knowledge import KnowledgeBase
from kb.places import gazetteer
from kb.store import DocumentRecord

from .blocks import ExtractionError
from .read import SUPPORTED, extract, read_practices
from .worker import Job, read_files

__all__ = ["SUPPORTED", "FileResult", "IngestReport", "checksum", "collect", "extract", "ingest_paths",
           "read_practices"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class FileResult:
    path: str
    status: str  # added | updated | unchanged | failed
    practices: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # curated practices no longer in the file, kept for review
    linked: list[tuple[str, str, float]] = field(default_factory=list)  # versions found in other files
    error: str = ""
    refused: bool = False  # the reader refused the file (not a failure to store it)
    pages: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, what: str) -> int:
        return sum(len(getattr(f, what)) for f in self.files)

    @property
    def linked(self) -> list[tuple[str, str, float]]:
        return [pair for f in self.files for pair in f.linked]


def collect(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders walked, sorted), and results for paths that cannot be ingested at all."""
    files: list[Path] = []
    problems: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            ignored = _ignore_patterns(path)
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not _is_ignored(p.relative_to(path).as_posix(), ignored)
            )
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED:
                files.append(path)
            else:
                problems.append(FileResult(str(path), "failed", error=(
                    f"unsupported file type {path.suffix or '(none)'}; supported: {', '.join(sorted(SUPPORTED))}")))
        else:
            problems.append(FileResult(str(path), "failed", error="no such file or folder"))
    return files, problems


IGNORE_FILE = ".kbignore"


def _ignore_patterns(folder: Path) -> list[str]:
    """Glob patterns from the folder's .kbignore (one a line, '#' comments; 'name/' ignores a folder)."""
    file = folder / IGNORE_FILE
    if not file.is_file():
        return []
    lines = (ln.strip() for ln in file.read_text(encoding="utf-8").splitlines())
    return [ln for ln in lines if ln and not ln.startswith("#")]


def _is_ignored(relative: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        if pattern.endswith("/"):
            if relative.startswith(pattern) or fnmatch(relative, pattern + "*"):
                return True
        elif fnmatch(relative, pattern) or fnmatch(relative.rsplit("/", 1)[-1], pattern):
            return True
    return False


def checksum_bytes(content: bytes) -> str:
    """The SHA-256 of a file's bytes, as `checksum` gives it of the file."""
    return hashlib.sha256(content).hexdigest()


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest_paths(
    kb: KnowledgeBase,
    paths: Iterable[str | Path],
    on_file: Callable[[FileResult], None] | None = None,
    on_passages: Callable[[int], None] | None = None,
    workers: int = 2,
) -> IngestReport:
    """Ingest files and folders into the knowledge base; unchanged files (same checksum) are skipped."""
    files, problems = collect(paths)
    report = IngestReport(files=list(problems))
    for result in problems:
        on_file and on_file(result)
    jobs: list[Job] = []
    for path in files:
        try:
            digest = checksum(path)
        except OSError as exc:
            result = FileResult(str(path), "failed", error=f"cannot read the file ({exc.strerror or exc})")
            report.files.append(result)
            on_file and on_file(result)
            continue
        stored = kb.store.document(str(path.resolve()))
        if stored and stored.checksum == digest:
            result = FileResult(str(path), "unchanged", practices=len(kb.store.content_hashes(stored.path)))
            report.files.append(result)
            on_file and on_file(result)
            continue
        jobs.append(Job(path, kb.settings, digest))
    if jobs:  # the gazetteer, for the query place names built at the end, loads while the workers read
        threading.Thread(target=gazetteer, daemon=True, name="load-gazetteer").start()
    started = time.perf_counter()
    for job, outcome in zip(jobs, read_files(jobs, workers)):
        path, digest = job.path, job.digest
        if isinstance(outcome, ExtractionError):
            result = FileResult(str(path), "failed", error=str(outcome), refused=True)
        else:
            practices, pages = outcome.practices, outcome.pages
            record = DocumentRecord(str(path.resolve()), str(path), digest, path.stat().st_size)
            try:
                changes = kb.save_document(record, practices, progress=on_passages)
            except Exception as exc:
                logger.debug("Could not store %s", path, exc_info=True)
                result = FileResult(str(path), "failed", error=f"could not be stored ({type(exc).__name__}: {exc})")
            else:
                status = "updated" if _was_stored_before(changes) else "added"
                result = FileResult(str(path), status, practices=len(practices), added=changes.added,
                                    updated=changes.updated, removed=changes.removed, kept=changes.kept,
                                    linked=changes.linked,
                                    pages=pages)
        result.seconds = time.perf_counter() - started
        started = time.perf_counter()
        report.files.append(result)
        on_file and on_file(result)
    if any(f.status in ("added", "updated") for f in report.files):
        kb.query_places()  # the gazetteer is loaded here already: a later search in a fresh process needs not
    return report


def _was_stored_before(changes) -> bool:
    """True when the document was stored before (something in it was updated, kept or removed)."""
    return bool(changes.updated or changes.unchanged or changes.removed or changes.kept)
