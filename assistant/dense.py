"""The dense side of an index: passage vectors searched by inner product (cosine, on normalised vectors).

`DenseStore` is what the rest of the code may ask of it. `FaissStore` keeps the vectors in memory with a FAISS
index over them (exact inner product, HNSW, or IVF, an inverted file of clusters, chosen by a setting);
`PostgresStore` (postgres_store.py) keeps them in a pgvector table. `new_store`, `open_store` and `remove_stored`
pick the one a setting or a saved build names. Nothing outside these two modules touches FAISS, the database or
the vectors' files."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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


class NearestVectors:
    """Exact nearest-neighbour search over a few thousand unit vectors kept in memory (the briefs' words,
    spelling.NearWords). FAISS's rather than a NumPy product: one this size wakes OpenBLAS's threads, which then
    compete with the model's for the cores (the next question's embedding took twice as long)."""

    def __init__(self, vectors: np.ndarray) -> None:
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def nearest(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine, position) of the nearest vector to each row of `queries`."""
        cosines, positions = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), 1)
        return cosines[:, 0], positions[:, 0]


def save_dense(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))


class DenseStore(Protocol):
    """What retrieval, answering and builds ask of the dense side of an index. Positions are passage positions."""

    kind: str

    def __len__(self) -> int: ...

    @property
    def dimension(self) -> int: ...

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        """Position -> cosine of the k passages nearest to `query`, optionally among `allowed` positions only."""
        ...

    def cosines(self, query: np.ndarray, positions: Sequence[int]) -> np.ndarray:
        """The cosine of each of these passages with `query`."""
        ...

    def near_duplicates(self, threshold: float, k: int) -> list[list[int]]:
        """For each passage, the other passages among its k nearest with a cosine of at least `threshold`."""
        ...

    def save(self, folder: Path) -> None: ...

    def discard(self) -> None:
        """Remove what the store keeps outside the index folder (a build that failed)."""
        ...

    def searched_on(self) -> str:
        """Where searches run now: "memory", "primary" or "replica"."""
        ...


VECTORS_FILE, FAISS_FILE = "vectors.npy", "dense.faiss"
DUPLICATE_PROBE = 2  # IVF clusters probed for near-duplicates: a twin at cosine >= 0.9 lies in its own cluster or the next


@dataclass
class FaissStore:
    """Passage vectors in memory and a FAISS index over them. Search breadth (HNSW efSearch, IVF clusters probed)
    comes from the settings the store was built or loaded with."""

    vectors: np.ndarray
    index: faiss.Index
    kind: str
    settings: Settings

    @classmethod
    def build(cls, vectors: np.ndarray, settings: Settings) -> "FaissStore":
        """A store over `vectors` (normalised rows), of the kind the settings choose for their count."""
        kind = choose_kind(settings, len(vectors))
        return cls(vectors, build_dense(vectors, kind, settings), kind, settings)

    @classmethod
    def load(cls, folder: Path, kind: str, settings: Settings) -> "FaissStore":
        """The saved store; its vectors (for filtered search and cosines of given passages) mapped from the file,
        not read into memory beside the FAISS index's own copy."""
        return cls(saved_vectors(folder), load_dense(folder / FAISS_FILE), kind, settings)

    def save(self, folder: Path) -> None:
        np.save(folder / VECTORS_FILE, self.vectors)
        save_dense(self.index, folder / FAISS_FILE)

    def discard(self) -> None:
        """Nothing: a FAISS store lives in its build folder."""

    def searched_on(self) -> str:
        return "memory"

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        if allowed is not None:  # exact scores over the chosen passages only, by FAISS's own inner product: numpy's
            # (BLAS) sums in another order and differs in the last bits, and so would the answers' scores from an
            # unrestricted search's (and PostgreSQL's, which agrees with FAISS)
            k = min(k, len(allowed))
            if k == 0:
                return {}
            subset = np.ascontiguousarray(self.vectors[allowed], dtype=np.float32)
            scores, rows = faiss.knn(np.asarray(query, dtype=np.float32).reshape(1, -1), subset, k, metric=faiss.METRIC_INNER_PRODUCT)
            found = sorted((-float(score), int(allowed[i])) for score, i in zip(scores[0], rows[0]) if i >= 0)
            return {position: -negative for negative, position in found}  # best first, ties by position (as PostgreSQL)
        scores, positions = search_dense(self.index, query, k, self.settings)
        return {int(p): float(s) for s, p in zip(scores, positions) if p >= 0}

    def cosines(self, query: np.ndarray, positions: Sequence[int]) -> np.ndarray:
        return self.vectors[np.asarray(positions, dtype=np.int64)] @ query

    def near_duplicates(self, threshold: float, k: int) -> list[list[int]]:
        k = min(k, len(self.vectors))
        probe = getattr(self.index, "nprobe", None)
        if probe is not None:
            self.index.nprobe = min(probe, DUPLICATE_PROBE)
        try:
            scores, positions = self.index.search(np.ascontiguousarray(self.vectors, dtype=np.float32), k)
        finally:
            if probe is not None:
                self.index.nprobe = probe
        return [
            [int(j) for score, j in zip(row_scores, row_positions) if j >= 0 and j != i and score >= threshold]
            for i, (row_scores, row_positions) in enumerate(zip(scores, positions))
        ]


def saved_vectors(folder: Path) -> np.ndarray:
    """The passage vectors a saved build keeps in its folder, whatever its store (what an incremental build reuses),
    mapped from the file read-only rather than read into memory (a plain array over the mapping: numpy's memmap type
    costs a Python call on every row taken)."""
    return np.load(folder / VECTORS_FILE, mmap_mode="r").view(np.ndarray)


def new_store(vectors: np.ndarray, doc_ids: Sequence[str], settings: Settings, index_dir: Path | None = None) -> DenseStore:
    """A store over a build's passage vectors (those of passages from `doc_ids`, in order), of the kind the
    settings ask for (`store`). With `index_dir` (a build of that index, under its build lock), what earlier
    interrupted builds of it left in the database is removed first; without it (a benchmark), nothing is."""
    if settings.store == "postgres":
        from .postgres_store import PostgresStore, index_owner

        if index_dir is None:
            return PostgresStore.build(vectors, doc_ids, settings)
        owner = index_owner(index_dir)
        PostgresStore.drop_orphans(index_dir / "builds", owner, settings)
        return PostgresStore.build(vectors, doc_ids, settings, owner)
    return FaissStore.build(vectors, settings)


def open_store(folder: Path, kind: str, settings: Settings) -> DenseStore:
    """The store a saved build holds, whichever kind it is (whatever the settings ask of new builds)."""
    from .postgres_store import PostgresStore

    if PostgresStore.holds(folder):
        return PostgresStore.load(folder, settings)
    return FaissStore.load(folder, kind, settings)


def remove_stored(folder: Path, settings: Settings) -> None:
    """Remove what a build being deleted keeps outside its folder (a PostgreSQL table)."""
    from .postgres_store import PostgresStore

    if PostgresStore.holds(folder):
        PostgresStore.drop(folder, settings)
