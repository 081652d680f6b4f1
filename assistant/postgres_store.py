"""The dense store in PostgreSQL: passage vectors in a pgvector table with an HNSW index (inner product).

Each build writes a table of its own (`dense_<12 hex digits>`), named in the build folder's `store.json` and
recorded in the database's `assistant_builds` table (model, dimension, passage count, chunking), all in one
transaction: the database holds a build's table whole, with its index and its record, or not at all. The build
folder goes live as before (CURRENT is replaced atomically), so a reader sees the old build's table or the new one,
never a half-written one. Loading a build checks the database's record against the folder's. Removing an old build
drops its table and its record together; a build that fails leaves neither. Records name the index folder they were
built for (`index_owner`), and each build first drops the tables its folder recorded that no build folder names
(a build killed between the database's commit and its folder going live). The build folder also keeps the vectors
(`vectors.npy`) so that an incremental build reuses them without the database. BM25 and the sentence vectors stay
in the index folder.

The schema is ready for Citus: every table is keyed by (`doc_id`, `position`), so `doc_id` can be its distribution
column. Queries are exact when they filter by document (an ordinary scan over the chosen passages), approximate
through HNSW otherwise, with `hnsw_ef_search` as pgvector's `hnsw.ef_search` (at most 1,000).

Reads and writes: builds, drops and the load-time check go to the primary (`database_url`). Searches go to a read
replica (`database_replica_urls`; each process picks one) as soon as it holds the live build whole; until then,
and for `replica_retry_seconds` after a replica fails, they go to the primary, so a build is searchable the moment
it is live (read-your-writes). One connection to each server per store, used by one thread at a time.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .dense import VECTORS_FILE
from .errors import StoreUnavailable
from .settings import Settings

STORE_FILE = "store.json"
KIND = "pgvector-hnsw"
MAX_EF_SEARCH = 1000  # pgvector's limit
BUILDS_TABLE = "assistant_builds"
OWNER_FILE = "OWNER"


def _unavailable(error: Exception) -> StoreUnavailable:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return StoreUnavailable(
        f"The PostgreSQL store at ASSISTANT_DATABASE_URL failed: {reason[:300]}. Check that the server runs, that the "
        "URL is right and that the pgvector extension can be created there."
    )


def replica_urls(settings: Settings) -> list[str]:
    """The read replicas the settings name, in order (comma-separated in one secret)."""
    if settings.database_replica_urls is None:
        return []
    return [url.strip() for url in settings.database_replica_urls.get_secret_value().split(",") if url.strip()]


def _connect(url: str, create: bool = False):  # type: ignore[no-untyped-def]
    """A connection in autocommit mode with pgvector's types registered. `create`: make the extension and the
    builds table first (the primary only; a replica is read-only)."""
    import psycopg
    from pgvector.psycopg import register_vector

    connection = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="ssr-brief-assistant")
    try:
        if create:
            connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {BUILDS_TABLE} (dense_table text PRIMARY KEY, model text NOT NULL, "
                "dimension integer NOT NULL, passages integer NOT NULL, chunking jsonb NOT NULL, "
                "created timestamptz NOT NULL DEFAULT now(), owner text)"
            )
            connection.execute(f"ALTER TABLE {BUILDS_TABLE} ADD COLUMN IF NOT EXISTS owner text")  # made before owners
        register_vector(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _primary(settings: Settings):  # type: ignore[no-untyped-def]
    import psycopg

    assert settings.database_url is not None  # Settings refuses store=postgres without it
    try:
        return _connect(settings.database_url.get_secret_value(), create=True)
    except psycopg.Error as error:
        raise _unavailable(error) from error


def index_owner(index_dir: Path) -> str:
    """The id under which an index folder's builds are recorded in a database that other index folders may share:
    made on its first PostgreSQL build (under the build lock), kept in the folder's OWNER file."""
    path = index_dir / OWNER_FILE
    if not path.exists():
        temporary = path.with_name(f".{OWNER_FILE}.tmp")
        temporary.write_text(uuid.uuid4().hex)
        temporary.replace(path)
    return path.read_text().strip()


def _record(table: str, count: int, dimension: int, settings: Settings) -> dict[str, Any]:
    from .store import chunking_settings

    return {"table": table, "count": count, "dimension": dimension, "model": settings.embedding_model,
            "chunking": chunking_settings(settings)}


