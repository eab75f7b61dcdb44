"""Removing the language component from multilingual embeddings, so that topic ranks before language.

multilingual-e5 vectors carry a strong language signal: with plain cosine a Ukrainian query is
closer to almost any Ukrainian text than to a Polish text on its own topic. We learn where that
signal lives from a small *parallel* reference set (the same 70 sentences on urban policy in
Polish, Ukrainian and English, kb/data/reference_sentences.tsv): for every sentence, the
differences between its translations are language alone, not topic. Queries are short, like the
sentences; the index holds passages of up to 120 words, and a longer text carries its language
differently: on the passage side, runs of 3 consecutive sentences (still parallel) join the single
ones. On the corpus this halves the advantage an English query still gives English passages (+0.028
-> +0.015 mean cosine) and lifts en->pl nDCG@10 from 0.745 to 0.786, at the cost of embedding 210 more
texts once per index (README, "Measured on the dev set").

Two methods, both measured by `kb eval` (see the README for the figures):
- "centering": subtract each language's mean vector (per-language mean-centering);
- "subspace" (the default): subtract the pooled mean, then project out the top-r directions of the
  translation differences (a low-rank language subspace). It needs no language label, so a
  mis-detected query language cannot hurt, and it keeps same-language retrieval intact.
Queries and passages have their own means (e5 embeds them with different prefixes).
"""
from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import numpy as np

from .config import DEBIAS_METHODS as METHODS
from .embed import Embedder

POOLED = "*"
DEFAULT_RANK = 8
PASSAGE_RUNS = (1, 3)  # reference texts on the passage side: each sentence, and each run of 3 consecutive ones


def reference_sentences() -> dict[str, list[str]]:
    """The parallel reference set: language code -> sentences (row i is the same sentence in each)."""
    text = resources.files("kb").joinpath("data/reference_sentences.tsv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    return {lang: [row[lang] for row in rows] for lang in rows[0]}


def reference_texts(runs: tuple[int, ...] = PASSAGE_RUNS) -> dict[str, list[str]]:
    """The reference sentences and runs of consecutive ones (wrapping round at the end), still parallel:
    text i is the same in every language."""
    sentences = reference_sentences()
    n = len(next(iter(sentences.values())))
    starts = [(start, size) for size in runs for start in range(n)]
    return {lang: [" ".join(s[(start + j) % n] for j in range(size)) for start, size in starts]
            for lang, s in sentences.items()}


_REFERENCE_CACHE: dict[str, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = {}


def _reference_vectors(embedder: Embedder) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The reference texts embedded as passages (sentences and runs) and as queries (sentences), once per
    model and process."""
    if embedder.model_id not in _REFERENCE_CACHE:
        _REFERENCE_CACHE[embedder.model_id] = (
            {lang: embedder.embed_passages(s) for lang, s in reference_texts().items()},
            {lang: embedder.embed_queries(s) for lang, s in reference_sentences().items()},
        )
    return _REFERENCE_CACHE[embedder.model_id]


def _normalise(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.maximum(norms, 1e-12)).astype(np.float32)


class LanguageDebias:
    """Means to subtract (per language, or pooled under '*') and an optional basis to project out."""

    def __init__(self, method: str, passage_means: dict[str, np.ndarray], query_means: dict[str, np.ndarray],
                 basis: np.ndarray | None = None):
        self.method = method
        self.passage_means = passage_means
        self.query_means = query_means
        self.basis = basis

    @classmethod
    def identity(cls) -> LanguageDebias:
        return cls("none", {}, {})

    @classmethod
    def fit(cls, embedder: Embedder, method: str = "subspace", rank: int = DEFAULT_RANK) -> LanguageDebias:
        """Embed the reference set with this embedder and learn the language means or subspace."""
        if method not in METHODS:
            raise ValueError(f"Unknown de-biasing method {method!r}; choose one of {', '.join(METHODS)}")
        if method == "none":
            return cls.identity()
        passages, queries = _reference_vectors(embedder)
        p_means = {lang: v.mean(axis=0) for lang, v in passages.items()}
        q_means = {lang: v.mean(axis=0) for lang, v in queries.items()}
        p_means[POOLED] = np.mean(list(p_means.values()), axis=0)
        q_means[POOLED] = np.mean(list(q_means.values()), axis=0)
        if method == "centering":
            return cls(method, p_means, q_means)
        # Each text's translations minus their average: what differs between them is the language.
        diffs = [vectors - np.mean(list(group.values()), axis=0)
                 for group in (passages, queries) for vectors in group.values()]
        _, _, vt = np.linalg.svd(np.vstack(diffs), full_matrices=False)
        return cls(method, {POOLED: p_means[POOLED]}, {POOLED: q_means[POOLED]}, vt[:rank].astype(np.float32))

    @property
    def enabled(self) -> bool:
        return self.method != "none"

    @property
    def needs_query_language(self) -> bool:
        return any(k != POOLED for k in self.query_means)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(k for k in self.query_means if k != POOLED))

    def _apply(self, vectors: np.ndarray, means: np.ndarray) -> np.ndarray:
        centred = vectors - means
        if self.basis is not None:
            centred = centred - (centred @ self.basis.T) @ self.basis
        return _normalise(centred)

    def passages(self, vectors: np.ndarray, languages: list[str]) -> np.ndarray:
        if not self.enabled or len(vectors) == 0:
            return vectors
        pooled = self.passage_means[POOLED]
        means = np.stack([self.passage_means.get(lang, pooled) for lang in languages])
        return self._apply(vectors, means)

    def query(self, vector: np.ndarray, language: str = "") -> np.ndarray:
        if not self.enabled:
            return vector
        return self._apply(vector, self.query_means.get(language, self.query_means[POOLED]))

    def save(self, path: Path) -> None:
        arrays = {f"p_{k}": v for k, v in self.passage_means.items()}
        arrays |= {f"q_{k}": v for k, v in self.query_means.items()}
        if self.basis is not None:
            arrays["basis"] = self.basis
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, method=np.array(self.method), **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> LanguageDebias:
        if not path.exists():
            return cls.identity()
        with np.load(path) as data:
            p = {k[2:]: data[k] for k in data.files if k.startswith("p_")}
            q = {k[2:]: data[k] for k in data.files if k.startswith("q_")}
            basis = data["basis"] if "basis" in data.files else None
            return cls(str(data["method"]), p, q, basis)
