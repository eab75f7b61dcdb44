"""The knowledge base as one service: store + embedder + index, used by the CLI, the web app and ingest."""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .config import Settings
from .duplicates import link_versions
from .embed import Embedder, get_embedder
from .index import FaissIndex, IndexNotReady
from .models import Practice, Proposal, SearchHit
from .passages import split_passages
from .places import QueryPlaces
from .search import search_index
from .store import ChangeSet, DocumentRecord, open_store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IndexRepair:
    """What catching the index up with the store did."""

    added: int
    removed: int


class KnowledgeBase:
    """Opens the store at once; loads the model and the index on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.store = open_store(settings)
        self._embedder = embedder
        self._index: FaissIndex | None = None
        self._index_mtime = 0.0
        self._places: QueryPlaces | None = None
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.RLock()  # short: loading and swapping the index
        self._writing = threading.RLock()  # one writer at a time in this process (ingest, uploads, edits)
        self._replica = None  # with the store in PostgreSQL: the index as a replica of the database's vectors

    def close(self) -> None:
        if self._replica is not None:
            self._replica.close()
        self.store.close()

    @property
    def replica(self):
        """The index replica of a knowledge base in PostgreSQL (kb/replica.py); None for one in SQLite."""
        if self._replica is None and self.store.holds_vectors:
            from .replica import IndexReplica

            with self._lock:
                if self._replica is None:
                    self._replica = IndexReplica(self.store, self.settings.index_dir, self.embedder,
                                                 self.settings.debias, self.settings.exact_limit)
        return self._replica

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings.model)
        return self._embedder

    # -- index -----------------------------------------------------------------------------
    def index(self, create: bool = False) -> FaissIndex:
        """The index on disk, reloaded when another process rewrote it; checked against the embedder. With the
        store in PostgreSQL, this instance's replica of the database's vectors."""
        if self.replica is not None:
            index = self.replica.index()
            if not index.count and not create and not self.store.count():
                raise IndexNotReady("The knowledge base is empty: run `kb ingest PATH` first.")
            return index
        with self._lock:
            directory = self.settings.index_dir
            manifest = directory / FaissIndex.MANIFEST
            if FaissIndex.exists(directory):
                mtime = manifest.stat().st_mtime
                if self._index is None or mtime != self._index_mtime:
                    self._index, self._index_mtime = FaissIndex.load(directory), mtime
                self._index.check(self.embedder, self.settings.debias)
            elif create:
                self._index = FaissIndex.create(directory, self.embedder, self.settings.debias)
            else:
                raise IndexNotReady(f"No search index in {directory}: run `kb ingest PATH` or `kb index` first.")
            return self._index

    PLACES = "query-places.json"

    def query_places(self) -> QueryPlaces:
        """The stored practices' cities by every spelling, for queries that name one; read from beside the
        index and built again (from the gazetteer, once) only when the stored cities changed."""
        cities = self.store.cities()
        if self._places is not None and self._places.cities == cities:
            return self._places
        path = self.settings.index_dir / self.PLACES
        try:
            places = QueryPlaces.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            places = None
        if places is None or places.cities != cities:
            places = QueryPlaces.build(cities)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(json.dumps(places.to_json(), ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, path)
            except OSError as exc:  # a read-only data folder: searches still work, a fresh process builds it again
                logger.warning("Could not keep the query place names in %s: %s", path, exc)
        self._places = places
        return places

    def index_is_current(self) -> bool:
        """True when an index exists, fits the configured model and holds exactly the stored passages."""
        try:
            index = self.index()
        except IndexNotReady:
            return False
        if self.replica is not None:
            index = self.replica.sync()
        return index.count == len(self.store.passage_ids())

    def catch_up(self, progress: Callable[[int], None] | None = None) -> IndexRepair:
        """Bring the index to exactly the stored passages, embedding only those it lacks: after a crash
        between the store's commit and the index's save, `kb ingest` and `kb serve` heal it at start."""
        if self.replica is not None:
            return self._catch_up_vectors(progress)
        with self._writing, self._index_file_lock(), self._lock:
            index = self.index(create=True)
            held, stored = index.ids(), set(self.store.passage_ids())
            missing, extra = stored - held, held - stored
            if not missing and not extra:
                return IndexRepair(0, 0)
            rows = [r for r in self.store.passages() if r.id in missing]
            vectors = self.embedder.embed_passages([r.text for r in rows], progress=progress)
            index = index.copy()
            index.remove(sorted(extra))
            index.add([r.id for r in rows], vectors, [r.language for r in rows])
            self._swap(index.fit_to_size(self.settings.exact_limit))
            logger.warning("The search index lagged behind the store: %d passages added, %d removed",
                           len(rows), len(extra))
            return IndexRepair(len(rows), len(extra))

    def _catch_up_vectors(self, progress: Callable[[int], None] | None = None) -> IndexRepair:
        """With the store in PostgreSQL: embed the passages whose vectors were never stored (a crash between
        the two commits), then bring this instance's replica up to date."""
        with self._writing:
            rows = self.store.passages_without_vectors()
            if rows:
                vectors = self.embedder.embed_passages([text for _, text, _ in rows], progress=progress)
                self.store.save_vectors(self.embedder.model_id, [i for i, _, _ in rows], vectors)
                logger.info("%d passages had no vectors in the database: embedded and stored", len(rows))
            self.replica.sync()
            return IndexRepair(len(rows), 0)

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Re-split and re-embed every practice into a fresh index (after a model or setting change, or to repair one).

        The vectors are computed before anything is replaced: a failure leaves the old index working.
        """
        with self._writing, self._index_file_lock(), self._lock:
            passages = {p.id: split_passages(p, self.settings.passage_words) for p in self.store.list()}
            vectors = self.embedder.embed_passages([t for ts in passages.values() for t in ts], progress=progress)
            if self.replica is not None:  # into the database; every instance's replica follows
                rows = self.store.replace_passages(passages)
                self.store.save_vectors(self.embedder.model_id, [r.id for r in rows], vectors)
                self.store.search_debias(self.settings.debias, replace=True)
                fresh = self.replica.rebuild()
                link_versions(fresh, self.store, list(passages))
                return fresh.count
            fresh = FaissIndex.create(self.settings.index_dir, self.embedder, self.settings.debias)
            rows = self.store.replace_passages(passages)
            fresh.add([r.id for r in rows], vectors, [r.language for r in rows])
            fresh = fresh.fit_to_size(self.settings.exact_limit)
            fresh.save()
            self._index = None
            # Versions are linked again with the new vectors (and for the first time in a store that
            # predates them).
            link_versions(self.index(), self.store, list(passages))
            return fresh.count

    # -- writing ---------------------------------------------------------------------------
    def save_document(
        self, doc: DocumentRecord, practices: Sequence[Practice], progress: Callable[[int], None] | None = None
    ) -> ChangeSet:
        """Store a document's practices and bring the index up to date in the same call.

        New or changed practices are embedded before anything is written, so a failing model leaves
        the store as it was.
        """
        with self._writing:
            practices = self.store.claim_ids(doc.path, practices)  # practices that moved keep their records
            known = self.store.content_hashes(doc.path)
            edited = self.store.edited_in(doc.path)  # kept as the advisor left them: nothing to embed
            passages = {
                p.id: split_passages(p, self.settings.passage_words)
                for p in practices
                if known.get(p.id) != p.content_hash and p.id not in edited
            }
            texts = [t for ts in passages.values() for t in ts]
            vectors = self.embedder.embed_passages(texts, progress=progress)  # searches go on meanwhile
            with self._index_file_lock(), self._lock:
                index = self.index(create=True)
                changes = self.store.save_document(doc, practices, passages)
                assert [s.text for s in changes.new_passages] == texts, "passages stored out of order"
                if self.replica is not None:  # the database holds the vectors: every instance's replica follows
                    self.store.save_vectors(self.embedder.model_id, [s.id for s in changes.new_passages], vectors)
                    index = self.replica.sync()
                elif changes.new_passages or changes.dropped_passages or not FaissIndex.exists(self.settings.index_dir):
                    index = index.copy()  # searches keep reading the old one until the swap
                    index.remove(changes.dropped_passages)
                    index.add([s.id for s in changes.new_passages], vectors,
                              [s.language for s in changes.new_passages])
                    index = index.fit_to_size(self.settings.exact_limit)  # exact until it grows past the limit
                    self._swap(index)
            if changes.added or changes.updated:
                changes.linked = link_versions(index, self.store, [*changes.added, *changes.updated])
            elif changes.removed:
                self.store.prune_groups()
        return changes

    def save_curated(self, practice: Practice, text_changed: bool, extraction: Proposal | None = None) -> None:
        """Store an advisor's version of a practice (kb.curation); when its text changed, its passages are
        split and embedded again, before anything is written."""
        with self._writing:
            passages = vectors = None
            if text_changed:
                passages = split_passages(practice, self.settings.passage_words)
                vectors = self.embedder.embed_passages(passages)
            if self.replica is not None:  # the database holds the vectors: every instance's replica follows
                new, _ = self.store.save_curated(practice, passages, extraction)
                if passages is not None:
                    self.store.save_vectors(self.embedder.model_id, [s.id for s in new], vectors)
                self.replica.sync()
                return
            with self._index_file_lock(), self._lock:
                index = self.index(create=True).copy() if passages is not None else None
                new, dropped = self.store.save_curated(practice, passages, extraction)
                if index is not None:
                    index.remove(dropped)
                    index.add([s.id for s in new], vectors, [s.language for s in new])
                    self._swap(index)

    def _swap(self, index: FaissIndex) -> None:
        """Save a changed copy of the index and make it the one searches read."""
        index.save()
        self._index = index
        self._index_mtime = (self.settings.index_dir / FaissIndex.MANIFEST).stat().st_mtime

    @contextmanager
    def _index_file_lock(self):
        """Only one process at a time reads, changes and saves the index files (the web app's edits and
        uploads, a `kb ingest` beside it); self.index() then reloads what another process saved."""
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.settings.index_dir / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- reading ---------------------------------------------------------------------------
    QUERY_CACHE = 256  # query vectors kept: the same query again (a page of results, a facet) is not embedded again

    def query_vector(self, query: str):
        """The query's vector, from a small cache of recent queries (the embedder takes one query at a time)."""
        return self.query_vectors([query])[0]

    def query_vectors(self, queries: Sequence[str]) -> list:
        """The vectors of several queries (a query and its translations), from the cache of recent queries; those
        not in it are embedded in one call."""
        with self._lock:
            found = {q: self._query_vectors.get(q) for q in queries}
            for query, vector in found.items():
                if vector is not None:
                    self._query_vectors.move_to_end(query)
        missing = [q for q, vector in found.items() if vector is None]
        if missing:
            for query, vector in zip(missing, self.embedder.embed_queries(missing)):
                vector.setflags(write=False)  # shared by every search for this query
                found[query] = vector
            with self._lock:
                for query in missing:
                    self._query_vectors[query] = found[query]
                while len(self._query_vectors) > self.QUERY_CACHE:
                    self._query_vectors.popitem(last=False)
        return [found[q] for q in queries]

    def search(self, query: str, k: int = 10, language: str | None = None) -> list[SearchHit]:
        return search_index(self, query, k=k, language=language)

    def warm_up(self) -> None:
        """Load the model, the index and the gazetteer now, so that the first user does not wait for them."""
        from .maps import warm_up as warm_up_maps

        try:
            search_index(self, "warm-up w Warszawie", k=1)
        except IndexNotReady:
            self.embedder.embed_queries(["warm-up"])
        self.query_places()  # the cities' names and coordinates (built from the gazetteer after ingest)
        if self.replica is not None:  # several instances share the database: apply their changes as they come
            self.replica.follow()
        warm_up_maps()

    def get(self, practice_id: str) -> Practice | None:
        return self.store.get(practice_id)

    def evaluation_runs(
        self, progress: Callable[[int], None] | None = None, k: int = 10
    ) -> list[tuple[str, Callable[[str], list[str]]]]:
        """Ranking variants to compare, as (name, query -> ranked practice ids), from one embedding pass.

        First the lexical leg alone (BM25); then dense retrieval, where each variant adds one thing to
        the one before: de-biasing, then centering on the collection's own language means, then the lexical leg
        (the hybrid), then themes, then the concept leg, then the query translated into each passage's language.
        """
        from .search import LANGUAGE_CENTERING, lexical_practices

        rows = list(self.store.passages())
        vectors = self.embedder.embed_passages([r.text for r in rows], progress=progress)
        indexes = {}
        for debias in ("none", "centering", "subspace"):
            indexes[debias] = FaissIndex.create(self.settings.index_dir, self.embedder, debias)
            indexes[debias].add([r.id for r in rows], vectors, [r.language for r in rows])
        plain = {"lexical_weight": 0.0, "theme_boost": 0.0, "concept_weight": 0.0, "language_centering": 0.0,
                 "translation_weight": 0.0}
        subspace = indexes["subspace"]
        variants = [
            ("plain cosine", {"index": indexes["none"], **plain}),
            ("mean-centering", {"index": indexes["centering"], **plain}),
            ("subspace", {"index": subspace, **plain}),
            ("+ collection centering", {"index": subspace, **plain, "language_centering": LANGUAGE_CENTERING}),
            ("+ lexical", {"index": subspace, "theme_boost": 0.0, "concept_weight": 0.0, "translation_weight": 0.0}),
            ("+ themes", {"index": subspace, "concept_weight": 0.0, "translation_weight": 0.0}),
            ("+ concepts", {"index": subspace, "translation_weight": 0.0}),
            ("+ translated query (default)", {"index": indexes[self.settings.debias]}),
        ]

        def ranker(options: dict) -> Callable[[str], list[str]]:
            return lambda query: [h.practice.id for h in search_index(self, query, k=k, **options)]

        return [("lexical only", lambda query: lexical_practices(self, query, k)),
                *((name, ranker(options)) for name, options in variants)]
