"""The index and the store's figures: `kb index`, `kb stats`."""
from __future__ import annotations

import json

import click

from ..index import IndexNotReady
from .group import _open, _progress, cli


@cli.command()
@click.option("--if-needed", is_flag=True, help="Only when the index is missing, stale or built by another model.")
@click.pass_context
def index(ctx: click.Context, if_needed: bool) -> None:
    """Re-embed every stored practice into a fresh search index."""
    kb = _open(ctx)
    if if_needed and kb.index_is_current():
        click.echo("The search index is up to date.", err=True)
        return
    with _progress(len(kb.store.passage_ids()), "passage", "Embedding") as bar:
        count = kb.reindex(progress=bar.update)
    click.echo(f"Indexed {count} passages of {kb.store.count()} practices with {kb.embedder.model_id}.", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, practices and passages, by language, country and status."""
    kb = _open(ctx)
    data = kb.store.stats()
    try:
        index = kb.index()
        m = index.manifest
        data["index"] = {"model": m.model_id, "dimension": m.dimension, "vectors": index.count, "debias": m.debias,
                         "type": m.index_type, "nprobe": m.nprobe, "built_at": m.built_at,
                         "current": kb.index_is_current()}
    except IndexNotReady as exc:
        data["index"] = {"error": str(exc)}
    data["data_dir"] = str(kb.settings.data_dir)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        click.echo(f"{key:15} {value}")
