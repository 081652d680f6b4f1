"""Every failure as a clear 4xx JSON body, never a stack trace.

Every error body has the OpenAI shape `{"error": {"type", "message", "param"}}`, so chat
front ends show the message; `message` says what is wrong and how to fix it. The core's
exceptions are mapped to statuses here, once.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import (
    AssistantError,
    CorpusError,
    DocumentError,
    IndexMismatch,
    IndexMissing,
    StoreUnavailable,
    InvalidQuestion,
    UnknownDocument,
)

from .schemas import ErrorBody
from .service import (
    Conflict,
    NotReady,
    TooLarge,
    UnknownFactor,
    UnknownPassage,
    UnknownSession,
    UnsupportedUpload,
)
from .sessions import SessionLimit

log = logging.getLogger("assistant.api")

STATUS: list[tuple[type[Exception], int, str]] = [
    (InvalidQuestion, 422, "invalid_request"),
    (UnknownDocument, 404, "not_found"),
    (UnknownSession, 404, "not_found"),
    (UnknownFactor, 404, "not_found"),
    (UnknownPassage, 404, "not_found"),
    (DocumentError, 422, "unreadable_document"),
    (UnsupportedUpload, 415, "unsupported_media_type"),
    (TooLarge, 413, "too_large"),
    (Conflict, 409, "conflict"),
    (CorpusError, 409, "conflict"),
    (NotReady, 503, "not_ready"),
    (IndexMissing, 503, "not_ready"),
    (IndexMismatch, 503, "not_ready"),
    (StoreUnavailable, 503, "not_ready"),
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
    """A refusal decided at the edge (a key, a session), with its status and kind."""

    def __init__(self, status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.headers = status, kind, message, headers


def error_response(status: int, kind: str, message: str, param: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "param": param}}, status_code=status, headers=headers)


def validation_message(error: RequestValidationError) -> tuple[str, str | None, int]:
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


async def _assistant_error(request: Request, error: AssistantError) -> JSONResponse:
    status, kind = next(((s, k) for cls, s, k in STATUS if isinstance(error, cls)), (400, "invalid_request"))
    return error_response(status, kind, str(error))


async def _session_limit(request: Request, error: SessionLimit) -> JSONResponse:
    return error_response(error.status, "limit_reached", str(error))


async def _api_error(request: Request, error: ApiError) -> JSONResponse:
    return error_response(error.status, error.kind, error.message, headers=error.headers)


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    message, param, status = validation_message(error)
    return error_response(status, "invalid_request" if status == 422 else "invalid_json", message, param)


# FastAPI's own words when a JSON body cannot be decoded at all (not UTF-8, nested past the parser's depth, or a number
# past Python's 4,300 digits), before
# any field is read: said as what is wrong and how to send it
_UNPARSED_BODY = "There was an error parsing the body"


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    if error.status_code == 400 and error.detail == _UNPARSED_BODY:
        return error_response(
            400, "invalid_json",
            "The request body could not be read as JSON: it is not UTF-8 text, it nests arrays or objects too deeply, "
            "or it writes a number of thousands of digits. "
            'Send a JSON object in UTF-8 with Content-Type: application/json, e.g. {"question": "What is SSR?"}.',
        )
    message = {404: "No such endpoint. See /docs for the API.", 405: "Method not allowed on this endpoint. See /docs."}
    return error_response(error.status_code, "http_error", message.get(error.status_code, str(error.detail)))


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "Something went wrong on our side; the request was not applied.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, _assistant_error)  # type: ignore[arg-type]
    app.add_exception_handler(SessionLimit, _session_limit)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
