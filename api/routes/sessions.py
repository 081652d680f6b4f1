"""Conversations kept by the server: follow-ups are resolved from their stored turns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse

from assistant.errors import echoed

from ..deps import READ, ServiceDep
from ..errors import ApiError
from ..schemas import AskResponse, SessionOut, TurnRequest

router = APIRouter(tags=["sessions"], dependencies=READ)
SessionId = Annotated[str, Path(description="A session id from POST /sessions.")]


@router.post("/sessions", summary="Start a conversation", status_code=201, response_model=SessionOut)
def create_session(service: ServiceDep) -> dict[str, object]:
    """A new, empty session. Its turns are kept in SQLite under ASSISTANT_DATA_DIR and survive restarts."""
    session = service.sessions.create()
    return {"id": session.session_id, "created_at": session.created_at, "messages": []}


@router.post(
    "/sessions/{session_id}/messages", summary="Ask within a session", response_model=None,
    responses={200: {"model": AskResponse, "description": "The answer (JSON, or server-sent events with stream=true)."}},
)
def session_turn(
    session_id: SessionId,
    body: TurnRequest,
    service: ServiceDep,
    stream: Annotated[
        bool, Query(description="Send server-sent events: one 'sentence' event per answer sentence, then 'done' with the whole answer.")
    ] = False,
) -> dict[str, object] | StreamingResponse:
    """Answer the next question of a session; follow-ups are resolved from the stored turns."""
    payload = service.ask(body.question, [], session_id, body.top_k, body.documents)
    if not stream:
        return payload
    return StreamingResponse(_answer_events(payload), media_type="text/event-stream")


@router.get("/sessions/{session_id}", summary="A conversation", response_model=SessionOut)
def get_session(session_id: SessionId, service: ServiceDep) -> dict[str, object]:
    """The session's turns, oldest first; assistant turns carry the full answer."""
    session = service.sessions.get(session_id)
    if session is None:
        raise ApiError(404, "not_found", f"No session '{echoed(session_id)}'. Create one with POST /sessions.")
    return {
        "id": session.session_id,
        "created_at": session.created_at,
        "messages": [{"role": m.role, "content": m.content, "created_at": m.created_at, "answer": m.answer} for m in session.messages],
    }


@router.delete("/sessions/{session_id}", summary="Forget a conversation", status_code=204)
def delete_session(session_id: SessionId, service: ServiceDep) -> Response:
    """Delete the session and its turns."""
    if not service.sessions.delete(session_id):
        raise ApiError(404, "not_found", f"No session '{echoed(session_id)}'.")
    return Response(status_code=204)


def _answer_events(payload: dict[str, object]) -> Iterator[str]:
    for sentence in payload["sentences"]:  # type: ignore[attr-defined]
        yield f"event: sentence\ndata: {json.dumps(sentence, ensure_ascii=False)}\n\n"
    yield f"event: done\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
