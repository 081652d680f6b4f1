"""Core speed: a full build of the corpus from nothing, and warm in-process search latency.

Run: .venv/bin/python eval/bench_core.py   (writes eval/reports/core-speed.json and .md)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant.embedding import SentenceTransformerEmbedder
from assistant.evaluation import load_qa
from assistant.indexing import build_index
from assistant.retrieval import open_retriever
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def main(repeats: int = 5) -> None:
    questions = [item.question for item in load_qa(ROOT / "eval" / "qa.jsonl")]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(corpus_dir=ROOT / "corpus", index_dir=Path(folder) / "index")
        started = time.perf_counter()
        model = SentenceTransformerEmbedder(settings.embedding_model)
        model_seconds = time.perf_counter() - started
        report = build_index(settings, lambda: model)
        full_seconds = time.perf_counter() - started
        unchanged = build_index(settings, lambda: model)
        retriever = open_retriever(settings)
        rows = {}
        for mode in ("bm25", "dense", "hybrid"):
            for cached in (False, True):
                timings = []
                for _ in range(repeats):
                    retriever.embedder.clear_cache()
                    if cached:
                        for question in questions:
                            retriever.search(question, mode=mode)
                    for question in questions:
                        if not cached:
                            retriever.embedder.clear_cache()
                        began = time.perf_counter()
                        retriever.search(question, mode=mode)
                        timings.append((time.perf_counter() - began) * 1000)
                rows[f"{mode}{' (query cached)' if cached else ''}"] = {
                    "median_ms": statistics.median(timings),
                    "p95_ms": sorted(timings)[int(0.95 * len(timings)) - 1],
                    "queries": len(timings),
                }
        floor = []
        for question in questions:
            began = time.perf_counter()
            retriever.embedder.embed_passages([question])
            floor.append((time.perf_counter() - began) * 1000)
    result = {
        "documents": report.documents,
        "passages": report.passages,
        "model_load_seconds": round(model_seconds, 2),
        "full_build_seconds_including_model_load": round(full_seconds, 2),
        "build_seconds_excluding_model_load": report.seconds,
        "unchanged_rebuild_seconds": unchanged.seconds,
        "search": rows,
        "one_query_embedding_median_ms": statistics.median(floor),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": sys.version.split()[0],
    }
    reports = ROOT / "eval" / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "core-speed.json").write_text(json.dumps(result, indent=2))
    lines = [
        "# Core speed (2-core machine, in-process)",
        "",
        f"Full build of {result['documents']} briefs ({result['passages']} passages) from nothing: "
        f"{result['full_build_seconds_including_model_load']} s including {result['model_load_seconds']} s model load "
        f"({result['build_seconds_excluding_model_load']} s for ingest, chunking, embedding and index writing). "
        f"Rebuild with nothing changed: {result['unchanged_rebuild_seconds']} s.",
        "",
        "| search mode | median ms | p95 ms | queries |",
        "|---|---|---|---|",
        *[f"| {k} | {v['median_ms']:.2f} | {v['p95_ms']:.2f} | {v['queries']} |" for k, v in rows.items()],
        "",
        f"Floor: one query embedding alone takes {result['one_query_embedding_median_ms']:.2f} ms (median).",
    ]
    (reports / "core-speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
