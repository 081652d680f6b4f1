"""Questions: answers, ranked passages, the entry-point catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assistant.conversation import Turn

from ..deps import READ, ServiceDep
from ..schemas import AskRequest, AskResponse, EntryPointsResponse, SearchResponse

router = APIRouter(tags=["questions"], dependencies=READ)
EXAMPLE_SEARCH = "community policing"


@router.post("/ask", summary="Answer a question", response_model=AskResponse)
def ask(body: AskRequest, service: ServiceDep) -> dict[str, object]:
    """An extractive answer with [n] citation markers, the citations, matching entry points, and the ranked
    passages. With `session_id`, the session's turns are the history and this turn is stored."""
    history = [Turn(t.role, t.content) for t in body.history]
    return service.ask(body.question, history, body.session_id, body.top_k, body.documents)


@router.get("/search", summary="Ranked passages", response_model=SearchResponse)
def search(
    service: ServiceDep,
    q: Annotated[str, Query(description="The question or keywords.", examples=[EXAMPLE_SEARCH])],
    top_k: Annotated[int | None, Query(description="How many passages (default ASSISTANT_TOP_K).")] = None,
    doc: Annotated[list[str] | None, Query(description="Only these document ids (repeatable).")] = None,
) -> dict[str, object]:
    """Passages only, best first, each with document, section, pages, offsets and score. The query is read as a
    question to /ask is (misspelt words corrected, a query in another language given the briefs' words it
    resembles); `searched_as` shows what was searched when that changed it."""
    return service.search(q, top_k, doc)


@router.get("/entry-points", summary="The entry-point catalogue", response_model=EntryPointsResponse)
def entry_points(
    service: ServiceDep,
    factor: Annotated[
        str | None, Query(description="Only factors whose id or name contains these words.", examples=["authoritarian"])
    ] = None,
) -> dict[str, object]:
    """Push factors and the SSR entry points under each (with summaries and sources), and the briefs' other
    numbered recommendations (when no factor filter is given)."""
    return service.entry_points(factor)
