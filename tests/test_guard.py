"""Hostile requests get a clear 4xx, fast, and nothing is written or held for them (issue: nothing lost, nothing exhausted)."""

import json
import socket
import time

import httpx
import pytest

from api.openai_compat import shown
from assistant.conversation import HISTORY_WINDOW, Turn, resolve
from assistant.settings import Settings
from conftest import live_server, service_settings

KEY = "guard-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def served(tmp_path_factory, real_index_dir, real_retriever):
    folder = tmp_path_factory.mktemp("guard")
    settings = service_settings(folder, real_index_dir, api_key=KEY, max_request_bytes=50_000, max_upload_bytes=200_000, body_read_timeout=1.0)
    with live_server(settings, real_retriever.embedder) as url:
        yield url, settings


def read_reply(raw: socket.socket) -> str:
    raw.settimeout(10)
    reply = b""
    while b"}" not in reply:
        chunk = raw.recv(4096)
        if not chunk:
            break
        reply += chunk
    return reply.decode()


def error(response, status):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["message"] and body["type"]
    return body["message"]


def test_a_huge_json_body_is_refused_while_it_is_read(served):
    url, _ = served
    started = time.monotonic()
    big = json.dumps({"question": "x", "documents": ["d"] * 200_000})
    assert "larger than" in error(httpx.post(f"{url}/ask", content=big, headers={"Content-Type": "application/json"}), 413)
    assert time.monotonic() - started < 3

    def chunks():  # no Content-Length: counted while read
        yield b'{"question": "x", "documents": ['
        for _ in range(20_000):
            yield b'"aaaaaaaaaaaaaaaaaaaa",'
        yield b'"b"]}'

    assert "larger than" in error(httpx.post(f"{url}/ask", content=chunks(), headers={"Content-Type": "application/json"}), 413)


def test_an_upload_without_the_key_is_refused_before_its_body_is_read(served):
    url, settings = served
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as raw:
        head = (
            "POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            "Content-Length: 150000\r\n\r\n"
        )
        raw.sendall(head.encode())  # no body at all: the answer must come anyway
        reply = read_reply(raw)
    assert reply.startswith("HTTP/1.1 401") and "API key" in reply
    assert not settings.uploads_dir.exists() or not list(settings.uploads_dir.iterdir())


def test_a_stalled_body_times_out(served):
    url, _ = served
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as raw:
        raw.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"qu")
        reply = read_reply(raw)
    assert reply.startswith("HTTP/1.1 408") and "did not arrive in time" in reply


def test_a_body_trickled_a_byte_at_a_time_is_refused_by_its_deadline(served):
    """Every byte arrives well within the 1 s between chunks; the body as a whole does not."""
    url, _ = served
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as raw:
        raw.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{")
        raw.settimeout(0.3)
        reply = b""
        for _ in range(100):  # 30 s of trickle at most
            try:
                raw.sendall(b" ")
                reply += raw.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if b"}" in reply:
                break
    assert reply.startswith(b"HTTP/1.1 408") and b"did not arrive in time" in reply
    assert time.monotonic() - started < 5


def test_too_many_ids_or_messages_are_a_422_and_unknown_ids_are_not_echoed_wholesale(served):
    url, _ = served
    error(httpx.post(f"{url}/ask", json={"question": "x", "documents": [f"d{i}" for i in range(101)]}), 422)
    messages = [{"role": "user", "content": "hi"}] * 201
    error(httpx.post(f"{url}/v1/chat/completions", json={"messages": messages}), 422)
    message = error(httpx.post(f"{url}/ask", json={"question": "x", "documents": [f"nope-{i}" for i in range(50)]}), 404)
    assert "and 45 more" in message and len(message) < 400


def test_a_lone_surrogate_is_a_422_not_a_500(served):
    url, _ = served
    body = b'{"question": "police \\ud800"}'
    assert "not text" in error(httpx.post(f"{url}/ask", content=body, headers={"Content-Type": "application/json"}), 422)


def test_every_response_carries_security_headers(served):
    url, _ = served
    for path in ("/", "/health", "/docs"):
        headers = httpx.get(f"{url}{path}").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert "unsafe-inline" not in httpx.get(f"{url}/").headers["content-security-policy"]


def test_an_upload_named_like_an_ignored_file_is_refused(served):
    url, settings = served
    for name in ("README.md", "_draft.md", "LICENSE.txt"):
        files = {"file": (name, b"# A Brief\n\nCommunity police patrol the market at night.\n", "text/markdown")}
        assert "ASSISTANT_CORPUS_IGNORE" in error(httpx.post(f"{url}/documents", files=files, headers=AUTH), 422)
    assert not settings.uploads_dir.exists() or not list(settings.uploads_dir.iterdir())


def test_documents_show_no_server_folders(served):
    url, settings = served
    for record in httpx.get(f"{url}/documents").json():
        assert "/" not in record["source_path"] and str(settings.corpus_dir) not in json.dumps(record)


def test_protect_reads_without_a_key_refuses_to_start(tmp_path):
    with pytest.raises(ValueError, match="needs ASSISTANT_API_KEY"):
        Settings(protect_reads=True)
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, ["serve", "--port", "1"], env={"ASSISTANT_PROTECT_READS": "true"})
    assert result.exit_code == 2 and "needs ASSISTANT_API_KEY" in result.output


