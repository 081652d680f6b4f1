"""The `assistant` command: thin commands over the library functions."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import (
    AssistantError,
    CorpusError,
    IndexMismatch,
    IndexMissing,
    StoreUnavailable,
    InvalidOption,
    InvalidQuestion,
    UnknownDocument,
    echoed,
)
from .settings import Settings, load_settings

app = typer.Typer(
    help="SSR Brief Assistant: offline answers quoted from a folder of policy briefs, with citations, entry points and follow-ups.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)

EXIT_CODES: dict[type[AssistantError], int] = {
    InvalidQuestion: 2,
    InvalidOption: 2,
    UnknownDocument: 2,
    CorpusError: 3,
    IndexMissing: 4,
    IndexMismatch: 4,
    StoreUnavailable: 4,
}


EXIT_PORT_TAKEN = 5
DEFAULT_QA_SETS = [Path("eval/qa.jsonl"), Path("eval/practitioner-dev.jsonl")]
RUN_REPORTS, PUBLISHED_REPORTS = Path("eval/runs"), Path("eval/reports")


def _fail(error: AssistantError) -> None:
    errors.print(f"[bold red]error:[/] {error}")
    raise typer.Exit(EXIT_CODES.get(type(error), 1))


def _settings(corpus: Optional[Path] = None, index: Optional[Path] = None) -> Settings:
    return load_settings(corpus_dir=corpus, index_dir=index)


def _embedder_factory(settings: Settings):  # type: ignore[no-untyped-def]
    def create():  # type: ignore[no-untyped-def]
        from .embedding import embedder_from_settings

        return embedder_from_settings(settings)

    return create


CorpusOption = typer.Option(None, "--corpus", help="Folder of briefs (default: ASSISTANT_CORPUS_DIR or ./corpus).")
IndexOption = typer.Option(None, "--index", help="Index folder (default: ASSISTANT_INDEX_DIR or ./index).")


@app.command()
def build(corpus: Optional[Path] = CorpusOption, index: Optional[Path] = IndexOption) -> None:
    """Build the index from the corpus, or update it: only new or changed passages are embedded."""
    from .indexing import build_index
    from .journal import exclusive

    settings = _settings(corpus, index)
    try:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=errors,
            transient=True,
        ) as progress:
            # loading includes the one-time ONNX export of the model on a fresh machine (a few seconds)
            task = progress.add_task("loading the embedding model", total=None)

            def report(done: int, total: int) -> None:
                progress.update(task, description="embedding passages", completed=done, total=total or 1)

            with exclusive(settings):  # not while the service uploads or deletes; settles a write a crash interrupted
                result = build_index(settings, _embedder_factory(settings), progress=report)
    except AssistantError as error:
        _fail(error)
        return
    if result.rebuilt_because:
        errors.print(f"[yellow]rebuilt from scratch:[/] {result.rebuilt_because}")
    for problem in result.problems:
        errors.print(f"[yellow]skipped:[/] {problem.reason}")
    for warning in result.warnings:
        errors.print(f"[yellow]reads poorly:[/] {warning}")
    removed = f", {len(result.removed)} removed" if result.removed else ""
    console.print(
        f"Indexed {result.documents} documents, {result.passages} passages "
        f"({result.embedded} embedded, {result.reused} reused{removed}) in {result.seconds:.1f} s -> {result.path}"
    )


@app.command()
def search(
    question: str = typer.Argument(..., help="The question, in quotes."),
    top_k: Optional[int] = typer.Option(None, "--top-k", "-k", help="How many passages (default: ASSISTANT_TOP_K)."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="Only search this document id (repeatable)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="hybrid, dense or bm25 (default: ASSISTANT_RETRIEVAL_MODE)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for machines."),
    index: Optional[Path] = IndexOption,
) -> None:
    """Ranked passages for a question, each with its document, section, pages and offsets (the question read as
    `ask` reads it: misspelt words corrected, a word the briefs never use given their nearest word, a question in
    another language given the briefs' words it resembles)."""
    from .answering import Answerer
    from .payloads import passage_payload
    from .retrieval import open_retriever

    settings = _settings(None, index)
    try:
        read, hits = Answerer(open_retriever(settings, mode)).search(question, top_k=top_k, doc_ids=doc, mode=mode)
    except AssistantError as error:
        _fail(error)
        return
    if as_json:
        payload = {"question": question, "searched_as": read.searched_as, "results": [passage_payload(h) for h in hits]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if read.searched_as:
        console.print(f"[dim]Searched as: {read.searched_as}[/dim]", highlight=False)
    if not hits:
        console.print("No passage matches.")
    for hit in hits:
        passage = hit.passage
        pages = f", p. {', '.join(map(str, passage.pages))}" if passage.pages else ""
        console.print(f"[bold]{hit.rank}. {passage.title}[/]{pages}  [dim]score {hit.score:.4f}[/]")
        if passage.section:
            console.print(f"   [cyan]{passage.section}[/]")
        for twin in hit.duplicates:
            console.print(f"   [dim]also in: {twin.title} › {twin.section}[/]")
        console.print(f"   {passage.text}\n", soft_wrap=False, highlight=False)


@app.command()
def documents(as_json: bool = typer.Option(False, "--json", help="Print JSON."), index: Optional[Path] = IndexOption) -> None:
    """The documents in the index."""
    from .store import load_index

    settings = _settings(None, index)
    try:
        manifest = load_index(settings).manifest
    except AssistantError as error:
        _fail(error)
        return
    if as_json:
        print(json.dumps([asdict(r) for r in manifest.documents.values()], ensure_ascii=False, indent=2))
        return
    for record in manifest.documents.values():  # the id on a line of its own, whole: it is what --doc takes
        pages = f" · {record.pages} pages" if record.pages else ""
        console.print(f"[bold]{record.doc_id}[/]", soft_wrap=True, highlight=False)
        console.print(f"    {record.title} · {record.format}{pages} · {record.passages} passages", highlight=False)
    console.print(f"model {manifest.model} ({manifest.dimension} d), {manifest.dense_kind} dense index, built {manifest.built_at}")


@app.command("eval")
def evaluate(
    qa: Optional[list[Path]] = typer.Option(
        None, "--qa", help="A question-answer set (JSONL; repeatable). Default: eval/qa.jsonl and eval/practitioner-dev.jsonl."
    ),
    compare: str = typer.Option(
        "bm25,dense,hybrid", "--compare",
        help="Configurations side by side: bm25, dense, hybrid; with --beir also convex:<dense weight> and rrf:<k>.",
    ),
    name: str = typer.Option("retrieval", "--name", help="Report name: <reports>/<name>.json, .md and .png."),
    reports: Optional[Path] = typer.Option(
        None, "--reports", help="Folder for the reports (default: eval/runs/, which git ignores; see --publish)."
    ),
    publish: bool = typer.Option(False, "--publish", help="Write to eval/reports/, replacing the published figures."),
    runs: Optional[Path] = typer.Option(
        None, "--runs", help="Folder for TREC run files and per-query values of every configuration (default: <reports>/runs)."
    ),
    answers: bool = typer.Option(True, "--answers/--no-answers", help="Also evaluate answers (report '<name>-answers')."),
    url: Optional[str] = typer.Option(None, "--url", help="Evaluate a running service (e.g. http://127.0.0.1:8000) over HTTP."),
    minimum: Optional[list[str]] = typer.Option(
        None, "--min", help="Fail (exit 1) when a metric is below, e.g. --min hit@5=0.85 --min keyword_coverage=0.7."
    ),
    maximum: Optional[list[str]] = typer.Option(None, "--max", help="Fail when a metric is above, e.g. --max false_abstention=0.1."),
    beir: Optional[Path] = typer.Option(
        None, "--beir", help="Run a BEIR-format benchmark folder instead (corpus.jsonl, queries.jsonl, qrels/test.tsv)."
    ),
    max_queries: Optional[int] = typer.Option(None, "--max-queries", help="BEIR: only the first N test queries."),
    max_docs: Optional[int] = typer.Option(None, "--max-docs", help="BEIR: their relevant documents plus others up to N."),
    fold_models: Optional[Path] = typer.Option(
        None, "--fold-models", help="The models fitted without each item's fold that judge it held out (default: "
        "eval/reports/fold-models.json, written by `assistant fit`).",
    ),
    index: Optional[Path] = IndexOption,
) -> None:
    """Retrieval quality (hit@1, hit@5, recall@10, MRR@10, nDCG@10, latency; overall and per kind) and answer
    quality (keyword coverage, citation validity, abstention, follow-ups) on the QA set, in-process or over
    HTTP; or nDCG@10 and Recall@100 on a BEIR benchmark. Writes JSON, Markdown and a PNG plot."""
    from .answering import Answerer
    from .fitting import FOLD_MODELS, load_fold_models
    from .evaluation import (
        check_thresholds,
        evaluate_answers,
        evaluate_modes,
        followup_comparison,
        http_ask,
        http_documents,
        in_process_ask,
        load_qa_sets,
        parse_bounds,
        provenance,
        write_runs,
        replay_histories,
        retrieval_from_answers,
        write_answer_report,
        write_plot,
        write_report,
    )
    from .retrieval import open_retriever

    if fold_models is not None and not fold_models.is_file():  # said before the long run, not after it
        raise typer.BadParameter(
            f"no file at {fold_models}: `assistant fit --reports DIR` writes DIR/fold-models.json.", param_hint="--fold-models"
        )
    settings = _settings(None, index)
    reports = reports or (PUBLISHED_REPORTS if publish else RUN_REPORTS)
    held_out: dict = {}  # type: ignore[type-arg]
    if beir is not None:
        _evaluate_beir(beir, settings, compare, reports, name, max_queries, max_docs, runs or reports / "runs")
        return
    try:
        minimums, maximums = parse_bounds(minimum or []), parse_bounds(maximum or [])  # checked before the long run
        items = load_qa_sets(qa or DEFAULT_QA_SETS)
        if url:
            documents = http_documents(url)
            answer_result = evaluate_answers(http_ask(url), items, documents)
            results = [retrieval_from_answers(f"service at {url}", items, answer_result, documents)]
            manifest = None
            followups = None
        else:
            retriever = open_retriever(settings, "hybrid")
            documents = retriever.index.documents
            held_out = load_fold_models(fold_models or PUBLISHED_REPORTS / FOLD_MODELS, retriever.index.manifest.model)
            ask = in_process_ask(Answerer(retriever), held_out)
            histories = replay_histories(items, ask)
            weights = {item_id: models.fusion for item_id, models in held_out.items()}
            results = evaluate_modes(retriever, items, [m.strip() for m in compare.split(",") if m.strip()], histories, weights)
            manifest = retriever.index.manifest
            answer_result = evaluate_answers(ask, items, documents, histories) if answers else None
            followups = followup_comparison(retriever, items, histories, weights) if answers else None
    except AssistantError as error:
        _fail(error)
        return
    about = provenance(manifest, [str(path) for path in qa or DEFAULT_QA_SETS])
    if not url:
        write_runs(results, runs or reports / "runs", name)
    print(write_report(results, reports, name, manifest, len(items), about))
    write_plot(results, reports, name)
    if answer_result is not None:
        judged = sum(item.id in held_out for item in items) if not url else 0
        levels = (
            f"held out for {judged} of {len(items)} items (support level and sentence choice by the models fitted "
            f"without the item's fold, eval/reports/{FOLD_MODELS}), the shipped models for the rest"
            if judged
            else "the model the service uses"
        )
        print(write_answer_report(answer_result, followups, levels, reports, f"{name}-answers", len(items), about))
    default = next((r for r in results if r.mode == settings.retrieval_mode), results[-1])
    values = {**default.metrics, **(answer_result.metrics if answer_result else {})}
    failures = check_thresholds(values, minimums, maximums)
    if failures:
        errors.print("[bold red]below the bar:[/] " + "; ".join(failures))
        raise typer.Exit(1)


def _evaluate_beir(
    folder: Path, settings: Settings, compare: str, reports: Path, name: str, max_queries: Optional[int], max_docs: Optional[int],
    runs: Path,
) -> None:
    from .beir import beir_markdown, parse_configurations, run_beir

    try:
        configurations = parse_configurations(compare)
        report = run_beir(
            folder, settings, _embedder_factory(settings), configurations, Path("eval/.cache"), max_queries, max_docs, runs
        )
    except AssistantError as error:
        _fail(error)
        return
    from .evaluation import provenance

    report["provenance"] = provenance(None, [str(folder)])
    published_path = folder.parent / "PUBLISHED_SCORES.md"
    published = published_path.read_text() if published_path.exists() else None
    report_name = f"beir-{report['dataset']}" if name == "retrieval" else name
    reports.mkdir(parents=True, exist_ok=True)
    (reports / f"{report_name}.json").write_text(json.dumps(report, indent=2))
    markdown = beir_markdown(report, published)
    (reports / f"{report_name}.md").write_text(markdown)
    print(markdown)


@app.command()
def score(
    qrels: Path = typer.Option(..., "--qrels", help="Relevance judgements: a TREC qrels file, or a BEIR qrels/*.tsv."),
    run: list[Path] = typer.Option(..., "--run", help="A TREC run file (qid Q0 docid rank score tag); repeat to compare runs."),
    measure: Optional[list[str]] = typer.Option(
        None, "--measure", help="ir-measures names (default: nDCG@10, R@100, RR@10, Success@5); repeatable."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: means, 95% intervals, per-query values, paired tests."),
) -> None:
    """Score any run files (ours or another system's) against qrels with the code every report uses (ir-measures),
    with 95% bootstrap intervals and, for several runs, paired randomisation tests corrected by Holm's method."""
    from .runs import parse_measures, read_qrels, read_run, score_run
    from .significance import compare, comparisons_markdown, intervals

    try:
        measures = parse_measures(measure or ["nDCG@10", "R@100", "RR@10", "Success@5"])
        judgements = read_qrels(qrels)
        scored = {str(path): score_run(judgements, read_run(path), measures) for path in run}
    except AssistantError as error:
        _fail(error)
        return
    names = list(measures)
    per_query = {name: values for name, (_, values) in scored.items()}
    comparisons = compare(per_query, names) if len(scored) > 1 else []
    if as_json:
        print(json.dumps({
            "runs": {
                name: {"means": means, "interval_95": {m: list(v) for m, v in intervals(values, names).items()}, "per_query": values}
                for name, (means, values) in scored.items()
            },
            "comparisons": [vars(c) for c in comparisons],
        }, indent=2))
        return
    print("| run | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for name, (means, values) in scored.items():
        ci = intervals(values, names)
        print(f"| {name} | " + " | ".join(f"{means[m]:.4f} [{ci[m][0]:.3f}, {ci[m][1]:.3f}]" for m in names) + " |")
    if comparisons:
        print("\n" + comparisons_markdown(comparisons))


@app.command("export-beir")
def export_beir(
    out: Path = typer.Option(..., "--out", help="Folder to write corpus.jsonl, queries.jsonl and qrels/test.tsv into."),
    qa: Optional[list[Path]] = typer.Option(None, "--qa", help="QA sets (repeatable). Default: both shipped sets."),
    index: Optional[Path] = IndexOption,
) -> None:
    """Export the indexed passages and the QA sets in BEIR's layout, so BEIR, ranx or PyTerrier can run on our data.
    A passage is relevant to a question when it holds one of its gold quotes; follow-ups are exported with the query
    resolved from their own earlier turns."""
    from .evaluation import export_beir as export, load_qa_sets
    from .store import load_index

    settings = _settings(None, index)
    try:
        counts = export(load_index(settings), load_qa_sets(qa or DEFAULT_QA_SETS), out)
    except AssistantError as error:
        _fail(error)
        return
    console.print(
        f"wrote {counts['passages']} passages, {counts['queries']} queries, {counts['qrels']} judgements to {out}; "
        f"{counts['without_passage']} answerable questions left out: their gold quotes lie in no passage"
    )


@app.command()
def fit(
    qa: Optional[list[Path]] = typer.Option(
        None, "--qa", help="QA sets to fit on (repeatable). Default: eval/qa.jsonl and eval/practitioner-dev.jsonl."
    ),
    output: Path = typer.Option(
        Path("assistant/data"), "--output",
        help="Folder the fitted models are written to (answerability.json, sentence_ranker.json, passage_ranking.json; "
        "shipped in the package).",
    ),
    reports: Path = typer.Option(PUBLISHED_REPORTS, "--reports", help="Folder for answerability.md/.json and the fold models."),
    seed: Optional[int] = typer.Option(
        None, "--seed", help="How the items are dealt into the grouped folds (default: the seed of the published "
        "models; eval/bench_seeds.py shows how much the held-out figures move with it).",
    ),
    index: Optional[Path] = IndexOption,
) -> None:
    """Fit the weights of hybrid search's sentence, phrase and definition voices, the answerability model (support levels answered /
    partial / not_covered) and the sentence ranker on the QA sets with grouped cross-validation; write the three
    and a report of held-out figures only."""
    import numpy as np

    from . import fitting
    from .answering import Answerer, AnswerModels
    from .evaluation import load_qa_sets
    from .retrieval import open_retriever

    if output.resolve() == reports.resolve():  # said before the long run: the report would overwrite the model
        raise typer.BadParameter(
            f"{output} would hold both the fitted model and the report, and both are named answerability.json: give "
            "--reports another folder (e.g. --output DIR/models --reports DIR).", param_hint="--reports",
        )
    settings = _settings(None, index)
    try:
        items = load_qa_sets(qa or DEFAULT_QA_SETS)
        answerer = Answerer(open_retriever(settings, "hybrid"))
    except AssistantError as error:
        _fail(error)
        return
    seed = fitting.SEED if seed is None else seed
    answerer.models = AnswerModels()  # evidence and candidates as the hand-set fallback gives them; models are fitted below
    with console.status(f"Searching {len(items)} questions, fusing at {len(fitting.SENTENCE_WEIGHTS) * len(fitting.PHRASE_WEIGHTS)} weight pairs…"):
        passages = fitting.fit_passage_ranking(answerer.retriever, items, seed)
    answerer.retriever.weights = passages.weights  # the answer models are fitted on retrieval as shipped
    with console.status(f"Answering {len(items)} questions to collect their evidence…"):
        data = fitting.collect(answerer, items)
    meta = {
        "embedding_model": answerer.index.manifest.model,  # cosines are on this model's scale
        "qa_sets": sorted({item.qa_set for item in items}),
        "items": len(items),
        "folds": fitting.FOLDS,
        "seed": seed,
    }
    folds = fitting.cross_validate(data, meta, seed)
    english = data.readable
    model = fitting.fit_model(data.features[english], data.answerable[english], data.groups[english], meta, seed)
    ranker = fitting.fit_ranker(data, np.ones(len(data.sentence_rows), dtype=bool), meta, seed)
    print(fitting.write(model, ranker, passages, fitting.report(data, folds), folds, output, reports))


@app.command("settings")
def show_settings(
    defaults: bool = typer.Option(False, "--defaults", help="Print the Markdown table of every variable with its default (the README's)."),
) -> None:
    """The settings in force: each value and where it came from (an ASSISTANT_* variable or the default)."""
    if defaults:
        print("| variable | default | meaning |\n|---|---|---|")
        for field_name, field in Settings.model_fields.items():
            print(f"| `ASSISTANT_{field_name.upper()}` | `{_shown(field.default)}` | {field.description} |")
        return
    try:
        settings = load_settings()
    except ValueError as error:  # pydantic's ValidationError names the variable and the problem
        errors.print(f"[bold red]error:[/] a setting is invalid: {error}")
        raise typer.Exit(2)
    table = Table("variable", "value", "source")
    for field_name in Settings.model_fields:
        source = "environment" if field_name in settings.model_fields_set else "default"
        table.add_row(f"ASSISTANT_{field_name.upper()}", _shown(getattr(settings, field_name)), source)
    console.print(table)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "(set)" if type(value).__name__ == "SecretStr" else str(value)


# ---------------------------------------------------------------- answers



def _print_answer(answer: "Answer") -> None:  # type: ignore[name-defined]  # noqa: F821
    from .models import pages_label

    if answer.resolved.followup:
        console.print(f"[dim]follow-up ({answer.resolved.reason}); searched: {answer.resolved.query}[/]", highlight=False)
    if answer.searched_as:
        console.print(f"[dim]searched as: {answer.searched_as}[/]", highlight=False)
    if answer.abstained:
        console.print(f"[bold yellow]Not covered.[/] {answer.text}")
        console.print("[bold]Closest material[/]")
        for hit in answer.passages[:3]:
            console.print(f"  • {hit.passage.title}{pages_label(hit.passage.pages)} — [cyan]{hit.passage.section}[/]")
        return
    if answer.support == "partial":
        console.print("[bold yellow]Partly covered.[/]", highlight=False)
    console.print(answer.text, highlight=False)
    if answer.entry_points:
        console.print("\n[bold]Entry points[/]")
        for match in answer.entry_points:
            factor = f" [dim]({match.factor.name})[/]" if match.factor else ""
            console.print(f"  • [bold]{match.entry.title}[/]{factor}", highlight=False)
            for quote in match.entry.summary:
                console.print(f"    {quote.text} [dim]— {quote.title}{pages_label(quote.pages)}[/]", highlight=False)


def _print_sources(answer: "Answer") -> None:  # type: ignore[name-defined]  # noqa: F821
    from .models import pages_label

    if not answer.citations:
        console.print("[dim]No citations.[/]")
    for citation in answer.citations:
        source = citation.source
        console.print(f"[bold][{citation.marker}][/] {source.title}{pages_label(source.pages)} — [cyan]{source.section}[/]", highlight=False)
        console.print(f"    “{source.text}” [dim](characters {source.start}–{source.end})[/]", highlight=False)


def _open_answerer(settings: Settings):  # type: ignore[no-untyped-def]
    from .answering import Answerer
    from .retrieval import open_retriever

    return Answerer(open_retriever(settings))


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, in quotes."),
    top_k: Optional[int] = typer.Option(None, "--top-k", "-k", help="Passages retrieved and shown (default: ASSISTANT_TOP_K)."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="Only use this document id (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for machines."),
    index: Optional[Path] = IndexOption,
) -> None:
    """An extractive answer: verbatim sentences with numbered citation markers, their citations, and matching entry points."""
    from .payloads import answer_payload

    settings = _settings(None, index)
    try:
        answer = _open_answerer(settings).ask(question, top_k=top_k, doc_ids=doc)
    except AssistantError as error:
        _fail(error)
        return
    if as_json:
        print(json.dumps(answer_payload(answer), ensure_ascii=False, indent=2))
        return
    _print_answer(answer)
    if answer.citations:
        console.print("\n[bold]Sources[/]")
        _print_sources(answer)


CHAT_HELP = "Ask a question; follow-ups use the conversation. /sources shows the last answer's citations, /new starts afresh, /help, Ctrl-D quits."


@app.command()
def chat(index: Optional[Path] = IndexOption) -> None:
    """An interactive conversation in the terminal: follow-up questions are understood from earlier turns."""
    from .conversation import Turn

    settings = _settings(None, index)
    try:
        answerer = _open_answerer(settings)
    except AssistantError as error:
        _fail(error)
        return
    console.print(f"[bold]SSR Brief Assistant[/] — {len(answerer.index.documents)} briefs. {CHAT_HELP}")
    history: list[Turn] = []
    last = None
    while True:
        try:
            line = console.input("[bold green]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print("\nbye")
            return
        if not line:
            continue
        if line in ("/sources", "/s"):
            if last is None:
                console.print("[dim]Nothing asked yet.[/]")
            else:
                _print_sources(last)
            continue
        if line == "/new":
            history, last = [], None
            console.print("[dim]New conversation.[/]")
            continue
        if line in ("/help", "/?"):
            console.print(CHAT_HELP)
            continue
        try:
            last = answerer.ask(line, history)
        except AssistantError as error:
            errors.print(f"[bold red]error:[/] {error}")
            continue
        _print_answer(last)
        history += [Turn("user", line), Turn("assistant", last.text)]


@app.command("entry-points")
def entry_points(
    factor: Optional[str] = typer.Option(None, "--factor", help="Only factors whose id or name contains these words."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for machines."),
    index: Optional[Path] = IndexOption,
) -> None:
    """The catalogue: push factors, the SSR entry points under each, and other numbered recommendations."""
    from .models import pages_label
    from .payloads import entry_point_payload
    from .store import load_index

    settings = _settings(None, index)
    try:
        catalogue = load_index(settings).catalogue
    except AssistantError as error:
        _fail(error)
        return
    factors = catalogue.matching_factors(factor or "")
    chosen = [e for e in catalogue.entry_points if (factor is None or e.factor_id in {f.factor_id for f in factors})]
    if factor is not None and not factors:
        known = "; ".join(f"{f.factor_id}" for f in catalogue.factors)
        _fail(InvalidQuestion(f"No push factor matches '{echoed(factor)}'. Known: {known}."))
        return
    if as_json:
        payload = [entry_point_payload(e, catalogue.factor(e.factor_id) if e.factor_id else None) for e in chosen]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    groups: dict[str, list] = {}  # type: ignore[type-arg]
    for entry in chosen:
        owner = catalogue.factor(entry.factor_id) if entry.factor_id else None
        heading = f"{owner.label or 'Factor'}: {owner.name}" if owner else entry.label
        groups.setdefault(heading, []).append(entry)
    for heading, entries in groups.items():
        console.print(f"\n[bold]{heading}[/]", highlight=False)
        for entry in entries:
            sources = "; ".join(sorted({f"{s.title}{pages_label(s.pages)}" for s in entry.sources}))
            console.print(f"  • [bold]{entry.title}[/] [dim]({sources})[/]", highlight=False)
            for quote in entry.summary:
                console.print(f"    {quote.text}", highlight=False)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    workers: int = typer.Option(1, "--workers", help="Worker processes sharing the read-only index."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request."),
) -> None:
    """Serve the HTTP API, the OpenAI-compatible /v1 endpoints and the web page at /; /docs shows the API.
    Exits 5 when the address is taken (another server on that port)."""
    import socket

    import uvicorn

    try:
        load_settings()  # a bad setting is a clear error here, not a stack trace from each worker
    except ValueError as error:
        errors.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(2)
    try:  # a clear word before uvicorn's own start-up, which would exit 1 with a bare errno
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        errors.print(
            f"[bold red]error:[/] cannot listen on {host}:{port} ({error.strerror}). Another server may be using the port: "
            f"stop it, or choose another with --port (make run PORT=8001)."
        )
        raise typer.Exit(EXIT_PORT_TAKEN)
    if workers > 1:
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, access_log=access_log)
    else:
        from api.app import create_app

        uvicorn.run(create_app(), host=host, port=port, access_log=access_log)
