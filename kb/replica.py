"""An instance's FAISS index as a replica of the vectors in PostgreSQL (kb/store/pg_vectors.py).

Built from the database when the instance first needs it, then kept current from the database's log of passage
changes: every search looks for new changes at most every FOLLOW_SECONDS (one small query), and `follow()`
starts a thread that LISTENs for the database's notifications and applies changes as they come, so that a
write on one instance is searchable on every other within a second or two. A change is applied to a copy of the
index, which then replaces the one searches read (FAISS indexes are not safe to change while others search).
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from .embed import Embedder
from .index import FaissIndex, IndexNotReady
from .store.pg_vectors import PgVectorStore, VectorBatch

logger = logging.getLogger(__name__)

FOLLOW_SECONDS = 0.5  # a search looks for changes made by other instances at most this often


class IndexReplica:
    """The FAISS index of one instance, following the database."""

    def __init__(self, store: PgVectorStore, directory: Path, embedder: Embedder, debias: str, exact_limit: int):
        self.store = store
        self.directory = directory
        self.embedder = embedder
        self.debias = debias
        self.exact_limit = exact_limit
        self._index: FaissIndex | None = None
        self._position = 0
        self._pending: frozenset[int] = frozenset()  # changes applied whose transactions are not final yet
        self._checked = 0.0
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def position(self) -> int:
        """How far this replica has read the database's log: every change of an older transaction is applied."""
        return self._position

    def index(self) -> FaissIndex:
        """The current index: built from the database on first use, then brought up to date when the last look
        for changes is older than FOLLOW_SECONDS."""
        with self._lock:
            if self._index is None:
                self._build()
            elif time.monotonic() - self._checked > FOLLOW_SECONDS:
                self.sync()
            return self._index

    def _check_model(self) -> None:
        stored = self.store.vectors_model()
        if stored and stored != (self.embedder.model_id, self.embedder.dimension):
            raise IndexNotReady(  # the words of kb/index.py's check: the same situation on either backend
                f"The search index (the vectors in the database) was built with {stored[0]} ({stored[1]} "
                f"dimensions) but the configured model is {self.embedder.model_id} ({self.embedder.dimension} "
                f"dimensions). Run `kb index` to re-embed every practice with the configured model, or set "
                f"KB_MODEL back to the index's model.")
        chosen = self.store.search_debias(self.debias)
        if chosen != self.debias:  # the words of kb/index.py's check
            raise IndexNotReady(f"The search index was built with debias={chosen}, the settings say "
                                f"debias={self.debias}: run `kb index` to rebuild it.")

    def _build(self) -> None:
        self._check_model()
        index = FaissIndex.create(self.directory, self.embedder, self.debias)

        def add(batch: VectorBatch) -> None:
            index.add(batch.ids, batch.vectors, batch.languages)

        started = time.perf_counter()
        self._position = self.store.all_vectors(self.embedder.dimension, add)
        self._pending = frozenset()
        self._index = index.fit_to_size(self.exact_limit)
        self._checked = time.monotonic()
        logger.info("Search index replica built from the database: %d passages in %.1f s", self._index.count,
                    time.perf_counter() - started)

    def sync(self) -> FaissIndex:
        """Apply the changes other instances (or this one) made since the last look; returns the index."""
        with self._lock:
            if self._index is None:
                self._build()
                return self._index
            self._checked = time.monotonic()
            log = self.store.changes_since(self._position, self.embedder.dimension, self._pending)
            self._pending = log.pending
            if not log.removed and not log.added.ids:
                self._position = log.position
                return self._index
            index = self._index.copy()
            index.remove([*log.removed, *log.added.ids])  # an id added twice (a re-run) is held once
            index.add(log.added.ids, log.added.vectors, log.added.languages)
            self._index = index.fit_to_size(self.exact_limit)
            self._position = log.position
            return self._index

    def rebuild(self) -> FaissIndex:
        """Read every vector again (after `kb index` replaced them all)."""
        with self._lock:
            self._index = None
            self._build()
            return self._index

    # -- following the database's notifications ------------------------------------------------
    def follow(self) -> None:
        """Apply changes as the database announces them, in a background thread (the web server's)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._listen, name="kb-replica", daemon=True)
            self._thread.start()

    def _listen(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.store.url, autocommit=True) as conn:
                    conn.execute("LISTEN kb_passages")
                    schema = self.store.schema or conn.execute("SELECT current_schema()").fetchone()[0]
                    self.sync()  # what changed before listening began
                    while not self._stop.is_set():
                        if any(n.payload == schema for n in conn.notifies(timeout=1.0, stop_after=64)):
                            self.sync()
            except Exception as exc:  # the database went away: try again, searches still poll meanwhile
                logger.warning("Following the database's changes stopped (%s); retrying", exc)
                self._stop.wait(2.0)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
