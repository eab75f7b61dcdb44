"""The web UI: `kb serve`; the jobs it runs in the background, also on their own: `kb worker`."""
from __future__ import annotations

import os

import click

from .group import _catch_up, _open, _settings, cli


@cli.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1: this machine only).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--debug", is_flag=True, help="Flask's development server with reloading; never in production.")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, debug: bool) -> None:
    """Serve the web UI."""
    from web.app import ConfigurationError, create_app

    settings = _settings(ctx).with_values(host=host, port=port)
    try:
        app = create_app(settings)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.secure_cookies:
        click.echo("Warning: serving beyond this machine without HTTPS; put it behind a TLS proxy and set "
                   "KB_SECURE_COOKIES=1 so that advisors' sessions travel encrypted.", err=True)
    if not app.extensions["kb"].store.users():
        click.echo("No accounts yet: visitors can search and read; create an advisor or admin with "
                   "`kb user add NAME --role admin` to review, edit and upload.", err=True)
    click.echo("Loading the model and the index…", err=True)
    _catch_up(app.extensions["kb"])
    app.extensions["kb"].warm_up()
    from web.upload import resume, watch

    # With --debug, Flask's reloader runs this command twice (a watcher and the server): the server resumes.
    resumable = not debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    for job in resume(app) if resumable else []:
        click.echo(f"Finishing an upload that waited or that a stop interrupted ({len(job.names)} files, by "
                   f"{job.owner}).", err=True)
    if resumable:
        watch(app)  # uploads another instance left behind (a stop mid-upload) are taken over while this one runs
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


@cli.command()
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then stop (default: keep looking).")
@click.pass_context
def worker(ctx: click.Context, once: bool) -> None:
    """Run uploads waiting in the store (or left by a stopped instance), beside or instead of kb serve."""
    from ingest import jobs

    kb = _open(ctx)
    _catch_up(kb)

    def report(job) -> None:
        failed = sum(1 for r in job.results if r.status == "failed")
        click.echo(f"{job.id}: {job.state}, {len(job.results)} files read ({failed} failed), by {job.owner}"
                   + (f": {job.error}" if job.error else ""))

    if not once:
        click.echo("Waiting for uploads (Ctrl+C to stop)…", err=True)
    ran = jobs.work(kb, once=once, on_job=report)
    click.echo(f"{ran} jobs run.", err=True)
