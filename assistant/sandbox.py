"""Reading an untrusted file in a child process, bounded in time and memory.

A PDF is a program: a few kilobytes can decompress to gigabytes or keep a parser busy for
minutes. An uploaded file is therefore read by `load_document` in a fresh interpreter
(spawned, so it shares no threads or memory with the server) whose address space is capped
with `RLIMIT_AS`; the parent waits at most the time budget, then kills it. Whatever goes
wrong comes back as a DocumentError that says which limit was reached and which setting
raises it; the server itself never runs the parser.
"""

from __future__ import annotations

import multiprocessing
import resource
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import DocumentError
from .ingest import load_document
from .models import Document

_CONTEXT = multiprocessing.get_context("spawn")
MEGABYTE = 1024 * 1024


def read_bounded(name: str, data: bytes, seconds: float, memory_bytes: int, max_chars: int) -> Document:
    """`load_document(name, data)` run in a child process. Raises DocumentError with the reason."""
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child, args=(sender, name, data, memory_bytes, max_chars), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise DocumentError(
                f"{name}: reading it took longer than {seconds:.1f} s, so it was stopped "
                "(ASSISTANT_PARSE_SECONDS and ASSISTANT_PARSE_SECONDS_PER_MB set the budget). "
                "Split the file, or save it again with another PDF writer."
            )
        try:
            kind, payload = receiver.recv()
        except EOFError:  # the child died without a word: killed by the memory cap, or crashed
            child.join(5)
            raise DocumentError(
                f"{name}: reading it needed more than {memory_bytes // MEGABYTE:,} MB (ASSISTANT_PARSE_MEMORY_MB) "
                f"or crashed the reader (exit code {child.exitcode}). Split the file, or save it again with another PDF writer."
            ) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if kind == "document":
        return payload  # type: ignore[no-any-return]
    if kind == "memory":
        raise DocumentError(
            f"{name}: reading it needed more than {memory_bytes // MEGABYTE:,} MB (ASSISTANT_PARSE_MEMORY_MB). "
            "Split the file, or save it again with another PDF writer."
        )
    raise DocumentError(str(payload))


def _child(sender: Connection, name: str, data: bytes, memory_bytes: int, max_chars: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        document = load_document(Path(name), data, name, max_chars)
        sender.send(("document", document))
    except MemoryError:
        sender.send(("memory", None))
    except DocumentError as error:
        sender.send(("error", str(error)))
    except Exception as error:  # noqa: BLE001 - anything else the parser raises is the file's fault, said plainly
        sender.send(("error", f"{name}: cannot be read ({type(error).__name__}: {str(error)[:200]})."))
    finally:
        sender.close()
