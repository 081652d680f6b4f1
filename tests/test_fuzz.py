"""Schemathesis fuzzes every operation of the OpenAPI document against a live server: no 500, no hang.

Short by default (FUZZ_EXAMPLES, 8 examples per operation); the long run is
`FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/test_fuzz.py -m slow`.
"""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import live_server, service_settings

pytestmark = pytest.mark.model
KEY = "fuzz-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_index_dir, real_retriever):
    settings = service_settings(tmp_path_factory.mktemp("fuzz"), real_index_dir, api_key=KEY, max_upload_bytes=200_000)
    with live_server(settings, real_retriever.embedder) as url:
        yield url


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
