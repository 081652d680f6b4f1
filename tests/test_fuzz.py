"""Schemathesis fuzzes every operation of the OpenAPI document against a live server: no 500, no hang.

Short by default (FUZZ_EXAMPLES, 8 examples per operation); the long run is
`FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/test_fuzz.py -m slow`.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.app import create_app
from assistant.settings import Settings
from conftest import CORPUS

pytestmark = pytest.mark.model
KEY = "fuzz-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_index_dir, real_retriever):
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CORPUS, folder / "corpus")
    shutil.copytree(real_index_dir, folder / "index")
    settings = Settings(
        corpus_dir=folder / "corpus", index_dir=folder / "index", data_dir=folder / "data", api_key=KEY, max_upload_bytes=200_000
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, real_retriever.embedder), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(10)


def fuzz(url: str, examples: int, tmp_path: Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{url}/openapi.json",
        "--checks", "not_a_server_error", "--max-examples", str(examples), "--max-response-time", "30",
        "--request-timeout", "60", "--header", f"Authorization: Bearer {KEY}", "--no-color",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=tmp_path)


def test_fuzzing_the_api_finds_no_server_error(server, tmp_path):
    result = fuzz(server, int(os.environ.get("FUZZ_EXAMPLES", "8")), tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert httpx.get(f"{server}/ready", timeout=5).status_code == 200


@pytest.mark.slow
def test_fuzzing_the_api_at_length(server, tmp_path):
    result = fuzz(server, int(os.environ.get("FUZZ_EXAMPLES", "200")), tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
