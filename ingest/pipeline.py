"""Ingest files and folders: extract, segment, enrich, store and index; a bad file never stops the batch."""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path

from kb.config import Settings
from kb.knowledge import KnowledgeBase
from kb.models import Practice, practice_id
from kb.store import DocumentRecord

from . import docx, pdf, text
from .blocks import Extracted, ExtractionError
from .enrich import to_practice
from .reports import about_one_initiative, split_report
from .screen import is_practice
from .segment import Draft, document_title, segment

logger = logging.getLogger(__name__)

SUPPORTED = {".docx": "docx", ".pdf": "pdf", ".txt": "text", ".md": "text", ".html": "text", ".htm": "text",
             ".mhtml": "text", ".mht": "text"}


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


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract(path: Path, settings: Settings) -> Extracted:
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("the file is empty (0 bytes)")
    if size > settings.max_file_mb * 2**20:
        raise ExtractionError(
            f"the file is {size / 2**20:.0f} MB, over the {settings.max_file_mb:g} MB limit (setting max_file_mb)"
        )
    kind = SUPPORTED[path.suffix.lower()]
    if kind == "docx":
        return docx.extract(path)
    if kind == "pdf":
        return pdf.extract(path, max_pages=settings.max_pages, max_ocr_pages=settings.max_ocr_pages)
    return text.extract(path)


def read_practices(path: Path, settings: Settings, digest: str) -> tuple[list[Practice], int]:
    """Extract, segment and enrich one file; raises ExtractionError with a reason a user can act on."""
    extracted = extract(path, settings)
    if not any(b.text.strip() for b in extracted.blocks):
        raise ExtractionError("no text found in the file")
    drafts = segment(extracted)
    if len(drafts) == 1:  # a news item or an event report may present several practices by name
        drafts = split_report(drafts[0])
    document = str(path.resolve())
    doc_title = document_title(extracted)
    found = [
        to_practice(d, document=document, given_path=str(path), checksum=digest, ordinal=n, doc_title=doc_title,
                    ocr_confidence=extracted.ocr_confidence if _read_by_ocr(d, extracted) else None)
        for n, d in enumerate(drafts, start=1)
    ]
    if about_one_initiative(found, drafts, extracted.pages, doc_title):
        whole = Draft(title=doc_title, blocks=[b for d in drafts for b in d.blocks], context=[])
        found = [to_practice(whole, document=document, given_path=str(path), checksum=digest, ordinal=1,
                             doc_title=doc_title, ocr_confidence=extracted.ocr_confidence if extracted.ocr_pages else None)]
        drafts = [whole]
    # A law, a form or an announcement holds no practice: the document is then stored without any.
    kept = [p for p, d in zip(found, drafts) if is_practice(p, d.table_share, listed=bool(d.meta.get("from_table")))]
    practices = [_numbered(p, document, n) for n, p in enumerate(kept, start=1)]
    return practices, extracted.pages


def _numbered(practice: Practice, document: str, ordinal: int) -> Practice:
    """The practice as the `ordinal`-th of its document (records screened out leave no gaps)."""
    if practice.source.ordinal == ordinal:
        return practice
    return replace(practice, id=practice_id(document, ordinal), source=replace(practice.source, ordinal=ordinal))


def _read_by_ocr(draft, extracted: Extracted) -> bool:
    first, last = draft.pages
    return bool(first) and any(first <= page <= last for page in extracted.ocr_pages)


def _read_safely(args: tuple[Path, Settings, str]) -> tuple[list[Practice], int] | ExtractionError:
    path, settings, digest = args
    try:
        return read_practices(path, settings, digest)
    except ExtractionError as exc:
        return exc
    except MemoryError:
        return ExtractionError("the file is too large to process in memory")
    except Exception as exc:  # a parser bug on a strange file must not end the batch
        logger.debug("Unexpected error reading %s", path, exc_info=True)
        return ExtractionError(f"unexpected error while reading ({type(exc).__name__}: {exc})")


def _extracted(jobs: list[tuple[Path, Settings, str]], workers: int) -> Iterator:
    if workers > 1 and len(jobs) > 2:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_read_safely, jobs)
    else:
        yield from map(_read_safely, jobs)


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
    jobs = []
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
        jobs.append((path, kb.settings, digest))
    started = time.perf_counter()
    for (path, _, digest), outcome in zip(jobs, _extracted(jobs, workers)):
        if isinstance(outcome, ExtractionError):
            result = FileResult(str(path), "failed", error=str(outcome))
        else:
            practices, pages = outcome
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
