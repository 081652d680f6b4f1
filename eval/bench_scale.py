"""Search at 100,000 and 1,000,000 passages: exact against HNSW and IVF, and BM25 at that size.

    .venv/bin/python eval/bench_scale.py [--sizes 100000,1000000] [--queries 200] [--kinds hnsw,ivf]

Embedding a million passages on this CPU would take hours, so the vectors are synthetic:
real embeddings (the briefs' passages and sentences from the built index, and SciFact's
abstracts when `eval/.cache` holds them) plus Gaussian noise, re-normalised. Queries are
real question embeddings of the QA set plus noise. Exact inner-product search gives the
true top 10; HNSW and IVF are measured against it (recall@10) at several search breadths (HNSW's
efSearch, IVF's clusters probed). The BM25
text is real sentences and abstracts, sampled with repetition up to the size. Prints the
figures and writes eval/reports/scale.json and scale.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import statistics
import tempfile
import time
from array import array
from pathlib import Path

import bm25s
import faiss
import numpy as np

from assistant.dense import build_dense, ivf_lists
from assistant.embedding import SentenceTransformerEmbedder
from assistant.store import load_index
from assistant.lexical import LexicalIndex, terms
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
NOISE = 0.06  # per-dimension noise; real+noise vectors keep a cosine of about 0.6 to their source


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Start measuring the process's peak resident memory afresh (Linux: VmHWM reset through clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_SAMPLE: list[str] = []  # the texts BM25 is built from, handed to a forked child without pickling
_SAMPLE_QUESTIONS: list[str] = []


BASELINES = {
    "words": "bm25s from word lists",  # the project's build until term-id arrays
    "ids": "bm25s from term-id arrays",  # … until the matrix was built here in chunks
}


def measure_bm25(way: str) -> dict[str, float]:
    """Build BM25 over _SAMPLE in this (child) process: seconds, memory held after and peak during the build, and
    the median query time. `way`: "project" (LexicalIndex.build) or a key of BASELINES."""
    gc.collect()
    before = resident_mb()
    reset_peak()
    started = time.perf_counter()
    if way == "words":
        model = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        model.index([terms(text) for text in _SAMPLE], show_progress=False)
    elif way == "ids":
        model = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        vocabulary: dict[str, int] = {}
        ids = [array("i", [vocabulary.setdefault(term, len(vocabulary)) for term in terms(text)]) for text in _SAMPLE]
        model.index((ids, vocabulary), show_progress=False)
    else:
        lexical = LexicalIndex.build(_SAMPLE)
    result = {"build_s": time.perf_counter() - started, "memory_mb": resident_mb() - before, "peak_mb": peak_mb() - before}
    if way == "project":
        times = []
        for question in _SAMPLE_QUESTIONS:
            began = time.perf_counter()
            lexical.scores(question)
            times.append((time.perf_counter() - began) * 1000)
        result["p50_ms"] = statistics.median(times)
    return result


def in_child(function, *arguments):  # type: ignore[no-untyped-def]
    """Run a measurement in a forked process of its own, so that memory one build frees (and Python keeps) does
    not flatter the next."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(function, arguments)


