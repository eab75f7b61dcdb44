"""Advisors curate the knowledge base: review, edit, merge and split versions, collections; every change
is written to the audit trail with its values before and after, and can be reverted.

Each function takes the acting user's name and records what it changed; the web UI and the CLI call
these, never the store's writers directly.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .duplicates import practice_vectors
from .models import EDITABLE, SHEET_FIELDS, AuditEntry, Collection, Practice, Review, Status
from .themes import BY_ID

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase


class CurationError(ValueError):
    """A change that cannot be made; the message says why."""


# Values whose change alters what is embedded (the passages are made again).
_TEXT = frozenset({"title", "summary", "body", "language", *SHEET_FIELDS})
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _practice(kb: KnowledgeBase, practice_id: str) -> Practice:
    practice = kb.store.get(practice_id)
    if practice is None:
        raise CurationError(f"no practice {practice_id}")
    return practice


def plain_text(value) -> str:
    """A field's text as it is kept: Unix line ends, no spaces at line ends or around the whole."""
    return "\n".join(line.rstrip() for line in str(value or "").replace("\r\n", "\n").split("\n")).strip()


def clean_values(values: dict) -> dict:
    """EDITABLE values checked and normalised; raises CurationError naming the first bad one."""
    out = {}
    for name, value in values.items():
        if name not in EDITABLE:
            raise CurationError(f"{name} cannot be edited")
        if name == "themes":
            themes = [t.strip() for t in (value.split(",") if isinstance(value, str) else value) if t.strip()]
            unknown = [t for t in themes if t not in BY_ID]
            if unknown:
                raise CurationError(f"unknown theme {unknown[0]!r}; themes: {', '.join(BY_ID)}")
            out[name] = list(dict.fromkeys(themes))
            continue
        value = plain_text(value)
        if name == "title" and not value:
            raise CurationError("a practice needs a title")
        if name == "language" and not _LANGUAGE.match(value):
            raise CurationError("the language is a two-letter ISO 639-1 code, such as pl, uk or en")
        if name == "country":
            value = value.upper()
            if value and not _COUNTRY.match(value):
                raise CurationError("the country is a two-letter ISO 3166 code, such as PL or UA")
        out[name] = value[:300] if name == "title" else value
    return out


def _with_fields_in_body(practice: Practice, values: dict) -> dict:
    """An edited sheet field also replaces its old text in the body (what search reads), or joins it."""
    if "body" in values:
        return values
    body = practice.body
    for name in SHEET_FIELDS:
        if name not in values:
            continue
        old, new = practice.fields.get(name, ""), values[name]
        if old and old in body:
            body = body.replace(old, new)
        elif new and new not in body:
            body = f"{body}\n{new}".strip()
    return {**values, "body": body} if body != practice.body else values


def edit(kb: KnowledgeBase, practice_id: str, values: dict, actor: str, action: str = "edit") -> Practice:
    """Change some values of a practice; they become curated (a re-ingest proposes, never overwrites)."""
    practice = _practice(kb, practice_id)
    values = clean_values(values)
    if "body" in values and values["body"] == clean_values({"body": practice.body})["body"]:
        del values["body"]  # a form sends the full text unchanged: edited fields then update it
    values = _with_fields_in_body(practice, values)
    current = practice.values()
    changed = {k: v for k, v in values.items()
               if current.get(k) != v and not (k == "themes" and set(v) == set(current[k]))}
    if not changed:
        return practice
    updated = replace(practice.with_values(changed), edited=tuple(sorted(set(practice.edited) | set(changed))))
    kb.save_curated(updated, text_changed=bool(_TEXT & set(changed)))
    kb.store.log(actor, action, practice_id, {k: current[k] for k in changed}, changed)
    return kb.store.get(practice_id)