def test_brief_text_sent_to_chat_front_ends_has_its_html_neutralised():
    assert shown('<img src=x onerror="alert(1)"> & more') == '&lt;img src=x onerror="alert(1)"&gt; &amp; more'


def test_follow_up_resolution_reads_a_bounded_window_of_the_history():
    turns = [t for i in range(2000) for t in (Turn("user", f"What about topic {i} and that?"), Turn("assistant", "…"))]
    started = time.perf_counter()
    resolved = resolve("And what about that?", turns)
    assert time.perf_counter() - started < 0.5
    # every turn refers back, so the topic is the first question of the window: nothing older is read
    assert len(resolved.query) < 2000 and f"topic {2000 - HISTORY_WINDOW}" in resolved.query
    assert f"topic {2000 - HISTORY_WINDOW - 1}" not in resolved.query


def test_sessions_have_a_cap_a_turn_limit_and_an_expiry(tmp_path):
    from datetime import datetime, timedelta, timezone
    import sqlite3

    from api.sessions import Limits, SessionLimit, SessionStore

    store = SessionStore(tmp_path / "s.sqlite3", Limits(sessions=2, turns=2, days=1))
    first = store.create()
    store.create()
    with pytest.raises(SessionLimit, match="most this service keeps") as full:
        store.create()
    assert full.value.status == 429
    old = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat(timespec="seconds")
    with sqlite3.connect(tmp_path / "s.sqlite3") as connection:
        connection.execute("UPDATE sessions SET created_at = ? WHERE id = ?", (old, first.session_id))
    store.create()  # the expired one made room
    assert store.get(first.session_id) is None

    live = SessionStore(tmp_path / "t.sqlite3", Limits(sessions=5, turns=2, days=1)).create()
    turns = SessionStore(tmp_path / "t.sqlite3", Limits(sessions=5, turns=2, days=1))
    assert turns.append_turn(live.session_id, "q1", "a1", {}) and turns.append_turn(live.session_id, "q2", "a2", {})
    with pytest.raises(SessionLimit, match="POST /sessions") as long:
        turns.append_turn(live.session_id, "q3", "a3", {})
    assert long.value.status == 409 and len(turns.get(live.session_id).messages) == 4


def test_the_session_limits_reach_the_client_as_4xx(tmp_path, real_index_dir, real_retriever):
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings = service_settings(tmp_path, real_index_dir, max_sessions=1, max_session_turns=1)
    with TestClient(create_app(settings, real_retriever.embedder)) as client:
        session = client.post("/sessions").json()["id"]
        assert "ASSISTANT_MAX_SESSIONS" in error(client.post("/sessions"), 429)
        assert client.post(f"/sessions/{session}/messages", json={"question": "What is SSR?"}).status_code == 200
        assert "POST /sessions" in error(client.post(f"/sessions/{session}/messages", json={"question": "And why?"}), 409)
