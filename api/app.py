"""The HTTP service: the app, its middleware and error handlers, and one router per area (api/routes/).

Every error is a clear 4xx JSON body, never a stack trace (api/errors.py).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from assistant import __version__
from assistant.embedding import Embedder
from assistant.settings import Settings, load_settings

from .errors import ERRORS, install_error_handlers
from .guard import RequestGuard
from .mcp import build_mcp
from .routes import documents, health, openai, page, questions, sessions, sources
from .routes.page import STATIC
from .service import Service

DESCRIPTION = (
    "Offline answers over policy briefs. Every answer sentence is a verbatim quote with a citation "
    "(document, section, page, character offsets); entry points for each push factor of displacement; "
    "'not covered' when the briefs do not answer; follow-up questions resolved from the conversation. "
    "Also speaks the OpenAI chat-completions protocol at /v1 and the Model Context Protocol at /mcp "
    "(Streamable HTTP; tools search, fetch, ask, entry_points). Errors: "
    '`{"error": {"type", "message", "param"}}`.'
)


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """The app; `embedder` lets a caller share an already loaded model (tests, benchmarks)."""
    settings = settings or load_settings()
    service = Service(settings, embedder)
    mcp_server, mcp_app = build_mcp(service)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        service.recover()  # finish or undo an upload or deletion a crash interrupted
        service.load()
        if service.ready:
            service.answerer.warm()  # load the model, its kernels and the language identifier before the first user
        async with mcp_server.session_manager.run():
            yield

    app = FastAPIOffline(  # /docs from assets shipped in the package, no CDN; ReDoc dropped (its page loads a CDN logo)
        redoc_url=None,
        title="SSR Brief Assistant",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=ERRORS,  # type: ignore[arg-type]
    )
    app.state.service = service
    app.add_middleware(RequestGuard, settings=settings)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"])
    install_error_handlers(app)
    for area in (health, questions, sessions, documents, sources, openai, page):
        app.include_router(area.router)
    app.router.routes.extend(mcp_app.routes)  # POST /mcp: the Model Context Protocol (api/mcp.py)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
