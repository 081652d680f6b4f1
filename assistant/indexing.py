"""Passages -> a persisted dense + lexical index, built incrementally and swapped in atomically.

Layout under `index_dir`:

    CURRENT                 name of the live build (replaced atomically)
    builds/<build-id>/      manifest.json, documents.json, passages.jsonl, vectors.npy,
                            dense.faiss, lexical/, duplicates.json, sentences.json,
                            sentence_vectors.npy, catalogue.json

A build is written to a temporary folder, renamed into `builds/`, and only then made
live by replacing `CURRENT`; a crash at any point leaves the previous build live.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock

from .catalogue import Catalogue, build_catalogue, catalogue_from_json, catalogue_to_json
from .chunking import CHUNKER_VERSION, chunk_document
from .dense import DenseStore, new_store, open_store, remove_stored, saved_vectors
from .embedding import Embedder
from .files import fsync_dir, write_atomically
from .errors import IndexCorrupt, IndexMismatch, IndexMissing
from .ingest import QUALITY_WARNING, extraction_quality, load_corpus
from .lexical import LexicalIndex
from .models import Document, FileProblem, PageSpan, Passage, Section
from .sentences import SentenceTable, sentence_table
from .settings import Settings

INDEX_FORMAT = 2
DUPLICATE_SCAN_LIMIT = 50_000  # above this, near-duplicates are only looked for with an approximate index
Progress = Callable[[int, int], None]


@dataclass
class DocumentRecord:
    doc_id: str
    title: str
    source_path: str
    format: str
    content_hash: str
    passages: int
    pages: int
    extraction_quality: float = 1.0  # share of its letters that read as words (ingest.extraction_quality)


@dataclass
class Manifest:
    """What an index was built from and with; compared with the settings on every load."""

    format_version: int
    model: str
    dimension: int
    chunker_version: str
    chunking: dict[str, int]
    dense_kind: str
    passages: int
    documents: dict[str, DocumentRecord]
    built_at: str
    build_seconds: float
    embedded: int
    reused: int
    problems: list[FileProblem] = field(default_factory=list)
    vectors: str = "fp32"  # "int8" when the model ran quantised: its vectors do not mix with fp32 ones

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":  # type: ignore[type-arg]
        data = dict(data)
        data["documents"] = {k: DocumentRecord(**v) for k, v in data["documents"].items()}
        data["problems"] = [FileProblem(**p) for p in data.get("problems", [])]
        return cls(**data)


@dataclass
class Index:
    """A loaded build: everything retrieval and answering need, in memory."""

    manifest: Manifest
    documents: dict[str, Document]
    passages: list[Passage]
    dense: DenseStore
    lexical: LexicalIndex
    duplicates: dict[int, list[int]]
    sentences: SentenceTable
    sentence_vectors: np.ndarray
    catalogue: Catalogue
    path: Path
    fallback: str | None = None  # why an older build is served instead of the one CURRENT names

    @cached_property
    def _positions_by_document(self) -> dict[str, np.ndarray]:
        grouped: dict[str, list[int]] = {}
        for position, passage in enumerate(self.passages):
            grouped.setdefault(passage.doc_id, []).append(position)
        return {doc_id: np.array(positions, dtype=np.int64) for doc_id, positions in grouped.items()}

    @cached_property
    def position_of(self) -> dict[str, int]:
        """Passage id -> position."""
        return {passage.passage_id: i for i, passage in enumerate(self.passages)}

    def passage_containing(self, doc_id: str, offset: int) -> int | None:
        """Position of the passage of `doc_id` that holds character `offset`, if any."""
        for position in self._positions_by_document.get(doc_id, ()):
            passage = self.passages[position]
            if passage.start <= offset < passage.end:
                return int(position)
        return None

    def positions_of(self, doc_ids: set[str]) -> np.ndarray:
        """Positions of the passages of these documents, in index order."""
        chosen = [self._positions_by_document[d] for d in sorted(doc_ids) if d in self._positions_by_document]
        return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)


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


def chunking_settings(settings: Settings) -> dict[str, int]:
    return {
        "min_words": settings.chunk_min_words,
        "max_words": settings.chunk_max_words,
        "overlap_sentences": settings.chunk_overlap_sentences,
    }


def vector_kind(settings: Settings) -> str:
    """How the configured backend's vectors are computed: int8-quantised, or full precision (ONNX and PyTorch agree)."""
    return "int8" if settings.embedding_backend == "onnx-int8" else "fp32"


