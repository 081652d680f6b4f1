"""A real uvicorn server on loopback, driven by the official openai client as a chat front end would."""

import json
import os
import re
import shutil
import subprocess

import httpx
import pytest

from conftest import CORPUS, FIXTURES, ROOT, live_server, service_settings

pytestmark = pytest.mark.model
README_KEY = "readme-key"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, real_index_dir, real_retriever):
    settings = service_settings(tmp_path_factory.mktemp("server"), real_index_dir, api_key=README_KEY)
    with live_server(settings, real_retriever.embedder) as url:
        yield url


def test_the_openai_client_works_unchanged(base_url):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="not-needed")
    assert [m.id for m in client.models.list()] == ["ssr-brief-assistant"]

    first = "Which SSR entry points address weak or absent state protection?"
    reply = client.chat.completions.create(model="ssr-brief-assistant", messages=[{"role": "user", "content": first}])
    content = reply.choices[0].message.content
    assert "[1]" in content and "Sources:" in content and reply.choices[0].finish_reason == "stop"
    assert reply.model_extra["citations"][0]["marker"] == 1

    messages = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": content},
        {"role": "user", "content": "And in authoritarian regimes?"},
    ]
    stream = client.chat.completions.create(model="ssr-brief-assistant", messages=messages, stream=True)
    pieces, last = [], None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        last = chunk
    streamed = "".join(pieces)
    assert len(pieces) > 2 and "[1]" in streamed and "Support mediated dialogue on SSR" in streamed
    assert last.model_extra["ssr"]["effective_query"] == "Which SSR entry points address authoritarian regimes"

    with pytest.raises(openai.UnprocessableEntityError) as raised:
        client.chat.completions.create(model="ssr-brief-assistant", messages=[{"role": "user", "content": "  "}])
    assert "empty" in str(raised.value)


