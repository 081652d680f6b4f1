"""What routes depend on: the running service, and the key rules (see guard.py for the rules themselves)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.settings import Settings

from .errors import ApiError
from .guard import key_refusal
from .service import Service


def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return get_service(request).settings


def _require(request: Request, write: bool) -> None:
    refusal = key_refusal(get_settings(request), request.headers.get("authorization", ""), write)
    if refusal:
        raise ApiError(refusal.status, refusal.kind, refusal.message, dict(refusal.headers))


def require_read(request: Request) -> None:
    _require(request, write=False)


def require_write(request: Request) -> None:
    _require(request, write=True)


ServiceDep = Annotated[Service, Depends(get_service)]
READ = [Depends(require_read)]
WRITE = [Depends(require_write)]
