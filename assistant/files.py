"""Writing files so that a crash leaves the old content or the new, never half of either."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """`data` written to a temporary file beside `target`, flushed to disk, renamed over it, the rename flushed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    fsync_dir(target.parent)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename or removal in it) to disk."""
    if not folder.is_dir():
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
