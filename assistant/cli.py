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

from .errors import AssistantError, CorpusError, IndexMismatch, IndexMissing, InvalidQuestion, UnknownDocument
from .models import SearchHit
from .settings import Settings, load_settings

app = typer.Typer(
    help="SSR Brief Assistant: offline retrieval with cited passages over a folder of policy briefs.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)

EXIT_CODES: dict[type[AssistantError], int] = {
    InvalidQuestion: 2,
    UnknownDocument: 2,
    CorpusError: 3,
    IndexMissing: 4,
    IndexMismatch: 4,
}


def _fail(error: AssistantError) -> None:
    errors.print(f"[bold red]error:[/] {error}")
    raise typer.Exit(EXIT_CODES.get(type(error), 1))


def _settings(corpus: Optional[Path] = None, index: Optional[Path] = None) -> Settings:
    return load_settings(corpus_dir=corpus, index_dir=index)


def _embedder_factory(settings: Settings):  # type: ignore[no-untyped-def]
    def create():  # type: ignore[no-untyped-def]
        from .embedding import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(settings.embedding_model, settings.embedding_batch_size, settings.query_cache_size)

    return create


CorpusOption = typer.Option(None, "--corpus", help="Folder of briefs (default: ASSISTANT_CORPUS_DIR or ./corpus).")
IndexOption = typer.Option(None, "--index", help="Index folder (default: ASSISTANT_INDEX_DIR or ./index).")


@app.command()
def build(corpus: Optional[Path] = CorpusOption, index: Optional[Path] = IndexOption) -> None:
    """Build the index from the corpus, or update it: only new or changed passages are embedded."""
    from .indexing import build_index

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
            task = progress.add_task("embedding passages", total=None)

            def report(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total or 1)

            result = build_index(settings, _embedder_factory(settings), progress=report)
    except AssistantError as error:
        _fail(error)
        return
    if result.rebuilt_because:
        errors.print(f"[yellow]rebuilt from scratch:[/] {result.rebuilt_because}")
    for problem in result.problems:
        errors.print(f"[yellow]skipped:[/] {problem.reason}")
    removed = f", {len(result.removed)} removed" if result.removed else ""
    console.print(
        f"Indexed {result.documents} documents, {result.passages} passages "
        f"({result.embedded} embedded, {result.reused} reused{removed}) in {result.seconds:.1f} s -> {result.path}"
    )


def _hit_json(hit: SearchHit) -> dict:  # type: ignore[type-arg]
    passage = hit.passage
    return {
        "rank": hit.rank,
        "score": round(hit.score, 6),
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "title": passage.title,
        "section": passage.section,
        "section_path": list(passage.section_path),
        "pages": list(passage.pages),
        "start": passage.start,
        "end": passage.end,
        "text": passage.text,
        "also_in": [
            {"doc_id": d.doc_id, "title": d.title, "section": d.section, "pages": list(d.pages), "start": d.start, "end": d.end}
            for d in hit.duplicates
        ],
    }


@app.command()
def search(
    question: str = typer.Argument(..., help="The question, in quotes."),
    top_k: Optional[int] = typer.Option(None, "--top-k", "-k", help="How many passages (default: ASSISTANT_TOP_K)."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="Only search this document id (repeatable)."),
    mode: Optional[str] = typer.Option(None, "--mode", help="hybrid, dense or bm25 (default: ASSISTANT_RETRIEVAL_MODE)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for machines."),
    index: Optional[Path] = IndexOption,
) -> None:
    """Ranked passages for a question, each with its document, section, pages and offsets."""
    from .retrieval import open_retriever

    settings = _settings(None, index)
    try:
        retriever = open_retriever(settings, mode)
        hits = retriever.search(question, top_k=top_k, doc_ids=doc, mode=mode)
    except AssistantError as error:
        _fail(error)
        return
    if as_json:
        print(json.dumps({"question": question, "results": [_hit_json(h) for h in hits]}, ensure_ascii=False, indent=2))
        return
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
    from .indexing import load_index

    settings = _settings(None, index)
    try:
        manifest = load_index(settings).manifest
    except AssistantError as error:
        _fail(error)
        return
    if as_json:
        print(json.dumps([asdict(r) for r in manifest.documents.values()], ensure_ascii=False, indent=2))
        return
    table = Table("id", "title", "format", "pages", "passages")
    for record in manifest.documents.values():
        table.add_row(record.doc_id, record.title, record.format, str(record.pages or ""), str(record.passages))
    console.print(table)
    console.print(f"model {manifest.model} ({manifest.dimension} d), {manifest.dense_kind} dense index, built {manifest.built_at}")


@app.command("eval")
def evaluate(
    qa: Path = typer.Option(Path("eval/qa.jsonl"), "--qa", help="The question-answer set (JSONL)."),
    compare: str = typer.Option("bm25,dense,hybrid", "--compare", help="Retrieval modes to run side by side."),
    name: str = typer.Option("retrieval", "--name", help="Report name: eval/reports/<name>.json and .md."),
    reports: Path = typer.Option(Path("eval/reports"), "--reports", help="Folder for the reports."),
    index: Optional[Path] = IndexOption,
) -> None:
    """Hit@1, hit@5, MRR@10, nDCG@10 and latency of each retrieval mode on the QA set."""
    from .evaluation import evaluate_modes, load_qa, write_report
    from .retrieval import open_retriever

    settings = _settings(None, index)
    try:
        items = load_qa(qa)
        retriever = open_retriever(settings, "hybrid")
        results = evaluate_modes(retriever, items, [m.strip() for m in compare.split(",") if m.strip()])
    except AssistantError as error:
        _fail(error)
        return
    markdown = write_report(results, reports, name, retriever.index.manifest, len(items))
    console.print(markdown)


@app.command("settings")
def show_settings() -> None:
    """Every setting, its environment variable, default and meaning (Markdown)."""
    print("| variable | default | meaning |\n|---|---|---|")
    for field_name, field in Settings.model_fields.items():
        default = field.default
        shown = ", ".join(default) if isinstance(default, list) else default
        print(f"| `ASSISTANT_{field_name.upper()}` | `{shown}` | {field.description} |")