def set_status(kb: KnowledgeBase, practice_id: str, status: Status, actor: str) -> Practice:
    """Approve or reject a practice (or send it back to draft); it leaves the review queue."""
    practice = _practice(kb, practice_id)
    before = {"status": str(practice.status), "review": str(practice.review)}
    kb.store.set_status(practice_id, Status(status))
    after = kb.store.get(practice_id)
    kb.store.log(actor, str(status), practice_id, before, {"status": str(after.status), "review": str(after.review)})
    return after


def accept_proposal(kb: KnowledgeBase, practice_id: str, actor: str) -> Practice:
    """Take the newer extraction over the advisor's values; the practice is no longer curated."""
    practice = _practice(kb, practice_id)
    proposal = kb.store.proposal(practice_id)
    if proposal is None:
        raise CurationError("this practice has no proposed change")
    values = {k: proposal.values[k] for k in EDITABLE if k in proposal.values}
    updated = replace(practice.with_values(values), edited=(), review=Review.NONE)
    kb.save_curated(updated, text_changed=True, extraction=proposal)
    current = practice.values()
    kb.store.log(actor, "accept_proposal", practice_id,
                 {"values": {k: current[k] for k in values if current[k] != values[k]}, "edited": list(practice.edited)},
                 {"values": {k: v for k, v in values.items() if current[k] != v}})
    return kb.store.get(practice_id)


def dismiss_proposal(kb: KnowledgeBase, practice_id: str, actor: str) -> Practice:
    """Keep the advisor's values; the same extraction is not proposed again."""
    _practice(kb, practice_id)
    proposal = kb.store.proposal(practice_id)
    if proposal is None:
        raise CurationError("this practice has no proposed change")
    kb.store.dismiss_proposal(practice_id)
    kb.store.log(actor, "dismiss_proposal", practice_id, {"proposal": {k: proposal.values[k] for k in EDITABLE}}, {})
    return kb.store.get(practice_id)


# -- language versions ----------------------------------------------------------------------------
CANDIDATE_SIMILARITY = 0.35  # below the automatic link (kb.duplicates.SIMILARITY): an advisor decides


@dataclass(frozen=True, slots=True)
class Candidate:
    practice: Practice
    similarity: float


def version_candidates(kb: KnowledgeBase, practice_id: str, k: int = 5) -> list[Candidate]:
    """Practices that may be the same one in another file or language, closest first, for an advisor to
    confirm: those whose mean passage vector is close in the de-biased multilingual space."""
    practice = _practice(kb, practice_id)
    index = kb.index()
    own = {practice.id, *(p.id for p in kb.store.group(practice.group_id)), *kb.store.not_versions(practice.id)}
    mine = practice_vectors(index, kb.store, [practice.id]).get(practice.id)
    if mine is None:
        return []
    probe = replace(practice, body=practice.summary or practice.body[:600])
    near = [h.practice.id for h in kb.search(f"{probe.title}. {probe.body}", k=k * 4)]
    near = [pid for pid in dict.fromkeys(near) if pid not in own]
    vectors = practice_vectors(index, kb.store, near)
    scored = [(pid, float(mine @ vectors[pid])) for pid in near if pid in vectors]
    scored = sorted(((pid, s) for pid, s in scored if s >= CANDIDATE_SIMILARITY), key=lambda x: -x[1])[:k]
    return [Candidate(kb.store.get(pid), s) for pid, s in scored]


def merge_versions(kb: KnowledgeBase, practice_ids: list[str], actor: str) -> str:
    """Confirm that practices (and the groups they are in) are versions of one practice; returns the group."""
    practices = [_practice(kb, pid) for pid in dict.fromkeys(practice_ids)]
    if len(practices) < 2:
        raise CurationError("choose at least two practices to merge")
    members = {p.id: p.group_id for p in practices}
    for p in practices:
        members.update((v.id, v.group_id) for v in kb.store.group(p.group_id))
    group = min(members)
    kb.store.set_groups({m: group for m in members}, manual=True)
    kb.store.log(actor, "merge_versions", group, {"groups": members}, {"groups": {m: group for m in members}})
    return group