class PostgresStore:
    """Passage vectors in one PostgreSQL table; positions are passage positions, `doc_id` the distribution key."""

    kind = KIND

    def __init__(self, record: dict[str, Any], settings: Settings, vectors: np.ndarray | None = None) -> None:
        self.table, self._count, self._dimension = record["table"], int(record["count"]), int(record["dimension"])
        self._record = record
        self._vectors = vectors  # only while building: written to the folder for incremental builds
        self._ef_search = min(MAX_EF_SEARCH, settings.hnsw_ef_search)
        self._retry_seconds = settings.replica_retry_seconds
        replicas = replica_urls(settings) if vectors is None else []  # a build reads what it just wrote: the primary
        self._replica = replicas[os.getpid() % len(replicas)] if replicas else None
        self._reader: Any = None  # the replica's connection, once it holds this build
        self._retry_at = 0.0
        self._lock = threading.Lock()
        self._connection = _primary(settings)
        self._connection.execute(f"SET hnsw.ef_search = {self._ef_search}")

    @classmethod
    def build(
        cls, vectors: np.ndarray, doc_ids: Sequence[str], settings: Settings, owner: str | None = None
    ) -> "PostgresStore":
        """A new table holding `vectors` (normalised rows, the passages of `doc_ids`) with an HNSW index over them
        and its record in the builds table, in one transaction. `owner`: the index folder it is built for (none
        for a benchmark's table)."""
        import psycopg

        if len(doc_ids) != len(vectors):
            raise ValueError(f"{len(vectors)} vectors for {len(doc_ids)} passages")
        table = f"dense_{uuid.uuid4().hex[:12]}"
        record = _record(table, len(vectors), int(vectors.shape[1]), settings)
        store = cls(record, settings, vectors)
        try:
            with store._connection.transaction():
                store._create(vectors, doc_ids, settings, owner)
        except BaseException as error:  # the transaction is rolled back: neither the table nor its record remain
            store._connection.close()
            if isinstance(error, psycopg.Error):
                raise _unavailable(error) from error
            raise
        return store

    def _create(self, vectors: np.ndarray, doc_ids: Sequence[str], settings: Settings, owner: str | None) -> None:
        connection, table = self._connection, self.table
        connection.execute(
            f"CREATE TABLE {table} (doc_id text NOT NULL, position integer NOT NULL, "
            f"embedding vector({self._dimension}) NOT NULL, PRIMARY KEY (doc_id, position))"
        )
        with connection.cursor().copy(f"COPY {table} (doc_id, position, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["text", "int4", "vector"])
            for position, (doc_id, vector) in enumerate(zip(doc_ids, np.asarray(vectors, dtype=np.float32))):
                copy.write_row((doc_id, position, vector))
        connection.execute(f"CREATE INDEX ON {table} (position)")
        connection.execute(
            f"CREATE INDEX ON {table} USING hnsw (embedding vector_ip_ops) WITH (m = {int(settings.hnsw_m)}, "
            f"ef_construction = {int(settings.hnsw_ef_construction)})"
        )
        connection.execute(
            f"INSERT INTO {BUILDS_TABLE} (dense_table, model, dimension, passages, chunking, owner) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (table, self._record["model"], self._dimension, self._count, json.dumps(self._record["chunking"]), owner),
        )

    @classmethod
    def load(cls, folder: Path, settings: Settings) -> "PostgresStore":
        """The store of the build in `folder`, after checking on the primary that the database's record of the
        build and its table's size agree with the folder's. Raises ValueError when they do not."""
        import psycopg

        record = json.loads((folder / STORE_FILE).read_text())
        store = cls(record, settings)
        try:
            problem = store._missing_from(store._connection)
        except psycopg.Error as error:
            store._connection.close()
            raise _unavailable(error) from error
        if problem is not None:
            store._connection.close()
            raise ValueError(problem)
        return store

    def _missing_from(self, connection: Any) -> str | None:
        """What the server behind `connection` lacks of this build (None: it holds it whole, its record as the
        folder has it and its table with every row)."""
        row = self._one_on(
            connection,
            f"SELECT model, dimension, passages, chunking, to_regclass(dense_table) IS NOT NULL FROM {BUILDS_TABLE} "
            "WHERE dense_table = %s",
            (self.table,),
        )
        if row is None or not row[4]:
            return f"the database holds no build table {self.table} (restored from another backup, or dropped?)"
        record = self._record
        held, expected = row[:4], (record.get("model"), self._dimension, self._count, record.get("chunking"))
        if held != expected:
            return f"the database's record of table {self.table} {held} does not match the build folder's {expected}"
        count = self._one_on(connection, f"SELECT count(*) FROM {self.table}")
        if count is None or int(count[0]) != self._count:
            return f"table {self.table} holds {count and count[0]} rows, the build {self._count}"
        return None

    @staticmethod
    def holds(folder: Path) -> bool:
        """Whether the build in `folder` keeps its vectors in PostgreSQL."""
        return (folder / STORE_FILE).exists()

    @staticmethod
    def drop(folder: Path, settings: Settings) -> None:
        """Drop the table of the build in `folder` and its record, together (an old build being removed)."""
        import psycopg

        table = json.loads((folder / STORE_FILE).read_text())["table"]
        try:
            with _primary(settings) as connection, connection.transaction():
                _drop(connection, table)
        except psycopg.Error as error:
            raise _unavailable(error) from error

    @staticmethod
    def drop_orphans(builds: Path, owner: str, settings: Settings) -> list[str]:
        """Drop, with their records, the tables recorded for this index folder (`owner`) that none of its build
        folders names: left by a build interrupted after the database committed it and before its folder was
        kept. Run under the build lock, so no build of this folder is in flight. Returns the tables dropped."""
        import psycopg

        named = {json.loads(path.read_text())["table"] for path in builds.glob(f"*/{STORE_FILE}")} if builds.is_dir() else set()
        try:
            with _primary(settings) as connection, connection.transaction():
                rows = connection.execute(
                    f"SELECT dense_table FROM {BUILDS_TABLE} WHERE owner = %s FOR UPDATE", (owner,)
                ).fetchall()
                orphans = sorted(table for (table,) in rows if table not in named)
                for table in orphans:
                    _drop(connection, table)
        except psycopg.Error as error:
            raise _unavailable(error) from error
        return orphans

    def save(self, folder: Path) -> None:
        if self._vectors is not None:
            np.save(folder / VECTORS_FILE, self._vectors)
        (folder / STORE_FILE).write_text(json.dumps(self._record))

    def discard(self) -> None:
        """Drop this store's table and record (a build that failed after writing them)."""
        import psycopg

        with self._lock:
            try:
                with self._connection.transaction():
                    _drop(self._connection, self.table)
            except psycopg.Error as error:
                raise _unavailable(error) from error

    def __len__(self) -> int:
        return self._count

    @property
    def dimension(self) -> int:
        return self._dimension

    def searched_on(self) -> str:
        """"replica" when searches now go to a read replica, else "primary"."""
        with self._lock:
            return "primary" if self._reading() is self._connection else "replica"

    # ------------------------------------------------------------ where reads go

    @staticmethod
    def _one_on(connection: Any, query: str, parameters: tuple = ()) -> tuple | None:  # type: ignore[type-arg]
        return connection.execute(query, parameters).fetchone()

    def _reading(self) -> Any:
        """The connection searches use: the replica once it holds this build, else the primary. Called under the lock."""
        if self._reader is not None or self._replica is None or time.monotonic() < self._retry_at:
            return self._reader or self._connection
        import psycopg

        try:
            reader = _connect(self._replica)
            if self._missing_from(reader) is None:
                reader.execute(f"SET hnsw.ef_search = {self._ef_search}")
                self._reader = reader
                return reader
            reader.close()  # lagging behind the primary: read there until it catches up
        except psycopg.Error:
            pass
        self._retry_at = time.monotonic() + self._retry_seconds
        return self._connection

    def _all(self, query: str, parameters: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
        import psycopg

        with self._lock:
            connection = self._reading()
            try:
                return connection.execute(query, parameters).fetchall()
            except psycopg.Error as error:
                if connection is self._connection:
                    raise _unavailable(error) from error
            self._reader = None  # the replica failed: the primary answers, the replica is tried again later
            self._retry_at = time.monotonic() + self._retry_seconds
            try:
                connection.close()
            except psycopg.Error:
                pass
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


def _drop(connection: Any, table: str) -> None:
    connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.execute(f"DELETE FROM {BUILDS_TABLE} WHERE dense_table = %s", (table,))
