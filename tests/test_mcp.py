"""The MCP server at /mcp, called as chat front ends call it: the official SDK's client over Streamable HTTP."""

from __future__ import annotations

import anyio
import httpx
import pytest
from mcp import Client

from conftest import live_server, service_settings

pytestmark = pytest.mark.model
KEY = "mcp-key"
INITIALIZE = {
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def served(tmp_path_factory, real_index_dir, real_retriever):
    settings = service_settings(tmp_path_factory.mktemp("mcp"), real_index_dir)
    with live_server(settings, real_retriever.embedder) as url:
        yield url


def call(url: str, steps):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        async with Client(f"{url}/mcp") as client:
            return await steps(client)

    return anyio.run(main)


def test_the_four_tools_are_listed_with_their_annotations(served):
    tools = call(served, lambda client: client.list_tools()).tools
    by_name = {tool.name: tool for tool in tools}
    assert set(by_name) == {"search", "fetch", "ask", "entry_points"}
    for name in ("search", "fetch", "entry_points"):
        assert by_name[name].annotations.read_only_hint is True
    assert by_name["ask"].annotations.read_only_hint is False  # it may store a session turn
    assert all(tool.description for tool in tools)


def test_search_then_fetch_gives_the_passage_with_an_absolute_url(served):
    async def steps(client):  # type: ignore[no-untyped-def]
        found = await client.call_tool("search", {"query": "community policing", "top_k": 3})
        first = found.structured_content["results"][0]
        fetched = await client.call_tool("fetch", {"id": first["id"]})
        return found, fetched

    found, fetched = call(served, steps)
    results = found.structured_content["results"]
    assert len(results) == 3 and not found.is_error
    assert all(r["url"].startswith(f"{served}/documents/") and r["id"] and r["title"] and r["snippet"] for r in results)
    passage = fetched.structured_content
    rest = httpx.get(f"{served}/search", params={"q": "community policing", "top_k": 1}).json()["results"][0]
    assert passage["id"] == rest["passage_id"] and passage["text"] == rest["text"]
    assert passage["metadata"]["start"] == rest["start"] and passage["url"] == served + rest["url"]
    assert httpx.get(passage["url"]).status_code == 200  # the url opens the source view


def test_ask_gives_the_cited_answer_with_its_support_level(served):
    result = call(served, lambda client: client.call_tool("ask", {"question": "What is security sector reform?"}))
    answer = result.structured_content
    assert answer["support"] in {"answered", "partial"} and answer["answer"] and answer["citations"]
    for citation in answer["citations"]:
        assert citation["url"].startswith(f"{served}/documents/{citation['doc_id']}/view?")
        assert f"[{citation['marker']}]" in answer["answer"]


def test_entry_points_and_errors_come_back_as_tool_errors_with_the_reason(served):
    async def steps(client):  # type: ignore[no-untyped-def]
        factors = await client.call_tool("entry_points", {"factor": "authoritarian"})
        unknown = await client.call_tool("fetch", {"id": "no-such-passage"})
        return factors, unknown

    factors, unknown = call(served, steps)
    assert factors.structured_content["factors"] and factors.structured_content["entry_points"]
    assert unknown.is_error and "No passage with id" in unknown.content[0].text


def test_mcp_follows_the_key_rules_and_refuses_foreign_hosts(tmp_path, real_index_dir, real_retriever):
    settings = service_settings(tmp_path, real_index_dir, api_key=KEY, protect_reads=True)
    with live_server(settings, real_retriever.embedder) as url:
        assert httpx.post(f"{url}/mcp", json=INITIALIZE, headers=HEADERS).status_code == 401
        keyed = {**HEADERS, "Authorization": f"Bearer {KEY}"}
        assert httpx.post(f"{url}/mcp", json=INITIALIZE, headers=keyed).status_code == 200
        rebound = httpx.post(f"{url}/mcp", json=INITIALIZE, headers={**keyed, "Host": "evil.example"})
        assert rebound.status_code in (403, 421)  # DNS-rebinding protection: a host this service was not told about
