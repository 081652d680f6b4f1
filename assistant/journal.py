"""Uploads and deletions that a crash cannot leave half done.

The index build is the one commit point: a build is written aside and made live by
replacing `CURRENT` (see store.py). Files move around that point, never before it:

    add     the file is written to `staging/`, the journal is written, the index is built
            with the staged document; only then does the file move into `uploads/`.
    delete  the journal is written, the index is built without the document; only then
            does its file move to `trash/`.

The journal (`write.json` beside `uploads/`, replaced atomically) names the one write in
progress. After a crash, `recover` reads it and asks the live index what happened: if the
build went live, the write is finished (the staged file moves in, the deleted file moves
to the trash); if not, it is undone (the staged file is removed). Either way the document
is fully there (indexed and its file in place) or fully absent. Start-up also moves to the
trash any uploaded file the index does not hold, since the service only ever puts a file
in `uploads/` after the index holds it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from filelock import FileLock

from .files import fsync_dir, write_atomically
from .store import read_manifest
from .ingest import corpus_files, document_id
from .settings import Settings

log = logging.getLogger("assistant.journal")


@dataclass(frozen=True)
class PendingWrite:
    """One upload or deletion between its start and the moment its files are in their final place."""

    op: Literal["add", "delete"]
    doc_id: str
    file_name: str  # the file's name in uploads/ (add) or the path of the file to delete
    content_hash: str = ""  # add: the staged file's sha256, as the index records it

    def save(self, settings: Settings) -> None:
        write_atomically(journal_path(settings), json.dumps(asdict(self)).encode())

    @classmethod
    def load(cls, settings: Settings) -> "PendingWrite | None":
        path = journal_path(settings)
        if not path.exists():
            return None
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):  # written atomically, so this is not our crash: drop it, loudly
            log.warning("unreadable write journal %s ignored", path)
            return None


def journal_path(settings: Settings) -> Path:
    return settings.data_dir / "write.json"


def staging_dir(settings: Settings) -> Path:
    return settings.data_dir / "staging"


def staged_path(settings: Settings, file_name: str) -> Path:
    return staging_dir(settings) / file_name


def clear_journal(settings: Settings) -> None:
    journal_path(settings).unlink(missing_ok=True)
    fsync_dir(settings.data_dir)


def finish(settings: Settings, pending: PendingWrite) -> None:
    """Put the files where a committed write leaves them, then forget the write. Safe to repeat."""
    if pending.op == "add":
        staged = staged_path(settings, pending.file_name)
        if staged.exists():
            settings.uploads_dir.mkdir(parents=True, exist_ok=True)
            os.replace(staged, settings.uploads_dir / pending.file_name)
            fsync_dir(settings.uploads_dir)
    else:
        move_to_trash(settings, Path(pending.file_name))
    clear_journal(settings)


def undo(settings: Settings, pending: PendingWrite) -> None:
    """Leave the files as they were before the write, then forget it. Safe to repeat."""
    if pending.op == "add":
        staged_path(settings, pending.file_name).unlink(missing_ok=True)
    clear_journal(settings)


def move_to_trash(settings: Settings, source: Path) -> Path | None:
    if not source.exists():
        return None
    settings.trash_dir.mkdir(parents=True, exist_ok=True)
    trashed = settings.trash_dir / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.monotonic_ns() % 10**6:06d}-{source.name}"
    shutil.move(str(source), trashed)
    fsync_dir(source.parent)
    return trashed


def committed(settings: Settings, pending: PendingWrite) -> bool:
    """Whether the live index already reflects the write."""
    try:
        manifest = read_manifest(settings.index_dir)
    except (OSError, ValueError, KeyError, TypeError):
        manifest = None
    record = manifest.documents.get(pending.doc_id) if manifest else None
    if pending.op == "add":
        return record is not None and record.content_hash == pending.content_hash
    return manifest is not None and record is None


@dataclass(frozen=True)
class Recovery:
    finished: str | None = None  # "add <id>" or "delete <id>"
    undone: str | None = None
    orphans: tuple[str, ...] = ()  # uploaded files the index does not hold, moved to the trash


@contextmanager
def exclusive(settings: Settings) -> Iterator[Recovery]:
    """The write lock (one upload, deletion or build at a time, across processes), with any interrupted write settled."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.data_dir / ".write.lock")):
        yield recover(settings)


def recover(settings: Settings) -> Recovery:
    """Finish or undo the write a crash interrupted, and clear what no write owns. Call under the write lock."""
    finished = undone = None
    pending = PendingWrite.load(settings)
    if pending is not None:
        label = f"{pending.op} {pending.doc_id}"
        if committed(settings, pending):
            finish(settings, pending)
            finished = label
        else:
            undo(settings, pending)
            undone = label
        log.warning("an interrupted %s was %s", label, "finished" if finished else "undone")
    else:
        clear_journal(settings)
    staging = staging_dir(settings)
    if staging.is_dir():
        for leftover in staging.iterdir():  # staged before the journal named it, or a temporary file
            leftover.unlink(missing_ok=True)
    orphans = _uploads_not_indexed(settings)
    for path in orphans:
        log.warning("uploaded file %s is not in the index (left by an interrupted write); moved to the trash", path.name)
        move_to_trash(settings, path)
    return Recovery(finished, undone, tuple(p.name for p in orphans))


def _uploads_not_indexed(settings: Settings) -> list[Path]:
    if not settings.uploads_dir.is_dir():
        return []
    try:
        manifest = read_manifest(settings.index_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return []  # an unreadable index decides nothing
    if manifest is None:
        return []
    return [p for p in corpus_files(settings.uploads_dir, settings.corpus_ignore) if document_id(p) not in manifest.documents]


def write_staged(settings: Settings, file_name: str, data: bytes) -> Path:
    path = staged_path(settings, file_name)
    write_atomically(path, data)
    return path
