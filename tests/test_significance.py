"""Run files, scoring a foreign run, bootstrap intervals and paired tests, on tiny data made here."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.beir import parse_configurations, run_beir
from assistant.cli import DEFAULT_QA_SETS, app
from assistant.evaluation import load_qa_sets
from assistant.runs import parse_measures, read_qrels, read_run, score_run, write_run
from assistant.settings import Settings
from assistant.significance import bootstrap_interval, compare, holm, paired_randomisation_p
from conftest import ROOT, HashEmbedder
from test_beir import dataset  # noqa: F401  (the toy BEIR folder)


def test_a_run_file_is_trec_format_and_reads_back(tmp_path):
    path = write_run(tmp_path / "x.run", {"q1": [("d1", 2.5), ("d2", 1.0)], "q2": [("d3", 0.5)]}, "my run")
    assert path.read_text().splitlines() == ["q1 Q0 d1 1 2.500000 my_run", "q1 Q0 d2 2 1.000000 my_run", "q2 Q0 d3 1 0.500000 my_run"]
    assert [(d.query_id, d.doc_id) for d in read_run(path)] == [("q1", "d1"), ("q1", "d2"), ("q2", "d3")]


def test_the_beir_report_its_run_file_the_score_command_and_pytrec_eval_agree_exactly(dataset, tmp_path):  # noqa: F811
    import pytrec_eval

    runs = tmp_path / "runs"
    report = run_beir(dataset, Settings(embedding_model="test-hash"), HashEmbedder, parse_configurations("bm25,hybrid"), None, runs_dir=runs)
    reported = {r["configuration"]: r["metrics"]["ndcg@10"] for r in report["results"]}
    run_file = runs / "toy-hybrid.run"
    qrels = read_qrels(dataset / "qrels" / "test.tsv")
    means, _ = score_run(qrels, read_run(run_file), parse_measures(["nDCG@10"]))
    assert means["nDCG@10"] == pytest.approx(reported["hybrid"], abs=1e-12)

    judged: dict[str, dict[str, int]] = {}
    for q in qrels:
        judged.setdefault(q.query_id, {})[q.doc_id] = q.relevance
    scored: dict[str, dict[str, float]] = {}
    for doc in read_run(run_file):
        scored.setdefault(doc.query_id, {})[doc.doc_id] = doc.score
    by_query = pytrec_eval.RelevanceEvaluator(judged, {"ndcg_cut.10"}).evaluate(scored)
    assert np.mean([by_query[q]["ndcg_cut_10"] for q in judged]) == pytest.approx(reported["hybrid"], abs=1e-12)

    result = CliRunner().invoke(app, ["score", "--qrels", str(dataset / "qrels" / "test.tsv"), "--run", str(run_file), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)["runs"][str(run_file)]
    assert printed["means"]["nDCG@10"] == pytest.approx(reported["hybrid"], abs=1e-12)
    low, high = printed["interval_95"]["nDCG@10"]
    assert low <= printed["means"]["nDCG@10"] <= high


def test_a_foreign_run_is_scored_and_a_bad_file_is_a_clear_error(tmp_path, dataset):  # noqa: F811
    foreign = tmp_path / "peer.run"
    foreign.write_text("q-police 0 police-0 1 9.0 peer\nq-police 0 water-0 2 8.0 peer\n")
    result = CliRunner().invoke(app, ["score", "--qrels", str(dataset / "qrels" / "test.tsv"), "--run", str(foreign), "--measure", "P@1"])
    assert result.exit_code == 0 and "0.2000" in result.output  # one of five judged queries has its first document relevant
    bad = tmp_path / "bad.run"
    bad.write_text("not a run file\n")
    result = CliRunner().invoke(app, ["score", "--qrels", str(dataset / "qrels" / "test.tsv"), "--run", str(bad)])
    assert result.exit_code == 2 and "TREC run file" in result.output
    result = CliRunner().invoke(app, ["score", "--qrels", str(dataset / "qrels" / "test.tsv"), "--run", str(foreign), "--measure", "nDCG@ten"])
    assert result.exit_code == 2 and "ir-measures" in result.output


def test_bootstrap_intervals_hold_the_mean_and_shrink_with_more_queries():
    rng = np.random.default_rng(1)
    small, large = rng.random(30), rng.random(3000)
    low, high = bootstrap_interval(small)
    assert low < small.mean() < high
    low_large, high_large = bootstrap_interval(large)
    assert high_large - low_large < (high - low) / 4
    assert bootstrap_interval([0.5, 0.5, 0.5]) == (0.5, 0.5)


def test_a_known_difference_is_significant_and_identical_runs_are_not():
    rng = np.random.default_rng(2)
    base = rng.random(200)
    better = np.clip(base + 0.15 + rng.normal(0, 0.05, 200), 0, 1)
    assert paired_randomisation_p(better, base) < 0.001
    assert paired_randomisation_p(base, base) == 1.0
    noise = base + rng.normal(0, 0.01, 200)
    assert paired_randomisation_p(noise, base) > 0.05 or abs(noise.mean() - base.mean()) > 0.002


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3*0.01, max(0.03, 2*0.03), max(0.06, 1*0.04)
    assert holm([0.04, 0.01, 0.03]) == pytest.approx([0.06, 0.03, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_compare_corrects_within_each_metric():
    per_query = {
        "a": {str(q): {"m": 1.0 if q % 2 else 0.0} for q in range(100)},
        "b": {str(q): {"m": 0.0} for q in range(100)},
        "c": {str(q): {"m": 0.0} for q in range(100)},
    }
    comparisons = {(c.first, c.second): c for c in compare(per_query, ["m"])}
    assert comparisons[("a", "b")].p_holm < 0.01 and comparisons[("a", "b")].difference == pytest.approx(0.5)
    assert comparisons[("b", "c")].p_value == 1.0 and comparisons[("b", "c")].p_holm == 1.0


def test_the_qa_sets_export_to_beir_and_our_runs_score_on_them(tmp_path, real_index_dir):
    export = tmp_path / "beir"
    result = CliRunner().invoke(app, ["export-beir", "--out", str(export), "--index", str(real_index_dir)])
    assert result.exit_code == 0, result.output
    corpus = [json.loads(line) for line in (export / "corpus.jsonl").read_text().splitlines()]
    queries = [json.loads(line) for line in (export / "queries.jsonl").read_text().splitlines()]
    qrels = read_qrels(export / "qrels" / "test.tsv")
    answerable = [item for item in load_qa_sets([ROOT / path for path in DEFAULT_QA_SETS]) if item.gold]  # one query each
    assert len(corpus) == 90 and len(queries) == len(answerable) and {q.doc_id for q in qrels} <= {c["_id"] for c in corpus}
    assert "left out" in result.output
    assert {q.query_id for q in qrels} == {q["_id"] for q in queries}  # every answerable question has a relevant passage
