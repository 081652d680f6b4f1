"""The HTTP service: FastAPI routes over the assistant, errors as clear 4xx JSON, never a stack trace.

Every error body has the OpenAI shape `{"error": {"type", "message", "param"}}`, so chat
front ends show the message; `message` says what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi import Path as FastApiPath
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from .guard import RequestGuard, key_refusal
from .sessions import SessionLimit
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import __version__
from assistant.answering import answer_payload, entry_point_payload, passage_payload
from assistant.conversation import Turn
from assistant.embedding import Embedder
from assistant.errors import (
    AssistantError,
    CorpusError,
    DocumentError,
    IndexMismatch,
    IndexMissing,
    InvalidQuestion,
    UnknownDocument,
)
from assistant.settings import Settings, load_settings

from . import openai_compat
from .schemas import (
    AskRequest,
    AskResponse,
    ChatRequest,
    DocumentDetail,
    DocumentOut,
    EntryPointsResponse,
    ErrorBody,
    SearchResponse,
    SessionOut,
    TurnRequest,
    WriteOut,
)
from .service import Conflict, NotReady, Service, TooLarge, UnsupportedUpload, WriteResult

log = logging.getLogger("assistant.api")
STATIC = Path(__file__).resolve().parent / "static"
SessionId = Annotated[str, FastApiPath(description="A session id from POST /sessions.")]
DocId = Annotated[str, FastApiPath(description="A document id from GET /documents.", examples=["strengthening-un-support-to-ssr"])]
EXAMPLE_SEARCH = "community policing"

STATUS: list[tuple[type[Exception], int, str]] = [
    (InvalidQuestion, 422, "invalid_request"),
    (UnknownDocument, 404, "not_found"),
    (DocumentError, 422, "unreadable_document"),
    (UnsupportedUpload, 415, "unsupported_media_type"),
    (TooLarge, 413, "too_large"),
    (Conflict, 409, "conflict"),
    (CorpusError, 409, "conflict"),
    (NotReady, 503, "not_ready"),
    (IndexMissing, 503, "not_ready"),
    (IndexMismatch, 503, "not_ready"),
]
ERRORS = {
    code: {"model": ErrorBody, "description": text}
    for code, text in [
        (401, "Missing or wrong API key."),
        (403, "The endpoint is disabled (no API key configured)."),
        (404, "Unknown document or session."),
        (422, "Invalid request: the message says which field and how to fix it."),
        (503, "The index is not loaded yet."),
    ]
}


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.headers = status, kind, message, headers


def _public(record: object) -> dict[str, object]:
    """A document record without the server's folders: the file name only."""
    fields = dict(vars(record))
    fields["source_path"] = Path(str(fields["source_path"])).name
    return fields


def error_response(status: int, kind: str, message: str, param: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "param": param}}, status_code=status, headers=headers)