def normalised(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def synthetic(base: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((count, base.shape[1]), dtype=np.float32)
    for first in range(0, count, 100_000):
        size = min(100_000, count - first)
        rows = base[rng.integers(0, len(base), size)]
        out[first : first + size] = normalised(rows + rng.normal(0, NOISE, rows.shape).astype(np.float32))
    return out


def timed_search(index: object, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:
    found, times = [], []
    for query in queries:  # one at a time, as the service searches
        started = time.perf_counter()
        _, positions = index.search(query[None, :], k)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        found.append(positions[0])
    return np.array(found), times


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return statistics.fmean(len(set(f) & set(t)) / len(t) for f, t in zip(found.tolist(), truth.tolist()))


def disk_mb(index: object) -> float:
    with tempfile.NamedTemporaryFile(suffix=".faiss") as handle:
        faiss.write_index(index, handle.name)
        return Path(handle.name).stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", default="32,64,128,256")
    parser.add_argument("--probe", default="16,32,48,64,128", help="IVF clusters probed per query.")
    parser.add_argument("--kinds", default="hnsw,ivf", help="Approximate indexes to measure.")
    parser.add_argument("--no-bm25", action="store_true", help="Skip the BM25 part.")
    parser.add_argument(
        "--bm25-baselines", default="",
        help="Also build BM25 these earlier ways, each in a process of its own: words (bm25s from word lists), "
        "ids (bm25s from term-id arrays), comma-separated.",
    )
    parser.add_argument("--name", default="scale", help="Report name: eval/reports/<name>.json and .md.")
    arguments = parser.parse_args()
    settings = load_settings()
    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(7)
    index = load_index(settings)
    base = [index.dense.vectors, index.sentence_vectors]  # type: ignore[attr-defined]  # the FAISS store's own vectors
    texts = [p.text for p in index.passages] + [index.sentences.text(i, index.documents) for i in range(len(index.sentences))]
    for cached in sorted((ROOT / "eval" / ".cache").glob("scifact-*.npy")):
        base.append(np.load(cached))
    scifact = Path("../shared/benchmarks/scifact/corpus.jsonl")
    if scifact.exists():  # text only for the BM25 size test; nothing is copied into the repository
        texts += [json.loads(line)["text"] for line in scifact.read_text().splitlines() if line.strip()]
    base_vectors = np.vstack(base)
    questions = [json.loads(l)["question"] for l in (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if l.strip()]
    embedder = SentenceTransformerEmbedder(settings.embedding_model)
    question_vectors = embedder.embed_passages(questions)
    queries = synthetic(question_vectors, arguments.queries, rng)
    ef_values = [int(v) for v in arguments.ef_search.split(",")]
    probes = [int(v) for v in arguments.probe.split(",")]
    kinds = [kind for kind in arguments.kinds.split(",") if kind]
    report: dict[str, object] = {"base_vectors": len(base_vectors), "noise": NOISE, "queries": len(queries), "sizes": []}

    for size in (int(s) for s in arguments.sizes.split(",")):
        gc.collect()
        vectors = synthetic(base_vectors, size, rng)
        before = resident_mb()
        started = time.perf_counter()
        exact = build_dense(vectors, "exact", settings)
        exact_build = time.perf_counter() - started
        truth, exact_times = timed_search(exact, queries)
        exact_mb = disk_mb(exact)
        del exact
        approximate = {}
        for kind in kinds:
            gc.collect()
            before = resident_mb()
            started = time.perf_counter()
            index_ = build_dense(vectors, kind, settings)
            build_s = time.perf_counter() - started
            memory = resident_mb() - before
            breadths = []
            for breadth in ef_values if kind == "hnsw" else probes:
                if kind == "hnsw":
                    index_.hnsw.efSearch = breadth  # type: ignore[attr-defined]
                else:
                    index_.nprobe = breadth  # type: ignore[attr-defined]
                found, times = timed_search(index_, queries)
                breadths.append({"breadth": breadth, "recall@10": recall(found, truth), "p50_ms": statistics.median(times)})
            approximate[kind] = {
                **({"m": settings.hnsw_m, "ef_construction": settings.hnsw_ef_construction} if kind == "hnsw"
                   else {"lists": ivf_lists(settings, size)}),
                "build_s": build_s, "memory_mb": memory, "disk_mb": disk_mb(index_), "by_breadth": breadths,
            }
            del index_
            gc.collect()
        bm25: dict[str, float] = {"build_s": float("nan"), "memory_mb": float("nan"), "peak_mb": float("nan"), "p50_ms": float("nan")}
        baselines: dict[str, dict[str, float]] = {}
        if not arguments.no_bm25:
            _SAMPLE[:] = [texts[i] for i in rng.integers(0, len(texts), size)]
            _SAMPLE_QUESTIONS[:] = questions[:50]
            for way in (w for w in arguments.bm25_baselines.split(",") if w):
                baselines[f"bm25_from_{way}"] = in_child(measure_bm25, way)
            bm25 = in_child(measure_bm25, "project")
            _SAMPLE.clear()
        del vectors
        row = {
            "passages": size,
            "vectors_mb": size * base_vectors.shape[1] * 4 / 1e6,
            "exact": {"build_s": exact_build, "p50_ms": statistics.median(exact_times), "disk_mb": exact_mb},
            **approximate,
            "bm25": bm25,
            **baselines,
        }
        report["sizes"].append(row)  # type: ignore[attr-defined]
        print(json.dumps(row, indent=1))
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{arguments.name}.json").write_text(json.dumps(report, indent=2))
    lines = [
        "# Scale: exact, HNSW and IVF dense search, BM25, at large sizes",
        "",
        f"Synthetic vectors: {len(base_vectors):,} real embeddings plus noise (σ = {NOISE} per dimension), "
        f"re-normalised; {len(queries)} queries from the QA set's questions plus noise; one query at a time, "
        "2 threads. Recall@10 is against exact search.",
        "",
        "| passages | index | build s | breadth (HNSW efSearch, IVF clusters probed): recall@10 / p50 ms | on disk MB |",
        "|---|---|---|---|---|",
    ]
    for row in report["sizes"]:  # type: ignore[attr-defined]
        lines.append(f"| {row['passages']:,} | exact | {row['exact']['build_s']:.1f} | {row['exact']['p50_ms']:.2f} ms | "
                     f"{row['exact']['disk_mb']:.0f} |")
        for kind in kinds:
            detail = row[kind]
            label = (f"HNSW (M {detail['m']}, efConstruction {detail['ef_construction']})" if kind == "hnsw"
                     else f"IVF ({detail['lists']:,} clusters)")
            breadth = "; ".join(f"{b['breadth']}: {b['recall@10']:.3f} / {b['p50_ms']:.2f}" for b in detail["by_breadth"])
            lines.append(f"| {row['passages']:,} | {label} | {detail['build_s']:.0f} | {breadth} | {detail['disk_mb']:.0f} |")
    lines += ["", "| passages | BM25 build s | BM25 memory held after the build, MB | peak during the build, MB | BM25 p50 ms |",
              "|---|---|---|---|---|"]
    for row in report["sizes"]:  # type: ignore[attr-defined]
        for way, label in BASELINES.items():
            if f"bm25_from_{way}" in row:
                earlier = row[f"bm25_from_{way}"]
                lines.append(f"| {row['passages']:,}, {label} | {earlier['build_s']:.0f} | {earlier['memory_mb']:.0f} | "
                             f"{earlier['peak_mb']:.0f} | |")
        lines.append(f"| {row['passages']:,}, in chunks (the project's) | {row['bm25']['build_s']:.0f} | {row['bm25']['memory_mb']:.0f} | "
                     f"{row['bm25']['peak_mb']:.0f} | {row['bm25']['p50_ms']:.1f} |")
    (REPORTS / f"{arguments.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
