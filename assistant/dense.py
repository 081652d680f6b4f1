"""Dense vector search with FAISS: exact inner product, HNSW, or IVF (an inverted file of clusters), chosen by a
setting."""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from .settings import Settings


IVF_TRAINING_PER_LIST = 50  # vectors per cluster its centroids are learnt from (a sample; FAISS's own default is 256)
IVF_MIN_PASSAGES = 1_000  # fewer vectors than this are too few to learn clusters from; exact search is fast there


def choose_kind(settings: Settings, count: int) -> str:
    """"exact", "hnsw" or "ivf" for a collection of `count` passages."""
    kind = ("ivf" if count > settings.ann_threshold else "exact") if settings.ann == "auto" else settings.ann
    return "exact" if kind == "ivf" and count < IVF_MIN_PASSAGES else kind


def ivf_lists(settings: Settings, count: int) -> int:
    """How many clusters an IVF index of `count` passages has: the setting, else 4·√count; never more than one
    per 39 vectors, the fewest FAISS learns a centroid from."""
    wanted = settings.ivf_lists or round(4 * math.sqrt(count))
    return max(1, min(wanted, count // 39))


def build_dense(vectors: np.ndarray, kind: str, settings: Settings) -> faiss.Index:
    """A FAISS index over normalised vectors, where inner product is cosine similarity."""
    dimension = vectors.shape[1]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
        index.hnsw.efSearch = settings.hnsw_ef_search
    elif kind == "ivf":
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, ivf_lists(settings, len(vectors)),
                                   faiss.METRIC_INNER_PRODUCT)
        index.cp.max_points_per_centroid = IVF_TRAINING_PER_LIST  # FAISS samples the training vectors (fixed seed)
        index.train(np.ascontiguousarray(vectors, dtype=np.float32))
        index.nprobe = settings.ivf_probe
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
    elif isinstance(index, faiss.IndexIVF):
        index.nprobe = settings.ivf_probe
    scores, positions = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    return scores[0], positions[0]


def save_dense(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
