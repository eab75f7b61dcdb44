"""Versions of one practice: the same practice in two files, or in two languages, linked as one group.

Two records are versions of one practice when they are about the same city (or carry the same title that
names an initiative, not a kind of section), come from two documents or two languages, and their texts are
close in the de-biased multilingual space: the mean of their passage vectors has
a cosine of at least SIMILARITY. Measured on bench/ingest-set with the corpus (66 practices): the two
true pairs (a Polish sheet and an English newsletter article; a Ukrainian sheet and a Polish bulletin
article) score 0.57 and 0.64; the other practices from the same city score 0.32 at most. Two practices in
one language need SAME_LANGUAGE_SIMILARITY (real texts, below). Nothing is
dropped: every version stays a record with its own source, and search shows the group once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .models import Practice

if TYPE_CHECKING:
    from .index import FaissIndex
    from .store import SqliteStore

SIMILARITY = 0.45
# Two texts in one language share more than their topic (the language residue the de-biasing leaves, the city's
# names): on real third-party texts, different practices of one city written in one language scored up to 0.65
# (a shelter map and a city app in Kyiv, a park and a bike path in Ternopil), while the same practice in two
# languages scored 0.48-0.68. Same-language versions (one text in two files) must be closer.
SAME_LANGUAGE_SIMILARITY = 0.70


def practice_vectors(index: FaissIndex, store: SqliteStore, practice_ids: list[str]) -> dict[str, np.ndarray]:
    """Each practice's direction in the index: the normalised mean of its passage vectors."""
    out = {}
    for pid, passage_ids in store.passage_ids_of(practice_ids).items():
        vectors = index.vectors(passage_ids)
        if len(vectors):
            mean = vectors.mean(axis=0)
            out[pid] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def _generic(title: str) -> bool:
    """A title that names a kind of section, not an initiative ("Description", "Case study", "Data")."""
    return len(title.split()) <= 2 and not any(c.isupper() for c in title[1:]) and not any(c.isdigit() for c in title)


def could_be_versions(a: Practice, b: Practice) -> bool:
    """Whether two records may be one practice at all, before their texts are compared: two practices of one
    document in one language are two practices; two named places that differ are two practices; a shared
    generic title ("Description") says nothing."""
    if a.source.path == b.source.path and a.language == b.language:
        return False
    if a.city and b.city and (a.city, a.country) != (b.city, b.country):
        return False
    if a.country and b.country and a.country != b.country:
        return False
    return bool(a.city and b.city) or (a.title.casefold() == b.title.casefold() and not _generic(a.title))


def _candidates(store: SqliteStore, practice: Practice) -> list[Practice]:
    found = {p.id: p for p in store.with_title(practice.title)}
    if practice.city:
        found.update((p.id, p) for p in store.in_city(practice.city, practice.country))
    for other in (practice.id, *store.not_versions(practice.id)):  # an advisor split them: never again
        found.pop(other, None)
    return [p for p in found.values() if could_be_versions(practice, p)]


def link_versions(index: FaissIndex, store: SqliteStore, practice_ids: list[str]) -> list[tuple[str, str, float]]:
    """Link new or changed practices to their versions; returns the linked pairs with their similarity.

    A changed practice first leaves its group, then joins whatever it now matches; groups that meet
    through it merge. A group is named after its smallest member id, so the result does not depend on
    the order of ingest. Groups an advisor set are left as they are."""
    pairs: list[tuple[str, str, float]] = []
    reported: set[tuple[str, str]] = set()
    vectors: dict[str, np.ndarray] = {}
    manual = store.manually_grouped(practice_ids) if practice_ids else set()
    for practice_id in practice_ids:
        practice = store.get(practice_id)
        if practice is None or practice.id in manual:
            continue
        candidates = _candidates(store, practice)
        if practice.group_id:
            store.set_groups({practice.id: ""})
        if not candidates:
            continue
        missing = [i for i in (practice.id, *(c.id for c in candidates)) if i not in vectors]
        vectors.update(practice_vectors(index, store, missing))  # each practice's vector is read once a pass
        mine = vectors.get(practice.id)
        if mine is None:
            continue
        matches = [(c, float(mine @ vectors[c.id])) for c in candidates if c.id in vectors]
        advisor_set = store.manually_grouped([c.id for c, _ in matches])  # merged or split by hand: left alone
        matches = [(c, s) for c, s in matches if c.id not in advisor_set
                   and s >= (SAME_LANGUAGE_SIMILARITY if c.language == practice.language else SIMILARITY)]
        if not matches:
            continue
        members = {practice.id}
        for candidate, score in matches:
            if tuple(sorted((practice.id, candidate.id))) not in reported:
                reported.add(tuple(sorted((practice.id, candidate.id))))
                pairs.append((practice.id, candidate.id, score))
            members.add(candidate.id)
            members.update(p.id for p in store.group(candidate.group_id))
        name = min(members)
        store.set_groups({m: name for m in members})
    store.prune_groups()
    return pairs
