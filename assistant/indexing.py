"""Briefs -> a new build of the index: chunking, embedding (reusing the live build's vectors for unchanged
passages and sentences), BM25, near-duplicates and the catalogue, written by `store.py` and made live there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock

from .catalogue import build_catalogue
from .chunking import CHUNKER_VERSION, chunk_document
from .dense import DenseStore, new_store, saved_vectors
from .embedding import Embedder
from .ingest import QUALITY_WARNING, extraction_quality, load_corpus
from .lexical import TERMS_VERSION, LexicalIndex
from .models import Document, FileProblem, Passage
from .sentences import SentenceTable, sentence_table
from .settings import Settings
from .store import (
    INDEX_FORMAT,
    DocumentRecord,
    Manifest,
    chunking_settings,
    current_build,
    read_build_manifest,
    read_documents,
    read_passages,
    read_sentences,
    vector_kind,
    vectors_mismatch_reason,
    write_build,
)

DUPLICATE_SCAN_LIMIT = 50_000  # above this, near-duplicates are only looked for with an approximate index
Progress = Callable[[int, int], None]


@dataclass
class ReusableBuild:
    """What an incremental build takes from the live build: its manifest, passage and sentence vectors."""

    manifest: Manifest
    vectors: dict[tuple[str, str], np.ndarray]
    sentence_vectors: dict[str, np.ndarray]


@dataclass
class BuildReport:
    documents: int
    passages: int
    embedded: int
    reused: int
    removed: list[str]
    seconds: float
    problems: list[FileProblem]
    rebuilt_because: str | None
    path: Path
    warnings: list[str] = field(default_factory=list)  # documents indexed whose text reads poorly


def quality_warnings(manifest: "Manifest") -> list[str]:
    """A line for each document whose text reads poorly (words run together, letters spaced out, unmapped glyphs)."""
    return [
        f"{Path(record.source_path).name}: only {record.extraction_quality:.0%} of its letters read as words (words run "
        "together, letters set one by one, or glyphs the PDF does not map to text); searches and quotes may miss it. "
        "Export it as text or Markdown, or print it to PDF again."
        for record in manifest.documents.values()
        if record.extraction_quality < QUALITY_WARNING
    ]


# ---------------------------------------------------------------- building


def build_index(
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    progress: Progress | None = None,
    documents: list[Document] | None = None,
    problems: list[FileProblem] | None = None,
) -> BuildReport:
    """Build or update the index from the corpus folder and uploaded briefs (or from `documents` when given).

    Passages whose text, section and document title are unchanged keep their vectors
    from the live build when it was built the same way; everything else is embedded.
    Raises CorpusError when no brief can be ingested.
    """
    started = time.perf_counter()
    if documents is None:
        documents, problems = load_corpus(settings.corpus_dir, settings.corpus_ignore, [settings.uploads_dir])
    problems = problems or []
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.index_dir / ".build.lock")):
        previous, rebuilt_because = _reusable_previous(settings)
        passages = [p for document in documents for p in _chunk(document, settings)]
        by_id = {d.doc_id: d for d in documents}
        sentences = sentence_table(by_id, passages)
        sentence_texts = [sentences.embedding_text(i, by_id) for i in range(len(sentences))]
        reuse = previous.vectors if previous else {}
        reuse_sentences = previous.sentence_vectors if previous else {}
        missing = [i for i, p in enumerate(passages) if _reuse_key(p) not in reuse]
        missing_sentences = [i for i, text in enumerate(sentence_texts) if text not in reuse_sentences]
        embedder: Embedder | None = None
        dimension = previous.manifest.dimension if previous else 0
        if missing or missing_sentences or not previous:
            embedder = embedder_factory()
            dimension = embedder.dimension
        vectors = np.zeros((len(passages), dimension), dtype=np.float32)
        for i, p in enumerate(passages):
            if _reuse_key(p) in reuse:
                vectors[i] = reuse[_reuse_key(p)]
        sentence_vectors = np.zeros((len(sentences), dimension), dtype=np.float32)
        for i, text in enumerate(sentence_texts):
            if text in reuse_sentences:
                sentence_vectors[i] = reuse_sentences[text]
        jobs = [(vectors, i, passages[i].indexed_text()) for i in missing]
        jobs += [(sentence_vectors, i, sentence_texts[i]) for i in missing_sentences]
        _embed(jobs, embedder, max(settings.embedding_batch_size * 8, 64), progress)
        dense = new_store(vectors, [p.doc_id for p in passages], settings, settings.index_dir)
        try:
            path, manifest, removed = _finish_build(
                settings, started, previous, documents, problems, passages, dense, sentences, sentence_vectors, missing
            )
        except BaseException:
            dense.discard()  # a table the failed build was writing
            raise
    return BuildReport(
        documents=len(documents),
        passages=len(passages),
        embedded=len(missing),
        reused=len(passages) - len(missing),
        removed=removed,
        seconds=manifest.build_seconds,
        problems=problems,
        rebuilt_because=rebuilt_because,
        warnings=quality_warnings(manifest),
        path=path,
    )


def _finish_build(
    settings: Settings,
    started: float,
    previous: ReusableBuild | None,
    documents: list[Document],
    problems: list[FileProblem],
    passages: list[Passage],
    dense: DenseStore,
    sentences: SentenceTable,
    sentence_vectors: np.ndarray,
    missing: list[int],
) -> tuple[Path, Manifest, list[str]]:
    """BM25, near-duplicates, the catalogue and the manifest beside the dense store; the build written and made
    live. Returns its folder, manifest and the documents it no longer holds."""
    lexical = LexicalIndex.build([p.indexed_text() for p in passages])
    duplicates = find_duplicates(passages, dense, settings.duplicate_threshold)
    catalogue = build_catalogue(documents)
    previous_ids = set(previous.manifest.documents) if previous else set()
    removed = sorted(previous_ids - {d.doc_id for d in documents})
    manifest = Manifest(
        format_version=INDEX_FORMAT,
        model=settings.embedding_model,
        dimension=dense.dimension,
        chunker_version=CHUNKER_VERSION,
        terms_version=TERMS_VERSION,
        chunking=chunking_settings(settings),
        dense_kind=dense.kind,
        passages=len(passages),
        documents={
            d.doc_id: DocumentRecord(
                doc_id=d.doc_id,
                title=d.title,
                source_path=d.source_path,
                format=d.format,
                content_hash=d.content_hash,
                passages=sum(p.doc_id == d.doc_id for p in passages),
                pages=len({span.page for span in d.pages}),
                extraction_quality=round(extraction_quality(d.text), 3),
            )
            for d in documents
        },
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_seconds=0.0,
        embedded=len(missing),
        reused=len(passages) - len(missing),
        problems=problems,
        vectors=vector_kind(settings),
    )
    manifest.build_seconds = round(time.perf_counter() - started, 3)
    path = write_build(
        settings.index_dir, settings, manifest, documents, passages, dense, lexical, duplicates,
        sentences, sentence_vectors, catalogue,
    )
    return path, manifest, removed


def _embed(
    jobs: list[tuple[np.ndarray, int, str]], embedder: Embedder | None, batch: int, progress: Progress | None
) -> None:
    """Embed each job's text into row `i` of its target array, in batches, reporting progress."""
    if not jobs:
        if progress:
            progress(0, 0)
        return
    assert embedder is not None
    for first in range(0, len(jobs), batch):
        chosen = jobs[first : first + batch]
        embedded = embedder.embed_passages([text for _, _, text in chosen])
        for (target, row, _), vector in zip(chosen, embedded):
            target[row] = vector
        if progress:
            progress(min(first + batch, len(jobs)), len(jobs))


