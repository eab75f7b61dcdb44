"""Listing and approving practices: `kb list`, `kb approve`."""
from __future__ import annotations

import json

import click

from .group import _open, cli


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print every field as JSON.")
@click.option("--lang", help="Only practices in this language.")
@click.option("--status", type=click.Choice(["approved", "draft", "rejected"]), help="Only practices with this status.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool, lang: str | None, status: str | None) -> None:
    """List stored practices (with --json: every field, body text included)."""
    practices = _open(ctx).store.list(language=lang, status=status)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in practices], ensure_ascii=False, indent=2))
        return
    for p in practices:
        group = f"  ≡ {p.group_id}" if p.group_id else ""
        click.echo(f"{p.id}  [{p.language}] {p.title}  ({p.city or '-'}, {p.country or '-'})  {p.source.key}{group}"
                   f"  {p.status}")


@cli.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every practice waiting in the review queue.")
@click.option("--reject", is_flag=True, help="Reject instead of approving.")
@click.option("--as", "actor", default="", help="Whose decision, for the audit trail (default: the system user).")
@click.pass_context
def approve(ctx: click.Context, ids: tuple[str, ...], everything: bool, reject: bool, actor: str) -> None:
    """Approve (or --reject) practices: visitors of the web UI see approved practices only."""
    import getpass

    from ..curation import CurationError, set_status
    from ..models import Status

    kb = _open(ctx)
    if everything:
        ids = tuple(p.id for p in kb.store.review_queue(limit=-1)[0] if p.status != Status.REJECTED)
    if not ids:
        raise click.UsageError("Give practice ids (see `kb list --status draft`) or --all.")
    actor = actor or f"{getpass.getuser()} (kb approve)"
    for pid in ids:
        try:
            set_status(kb, pid, Status.REJECTED if reject else Status.APPROVED, actor=actor)
        except CurationError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{len(ids)} practice{'s' if len(ids) != 1 else ''} {'rejected' if reject else 'approved'}.")
