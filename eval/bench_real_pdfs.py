"""Ingest measured on real PDFs of several typesetters: words kept, words run together, running headers and
footers left in the text, contents lines left in the text, outline entries found as sections, time per page.

    python eval/bench_real_pdfs.py [PDF ...] [--generated] [--reports eval/reports]

Without PDFs it reads the shipped briefs (ReportLab) and the manuals in tests/fixtures/real-pdfs/ (texinfo and
LaTeX, both pdfTeX); `--generated` adds the PDFs the tests typeset: a manual by fpdf2, a book written with pypdf
(headers alternating between odd and even pages) and a brief printed by Chromium (skipped if Chromium is absent).

There is no poppler `pdftotext` on this machine, so the reference reader is pdfminer.six's plain text, a reader
independent of pypdf's. "Kept" is the share of its words ingest keeps, leaving out of the reference the words
ingest drops on purpose (running headers, footers, page numbers, contents and index pages: words pypdf reads that
are not in the document's text). A word pypdf runs together with its neighbour is not in the document's text and
not dropped on purpose, so it counts as lost. "Running lines left" counts lines of the document's text that read,
numbers masked, like a line found at the top or bottom of three or more pages of the PDF (beyond its first
appearance, e.g. a title page). Writes eval/reports/real-pdfs.md and .json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORD = re.compile(r"[^\W\d_]{2,}")
LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")


def words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in WORD.findall(text))


def measure(path: Path) -> dict:  # type: ignore[type-arg]
    from pdfminer.high_level import extract_text
    from pypdf import PdfReader

    from assistant.ingest import (
        _comparable, _outline, _page_lines, _running_key, extraction_quality, glued_share, load_document,
    )

    reader = PdfReader(path)
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        document = load_document(path)
        seconds.append(time.perf_counter() - started)
    raw_lines = [line for number, page in enumerate(reader.pages, start=1) for line in _page_lines(page, number)]
    kept = words(document.text)
    dropped = words(" ".join(line.text for line in raw_lines)) - kept  # what ingest leaves out on purpose
    reference = words(extract_text(str(path))) - dropped
    total = sum(reference.values()) or 1

    edges: Counter[str] = Counter()
    by_page: dict[int, list] = {}  # type: ignore[type-arg]
    for line in raw_lines:
        by_page.setdefault(line.page, []).append(line)
    for page_lines in by_page.values():
        ordered = sorted(page_lines, key=lambda line: -line.y)
        edges.update({_running_key(line.text) for line in ordered[:2] + ordered[-2:] if len(line.text.split()) <= 12})
    recurring = {key for key, count in edges.items() if count >= 3}
    text_lines = Counter(_running_key(line) for line in document.text.split("\n") if line.strip())
    running_left = sum(count - 1 for key, count in text_lines.items() if key in recurring and count > 1)

    outline = [entry for entry in _outline(reader) if "index" not in entry.title.lower()]
    titles = [_comparable(s.path[-1]) for s in document.sections if s.path]
    found = sum(any(title.endswith(_comparable(entry.title)) for title in titles) for entry in outline)
    return {
        "pdf": path.name,
        "producer": str((reader.metadata or {}).get("/Producer", "") or "").split(";")[0][:40],
        "pages": len(reader.pages),
        "kept": sum(min(count, kept[word]) for word, count in reference.items()) / total,
        "glued_share": glued_share(document.text),
        "quality": extraction_quality(document.text),
        "running_lines_left": running_left,
        "contents_lines_left": sum(bool(LEADER.search(line)) for line in document.text.split("\n")),
        "outline_entries": len(outline),
        "outline_found": found / len(outline) if outline else None,
        "page_labels": bool(document.page_labels),
        "seconds_per_page": statistics.median(seconds) / len(reader.pages),
    }


def generated(folder: Path) -> list[Path]:
    """The PDFs tests/test_real_pdfs.py typesets, written into `folder`."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_real_pdfs as made

    paths = [folder / "fpdf2-manual.pdf", folder / "pypdf-book.pdf"]
    made.fpdf2_manual_pdf(paths[0])
    paths[1].write_bytes(made.book_pdf([("Applying to Become a Member", 3), ("Definitions and Overview", 4), ("Training", 3)]))
    try:
        made.chromium_printed_pdf(folder / "chromium-brief.pdf")
        paths.append(folder / "chromium-brief.pdf")
    except BaseException as error:  # pytest.fail raises a BaseException when Chromium is missing
        print(f"Chromium brief left out: {error}", file=sys.stderr)
    return paths


def markdown(rows: list[dict]) -> str:  # type: ignore[type-arg]
    lines = [
        "# Ingest on real PDFs of several typesetters",
        "",
        f"{len(rows)} PDFs (`eval/bench_real_pdfs.py --generated`). Reference reader: pdfminer.six's plain text (no "
        "poppler `pdftotext` here); \"kept\" leaves out of it the words ingest drops on purpose (running lines, page "
        "numbers, contents and index pages), so a word lost by running it into its neighbour counts against it. "
        "\"Running lines left\": lines of the text that read like a line at the top or bottom of three or more pages, "
        "beyond their first appearance. \"Contents lines left\": lines ending in dot leaders and a page number. "
        "\"Outline found\": outline entries (index entries aside) that end a section path. Time: `load_document`, "
        "median of three.",
        "",
        "| PDF | producer | pages | kept | glued share | quality | running lines left | contents lines left | "
        "outline found | page labels | s/page |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        outline = "no outline" if r["outline_found"] is None else f"{r['outline_found']:.3f} of {r['outline_entries']}"
        lines.append(
            f"| {r['pdf']} | {r['producer'] or '—'} | {r['pages']} | {r['kept']:.3f} | {r['glued_share']:.4f} | "
            f"{r['quality']:.3f} | {r['running_lines_left']} | {r['contents_lines_left']} | {outline} | "
            f"{'yes' if r['page_labels'] else 'no'} | {r['seconds_per_page']:.3f} |"
        )
    pages = sum(r["pages"] for r in rows)
    seconds = sum(r["seconds_per_page"] * r["pages"] for r in rows)
    lines += ["", f"All {pages} pages: {seconds / pages:.3f} s per page; lowest kept {min(r['kept'] for r in rows):.3f}; "
              f"highest glued share {max(r['glued_share'] for r in rows):.4f}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--generated", action="store_true", help="add the PDFs the tests typeset (fpdf2, pypdf, Chromium)")
    parser.add_argument("--reports", type=Path, default=ROOT / "eval" / "reports")
    args = parser.parse_args()
    paths = args.pdfs or sorted((ROOT / "corpus").glob("*.pdf")) + sorted((ROOT / "tests/fixtures/real-pdfs").glob("*.pdf"))
    with tempfile.TemporaryDirectory() as scratch:
        if args.generated:
            paths += generated(Path(scratch))
        rows = [measure(path) for path in paths]
    args.reports.mkdir(parents=True, exist_ok=True)
    (args.reports / "real-pdfs.json").write_text(json.dumps(rows, indent=2) + "\n")
    report = markdown(rows)
    (args.reports / "real-pdfs.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
