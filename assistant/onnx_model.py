"""A sentence-transformers model folder -> an ONNX file of its transformer, exported once and cached.

Serving with ONNX Runtime keeps PyTorch out of the service process: it starts in about
a second instead of ten and embeds a question about 2.7x faster on one core (the vectors
match PyTorch's to a cosine of 0.9999999). Only the export needs PyTorch and `onnx`; it
runs on first use, takes a few seconds, and is written atomically under a file lock so
that several workers starting together export once.

A package that already ships `onnx/model.onnx` (the sentence-transformers layout) is used
as it is.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from .errors import ModelUnavailable

QUANTIZE_VERSION = 1  # bump when the quantisation settings change: a new file is written
EXPORT_VERSION = 1  # bump when the export itself changes, so cached files are redone
POOLING_MODES = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max"}
SUPPORTED_MODULES = {"Transformer", "Pooling", "Normalize"}


@dataclass(frozen=True)
class ModelLayout:
    """What the ONNX embedder needs to know of a sentence-transformers folder."""

    folder: Path
    tokenizer_file: Path
    pooling: str  # "mean", "cls" or "max"
    max_seq_length: int


def read_layout(folder: Path) -> ModelLayout:
    """The tokenizer, pooling and sequence length of a model folder.

    Raises ModelUnavailable when the model has modules ONNX serving does not reproduce
    (a Dense layer, say); ASSISTANT_EMBEDDING_BACKEND=torch serves such models.
    """
    tokenizer_file = folder / "tokenizer.json"
    if not tokenizer_file.exists():
        raise ModelUnavailable(f"{folder} has no tokenizer.json; set ASSISTANT_EMBEDDING_BACKEND=torch for this model.")
    modules = _read_json(folder / "modules.json", default=[])
    kinds = {str(module.get("type", "")).rsplit(".", 1)[-1] for module in modules}
    if kinds - SUPPORTED_MODULES:
        raise ModelUnavailable(
            f"{folder} has modules {sorted(kinds - SUPPORTED_MODULES)} the ONNX backend does not run; "
            "set ASSISTANT_EMBEDDING_BACKEND=torch for this model."
        )
    pooling_folder = next((folder / m["path"] for m in modules if str(m.get("type", "")).endswith("Pooling")), None)
    pooling_config = _read_json(pooling_folder / "config.json", default={}) if pooling_folder else {}
    chosen = [mode for key, mode in POOLING_MODES.items() if pooling_config.get(key)]
    unsupported = [key for key, value in pooling_config.items() if key.startswith("pooling_mode") and value and key not in POOLING_MODES]
    if len(chosen) > 1 or unsupported:
        raise ModelUnavailable(
            f"{folder} pools with {chosen + unsupported}; the ONNX backend does one of mean, cls or max. "
            "Set ASSISTANT_EMBEDDING_BACKEND=torch for this model."
        )
    max_seq_length = int(_read_json(folder / "sentence_bert_config.json", default={}).get("max_seq_length") or 512)
    return ModelLayout(folder, tokenizer_file, chosen[0] if chosen else "mean", max_seq_length)


def onnx_model_file(folder: Path, cache_dir: Path) -> Path:
    """The ONNX file of the model in `folder`: shipped with it, or exported into `cache_dir` on first use."""
    shipped = folder / "onnx" / "model.onnx"
    if shipped.exists():
        return shipped
    target = cache_dir / f"{_safe_name(folder)}-{model_fingerprint(folder)}" / "model.onnx"
    return _made_once(target, lambda: export_onnx(folder, target), "the ONNX export of the model", "torch")


def quantized_model_file(folder: Path, cache_dir: Path) -> Path:
    """The int8 version of the model's ONNX file, quantised on first use into `cache_dir` (dynamic quantisation,
    per-channel int8 weights; written aside, then renamed, under a lock, like the export)."""
    source = onnx_model_file(folder, cache_dir)
    target = cache_dir / f"{_safe_name(folder)}-{model_fingerprint(folder)}" / f"model.int8-v{QUANTIZE_VERSION}.onnx"
    return _made_once(target, lambda: _quantize(source, target), "the int8 model", "onnx")


def _made_once(target: Path, make: Callable[[], None], what: str, other_backend: str) -> Path:
    """`target`, made by `make` unless it exists; under a lock, so that processes starting together make it once."""
    if target.exists():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target.parent / ".export.lock")):
            if not target.exists():  # another process may have made it while we waited
                make()
    except OSError as error:
        raise ModelUnavailable(
            f"Cannot write {what} under {target.parent.parent} ({error}). Set ASSISTANT_MODEL_CACHE_DIR "
            f"to a writable folder, or ASSISTANT_EMBEDDING_BACKEND={other_backend}."
        ) from error
    return target


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".quantize-", suffix=".onnx")
    os.close(handle)
    try:
        quantize_dynamic(str(source), temporary, weight_type=QuantType.QInt8, per_channel=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except Exception as error:
        raise ModelUnavailable(f"Could not quantise {source} to int8 ({error}); set ASSISTANT_EMBEDDING_BACKEND=onnx.") from error
    finally:
        Path(temporary).unlink(missing_ok=True)


def model_fingerprint(folder: Path) -> str:
    """Changes when any file of the model changes (by name, size and modification time), or the export does."""
    digest = hashlib.sha256(f"export-{EXPORT_VERSION}".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def export_onnx(folder: Path, target: Path) -> None:
    """Trace the model's transformer into `target`, writing a temporary file first so a crash leaves nothing half-written."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as error:  # pragma: no cover - both are dependencies
        raise ModelUnavailable(f"Exporting {folder} to ONNX needs torch and transformers: {error}") from error

    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
    takes_token_types = "token_type_ids" in inspect.signature(model.forward).parameters
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if takes_token_types else [])

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs):  # type: ignore[no-untyped-def]
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    example = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".onnx")
    os.close(handle)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on branches that are constant for these inputs
            torch.onnx.export(
                LastHiddenState(), example, temporary, input_names=names, output_names=["last_hidden_state"],
                dynamic_axes=axes, opset_version=17, dynamo=False,
            )
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except Exception as error:
        raise ModelUnavailable(
            f"Could not export {folder} to ONNX ({error}); set ASSISTANT_EMBEDDING_BACKEND=torch to serve it with PyTorch."
        ) from error
    finally:
        Path(temporary).unlink(missing_ok=True)


def _safe_name(folder: Path) -> str:
    name = folder.parent.name if folder.name == "model" else folder.name
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name) or "model"


def _read_json(path: Path, default: Any) -> Any:
    if not path.exists():
        return default
    return json.loads(path.read_text(encoding="utf-8"))
