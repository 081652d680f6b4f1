"""Our retrieval against naive baselines on the QA sets, side by side in one run, overall and per kind.

    .venv/bin/python eval/bench_baselines.py [--words 200] [--name baselines]

The baselines are what anyone gets without our structure: each brief's text cut into plain windows of
--words words (no titles, no section paths, no sentence voice), searched by BM25 (the same stemming),
by the same MiniLM embeddings, and by both fused the way we fuse (convex, 0.5). A follow-up is searched
the naive way: the previous question put in front of it. Ours is the service's hybrid search as
`assistant eval` judges it: follow-ups resolved from replayed turns, and each item's sentence weight the
one fitted without its fold (eval/reports/fold-models.json), so every figure of ours is held out; the
baselines fit nothing. A hit is a passage or window overlapping a gold quote. Writes
eval/reports/NAME.json and NAME.md.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering import Answerer
from assistant.cli import DEFAULT_QA_SETS
from assistant.evaluation import (
    ModeResult,
    QAItem,
    evaluate_mode,
    in_process_ask,
    judged_run,
    load_qa_sets,
    replay_histories,
    score_runs,
)
from assistant.fitting import FOLD_MODELS, load_fold_models
from assistant.lexical import LexicalIndex
from assistant.models import Document, Passage, SearchHit
from assistant.retrieval import convex_fusion, open_retriever, top_positions
from assistant.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
CANDIDATES = 50  # per retriever before fusion, as ours
_WORD = re.compile(r"\S+")


def windows(documents: dict[str, Document], size: int) -> list[Passage]:
    """Each document's text in consecutive windows of `size` words, with their offsets."""
    passages = []
    for doc_id, document in sorted(documents.items()):
        words = list(_WORD.finditer(document.text))
        for number, first in enumerate(range(0, len(words), size)):
            chosen = words[first : first + size]
            start, end = chosen[0].start(), chosen[-1].end()
            passages.append(Passage(f"{doc_id}-w{number}", doc_id, document.title, (), start, end, (), document.text[start:end]))
    return passages


@dataclass
class Baseline:
    passages: list[Passage]
    lexical: LexicalIndex
    vectors: np.ndarray

    def search(self, mode: str, query: str, vector: np.ndarray, k: int = 10) -> list[SearchHit]:
        lexical = top_positions(self.lexical.scores(query), CANDIDATES)
        dense = top_positions(self.vectors @ vector, CANDIDATES)
        scores = {"bm25": lexical, "dense": dense}.get(mode) or convex_fusion([dense, lexical], [0.5, 0.5])
        ranking = sorted(scores, key=lambda p: (-scores[p], p))[:k]
        return [SearchHit(self.passages[p], scores[p], rank) for rank, p in enumerate(ranking, 1)]


def naive_query(item: QAItem) -> str:
    """The previous question in front of a follow-up; the question alone otherwise."""
    previous = [turn.content for turn in item.turns() if turn.role == "user"]
    return f"{previous[-1]} {item.question}" if previous else item.question


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200, help="window size in words")
    parser.add_argument("--name", default="baselines", help="report name in eval/reports/")
    arguments = parser.parse_args()
    settings = load_settings()
    retriever = open_retriever(settings, "hybrid")
    items = load_qa_sets(DEFAULT_QA_SETS)
    answerable = [item for item in items if item.gold]
    documents = retriever.index.documents
    assert retriever.embedder is not None
    held_out = load_fold_models(REPORTS / FOLD_MODELS, retriever.index.manifest.model)
    histories = replay_histories(items, in_process_ask(Answerer(retriever), held_out))
    weights = {item_id: models.fusion for item_id, models in held_out.items()}
    results: list[ModeResult] = [evaluate_mode(retriever, items, "hybrid", histories=histories, fusion=weights)]
    results[0].mode = "ours (hybrid, held out)"
    passages = windows(documents, arguments.words)
    texts = [p.text for p in passages]
    baseline = Baseline(passages, LexicalIndex.build(texts), retriever.embedder.embed_passages(texts))
    queries = {item.id: naive_query(item) for item in answerable}
    vectors = {item.id: retriever.embedder.embed_query(queries[item.id]) for item in answerable}
    for mode in ("bm25", "dense", "hybrid"):
        run = [doc for item in answerable
               for doc in judged_run(item, baseline.search(mode, queries[item.id], vectors[item.id]), documents)]
        results.append(score_runs(f"{arguments.words}-word windows, {mode}", answerable, run, [0.0]))
    write(results, arguments.words, len(passages), len(retriever.index.passages), arguments.name)


def write(results: list[ModeResult], words: int, windows_count: int, passages: int, name: str) -> None:
    kinds = sorted(results[0].per_kind)
    ours, others = results[0], results[1:]
    report = {r.mode: {"overall": r.metrics, "per_kind": r.per_kind} for r in results}
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    lines = [
        "# Our retrieval against naive baselines",
        "",
        f"`eval/bench_baselines.py --words {words}`: {len(ours.per_query)} answerable QA items; ours over "
        f"{passages} passages, the baselines over {windows_count} plain {words}-word windows. Ours is held out "
        "(fusion weights and answer models fitted without the item's fold); the baselines fit nothing. Follow-ups: ours resolved "
        "from replayed turns, the baselines with the previous question put in front.",
        "",
        "| system | hit@1 | hit@5 | MRR@10 | nDCG@10 |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        m = r.metrics
        lines.append(f"| {r.mode} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr@10']:.3f} | {m['ndcg@10']:.3f} |")
    for measure in ("hit@5", "mrr@10"):
        lines += ["", f"{measure} per kind (**bold**: ours below the best baseline):", "",
                  "| system | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
        for r in results:
            cells = []
            for kind in kinds:
                value = r.per_kind[kind][measure]
                below = r is ours and value < max(o.per_kind[kind][measure] for o in others) - 1e-9
                cells.append(f"**{value:.3f}**" if below else f"{value:.3f}")
            lines.append(f"| {r.mode} | " + " | ".join(cells) + " |")
    (REPORTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