def _validation_message(error: RequestValidationError) -> tuple[str, str | None, int]:
    problems = error.errors()
    first = problems[0] if problems else {}
    if first.get("type") == "json_invalid":
        return (
            "The request body is not valid JSON. Send a JSON object with Content-Type: application/json.",
            None,
            400,
        )
    parts = []
    for problem in problems[:5]:
        location = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{location or 'body'}: {problem.get('msg', 'invalid')}")
    param = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")) or None
    return "Invalid request — " + "; ".join(parts) + ". See /docs for the expected fields.", param, 422


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """The app; `embedder` lets a caller share an already loaded model (tests, benchmarks)."""
    settings = settings or load_settings()
    service = Service(settings, embedder)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        service.recover()  # finish or undo an upload or deletion a crash interrupted
        service.load()
        if service.ready:
            service.answerer.retriever.search("warm up")  # load the model and its kernels before the first user
        yield

    app = FastAPIOffline(  # /docs from assets shipped in the package, no CDN; ReDoc dropped (its page loads a CDN logo)
        redoc_url=None,
        title="SSR Brief Assistant",
        version=__version__,
        description=(
            "Offline answers over policy briefs. Every answer sentence is a verbatim quote with a citation "
            "(document, section, page, character offsets); entry points for each push factor of displacement; "
            "'not covered' when the briefs do not answer; follow-up questions resolved from the conversation. "
            "Also speaks the OpenAI chat-completions protocol at /v1. Errors: "
            '`{"error": {"type", "message", "param"}}`.'
        ),
        lifespan=lifespan,
        responses=ERRORS,  # type: ignore[arg-type]
    )
    app.state.service = service
    app.add_middleware(RequestGuard, settings=settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )

    # ------------------------------------------------------------ errors

    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, error: AssistantError) -> JSONResponse:
        status, kind = next(((s, k) for cls, s, k in STATUS if isinstance(error, cls)), (400, "invalid_request"))
        return error_response(status, kind, str(error))

    @app.exception_handler(SessionLimit)
    async def session_limit(request: Request, error: SessionLimit) -> JSONResponse:
        return error_response(error.status, "limit_reached", str(error))

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.kind, error.message, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        message, param, status = _validation_message(error)
        return error_response(status, "invalid_request" if status == 422 else "invalid_json", message, param)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = {404: "No such endpoint. See /docs for the API.", 405: "Method not allowed on this endpoint. See /docs."}
        return error_response(error.status_code, "http_error", message.get(error.status_code, str(error.detail)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "Something went wrong on our side; the request was not applied.")

    # ------------------------------------------------------------ keys

    def require(request: Request, write: bool) -> None:
        refusal = key_refusal(settings, request.headers.get("authorization", ""), write)
        if refusal:
            raise ApiError(refusal.status, refusal.kind, refusal.message, dict(refusal.headers))

    def require_write(request: Request) -> None:
        require(request, write=True)

    def require_read(request: Request) -> None:
        require(request, write=False)

    Read = [Depends(require_read)]
    Write = [Depends(require_write)]

    # ------------------------------------------------------------ health

    @app.get("/health", tags=["health"], summary="Alive")
    def health() -> dict[str, str]:
        """The process answers HTTP. Says nothing about the index (see /ready)."""
        return {"status": "ok"}

    @app.get("/ready", tags=["health"], summary="Index loaded", responses={503: {"model": ErrorBody}})
    def ready() -> dict[str, object]:
        """200 when the index is loaded and questions can be answered, 503 with the reason otherwise. `warning` says
        when the build CURRENT names cannot be read and the one live before it is served instead."""
        index = service.answerer.index
        return {
            "status": "ready",
            "documents": len(index.documents),
            "passages": len(index.passages),
            "model": index.manifest.model,
            "embedding_backend": getattr(service.answerer.retriever.embedder, "backend", "unknown"),
            "built_at": index.manifest.built_at,
            "warning": index.fallback,
        }

    # ------------------------------------------------------------ questions

    @app.post("/ask", tags=["questions"], summary="Answer a question", response_model=AskResponse, dependencies=Read)
    def ask(body: AskRequest) -> dict[str, object]:
        """An extractive answer with [n] citation markers, the citations, matching entry points, and the ranked
        passages. With `session_id`, the session's turns are the history and this turn is stored."""
        if body.session_id and body.history:
            raise InvalidQuestion("Send either history or session_id, not both: a session keeps its own history.")
        history = [Turn(t.role, t.content) for t in body.history]
        if body.session_id:
            session = service.sessions.get(body.session_id)
            if session is None:
                raise ApiError(404, "not_found", f"No session '{body.session_id}'. Create one with POST /sessions.")
            history = session.turns()
        answer = service.answerer.ask(body.question, history, body.top_k, body.documents)
        payload = answer_payload(answer)
        if body.session_id:
            if not service.sessions.append_turn(body.session_id, body.question, answer.text, payload):
                raise ApiError(404, "not_found", f"Session '{body.session_id}' was deleted meanwhile.")
            payload["session_id"] = body.session_id
        return payload

    @app.get("/search", tags=["questions"], summary="Ranked passages", response_model=SearchResponse, dependencies=Read)
    def search(
        q: Annotated[str, Query(description="The question or keywords.", examples=[EXAMPLE_SEARCH])],
        top_k: Annotated[int | None, Query(description="How many passages (default ASSISTANT_TOP_K).")] = None,
        doc: Annotated[list[str] | None, Query(description="Only these document ids (repeatable).")] = None,
    ) -> dict[str, object]:
        """Passages only, best first, each with document, section, pages, offsets and score."""
        hits = service.answerer.retriever.search(q, top_k=top_k, doc_ids=doc)
        return {"query": q, "results": [passage_payload(h) for h in hits]}

    @app.get(
        "/entry-points", tags=["questions"], summary="The entry-point catalogue", response_model=EntryPointsResponse, dependencies=Read
    )
    def entry_points(
        factor: Annotated[str | None, Query(description="Only factors whose id or name contains these words.", examples=["authoritarian"])] = None,
    ) -> dict[str, object]:
        """Push factors and the SSR entry points under each (with summaries and sources), and the briefs' other
        numbered recommendations (when no factor filter is given)."""
        catalogue = service.answerer.index.catalogue
        factors = catalogue.matching_factors(factor or "")
        if factor and not factors:
            known = ", ".join(f.factor_id for f in catalogue.factors)
            raise ApiError(404, "not_found", f"No push factor matches '{factor}'. Known factors: {known}.")
        chosen = {f.factor_id for f in factors}
        entries = [e for e in catalogue.entry_points if factor is None or e.factor_id in chosen]
        return {
            "factors": [{"id": f.factor_id, "label": f.label, "name": f.name} for f in factors],
            "entry_points": [entry_point_payload(e, catalogue.factor(e.factor_id) if e.factor_id else None) for e in entries],
        }

    # ------------------------------------------------------------ sessions

    @app.post("/sessions", tags=["sessions"], summary="Start a conversation", status_code=201, response_model=SessionOut, dependencies=Read)
    def create_session() -> dict[str, object]:
        """A new, empty session. Its turns are kept in SQLite under ASSISTANT_DATA_DIR and survive restarts."""
        session = service.sessions.create()
        return {"id": session.session_id, "created_at": session.created_at, "messages": []}

    @app.post(
        "/sessions/{session_id}/messages", tags=["sessions"], summary="Ask within a session", response_model=None,
        dependencies=Read, responses={200: {"model": AskResponse, "description": "The answer (JSON, or server-sent events with stream=true)."}},
    )
    def session_turn(
        session_id: SessionId,
        body: TurnRequest,
        stream: Annotated[bool, Query(description="Send server-sent events: one 'sentence' event per answer sentence, then 'done' with the whole answer.")] = False,
    ) -> dict[str, object] | StreamingResponse:
        """Answer the next question of a session; follow-ups are resolved from the stored turns."""
        payload = ask(AskRequest(question=body.question, session_id=session_id, top_k=body.top_k, documents=body.documents))
        if not stream:
            return payload
        return StreamingResponse(_answer_events(payload), media_type="text/event-stream")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/sessions/{session_id}", tags=["sessions"], summary="A conversation", response_model=SessionOut, dependencies=Read)
    def get_session(session_id: SessionId) -> dict[str, object]:
        """The session's turns, oldest first; assistant turns carry the full answer."""
        session = service.sessions.get(session_id)
        if session is None:
            raise ApiError(404, "not_found", f"No session '{session_id}'. Create one with POST /sessions.")
        return {
            "id": session.session_id,
            "created_at": session.created_at,
            "messages": [{"role": m.role, "content": m.content, "created_at": m.created_at, "answer": m.answer} for m in session.messages],
        }

    @app.delete("/sessions/{session_id}", tags=["sessions"], summary="Forget a conversation", status_code=204, dependencies=Read)
    def delete_session(session_id: SessionId) -> Response:
        """Delete the session and its turns."""
        if not service.sessions.delete(session_id):
            raise ApiError(404, "not_found", f"No session '{session_id}'.")
        return Response(status_code=204)

    # ------------------------------------------------------------ documents

    @app.get("/documents", tags=["documents"], summary="Indexed documents", response_model=list[DocumentOut], dependencies=Read)
    def documents() -> list[dict[str, object]]:
        """Every indexed document with its format, pages and passage count."""
        manifest = service.answerer.index.manifest
        return [_public(record) for record in manifest.documents.values()]

    @app.get("/documents/{doc_id}", tags=["documents"], summary="One document", response_model=DocumentDetail, dependencies=Read)
    def document(doc_id: DocId) -> dict[str, object]:
        """One document's record, its section paths and its normalised text (what citation offsets index into)."""
        index = service.answerer.index
        if doc_id not in index.documents:
            raise UnknownDocument(f"No document with id '{doc_id}'. GET /documents lists them.")
        record = index.manifest.documents[doc_id]
        sections = [s.label for s in index.documents[doc_id].sections if s.path]
        text = index.documents[doc_id].text
        return {**_public(record), "sections": sections, "characters": len(text), "text": text}

    @app.post(
        "/documents", tags=["documents"], summary="Upload a brief", status_code=201, response_model=WriteOut,
        dependencies=Write, responses={409: {"model": ErrorBody}, 413: {"model": ErrorBody}, 415: {"model": ErrorBody}},
    )
    def upload(
        file: Annotated[UploadFile, File(description="A PDF, .txt or .md brief.")],
        replace: Annotated[bool, Form(description="Replace an uploaded document with the same id.")] = False,
        replace_query: Annotated[
            bool, Query(alias="replace", description="The same as the form field: replace a document with the same id.")
        ] = False,
    ) -> dict[str, object]:
        """Ingest and index a brief. The index is rebuilt incrementally and swapped in atomically; questions keep
        being answered from the previous index meanwhile. Requires the API key. `replace=true` (form field or query
        parameter) replaces an uploaded brief of the same id; without it that is a 409."""
        data = file.file.read(settings.max_upload_bytes + 1)
        result = service.add_document(file.filename or "upload", data, replace or replace_query)
        return _write_out(result)

    @app.delete(
        "/documents/{doc_id}", tags=["documents"], summary="Remove a brief", response_model=WriteOut, dependencies=Write,
        responses={409: {"model": ErrorBody}},
    )
    def delete_document(doc_id: DocId) -> dict[str, object]:
        """Remove a brief from the index (its file moves to ASSISTANT_DATA_DIR/trash). Requires the API key."""
        return _write_out(service.delete_document(doc_id))

    # ------------------------------------------------------------ OpenAI-compatible

    @app.get("/v1/models", tags=["openai"], summary="Models (OpenAI-compatible)", dependencies=Read)
    def list_models() -> dict[str, object]:
        """The one model this service offers, for chat front ends that list models first."""
        return openai_compat.models()

    @app.post("/v1/chat/completions", tags=["openai"], summary="Chat completions (OpenAI-compatible)", dependencies=Read, response_model=None)
    def chat_completions(body: ChatRequest) -> dict[str, object] | StreamingResponse:
        """The last user message is the question, earlier messages the conversation. The reply carries [n]
        markers and a sources list; `citations` and `ssr` hold the structured answer. `stream: true` sends
        server-sent events in the OpenAI chunk format."""
        question, history = openai_compat.conversation(body)
        answer = service.answerer.ask(question, history, body.top_k)
        if body.stream:
            return StreamingResponse(openai_compat.completion_chunks(answer, body.model), media_type="text/event-stream")
        return openai_compat.completion(answer, body.model)

    return app


def _answer_events(payload: dict[str, object]) -> Iterator[str]:
    for sentence in payload["sentences"]:  # type: ignore[attr-defined]
        yield f"event: sentence\ndata: {json.dumps(sentence, ensure_ascii=False)}\n\n"
    yield f"event: done\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"


def _write_out(result: WriteResult) -> dict[str, object]:
    return {
        "doc_id": result.doc_id,
        "documents": result.report.documents,
        "passages": result.report.passages,
        "embedded": result.report.embedded,
        "seconds": result.seconds,
    }
