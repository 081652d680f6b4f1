"""What routes depend on: the running service, and the key rules (see guard.py for the rules themselves)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.settings import Settings

from .errors import ApiError
from .guard import key_refusal
from .service import Service


# Trivial and never blocking, so async: a plain function would be run on the thread pool, a hop per request
async def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.service.settings  # type: ignore[no-any-return]


def _require(request: Request, write: bool) -> None:
    refusal = key_refusal(get_settings(request), request.headers.get("authorization", ""), write)
    if refusal:
        raise ApiError(refusal.status, refusal.kind, refusal.message, dict(refusal.headers))


async def require_read(request: Request) -> None:
    _require(request, write=False)


async def require_write(request: Request) -> None:
    _require(request, write=True)


ServiceDep = Annotated[Service, Depends(get_service)]
READ = [Depends(require_read)]
WRITE = [Depends(require_write)]
