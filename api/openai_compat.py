"""The OpenAI protocols over the assistant (chat completions and responses), so chat front ends work unchanged.

The last user message is the question and the earlier messages are the conversation. The
answer text carries the [n] markers and ends with a list of sources. Front ends that render
OpenAI citations get `url_citation` annotations: each spans one quoted sentence with its
marker in the content and points at that sentence highlighted in its brief. The structured
citations also travel beside it (`citations`, and `ssr` for the whole answer).
"""

from __future__ import annotations

import html
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.answering import Answer
from assistant.conversation import Turn
from assistant.errors import InvalidQuestion
from assistant.models import pages_label
from assistant.payloads import answer_payload, source_url

from .schemas import ChatMessage, ChatRequest, ResponsesRequest

MODEL_ID = "ssr-brief-assistant"


def message_text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if isinstance(message.content, list):
        return "\n".join(str(part.get("text", "")) for part in message.content if part.get("type") == "text")
    return ""


def conversation(request: ChatRequest) -> tuple[str, list[Turn]]:
    """(question, earlier turns) from the messages. Raises InvalidQuestion when no user message is there."""
    spoken = [m for m in request.messages if m.role in ("user", "assistant")]
    turns = [Turn(m.role, message_text(m)) for m in spoken]
    last_user = max((i for i, t in enumerate(turns) if t.role == "user"), default=None)
    if last_user is None:
        raise InvalidQuestion("messages holds no user message; the last user message is the question.")
    if isinstance(spoken[last_user].content, list) and not turns[last_user].content.strip():
        raise InvalidQuestion(
            "The last user message holds no text part (only images or other content); questions are read as text. "
            'Send it as {"type": "text", "text": "…"} or as a string.'
        )
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
    text = "\n\nSources:\n" + "\n".join(lines) if lines else ""  # a reply quoting nothing ("Hello") lists none
    if entry:
        text += "\n\nEntry points:\n" + "\n".join(entry)
    return text



@dataclass(frozen=True)
class Rendered:
    """The reply as a front end shows it: its pieces (streamed one by one; joined, the content) and the
    url_citation spans into the content."""

    pieces: list[str]
    annotations: list[dict[str, object]]

    @property
    def content(self) -> str:
        return "".join(self.pieces)


def render(answer: Answer, root: str) -> Rendered:
    """Content and annotations of one answer; `root` makes the source URLs absolute (the service's address)."""
    pieces: list[str] = []
    spans: list[dict[str, object]] = []
    at = 0

    def add(piece: str) -> None:
        nonlocal at
        pieces.append(piece)
        at += len(piece)

    if answer.abstained:
        add(shown(answer.text))
    elif answer.message:
        add(shown(answer.message) + ("\n\n" if answer.sentences else ""))
    by_marker = {c.marker: c for c in answer.citations}
    for i, sentence in enumerate(answer.sentences):
        lead = "" if i == 0 else " "
        start = at + len(lead)
        add(f"{lead}{shown(sentence.text)} " + "".join(f"[{m}]" for m in sentence.markers))
        for marker in sentence.markers:
            source = by_marker[marker].source
            spans.append({
                "type": "url_citation",
                "start_index": start,
                "end_index": at,
                "url": root + source_url(source.doc_id, source.start, source.end),
                "title": f"[{marker}] {source.title}{pages_label(source.pages)} — {source.section}",
            })
    add(sources_text(answer))
    return Rendered(pieces, spans)


def chat_annotation(span: dict[str, object]) -> dict[str, object]:
    """Chat completions nest the span under `url_citation`; the Responses API keeps it flat."""
    return {"type": "url_citation", "url_citation": {k: v for k, v in span.items() if k != "type"}}


def _usage(question: str, content: str) -> dict[str, int]:
    prompt, completion = len(question.split()), len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(answer: Answer, model: str, root: str) -> dict:  # type: ignore[type-arg]
    payload = answer_payload(answer)
    rendered = render(answer, root)
    message = {"role": "assistant", "content": rendered.content, "annotations": [chat_annotation(a) for a in rendered.annotations]}
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": _usage(answer.question, rendered.content),
        "citations": payload["citations"],
        "ssr": payload,
    }


