"""Advisors' and admins' accounts: roles, what each may do, passwords hashed by Werkzeug (scrypt).

Anonymous visitors need no account: they search and read approved practices, keep transfer checklists
and export sheets. Advisors curate (review, edit, merge versions, collections, upload); admins also
manage the accounts. There is no default account and no default password: the first admin is made with
`kb user add NAME --role admin` on the server.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from werkzeug.security import check_password_hash, generate_password_hash

from .models import PERMISSIONS, Role, User  # noqa: F401 (defined beside the other records the store returns)

if TYPE_CHECKING:
    from .store import SqliteStore

MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[\w.@-]{2,64}$")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


def may(user: User | None, action: str) -> bool:
    """Whether a user (None: an anonymous visitor) may do an action of PERMISSIONS."""
    return user is not None and user.may(action)


def _check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if password.strip().lower() == username.lower():
        raise AccountError("the password must not be the user name")


def get_user(store: SqliteStore, username: str) -> User | None:
    return store.user(username)


def users(store: SqliteStore) -> list[User]:
    return store.users()


def sign_out(store: SqliteStore, username: str) -> None:
    """End every session of the user (the cookie of one kept from before opens nothing any more)."""
    store.end_sessions(username)


def add_user(store: SqliteStore, username: str, password: str, role: str = Role.ADVISOR, *, actor: str) -> User:
    """Create an account; `actor` (who creates it) goes into the audit trail, as for every change below."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise AccountError("a user name has 2–64 letters, digits or . _ @ -")
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}: choose {' or '.join(Role)}")
    if get_user(store, username):
        raise AccountError(f"user {username!r} exists already")
    _check_password(password, username)
    store.save_user(username, generate_password_hash(password), str(role))
    store.log(actor, "user_add", f"user:{username}", {}, {"role": str(role)})
    return get_user(store, username)


def set_password(store: SqliteStore, username: str, password: str, *, actor: str) -> None:
    user = _existing(store, username)
    _check_password(password, user.username)
    store.save_user(user.username, password_hash=generate_password_hash(password))
    store.log(actor, "password", f"user:{user.username}", {}, {})


def set_role(store: SqliteStore, username: str, role: str, *, actor: str) -> None:
    user = _existing(store, username)
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}: choose {' or '.join(Role)}")
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(store, user)
    store.save_user(user.username, role=role)
    store.log(actor, "user_role", f"user:{user.username}", {"role": str(user.role)}, {"role": str(role)})


def remove_user(store: SqliteStore, username: str, *, actor: str) -> None:
    user = _existing(store, username)
    if user.role == Role.ADMIN:
        _keep_an_admin(store, user)
    store.remove_user(user.username)
    store.log(actor, "user_remove", f"user:{user.username}", {"role": str(user.role)}, {})


def authenticate(store: SqliteStore, username: str, password: str) -> User | None:
    """The user when the password is right, else None (the same answer for an unknown name)."""
    user = get_user(store, username.strip())
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # as slow as a real check: names cannot be probed by timing
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    store.record_login(user.username)
    return user


_DUMMY_HASH = generate_password_hash("not a password of anybody's")


def _existing(store: SqliteStore, username: str) -> User:
    user = get_user(store, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def _keep_an_admin(store: SqliteStore, user: User) -> None:
    if not any(u.role == Role.ADMIN and u.username != user.username for u in users(store)):
        raise AccountError(f"{user.username} is the last admin: make another admin first")
