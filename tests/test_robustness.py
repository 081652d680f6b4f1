"""Robustness: rebuilds killed at random moments, concurrent uploads and queries, hostile files.

The kill test runs a short version by default (ROBUSTNESS_KILLS, default 6); the long one is
`ROBUSTNESS_KILLS=60 .venv/bin/python -m pytest tests/test_robustness.py -m slow`.
"""

import io
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
from pypdf import PdfWriter

from assistant.store import load_index
from assistant.settings import Settings
from conftest import ROOT

BUILD_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from conftest import HashEmbedder
from assistant.indexing import build_index
from assistant.settings import Settings
embedder = HashEmbedder()
build_index(Settings(corpus_dir={corpus!r}, index_dir={index!r}, embedding_model="test-hash"), lambda: embedder)
print("done")
"""


def _killed_rebuilds(hash_settings, kills: int) -> None:
    for number in range(3):  # enough text that a rebuild takes a moment
        (hash_settings.corpus_dir / f"added-{number}.txt").write_text(
            f"Added Brief {number}\n\n" + " ".join(f"Sentence {i} about border police number {number}." for i in range(400))
        )
    script = BUILD_SCRIPT.format(tests=str(ROOT / "tests"), corpus=str(hash_settings.corpus_dir), index=str(hash_settings.index_dir))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=300)
    duration = time.perf_counter() - started
    documents = set(load_index(hash_settings).documents)
    rng = random.Random(11)
    changed = hash_settings.corpus_dir / "added-0.txt"
    for kill in range(kills):
        with changed.open("a") as handle:  # every rebuild has something new to embed and write
            handle.write(f" Change number {kill} to the border police brief.")
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        index = load_index(hash_settings)  # whatever the moment, the live index loads and is whole
        assert set(index.documents) == documents
        assert len(index.dense) == len(index.passages) and len(index.sentence_vectors) == len(index.sentences)
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0 and "done" in finished.stdout
    final = load_index(hash_settings)
    assert f"Change number {kills - 1} " in final.documents["added-0"].text
    leftovers = [p for p in (hash_settings.index_dir / "builds").iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []


def test_killing_a_rebuild_at_random_moments_never_breaks_the_index(hash_settings):
    _killed_rebuilds(hash_settings, int(os.environ.get("ROBUSTNESS_KILLS", "6")))


@pytest.mark.slow
def test_killing_a_rebuild_many_times(hash_settings):
    _killed_rebuilds(hash_settings, int(os.environ.get("ROBUSTNESS_KILLS", "60")))


# ---------------------------------------------------------------- through the API (real model)

KEY = "robust-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def client(tmp_path, real_index_dir, real_retriever):
    import shutil

    from fastapi.testclient import TestClient

    from api.app import create_app
    from conftest import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(real_index_dir, tmp_path / "index")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data", api_key=KEY)
    with TestClient(create_app(settings, real_retriever.embedder)) as test_client:
        yield test_client


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def many_blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("locked.pdf", encrypted_pdf(), 422, "encrypted"),
        ("blank.pdf", many_blank_pages(3000), 422, "no extractable text"),
        ("truncated.pdf", many_blank_pages(3)[:300], 422, "truncated.pdf"),
        ("zero.txt", b"", 422, "empty"),
        ("huge.txt", ("Border police patrol the coast every night. " * 240_000).encode(), 413, "ASSISTANT_MAX_DOCUMENT_CHARS"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 422, "not a PDF"),
    ],
)
def test_hostile_uploads_get_clear_errors_and_leave_the_index_as_it_was(client, name, data, status, words):
    before = client.get("/documents").json()
    response = client.post("/documents", files={"file": (name, data)}, headers=AUTH)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]["message"]
    assert client.get("/documents").json() == before
    assert client.post("/ask", json={"question": "What is SSR?"}).status_code == 200


@pytest.mark.model
def test_non_utf8_text_is_read(client):
    text = "Réfugiés à Genève\n\nLa police des frontières protège les réfugiés dans les gares de Genève chaque été.\n"
    response = client.post("/documents", files={"file": ("refugies.txt", text.encode("cp1252"))}, headers=AUTH)
    assert response.status_code == 201, response.text
    found = client.get("/search", params={"q": "police des frontières", "doc": "refugies"}).json()["results"]
    assert "La police des frontières protège les réfugiés" in found[0]["text"]


@pytest.mark.model
def test_concurrent_uploads_and_queries(client):
    failures: list[str] = []
    uploads: dict[str, int] = {}
    stop = threading.Event()

    def query() -> None:
        while not stop.is_set():
            response = client.post("/ask", json={"question": "How can the security sector protect migrants in transit?"})
            if response.status_code != 200:
                failures.append(response.text)

    def upload(number: int) -> None:
        body = f"Harbour Brief {number}\n\nHarbour police unit {number} rescues migrants at sea with coast guards.\n"
        response = client.post("/documents", files={"file": (f"harbour-{number}.txt", body.encode())}, headers=AUTH)
        uploads[f"harbour-{number}"] = response.status_code

    readers = [threading.Thread(target=query) for _ in range(3)]
    writers = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(300)
    stop.set()
    for thread in readers:
        thread.join(60)
    assert failures == []
    assert uploads == {f"harbour-{n}": 201 for n in range(4)}
    indexed = {d["doc_id"] for d in client.get("/documents").json()}
    assert {f"harbour-{n}" for n in range(4)} <= indexed
