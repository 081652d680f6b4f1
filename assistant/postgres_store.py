"""The dense store in PostgreSQL: passage vectors in a pgvector table with an HNSW index (inner product).

Each build writes a table of its own (`dense_<12 hex digits>`), named in the build folder's `store.json`; the build
folder goes live as before (CURRENT is replaced atomically), so a reader sees the old build's table or the new one,
never a half-written one. Removing an old build drops its table; a build that fails drops the table it was writing.
The build folder also keeps the vectors (`vectors.npy`) so that an incremental build reuses them without the
database. BM25 and the sentence vectors stay in the index folder.

Queries are exact when they filter by document (an ordinary scan over the chosen passages), approximate through HNSW
otherwise, with `hnsw_ef_search` as pgvector's `hnsw.ef_search` (at most 1,000). One connection per store, used by
one thread at a time.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .dense import VECTORS_FILE
from .errors import StoreUnavailable
from .settings import Settings

STORE_FILE = "store.json"
KIND = "pgvector-hnsw"
MAX_EF_SEARCH = 1000  # pgvector's limit


def _unavailable(error: Exception) -> StoreUnavailable:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return StoreUnavailable(
        f"The PostgreSQL store at ASSISTANT_DATABASE_URL failed: {reason[:300]}. Check that the server runs, that the "
        "URL is right and that the pgvector extension can be created there."
    )


def _connect(settings: Settings):  # type: ignore[no-untyped-def]
    import psycopg
    from pgvector.psycopg import register_vector

    assert settings.database_url is not None  # Settings refuses store=postgres without it
    try:
        connection = psycopg.connect(settings.database_url.get_secret_value(), autocommit=True, connect_timeout=10)
        connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(connection)
    except psycopg.Error as error:
        raise _unavailable(error) from error
    return connection


class PostgresStore:
    """Passage vectors in one PostgreSQL table; positions are the table's primary key."""

    kind = KIND

    def __init__(self, table: str, count: int, dimension: int, settings: Settings, vectors: np.ndarray | None = None) -> None:
        self.table, self._count, self._dimension = table, count, dimension
        self._vectors = vectors  # only while building: written to the folder for incremental builds
        self._connection = _connect(settings)
        self._connection.execute(f"SET hnsw.ef_search = {min(MAX_EF_SEARCH, settings.hnsw_ef_search)}")
        self._lock = threading.Lock()

    @classmethod
    def build(cls, vectors: np.ndarray, settings: Settings) -> "PostgresStore":
        """A new table holding `vectors` (normalised rows) with an HNSW index over them."""
        table = f"dense_{uuid.uuid4().hex[:12]}"
        dimension = int(vectors.shape[1])
        import psycopg

        store = cls(table, len(vectors), dimension, settings, vectors)
        connection = store._connection
        try:
            connection.execute(f"CREATE TABLE {table} (position integer PRIMARY KEY, embedding vector({dimension}) NOT NULL)")
            with connection.cursor().copy(f"COPY {table} (position, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "vector"])
                for position, vector in enumerate(np.asarray(vectors, dtype=np.float32)):
                    copy.write_row((position, vector))
            connection.execute(
                f"CREATE INDEX ON {table} USING hnsw (embedding vector_ip_ops) WITH (m = {int(settings.hnsw_m)}, "
                f"ef_construction = {int(settings.hnsw_ef_construction)})"
            )
        except BaseException as error:
            try:
                store.discard()
            except StoreUnavailable:
                pass  # the connection is gone; so is the transaction that created the table, or it was never made
            if isinstance(error, psycopg.Error):
                raise _unavailable(error) from error
            raise
        return store

    @classmethod
    def load(cls, folder: Path, settings: Settings) -> "PostgresStore":
        record = json.loads((folder / STORE_FILE).read_text())
        store = cls(record["table"], int(record["count"]), int(record["dimension"]), settings)
        count = store._one(f"SELECT count(*) FROM {store.table}")
        if count is None or int(count[0]) != store._count:
            raise ValueError(f"table {store.table} holds {count and count[0]} vectors, the build {store._count}")
        return store

    @staticmethod
    def holds(folder: Path) -> bool:
        """Whether the build in `folder` keeps its vectors in PostgreSQL."""
        return (folder / STORE_FILE).exists()

    @staticmethod
    def drop(folder: Path, settings: Settings) -> None:
        """Drop the table of the build in `folder` (an old build being removed)."""
        table = json.loads((folder / STORE_FILE).read_text())["table"]
        with _connect(settings) as connection:
            connection.execute(f"DROP TABLE IF EXISTS {table}")

    def save(self, folder: Path) -> None:
        if self._vectors is not None:
            np.save(folder / VECTORS_FILE, self._vectors)
        record = {"table": self.table, "count": self._count, "dimension": self._dimension}
        (folder / STORE_FILE).write_text(json.dumps(record))

    def discard(self) -> None:
        """Drop this store's table (a build that failed)."""
        import psycopg

        with self._lock:
            try:
                self._connection.execute(f"DROP TABLE IF EXISTS {self.table}")
            except psycopg.Error as error:
                raise _unavailable(error) from error

    def __len__(self) -> int:
        return self._count

    @property
    def dimension(self) -> int:
        return self._dimension

    def _one(self, query: str, parameters: tuple = ()) -> tuple | None:  # type: ignore[type-arg]
        rows = self._all(query, parameters)
        return rows[0] if rows else None

    def _all(self, query: str, parameters: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
        import psycopg

        with self._lock:
            try:
                return self._connection.execute(query, parameters).fetchall()
            except psycopg.Error as error:
                raise _unavailable(error) from error

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> dict[int, float]:
        vector = np.asarray(query, dtype=np.float32)
        if allowed is not None:  # exact: ordering by the score, not by the operator, keeps the index out of it
            rows = self._all(
                f"SELECT position, -(embedding <#> %s) AS score FROM {self.table} WHERE position = ANY(%s) "
                "ORDER BY score DESC, position LIMIT %s",
                (vector, [int(p) for p in allowed], k),
            )
        else:
            rows = self._all(
                f"SELECT position, -(embedding <#> %s) FROM {self.table} ORDER BY embedding <#> %s LIMIT %s",
                (vector, vector, k),
            )
        return {int(position): float(score) for position, score in rows}

    def cosines(self, query: np.ndarray, positions: Sequence[int]) -> np.ndarray:
        wanted = [int(p) for p in positions]
        rows = dict(self._all(
            f"SELECT position, -(embedding <#> %s) FROM {self.table} WHERE position = ANY(%s)",
            (np.asarray(query, dtype=np.float32), wanted),
        ))
        return np.array([rows[p] for p in wanted], dtype=np.float32)

    def near_duplicates(self, threshold: float, k: int) -> list[list[int]]:
        rows = self._all(
            f"SELECT a.position, b.position FROM {self.table} a CROSS JOIN LATERAL (SELECT position, embedding "
            f"FROM {self.table} b ORDER BY b.embedding <#> a.embedding LIMIT %s) b "
            "WHERE b.position <> a.position AND -(a.embedding <#> b.embedding) >= %s ORDER BY a.position, "
            "a.embedding <#> b.embedding",
            (k, threshold),
        )
        near: list[list[int]] = [[] for _ in range(self._count)]
        for position, other in rows:
            near[int(position)].append(int(other))
        return near