def mismatch_reason(manifest: Manifest, settings: Settings) -> str | None:
    """Why an index cannot serve these settings, or None when it can."""
    if manifest.format_version != INDEX_FORMAT:
        return f"index format {manifest.format_version}, this version reads format {INDEX_FORMAT}"
    if manifest.model != settings.embedding_model:
        return f"built with embedding model '{manifest.model}', settings ask for '{settings.embedding_model}'"
    if manifest.vectors != vector_kind(settings):
        return (
            f"built with {manifest.vectors} embeddings, settings ask for {vector_kind(settings)} "
            f"(ASSISTANT_EMBEDDING_BACKEND={settings.embedding_backend}); questions and passages must be embedded alike"
        )
    if manifest.chunker_version != CHUNKER_VERSION:
        return f"built with chunker version {manifest.chunker_version}, this version chunks as {CHUNKER_VERSION}"
    if manifest.chunking != chunking_settings(settings):
        return f"built with chunking {manifest.chunking}, settings ask for {chunking_settings(settings)}"
    return None


# ---------------------------------------------------------------- reading


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    path = index_dir / "builds" / pointer.read_text().strip()
    return path if path.is_dir() else None


def read_manifest(index_dir: Path) -> Manifest | None:
    build = current_build(index_dir)
    if build is None:
        return None
    return Manifest.from_json(json.loads((build / "manifest.json").read_text()))


def load_index(settings: Settings, check: bool = True) -> Index:
    """The live index. Raises IndexMissing, or IndexMismatch when it was built differently.

    When the build CURRENT names cannot be read back (IndexCorrupt), the build that was live before it
    is served instead, and `Index.fallback` says so; IndexCorrupt is raised only when neither loads."""
    build = current_build(settings.index_dir)
    if build is None:
        raise IndexMissing(f"No index in '{settings.index_dir}'. Build one with `assistant build`.")
    try:
        return _checked_load(build, settings, check)
    except IndexCorrupt as error:
        previous = _previous_live(settings.index_dir, build.name)
        folder = settings.index_dir / "builds" / next(iter(previous)) if previous else None
        if folder is None or not folder.is_dir():
            raise
        index = _checked_load(folder, settings, check)
        index.fallback = (
            f"The live build {build.name} cannot be read ({error}); serving the previous build {folder.name}. "
            "Rebuild with `assistant build`."
        )
        return index


def _checked_load(build: Path, settings: Settings, check: bool) -> Index:
    try:
        manifest = Manifest.from_json(json.loads((build / "manifest.json").read_text()))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise IndexCorrupt(f"its manifest is unreadable: {error}") from error
    if check:
        reason = mismatch_reason(manifest, settings)
        if reason:
            raise IndexMismatch(f"The index in '{settings.index_dir}' cannot be used: {reason}. Rebuild it with `assistant build`.")
    try:
        return _load_build(build, manifest, settings)
    except IndexCorrupt:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:  # faiss raises RuntimeError
        raise IndexCorrupt(f"{type(error).__name__}: {str(error)[:200]}") from error


def _load_build(build: Path, manifest: Manifest, settings: Settings) -> Index:
    """Every file of one build, read and cross-checked (the dense store searches with `settings`' breadth). Raises
    IndexCorrupt when they disagree."""
    documents = {d["doc_id"]: _document_from_json(d) for d in json.loads((build / "documents.json").read_text())}
    passages = _read_passages(build)
    dense = open_store(build, manifest.dense_kind, settings)
    if len(dense) != len(passages) or (len(dense) and dense.dimension != manifest.dimension):
        raise IndexCorrupt(f"The index in '{build}' is inconsistent (vectors and passages disagree). Rebuild it.")
    duplicates = {int(k): v for k, v in json.loads((build / "duplicates.json").read_text()).items()}
    sentences = SentenceTable.load(build / "sentences.json")
    sentence_vectors = np.load(build / "sentence_vectors.npy")
    if len(sentence_vectors) != len(sentences):
        raise IndexCorrupt(f"The index in '{build}' is inconsistent (sentence vectors and sentences disagree). Rebuild it.")
    return Index(
        manifest=manifest,
        documents=documents,
        passages=passages,
        dense=dense,
        lexical=LexicalIndex.load(build / "lexical"),
        duplicates=duplicates,
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        catalogue=catalogue_from_json(json.loads((build / "catalogue.json").read_text())),
        path=build,
    )


