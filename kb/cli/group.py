"""The `kb` group and what its commands share: settings, the knowledge base, progress bars, catching up."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from ..config import Settings
from ..index import IndexNotReady

STATUS_MARK = {"added": "+", "updated": "~", "unchanged": "=", "failed": "✗"}


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _open(ctx: click.Context):
    from ..knowledge import KnowledgeBase

    if "kb" not in ctx.obj:
        ctx.obj["kb"] = KnowledgeBase(_settings(ctx))
        ctx.call_on_close(ctx.obj["kb"].close)
    return ctx.obj["kb"]


def _progress(total: int, unit: str, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, disable=None, leave=False, dynamic_ncols=True)


@click.group()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="KB_DATA_DIR",
              help="Where the store and the index live (default ./kb-data).")
@click.option("--model", envvar="KB_MODEL",
              help="Embedding model: e5-small (bundled, default), or a sentence-transformers name or folder.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), envvar="KB_CONFIG",
              help="A TOML file with a [kb] table (default ./kb.toml when present).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="urban-practices-kb")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, model: str | None, config_file: Path | None, verbose: int) -> None:
    """A knowledge base of urban good practices: ingest documents, search them in any language."""
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env(config_file=config_file).with_values(data_dir=data_dir, model=model)
    except (ValueError, OSError) as exc:
        raise click.UsageError(f"Configuration: {exc}") from exc
    ctx.obj = {"settings": settings}


def _catch_up(kb) -> None:
    """Heal an index left behind the store by a crash (a killed ingest), saying so."""
    if not kb.store.count():
        return
    try:
        repair = kb.catch_up()
    except IndexNotReady:  # another model's index: the command says what to run when it needs the index
        return
    if repair.added or repair.removed:
        click.echo(f"The search index was behind the store (an interrupted run?): {repair.added} passages "
                   f"added, {repair.removed} removed.", err=True)


def main() -> None:  # pragma: no cover
    cli(prog_name="kb")
