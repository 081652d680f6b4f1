"""Request and response bodies of the HTTP API, with the descriptions and examples the OpenAPI document shows."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

DocId = Annotated[str, Field(description="Document id (from the file name).", examples=["strengthening-un-support-to-ssr"])]
Title = Annotated[str, Field(description="Document title.")]
SectionPath = Annotated[str, Field(description="Section path, outermost heading first, joined by ' › '.")]
Pages = Annotated[list[int], Field(description="Pages the text lies on (PDFs; empty for text and Markdown).")]
Start = Annotated[int, Field(description="Start offset in the document's normalised text.")]
End = Annotated[int, Field(description="End offset (exclusive) in the document's normalised text.")]

MAX_DOCUMENT_FILTER = 100  # ids in a `documents` filter
MAX_MESSAGES = 200  # messages of one chat-completions request
EXAMPLE_QUESTION = "What can SSR do about gangs in a country that is formally at peace?"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HistoryTurn(Strict):
    role: Literal["user", "assistant"] = Field(description="Who said it.")
    content: str = Field(max_length=20_000, description="What was said.", examples=["Which SSR entry points address weak state protection?"])


class AskRequest(Strict):
    question: str = Field(
        description="The question, in plain language (at most ASSISTANT_MAX_QUESTION_CHARS characters).",
        examples=[EXAMPLE_QUESTION],
    )
    history: list[HistoryTurn] = Field(
        default_factory=list,
        max_length=100,
        description="Earlier turns of the conversation, oldest first; follow-up questions are resolved from them. "
        "Leave empty when session_id is given.",
    )
    session_id: str | None = Field(
        None, description="A session from POST /sessions: its stored turns are the history, and this turn is stored."
    )
    top_k: int | None = Field(None, description="Passages to return (1..ASSISTANT_MAX_TOP_K; default ASSISTANT_TOP_K).", examples=[5])
    documents: list[str] | None = Field(
        None, max_length=MAX_DOCUMENT_FILTER,
        description=f"Only use these document ids (GET /documents lists them; at most {MAX_DOCUMENT_FILTER}).",
        examples=[["forced-displacement-and-ssr-briefing-note"]],
    )


class TurnRequest(Strict):
    question: str = Field(description="The next question of the session.", examples=["And in authoritarian regimes?"])
    top_k: int | None = Field(None, description="Passages to return.")
    documents: list[str] | None = Field(None, max_length=MAX_DOCUMENT_FILTER, description="Only use these document ids.")


class Located(BaseModel):
    """Where a piece of text stands: document, section, pages and character offsets."""

    doc_id: DocId
    title: Title
    section: SectionPath
    pages: Pages
    start: Start
    end: End
    printed_pages: list[str] = Field(
        [], description="The same pages as the document numbers them (its PDF page labels, e.g. 'iv'); empty when "
        "they are the physical numbers.",
    )
    url: str = Field(
        description="Where to read it in its document: the source view, highlighted (GET, relative to the service's root). "
        "The view links to the original file at the page.",
        examples=["/documents/strengthening-un-support-to-ssr/view?start=120&end=260#cited"],
    )


class QuoteOut(Located):
    text: str = Field(description="The text, verbatim: document text [start:end].")


class CitationOut(Located):
    marker: int = Field(description="The n of the [n] marker in the answer.")
    quote: str = Field(description="The cited sentence, verbatim: document text [start:end].")
    score: float = Field(
        description="Relevance of the sentence to the question (higher is better); for a factor or entry point listed "
        "from the catalogue (its heading, or its statement), the cosine of the passage holding it."
    )


class PassageOut(Located):
    rank: int = Field(description="1 for the best passage.")
    score: float = Field(description="Fused retrieval score.")
    passage_id: str = Field(description="Stable passage id: document id and a hash of section and text.")
    section_path: list[str] = Field(description="The section's headings, outermost first.")
    text: str = Field(description="The whole passage, verbatim.")
    also_in: list[Located] = Field(description="The same text in other documents, collapsed into this result.")


class FactorOut(BaseModel):
    id: str = Field(description="Factor id, usable as GET /entry-points?factor=.")
    label: str | None = Field(description="The briefs' word for it, e.g. 'Push factor'.")
    name: str = Field(description="What pushes people to leave, e.g. 'Bad governance and authoritarian regimes'.")


class EntryPointOut(BaseModel):
    id: str = Field(description="Entry point id.")
    kind: Literal["entry_point", "recommendation"] = Field(
        description="entry_point: answers a push factor; recommendation: an item of a numbered list of recommendations."
    )
    label: str = Field(description="The briefs' word for it, e.g. 'SSR Entry Point'.")
    title: str = Field(description="Short title.")
    factor: FactorOut | None = Field(description="The push factor it answers (None for a list of recommendations).")
    summary: list[QuoteOut] = Field(description="1–3 verbatim sentences that state it.")
    sources: list[QuoteOut] = Field(description="Every place the briefs state it, whole.")
    score: float | None = Field(None, description="How well it matches the question (answers only).")


class SentenceOut(BaseModel):
    text: str = Field(description="An answer sentence, verbatim from its first citation.")
    markers: list[int] = Field(description="Its citation markers: the first quotes it, others state the same elsewhere.")


class AskResponse(BaseModel):
    question: str = Field(description="The question as asked.")
    answer: str = Field(description="The answer: verbatim sentences each followed by [n] markers; or the 'not covered' message.")
    abstained: bool = Field(
        description="True exactly when `support` is not_covered: no quotes are given; `passages` holds the closest material."
    )
    support: Literal["answered", "partial", "not_covered"] = Field(
        description="How well the briefs support the answer, from the learned answerability model: `answered` (the quotes "
        "answer it), `partial` (the closest quotes, which may not answer it directly) or `not_covered`."
    )
    support_probability: float | None = Field(
        description="The answerability model's probability that the briefs answer the question (null when no model is loaded)."
    )
    searched_as: str | None = Field(
        description="What was searched, when it differs from `effective_query`: misspelt words corrected, the name of a "
        "heading the question names by label and number added ('push factor 3' -> '... Armed violence in countries "
        "formally at peace'), the briefs' word nearest in meaning added for a word they never use ('cops' -> 'police'), "
        "for a question in another "
        "language, the briefs' English words its words resemble added to it, or, for a question asking which brief "
        "speaks of something ('Which brief talks about Hobbes?'), that thing alone ('Hobbes')."
    )
    language: str = Field(description="The question's language code; questions are understood in English.")
    message: str | None = Field(description="A note on the support level: why nothing is quoted, or that the quotes may not answer directly.")
    confidence: float = Field(description="Best sentence match, minus a penalty for names the briefs never mention.")
    effective_query: str = Field(description="What was searched: the question, or the follow-up resolved from earlier turns.")
    followup: bool = Field(description="Whether the question was read as a follow-up of earlier turns.")
    followup_reason: str = Field(description="Why it was (or was not) read as a follow-up.")
    unknown_names: list[str] = Field(description="Names or numbers in the question that no document mentions.")
    sentences: list[SentenceOut] = Field(description="The answer sentence by sentence, with their markers.")
    citations: list[CitationOut] = Field(description="What each [n] marker cites.")
    entry_points: list[EntryPointOut] = Field(description="Entry points that fit the question (what to do about it).")
    passages: list[PassageOut] = Field(description="The ranked passages retrieved for the question, whole.")
    timings: dict[str, float] = Field(description="retrieval_ms, compose_ms, total_ms.")
    session_id: str | None = Field(None, description="The session the turn was stored in, if any.")


class SearchResponse(BaseModel):
    query: str = Field(description="The query as given.")
    searched_as: str | None = Field(
        description="What was searched, when it differs from the query: misspelt words corrected, the name of a heading "
        "it names by label and number added ('push factor 3'), the briefs' word nearest in meaning added for a word "
        "they never use ('cops' -> 'police'), or, for a query in another language, "
        "the briefs' English words its words resemble added to it."
    )
    results: list[PassageOut] = Field(description="Passages, best first.")


class EntryPointsResponse(BaseModel):
    factors: list[FactorOut] = Field(description="The push factors (those matching the filter).")
    entry_points: list[EntryPointOut] = Field(description="Their entry points, and the other recommendations when unfiltered.")


class MessageOut(BaseModel):
    role: str = Field(description="user or assistant.")
    content: str = Field(description="The question, or the answer text.")
    created_at: str = Field(description="When it was stored (UTC, ISO 8601).")
    answer: AskResponse | None = Field(None, description="The full answer, for assistant turns.")


class SessionOut(BaseModel):
    id: str = Field(description="Session id.")
    created_at: str = Field(description="When the session was created (UTC, ISO 8601).")
    messages: list[MessageOut] = Field(description="Turns, oldest first.")


class DocumentOut(BaseModel):
    doc_id: DocId
    title: Title
    source_path: str = Field(description="The name of the file it was read from (no server folders).")
    format: str = Field(description="pdf, text or markdown.")
    content_hash: str = Field(description="SHA-256 of the file.")
    passages: int = Field(description="Passages indexed from it.")
    pages: int = Field(description="Pages (PDFs; 0 otherwise).")
    extraction_quality: float = Field(
        description="Share of its letters that read as words (not run together, not set letter by letter, no unmapped "
        "glyphs); `assistant build` warns below 0.97."
    )


class DocumentDetail(DocumentOut):
    sections: list[str] = Field(description="Section paths in document order.")
    characters: int = Field(description="Length of the normalised text.")
    text: str = Field(description="The normalised text: every citation's start/end offsets index into it.")


class WriteOut(BaseModel):
    doc_id: DocId
    documents: int = Field(description="Documents in the new index.")
    passages: int = Field(description="Passages in the new index.")
    embedded: int = Field(description="Passages embedded by this rebuild (the rest were reused).")
    seconds: float = Field(description="Time the rebuild took.")
    warnings: list[str] = Field(
        [], description="Documents of the new index whose text reads poorly (extraction quality below 0.97), and why."
    )


class ErrorDetail(BaseModel):
    type: str = Field(description="A stable code, e.g. invalid_request, not_found, unauthorized.")
    message: str = Field(description="What is wrong and how to fix it.")
    param: str | None = Field(None, description="The request field at fault, when there is one.")


class ErrorBody(BaseModel):
    error: ErrorDetail = Field(description="What went wrong.")


# ---------------------------------------------------------------- OpenAI-compatible


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(description="system, user, assistant (tool and other roles are ignored).")
    content: str | list[dict] | None = Field(  # type: ignore[type-arg]
        None, description="Text, or a list of content parts of which the text parts are read."
    )


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens … are accepted and ignored
    model: str = Field("ssr-brief-assistant", description="Any model id; GET /v1/models lists 'ssr-brief-assistant'.")
    messages: list[ChatMessage] = Field(
        min_length=1, max_length=MAX_MESSAGES,
        description=f"The conversation; the last user message is the question (at most {MAX_MESSAGES} messages).",
    )
    stream: bool = Field(False, description="Stream the answer as server-sent events in the OpenAI chunk format.")
    top_k: int | None = Field(None, description="Extension: passages to retrieve.")


class InputItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str | None = Field(None, description="user, assistant, system or developer; items without a role are ignored.")
    content: str | list[dict] | None = Field(  # type: ignore[type-arg]
        None, description="Text, or content parts (input_text, output_text) whose text is read."
    )


class ResponsesRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # instructions, temperature, store … are accepted and ignored
    model: str = Field("ssr-brief-assistant", description="Any model id; GET /v1/models lists 'ssr-brief-assistant'.")
    input: Annotated[str, Field(min_length=1)] | Annotated[list[InputItem], Field(min_length=1, max_length=MAX_MESSAGES)] = Field(
        description=f"The question, or the conversation as messages whose last user message is the question (at most {MAX_MESSAGES})."
    )
    stream: bool = Field(False, description="Stream the answer as the Responses API's server-sent events.")
    top_k: int | None = Field(None, description="Extension: passages to retrieve.")
