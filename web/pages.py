"""Pagination of long lists (search results, the review queue, the audit trail)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .limits import int_arg


@dataclass(frozen=True, slots=True)
class Page:
    number: int = 1
    per_page: int = 10
    total: int = 0

    @classmethod
    def from_request(cls, per_page: int = 10) -> Page:
        return cls(int_arg("page", 1, 1, 10_000), per_page)

    def with_total(self, total: int) -> Page:
        return replace(self, total=total)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_shown(self) -> int:
        return min(self.offset + self.per_page, self.total)

    def slice(self, items: list) -> list:
        return items[self.offset : self.offset + self.per_page]
