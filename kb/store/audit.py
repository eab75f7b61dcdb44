"""The audit trail: every change with who made it and the values before and after (kb.curation writes
and reverts; this only keeps it)."""
from __future__ import annotations

import json

from ..models import AuditEntry, now_iso
from .base import StoreBase


class AuditStore(StoreBase):
    """The `audit` table, read as `AuditEntry` records, newest first."""

    def log(self, actor: str, action: str, target: str, before: dict, after: dict) -> int:
        """Record one change: who, what, on which record, the values before and after; returns its id."""
        with self._transaction() as db:
            return db.execute(
                "INSERT INTO audit(at, actor, action, target, before, after) VALUES (?,?,?,?,?,?) RETURNING id",
                (now_iso(), actor, action, target, json.dumps(before, ensure_ascii=False),
                 json.dumps(after, ensure_ascii=False)),
            ).fetchone()[0]

    def audit_entries(self, target: str = "", entry_id: int = 0, limit: int = 50, offset: int = 0,
                      actor: str = "", action: str = "") -> tuple[list[AuditEntry], int]:
        """Audit entries newest first (of one target, by one actor, of one kind, or the one with `entry_id`),
        and how many there are."""
        chosen = {"target": target, "id": entry_id, "actor": actor, "action": action}
        where = " AND ".join([f"{column} = ?" for column, value in chosen.items() if value] or ["1=1"])
        args = [value for value in chosen.values() if value]
        total = self._one(f"SELECT count(*) FROM audit WHERE {where}", args)[0]
        rows = self._all(f"SELECT id, at, actor, action, target, before, after, reverted_by FROM audit WHERE {where} "
                         "ORDER BY id DESC LIMIT ? OFFSET ?", [*args, limit, offset])
        return [AuditEntry(*r[:5], json.loads(r[5]), json.loads(r[6]), r[7]) for r in rows], total

    def audit_actors(self) -> list[str]:
        """Everyone who changed something, by name."""
        return [row[0] for row in self._all("SELECT DISTINCT actor FROM audit ORDER BY actor")]

    def mark_reverted(self, entry_id: int, by: int) -> None:
        """Note that the change `by` reverted the change `entry_id`."""
        with self._transaction() as db:
            db.execute("UPDATE audit SET reverted_by = ? WHERE id = ?", (by, entry_id))
