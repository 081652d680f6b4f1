"""Uploads and deletions across crashes, and uploads read in a bounded child process.

The fault suite kills a process that uploads, replaces and deletes briefs at random moments
(SIGKILL, no clean-up runs), settles what it left as a restart does, and checks that every
document is either indexed with its file in place or absent with nothing left behind. A short
run is part of the default tests (FAULT_KILLS, default 8); the long one is
`FAULT_KILLS=100 .venv/bin/python -m pytest tests/test_writes.py -m slow -s`, which prints the
counts the README quotes.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.service import Service
from assistant import journal
from assistant.errors import DocumentError
from assistant.indexing import build_index
from assistant.store import load_index, read_manifest
from assistant.sandbox import read_bounded
from assistant.settings import Settings
from conftest import ROOT, HashEmbedder
from hostile import flate_bomb_pdf, nested_operands_pdf, odd_separators_text, text_flood_pdf


@pytest.fixture
def settings(hash_settings: Settings, tmp_path: Path) -> Settings:
    settings = hash_settings.model_copy(update={"data_dir": tmp_path / "data"})
    build_index(settings, HashEmbedder)
    return settings


def brief(number: int, version: int = 0) -> bytes:
    sentences = " ".join(f"Sentence {i} of version {version} about river patrols number {number}." for i in range(60))
    return f"Killed Brief {number}\n\n{sentences}\n".encode()


def state_of(settings: Settings) -> dict[str, str | None]:
    """For each document id the index or the uploads folder knows: how the two agree."""
    manifest = read_manifest(settings.index_dir)
    assert manifest is not None
    uploads = {p.stem: p for p in settings.uploads_dir.glob("*")} if settings.uploads_dir.is_dir() else {}
    state: dict[str, str | None] = {}
    for doc_id in set(uploads) | {d for d in manifest.documents if d.startswith("kill")}:
        record = manifest.documents.get(doc_id)
        path = uploads.get(doc_id)
        if record is None and path is None:
            state[doc_id] = None
        elif record is not None and path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == record.content_hash:
            state[doc_id] = "whole"
        else:
            state[doc_id] = "half"
    return state


def assert_settled(settings: Settings) -> None:
    assert not journal.journal_path(settings).exists()
    staging = journal.staging_dir(settings)
    assert not staging.exists() or list(staging.iterdir()) == []
    assert "half" not in state_of(settings).values(), state_of(settings)


# ---------------------------------------------------------------- each crash point, by hand


class Crash(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler undoes anything."""


def test_an_upload_cut_off_after_the_index_went_live_is_finished_at_restart(settings, monkeypatch):
    service = Service(settings, HashEmbedder())
    service.load()

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Crash

    monkeypatch.setattr(journal, "finish", crash)
    with pytest.raises(Crash):
        service.add_document("kill-1.txt", brief(1))
    monkeypatch.undo()
    assert "kill-1" in read_manifest(settings.index_dir).documents  # the build went live
    assert not (settings.uploads_dir / "kill-1.txt").exists()  # the file did not move: half there

    restarted = Service(settings, HashEmbedder())
    assert restarted.recover() == journal.Recovery(finished="add kill-1")
    restarted.load()
    assert_settled(settings)
    assert state_of(settings)["kill-1"] == "whole"
    assert "kill-1" in restarted.answerer.index.documents
    restarted.delete_document("kill-1")  # and the document can be deleted like any other
    assert state_of(settings).get("kill-1") is None


def test_an_upload_cut_off_before_the_index_went_live_is_undone_at_restart(settings):
    journal.write_staged(settings, "kill-2.txt", brief(2))
    journal.PendingWrite("add", "kill-2", "kill-2.txt", hashlib.sha256(brief(2)).hexdigest()).save(settings)
    assert Service(settings, HashEmbedder()).recover() == journal.Recovery(undone="add kill-2")
    assert_settled(settings)
    assert state_of(settings).get("kill-2") is None
    service = Service(settings, HashEmbedder())
    service.load()
    assert service.add_document("kill-2.txt", brief(2)).doc_id == "kill-2"  # no 409 "exists" for a ghost


def test_a_deletion_cut_off_either_side_of_the_index_is_settled(settings, monkeypatch):
    service = Service(settings, HashEmbedder())
    service.load()
    service.add_document("kill-3.txt", brief(3))
    service.add_document("kill-4.txt", brief(4))

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Crash

    monkeypatch.setattr(journal, "finish", crash)
    with pytest.raises(Crash):
        service.delete_document("kill-3")  # cut after the index dropped it: its file is still in uploads
    monkeypatch.undo()
    assert Service(settings, HashEmbedder()).recover() == journal.Recovery(finished="delete kill-3")
    assert_settled(settings)
    assert state_of(settings).get("kill-3") is None
    assert any(p.name.endswith("kill-3.txt") for p in settings.trash_dir.iterdir())

    journal.PendingWrite("delete", "kill-4", str(settings.uploads_dir / "kill-4.txt")).save(settings)  # cut before the build
    assert Service(settings, HashEmbedder()).recover() == journal.Recovery(undone="delete kill-4")
    assert_settled(settings)
    assert state_of(settings)["kill-4"] == "whole"