def split_version(kb: KnowledgeBase, practice_id: str, actor: str) -> None:
    """Take a practice out of its group (a wrong merge); automatic linking will not join them again."""
    practice = _practice(kb, practice_id)
    others = [p for p in kb.store.group(practice.group_id) if p.id != practice_id]
    if not others:
        raise CurationError("this practice has no other versions")
    for other in others:
        kb.store.add_not_versions(practice_id, other.id)
    before = {p.id: p.group_id for p in (practice, *others)}
    after = {practice_id: ""} | ({} if len(others) > 1 else {others[0].id: ""})
    kb.store.set_groups(after, manual=True)
    kb.store.log(actor, "split_version", practice.group_id, {"groups": before}, {"groups": after})


# -- collections (mini-catalogues; kb.models.Collection) -----------------------------------------------
def collections(kb: KnowledgeBase, public_only: bool = False) -> list[Collection]:
    return kb.store.collections(public_only=public_only)


def get_collection(kb: KnowledgeBase, cid: str) -> Collection | None:
    return kb.store.collection(cid)


def collection_items(kb: KnowledgeBase, cid: str) -> list[tuple[str, Practice | None, str]]:
    """(practice id, the practice or None when it is gone, note) in the collection's order."""
    return [(pid, kb.store.get(pid), note) for pid, note in kb.store.collection_items(cid)]


def save_collection(kb: KnowledgeBase, actor: str, title: str, description: str = "", public: bool = False,
                    cid: str = "") -> str:
    """Create a collection (no id) or change its title, description and visibility; returns its id."""
    title = title.strip()
    if not title:
        raise CurationError("a collection needs a title")
    before = get_collection(kb, cid) if cid else None
    if cid and before is None:
        raise CurationError(f"no collection {cid}")
    cid = cid or secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")
    kb.store.save_collection(cid, title[:200], description.strip(), public, before.owner if before else actor)
    def values(c: Collection | None) -> dict:
        return {"title": c.title, "description": c.description, "public": c.public} if c else {}

    kb.store.log(actor, "collection" if before else "collection_create", f"collection:{cid}", values(before),
                 values(get_collection(kb, cid)))
    return cid


def set_items(kb: KnowledgeBase, cid: str, items: list[tuple[str, str]], actor: str) -> None:
    """A collection's practices and notes, in order (adding, removing, moving and annotating are all this)."""
    if get_collection(kb, cid) is None:
        raise CurationError(f"no collection {cid}")
    seen: dict[str, str] = {}
    for pid, note in items:
        if pid not in seen:
            seen[pid] = note.strip()
    missing = [pid for pid in seen if kb.store.get(pid) is None and pid not in dict(kb.store.collection_items(cid))]
    if missing:
        raise CurationError(f"no practice {missing[0]}")
    before = kb.store.collection_items(cid)
    kb.store.set_collection_items(cid, list(seen.items()))
    kb.store.log(actor, "collection_items", f"collection:{cid}", {"items": [list(i) for i in before]},
                 {"items": [list(i) for i in seen.items()]})


def add_to_collection(kb: KnowledgeBase, cid: str, practice_id: str, actor: str, note: str = "") -> None:
    _practice(kb, practice_id)
    items = kb.store.collection_items(cid)
    if practice_id not in dict(items):
        set_items(kb, cid, [*items, (practice_id, note)], actor)


def add_many_to_collection(kb: KnowledgeBase, cid: str, practice_ids: list[str], actor: str, note: str = "") -> int:
    """Add the practices a collection does not hold yet, each with the note, as one change; returns how many."""
    items = kb.store.collection_items(cid)
    held = {pid for pid, _ in items}
    new = [pid for pid in dict.fromkeys(practice_ids) if pid not in held and kb.store.get(pid) is not None]
    if new:
        set_items(kb, cid, [*items, *((pid, note) for pid in new)], actor)
    return len(new)


