"""The `kb` command line: the one place that composes kb, ingest and web."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from .config import Settings
from .index import IndexNotReady
from .models import Stage

STATUS_MARK = {"added": "+", "updated": "~", "unchanged": "=", "failed": "✗"}


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _open(ctx: click.Context):
    from .knowledge import KnowledgeBase

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
        from .curation import set_status
        from .models import Status

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
    from .search import search_index
    from .themes import BY_ID

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
    from .export import export as render
    from .export import filename

    kb = _open(ctx)
    if sum(bool(x) for x in (ids, query, everything)) != 1:
        raise click.UsageError("Give practice IDS, or --query TEXT, or --all (one of them).")
    if everything:
        practices = kb.store.list()
    elif query:
        from .search import search_index

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
    from .checklist import new_checklist

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

    from .checklist import STEPS, prefill

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
    from .checklist import update_item

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
    from .checklist import orphan, prefill
    from .export.checklist import export_checklist

    kb = _open(ctx)
    found = _stored_checklist(kb, checklist_id)
    practice = kb.get(found.practice_id) or orphan(found)
    output.write_bytes(export_checklist(found, practice, prefill(practice), fmt))
    click.echo(f"Wrote {output}", err=True)


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

    from .curation import CurationError, set_status
    from .models import Status

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


@cli.group()
def user() -> None:
    """Advisors' and admins' accounts for the web UI (there is no default account)."""


def _password(confirm: bool = True) -> str:
    """A password from KB_PASSWORD (scripts) or asked without echo."""
    return os.environ.get("KB_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


def _accounts(action, *args) -> None:
    """An account change made at the command line, recorded in the audit trail as the system user's."""
    import getpass

    from .accounts import AccountError

    try:
        action(*args, actor=f"{getpass.getuser()} (kb user)")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@user.command(name="add")
@click.argument("username")
@click.option("--role", type=click.Choice(["advisor", "admin"]), default="advisor", show_default=True)
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str) -> None:
    """Create an account; the password is asked (or read from KB_PASSWORD)."""
    from .accounts import add_user

    _accounts(add_user, _open(ctx).store, username, _password(), role)
    click.echo(f"User {username} ({role}) created.")


@user.command(name="passwd")
@click.argument("username")
@click.pass_context
def user_passwd(ctx: click.Context, username: str) -> None:
    """Set a new password (the user's other sessions end)."""
    from .accounts import set_password

    _accounts(set_password, _open(ctx).store, username, _password())
    click.echo(f"Password of {username} changed.")


@user.command(name="role")
@click.argument("username")
@click.argument("role", type=click.Choice(["advisor", "admin"]))
@click.pass_context
def user_role(ctx: click.Context, username: str, role: str) -> None:
    """Make a user an advisor or an admin."""
    from .accounts import set_role

    _accounts(set_role, _open(ctx).store, username, role)
    click.echo(f"{username} is now {role}.")


@user.command(name="remove")
@click.argument("username")
@click.pass_context
def user_remove(ctx: click.Context, username: str) -> None:
    """Delete an account (its changes stay in the audit trail)."""
    from .accounts import remove_user

    _accounts(remove_user, _open(ctx).store, username)
    click.echo(f"User {username} removed.")


