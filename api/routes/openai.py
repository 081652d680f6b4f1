"""The OpenAI-compatible endpoints chat front ends call."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from .. import openai_compat
from ..deps import READ, ServiceDep
from ..schemas import ChatRequest

router = APIRouter(prefix="/v1", tags=["openai"], dependencies=READ)


@router.get("/models", summary="Models (OpenAI-compatible)")
def list_models() -> dict[str, object]:
    """The one model this service offers, for chat front ends that list models first."""
    return openai_compat.models()


@router.post("/chat/completions", summary="Chat completions (OpenAI-compatible)", response_model=None)
def chat_completions(body: ChatRequest, service: ServiceDep) -> dict[str, object] | StreamingResponse:
    """The last user message is the question, earlier messages the conversation. The reply carries [n]
    markers and a sources list; `citations` and `ssr` hold the structured answer. `stream: true` sends
    server-sent events in the OpenAI chunk format."""
    question, history = openai_compat.conversation(body)
    answer = service.answerer.ask(question, history, body.top_k)
    if body.stream:
        return StreamingResponse(openai_compat.completion_chunks(answer, body.model), media_type="text/event-stream")
    return openai_compat.completion(answer, body.model)
