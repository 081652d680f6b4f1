"""The BEIR runner on a small dataset written here (BEIR's layout, CRLF qrels with a header)."""

import json

import pytest

from assistant.beir import load_beir, parse_configurations, run_beir
from assistant.errors import AssistantError
from assistant.settings import Settings
from conftest import HashEmbedder

TOPICS = {
    "police": "community policing builds trust between police officers and neighbourhoods",
    "border": "border guards and coast guards protect migrants crossing the sea",
    "courts": "judges and prosecutors need independent courts to fight corruption",
    "army": "defence reform improves conditions of soldiers in military service",
    "water": "water committees share wells fairly during droughts in rural districts",
}


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "toy"
    (folder / "qrels").mkdir(parents=True)
    docs = []
    for topic, text in TOPICS.items():
        for variant in range(3):
            docs.append({"_id": f"{topic}-{variant}", "title": f"{topic} note {variant}", "text": f"{text}. Note {variant}."})
    for filler in range(20):
        docs.append({"_id": f"filler-{filler}", "title": "misc", "text": f"unrelated filler text number {filler} about weather"})
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    queries = [{"_id": f"q-{topic}", "text": text.split(" ", 4)[-1]} for topic, text in TOPICS.items()]
    queries.append({"_id": "q-unjudged", "text": "a query without judgements"})
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries) + "\n")
    rows = ["query-id\tcorpus-id\tscore"] + [f"q-{t}\t{t}-{v}\t1" for t in TOPICS for v in range(2)]
    (folder / "qrels" / "test.tsv").write_bytes(("\r\n".join(rows) + "\r\n").encode())
    return folder


def test_load_beir_reads_crlf_qrels_and_subsets(dataset):
    full = load_beir(dataset)
    assert len(full.doc_ids) == 35 and set(full.queries) == {f"q-{t}" for t in TOPICS}
    assert len(full.qrels) == 10 and full.qrels[0].doc_id == "police-0" and full.qrels[0].relevance == 1
    subset = load_beir(dataset, max_queries=2, max_docs=5)
    assert set(subset.queries) == {"q-police", "q-border"}
    assert {"police-0", "police-1", "border-0", "border-1"} <= set(subset.doc_ids) and len(subset.doc_ids) <= 9


def test_run_beir_scores_every_configuration_and_caches_vectors(dataset, tmp_path):
    settings = Settings(embedding_model="test-hash")
    embedder = HashEmbedder()
    configurations = parse_configurations("bm25,dense,hybrid,convex:0.5,rrf:10")
    report = run_beir(dataset, settings, lambda: embedder, configurations, tmp_path / "cache")
    results = {r["configuration"]: r["metrics"] for r in report["results"]}
    assert set(results) == {"bm25", "dense", "hybrid", "convex:0.5", "rrf:10"}
    # three near-identical notes per topic, two judged relevant: the unjudged one can rank between them
    assert results["bm25"]["ndcg@10"] > 0.6 and results["bm25"]["recall@100"] == 1.0
    assert not report["seconds"]["embeddings_cached"]
    again = run_beir(dataset, settings, lambda: embedder, configurations[:1], tmp_path / "cache")
    assert again["seconds"]["embeddings_cached"] and again["results"][0]["metrics"] == results["bm25"]


def test_a_folder_that_is_not_beir_is_a_clear_error(tmp_path):
    with pytest.raises(AssistantError, match="corpus.jsonl is missing"):
        load_beir(tmp_path)
    with pytest.raises(AssistantError, match="Unknown configuration"):
        parse_configurations("hybrid,fast")


@pytest.mark.model
def test_cli_eval_beir_subset_with_the_real_model(dataset, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app

    monkeypatch.chdir(tmp_path)  # the vector cache goes to ./eval/.cache
    result = CliRunner().invoke(
        app, ["eval", "--beir", str(dataset), "--max-queries", "3", "--compare", "bm25,hybrid", "--reports", str(tmp_path / "reports")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "reports" / "beir-toy.json").read_text())
    assert report["queries"] == 3 and [r["configuration"] for r in report["results"]] == ["bm25", "hybrid"]
    assert report["results"][1]["metrics"]["ndcg@10"] > 0.5
    assert "| hybrid |" in (tmp_path / "reports" / "beir-toy.md").read_text()
