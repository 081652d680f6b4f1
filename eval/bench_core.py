"""Core speed, PyTorch, ONNX Runtime and ONNX Runtime with int8 weights side by side: a full build of the corpus from nothing,
model load, and warm in-process search latency with the service's one thread per model call.

Run: .venv/bin/python eval/bench_core.py   (writes eval/reports/core-speed.json and .md)

Each backend is measured in a process of its own, so that its imports count in its load time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = [  # (label, backend, whether the ONNX export is already cached, whether to time searches)
    ("torch", "torch", True, True),
    ("onnx, first use (exports the model)", "onnx", False, False),
    ("onnx", "onnx", True, True),
    ("onnx-int8", "onnx-int8", True, True),  # quantised on first use into the same cache (bench_int8.py made it)
]


def measure(backend: str, model_cache: Path, time_searches: bool, repeats: int) -> dict:
    """One backend in this process: load, full build, unchanged rebuild, then search latencies."""
    started = time.perf_counter()
    from assistant.embedding import embedder_from_settings
    from assistant.evaluation import load_qa
    from assistant.indexing import build_index
    from assistant.store import load_index
    from assistant.retrieval import Retriever
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            corpus_dir=ROOT / "corpus", index_dir=Path(folder) / "index", embedding_backend=backend, model_cache_dir=model_cache
        )
        model = embedder_from_settings(settings)
        model_seconds = time.perf_counter() - started
        report = build_index(settings, lambda: model)
        result = {
            "backend": type(model).__name__,
            "documents": report.documents,
            "passages": report.passages,
            "model_load_seconds_including_imports": round(model_seconds, 2),
            "full_build_seconds_including_model_load": round(time.perf_counter() - started, 2),
            "build_seconds_excluding_model_load": report.seconds,
            "unchanged_rebuild_seconds": build_index(settings, lambda: model).seconds,
        }
        if not time_searches:
            return result
        serving = embedder_from_settings(settings, threads=settings.serve_embedding_threads)
        retriever = Retriever(load_index(settings), serving, settings)
        questions = [item.question for item in load_qa(ROOT / "eval" / "qa.jsonl")]
        result["search"] = {}
        for mode in ("bm25", "dense", "hybrid"):
            for cached in (False, True):
                timings = []
                for _ in range(repeats):
                    serving.clear_cache()
                    if cached:
                        for question in questions:
                            retriever.search(question, mode=mode)
                    for question in questions:
                        if not cached:
                            serving.clear_cache()
                        began = time.perf_counter()
                        retriever.search(question, mode=mode)
                        timings.append((time.perf_counter() - began) * 1000)
                result["search"][f"{mode}{' (query cached)' if cached else ''}"] = {
                    "median_ms": statistics.median(timings),
                    "p95_ms": sorted(timings)[int(0.95 * len(timings)) - 1],
                    "queries": len(timings),
                }
        floor = []
        for question in questions * repeats:
            began = time.perf_counter()
            serving.embed_passages([question])
            floor.append((time.perf_counter() - began) * 1000)
        result["one_query_embedding_median_ms"] = statistics.median(floor)
    return result


def main(repeats: int) -> None:
    results = {}
    with tempfile.TemporaryDirectory() as empty_cache:
        for label, backend, cached_export, time_searches in RUNS:
            cache = str(ROOT / "data" / "models") if cached_export else empty_cache
            command = [sys.executable, __file__, "--measure", backend, "--model-cache", cache, "--repeats", str(repeats)]
            if not time_searches:
                command.append("--no-search")
            output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
            results[label] = json.loads(output.strip().splitlines()[-1])
            print(label, json.dumps(results[label]), flush=True)
    write_reports(results)


def write_reports(results: dict) -> None:
    reports = ROOT / "eval" / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    payload = {"runs": results, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": sys.version.split()[0]}
    (reports / "core-speed.json").write_text(json.dumps(payload, indent=2))
    first = next(iter(results.values()))
    timed = {label: run for label, run in results.items() if "search" in run}
    modes = list(next(iter(timed.values()))["search"])
    lines = [
        "# Core speed (2-core machine, in-process)",
        "",
        f"{first['documents']} briefs, {first['passages']} passages. Each backend ran in a process of its own; "
        "searches embed the question with one thread, as the service does.",
        "",
        "| backend | model load incl. imports, s | full build from nothing, s | of which embedding and writing, s | unchanged rebuild, s |",
        "|---|---|---|---|---|",
        *[
            f"| {label} | {run['model_load_seconds_including_imports']} | {run['full_build_seconds_including_model_load']} "
            f"| {run['build_seconds_excluding_model_load']} | {run['unchanged_rebuild_seconds']} |"
            for label, run in results.items()
        ],
        "",
        "| search mode | " + " | ".join(f"{label} median / p95 ms" for label in timed) + " |",
        "|---|" + "---|" * len(timed),
        *[
            f"| {mode} | " + " | ".join(f"{run['search'][mode]['median_ms']:.2f} / {run['search'][mode]['p95_ms']:.2f}" for run in timed.values()) + " |"
            for mode in modes
        ],
        "",
        "Floor, one query embedding alone (median): "
        + ", ".join(f"{label} {run['one_query_embedding_median_ms']:.2f} ms" for label, run in timed.items())
        + ".",
    ]
    (reports / "core-speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="Passes over the QA questions per search mode.")
    parser.add_argument("--measure", choices=["torch", "onnx", "onnx-int8"], help=argparse.SUPPRESS)
    parser.add_argument("--model-cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-search", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        print(json.dumps(measure(arguments.measure, arguments.model_cache, not arguments.no_search, arguments.repeats)))
    else:
        main(arguments.repeats)
