"""Dense vector search with FAISS: exact inner product or HNSW, chosen by a setting."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from .settings import Settings


def choose_kind(settings: Settings, count: int) -> str:
    """"exact" or "hnsw" for a collection of `count` passages."""
    if settings.ann == "auto":
        return "hnsw" if count > settings.ann_threshold else "exact"
    return settings.ann


def build_dense(vectors: np.ndarray, kind: str, settings: Settings) -> faiss.Index:
    """A FAISS index over normalised vectors, where inner product is cosine similarity."""
    dimension = vectors.shape[1]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
        index.hnsw.efSearch = settings.hnsw_ef_search
    else:
        index = faiss.IndexFlatIP(dimension)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def search_dense(index: faiss.Index, query: np.ndarray, k: int, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(scores, positions) of the k nearest passages; positions of -1 are padding."""
    k = max(1, min(k, index.ntotal))
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = max(settings.hnsw_ef_search, k)
    scores, positions = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    return scores[0], positions[0]


def save_dense(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
