"""Collections: advisors' mini-catalogues of practices, each item with a note, public or not."""
from __future__ import annotations

from collections.abc import Sequence

from ..models import Collection, now_iso
from .base import StoreBase


class CollectionStore(StoreBase):
    """The `collections` and `collection_items` tables, read as `Collection` records."""

    def save_collection(self, cid: str, title: str, description: str, public: bool, owner: str) -> None:
        """Create a collection or change its title, description and visibility (its owner stays)."""
        stamp = now_iso()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO collections(id, title, description, public, owner, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                "description=excluded.description, public=excluded.public, updated_at=excluded.updated_at",
                (cid, title, description, int(public), owner, stamp, stamp),
            )

    def collections(self, public_only: bool = False) -> list[Collection]:
        """Every collection (or the public ones), with its number of items, newest first."""
        return self._collections("c.public = 1" if public_only else "1=1")

    def collection(self, cid: str) -> Collection | None:
        found = self._collections("c.id = ?", [cid])
        return found[0] if found else None

    def _collections(self, where: str, args: Sequence = ()) -> list[Collection]:
        rows = self._all(
            "SELECT c.id, c.title, c.description, c.public, c.owner, c.created_at, c.updated_at, "
            f"(SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id) FROM collections c WHERE {where} "
            "ORDER BY c.updated_at DESC", args)
        return [Collection(cid, title, description, bool(public), owner, created, updated, size)
                for cid, title, description, public, owner, created, updated, size in rows]

    def collection_items(self, cid: str) -> list[tuple[str, str]]:
        """(practice id, note) in the collection's order."""
        return self._all("SELECT practice_id, note FROM collection_items WHERE collection_id = ? ORDER BY position",
                         (cid,))

    def set_collection_items(self, cid: str, items: Sequence[tuple[str, str]]) -> None:
        """Replace a collection's items with (practice id, note) pairs, in this order."""
        with self._transaction() as db:
            db.execute("DELETE FROM collection_items WHERE collection_id = ?", (cid,))
            db.executemany("INSERT INTO collection_items(collection_id, practice_id, position, note) VALUES (?,?,?,?)",
                           [(cid, pid, n, note) for n, (pid, note) in enumerate(items)])
            db.execute("UPDATE collections SET updated_at = ? WHERE id = ?", (now_iso(), cid))

    def delete_collection(self, cid: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM collections WHERE id = ?", (cid,))
