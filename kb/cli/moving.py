"""Moving a knowledge base: `kb migrate` (SQLite into PostgreSQL), `kb backup` and `kb restore` (SQLite)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import click

from .group import _open, _progress, _settings, cli


@cli.command()
@click.option("--to", "url", required=True, metavar="URL", help="The PostgreSQL database (postgresql://…).")
@click.option("--schema", default="", help="The schema to create the tables in (default the connection's).")
@click.pass_context
def migrate(ctx: click.Context, url: str, schema: str) -> None:
    """Copy this SQLite knowledge base into PostgreSQL, then check that it holds the same and finds the same.

    Every table comes along (documents, practices, passages, versions, accounts, the audit trail, collections,
    checklists, upload jobs); the passages' vectors are made again by the model, into the database."""
    from ..knowledge import KnowledgeBase
    from ..search import search_index
    from ..store.moving import NotEmpty, copy_tables, table_counts

    settings = _settings(ctx)
    if settings.database_url:
        raise click.UsageError("This knowledge base is already in PostgreSQL (KB_DATABASE_URL is set).")
    source = _open(ctx)
    if not settings.database.exists():
        raise click.UsageError(f"No knowledge base in {settings.data_dir}: nothing to migrate.")
    target = KnowledgeBase(settings.with_values(database_url=url, database_schema=schema), embedder=source.embedder)
    ctx.call_on_close(target.close)
    try:
        copied = copy_tables(source.store, target.store)
    except NotEmpty as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Copied: " + ", ".join(f"{n} {table}" for table, n in copied.items()), err=True)
    with _progress(len(target.store.passage_ids()), "passage", "Embedding") as bar:
        target.catch_up(progress=bar.update)  # the vectors: the database holds them, made by the same model
    same_counts = table_counts(source.store) == table_counts(target.store)
    queries = [p.title for p in source.store.list()[:50]]
    differ = [q for q in queries if [h.practice.id for h in search_index(source, q, k=10)]
              != [h.practice.id for h in search_index(target, q, k=10)]]
    click.echo(f"Counts {'match' if same_counts else 'DIFFER'}: "
               + ", ".join(f"{table} {n}" for table, n in table_counts(target.store).items()))
    click.echo(f"{len(queries) - len(differ)} of {len(queries)} searches (each practice's title) return the same "
               "results" + (f"; different: {', '.join(differ[:5])}" if differ else ""))
    if not same_counts or differ:
        ctx.exit(1)
    click.echo(f"Done. Serve it with KB_DATABASE_URL={url}" + (f" KB_DATABASE_SCHEMA={schema}" if schema else ""))


def _sqlite_only(ctx: click.Context) -> Path:
    settings = _settings(ctx)
    if settings.database_url:
        raise click.UsageError("The knowledge base is in PostgreSQL: back it up with pg_dump "
                               "(pg_dump -Fc -n SCHEMA DATABASE > kb.dump) and restore with pg_restore.")
    return settings.database


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, folder: Path) -> None:
    """Copy the knowledge base (the store, while in use, and the search index) into FOLDER."""
    from ..store.moving import backup_sqlite

    database = _sqlite_only(ctx)
    if not database.exists():
        raise click.UsageError(f"No knowledge base in {database.parent}.")
    kb = _open(ctx)
    with kb._index_file_lock():  # the index as it is now, not half saved by an ingest beside us
        backup_sqlite(database, folder / database.name)
        index = folder / "index"
        shutil.rmtree(index, ignore_errors=True)
        if kb.settings.index_dir.is_dir():
            shutil.copytree(kb.settings.index_dir, index, ignore=shutil.ignore_patterns(".lock", "*.tmp"))
    click.echo(f"Backed up {kb.store.count()} practices to {folder}")


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, folder: Path) -> None:
    """Put a backup made by `kb backup` in place of this knowledge base (its store and search index)."""
    from ..store.moving import restore_sqlite

    database = _sqlite_only(ctx)
    if not (folder / database.name).is_file():
        raise click.UsageError(f"{folder} holds no backup ({database.name} is missing).")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        restore_sqlite(folder / database.name, database)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    kb = _open(ctx)
    with kb._index_file_lock():
        if (folder / "index").is_dir():
            shutil.rmtree(kb.settings.index_dir, ignore_errors=True)
            shutil.copytree(folder / "index", kb.settings.index_dir)
    repair = kb.catch_up()  # an index older or newer than the store is brought to it
    click.echo(f"Restored {kb.store.count()} practices from {folder}"
               + (f" (index: {repair.added} passages added, {repair.removed} removed)" if repair.added or repair.removed
                  else ""))
