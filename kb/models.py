"""The one record that flows ingest -> store -> index -> search -> web/export, and the records around it
that the store keeps: proposals, accounts, audit entries and collections."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum


class Status(StrEnum):
    """Where a practice stands in review: new from ingest (draft), vouched for (approved), or turned down."""

    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"


class Stage(StrEnum):
    """Where the practice itself stands, as its text says: carried out, running now, or proposed."""

    IMPLEMENTED = "implemented"
    ONGOING = "ongoing"
    PLANNED = "planned"


class Review(StrEnum):
    """Why an already reviewed practice is back in the review queue."""

    NONE = ""
    CHANGED = "changed"  # its document was ingested again and the extraction changed it
    PROPOSED = "proposed"  # as CHANGED, but an advisor had edited it: the new extraction waits as a proposal
    GONE = "gone"  # its document was ingested again without it; kept because an advisor edited or approved it


# The fields of a good-practice sheet (Interreg Europe / URBACT / Polish "Baza Dobrych Praktyk").
SHEET_FIELDS: tuple[str, ...] = (
    "description",
    "resources",
    "timescale",
    "evidence",
    "difficulties",
    "transfer",
    "stakeholders",
    "contact",
)

# What an advisor can edit: the record's own values and the sheet's fields.
EDITABLE: tuple[str, ...] = ("title", "summary", "body", "language", "city", "country", "themes", *SHEET_FIELDS)

# Why an extraction may be wrong; each lowers a practice's confidence by its weight.
EXTRACTION_FLAGS: dict[str, float] = {
    "no_city": 0.25,  # no city found anywhere
    "city_from_document": 0.1,  # the city comes from the document's title, not the practice's text
    "no_country": 0.1,
    "no_themes": 0.15,
    "themes_guessed": 0.05,  # themes assigned from the vocabulary, none named by the document
    "no_fields": 0.1,  # no labelled sheet field (resources, evidence…) was recognised
    "short": 0.15,  # under 60 words: perhaps a fragment, not a practice
    "long_title": 0.1,  # a title of over 20 words: perhaps a sentence taken for a heading
    "ocr": 0.1,  # read from a scanned page by OCR: words may be misread
    "ocr_poor": 0.2,  # and the OCR's own confidence was low
}


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a practice came from: the file as given to ingest, its checksum, and the place inside it."""

    path: str
    checksum: str
    locator: str = ""  # "p. 3" for a PDF, a heading path for DOCX
    ordinal: int = 1  # the practice's position in its file, 1-based

    @property
    def name(self) -> str:
        """The file's name, without the folders it was ingested from."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def key(self) -> str:
        """A human-readable key: 'file.docx' or 'file.docx#2'."""
        return self.name if self.ordinal == 1 else f"{self.name}#{self.ordinal}"

    def where(self, title: str) -> str:
        """The place in the file worth showing: the page(s), or a heading path that says more than the title."""
        return self.locator if self.locator and not self.locator.endswith(title) else ""


@dataclass(frozen=True, slots=True)
class Practice:
    id: str
    title: str
    body: str
    language: str  # ISO 639-1
    source: SourceRef
    summary: str = ""
    city: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    themes: tuple[str, ...] = ()
    stage: str = ""  # a Stage value, or "" when the text does not say
    fields: dict[str, str] = field(default_factory=dict)  # keys from SHEET_FIELDS
    status: Status = Status.DRAFT
    created_at: str = ""
    updated_at: str = ""
    group_id: str = ""  # shared by the versions of one practice (other files, other languages); "" alone
    confidence: float = 1.0  # how sure the extraction is of its title, place, themes and fields (0..1)
    flags: tuple[str, ...] = ()  # what lowered the confidence (EXTRACTION_FLAGS), for the review queue
    edited: tuple[str, ...] = ()  # the values an advisor set by hand (EDITABLE names): re-ingest keeps them
    review: Review = Review.NONE

    @property
    def content_hash(self) -> str:
        """What decides whether a re-ingested practice changed."""
        parts = [self.title, self.body, self.language, self.city, self.country, ",".join(self.themes)]
        parts += [f"{k}={v}" for k, v in sorted(self.fields.items())]
        parts += [f"stage={self.stage}"] if self.stage else []  # records from before stages keep their hashes
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def values(self) -> dict:
        """The values an advisor can edit, by EDITABLE name (sheet fields by their own names)."""
        out = {name: getattr(self, name) for name in EDITABLE if name not in SHEET_FIELDS}
        out["themes"] = list(self.themes)
        out.update((name, self.fields.get(name, "")) for name in SHEET_FIELDS)
        return out

    def with_values(self, values: dict) -> Practice:
        """A copy with some EDITABLE values replaced (empty sheet fields are dropped)."""
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        plain = {k: v for k, v in values.items() if k not in SHEET_FIELDS}
        if "themes" in plain:
            plain["themes"] = tuple(plain["themes"])
        fields_ = dict(self.fields)
        for name in SHEET_FIELDS:
            if name in values:
                fields_[name] = values[name]
                if not values[name]:
                    fields_.pop(name)
        return replace(self, **plain, fields=fields_)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["themes"] = list(self.themes)
        data["flags"] = list(self.flags)
        data["edited"] = list(self.edited)
        data["status"] = str(self.status)
        data["review"] = str(self.review)
        data["source"] = {**data["source"], "key": self.source.key}
        return data


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Text without control characters (Word and PDF text cannot hold them)."""
    return _CONTROL.sub("", text)


