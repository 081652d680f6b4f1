"""Retrieval quality on the QA set: metrics from ir-measures, modes side by side.

Relevance is judged on *gold quotes*, not passage ids, so that any chunking can be
scored: a hit is relevant to a gold quote when its passage (or a same-text passage
collapsed into it) overlaps the quote's place in the document. Each gold quote is one
relevant item, so recall@10 is the share of gold quotes found in the top ten.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import ir_measures
from ir_measures import RR, Qrel, R, ScoredDoc, Success, nDCG

from .errors import AssistantError
from .indexing import Manifest
from .models import Document, Passage, SearchHit
from .retrieval import Retriever

MEASURES = {"hit@1": Success @ 1, "hit@5": Success @ 5, "recall@10": R @ 10, "mrr@10": RR @ 10, "ndcg@10": nDCG @ 10}
KINDS = ("fact", "definition", "entry_points", "list", "multi_doc", "paraphrase", "followup", "unanswerable")


@dataclass(frozen=True)
class GoldQuote:
    doc_id: str
    quote: str


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    kind: str
    gold: tuple[GoldQuote, ...]
    answer_keywords: tuple[str, ...] = ()
    history: tuple[dict, ...] = ()  # type: ignore[type-arg]


@dataclass
class ModeResult:
    mode: str
    metrics: dict[str, float]
    per_kind: dict[str, dict[str, float]]
    latency_ms: dict[str, float]
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)


def load_qa(path: Path) -> list[QAItem]:
    """Read and check a QA set. Raises AssistantError naming the bad line."""
    if not path.exists():
        raise AssistantError(f"QA set '{path}' not found.")
    items: list[QAItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            item = QAItem(
                id=str(data["id"]),
                question=str(data["question"]),
                kind=str(data["kind"]),
                gold=tuple(GoldQuote(g["doc_id"], g["quote"]) for g in data.get("gold", [])),
                answer_keywords=tuple(data.get("answer_keywords", [])),
                history=tuple(data.get("history", [])),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise AssistantError(f"{path}:{number}: not a valid QA item ({error}).") from error
        if item.kind not in KINDS:
            raise AssistantError(f"{path}:{number}: kind '{item.kind}' is not one of {', '.join(KINDS)}.")
        if item.id in seen:
            raise AssistantError(f"{path}:{number}: duplicate id '{item.id}'.")
        if item.kind != "unanswerable" and not item.gold:
            raise AssistantError(f"{path}:{number}: an answerable item needs at least one gold quote.")
        seen.add(item.id)
        items.append(item)
    return items


def gold_problems(items: list[QAItem], documents: dict[str, Document]) -> list[str]:
    """Gold quotes that are not verbatim in their document (empty when the set is sound)."""
    problems = []
    for item in items:
        for gold in item.gold:
            document = documents.get(gold.doc_id)
            if document is None:
                problems.append(f"{item.id}: unknown document '{gold.doc_id}'")
            elif gold.quote not in document.text:
                problems.append(f"{item.id}: quote not verbatim in {gold.doc_id}: {gold.quote[:60]!r}")
    return problems


def _quote_spans(item: QAItem, documents: dict[str, Document]) -> list[tuple[str, int, int]]:
    spans = []
    for gold in item.gold:
        start = documents[gold.doc_id].text.find(gold.quote)
        spans.append((gold.doc_id, start, start + len(gold.quote)))
    return spans


def _covers(passage: Passage, span: tuple[str, int, int]) -> bool:
    doc_id, start, end = span
    return passage.doc_id == doc_id and passage.start < end and start < passage.end


def judged_run(item: QAItem, hits: list[SearchHit], documents: dict[str, Document]) -> list[ScoredDoc]:
    """The ranked hits as ir-measures documents: a hit takes the id of each gold quote it covers."""
    spans = _quote_spans(item, documents)
    run: list[ScoredDoc] = []
    claimed: set[int] = set()
    score = float(len(hits) * 4 + 4)
    for hit in hits:
        passages = (hit.passage, *hit.duplicates)
        covered = [i for i, span in enumerate(spans) if i not in claimed and any(_covers(p, span) for p in passages)]
        for i in covered or [None]:  # type: ignore[list-item]
            doc = f"gold-{i}" if i is not None else f"miss-{hit.rank}"
            run.append(ScoredDoc(item.id, doc, score))
            score -= 1
            if i is not None:
                claimed.add(i)
    return run


def evaluate_mode(retriever: Retriever, items: list[QAItem], mode: str, top_k: int = 10) -> ModeResult:
    """Metrics of one retrieval mode over the answerable items (follow-ups use their question as is)."""
    documents = retriever.index.documents
    answerable = [item for item in items if item.gold]
    qrels = [Qrel(item.id, f"gold-{i}", 1) for item in answerable for i in range(len(item.gold))]
    run: list[ScoredDoc] = []
    latencies: list[float] = []
    retriever.search(answerable[0].question, top_k=top_k, mode=mode)  # warm the model
    if retriever.embedder is not None:
        retriever.embedder.clear_cache()  # every mode pays for its own query embeddings
    for item in answerable:
        started = time.perf_counter()
        hits = retriever.search(item.question, top_k=top_k, mode=mode)
        latencies.append((time.perf_counter() - started) * 1000)
        run.extend(judged_run(item, hits, documents))
    measures = list(MEASURES.values())
    per_query: dict[str, dict[str, float]] = {}
    for metric in ir_measures.iter_calc(measures, qrels, run):
        name = next(k for k, v in MEASURES.items() if v == metric.measure)
        per_query.setdefault(metric.query_id, {})[name] = float(metric.value)
    for item in answerable:  # a query with no run line scores zero everywhere
        per_query.setdefault(item.id, {name: 0.0 for name in MEASURES})
    metrics = {name: statistics.fmean(q[name] for q in per_query.values()) for name in MEASURES}
    per_kind = {
        kind: {name: statistics.fmean(per_query[i.id][name] for i in answerable if i.kind == kind) for name in MEASURES}
        for kind in sorted({i.kind for i in answerable})
    }
    latency = {
        "p50": statistics.median(latencies),
        "p95": sorted(latencies)[max(0, int(round(0.95 * len(latencies))) - 1)],
    }
    return ModeResult(mode, metrics, per_kind, latency, per_query)


def evaluate_modes(retriever: Retriever, items: list[QAItem], modes: list[str]) -> list[ModeResult]:
    """Each mode in turn on the same loaded index and model, for a side-by-side table."""
    return [evaluate_mode(retriever, items, mode) for mode in modes]


def markdown_table(results: list[ModeResult]) -> str:
    names = list(MEASURES)
    lines = [
        "| mode | " + " | ".join(names) + " | p50 ms | p95 ms |",
        "|---|" + "---|" * (len(names) + 2),
    ]
    for result in results:
        values = " | ".join(f"{result.metrics[n]:.3f}" for n in names)
        lines.append(f"| {result.mode} | {values} | {result.latency_ms['p50']:.1f} | {result.latency_ms['p95']:.1f} |")
    return "\n".join(lines)


def write_report(results: list[ModeResult], folder: Path, name: str, manifest: Manifest, item_count: int) -> str:
    """Write <name>.json and <name>.md; return the Markdown."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": name,
        "items": item_count,
        "index": {"model": manifest.model, "passages": manifest.passages, "dense_kind": manifest.dense_kind},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "results": [
            {"mode": r.mode, "metrics": r.metrics, "per_kind": r.per_kind, "latency_ms": r.latency_ms} for r in results
        ],
    }
    (folder / f"{name}.json").write_text(json.dumps(payload, indent=2))
    kinds = sorted({k for r in results for k in r.per_kind})
    per_kind_lines = ["| mode | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for r in results:
        per_kind_lines.append(f"| {r.mode} | " + " | ".join(f"{r.per_kind[k]['hit@5']:.3f}" for k in kinds) + " |")
    markdown = (
        f"# Retrieval evaluation: {name}\n\n"
        f"{item_count} QA items; index of {manifest.passages} passages, model {manifest.model}, "
        f"{manifest.dense_kind} dense search; top 10 per question; latency is in-process and warm.\n\n"
        f"{markdown_table(results)}\n\nhit@5 per question kind:\n\n" + "\n".join(per_kind_lines) + "\n"
    )
    (folder / f"{name}.md").write_text(markdown)
    return markdown
