"""Searching from the command line: `kb search`."""
from __future__ import annotations

import json

import click

from ..index import IndexNotReady
from ..models import Stage
from .group import _open, cli


@cli.command()
@click.argument("query", required=False)
@click.option("-k", "limit", default=10, show_default=True, help="How many practices to return.")
@click.option("--lang", help="Only practices in this language (ISO 639-1: pl, uk, en, ...).")
@click.option("--country", help="Only practices from this country (ISO 3166 code: PL, UA, ...).")
@click.option("--theme", help="Only practices with this theme (housing, green, participation, ...: see kb/themes.py).")
@click.option("--city", help="Only practices from this city (as `kb list` shows it: Żyrardów, Lviv, ...).")
@click.option("--status", type=click.Choice(["approved", "draft", "rejected"]), help="Only practices with this status.")
@click.option("--source", help="Only practices from this source document (its file name or path).")
@click.option("--stage", type=click.Choice([str(s) for s in Stage]),
              help="Only practices at this stage, as their text says (implemented, ongoing or planned).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--batch", type=click.File("r", encoding="utf-8"),
              help="A file with one query per line ('-' for stdin); prints one JSON line per query.")
@click.pass_context
def search(ctx: click.Context, query: str | None, limit: int, lang: str | None, country: str | None,
           theme: str | None, city: str | None, status: str | None, source: str | None, stage: str | None,
           as_json: bool, batch) -> None:
    """Find practices for a query in any language."""
    from ..search import search_index
    from ..themes import BY_ID

    kb = _open(ctx)
    if theme and theme not in BY_ID:
        raise click.BadParameter(f"unknown theme {theme!r}; themes: {', '.join(BY_ID)}", param_hint="--theme")
    filters = {"language": lang, "country": country, "theme": theme, "city": city, "status": status, "source": source,
               "stage": stage}
    if batch is None and not query:
        raise click.UsageError("Give a QUERY, or --batch FILE.")
    try:
        if batch is not None:
            for line in batch:
                if line.strip():
                    hits = search_index(kb, line.strip(), k=limit, **filters)
                    click.echo(json.dumps({"query": line.strip(), "results": [h.to_dict() for h in hits]},
                                          ensure_ascii=False))
            return
        hits = search_index(kb, query, k=limit, **filters)
    except IndexNotReady as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("No practices found." + ("" if kb.store.count() else " The knowledge base is empty: run `kb ingest PATH`."))
    if hits and all(h.match == "weak" for h in hits):
        click.echo("No practice matches well; the closest:")
    for n, hit in enumerate(hits, start=1):
        if hit.match == "weak" and n > 1 and hits[n - 2].match == "good":
            click.echo("    — weaker matches —")
        p = hit.practice
        place = ", ".join(x for x in (p.city, p.country) if x) or "place unknown"
        click.echo(f"{n:2}. [{p.language}] {p.title}  ({place}{', ' + p.stage if p.stage else ''})  score {hit.score:.3f}")
        click.echo(f"    {p.source.path} {p.source.locator and '· ' + p.source.locator}")
