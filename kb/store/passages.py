"""Passages: the pieces of a practice's text that are embedded and matched, with their full-text rows."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from .base import StoreBase
from .records import Passage


class PassageStore(StoreBase):
    """Each passage has a row in `passages` and one in each derived full-text table (stems, concepts)."""

    def _insert_passage(self, practice_rowid: int, ord_: int, text: str, language: str) -> Passage:
        """Add one passage (inside a transaction)."""
        passage_id = self._db.execute(
            "INSERT INTO passages(practice_rowid, ord, text, language) VALUES (?,?,?,?) RETURNING id",
            (practice_rowid, ord_, text, language),
        ).fetchone()[0]
        self._index_text(passage_id, text)
        return Passage(passage_id, text, language)

    def _delete_passages(self, practice_rowid: int) -> list[int]:
        """Remove one practice's passages (inside a transaction); returns their ids."""
        ids = [r[0] for r in self._db.execute("SELECT id FROM passages WHERE practice_rowid=?", (practice_rowid,))]
        self._unindex_text(ids)
        self._db.execute("DELETE FROM passages WHERE practice_rowid=?", (practice_rowid,))
        return ids

    def replace_passages(self, passages: dict[str, list[str]]) -> list[Passage]:
        """Swap every practice's passages for new ones (a re-split), in one transaction; returns them."""
        out: list[Passage] = []
        with self._transaction() as db:
            self._unindex_text(None)
            db.execute("DELETE FROM passages")
            rows = {pid: (rowid, lang) for rowid, pid, lang in db.execute("SELECT rowid, id, language FROM practices")}
            for pid, texts in passages.items():  # in the caller's order: it matches the caller's vectors
                rowid, language = rows[pid]
                out += [self._insert_passage(rowid, ord_, text, language) for ord_, text in enumerate(texts)]
        return out

    def passages(self) -> Iterator[Passage]:
        """Every passage, in id order."""
        for row in self._all("SELECT id, text, language FROM passages ORDER BY id"):
            yield Passage(*row)

    def passage_ids(self) -> set[int]:
        return {r[0] for r in self._all("SELECT id FROM passages")}

    def passage_ids_of(self, practice_ids: Sequence[str]) -> dict[str, list[int]]:
        """Practice id -> the ids of its passages."""
        if not practice_ids:
            return {}
        marks = ",".join("?" * len(practice_ids))
        out: dict[str, list[int]] = {}
        for pid, sid in self._all(
            f"SELECT p.id, s.id FROM passages s JOIN practices p ON p.rowid = s.practice_rowid WHERE p.id IN ({marks})",
            list(practice_ids),
        ):
            out.setdefault(pid, []).append(sid)
        return out

    def passage_ids_where(self, language: str | None = None, country: str | None = None,
                          theme: str | None = None, city: str | None = None, status: str | None = None,
                          source: str | None = None, stage: str | None = None) -> list[int]:
        """Passages of the practices that match every given filter (source: the file name or path as given)."""
        sql = "SELECT s.id FROM passages s JOIN practices p ON p.rowid = s.practice_rowid WHERE 1=1"
        args: list[str] = []
        if language:
            sql, args = sql + " AND p.language = ?", [*args, language]
        if country:
            sql, args = sql + " AND p.country = ?", [*args, country.upper()]
        if theme:
            sql, args = sql + f" AND EXISTS (SELECT 1 FROM {self.THEMES_OF_P} WHERE t.value = ?)", [*args, theme]
        if city:
            sql, args = sql + " AND p.city = ?", [*args, city]
        if status:
            sql, args = sql + " AND p.status = ?", [*args, status]
        if stage:
            sql, args = sql + " AND p.stage = ?", [*args, stage]
        if source:
            sql += " AND (p.source_path = ? OR p.source_path LIKE ? ESCAPE '\\')"
            escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += [source, "%/" + escaped]
        # Kept until the store changes: every anonymous search filters by status, the same ids each time.
        return self._cached(sql, lambda rows: [r[0] for r in rows], tuple(args))

    def passage_languages(self) -> dict[int, str]:
        """Every passage's language, by id (kept until the store changes)."""
        return self._cached("SELECT id, language FROM passages", dict)