@user.command(name="list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    from .accounts import users

    for u in users(_open(ctx).store):
        click.echo(f"{u.username:24} {u.role:8} created {u.created_at}  last login {u.last_login or '-'}")


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
        m = kb.index().manifest
        data["index"] = {"model": m.model_id, "dimension": m.dimension, "vectors": m.count, "debias": m.debias,
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


@cli.command(name="eval")
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_(ctx: click.Context, qrels: Path, as_json: bool) -> None:
    """Score retrieval on judged queries (JSONL): the lexical leg, plain cosine, de-biasing methods and the hybrid,
    per language pair and per half (tuning / held-out), with the good-match cut-off."""
    from .evaluate import evaluate, evaluate_cutoff, load_qrels

    kb = _open(ctx)
    practices = kb.store.list()
    try:
        judged = load_qrels(qrels, practices)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    with _progress(len(kb.store.passage_ids()), "passage", "Embedding") as bar:
        runs = kb.evaluation_runs(progress=bar.update)
    default = lambda q: [(h.practice.id, h.match == "good") for h in kb.search(q, k=10)]  # noqa: E731
    halves = judged.splits or [""]
    results = {half or "all": {"variants": {name: evaluate(judged, ranker, half) for name, ranker in runs},
                               "cutoff": evaluate_cutoff(judged, default, half)} for half in halves}
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    click.echo(f"{len(judged.judged)} queries over {len(practices)} practices, model {kb.embedder.model_id}")
    if judged.unstored:
        click.echo(f"{len(judged.unstored)} judged texts are not in the knowledge base (ingest found no practice in "
                   f"them), counted as misses: {', '.join(sorted(judged.unstored))}")
    for half, result in results.items():
        _print_half(half, len(judged.half("" if half == "all" else half)), result)


def _print_half(half: str, queries: int, result: dict) -> None:
    variants = result["variants"]
    names = list(variants)
    title = {"tune": "tuning half", "held-out": "held-out half (no choice was made on it)"}.get(half, half)
    click.echo(f"\n== {title}: {queries} queries ==")
    click.echo("nDCG@10 for each variant (lexical alone, then dense ones adding one thing each); for the default "
               "also recall@5, recall@10, MRR@10 and each pair's share of the ideal ranking's score.\n")
    width = max(len(n) for n in names) + 2
    click.echo(f"{'pair':8}{'n':>4}" + "".join(f"{n:>{width}}" for n in names)
               + f"{'R@5':>7}{'R@10':>7}{'MRR':>7}{'share':>7}")
    for key in ["all"] + sorted(k for k in variants[names[-1]] if k not in ("all", "favouritism")):
        row = [variants[n].get(key, {}) for n in names]
        last = row[-1]
        share = f"{last['share']:>7.2f}" if "share" in last else " " * 7
        click.echo(f"{key:8}{int(last.get('queries', 0)):>4}" + "".join(f"{r.get('ndcg@10', 0):>{width}.3f}" for r in row)
                   + f"{last.get('recall@5', 0):>7.3f}{last.get('recall@10', 0):>7.3f}{last.get('mrr@10', 0):>7.3f}"
                   + share)
    fav = variants[names[-1]].get("favouritism")
    if fav:
        click.echo(f"\nlanguage favouritism (mean same-language share minus mean cross-language share): "
                   f"{fav['difference']:+.3f} ({fav['same']:.3f} - {fav['cross']:.3f})")
    cut = result["cutoff"]
    if cut["nonsense"]:
        click.echo(f"cut-off: {cut['no_good_match']:.0%} of {cut['nonsense']} nonsense or off-topic queries get "
                   "no good match")
    if cut["judged"]:
        click.echo(f"cut-off: {cut['lost_answer']:.1%} of {cut['judged']} judged queries have an answer (grade 2) "
                   f"in the first 10 below it; {cut['good_shown']:.1f} good matches shown on average")


@cli.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1: this machine only).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--debug", is_flag=True, help="Flask's development server with reloading; never in production.")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, debug: bool) -> None:
    """Serve the web UI."""
    from web.app import create_app

    settings = _settings(ctx).with_values(host=host, port=port)
    app = create_app(settings)
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.secure_cookies:
        click.echo("Warning: serving beyond this machine without HTTPS; put it behind a TLS proxy and set "
                   "KB_SECURE_COOKIES=1 so that advisors' sessions travel encrypted.", err=True)
    if not app.extensions["kb"].store.users():
        click.echo("No accounts yet: visitors can search and read; create an advisor or admin with "
                   "`kb user add NAME --role admin` to review, edit and upload.", err=True)
    click.echo("Loading the model and the index…", err=True)
    _catch_up(app.extensions["kb"])
    app.extensions["kb"].warm_up()
    from web.upload import resume

    # With --debug, Flask's reloader runs this command twice (a watcher and the server): the server resumes.
    resumable = not debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    for job in resume(app) if resumable else []:
        click.echo(f"Finishing an upload that a stop interrupted ({len(job.names)} files, by {job.owner}).", err=True)
    click.echo(f"Serving the knowledge base at http://{settings.host}:{settings.port}/ (Ctrl+C to stop)", err=True)
    if debug:
        app.run(host=settings.host, port=settings.port, debug=True)
        return
    from waitress import serve as waitress_serve

    # Waitress refuses a body over the upload limit from its Content-Length, before receiving it. It has threads
    # for every search the gate admits (running or waiting) and 8 more, so a full gate answers 503 at once and
    # pages that do not search are still served.
    threads = app.extensions["search_gate"].capacity + 8
    waitress_serve(app, host=settings.host, port=settings.port, threads=threads, _quiet=True,
                   max_request_body_size=app.config["MAX_CONTENT_LENGTH"])


def _catch_up(kb) -> None:
    """Heal an index left behind the store by a crash (a killed ingest), saying so."""
    from .index import IndexNotReady

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
