"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import ServiceDep
from ..schemas import ErrorBody

router = APIRouter(tags=["health"])


@router.get("/health", summary="Alive")
def health() -> dict[str, str]:
    """The process answers HTTP. Says nothing about the index (see /ready)."""
    return {"status": "ok"}


@router.get("/ready", summary="Index loaded", responses={503: {"model": ErrorBody}})
def ready(service: ServiceDep) -> dict[str, object]:
    """200 when the index is loaded and questions can be answered, 503 with the reason otherwise. `warning` says
    when the build CURRENT names cannot be read and the one live before it is served instead. `dense_store` is the
    kind of passage-vector index; `searched_on` where its searches run now: "memory" (FAISS), or "primary" or
    "replica" (PostgreSQL)."""
    answerer = service.answerer
    index = answerer.index
    return {
        "status": "ready",
        "documents": len(index.documents),
        "passages": len(index.passages),
        "model": index.manifest.model,
        "embedding_backend": getattr(answerer.retriever.embedder, "backend", "unknown"),
        "built_at": index.manifest.built_at,
        "dense_store": index.dense.kind,
        "searched_on": index.dense.searched_on(),
        "warning": index.fallback,
    }
