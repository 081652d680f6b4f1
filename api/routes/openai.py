"""The OpenAI-compatible endpoints chat front ends call."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from .. import openai_compat
from ..deps import READ, ServiceDep
from ..schemas import ChatRequest, ResponsesRequest

router = APIRouter(prefix="/v1", tags=["openai"], dependencies=READ)


@router.get("/models", summary="Models (OpenAI-compatible)")
def list_models() -> dict[str, object]:
    """The one model this service offers, for chat front ends that list models first."""
    return openai_compat.models()


@router.post("/chat/completions", summary="Chat completions (OpenAI-compatible)", response_model=None)
def chat_completions(body: ChatRequest, request: Request, service: ServiceDep) -> dict[str, object] | StreamingResponse:
    """The last user message is the question, earlier messages the conversation. The reply carries [n]
    markers, a sources list and `url_citation` annotations (each spans a quoted sentence and points at it in its
    brief); `citations` and `ssr` hold the structured answer. `stream: true` sends server-sent events in the
    OpenAI chunk format: after the content, one chunk per citation with an empty delta and an Open WebUI source
    `event` (ASSISTANT_OPENAI_SOURCE_EVENTS=false leaves them out), the annotations with the last chunk."""
    question, history = openai_compat.conversation(body)
    answer = service.answerer.ask(question, history, body.top_k)
    root = service.public_root(str(request.base_url))
    if body.stream:
        chunks = openai_compat.completion_chunks(answer, body.model, root, service.settings.openai_source_events)
        return StreamingResponse(chunks, media_type="text/event-stream")
    return openai_compat.completion(answer, body.model, root)


@router.post("/responses", summary="Responses (OpenAI-compatible)", response_model=None)
def responses(body: ResponsesRequest, request: Request, service: ServiceDep) -> dict[str, object] | StreamingResponse:
    """The same answers as chat completions in the Responses API's shape: `input` is the question or the
    conversation; the output message's text carries `url_citation` annotations. `stream: true` sends the Responses
    API's server-sent events (created, output_text deltas, annotations, completed). Nothing is stored."""
    question, history = openai_compat.response_conversation(body)
    answer = service.answerer.ask(question, history, body.top_k)
    root = service.public_root(str(request.base_url))
    if body.stream:
        return StreamingResponse(openai_compat.response_events(answer, body.model, root), media_type="text/event-stream")
    return openai_compat.response(answer, body.model, root)
