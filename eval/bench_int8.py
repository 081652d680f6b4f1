"""int8 against fp32 embeddings, side by side in one run: speed, closeness, and retrieval quality on SciFact.

    .venv/bin/python eval/bench_int8.py [--beir ../shared/benchmarks/scifact] [--max-docs 1500] [--name int8]

Embeds the same SciFact documents (the relevant documents of every test query, then others up
to --max-docs; 0 for the whole corpus) with the ONNX model in full precision and quantised to int8 (per-channel dynamic
quantisation, ASSISTANT_EMBEDDING_BACKEND=onnx-int8), each on 2 threads in batches of 16 sorted
by length, and times both. Then the cosine of each int8 vector to its fp32 twin, and nDCG@10 /
Recall@100 of dense and hybrid retrieval with each, with a paired randomisation test on nDCG@10.
Writes eval/reports/NAME.json and NAME.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from assistant.beir import benchmark_index, embed_corpus, load_beir, run_configuration
from assistant.embedding import embedder_from_settings
from assistant.retrieval import Retriever
from assistant.settings import Settings
from assistant.significance import compare

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beir", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "scifact")
    parser.add_argument("--max-docs", type=int, default=1500, help="0: the whole corpus")
    parser.add_argument("--name", default="int8", help="report name in eval/reports/")
    arguments = parser.parse_args()
    dataset = load_beir(arguments.beir, max_docs=arguments.max_docs or None)
    rows, vectors, per_query = {}, {}, {}
    for backend in ("onnx", "onnx-int8"):
        settings = Settings(embedding_backend=backend, embedding_threads=2)
        embedder = embedder_from_settings(settings)
        embedder.embed_passages(dataset.texts[:16])  # load the kernels before timing
        vectors[backend], seconds, _ = embed_corpus(dataset, embedder, settings.embedding_model, None)
        index, _ = benchmark_index(dataset, vectors[backend], settings)
        retriever = Retriever(index, embedder, settings)
        results = {mode: run_configuration(mode, retriever, dataset, mode) for mode in ("dense", "hybrid")}
        index.dense.discard()
        rows[backend] = {
            "embed_seconds": round(seconds, 2),
            "passages_per_second": round(len(dataset.texts) / seconds, 1),
            **{f"{mode} {m}": round(v, 4) for mode, r in results.items() for m, v in r.metrics.items()},
        }
        per_query.update({f"{mode} {backend}": r.per_query for mode, r in results.items()})
        print(backend, rows[backend], flush=True)
    cosines = (vectors["onnx"] * vectors["onnx-int8"]).sum(axis=1)
    tests = []
    for mode in ("dense", "hybrid"):
        pair = {k: v for k, v in per_query.items() if k.startswith(mode)}
        tests += [vars(c) for c in compare(pair, ["ndcg@10"])]
    report = {
        "command": "python eval/bench_int8.py"
        + (f" --max-docs {arguments.max_docs}" if arguments.max_docs != 1500 else "")
        + (f" --name {arguments.name}" if arguments.name != "int8" else ""),
        "date": time.strftime("%Y-%m-%d"),
        "documents": len(dataset.doc_ids),
        "queries": len(dataset.queries),
        "backends": rows,
        "speedup": round(rows["onnx"]["embed_seconds"] / rows["onnx-int8"]["embed_seconds"], 2),
        "cosine": {"mean": round(float(cosines.mean()), 4), "min": round(float(cosines.min()), 4),
                   "p01": round(float(np.quantile(cosines, 0.01)), 4)},
        "paired_tests": tests,
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{arguments.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    fp, q = rows["onnx"], rows["onnx-int8"]
    lines = [
        "# int8 against fp32 embeddings",
        "",
        f"`{report['command']}`, {report['date']}: SciFact, {report['documents']} documents"
        + (" (every test query's relevant ones, then others)" if arguments.max_docs else " (the whole corpus)")
        + f", {report['queries']} queries; ONNX Runtime, 2 threads, batches of 16 sorted by length; "
        "both backends in one run.",
        "",
        "| | fp32 (`onnx`) | int8 (`onnx-int8`) |",
        "|---|---:|---:|",
        f"| corpus embedding, s | {fp['embed_seconds']} | {q['embed_seconds']} |",
        f"| passages per second | {fp['passages_per_second']} | {q['passages_per_second']} |",
        *[f"| {key} | {fp[key]:.4f} | {q[key]:.4f} |" for key in fp if key.startswith(("dense", "hybrid"))],
        "",
        f"int8 embeds {report['speedup']}× as fast. Cosine of each int8 vector to its fp32 twin: mean "
        f"{report['cosine']['mean']}, 1st percentile {report['cosine']['p01']}, min {report['cosine']['min']}.",
        "",
        "Paired randomisation tests on nDCG@10 (same queries):",
        "",
        *[f"- {t['first']} vs {t['second']}: {t['difference']:+.4f}, p = {t['p_value']:.3f}" for t in tests],
        "",
    ]
    (REPORTS / f"{arguments.name}.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
