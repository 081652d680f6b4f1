import json

import numpy as np
import pytest

import assistant.store as store
from assistant.dense import FaissStore
from assistant.errors import IndexMismatch, IndexMissing
from assistant.indexing import build_index
from assistant.lexical import TERMS_VERSION
from assistant.store import current_build, load_index
from conftest import PUSH_FACTORS, UN_REVIEW, HashEmbedder


def build(settings, embedder=None):
    embedder = embedder or HashEmbedder()
    return build_index(settings, lambda: embedder), embedder


def test_build_writes_a_loadable_index_with_manifest(hash_settings):
    report, _ = build(hash_settings)
    index = load_index(hash_settings)
    assert report.documents == 5 and report.passages == len(index.passages) == len(index.dense)
    manifest = index.manifest
    assert manifest.model == "test-hash" and manifest.dimension == 64
    assert manifest.chunker_version and manifest.built_at and manifest.build_seconds >= 0
    assert {r.content_hash for r in manifest.documents.values()} == {d.content_hash for d in index.documents.values()}


def test_rebuild_embeds_only_what_changed(hash_settings):
    build(hash_settings)
    report, embedder = build(hash_settings)
    assert report.embedded == 0 and embedder.calls == 0 and report.reused == report.passages

    brief = hash_settings.corpus_dir / f"{UN_REVIEW}.txt"
    brief.write_text(brief.read_text() + "\n\n6. Measure the results of SSR support every year.\n")
    before = {p.passage_id for p in load_index(hash_settings).passages}
    report, embedder = build(hash_settings)
    assert 0 < report.embedded <= 2
    changed = {p.passage_id for p in load_index(hash_settings).passages} - before
    assert changed and all(pid.startswith(UN_REVIEW) for pid in changed)


def test_removed_and_added_documents(hash_settings):
    build(hash_settings)
    (hash_settings.corpus_dir / f"{PUSH_FACTORS}.txt").unlink()
    (hash_settings.corpus_dir / "new-brief.md").write_text("# New Brief\n\nCommunity policing builds trust in towns.\n")
    report, embedder = build(hash_settings)
    index = load_index(hash_settings)
    assert report.removed == [PUSH_FACTORS]
    assert PUSH_FACTORS not in index.documents and "new-brief" in index.documents
    assert report.embedded == 1 and embedder.embedded == 2  # the new passage and its one sentence


def test_a_crash_mid_build_leaves_the_previous_index_live(hash_settings, monkeypatch):
    build(hash_settings)
    live = current_build(hash_settings.index_dir)
    before = load_index(hash_settings).passages
    (hash_settings.corpus_dir / "extra.txt").write_text("Extra Brief\n\nSomething new about border management.\n")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FaissStore, "save", explode)
    with pytest.raises(RuntimeError):
        build(hash_settings)
    assert current_build(hash_settings.index_dir) == live
    assert load_index(hash_settings).passages == before
    assert not [p for p in (hash_settings.index_dir / "builds").iterdir() if p.name.startswith(".tmp")]


def test_missing_index_is_a_clear_error(hash_settings):
    with pytest.raises(IndexMissing, match="assistant build"):
        load_index(hash_settings)


def test_another_model_or_chunker_is_detected_and_rebuilt(hash_settings):
    build(hash_settings)
    other = hash_settings.model_copy(update={"embedding_model": "other-model"})
    with pytest.raises(IndexMismatch, match="other-model"):
        load_index(other)
    report, embedder = build(other, HashEmbedder("other-model", 32))
    assert "test-hash" in report.rebuilt_because and report.embedded == report.passages
    assert load_index(other).manifest.dimension == 32

    rechunked = other.model_copy(update={"chunk_max_words": 120})
    with pytest.raises(IndexMismatch, match="chunking"):
        load_index(rechunked)

    manifest = current_build(other.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["chunker_version"] = "0"
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatch, match="chunker version"):
        load_index(other)


