"""Transfer checklists: `kb checklist new|list|show|set|export`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .group import _open, cli


def _stored_checklist(kb, checklist_id: str):
    found = kb.store.checklist(checklist_id)
    if found is None:
        raise click.ClickException(f"No checklist {checklist_id} (see `kb checklist list`).")
    return found


@cli.group()
def checklist() -> None:
    """Transfer checklists: adapt a practice to another city, step by step (also in the web UI)."""


@checklist.command(name="new")
@click.argument("practice_id")
@click.option("--city", required=True, help="The target city.")
@click.option("--country", default="", help="Its country (ISO code: PL, UA, ...).")
@click.option("--population", type=int, default=0, help="Its population (default: looked up in GeoNames).")
@click.option("--department", default="", help="The department that owns the transfer.")
@click.option("--lang", type=click.Choice(["pl", "uk", "en"]), default="en", show_default=True,
              help="Language of the checklist template.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def checklist_new(ctx: click.Context, practice_id: str, city: str, country: str, population: int, department: str,
                  lang: str, as_json: bool) -> None:
    """Start a checklist for PRACTICE_ID and a target city; prints its id."""
    from ..checklist import new_checklist

    kb = _open(ctx)
    practice = kb.get(practice_id)
    if practice is None:
        raise click.ClickException(f"No practice with id {practice_id} (see `kb list`).")
    try:
        item = new_checklist(practice, city, country, population, department, lang)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    kb.store.save_checklist(item)
    if as_json:
        click.echo(json.dumps(item.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{item.id}  {practice.title} → {item.city}")
    for key, state in item.items.items():
        if state.flag:
            click.echo(f"  flagged: {key} ({state.flag})")
    click.echo(f"Edit: /checklists/{item.id}   Share (read-only): /shared/{item.share_token}")


@checklist.command(name="list")
@click.option("--practice", "practice_id", default="", help="Only the checklists of this practice.")
@click.pass_context
def checklist_list(ctx: click.Context, practice_id: str) -> None:
    """Every checklist, newest first, with its progress."""
    kb = _open(ctx)
    for item in kb.store.checklists(practice_id=practice_id):
        settled, total = item.progress()
        flags = f"  red flags: {', '.join(item.red_flags())}" if item.red_flags() else ""
        click.echo(f"{item.id}  {item.practice_id} → {item.city}  {settled}/{total}  {item.updated_at}{flags}")


@checklist.command(name="show")
@click.argument("checklist_id")
@click.option("--json", "as_json", is_flag=True, help="Every item's state, the plan and the pre-filled sentences.")
@click.pass_context
def checklist_show(ctx: click.Context, checklist_id: str, as_json: bool) -> None:
    """A checklist's items, step by step."""
    from dataclasses import asdict

    from ..checklist import STEPS, prefill

    kb = _open(ctx)
    item = _stored_checklist(kb, checklist_id)
    practice = kb.get(item.practice_id)
    hints = prefill(practice) if practice else []
    if as_json:
        data = item.to_dict()
        data["prefill"] = [asdict(h) for h in hints]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    settled, total = item.progress()
    click.echo(f"{practice.title if practice else item.practice_id} → {item.city}  ({settled}/{total})")
    for number, step in enumerate(STEPS, 1):
        click.echo(f"\n{number}. {step.title[item.lang]}")
        for entry in step.items:
            state = item.items.get(entry.key)
            status = state.status if state and state.status else "-"
            extra = " ".join(x for x in (state.flag if state else "", state.note if state else "") if x)
            click.echo(f"   [{status:^12}] {entry.key:16} {entry.label[item.lang]}  {extra}".rstrip())


@checklist.command(name="set")
@click.argument("checklist_id")
@click.argument("item")
@click.option("--status", help="task: open, in progress, done, not applicable; context: unknown, similar, different.")
@click.option("--note")
@click.option("--owner")
@click.option("--due", help="YYYY-MM-DD")
@click.option("--core/--no-core", default=None, help="Context items: a core component depends on it.")
@click.pass_context
def checklist_set(ctx: click.Context, checklist_id: str, item: str, status: str | None, note: str | None,
                  owner: str | None, due: str | None, core: bool | None) -> None:
    """Update one ITEM of a checklist (its key, as `kb checklist show` lists them)."""
    from ..checklist import update_item

    kb = _open(ctx)
    found = _stored_checklist(kb, checklist_id)
    try:
        update_item(found, item, status=status, note=note, owner=owner, due=due, core=core)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    kb.store.save_checklist(found)
    settled, total = found.progress()
    click.echo(f"{item} saved; {settled}/{total} settled" + (f"; red flags: {', '.join(found.red_flags())}"
                                                              if found.red_flags() else ""))


@checklist.command(name="export")
@click.argument("checklist_id")
@click.option("-f", "--format", "fmt", type=click.Choice(["docx", "pdf"]), default="pdf", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def checklist_export(ctx: click.Context, checklist_id: str, fmt: str, output: Path) -> None:
    """The checklist and its draft transfer plan (actions, timeframe, players, costs, funding) as DOCX or PDF."""
    from ..checklist import orphan, prefill
    from ..export.checklist import export_checklist

    kb = _open(ctx)
    found = _stored_checklist(kb, checklist_id)
    practice = kb.get(found.practice_id) or orphan(found)
    output.write_bytes(export_checklist(found, practice, prefill(practice), fmt))
    click.echo(f"Wrote {output}", err=True)
