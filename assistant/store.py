"""The index on disk: its layout, its manifest, reading a build back and writing one, and which build is live.

Layout under `index_dir`:

    CURRENT                 name of the live build (replaced atomically)
    PREVIOUS                the build live before it (its readers keep its files)
    OWNER                   with store=postgres: this folder's id in the database's build records
    builds/<build-id>/      manifest.json, documents.json, passages.jsonl, vectors.npy,
                            dense.faiss (or store.json naming a PostgreSQL table), lexical/,
                            duplicates.json, sentences.json, sentence_vectors.npy, catalogue.json

A build is written to a temporary folder, read back, renamed into `builds/`, and only then made live by
replacing `CURRENT`; a crash at any point leaves the previous build live. How a build is made from briefs
is `indexing.py`'s concern; this module only stores and loads it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import numpy as np

from .catalogue import Catalogue, catalogue_from_json, catalogue_to_json
from .chunking import CHUNKER_VERSION
from .dense import DenseStore, open_store, remove_stored
from .errors import IndexCorrupt, IndexMismatch, IndexMissing
from .files import fsync_dir, write_atomically
from .lexical import TERMS_VERSION, LexicalIndex
from .models import Document, FileProblem, PageSpan, Passage, Section
from .sentences import SentenceTable
from .settings import Settings

INDEX_FORMAT = 2


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
    terms_version: str = "1"  # lexical.TERMS_VERSION it was built with (builds before it was recorded: "1")

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
    return vectors_mismatch_reason(manifest, settings) or (
        f"built with lexical terms version {manifest.terms_version}, this version reads {TERMS_VERSION}"
        if manifest.terms_version != TERMS_VERSION
        else None
    )


def vectors_mismatch_reason(manifest: Manifest, settings: Settings) -> str | None:
    """Why an index's passages and vectors cannot be reused under these settings, or None when they can (its lexical
    index and catalogue are rebuilt on every build, so the terms they were made with do not matter here)."""
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
    return read_build_manifest(build)


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
        previous = previous_live(settings.index_dir, build.name)
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
        manifest = read_build_manifest(build)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise IndexCorrupt(f"its manifest is unreadable: {error}") from error
    if check:
        reason = mismatch_reason(manifest, settings)
        if reason:
            raise IndexMismatch(f"The index in '{settings.index_dir}' cannot be used: {reason}. Rebuild it with `assistant build`.")
    try:
        return load_build(build, manifest, settings)
    except IndexCorrupt:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:  # faiss raises RuntimeError
        raise IndexCorrupt(f"{type(error).__name__}: {str(error)[:200]}") from error


def load_build(build: Path, manifest: Manifest, settings: Settings) -> Index:
    """Every file of one build, read and cross-checked (the dense store searches with `settings`' breadth). Raises
    IndexCorrupt when they disagree."""
    documents = read_documents(build)
    passages = read_passages(build)
    dense = open_store(build, manifest.dense_kind, settings)
    if len(dense) != len(passages) or (len(dense) and dense.dimension != manifest.dimension):
        raise IndexCorrupt(f"The index in '{build}' is inconsistent (vectors and passages disagree). Rebuild it.")
    duplicates = {int(k): v for k, v in json.loads((build / "duplicates.json").read_text()).items()}
    sentences, sentence_vectors = read_sentences(build)
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


def read_build_manifest(build: Path) -> Manifest:
    return Manifest.from_json(json.loads((build / "manifest.json").read_text()))


def read_documents(build: Path) -> dict[str, Document]:
    return {d["doc_id"]: _document_from_json(d) for d in json.loads((build / "documents.json").read_text())}


def read_sentences(build: Path) -> tuple[SentenceTable, np.ndarray]:
    """The build's answer sentences and their vectors (row i embeds sentence i). The vectors are mapped from the
    file, not read into memory: an answer touches the rows of its candidate passages' sentences only, and the
    operating system keeps the pages in use (the largest part of an index: about five sentences per passage). They
    are handed out as a plain array over the mapping: numpy's memmap type costs a Python call on every row taken."""
    vectors = np.load(build / "sentence_vectors.npy", mmap_mode="r")
    return SentenceTable.load(build / "sentences.json"), vectors.view(np.ndarray)


def read_passages(build: Path) -> list[Passage]:
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


# ---------------------------------------------------------------- writing


def write_build(
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
            load_build(temporary, manifest, settings)  # a build that cannot be read back never goes live
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            raise IndexCorrupt(f"the new build does not read back ({type(error).__name__}: {error}); the live index is unchanged") from error
        build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + temporary.name[5:]
        final = builds / build_id
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    _point_current_at(index_dir, build_id)
    _remove_old_builds(builds, keep={build_id, *previous_live(index_dir, build_id)}, settings=settings)
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


def previous_live(index_dir: Path, current: str) -> set[str]:
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