def cited_spans_hold(content: str, annotations, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Each url_citation spans one quoted sentence and its marker, and its url opens that sentence in its brief."""
    assert annotations
    for annotation in annotations:
        span = content[annotation.start_index : annotation.end_index]
        marker = annotation.title.split("]")[0] + "]"
        assert span.endswith(("]",)) and marker in span and annotation.url.startswith(f"{base_url}/documents/")
    first = httpx.get(annotations[0].url, timeout=10).text
    quoted = content[annotations[0].start_index : annotations[0].end_index].split(" [")[0]
    assert quoted.rstrip()[:60] in first.replace("&#x27;", "'").replace("&quot;", '"')


def test_front_ends_get_url_citations_in_chat_completions_and_responses(base_url):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="not-needed")
    question = "What are the push factors of forced displacement?"
    message = client.chat.completions.create(model="ssr-brief-assistant", messages=[{"role": "user", "content": question}]).choices[0].message
    chat = [a.url_citation for a in message.annotations]
    cited_spans_hold(message.content, chat, base_url)

    reply = client.responses.create(model="ssr-brief-assistant", input=question)
    assert reply.output_text == message.content
    text = reply.output[0].content[0]
    assert [(a.start_index, a.end_index, a.url) for a in text.annotations] == [(a.start_index, a.end_index, a.url) for a in chat]

    events = list(client.responses.create(model="ssr-brief-assistant", input=[{"role": "user", "content": question}], stream=True))
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == message.content
    assert sum(kind == "response.output_text.annotation.added" for kind in kinds) == len(chat)
    assert events[-1].response.output_text == message.content

    conversation = [
        {"role": "user", "content": "Which SSR entry points address weak or absent state protection?"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": [{"type": "input_text", "text": "And in authoritarian regimes?"}]},
    ]
    follow_up = client.responses.create(model="ssr-brief-assistant", input=conversation)
    assert follow_up.model_extra["ssr"]["effective_query"] == "Which SSR entry points address authoritarian regimes"


def test_streamed_chat_carries_one_open_webui_source_event_per_citation(base_url):
    """What Open WebUI reads from an OpenAI-compatible stream: a chunk's `event` goes to its chat as a source."""
    openai = pytest.importorskip("openai")
    question = "What are the push factors of forced displacement?"
    body = {"model": "ssr-brief-assistant", "messages": [{"role": "user", "content": question}], "stream": True}
    with httpx.stream("POST", f"{base_url}/v1/chat/completions", json=body, timeout=60) as response:
        chunks = [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: {")]
    sources = [c["event"]["data"] for c in chunks if c.get("event", {}).get("type") == "source"]
    citations = chunks[-1]["citations"]
    assert len(sources) == len(citations) > 0
    for source, citation in zip(sources, citations):
        assert source["source"]["name"].startswith(f"[{citation['marker']}] ") and source["document"] == [citation["quote"]]
        view = httpx.get(source["source"]["url"], timeout=10)
        assert view.status_code == 200 and citation["quote"][:40] in view.text.replace("&#x27;", "'").replace("&quot;", '"')
    assert all(c["choices"] and c["choices"][0]["delta"] == {} for c in chunks if "event" in c)  # no content, no empty choices
    # the official client reads the same stream unchanged: the same content, the events ignored
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="not-needed")
    streamed = client.chat.completions.create(model="ssr-brief-assistant", messages=body["messages"], stream=True)
    content = "".join(chunk.choices[0].delta.content or "" for chunk in streamed)
    assert content == "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)


def test_plain_http_on_loopback(base_url):
    answer = httpx.post(f"{base_url}/ask", json={"question": "What is SSR?"}, timeout=30).json()
    assert answer["citations"] and not answer["abstained"]
    assert httpx.get(f"{base_url}/docs", timeout=10).status_code == 200


def readme_curl_examples() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return next(block for block in blocks if "SESSION=" in block)


def test_the_readme_curl_examples_work(base_url, tmp_path):
    script = readme_curl_examples().replace("http://127.0.0.1:8000", base_url)
    shutil.copy(FIXTURES / "ssr-backgrounder-security-sector-reform.md", tmp_path / "my-brief.md")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "ASSISTANT_API_KEY": README_KEY},
    )
    assert result.returncode == 0, result.stderr
    outputs, position, decoder = [], 0, json.JSONDecoder()
    while position < len(result.stdout.rstrip()):  # curl prints the JSON bodies back to back
        value, position = decoder.raw_decode(result.stdout, position)
        outputs.append(value)
        while position < len(result.stdout) and result.stdout[position].isspace():
            position += 1
    ask, first_turn, follow_up, upload, chat = outputs
    assert ask["citations"] and first_turn["entry_points"]
    assert follow_up["effective_query"] == "Which SSR entry points address authoritarian regimes"
    assert upload["doc_id"] == "my-brief" and upload["documents"] == 6
    assert "[1]" in chat["choices"][0]["message"]["content"]


def test_eval_against_the_running_service_and_its_guards(base_url, tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    lines = (ROOT / "eval" / "qa.jsonl").read_text().splitlines()
    chosen = [l for l in lines if '"kind": "followup"' in l][:2] + [l for l in lines if '"kind": "unanswerable"' in l][:2] + lines[:4]
    qa = tmp_path / "small.jsonl"
    qa.write_text("\n".join(chosen) + "\n")
    runner = CliRunner()
    env = {"ASSISTANT_CORPUS_DIR": str(CORPUS)}
    args = ["eval", "--qa", str(qa), "--url", base_url, "--reports", str(tmp_path), "--name", "remote"]
    passed = runner.invoke(app, [*args, "--min", "citation_validity=1", "--max", "false_abstention=0.5"], env=env)
    assert passed.exit_code == 0, passed.output
    report = json.loads((tmp_path / "remote.json").read_text())
    assert report["items"] == 8 and report["results"][0]["mode"].startswith("service at")
    answers = json.loads((tmp_path / "remote-answers.json").read_text())
    assert answers["metrics"]["citation_validity"] == 1.0
    assert (tmp_path / "remote.png").stat().st_size > 10_000
    failed = runner.invoke(app, [*args, "--min", "hit@5=1.01"], env=env)
    assert failed.exit_code == 1 and "below the minimum" in failed.output
