"""Versions of one practice (other files, other languages): their shared group id, the groups an advisor
set by hand, and the pairs an advisor split (`not_versions`)."""
from __future__ import annotations

from collections.abc import Sequence

from ..models import Practice
from .practices import PracticeStore


class VersionStore(PracticeStore):
    """Groups of versions, and the candidates for them."""

    def in_city(self, city: str, country: str) -> list[Practice]:
        """Practices from one city (the candidates for versions of a practice there)."""
        return self._practices("p.city = ? AND p.country = ?", (city, country))

    def with_title(self, title: str) -> list[Practice]:
        """Practices with exactly this title (a file stored twice, a sheet copied into a catalogue)."""
        return self._practices("p.title = ?", (title,))

    def group(self, group_id: str) -> list[Practice]:
        """The versions of one practice, in id order ([] for no group)."""
        if not group_id:
            return []
        return self._practices("p.group_id = ?", (group_id,), order="p.id")

    def set_groups(self, groups: dict[str, str], manual: bool | None = None) -> None:
        """Practice id -> group id ('' to stand alone), in one transaction. `manual`: an advisor set these
        groups (automatic linking leaves them alone) or False to hand them back to it; None keeps the mark."""
        with self._transaction() as db:
            db.executemany("UPDATE practices SET group_id = ? WHERE id = ?", [(g, i) for i, g in groups.items()])
            if manual is not None:
                db.executemany("UPDATE practices SET group_manual = ? WHERE id = ?",
                               [(int(manual), i) for i in groups])

    def manually_grouped(self, practice_ids: Sequence[str]) -> set[str]:
        """Those of the practices whose group an advisor set."""
        marks = ",".join("?" * len(practice_ids))
        return {r[0] for r in self._all(
            f"SELECT id FROM practices WHERE group_manual = 1 AND id IN ({marks})", list(practice_ids))}

    def add_not_versions(self, a: str, b: str) -> None:
        """Remember that an advisor split these two: automatic linking never joins them again."""
        with self._transaction() as db:
            db.execute("INSERT INTO not_versions(a, b) VALUES (?, ?) ON CONFLICT DO NOTHING", tuple(sorted((a, b))))

    def not_versions(self, practice_id: str) -> set[str]:
        """The practices an advisor split from this one."""
        rows = self._all("SELECT a, b FROM not_versions WHERE a = ? OR b = ?", (practice_id, practice_id))
        return {b if a == practice_id else a for a, b in rows}

    def prune_groups(self) -> None:
        """A group left with one member (its versions changed or were removed) is no group."""
        with self._transaction() as db:
            db.execute(
                "UPDATE practices SET group_id = '' WHERE group_id IN (SELECT group_id FROM practices "
                "WHERE group_id != '' GROUP BY group_id HAVING count(*) = 1)"
            )
