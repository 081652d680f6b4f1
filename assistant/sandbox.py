"""Reading an untrusted file in a child process, bounded in time and memory.

A PDF is a program: a few kilobytes can decompress to gigabytes or keep a parser busy for
minutes. An uploaded file is therefore read by `load_document` in a fresh interpreter
(`python -m assistant.sandbox`: it shares no threads or memory with the server, and unlike
multiprocessing's spawn it never re-imports the caller's main module) whose address space is
capped with `RLIMIT_AS`; the parent waits at most the time budget, then kills it. Whatever goes
wrong comes back as a DocumentError that says which limit was reached and which setting raises
it; the server itself never runs the parser.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
from pathlib import Path

from .errors import DocumentError
from .ingest import load_document
from .models import Document

MEGABYTE = 1024 * 1024
_ADVICE = "Split the file, or save it again with another PDF writer."


def read_bounded(name: str, data: bytes, seconds: float, memory_bytes: int, max_chars: int) -> Document:
    """`load_document(name, data)` run in a child process. Raises DocumentError with the reason."""
    request = pickle.dumps((name, data, memory_bytes, max_chars))
    try:
        child = subprocess.run(
            [sys.executable, "-m", "assistant.sandbox"], input=request, capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise DocumentError(
            f"{name}: reading it took longer than {seconds:.1f} s, so it was stopped "
            f"(ASSISTANT_PARSE_SECONDS and ASSISTANT_PARSE_SECONDS_PER_MB set the budget). {_ADVICE}"
        ) from None
    try:
        kind, payload = pickle.loads(child.stdout)  # our own child's answer
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError):  # it died without a word: killed, or crashed
        kind, payload = "memory", f"exit code {child.returncode}"
    if kind == "document":
        return payload  # type: ignore[no-any-return]
    if kind == "memory":
        raise DocumentError(
            f"{name}: reading it needed more than {memory_bytes // MEGABYTE:,} MB (ASSISTANT_PARSE_MEMORY_MB) "
            f"or crashed the reader ({payload or 'out of memory'}). {_ADVICE}"
        )
    raise DocumentError(str(payload))


def _answer(name: str, data: bytes, memory_bytes: int, max_chars: int) -> tuple[str, object]:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        return "document", load_document(Path(name), data, name, max_chars)
    except MemoryError:
        return "memory", None
    except DocumentError as error:
        return "error", str(error)
    except Exception as error:  # noqa: BLE001 - anything else the parser raises is the file's fault, said plainly
        return "error", f"{name}: cannot be read ({type(error).__name__}: {str(error)[:200]})."


if __name__ == "__main__":
    answer = _answer(*pickle.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(pickle.dumps(answer))