def _read_passages(build: Path) -> list[Passage]:
    # split on "\n" only: str.splitlines() also splits on U+0085, U+2028 and U+2029, which brief text may hold
    lines = (build / "passages.jsonl").read_text(encoding="utf-8").split("\n")
    return [_passage_from_json(json.loads(line)) for line in lines if line]


def _document_from_json(data: dict) -> Document:  # type: ignore[type-arg]
    data = dict(data)
    data["sections"] = [Section(path=tuple(s["path"]), start=s["start"], end=s["end"]) for s in data["sections"]]
    data["pages"] = [PageSpan(**p) for p in data["pages"]]
    return Document(**data)


def _passage_from_json(data: dict) -> Passage:  # type: ignore[type-arg]
    data = dict(data)
    data["section_path"] = tuple(data["section_path"])
    data["pages"] = tuple(data["pages"])
    return Passage(**data)


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
        dense = new_store(vectors, settings)
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
    path = _write_build(
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
        manifest = Manifest.from_json(json.loads((build / "manifest.json").read_text()))
        reason = mismatch_reason(manifest, settings)
        if reason:
            return None, reason
        passages = _read_passages(build)
        vectors = saved_vectors(build)
        sentences = SentenceTable.load(build / "sentences.json")
        sentence_vectors = np.load(build / "sentence_vectors.npy")
        documents = {d["doc_id"]: _document_from_json(d) for d in json.loads((build / "documents.json").read_text())}
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


def _write_build(
    index_dir: Path,
    settings: Settings,
    manifest: Manifest,
    documents: list[Document],
    passages: list[Passage],
    dense: DenseStore,
    lexical: LexicalIndex,
    duplicates: dict[int, list[int]],
    sentences: SentenceTable,
    sentence_vectors: np.ndarray,
    catalogue: Catalogue,
) -> Path:
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    try:
        (temporary / "documents.json").write_text(json.dumps([asdict(d) for d in documents], ensure_ascii=False))
        with open(temporary / "passages.jsonl", "w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(json.dumps(asdict(passage)) + "\n")  # ASCII: no character of the text can end a line
        dense.save(temporary)
        lexical.save(temporary / "lexical")
        (temporary / "duplicates.json").write_text(json.dumps({str(k): v for k, v in duplicates.items()}))
        sentences.save(temporary / "sentences.json")
        np.save(temporary / "sentence_vectors.npy", sentence_vectors)
        (temporary / "catalogue.json").write_text(json.dumps(catalogue_to_json(catalogue), ensure_ascii=False))
        (temporary / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2, ensure_ascii=False))
        _fsync_tree(temporary)
        try:
            _load_build(temporary, manifest, settings)  # a build that cannot be read back never goes live
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            raise IndexCorrupt(f"the new build does not read back ({type(error).__name__}: {error}); the live index is unchanged") from error
        build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + temporary.name[5:]
        final = builds / build_id
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    _point_current_at(index_dir, build_id)
    _remove_old_builds(builds, keep={build_id, *_previous_live(index_dir, build_id)}, settings=settings)
    return final


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def _point_current_at(index_dir: Path, build_id: str) -> None:
    """Make `build_id` live. PREVIOUS (the build it replaces) is written first, so that after a crash at any
    point it names a build that exists."""
    pointer = index_dir / "CURRENT"
    previous = pointer.read_text().strip() if pointer.exists() else ""
    write_atomically(index_dir / "PREVIOUS", previous.encode())
    write_atomically(pointer, build_id.encode())


def _previous_live(index_dir: Path, current: str) -> set[str]:
    """The build that was live just before: a reader that opened it a moment ago keeps its files."""
    marker = index_dir / "PREVIOUS"
    name = marker.read_text().strip() if marker.exists() else ""
    return {name} if name and name != current else set()


def _remove_old_builds(builds: Path, keep: set[str], settings: Settings) -> None:
    """Delete the builds not kept, with what they keep outside their folder. A build whose table cannot be dropped
    now (the database unreachable) stays, to be removed by a later build."""
    for path in builds.iterdir():
        if path.name in keep:
            continue
        try:
            remove_stored(path, settings)
        except Exception:  # noqa: BLE001  (psycopg's errors, JSON, files: none may fail a build that is already live)
            continue
        shutil.rmtree(path, ignore_errors=True)