def delete_collection(kb: KnowledgeBase, cid: str, actor: str) -> None:
    collection = get_collection(kb, cid)
    if collection is None:
        raise CurationError(f"no collection {cid}")
    items = kb.store.collection_items(cid)
    kb.store.delete_collection(cid)
    kb.store.log(actor, "collection_delete", f"collection:{cid}",
                 {"title": collection.title, "description": collection.description, "public": collection.public,
                  "owner": collection.owner, "items": [list(i) for i in items]}, {})


# -- audit trail (kb.models.AuditEntry) ----------------------------------------------------------------
def audit(kb: KnowledgeBase, target: str = "", limit: int = 50, offset: int = 0, actor: str = "",
          action: str = "") -> tuple[list[AuditEntry], int]:
    """The audit trail, newest first: of one record, by one person, of one kind of change, or all."""
    return kb.store.audit_entries(target=target, limit=limit, offset=offset, actor=actor, action=action)


def _revert_values(kb: KnowledgeBase, entry: AuditEntry, actor: str) -> None:
    edit(kb, entry.target, entry.before, actor, action="revert")


def _revert_status(kb: KnowledgeBase, entry: AuditEntry, actor: str) -> None:
    practice = _practice(kb, entry.target)
    kb.store.save_curated(replace(practice, status=Status(entry.before["status"]),
                                  review=Review(entry.before["review"])))
    kb.store.log(actor, "revert", entry.target, {"status": str(practice.status), "review": str(practice.review)},
                 entry.before)


def _revert_groups(kb: KnowledgeBase, entry: AuditEntry, actor: str) -> None:
    groups = {pid: g for pid, g in entry.before["groups"].items() if kb.store.get(pid)}
    now = {pid: kb.store.get(pid).group_id for pid in groups}
    kb.store.set_groups(groups, manual=True)
    kb.store.log(actor, "revert", entry.target, {"groups": now}, {"groups": groups})


def _revert_items(kb: KnowledgeBase, entry: AuditEntry, actor: str) -> None:
    set_items(kb, entry.target.removeprefix("collection:"), [tuple(i) for i in entry.before["items"]], actor)


def _revert_collection(kb: KnowledgeBase, entry: AuditEntry, actor: str) -> None:
    cid = entry.target.removeprefix("collection:")
    b = entry.before
    if entry.action == "collection_delete":
        kb.store.save_collection(cid, b["title"], b["description"], b["public"], b["owner"])
        kb.store.set_collection_items(cid, [tuple(i) for i in b["items"]])
        kb.store.log(actor, "revert", entry.target, {}, {"title": b["title"], "items": b["items"]})
    else:
        save_collection(kb, actor, b["title"], b["description"], b["public"], cid=cid)


# How to restore each kind of values a change can be undone by (kb.models.UNDO, AuditEntry.undo).
_REVERT = {
    "values": _revert_values, "status": _revert_status, "groups": _revert_groups, "items": _revert_items,
    "collection": _revert_collection,
}


def revert(kb: KnowledgeBase, entry_id: int, actor: str) -> None:
    """Undo one change by making the values before it current again (itself a change in the trail)."""
    found, _ = kb.store.audit_entries(entry_id=entry_id)
    if not found:
        raise CurationError(f"no change {entry_id} in the audit trail")
    entry = found[0]
    if entry.reverted_by is not None:
        raise CurationError(f"change {entry_id} was reverted already (by change {entry.reverted_by})")
    undo = _REVERT.get(entry.undo or "")
    if undo is None:
        raise CurationError(f"a change of kind {entry.action!r} cannot be reverted")
    before = kb.store.audit_entries(limit=1)[0][0].id
    undo(kb, entry, actor)
    mine = [e.id for e in kb.store.audit_entries(limit=20)[0] if e.id > before and e.actor == actor]
    if not mine:
        raise CurationError(f"change {entry_id} changed nothing that is still there to revert")
    kb.store.mark_reverted(entry_id, min(mine))
