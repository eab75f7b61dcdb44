"""Accounts of the web UI: `kb user add|passwd|role|remove|list`."""
from __future__ import annotations

import os

import click

from .group import _open, cli


@cli.group()
def user() -> None:
    """Advisors' and admins' accounts for the web UI (there is no default account)."""


def _password(confirm: bool = True) -> str:
    """A password from KB_PASSWORD (scripts) or asked without echo."""
    return os.environ.get("KB_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


def _accounts(action, *args) -> None:
    """An account change made at the command line, recorded in the audit trail as the system user's."""
    import getpass

    from ..accounts import AccountError

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
    from ..accounts import add_user

    _accounts(add_user, _open(ctx).store, username, _password(), role)
    click.echo(f"User {username} ({role}) created.")


@user.command(name="passwd")
@click.argument("username")
@click.pass_context
def user_passwd(ctx: click.Context, username: str) -> None:
    """Set a new password (the user's other sessions end)."""
    from ..accounts import set_password

    _accounts(set_password, _open(ctx).store, username, _password())
    click.echo(f"Password of {username} changed.")


@user.command(name="role")
@click.argument("username")
@click.argument("role", type=click.Choice(["advisor", "admin"]))
@click.pass_context
def user_role(ctx: click.Context, username: str, role: str) -> None:
    """Make a user an advisor or an admin."""
    from ..accounts import set_role

    _accounts(set_role, _open(ctx).store, username, role)
    click.echo(f"{username} is now {role}.")


@user.command(name="remove")
@click.argument("username")
@click.pass_context
def user_remove(ctx: click.Context, username: str) -> None:
    """Delete an account (its changes stay in the audit trail)."""
    from ..accounts import remove_user

    _accounts(remove_user, _open(ctx).store, username)
    click.echo(f"User {username} removed.")


@user.command(name="list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    from ..accounts import users

    for u in users(_open(ctx).store):
        click.echo(f"{u.username:24} {u.role:8} created {u.created_at}  last login {u.last_login or '-'}")
