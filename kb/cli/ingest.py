"""Ingesting documents: `kb ingest`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .group import STATUS_MARK, _catch_up, _open, _progress, cli


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workers", default=2, show_default=True, help="Processes extracting files in parallel.")
@click.option("--approve", is_flag=True,
              help="Approve these files' draft practices at once (a vetted source): web visitors see approved "
                   "practices only.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], workers: int, approve: bool) -> None:
    """Ingest DOCX, PDF, TXT/MD/HTML files and folders; unchanged files are skipped.

    New practices wait in the advisors' review queue as drafts unless --approve is given."""
    from ingest.pipeline import collect, ingest_paths

    kb = _open(ctx)
    _catch_up(kb)
    files, _ = collect(paths)
    bar = _progress(len(files), "file", "Ingesting")
    passages = _progress(None, "passage", "Embedding")

    practices = 0

    def on_file(result) -> None:
        nonlocal practices
        practices += result.practices if result.status != "failed" else 0
        if Path(result.path) in files:
            bar.update(1)
        bar.set_postfix_str(f"{practices} practices · {Path(result.path).name[-30:]}")
        tqdm_write(f"{STATUS_MARK[result.status]} {result.status:9} {result.path}" + (
            f": {result.error}" if result.error else f"  ({_describe(result)})"))

    with bar, passages:
        report = ingest_paths(kb, paths, on_file=on_file, on_passages=passages.update, workers=workers)
    if approve:  # the drafts from these files, new or stored before; rejected practices stay rejected
        from ..curation import set_status
        from ..models import Status

        for f in report.files:
            if f.status != "failed":
                for pid in kb.store.content_hashes(str(Path(f.path).resolve())):
                    if kb.store.get(pid).status == Status.DRAFT:
                        set_status(kb, pid, Status.APPROVED, actor="kb ingest --approve")
    failed = report.failed
    n = len(report.files)
    click.echo(
        f"{n} file{'s' if n != 1 else ''}: {sum(f.status in ('added', 'updated') for f in report.files)} stored, "
        f"{sum(f.status == 'unchanged' for f in report.files)} unchanged, {len(failed)} failed. "
        f"Practices: {report.count('added')} new, {report.count('updated')} updated, {report.count('removed')} removed; "
        f"{kb.store.count()} in the knowledge base."
        + (f" {len(linked)} linked as versions of one practice (see `kb list`)." if (linked := report.linked) else "")
    )
    if failed:
        raise SystemExit(1)


def tqdm_write(line: str) -> None:
    """A result line on stdout that does not break the progress bars on stderr."""
    from tqdm import tqdm

    tqdm.write(line, file=sys.stdout)


def _describe(result) -> str:
    if not result.practices and not result.removed and not result.kept:
        return "no practice found (a law, a survey, an announcement…?); stored as a document without practices"
    parts = [f"{result.practices} practice{'s' if result.practices != 1 else ''}"]
    if result.added and result.status == "updated":
        parts.append(f"{len(result.added)} new")
    if result.updated:
        parts.append(f"{len(result.updated)} updated")
    if result.removed:
        parts.append(f"{len(result.removed)} removed: {', '.join(result.removed)}")
    if result.kept:
        parts.append(f"{len(result.kept)} no longer in the file but kept for review (an advisor had edited or "
                     f"approved them): {', '.join(result.kept)}")
    if result.linked:
        parts.append(f"{len(result.linked)} linked as a version of a practice from another file")
    return ", ".join(parts)
