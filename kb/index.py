"""FAISS index of passage vectors, saved atomically beside the store with a manifest of what built it."""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from .debias import LanguageDebias
from .embed import Embedder
from .models import now_iso

SCHEMA_VERSION = 2  # 2: de-biasing fitted on runs of reference sentences too (kb/debias.py)
LANGUAGE_MEAN_SHRINK = 20  # passages' weight of the pooled mean in each language's mean (language_means)
MIN_APPROXIMATE = 5_000  # the index stays exact below this many passages, whatever the exact limit


class IndexNotReady(RuntimeError):
    """The index is missing or does not fit the configured embedder; the message says what to run."""


@dataclass(frozen=True, slots=True)
class Manifest:
    model_id: str
    dimension: int
    count: int
    debias: str  # "subspace", "centering" or "none" (kb/debias.py)
    schema_version: int = SCHEMA_VERSION
    built_at: str = ""
    index_type: str = "IDMap2,FlatIP"  # exact; "IVF<nlist>,Flat" beyond Settings.exact_limit passages
    nprobe: int = 0  # lists an IVF search visits (0 for the exact index)


class FaissIndex:
    """Inner product over L2-normalised (and language-centred) vectors; FAISS ids are passage ids."""

    FILE, MANIFEST, DEBIAS = "faiss.index", "manifest.json", "debias.npz"

    def __init__(self, directory: Path, index: faiss.Index, manifest: Manifest, debias: LanguageDebias):
        self.directory = Path(directory)
        self._index = index
        self.manifest = manifest
        self.debias = debias
        self._language_means: dict[str, np.ndarray] | None = None

    # -- life cycle ------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: Path, embedder: Embedder, debias: str = "subspace") -> FaissIndex:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(embedder.dimension))
        manifest = Manifest(embedder.model_id, embedder.dimension, 0, debias, built_at=now_iso())
        return cls(directory, index, manifest, LanguageDebias.fit(embedder, debias))

    @classmethod
    def exists(cls, directory: Path) -> bool:
        return (Path(directory) / cls.MANIFEST).is_file() and (Path(directory) / cls.FILE).is_file()

    @classmethod
    def load(cls, directory: Path) -> FaissIndex:
        directory = Path(directory)
        if not cls.exists(directory):
            raise IndexNotReady(f"No search index in {directory}: run `kb index` (or `kb ingest PATH`) first.")
        manifest = Manifest(**json.loads((directory / cls.MANIFEST).read_text(encoding="utf-8")))
        index = faiss.read_index(str(directory / cls.FILE))
        return cls(directory, index, manifest, LanguageDebias.load(directory / cls.DEBIAS))

    def check(self, embedder: Embedder, debias: str | None = None) -> None:
        """Fail loudly when the index was built by another model: its vectors mean nothing to this one."""
        m = self.manifest
        if m.schema_version != SCHEMA_VERSION:
            raise IndexNotReady(
                f"The search index in {self.directory} has format {m.schema_version}, this program writes "
                f"{SCHEMA_VERSION}: run `kb index` to rebuild it."
            )
        if m.model_id != embedder.model_id or m.dimension != embedder.dimension:
            raise IndexNotReady(
                f"The search index was built with {m.model_id} ({m.dimension} dimensions) but the configured "
                f"model is {embedder.model_id} ({embedder.dimension} dimensions). Run `kb index` to re-embed "
                f"every practice with the configured model, or set KB_MODEL back to the index's model."
            )
        if debias is not None and debias != m.debias:
            raise IndexNotReady(
                f"The search index was built with debias={m.debias}, the settings say debias={debias}: "
                f"run `kb index` to rebuild it."
            )

    def save(self) -> None:
        """Write the index, then the manifest, each to a temporary file renamed into place."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(**{**asdict(self.manifest), "count": int(self._index.ntotal)})
        self.debias.save(self.directory / self.DEBIAS)
        tmp = self.directory / (self.FILE + ".tmp")
        faiss.write_index(self._index, str(tmp))
        os.replace(tmp, self.directory / self.FILE)
        tmp = self.directory / (self.MANIFEST + ".tmp")
        tmp.write_text(json.dumps(asdict(self.manifest), indent=2), encoding="utf-8")
        os.replace(tmp, self.directory / self.MANIFEST)

    def copy(self) -> FaissIndex:
        """An independent copy to change while searches read this one (FAISS indexes are not safe to change
        while other threads search them)."""
        return FaissIndex(self.directory, faiss.clone_index(self._index), self.manifest, self.debias)

    # -- exact or approximate ---------------------------------------------------------------
    @property
    def exact(self) -> bool:
        return not self.manifest.index_type.startswith("IVF")

    def fit_to_size(self, exact_limit: int) -> FaissIndex:
        """This index, or, once it holds more than `exact_limit` passages and is still exact, the same
        vectors in an approximate index (IVF, inverted lists of inner products). Exact search grows
        linearly with the collection; IVF visits `nprobe` of `nlist` lists. The vectors are taken from
        the exact index, so nothing is embedded again."""
        if not self.exact or self.count <= max(exact_limit, MIN_APPROXIMATE):
            return self  # below a few thousand vectors an approximate index buys nothing (and cannot be trained)
        flat = faiss.downcast_index(self._index.index)
        vectors = flat.reconstruct_n(0, self.count)
        ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        nlist = int(min(max(2 * np.sqrt(self.count), 64), 16_384, self.count // 39))  # FAISS: ≥39 points a list
        nprobe = max(8, nlist // 24)  # about 4% of the lists: recall@10 is measured in bench/bench_core.py
        quantizer = faiss.IndexFlatIP(self.manifest.dimension)
        ivf = faiss.IndexIVFFlat(quantizer, self.manifest.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(self.count, size=min(self.count, nlist * 64), replace=False)]
        ivf.train(np.ascontiguousarray(sample))
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # removal and reconstruction by passage id
        ivf.add_with_ids(vectors, ids)
        ivf.nprobe = nprobe
        manifest = Manifest(**{**asdict(self.manifest), "index_type": f"IVF{nlist},Flat", "nprobe": nprobe})
        return FaissIndex(self.directory, ivf, manifest, self.debias)

    # -- content ---------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> set[int]:
        """The passage ids the index holds."""
        if self.exact:
            return set(faiss.vector_to_array(self._index.id_map).tolist())
        lists = faiss.extract_index_ivf(self._index).invlists
        return {int(i) for n in range(lists.nlist)
                for i in faiss.rev_swig_ptr(lists.get_ids(n), lists.list_size(n))}

    def add(self, ids: Sequence[int], vectors: np.ndarray, languages: list[str]) -> None:
        if len(ids) == 0:
            return
        vectors = self.debias.passages(np.asarray(vectors, dtype=np.float32), languages)
        self._index.add_with_ids(np.ascontiguousarray(vectors), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def stored(self, ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The stored (de-biased) vectors of these passages, in order, by id; passages the index does not hold
        (not yet, or no longer: the store may be ahead of the index another process saved) are left out."""
        out = {}
        for i in ids:
            try:
                out[int(i)] = self._index.reconstruct(int(i))
            except RuntimeError:
                continue
        return out

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of these passages, in order; passages not in the index are skipped."""
        out = list(self.stored(ids).values())
        return np.array(out, dtype=np.float32).reshape(len(out), self.manifest.dimension)

    def language_means(self, languages: dict[int, str], shrink: int = LANGUAGE_MEAN_SHRINK) -> dict[str, np.ndarray]:
        """The mean stored vector of each language's passages in this index (`languages`: passage id ->
        language), pulled toward the mean of all passages by `shrink` passages' weight, so that a language
        with a handful of passages is not centred on them. Computed once per index (a changed index is a new
        object)."""
        if self._language_means is None:
            if self.exact:
                vectors = faiss.downcast_index(self._index.index).reconstruct_n(0, self.count)
                ids = faiss.vector_to_array(self._index.id_map)
            else:
                held = self.stored(list(languages))
                ids = np.fromiter(held, dtype=np.int64, count=len(held))
                vectors = np.array(list(held.values()), dtype=np.float32).reshape(len(held), self.manifest.dimension)
            known = np.array([int(i) in languages for i in ids], dtype=bool)
            ids, vectors = ids[known], vectors[known]
            pooled = vectors.mean(axis=0) if len(vectors) else np.zeros(self.manifest.dimension, np.float32)
            langs = np.array([languages[int(i)] for i in ids])
            means = {}
            for lang in set(langs.tolist()):
                rows = vectors[langs == lang]
                means[lang] = ((rows.sum(axis=0) + shrink * pooled) / (len(rows) + shrink)).astype(np.float32)
            self._language_means = means
        return self._language_means

    def score(self, query: np.ndarray, ids: Sequence[int], language: str = "") -> dict[int, float]:
        """Scores of given passages (found by another leg) for a raw query vector."""
        if not len(ids):
            return {}
        q = self.debias.query(np.asarray(query, dtype=np.float32), language)
        return {i: float(v @ q) for i, v in self.stored(ids).items()}

    def search(
        self, query: np.ndarray, k: int, language: str = "", only: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k passage ids with scores for a raw query vector (de-biased here).

        `language` is the query's, for per-language centering; `only` restricts the search to these ids.
        """
        if self.count == 0 or (only is not None and not len(only)):
            return []
        q = self.debias.query(np.asarray(query, dtype=np.float32), language)
        selector = faiss.IDSelectorBatch(np.asarray(only, dtype=np.int64)) if only is not None else None
        if self.exact:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        else:
            # A filter that keeps a small share of the passages leaves few of them in the usual lists:
            # visit proportionally more lists, up to all of them.
            share = len(only) / self.count if only is not None else 1.0
            nprobe = min(self._index.nlist, int(np.ceil(self.manifest.nprobe / max(share, 1e-6))))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe) if selector is not None \
                else faiss.SearchParametersIVF(nprobe=nprobe)
        scores, ids = self._index.search(q.reshape(1, -1), min(k, self.count), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]