def test_start_up_moves_an_uploaded_file_the_index_does_not_hold_to_the_trash(settings):
    settings.uploads_dir.mkdir(parents=True)
    (settings.uploads_dir / "kill-5.txt").write_bytes(brief(5))
    recovery = Service(settings, HashEmbedder()).recover()
    assert recovery.orphans == ("kill-5.txt",)
    assert not (settings.uploads_dir / "kill-5.txt").exists()
    assert [p.name.endswith("kill-5.txt") for p in settings.trash_dir.iterdir()] == [True]


# ---------------------------------------------------------------- SIGKILL at random moments

WRITER = """
import random, sys
sys.path.insert(0, {tests!r})
from conftest import HashEmbedder
from api.service import Service
from assistant.settings import Settings
from test_writes import brief
settings = Settings(corpus_dir={corpus!r}, index_dir={index!r}, data_dir={data!r}, embedding_model="test-hash")
service = Service(settings, HashEmbedder())
service.recover()
service.load()
rng = random.Random({seed})
for step in range(1000):
    number = rng.randrange(3)
    doc_id = f"kill-{{number}}"
    if doc_id in service.answerer.index.documents and rng.random() < 0.5:
        service.delete_document(doc_id)
    else:
        service.add_document(f"{{doc_id}}.txt", brief(number, step), replace=True)
    print(step, flush=True)
"""


def killed_writes(settings: Settings, kills: int, seed: int = 5) -> dict[str, int]:
    rng = random.Random(seed)
    counts = {"kills": 0, "loadable": 0, "half_present": 0, "finished": 0, "undone": 0, "orphans": 0}
    for kill in range(kills):
        script = WRITER.format(
            tests=str(ROOT / "tests"), corpus=str(settings.corpus_dir), index=str(settings.index_dir),
            data=str(settings.data_dir), seed=seed * 1000 + kill,
        )
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
        assert process.stdout is not None
        process.stdout.readline()  # one write done: the child is past its start-up
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        counts["kills"] += 1
        recovery = journal.recover(settings)  # what the next start does
        counts["finished"] += recovery.finished is not None
        counts["undone"] += recovery.undone is not None
        counts["orphans"] += len(recovery.orphans)
        load_index(settings)
        counts["loadable"] += 1
        counts["half_present"] += list(state_of(settings).values()).count("half")
        assert_settled(settings)
    return counts


def test_killing_uploads_and_deletions_at_random_moments_leaves_no_half_present_document(settings):
    counts = killed_writes(settings, int(os.environ.get("FAULT_KILLS", "8")))
    assert counts["loadable"] == counts["kills"] and counts["half_present"] == 0


@pytest.mark.slow
def test_killing_uploads_and_deletions_many_times(settings):
    counts = killed_writes(settings, int(os.environ.get("FAULT_KILLS", "100")))
    print(f"\nfault suite: {counts}")
    assert counts["loadable"] == counts["kills"] and counts["half_present"] == 0


# ---------------------------------------------------------------- reading uploads in a bounded child


def test_an_upload_is_read_in_a_child_that_is_stopped_past_its_time():
    started = time.perf_counter()
    with pytest.raises(DocumentError, match=r"longer than 0.2 s.*ASSISTANT_PARSE_SECONDS"):
        read_bounded("flood.pdf", text_flood_pdf(), seconds=0.2, memory_bytes=1 << 30, max_chars=10_000_000)
    assert time.perf_counter() - started < 10


def test_an_upload_that_needs_more_memory_than_allowed_is_a_clear_error():
    with pytest.raises(DocumentError, match=r"more than 64 MB \(ASSISTANT_PARSE_MEMORY_MB\)"):
        read_bounded("operands.pdf", flate_bomb_pdf(7, b"0 "), seconds=60, memory_bytes=64 << 20, max_chars=10_000_000)


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("flood.pdf", text_flood_pdf, "more than 1,000,000 characters"),
        ("bomb.pdf", flate_bomb_pdf, "exhaust a reader"),
        ("spaces.pdf", lambda: flate_bomb_pdf(20), "exhaust a reader"),  # under pypdf's 75 MB, over our 8 MB a stream
        ("nested.pdf", nested_operands_pdf, "no extractable text|exhaust a reader|cannot be read"),
    ],
)
def test_hostile_pdfs_are_refused_by_the_child_with_the_reason(name, make, words):
    with pytest.raises(DocumentError, match=words):
        read_bounded(name, make(), seconds=60, memory_bytes=1 << 30, max_chars=1_000_000)


def test_a_brief_with_every_odd_line_separator_is_uploaded_indexed_and_served_after_a_restart(settings):
    service = Service(settings, HashEmbedder())
    service.load()
    service.add_document("odd-separators.txt", odd_separators_text())
    restarted = Service(settings, HashEmbedder())
    restarted.recover()
    restarted.load()
    assert restarted.ready and "odd-separators" in restarted.answerer.index.documents
    text = restarted.answerer.index.documents["odd-separators"].text
    assert "\u2028" in text and "\u0085" in text
