"""The OpenAI chat-completions protocol over the assistant, so chat front ends work unchanged.

The last user message is the question and the earlier messages are the conversation. The
answer text carries the [n] markers and ends with a list of sources; the structured
citations travel beside it in the response (`citations`, and `ssr` for the whole answer).
"""

from __future__ import annotations

import html
import json
import time
import uuid
from collections.abc import Iterator

from assistant.answering import Answer, answer_payload, pages_label
from assistant.conversation import Turn
from assistant.errors import InvalidQuestion

from .schemas import ChatMessage, ChatRequest

MODEL_ID = "ssr-brief-assistant"


def message_text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if isinstance(message.content, list):
        return "\n".join(str(part.get("text", "")) for part in message.content if part.get("type") == "text")
    return ""


def conversation(request: ChatRequest) -> tuple[str, list[Turn]]:
    """(question, earlier turns) from the messages. Raises InvalidQuestion when no user message is there."""
    turns = [Turn(m.role, message_text(m)) for m in request.messages if m.role in ("user", "assistant")]
    last_user = max((i for i, t in enumerate(turns) if t.role == "user"), default=None)
    if last_user is None:
        raise InvalidQuestion("messages holds no user message; the last user message is the question.")
    return turns[last_user].content, turns[:last_user]


def shown(text: str) -> str:
    """Brief text as chat front ends render it (Markdown with HTML): angle brackets and ampersands
    escaped, so a brief's '<img onerror=…>' is shown, never run."""
    return html.escape(text, quote=False)


def sources_text(answer: Answer) -> str:
    if answer.abstained:
        closest = "\n".join(shown(f"- {h.passage.title}{pages_label(h.passage.pages)} — {h.passage.section}") for h in answer.passages[:3])
        return f"\n\nClosest material:\n{closest}" if closest else ""
    lines = [shown(f"[{c.marker}] {c.source.title}{pages_label(c.source.pages)} — {c.source.section}") for c in answer.citations]
    entry = [shown(f"- {m.entry.title}" + (f" ({m.factor.name})" if m.factor else "")) for m in answer.entry_points]
    text = "\n\nSources:\n" + "\n".join(lines)
    if entry:
        text += "\n\nEntry points:\n" + "\n".join(entry)
    return text



def _usage(question: str, content: str) -> dict[str, int]:
    prompt, completion = len(question.split()), len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(answer: Answer, model: str) -> dict:  # type: ignore[type-arg]
    payload = answer_payload(answer)
    content = shown(answer.text) + sources_text(answer)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop", "logprobs": None}],
        "usage": _usage(answer.question, content),
        "citations": payload["citations"],
        "ssr": payload,
    }


def completion_chunks(answer: Answer, model: str) -> Iterator[str]:
    """Server-sent events: a role chunk, the answer sentence by sentence, the sources, a final chunk, [DONE]."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

    def event(delta: dict, finish: str | None = None, **extra: object) -> str:  # type: ignore[type-arg]
        chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    if answer.abstained:
        yield event({"content": shown(answer.text)})
    elif answer.message:
        yield event({"content": answer.message + "\n\n"})
    for i, sentence in enumerate(answer.sentences):
        markers = "".join(f"[{m}]" for m in sentence.markers)
        yield event({"content": ("" if i == 0 else " ") + f"{shown(sentence.text)} {markers}"})
    yield event({"content": sources_text(answer)})
    payload = answer_payload(answer)
    yield event({}, "stop", citations=payload["citations"], ssr=payload)
    yield "data: [DONE]\n\n"


def models() -> dict:  # type: ignore[type-arg]
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "ssr-brief-assistant"}],
    }
