"""TREC run files and qrels: what evaluators' own tools read, and scoring any run with our metrics.

A run line is `qid Q0 docid rank score tag`; a qrels line `qid 0 docid relevance`. Reading is
ir-measures' (`read_trec_run`, `read_trec_qrels`); scoring is ir-measures' too, so a peer's
run file and ours are scored by the same code as every report.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from pathlib import Path

import ir_measures
from ir_measures import Qrel, ScoredDoc

from .errors import InvalidOption

_TAG = re.compile(r"[^A-Za-z0-9_.:-]+")


def write_run(path: Path, ranked: dict[str, list[tuple[str, float]]], tag: str) -> Path:
    """Write `ranked` (query id -> [(doc id, score)] best first) as a TREC run file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_tag = _TAG.sub("_", tag) or "run"
    with open(path, "w", encoding="utf-8") as handle:
        for query_id, docs in ranked.items():
            for rank, (doc_id, score) in enumerate(docs, start=1):
                handle.write(f"{query_id} Q0 {doc_id} {rank} {score:.6f} {safe_tag}\n")
    return path


def write_qrels(path: Path, qrels: Iterable[Qrel]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for qrel in qrels:
            handle.write(f"{qrel.query_id} 0 {qrel.doc_id} {qrel.relevance}\n")
    return path


def read_qrels(path: Path) -> list[Qrel]:
    """A TREC qrels file, or a BEIR qrels TSV (query-id, corpus-id, score, with a header line)."""
    if not path.exists():
        raise InvalidOption(f"Qrels file '{path}' not found.")
    if path.suffix == ".tsv":
        qrels = []
        for line in path.read_text(encoding="utf-8").split("\n")[1:]:
            parts = line.strip().split("\t")
            if len(parts) >= 3:
                qrels.append(Qrel(parts[0], parts[1], int(float(parts[2]))))
        return qrels
    return list(ir_measures.read_trec_qrels(str(path)))


def read_run(path: Path) -> list[ScoredDoc]:
    if not path.exists():
        raise InvalidOption(f"Run file '{path}' not found.")
    try:
        return list(ir_measures.read_trec_run(str(path)))
    except (ValueError, IndexError) as error:
        raise InvalidOption(f"'{path}' is not a TREC run file (qid Q0 docid rank score tag): {error}") from error


def parse_measures(names: list[str]) -> dict[str, object]:
    """['nDCG@10', 'R@100'] -> ir-measures measures, by their ir-measures names."""
    measures = {}
    for name in names:
        try:
            measures[name] = ir_measures.parse_measure(name)
        except (ValueError, NameError, SyntaxError) as error:
            raise InvalidOption(f"'{name}' is not an ir-measures measure (e.g. nDCG@10, R@100, RR@10, Success@5).") from error
    return measures


def score_run(qrels: list[Qrel], run: list[ScoredDoc], measures: dict[str, object]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(mean per measure, query id -> measure -> value) over every query of the qrels; a query the run
    leaves out scores 0, as trec_eval -c counts it."""
    per_query: dict[str, dict[str, float]] = {}
    label_of = {measure: label for label, measure in measures.items()}
    for metric in ir_measures.iter_calc(list(measures.values()), qrels, run):
        per_query.setdefault(metric.query_id, {})[label_of[metric.measure]] = float(metric.value)
    for query_id in {q.query_id for q in qrels if q.relevance > 0}:
        per_query.setdefault(query_id, {label: 0.0 for label in measures})
    means = {label: statistics.fmean(q[label] for q in per_query.values()) if per_query else 0.0 for label in measures}
    return means, per_query