def test_an_index_built_with_other_lexical_terms_is_refused_and_rebuilt_without_embedding_again(hash_settings):
    """Its BM25 vocabulary was made by another `terms` (before British spellings were read as American: "defenc",
    not "defens"); searching it with today's terms would miss those words, so it is refused until rebuilt. Its
    vectors do not depend on the terms, so the rebuild reuses every one."""
    build(hash_settings)
    manifest = current_build(hash_settings.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["terms_version"]  # as written before the version was recorded
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatch, match="lexical terms version 1"):
        load_index(hash_settings)
    report, embedder = build(hash_settings)
    assert report.embedded == 0 and embedder.calls == 0 and report.reused == report.passages
    assert load_index(hash_settings).manifest.terms_version == TERMS_VERSION


def test_hnsw_is_a_setting(hash_settings):
    settings = hash_settings.model_copy(update={"ann": "hnsw"})
    build(settings)
    index = load_index(settings)
    assert index.manifest.dense_kind == "hnsw"
    assert index.dense.kind == "hnsw" and type(index.dense.index).__name__ == "IndexHNSWFlat"


def test_ivf_finds_what_exact_search_finds_and_survives_a_reload(tmp_path):
    """An IVF index over clustered vectors: with every cluster probed it is exact; with the default probe it finds
    the exact top 10 of vectors near the data; it is saved, read back and searched with the probe setting."""
    from assistant.dense import build_dense, choose_kind, ivf_lists, load_dense, save_dense, search_dense
    from assistant.settings import Settings

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 32)).astype(np.float32)
    vectors = centres[rng.integers(0, 40, 4000)] + rng.normal(0, 0.3, (4000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = Settings(ann="ivf", ivf_probe=8)
    assert choose_kind(settings, 4000) == "ivf" and choose_kind(settings, 500) == "exact"
    assert choose_kind(Settings(), 60_000) == "ivf" and choose_kind(Settings(), 40_000) == "exact"
    assert ivf_lists(settings, 4000) == 102 and ivf_lists(settings, 1_000_000) == 4000
    index = build_dense(vectors, "ivf", settings)
    assert type(index).__name__ == "IndexIVFFlat" and index.ntotal == 4000
    exact = build_dense(vectors, "exact", settings)
    queries = vectors[:50] + rng.normal(0, 0.05, (50, 32)).astype(np.float32)
    found = recall = 0
    for query in queries:
        truth = set(search_dense(exact, query, 10, settings)[1].tolist())
        recall += len(truth & set(search_dense(index, query, 10, settings)[1].tolist())) / 10
        everything = search_dense(index, query, 10, settings.model_copy(update={"ivf_probe": ivf_lists(settings, 4000)}))
        found += set(everything[1].tolist()) == truth
    assert found == 50 and recall / 50 >= 0.9
    save_dense(index, tmp_path / "dense.faiss")
    again = load_dense(tmp_path / "dense.faiss")
    assert search_dense(again, queries[0], 10, settings)[1].tolist() == search_dense(index, queries[0], 10, settings)[1].tolist()


def test_the_faiss_store_searches_filters_finds_twins_and_reloads(tmp_path):
    """The dense store behind the seam: a filtered search is exact over the allowed passages, cosines are inner
    products, near-duplicates are the others above the threshold, and a saved store reads back the same."""
    from assistant.settings import Settings

    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors[7] = vectors[3] + 0.01  # a near-twin
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = FaissStore.build(vectors, Settings())
    query = vectors[3]
    allowed = np.arange(100, 300)
    found = store.search(query, 5, allowed)
    truth = allowed[np.argsort(-(vectors[allowed] @ query), kind="stable")[:5]]
    assert list(found) == truth.tolist() and all(100 <= p < 300 for p in found)
    assert list(store.search(query, 2)) == [3, 7]
    assert np.allclose(store.cosines(query, [3, 7, 9]), vectors[[3, 7, 9]] @ query)
    twins = store.near_duplicates(0.99, 6)
    assert twins[3] == [7] and twins[7] == [3] and twins[0] == []
    store.save(tmp_path)
    again = FaissStore.load(tmp_path, store.kind, Settings())
    assert len(again) == 300 and again.dimension == 16 and again.search(query, 5) == store.search(query, 5)


def test_nothing_outside_the_dense_store_touches_faiss_or_the_passage_vectors():
    """The seam a database store would plug into: FAISS and the passage vectors are the dense module's alone."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    uses_faiss = re.compile(r"\bimport faiss\b|\bfaiss\.[a-z_]+\(|\b(?:build|search|load|save)_dense\(")
    for path in [*sorted((root / "assistant").glob("*.py")), *sorted((root / "api").rglob("*.py"))]:
        if path.name == "dense.py":
            continue
        source = path.read_text()
        assert not uses_faiss.search(source) and ".vectors[" not in source and "index.vectors" not in source, path.name


@pytest.mark.parametrize("separator", ["\u0085", "\u2028", "\u2029", "\x0b", "\x1c"])
def test_no_character_of_a_brief_breaks_the_index(hash_settings, separator):
    (hash_settings.corpus_dir / "odd.txt").write_text(
        f"Odd Separators\n\nBorder police{separator}patrol the coast at night and{separator}check papers.\n"
    )
    build(hash_settings)
    index = load_index(hash_settings)
    assert "odd" in index.documents
    assert any(separator in p.text or "Border police" in p.text for p in index.passages if p.doc_id == "odd")


def test_a_build_that_cannot_be_read_back_never_goes_live(hash_settings, monkeypatch):
    build(hash_settings)
    live = current_build(hash_settings.index_dir)
    (hash_settings.corpus_dir / "extra.txt").write_text("Extra Brief\n\nSomething new about border management.\n")
    monkeypatch.setattr(store, "read_passages", lambda build: [])  # the written build reads back inconsistent
    with pytest.raises(IndexMismatch):
        build(hash_settings)
    monkeypatch.undo()
    assert current_build(hash_settings.index_dir) == live
    assert "extra" not in load_index(hash_settings).documents


def test_a_live_build_that_cannot_be_read_falls_back_to_the_previous_one(hash_settings):
    from assistant.errors import IndexCorrupt

    build(hash_settings)
    first = current_build(hash_settings.index_dir)
    (hash_settings.corpus_dir / "extra.txt").write_text("Extra Brief\n\nSomething new about border management.\n")
    build(hash_settings)
    live = current_build(hash_settings.index_dir)
    assert live != first
    (live / "passages.jsonl").write_text('{"truncated": ')  # a disk fault after the build went live
    index = load_index(hash_settings)
    assert index.path == first and "extra" not in index.documents
    assert live.name in index.fallback and first.name in index.fallback and "assistant build" in index.fallback
    (first / "manifest.json").write_text("")  # both broken: a clear error, not a crash
    with pytest.raises(IndexCorrupt, match="manifest is unreadable"):
        load_index(hash_settings)


def test_each_document_gets_an_extraction_quality_and_a_poor_one_a_warning(hash_settings):
    from assistant.ingest import extraction_quality

    prose = "Security sector reform makes the police and the courts accountable to the people they serve. " * 6
    assert extraction_quality(prose) == 1.0
    assert extraction_quality("Thepolicearetrainedtorespectthelawandserve everyone. " * 8) < 0.5  # words run together
    assert extraction_quality("T h e  police are trained. " + "S e c u r i t y reform. " * 30) < 0.8  # letter by letter
    assert extraction_quality("The police (cid:12)(cid:13) are trained \ufffd\ufffd to serve. " * 12) < 0.9  # unmapped glyphs
    assert extraction_quality("Too short toooooooooooooooooooooooooooooooooooo to judge.") == 1.0

    glued = "Thetextofthisbriefrunstogetherbecauseitswriterleftnospaces between some of its words. "
    (hash_settings.corpus_dir / "glued-brief.txt").write_text("Glued Brief\n\n" + (prose + glued) * 4)
    report, _ = build(hash_settings)
    records = load_index(hash_settings).manifest.documents
    assert records[PUSH_FACTORS].extraction_quality == 1.0 and records["glued-brief"].extraction_quality < 0.97
    assert len(report.warnings) == 1 and report.warnings[0].startswith("glued-brief.txt: only ")
