"""Exports of sheets and catalogues: `kb export`."""
from __future__ import annotations

from pathlib import Path

import click

from ..index import IndexNotReady
from .group import _open, cli


@cli.command()
@click.argument("ids", nargs=-1)
@click.option("-f", "--format", "fmt", type=click.Choice(["docx", "pdf", "csv", "json"]),
              help="File format (default: from the -o file's extension, else docx).")
@click.option("--lang", "lang", type=click.Choice(["pl", "uk", "en"]), default="en", show_default=True,
              help="Language of the sheet's labels; the content stays in the practice's own language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: a file named after the practice or catalogue; '-' for stdout).")
@click.option("-q", "--query", help="Export the results of this search instead of IDS (a catalogue).")
@click.option("-k", "limit", default=20, show_default=True, help="With --query: how many results.")
@click.option("--all", "everything", is_flag=True, help="Export every stored practice.")
@click.option("--title", default="", help="The catalogue's title (default: 'Catalogue of good practices').")
@click.pass_context
def export(ctx: click.Context, ids: tuple[str, ...], fmt: str | None, lang: str, output: Path | None,
           query: str | None, limit: int, everything: bool, title: str) -> None:
    """Export practice sheets (DOCX, PDF) in the Interreg good-practice shape, or CSV/JSON.

    One ID gives one sheet; several IDs, --query or --all give a catalogue with a cover, a table of
    contents and one sheet per practice, in the order given.
    """
    from ..export import export as render
    from ..export import filename

    kb = _open(ctx)
    if sum(bool(x) for x in (ids, query, everything)) != 1:
        raise click.UsageError("Give practice IDS, or --query TEXT, or --all (one of them).")
    if everything:
        practices = kb.store.list()
    elif query:
        from ..search import search_index

        try:
            practices = [hit.practice for hit in search_index(kb, query, k=limit)]
        except IndexNotReady as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        practices, missing = [], []
        for practice_id in ids:
            practice = kb.get(practice_id)
            (practices.append(practice) if practice else missing.append(practice_id))
        if missing:
            raise click.ClickException(f"No practice with id {', '.join(missing)} (see `kb list`).")
    if not practices:
        raise click.ClickException("Nothing to export: the knowledge base holds no matching practices.")
    fmt = fmt or (output.suffix.lstrip(".").lower() if output and output.suffix.lstrip(".").lower()
                  in ("docx", "pdf", "csv", "json") else "docx")
    catalogue = len(practices) > 1 or bool(query or everything)
    data = render(practices, fmt, lang, title=title, query=query or "", catalogue=catalogue)
    if output is not None and str(output) == "-":
        with click.open_file("-", "wb") as stdout:
            stdout.write(data)
        return
    target = output or Path(filename(practices, fmt, title or query or "", catalogue=catalogue))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    what = "1 practice sheet" if not catalogue else f"a catalogue of {len(practices)} practices"
    click.echo(f"Wrote {what} to {target} ({len(data) / 1024:.0f} KiB).", err=True)
