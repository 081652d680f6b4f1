"""The running service's state: the live answerer, and the writes that replace it.

Reads take `service.answerer` (one attribute read, so a request sees one index from start
to end). Uploads and deletions are serialised (across worker processes too): an upload is
read in a bounded child process (sandbox.py), the index is rebuilt incrementally (only the
new passages are embedded, with the already loaded model), and the new answerer replaces
the old one. Queries keep being answered from the old index while that happens. Files move
only once the new build is live, under a journal that start-up settles after a crash
(journal.py): a document is either indexed with its file in place, or absent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fnmatch
import gc
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace as replace_field
from pathlib import Path

from assistant import journal
from assistant.answering import Answerer
from assistant.conversation import Turn
from assistant.embedding import Embedder, embedder_from_settings
from assistant.errors import (
    AssistantError,
    DocumentError,
    IndexMismatch,
    IndexMissing,
    InvalidQuestion,
    UnknownDocument,
    echoed,
)
from assistant.indexing import BuildReport, build_index
from assistant.store import Index, current_build, load_index
from assistant.ingest import (
    PDF_EXTENSIONS,
    SUPPORTED_EXTENSIONS,
    corpus_files,
    document_id,
    load_corpus,
)
from assistant.models import Document, SearchHit
from assistant.payloads import answer_payload, entry_point_payload, passage_payload
from assistant.retrieval import Retriever
from assistant.sandbox import MEGABYTE, read_bounded
from assistant.settings import Settings

from .sessions import Limits, SessionStore

log = logging.getLogger("assistant.api")
RELOAD_CHECK_SECONDS = 2.0


class Conflict(AssistantError):
    """The request clashes with the current state (a document that exists, the last document)."""


class TooLarge(AssistantError):
    pass


class UnsupportedUpload(AssistantError):
    pass


class NotReady(AssistantError):
    pass


class UnknownSession(AssistantError):
    pass


class UnknownFactor(AssistantError):
    pass


class UnknownPassage(AssistantError):
    pass


@dataclass
class WriteResult:
    doc_id: str
    report: BuildReport
    seconds: float


class Service:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._answerer: Answerer | None = None
        self._write_lock = threading.Lock()
        self.sessions = SessionStore(
            settings.sessions_path,
            Limits(settings.max_sessions, settings.max_session_turns, settings.session_days),
        )
        self.load_error: str | None = None
        self._live_build: str | None = None  # the build this process serves
        self._checked_at = 0.0
        self._reload_lock = threading.Lock()

    # ------------------------------------------------------------ reading

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = embedder_from_settings(self.settings, threads=self.settings.serve_embedding_threads, serving=True)
        return self._embedder

    def load(self) -> None:
        """Load the live index; when there is none yet (or it was built another way) the service stays up, not ready."""
        try:
            index = load_index(self.settings)
        except (IndexMissing, IndexMismatch) as error:
            self.load_error = str(error)
            return
        self._serve(index)

    def _serve(self, index: Index) -> None:
        self._answerer = Answerer(Retriever(index, self.embedder, self.settings))
        # the build CURRENT named when loading, even when an older one is served in its place (index.fallback):
        # the service looks again only when the pointer moves
        self._live_build = (current_build(self.settings.index_dir) or index.path).name
        self.load_error = None
        if index.fallback:
            log.warning("%s", index.fallback)

    def _follow_live_build(self) -> None:
        """Serve the build CURRENT names. Another worker process (or `assistant build`) may have replaced it;
        a look at the pointer every RELOAD_CHECK_SECONDS is the whole cost of staying in step."""
        now = time.monotonic()
        if now - self._checked_at < RELOAD_CHECK_SECONDS or not self._reload_lock.acquire(blocking=False):
            return
        try:
            self._checked_at = now
            live = current_build(self.settings.index_dir)
            if live is not None and live.name != self._live_build:
                self.load()
        except (OSError, ValueError, AssistantError) as error:  # a half-visible build: keep serving the old one
            log.warning("could not load the new build: %s", error)
        finally:
            self._reload_lock.release()

    @property
    def answerer(self) -> Answerer:
        self._follow_live_build()
        answerer = self._answerer
        if answerer is None:
            raise NotReady(self.load_error or "The index is not loaded yet. Build it with `assistant build`.")
        return answerer

    @property
    def ready(self) -> bool:
        return self._answerer is not None

    # ------------------------------------------------------------ asking

    def ask(
        self,
        question: str,
        history: list[Turn],
        session_id: str | None = None,
        top_k: int | None = None,
        documents: list[str] | None = None,
    ) -> dict[str, object]:
        """The answer as the API returns it. With `session_id`, the session's turns are the history and this
        turn is stored; a caller sends either a history or a session, never both."""
        if session_id and history:
            raise InvalidQuestion("Send either history or session_id, not both: a session keeps its own history.")
        if session_id:
            session = self.sessions.get(session_id)
            if session is None:
                raise UnknownSession(f"No session '{echoed(session_id)}'. Create one with POST /sessions.")
            history = session.turns()
        answer = self.answerer.ask(question, history, top_k, documents)
        payload = answer_payload(answer)
        if session_id:
            if not self.sessions.append_turn(session_id, question, answer.text, payload):
                raise UnknownSession(f"Session '{echoed(session_id)}' was deleted meanwhile.")
            payload["session_id"] = session_id
        return payload

    def public_root(self, request_root: str) -> str:
        """The service's address for absolute source URLs: ASSISTANT_PUBLIC_URL, or where the request was sent."""
        return (self.settings.public_url or request_root).rstrip("/")

    def search(self, query: str, top_k: int | None = None, doc_ids: list[str] | None = None) -> dict[str, object]:
        """Ranked passages as the API returns them, with the query as given and as searched."""
        read, hits = self.answerer.search(query, top_k, doc_ids)
        return {"query": query, "searched_as": read.searched_as, "results": [passage_payload(hit) for hit in hits]}

    def entry_points(self, factor: str | None = None) -> dict[str, object]:
        """The catalogue (push factors and their entry points), or the factors matching `factor` and theirs."""
        catalogue = self.answerer.index.catalogue
        factors = catalogue.matching_factors(factor or "")
        if factor and not factors:
            known = ", ".join(f.factor_id for f in catalogue.factors)
            raise UnknownFactor(f"No push factor matches '{echoed(factor)}'. Known factors: {known}.")
        chosen = {f.factor_id for f in factors}
        entries = [e for e in catalogue.entry_points if factor is None or e.factor_id in chosen]
        return {
            "factors": [{"id": f.factor_id, "label": f.label, "name": f.name} for f in factors],
            "entry_points": [entry_point_payload(e, catalogue.factor(e.factor_id) if e.factor_id else None) for e in entries],
        }

    def passage(self, passage_id: str) -> dict[str, object]:
        """One passage in full, by its id (as search returns it)."""
        index = self.answerer.index
        position = index.position_of.get(passage_id)
        if position is None:
            raise UnknownPassage(f"No passage with id '{passage_id[:200]}'. Take ids from a search.")
        return passage_payload(SearchHit(passage=index.passages[position], score=0.0, rank=1))

    # ------------------------------------------------------------ writing

    def add_document(self, filename: str, data: bytes, replace: bool = False) -> WriteResult:
        name = _safe_name(filename)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise UnsupportedUpload(
                f"'{filename}' is not a supported file type. Upload a PDF (.pdf), plain text (.txt) or Markdown (.md) file."
            )
        if len(data) > self.settings.max_upload_bytes:
            raise TooLarge(
                f"The file is {len(data):,} bytes; the limit is {self.settings.max_upload_bytes:,} (ASSISTANT_MAX_UPLOAD_BYTES)."
            )
        ignored = next((p for p in self.settings.corpus_ignore if fnmatch.fnmatch(name, p)), None)
        if ignored is not None:
            raise DocumentError(
                f"'{name}' matches the pattern '{ignored}' of ASSISTANT_CORPUS_IGNORE: files so named are not briefs and "
                "would never be indexed. Rename the file."
            )
        document = self._read(name, data)  # DocumentError says why
        if len(document.text) > self.settings.max_document_chars:
            raise TooLarge(
                f"{name} has {len(document.text):,} characters of text; the limit is {self.settings.max_document_chars:,} "
                "(ASSISTANT_MAX_DOCUMENT_CHARS). Split it into several briefs."
            )
        if document.format == "pdf" and suffix not in PDF_EXTENSIONS:
            raise DocumentError(f"{name}: the content is a PDF but the name says '{suffix}'. Rename it to .pdf.")
        doc_id = document_id(Path(name))
        with self._writing():
            target = self.settings.uploads_dir / name
            existing = self._find_file(doc_id)
            if existing is not None and existing.resolve() != target.resolve():
                raise Conflict(f"A document with id '{doc_id}' is already in the corpus ({existing.name}). Rename the file.")
            if existing is not None and not replace:
                raise Conflict(
                    f"Document '{doc_id}' exists. Send replace=true (as a form field or as ?replace=true) to replace it, "
                    "or rename the file."
                )
            journal.write_staged(self.settings, name, data)
            pending = journal.PendingWrite("add", doc_id, name, document.content_hash)
            document = replace_field(document, source_path=str(target))
            return self._commit(pending, lambda documents: [d for d in documents if d.doc_id != doc_id] + [document])

    def delete_document(self, doc_id: str) -> WriteResult:
        with self._writing():
            documents = self.answerer.index.documents
            if doc_id not in documents:
                raise UnknownDocument(f"No document with id '{echoed(doc_id)}'. GET /documents lists them.")
            if len(documents) == 1:
                raise Conflict(f"'{doc_id}' is the only document; upload another before deleting it.")
            source = self.source_file(doc_id)
            pending = journal.PendingWrite("delete", doc_id, str(source))
            return self._commit(pending, lambda documents: [d for d in documents if d.doc_id != doc_id])

    def _read(self, name: str, data: bytes) -> Document:
        """The upload read in a child process bounded in time and memory (see assistant/sandbox.py)."""
        settings = self.settings
        seconds = settings.parse_seconds + settings.parse_seconds_per_mb * len(data) / MEGABYTE
        return read_bounded(name, data, seconds, settings.parse_memory_mb * MEGABYTE, settings.max_document_chars)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write at a time, across threads and worker processes; an interrupted earlier write is settled first."""
        with self._write_lock, journal.exclusive(self.settings):
            yield

    def recover(self) -> journal.Recovery:
        """Settle a write that a crash interrupted (see assistant/journal.py); called at start-up."""
        with self._write_lock, journal.exclusive(self.settings) as recovery:
            return recovery

    def _commit(self, pending: journal.PendingWrite, change: Callable[[list[Document]], list[Document]]) -> WriteResult:
        """Record the write, build the index with `change` applied to the corpus, then move the files."""
        started = time.perf_counter()
        pending.save(self.settings)
        try:
            documents, problems = load_corpus(self.settings.corpus_dir, self.settings.corpus_ignore, [self.settings.uploads_dir])
            report = build_index(self.settings, lambda: self.embedder, documents=change(documents), problems=problems)
        except BaseException:
            if not journal.committed(self.settings, pending):
                journal.undo(self.settings, pending)
            raise
        journal.finish(self.settings, pending)
        self._serve(load_index(self.settings))
        _release_memory()
        return WriteResult(pending.doc_id, report, round(time.perf_counter() - started, 3))

    def _find_file(self, doc_id: str) -> Path | None:
        """The file in the corpus or uploads folder that gives this id. Never a path taken from the index,
        so that a deletion cannot reach outside the service's own folders."""
        folders = [self.settings.corpus_dir, self.settings.uploads_dir]
        for path in (p for folder in folders if folder.is_dir() for p in corpus_files(folder, self.settings.corpus_ignore)):
            if document_id(path) == doc_id:
                return path
        return None

    def source_file(self, doc_id: str) -> Path:
        """The brief's original file (in the corpus or uploads folder, never a path taken from the index)."""
        path = self._find_file(doc_id)
        if path is None:
            raise Conflict(f"'{doc_id}' is indexed but its file is not in the corpus or uploads folder; rebuild with `assistant build`.")
        return path


def _safe_name(filename: str) -> str:
    base = Path(filename.replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"
    return f"{stem[:120]}{suffix.lower()}"


def _release_memory() -> None:
    """Give the memory a rebuild freed back to the system. glibc keeps freed heap for reuse: without this a
    server's resident memory grew by 400 MB after one upload (measured), though nothing was still in use."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc: nothing to trim
        return None


_LIBC = _libc()
