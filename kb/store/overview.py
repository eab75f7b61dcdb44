"""What the collection holds, counted: the home page's overview, `kb stats`, and the cities and countries
every search and the search form ask for (kept until the store changes)."""
from __future__ import annotations

from .practices import PracticeStore


class OverviewStore(PracticeStore):
    """Counts and distinct values over the practices."""

    def cities(self) -> set[tuple[str, str]]:
        """(city, country) of every stored practice that has a city (every search asks)."""
        return self._cached("SELECT DISTINCT city, country FROM practices WHERE city != ''", set)

    def countries(self) -> list[str]:
        """The countries of the stored practices, sorted (the search page's country filter)."""
        return self._cached("SELECT DISTINCT country FROM practices WHERE country != '' ORDER BY 1",
                            lambda rows: [r[0] for r in rows])

    def overview(self, status: str | None = None, limit: int = 12) -> dict:
        """What a visitor can find, counted in SQL (the home page): practices and documents, by language,
        country and theme (most first), and the practices added last."""
        where, args = ("p.status = ?", [status]) if status else ("1=1", [])

        def group(expr: str, src: str = "practices p") -> list[tuple]:
            return self._all(f"SELECT {expr}, count(*) FROM {src} WHERE {where} AND {expr} != '' GROUP BY 1 "
                             f"ORDER BY 2 DESC, 1 LIMIT {limit}", args)

        return {
            "practices": self._one(f"SELECT count(*) FROM practices p WHERE {where}", args)[0],
            "documents": self._one(f"SELECT count(DISTINCT document_id) FROM practices p WHERE {where}", args)[0],
            "languages": group("p.language"),
            "countries": group("p.country"),
            "themes": group("t.value", f"practices p, {self.THEMES_OF_P}"),
            "recent": self.recent(5, status),
        }

    def stats(self) -> dict:
        """`kb stats`: documents, practices and passages, practices by language, country and status."""
        def one(sql: str) -> int:
            return self._one(sql)[0]

        def group(col: str) -> dict:
            return dict(self._all(f"SELECT {col}, count(*) FROM practices GROUP BY {col} ORDER BY 2 DESC"))

        return {
            "documents": one("SELECT count(*) FROM documents"),
            "practices": one("SELECT count(*) FROM practices"),
            "passages": one("SELECT count(*) FROM passages"),
            "by_language": group("language"),
            "by_country": group("country"),
            "by_status": group("status"),
            "schema_version": self.schema_version,
        }
