"""The Model Context Protocol server at /mcp (Streamable HTTP), on the official `mcp` SDK.

Four tools over the same service as the REST API: `search` and `fetch` (the names and shapes
ChatGPT connectors and deep research expect: results with id, title, url; a document with
text and metadata), `ask` (the cited answer with its support level, optionally in a session)
and `entry_points`. Stateless and JSON-only, so any worker process can answer any call. The
request guard applies as to every route: body limits, and the API key when
ASSISTANT_PROTECT_READS is set. URLs are absolute, taken from the request (or
ASSISTANT_PUBLIC_URL), so a front end can link every source.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from starlette.applications import Starlette

from assistant import __version__
from assistant.errors import AssistantError

from .service import Service
from .sessions import SessionLimit

Tool = TypeVar("Tool", bound=Callable[..., Any])
PATH = "/mcp"
SNIPPET_CHARACTERS = 300
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
INSTRUCTIONS = (
    "Policy briefs on security sector reform (SSR), forced displacement and migration. `ask` answers with verbatim, "
    "cited quotes and says how well the briefs support the answer (answered, partial, not_covered); quote its "
    "sentences as they are. `search` finds passages, `fetch` reads one in full; `entry_points` lists the SSR entry "
    "points the briefs recommend for each push factor of displacement."
)


def build_mcp(service: Service) -> tuple[MCPServer, Starlette]:
    """The MCP server and its ASGI app (one route at /mcp); run `server.session_manager.run()` in the lifespan."""
    server = MCPServer(name="ssr-brief-assistant", title="SSR Brief Assistant", version=__version__, instructions=INSTRUCTIONS)

    def base(ctx: Context) -> str:
        request = ctx.request_context.request
        return service.public_root(str(request.base_url) if request is not None else "")

    @server.tool(title="Search the briefs", annotations=READ_ONLY)
    @_said
    def search(query: str, ctx: Context, top_k: int = 5) -> dict[str, Any]:
        """Passages of the briefs that match a query, best first. Each result has an `id` to pass to `fetch`,
        the brief's title with the section, a `url` to read it highlighted in its brief, and a snippet."""
        root = base(ctx)
        return {
            "results": [
                {
                    "id": hit["passage_id"],
                    "title": f"{hit['title']} › {hit['section']}" if hit["section"] else hit["title"],
                    "url": root + str(hit["url"]),
                    "snippet": _snippet(str(hit["text"])),
                }
                for hit in service.search(query, max(1, min(top_k, 20)))["results"]
            ]
        }

    @server.tool(title="Read a passage", annotations=READ_ONLY)
    @_said
    def fetch(id: str, ctx: Context) -> dict[str, Any]:  # noqa: A002 - the name connectors call it by
        """The full text of one passage (an `id` from `search`), with its brief, section, pages and url."""
        passage = service.passage(id)
        return {
            "id": passage["passage_id"],
            "title": passage["title"],
            "text": passage["text"],
            "url": base(ctx) + str(passage["url"]),
            "metadata": {key: passage[key] for key in ("doc_id", "section", "section_path", "pages", "start", "end")},
        }

    @server.tool(
        title="Ask the briefs",
        annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False),
    )
    @_said
    def ask(question: str, ctx: Context, session_id: str | None = None) -> dict[str, Any]:
        """An extractive answer: every sentence a verbatim quote with [n] markers, the citations (brief, section,
        pages, url), the support level (`answered`, `partial` or `not_covered`) and matching SSR entry points.
        With `session_id` (from POST /sessions) the question may be a follow-up and the turn is stored."""
        payload = service.ask(question, [], session_id)
        root = base(ctx)
        for citation in payload["citations"]:  # type: ignore[attr-defined]
            citation["url"] = root + citation["url"]
        keep = ("question", "answer", "support", "abstained", "message", "searched_as", "effective_query", "followup")
        return {
            **{key: payload.get(key) for key in keep},
            "citations": payload["citations"],
            "entry_points": [_entry(e, root) for e in payload["entry_points"]],  # type: ignore[attr-defined]
        }

    @server.tool(title="SSR entry points", annotations=READ_ONLY)
    @_said
    def entry_points(ctx: Context, factor: str | None = None) -> dict[str, Any]:
        """The push factors of displacement the briefs name, and the SSR entry points they recommend for each
        (summaries quoted, sources with urls). `factor` narrows to the factors whose id or name contains it."""
        catalogue = service.entry_points(factor)
        root = base(ctx)
        return {"factors": catalogue["factors"], "entry_points": [_entry(e, root) for e in catalogue["entry_points"]]}  # type: ignore[attr-defined]

    settings = service.settings
    loopback = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    security = TransportSecuritySettings(  # DNS-rebinding protection: only hosts and origins this service answers to
        enable_dns_rebinding_protection=True,
        allowed_hosts=loopback + settings.mcp_allowed_hosts,
        allowed_origins=[f"http://{h}" for h in loopback] + settings.cors_origins,
    )
    app = server.streamable_http_app(
        streamable_http_path=PATH, stateless_http=True, json_response=True, transport_security=security,
        max_request_body_size=settings.max_request_bytes,
    )
    return server, app


def _said(tool: Tool) -> Tool:
    """The service's refusals (an unknown id, an empty question, a full session) reach the client as tool errors
    with their message; anything else stays an unexpected error, its details in the server log."""

    @functools.wraps(tool)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return tool(*args, **kwargs)
        except (AssistantError, SessionLimit) as error:
            raise ToolError(str(error)) from error

    return wrapped  # type: ignore[return-value]


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARACTERS else text[:SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + " …"


def _entry(entry: dict[str, Any], root: str) -> dict[str, Any]:
    for quote in (*entry.get("summary", ()), *entry.get("sources", ())):
        quote["url"] = root + quote["url"]
    return entry
