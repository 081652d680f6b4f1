"""Standard retrieval benchmarks in BEIR format, searched with the assistant's own retrievers.

A BEIR folder holds `corpus.jsonl` ({_id, title, text}), `queries.jsonl` ({_id, text}) and
`qrels/<split>.tsv` (query-id, corpus-id, score; a header line; often CRLF line ends).
Each corpus document becomes one passage ("title ↵ text"); the dense and BM25 indexes are
built exactly as for the briefs and searched through `Retriever.fused_scores`, so the
figures measure the service's code path. Document vectors are cached per model and corpus
under `cache_dir`, so a second run only pays for the queries.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ir_measures
import numpy as np
from ir_measures import R, Qrel, ScoredDoc, nDCG

from .catalogue import Catalogue
from .dense import new_store
from .embedding import Embedder
from .errors import AssistantError
from .store import INDEX_FORMAT, Index, Manifest, vector_kind
from .lexical import TERMS_VERSION, LexicalIndex
from .models import Passage
from .retrieval import Retriever, SearchRequest
from .sentences import SentenceTable
from .runs import write_run
from .settings import Settings
from .significance import Comparison, compare, comparisons_markdown, intervals

BEIR_MEASURES = {"ndcg@10": nDCG @ 10, "recall@100": R @ 100}


@dataclass
class BeirDataset:
    name: str
    doc_ids: list[str]
    texts: list[str]  # "title\ntext"
    queries: dict[str, str]
    qrels: list[Qrel]


@dataclass
class BeirResult:
    configuration: str
    metrics: dict[str, float]
    query_ms: dict[str, float]
    queries: int
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    ranked: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # query id -> (doc id, score), best first


def load_beir(folder: Path, split: str = "test", max_queries: int | None = None, max_docs: int | None = None) -> BeirDataset:
    """Read a BEIR folder. With max_queries/max_docs, a subset: the first queries, their relevant
    documents, then other documents up to max_docs (for quick runs)."""
    for required in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (folder / required).exists():
            raise AssistantError(f"'{folder}' is not a BEIR folder: {required} is missing.")
    qrels: list[Qrel] = []
    for number, line in enumerate((folder / "qrels" / f"{split}.tsv").read_text(encoding="utf-8").splitlines()):
        parts = line.strip().split("\t")  # strip() also drops the \r of CRLF files
        if len(parts) < 3 or (number == 0 and not parts[2].lstrip("-").isdigit()):
            continue
        qrels.append(Qrel(parts[0], parts[1], int(parts[2])))
    wanted = list(dict.fromkeys(q.query_id for q in qrels))
    if max_queries:
        wanted = wanted[:max_queries]
        keep = set(wanted)
        qrels = [q for q in qrels if q.query_id in keep]
    queries = {}
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record["_id"] in set(wanted):
                queries[str(record["_id"])] = record["text"]
    relevant = {q.doc_id for q in qrels}
    doc_ids, texts = [], []
    for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        doc_id = str(record["_id"])
        if max_docs and len(doc_ids) >= max_docs and doc_id not in relevant:
            continue
        doc_ids.append(doc_id)
        texts.append(f"{record.get('title', '')}\n{record.get('text', '')}".strip())
    return BeirDataset(folder.name, doc_ids, texts, queries, [q for q in qrels if q.query_id in queries])


def _cache_key(dataset: BeirDataset, model: str) -> str:
    digest = hashlib.sha256()
    digest.update(model.encode())
    for doc_id, text in zip(dataset.doc_ids, dataset.texts):
        digest.update(doc_id.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:16]


def embed_corpus(dataset: BeirDataset, embedder: Embedder, model: str, cache_dir: Path | None) -> tuple[np.ndarray, float, bool]:
    """(vectors, seconds spent embedding, whether they came from the cache)."""
    path = cache_dir / f"{dataset.name}-{_cache_key(dataset, model)}.npy" if cache_dir else None
    if path is not None and path.exists():
        return np.load(path), 0.0, True
    started = time.perf_counter()
    vectors = embedder.embed_passages(dataset.texts)  # one call: the model sorts all texts by length, less padding
    seconds = time.perf_counter() - started
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npy")
        np.save(temporary, vectors)
        temporary.replace(path)
    return vectors, seconds, False


def benchmark_index(dataset: BeirDataset, vectors: np.ndarray, settings: Settings) -> tuple[Index, float]:
    """An Index of the benchmark corpus, built like the briefs' (BM25 and the dense store the settings choose); and
    its build seconds. The caller discards its dense store when done (a PostgreSQL table is not kept)."""
    started = time.perf_counter()
    passages = [
        Passage(f"{dataset.name}:{doc_id}", doc_id, "", (), 0, len(text), (), text)
        for doc_id, text in zip(dataset.doc_ids, dataset.texts)
    ]
    dense = new_store(vectors, [p.doc_id for p in passages], settings)  # in memory, or a PostgreSQL table with store=postgres
    manifest = Manifest(
        INDEX_FORMAT, settings.embedding_model, int(vectors.shape[1]), "beir", {}, dense.kind, len(passages), {}, "", 0.0, 0, 0,
        terms_version=TERMS_VERSION,
    )
    index = Index(
        manifest=manifest,
        documents={},
        passages=passages,
        dense=dense,
        lexical=LexicalIndex.build(dataset.texts),
        duplicates={},
        sentences=SentenceTable([], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []),
        sentence_vectors=np.zeros((0, vectors.shape[1]), dtype=np.float32),
        catalogue=Catalogue([], []),
        path=Path("."),
    )
    return index, time.perf_counter() - started


def run_configuration(
    name: str, retriever: Retriever, dataset: BeirDataset, mode: str, depth: int = 100
) -> BeirResult:
    """Search every query (top `depth`) and score nDCG@10 and Recall@100 with ir-measures."""
    ranked: dict[str, list[tuple[str, float]]] = {}
    latencies: list[float] = []
    if retriever.embedder is not None:
        retriever.embedder.clear_cache()
    for query_id, text in dataset.queries.items():
        started = time.perf_counter()
        request = SearchRequest(text, depth, (), mode)
        fused = retriever.fused_scores(request)
        best = sorted(fused, key=lambda p: (-fused[p], p))[:depth]
        latencies.append((time.perf_counter() - started) * 1000)
        ranked[query_id] = [(retriever.index.passages[p].doc_id, float(fused[p])) for p in best]
    run = [ScoredDoc(query_id, doc_id, score) for query_id, docs in ranked.items() for doc_id, score in docs]
    per_query: dict[str, dict[str, float]] = {}
    for metric in ir_measures.iter_calc(list(BEIR_MEASURES.values()), dataset.qrels, run):
        label = next(k for k, v in BEIR_MEASURES.items() if v == metric.measure)
        per_query.setdefault(metric.query_id, {})[label] = float(metric.value)
    for query_id in dataset.queries:
        per_query.setdefault(query_id, {label: 0.0 for label in BEIR_MEASURES})
    metrics = {label: statistics.fmean(q[label] for q in per_query.values()) for label in BEIR_MEASURES}
    timing = {"p50": statistics.median(latencies), "mean": statistics.fmean(latencies)}
    return BeirResult(name, metrics, timing, len(dataset.queries), per_query, ranked)


@dataclass(frozen=True)
class Configuration:
    """A named retrieval configuration: a mode plus settings overrides (fusion, rrf_k, dense weight…)."""

    name: str
    mode: str
    overrides: dict[str, object] = field(default_factory=dict)


def parse_configurations(spec: str) -> list[Configuration]:
    """'bm25,dense,hybrid,convex:0.3' -> configurations. 'convex:W' is hybrid with convex fusion at dense weight W;
    'rrf:K' is hybrid with reciprocal rank fusion constant K."""
    configurations = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        if part in ("bm25", "dense", "hybrid"):
            configurations.append(Configuration(part, part))
        elif part.startswith("convex:"):
            configurations.append(Configuration(part, "hybrid", {"fusion": "convex", "dense_weight": float(part[7:])}))
        elif part.startswith("rrf:"):
            configurations.append(Configuration(part, "hybrid", {"fusion": "rrf", "rrf_k": int(part[4:])}))
        else:
            raise AssistantError(f"Unknown configuration '{part}': use bm25, dense, hybrid, convex:<weight> or rrf:<k>.")
    return configurations


def run_beir(
    folder: Path,
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    configurations: list[Configuration],
    cache_dir: Path | None,
    max_queries: int | None = None,
    max_docs: int | None = None,
    runs_dir: Path | None = None,
) -> dict[str, object]:
    """Load, embed (or reuse cached vectors), build, and run every configuration; a JSON-ready report with
    95% bootstrap intervals and Holm-corrected paired tests. With `runs_dir`, each configuration's TREC
    run file and per-query values are written there."""
    loading = time.perf_counter()
    dataset = load_beir(folder, max_queries=max_queries, max_docs=max_docs)
    load_seconds = time.perf_counter() - loading
    embedder = embedder_factory()
    model_key = settings.embedding_model + ("" if vector_kind(settings) == "fp32" else f"-{vector_kind(settings)}")
    vectors, embed_seconds, cached = embed_corpus(dataset, embedder, model_key, cache_dir)  # int8 vectors cached apart
    index, index_seconds = benchmark_index(dataset, vectors, settings)
    results = []
    try:
        for configuration in configurations:
            configured = settings.model_copy(update=configuration.overrides)
            retriever = Retriever(index, embedder, configured)
            results.append(run_configuration(configuration.name, retriever, dataset, configuration.mode))
    finally:
        index.dense.discard()
    metrics = list(BEIR_MEASURES)
    if runs_dir is not None:
        for result in results:
            stem = f"{dataset.name}-{result.configuration}".replace(":", "_")
            write_run(runs_dir / f"{stem}.run", result.ranked, result.configuration)
            (runs_dir / f"{stem}.per-query.json").write_text(json.dumps(result.per_query, indent=1) + "\n")
    comparisons = compare({r.configuration: r.per_query for r in results}, metrics)
    return {
        "dataset": dataset.name,
        "documents": len(dataset.doc_ids),
        "queries": len(dataset.queries),
        "model": settings.embedding_model,
        "dense_kind": index.manifest.dense_kind,
        "seconds": {
            "load": round(load_seconds, 2),
            "embed_corpus": round(embed_seconds, 2),
            "embeddings_cached": cached,
            "build_indexes": round(index_seconds, 2),
        },
        "results": [
            {
                "configuration": r.configuration, "metrics": r.metrics, "query_ms": r.query_ms, "queries": r.queries,
                "interval_95": {m: list(v) for m, v in intervals(r.per_query, metrics).items()},
            }
            for r in results
        ],
        "comparisons": [vars(c) for c in comparisons],
    }


def beir_markdown(report: dict[str, object], published: str | None = None) -> str:
    seconds = report["seconds"]  # type: ignore[index]
    embed = "cached vectors" if seconds["embeddings_cached"] else f"{seconds['embed_corpus']:.1f} s"  # type: ignore[index]
    lines = [
        f"# BEIR: {report['dataset']}",
        "",
        f"{report['documents']} documents, {report['queries']} test queries; model {report['model']}, "
        f"{report['dense_kind']} dense search. Corpus embedding: {embed}; BM25 + dense index build "
        f"{seconds['build_indexes']:.1f} s.",  # type: ignore[index]
        "",
        "| configuration | nDCG@10 [95% CI] | Recall@100 [95% CI] | median query ms |",
        "|---|---|---|---|",
    ]
    for result in report["results"]:  # type: ignore[attr-defined]
        metrics, ci = result["metrics"], result.get("interval_95", {})

        def shown(name: str) -> str:
            low, high = ci.get(name, (float("nan"), float("nan")))
            return f"{metrics[name]:.4f} [{low:.3f}, {high:.3f}]"

        lines.append(f"| {result['configuration']} | {shown('ndcg@10')} | {shown('recall@100')} | {result['query_ms']['p50']:.1f} |")
    if report.get("comparisons"):
        lines += ["", "Paired tests (same queries), corrected for the pairs compared:", "",
                  comparisons_markdown([Comparison(**c) for c in report["comparisons"]]).rstrip()]  # type: ignore[union-attr]
    if published:
        lines += ["", "Published and side-by-side figures (from PUBLISHED_SCORES.md beside the dataset):", "", published.strip()]
    return "\n".join(lines) + "\n"
