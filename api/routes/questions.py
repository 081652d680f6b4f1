"""Questions: answers, ranked passages, the entry-point catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assistant.answering import entry_point_payload, passage_payload
from assistant.conversation import Turn

from ..deps import READ, ServiceDep
from ..errors import ApiError
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
    """Passages only, best first, each with document, section, pages, offsets and score."""
    hits = service.answerer.retriever.search(q, top_k=top_k, doc_ids=doc)
    return {"query": q, "results": [passage_payload(h) for h in hits]}


@router.get("/entry-points", summary="The entry-point catalogue", response_model=EntryPointsResponse)
def entry_points(
    service: ServiceDep,
    factor: Annotated[
        str | None, Query(description="Only factors whose id or name contains these words.", examples=["authoritarian"])
    ] = None,
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
