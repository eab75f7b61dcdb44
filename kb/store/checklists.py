"""Transfer checklists (kb/checklist.py), kept as JSON; no foreign key to practices, so a re-ingest that
removes a practice does not take a city's planning work with it."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ..checklist import Checklist
from .base import StoreBase


class ChecklistStore(StoreBase):
    """The `checklists` table, read as `Checklist` records."""

    def save_checklist(self, checklist: Checklist, base: int | None = None) -> bool:
        """Store a checklist as its next revision. With `base`, only if the stored one is still that revision
        (a page loaded before another save must not save over it): False, and nothing stored, otherwise."""
        with self._transaction() as db:
            row = db.execute("SELECT data FROM checklists WHERE id = ?", (checklist.id,)).fetchone()
            stored = json.loads(row[0]).get("revision", 0) if row else 0
            if base is not None and row and base != stored:
                return False
            checklist.revision = stored + 1 if row else checklist.revision
            data = json.dumps(checklist.to_dict(), ensure_ascii=False)
            db.execute(
                "INSERT INTO checklists(id, practice_id, share_token, data, created_at, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at",
                (checklist.id, checklist.practice_id, checklist.share_token, data, checklist.created_at,
                 checklist.updated_at),
            )
        return True

    def checklist(self, checklist_id: str = "", share_token: str = "") -> Checklist | None:
        """A checklist by its id (to edit) or by its share token (to read)."""
        row = self._one("SELECT data FROM checklists WHERE id = ?", (checklist_id,)) if checklist_id else \
            self._one("SELECT data FROM checklists WHERE share_token = ?", (share_token,))
        return Checklist.from_dict(json.loads(row[0])) if row else None

    def checklists(self, ids: Sequence[str] | None = None, practice_id: str = "") -> list[Checklist]:
        """Checklists, newest first: given ids, or those of one practice, or all."""
        sql, args = "SELECT data FROM checklists WHERE 1=1", []
        if ids is not None:
            if not ids:
                return []
            sql += f" AND id IN ({','.join('?' * len(ids))})"
            args += list(ids)
        if practice_id:
            sql += " AND practice_id = ?"
            args.append(practice_id)
        return [Checklist.from_dict(json.loads(r[0])) for r in self._all(sql + " ORDER BY updated_at DESC", args)]
