"""The embedding backends: ONNX Runtime reproduces PyTorch's vectors, exports once and atomically, keeps torch out of serving."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, ROOT
from assistant import onnx_model
from assistant.embedding import OnnxEmbedder, SentenceTransformerEmbedder, embedder_from_settings, pool, resolve_model_path
from assistant.errors import ModelUnavailable
from assistant.onnx_model import onnx_model_file, read_layout
from assistant.settings import Settings

MODEL = Settings().embedding_model


def texts_of_every_length() -> list[str]:
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "qa.jsonl").read_text().splitlines()[:40]]
    words = " ".join(path.read_text(errors="ignore") for path in CORPUS.glob("*.txt")).split()
    passages = [" ".join(words[start : start + size]) for start, size in [(0, 5), (100, 60), (400, 180), (900, 600)]]
    assert len(passages[-1].split()) == 600  # longer than the model's 256 tokens: truncated alike
    return ["a", "SSR", *questions, *passages]


@pytest.mark.model
def test_onnx_vectors_match_pytorch_batched_and_one_by_one():
    texts = texts_of_every_length()
    torch_vectors = SentenceTransformerEmbedder(MODEL).embed_passages(texts)
    onnx = embedder_from_settings(Settings(embedding_backend="onnx"))
    assert isinstance(onnx, OnnxEmbedder) and onnx.dimension == 384
    batched = onnx.embed_passages(texts)
    one_by_one = np.vstack([onnx.embed_query(text) for text in texts])
    assert (batched * torch_vectors).sum(axis=1).min() > 0.99999
    assert (one_by_one * torch_vectors).sum(axis=1).min() > 0.99999
    assert np.allclose(np.linalg.norm(batched, axis=1), 1, atol=1e-5)
    assert onnx.embed_passages([]).shape == (0, 384)


@pytest.mark.model
def test_half_precision_vectors_are_interchangeable_with_fp32_ones():
    """The GPU path runs PyTorch in half precision with large batches; CI has no GPU, so the same path runs here on
    the CPU: every vector within a cosine of 0.999 of its fp32 twin (a GPU measured 0.99999), whatever the batch."""
    texts = texts_of_every_length()
    full = SentenceTransformerEmbedder(MODEL).embed_passages(texts)
    half = SentenceTransformerEmbedder(MODEL, batch_size=64, half=True)
    vectors = half.embed_passages(texts)
    assert vectors.dtype == np.float32 and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert (vectors * full).sum(axis=1).min() > 0.999


def test_a_gpu_that_is_not_there_is_a_clear_error_and_a_gpu_needs_pytorch():
    import torch
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="EMBEDDING_DEVICE=cuda runs the model with PyTorch"):
        Settings(embedding_device="cuda", embedding_backend="onnx")
    with pytest.raises(ValidationError):
        Settings(embedding_device="gpu0")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelUnavailable, match="asks for a CUDA GPU, and PyTorch sees none"):
        embedder_from_settings(Settings(embedding_device="cuda:0"))


@pytest.mark.model
def test_the_int8_backend_is_close_to_fp32_and_an_index_built_with_it_refuses_fp32_questions(tmp_path):
    from assistant.errors import IndexMismatch
    from assistant.indexing import build_index
    from assistant.store import load_index

    texts = texts_of_every_length()
    fp32 = embedder_from_settings(Settings(embedding_backend="onnx")).embed_passages(texts)
    int8 = embedder_from_settings(Settings(embedding_backend="onnx-int8"))
    assert int8.backend == "onnx-int8" and int8.model_file.name.startswith("model.int8")
    cosines = (int8.embed_passages(texts) * fp32).sum(axis=1)
    assert cosines.mean() > 0.98 and cosines.min() > 0.95  # close, and not identical: a real quantised model
    assert cosines.min() < 0.99999

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "brief.md").write_text("# Brief\n\nBorder police patrol the coast every night.\n")
    quantised = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedding_backend="onnx-int8")
    build_index(quantised, lambda: int8)
    assert load_index(quantised).manifest.vectors == "int8"
    with pytest.raises(IndexMismatch, match="built with int8 embeddings, settings ask for fp32"):
        load_index(quantised.model_copy(update={"embedding_backend": "onnx"}))


@pytest.mark.model
def test_the_export_is_reused_and_a_failed_export_leaves_nothing(tmp_path, monkeypatch):
    folder = resolve_model_path(MODEL)
    exported = onnx_model_file(folder, Path(Settings().model_cache_dir))  # the shared export the suite uses
    monkeypatch.setattr(onnx_model, "export_onnx", lambda *_: pytest.fail("exported again"))
    assert onnx_model_file(folder, Path(Settings().model_cache_dir)) == exported
    monkeypatch.undo()

    import torch

    def crash_halfway(model, args, path, **options):  # type: ignore[no-untyped-def]
        Path(path).write_bytes(b"half an ONNX file")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(torch.onnx, "export", crash_halfway)
    with pytest.raises(ModelUnavailable, match="ASSISTANT_EMBEDDING_BACKEND=torch"):
        onnx_model_file(folder, tmp_path)
    leftovers = [path for path in tmp_path.rglob("*") if path.is_file() and path.name != ".export.lock"]
    assert leftovers == []


def test_a_shipped_onnx_file_is_used_as_it_is(tmp_path):
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / "model.onnx").write_bytes(b"shipped")
    assert onnx_model_file(tmp_path, tmp_path / "cache") == tmp_path / "onnx" / "model.onnx"
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_model_cache_is_a_clear_error(tmp_path):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    with pytest.raises(ModelUnavailable, match="ASSISTANT_MODEL_CACHE_DIR"):
        onnx_model_file(resolve_model_path(MODEL), not_a_folder)


def test_the_layout_follows_the_models_configuration(tmp_path):
    layout = read_layout(resolve_model_path(MODEL))
    assert (layout.pooling, layout.max_seq_length) == ("mean", 256)

    (tmp_path / "tokenizer.json").write_text("{}")
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    modules = [{"path": "", "type": "sentence_transformers.models.Transformer"},
               {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    assert read_layout(tmp_path).pooling == "cls" and read_layout(tmp_path).max_seq_length == 512

    modules.append({"path": "2_Dense", "type": "sentence_transformers.models.Dense"})
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(ModelUnavailable, match=r"\['Dense'\].*BACKEND=torch"):
        read_layout(tmp_path)


def test_pooling_leaves_padding_out():
    hidden = np.array([[[1.0, 0.0], [3.0, 2.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert pool(hidden, mask, "mean").tolist() == [[2.0, 1.0]]
    assert pool(hidden, mask, "max").tolist() == [[3.0, 2.0]]
    assert pool(hidden, mask, "cls").tolist() == [[1.0, 0.0]]


def test_a_missing_model_is_an_error_with_either_backend():
    for backend in ("auto", "onnx", "torch"):
        with pytest.raises(ModelUnavailable, match="pip install"):
            embedder_from_settings(Settings(embedding_model="no-such-model-package", embedding_backend=backend))


@pytest.mark.model
def test_the_service_answers_without_importing_pytorch(real_index_dir, tmp_path):
    """Why the service starts in about a second: serving never imports torch, transformers or sentence-transformers."""
    script = f"""
import sys
from pathlib import Path
from fastapi.testclient import TestClient
from api.app import create_app
from assistant.settings import Settings
settings = Settings(corpus_dir=Path({str(CORPUS)!r}), index_dir=Path({str(real_index_dir)!r}), data_dir=Path({str(tmp_path)!r}))
with TestClient(create_app(settings)) as client:
    assert client.get("/ready").status_code == 200
    answer = client.post("/ask", json={{"question": "What is SSR?"}}).json()
    assert answer["citations"], answer
heavy = sorted(name for name in ("torch", "transformers", "sentence_transformers", "sklearn") if name in sys.modules)
print(",".join(heavy) or "none")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"