def practice_id(document: str, ordinal: int) -> str:
    """Stable id: the same document (its resolved path) and position always give the same id."""
    digest = hashlib.sha1(f"{document}#{ordinal}".encode()).hexdigest()
    return digest[:12]


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class SearchHit:
    practice: Practice
    score: float
    passage: str
    dense_score: float = 0.0
    lexical_score: float = 0.0
    concept_score: float = 0.0  # the share of the query's thesaurus concepts the passage names (kb/concepts.py)
    versions: tuple[Practice, ...] = ()  # the same practice in other files or languages, folded into this hit
    match: str = "good"  # "good" or "weak": below the calibrated cut-off (kb/search.py, GOOD_MATCH)
    topical: float = 0.0  # the score less what the query's place or its unexplained words gave (the cut-off's gate)

    def to_dict(self) -> dict:
        p = self.practice
        return {
            "id": p.id,
            "title": p.title,
            "language": p.language,
            "city": p.city,
            "country": p.country,
            "themes": list(p.themes),
            "stage": p.stage,
            "score": round(self.score, 4),
            "match": self.match,
            "source": p.source.path,
            "source_key": p.source.key,
            "locator": p.source.locator,
            "passage": self.passage,
            "versions": [{"id": v.id, "title": v.title, "language": v.language, "source_key": v.source.key}
                         for v in self.versions],
        }


@dataclass(frozen=True, slots=True)
class Proposal:
    """A newer extraction of a practice an advisor edited, waiting for review beside the advisor's values."""

    values: dict  # EDITABLE values, as Practice.values() gives them
    confidence: float
    flags: tuple[str, ...]
    content_hash: str

    @classmethod
    def of(cls, practice: Practice) -> Proposal:
        return cls(practice.values(), practice.confidence, tuple(practice.flags), practice.content_hash)

    def to_dict(self) -> dict:
        """As the store keeps it: the values, then confidence, flags and content_hash."""
        return {**self.values, "confidence": self.confidence, "flags": list(self.flags),
                "content_hash": self.content_hash}

    @classmethod
    def from_dict(cls, data: dict) -> Proposal:
        data = dict(data)
        confidence, flags, content_hash = data.pop("confidence"), data.pop("flags"), data.pop("content_hash")
        return cls(data, confidence, tuple(flags), content_hash)


# -- accounts -------------------------------------------------------------------------------------------
class Role(StrEnum):
    ADVISOR = "advisor"
    ADMIN = "admin"


# Action -> the roles that may do it. Anonymous visitors may do what is not listed here.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "see_drafts": frozenset({Role.ADVISOR, Role.ADMIN}),  # practices not (yet) approved
    "review": frozenset({Role.ADVISOR, Role.ADMIN}),  # approve, reject, accept or dismiss a proposal
    "edit": frozenset({Role.ADVISOR, Role.ADMIN}),
    "versions": frozenset({Role.ADVISOR, Role.ADMIN}),  # merge and split language versions
    "collections": frozenset({Role.ADVISOR, Role.ADMIN}),
    "upload": frozenset({Role.ADVISOR, Role.ADMIN}),
    "audit": frozenset({Role.ADVISOR, Role.ADMIN}),  # read the audit trail and revert changes
    "users": frozenset({Role.ADMIN}),
}


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: Role
    password_hash: str
    created_at: str = ""
    last_login: str = ""
    sessions_ended: int = 0  # how often the user signed out: a session started before then is over

    def may(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]

    @property
    def session_token(self) -> str:
        """Identifies the user in a session; a new password or signing out changes it, which ends the sessions
        started before (server-side: a copy of the old cookie opens nothing)."""
        return f"{self.username}\x1f{self.password_hash[-16:]}\x1f{self.sessions_ended}"


# -- the audit trail ------------------------------------------------------------------------------------
# What undoing a change restores, by the change's action (kb.curation knows how to restore each kind).
UNDO: dict[str, str] = {
    "edit": "values", "approved": "status", "rejected": "status", "draft": "status",
    "merge_versions": "groups", "split_version": "groups", "collection_items": "items",
    "collection": "collection", "collection_delete": "collection",
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change: who made it, when, to which record, and the values before and after."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    before: dict
    after: dict
    reverted_by: int | None

    @property
    def undo(self) -> str | None:
        """What undoing this change restores (a value of UNDO), or None when it cannot be undone; a revert is
        undone by the kind of values it restored."""
        if self.action != "revert":
            return UNDO.get(self.action)
        keys = set(self.before)
        if keys and keys <= set(EDITABLE):
            return "values"
        return next((key for key in ("status", "groups") if key in keys), None)

    @property
    def revertible(self) -> bool:
        return self.reverted_by is None and self.undo is not None


# -- collections (mini-catalogues) ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Collection:
    id: str
    title: str
    description: str
    public: bool
    owner: str
    created_at: str
    updated_at: str
    size: int = 0
