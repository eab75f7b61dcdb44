"""Advisors' and admins' accounts: password hashes, roles, sign-ins and ended sessions (kb.accounts decides
what may be done; this only keeps it)."""
from __future__ import annotations

from ..models import Role, User, now_iso
from .base import StoreBase

_COLUMNS = "username, password_hash, role, created_at, last_login, sessions_ended"


class AccountStore(StoreBase):
    """The `users` table, read as `User` records."""

    def save_user(self, username: str, password_hash: str | None = None, role: str | None = None) -> None:
        """Create a user (both values given) or change one's password hash or role."""
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                if password_hash:
                    db.execute("UPDATE users SET password_hash=? WHERE username=?", (password_hash, username))
                if role:
                    db.execute("UPDATE users SET role=? WHERE username=?", (role, username))
            else:
                db.execute("INSERT INTO users(username, password_hash, role, created_at) VALUES (?,?,?,?)",
                           (username, password_hash, role, now_iso()))

    def user(self, username: str) -> User | None:
        row = self._one(f"SELECT {_COLUMNS} FROM users WHERE username = ?", (username,))
        return _to_user(row) if row else None

    def users(self) -> list[User]:
        """Every user, by name."""
        return [_to_user(r) for r in self._all(f"SELECT {_COLUMNS} FROM users ORDER BY username")]

    def end_sessions(self, username: str) -> None:
        """Every session of this user ends (signing out): the sessions' tokens no longer match."""
        with self._transaction() as db:
            db.execute("UPDATE users SET sessions_ended = sessions_ended + 1 WHERE username = ?", (username,))

    def remove_user(self, username: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount > 0

    def record_login(self, username: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE users SET last_login = ? WHERE username = ?", (now_iso(), username))


def _to_user(row: tuple) -> User:
    username, password_hash, role, created_at, last_login, sessions_ended = row
    return User(username, Role(role), password_hash, created_at, last_login, sessions_ended)
