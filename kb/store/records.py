"""The store's own records: a stored document, a passage, what saving a document changed, a concept query."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import SourceRef, Status


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    path: str  # resolved path: identity
    given_path: str  # as given by the user
    checksum: str
    size: int


@dataclass(frozen=True, slots=True)
class Passage:
    """A stored passage of a practice's text: the unit the index embeds and the full-text index matches."""

    id: int
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Listed:
    """What browsing filters, counts and sorts of a practice (its text stays in the store): the attributes
    kb.search.facet_values reads, by the same names as Practice's."""

    id: str
    title: str
    language: str
    city: str
    country: str
    themes: tuple[str, ...]
    stage: str
    source: SourceRef
    status: Status
    created_at: str


@dataclass(frozen=True, slots=True)
class ConceptQuery:
    """A query's concept tokens with their weights, and the rare ones that bring candidates (concept_search)."""

    weights: dict[str, float]
    rare: tuple[str, ...]


@dataclass(slots=True)
class ChangeSet:
    """What saving one document changed; passage ids tell the index what to add and remove."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    new_passages: list[Passage] = field(default_factory=list)
    dropped_passages: list[int] = field(default_factory=list)
    linked: list[tuple[str, str, float]] = field(default_factory=list)  # (practice, its version, similarity)
    proposed: list[str] = field(default_factory=list)  # edited practices whose new extraction waits for review
    kept: list[str] = field(default_factory=list)  # curated practices the document no longer holds, kept for review