def source_events(answer: Answer, root: str) -> list[dict[str, object]]:
    """Open WebUI source events, one per citation in marker order, so its [n] chips open the quoted sentence: the
    quote as the document shown, and the source view of it as name and link."""
    events: list[dict[str, object]] = []
    for citation in answer.citations:
        quote = citation.source
        url = root + source_url(quote.doc_id, quote.start, quote.end)
        name = f"[{citation.marker}] {quote.title}{pages_label(quote.pages)}"
        metadata = {"source": url, "name": name, "section": quote.section, "doc_id": quote.doc_id}
        source = {"id": url, "name": name, "url": url}
        events.append({"type": "source", "data": {"source": source, "document": [quote.text], "metadata": [metadata]}})
    return events


def completion_chunks(answer: Answer, model: str, root: str, source_events_on: bool = True) -> Iterator[str]:
    """Server-sent events: a role chunk, the answer sentence by sentence, the sources, then (unless turned off) one
    chunk per citation with an empty delta and an `event` Open WebUI passes to its chat as a source (other clients
    ignore the field), the annotations with the final chunk, [DONE]."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

    def event(delta: dict, finish: str | None = None, **extra: object) -> str:  # type: ignore[type-arg]
        chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    rendered = render(answer, root)
    yield event({"role": "assistant", "content": ""})
    for piece in rendered.pieces:
        yield event({"content": piece})
    for source in source_events(answer, root) if source_events_on else []:
        yield event({}, event=source)
    payload = answer_payload(answer)
    annotations = [chat_annotation(a) for a in rendered.annotations]
    yield event({"annotations": annotations}, "stop", citations=payload["citations"], ssr=payload)
    yield "data: [DONE]\n\n"


# ---------------------------------------------------------------- the Responses API


def response_conversation(request: ResponsesRequest) -> tuple[str, list[Turn]]:
    """(question, earlier turns) from `input`: a string is the question; a list holds messages."""
    if isinstance(request.input, str):
        return request.input, []
    messages = [ChatMessage(role=item.role, content=_input_text(item.content)) for item in request.input if item.role]
    return conversation(ChatRequest(model=request.model, messages=messages or [ChatMessage(role="system", content="")]))


def _input_text(content: str | list[dict] | None) -> str:  # type: ignore[type-arg]
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if p.get("type") in ("input_text", "output_text", "text"))
    return content or ""


def response(answer: Answer, model: str, root: str, response_id: str | None = None) -> dict:  # type: ignore[type-arg]
    rendered = render(answer, root)
    payload = answer_payload(answer)
    text = {"type": "output_text", "text": rendered.content, "annotations": rendered.annotations, "logprobs": []}
    prompt, output = len(answer.question.split()), len(rendered.content.split())
    return {
        "id": response_id or f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": [{"type": "message", "id": f"msg_{uuid.uuid4().hex}", "status": "completed", "role": "assistant", "content": [text]}],
        "parallel_tool_calls": False,
        "tool_choice": "none",
        "tools": [],
        "usage": {
            "input_tokens": prompt, "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": prompt + output,
        },
        "citations": payload["citations"],
        "ssr": payload,
    }


def response_events(answer: Answer, model: str, root: str) -> Iterator[str]:
    """The Responses API's server-sent events: created, the message and its text part opened, the text delta by
    delta, each annotation, the parts closed, completed."""
    done = response(answer, model, root)
    message = done["output"][0]
    text = message["content"][0]
    number = 0

    def event(kind: str, **fields: object) -> str:
        nonlocal number
        number += 1
        return f"event: {kind}\ndata: {json.dumps({'type': kind, 'sequence_number': number, **fields}, ensure_ascii=False)}\n\n"

    started = {**done, "status": "in_progress", "output": [], "usage": None}
    opened = {**message, "status": "in_progress", "content": []}
    where = {"item_id": message["id"], "output_index": 0, "content_index": 0}
    yield event("response.created", response=started)
    yield event("response.in_progress", response=started)
    yield event("response.output_item.added", output_index=0, item=opened)
    yield event("response.content_part.added", part={**text, "text": "", "annotations": []}, **where)
    for piece in render(answer, root).pieces:
        yield event("response.output_text.delta", delta=piece, logprobs=[], **where)
    for index, annotation in enumerate(text["annotations"]):
        yield event("response.output_text.annotation.added", annotation_index=index, annotation=annotation, **where)
    yield event("response.output_text.done", text=text["text"], logprobs=[], **where)
    yield event("response.content_part.done", part=text, **where)
    yield event("response.output_item.done", output_index=0, item=message)
    yield event("response.completed", response=done)


def models() -> dict:  # type: ignore[type-arg]
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "ssr-brief-assistant"}],
    }