def _chunk(document: Document, settings: Settings) -> list[Passage]:
    return chunk_document(
        document, settings.chunk_min_words, settings.chunk_max_words, settings.chunk_overlap_sentences
    )


def _reuse_key(passage: Passage) -> tuple[str, str]:
    return passage.passage_id, passage.title


def _reusable_previous(settings: Settings) -> tuple[ReusableBuild | None, str | None]:
    """The live build's manifest and vectors if they can be reused, and why not otherwise.

    Only the manifest, passages, vectors and sentence texts are read: the dense and
    lexical indexes are rebuilt anyway.
    """
    build = current_build(settings.index_dir)
    if build is None:
        return None, None
    try:
        manifest = read_build_manifest(build)
        reason = vectors_mismatch_reason(manifest, settings)
        if reason:
            return None, reason
        passages = read_passages(build)
        vectors = saved_vectors(build)
        sentences, sentence_vectors = read_sentences(build)
        documents = read_documents(build)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
        return None, f"the live index could not be read ({error.__class__.__name__})"
    if len(vectors) != len(passages) or len(sentence_vectors) != len(sentences):
        return None, "the live index is inconsistent (vectors and texts disagree)"
    by_text = {sentences.embedding_text(i, documents): sentence_vectors[i] for i in range(len(sentences))}
    return ReusableBuild(manifest, {_reuse_key(p): vectors[i] for i, p in enumerate(passages)}, by_text), None


def find_duplicates(passages: list[Passage], dense: DenseStore, threshold: float) -> dict[int, list[int]]:
    """For each passage, the passages of *other* documents that say the same (cosine >= threshold)."""
    if threshold > 1 or len(passages) < 2 or (len(passages) > DUPLICATE_SCAN_LIMIT and dense.kind == "exact"):
        return {}
    duplicates: dict[int, list[int]] = {}
    for i, near in enumerate(dense.near_duplicates(threshold, 6)):
        same = [j for j in near if passages[j].doc_id != passages[i].doc_id]
        if same:
            duplicates[i] = same
    return duplicates


