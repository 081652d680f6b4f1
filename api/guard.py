"""What every request passes before any route sees it: keys, body limits, read timeouts, security headers.

A pure ASGI middleware rather than route code, because what it guards happens before routing:
the body of an upload is spooled to disk while FastAPI parses the form, so the key and the size
must be checked while the bytes arrive, not after.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from dataclasses import dataclass

from assistant.settings import Settings

# The page loads its own script and style only; nothing may frame it. /docs runs Swagger UI's
# bundle, which needs inline style and an inline start-up script.
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and headers around an upload's bytes


@dataclass(frozen=True)
class Refusal:
    status: int
    kind: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def key_refusal(settings: Settings, authorization: str, write: bool) -> Refusal | None:
    """Why a request may not proceed for lack of the API key (None when it may).

    Writes need the key, and are disabled (403) when none is configured; reads need it only with
    ASSISTANT_PROTECT_READS (which refuses to start without a key, see Settings)."""
    if write and settings.api_key is None:
        return Refusal(
            403, "disabled",
            "Uploading and deleting documents is disabled: start the service with ASSISTANT_API_KEY set, "
            "then send it as 'Authorization: Bearer <key>'.",
        )
    if not write and not settings.protect_reads:
        return None
    key = settings.api_key.get_secret_value() if settings.api_key else ""
    token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    if token and hmac.compare_digest(token.encode(), key.encode()):
        return None
    return Refusal(401, "unauthorized", "Send the API key as 'Authorization: Bearer <key>'.", (("WWW-Authenticate", "Bearer"),))


def is_write(method: str, path: str) -> bool:
    return path.rstrip("/") == "/documents" and method == "POST" or (method == "DELETE" and path.startswith("/documents/"))


def is_mcp(path: str) -> bool:
    return path.rstrip("/") == "/mcp"


def body_limit(settings: Settings, method: str, path: str) -> int:
    """The most bytes a request body may have."""
    if method == "POST" and path.rstrip("/") == "/documents":
        return settings.max_upload_bytes + MULTIPART_OVERHEAD
    return settings.max_request_bytes


class RequestGuard:
    """ASGI middleware: the key before the body of a write, body size while reading, a deadline for the
    body that grows with what arrives, and security headers on every response."""

    def __init__(self, app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        send = self._with_security_headers(send, path)
        if is_write(method, path) or is_mcp(path):  # MCP tools read; routes check reads themselves (api/deps.py)
            refusal = key_refusal(self.settings, headers.get("authorization", ""), write=is_write(method, path))
            if refusal:  # before a byte of the body is read
                await _respond(send, refusal)
                return
        limit = body_limit(self.settings, method, path)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _respond(send, _too_large(limit))
            return
        received = 0
        timeout, rate = self.settings.body_read_timeout, self.settings.body_min_rate
        started = time.monotonic()
        refused = False  # the refusal is sent by the guard; whatever the app answers afterwards is dropped

        async def guarded_receive():  # type: ignore[no-untyped-def]
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            # as Apache's mod_reqtimeout: `timeout` seconds for the body, one more for every `rate` bytes received,
            # so a body trickled in a byte at a time cannot hold the connection for long
            allowed = started + timeout + received / rate - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(allowed, 0.001))
            except asyncio.TimeoutError:
                refusal: Refusal | None = Refusal(
                    408, "timeout",
                    f"The request body did not arrive in time ({timeout:g} s, plus one second for every {rate:,} bytes "
                    "received); send it at once.",
                )
            else:
                if message["type"] != "http.request":
                    return message
                received += len(message.get("body", b""))
                refusal = _too_large(limit) if received > limit else None
                if refusal is None:
                    return message
            refused = True
            await _respond(send, refusal)
            return {"type": "http.disconnect"}  # the app stops reading; nothing more is held for this request

        async def app_send(message):  # type: ignore[no-untyped-def]
            if not refused:
                await send(message)

        await self.app(scope, guarded_receive, app_send)

    def _with_security_headers(self, send, path: str):  # type: ignore[no-untyped-def]
        policy = DOCS_POLICY if path.startswith(("/docs", "/static-offline-docs")) else PAGE_POLICY

        async def wrapped(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *(h for h in extra if h[0] not in present)]}
            await send(message)

        return wrapped


def _too_large(limit: int) -> Refusal:
    return Refusal(413, "too_large", f"The request body is larger than {limit:,} bytes. Send less (see the limits in the README).")


async def _respond(send, refusal: Refusal) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"error": {"type": refusal.kind, "message": refusal.message, "param": None}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in refusal.headers]
    headers += [(b"connection", b"close")]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
