"""PDF text extractors side by side on real PDFs: pypdf (plain and layout mode), pypdfium2 (PDFium) and
pdfminer.six's layout analysis.

    python eval/bench_extract.py PDF [PDF ...] [--kerned 180 120 80] [--reports eval/reports]

pypdfium2 and pdfminer.six are not dependencies of the project: run this in a scratch environment
that has them (`python -m venv /tmp/xv && /tmp/xv/bin/pip install pypdfium2 pdfminer.six pypdf`);
an extractor that is not installed is left out of the table. No PDF tool of the machine (such as
poppler's pdftotext) is assumed, so the reference is the extractors' consensus (for each PDF, a
word counts as many times as the median extractor has it), except for the PDFs `--kerned`
generates, whose words are known. Per PDF and extractor the report gives
the words found, word recall and precision against that consensus, the glued share (letters in
"words" longer than 24 letters, as ingest measures it: words a text layer runs together) and the
seconds per page. Writes eval/reports/extractors.md and .json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[^\W\d_]{2,}")
GLUED_LETTERS = 24


def pypdf_plain(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def pypdf_layout(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "\n".join(page.extract_text(extraction_mode="layout") or "" for page in reader.pages), len(reader.pages)


def pdfium(path: Path) -> tuple[str, int]:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    return "\n".join(texts), len(document)


def pdfminer(path: Path) -> tuple[str, int]:
    from pdfminer.high_level import extract_text
    from pypdf import PdfReader

    return extract_text(str(path)), len(PdfReader(path).pages)


EXTRACTORS: dict[str, Callable[[Path], tuple[str, int]]] = {
    "pypdf": pypdf_plain,
    "pypdf layout": pypdf_layout,
    "pypdfium2": pdfium,
    "pdfminer.six": pdfminer,
}


def words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in WORD.findall(text))


def glued_share(text: str) -> float:
    lengths = [len(word) for word in re.findall(r"[^\W\d_]+", text)]
    return sum(n for n in lengths if n > GLUED_LETTERS) / (sum(lengths) or 1)


def available() -> dict[str, Callable[[Path], tuple[str, int]]]:
    found = {}
    for name, extract in EXTRACTORS.items():
        module = {"pypdfium2": "pypdfium2", "pdfminer.six": "pdfminer"}.get(name, "pypdf")
        try:
            __import__(module)
        except ImportError:
            continue
        found[name] = extract
    return found


def measure(paths: list[Path], truths: dict[str, Counter[str]] | None = None) -> dict:  # type: ignore[type-arg]
    """`truths` holds the words a generated PDF really has; the others are judged against the consensus."""
    extractors = available()
    rows = []
    for path in paths:
        found: dict[str, tuple[Counter[str], float, float]] = {}
        for name, extract in extractors.items():
            started = time.perf_counter()
            text, pages = extract(path)
            found[name] = (words(text), glued_share(text), (time.perf_counter() - started) / max(1, pages))
        vocabulary = set().union(*(counts for counts, _, _ in found.values()))
        consensus = Counter({w: int(statistics.median(counts[w] for counts, _, _ in found.values())) for w in vocabulary})
        consensus = +consensus  # words most extractors miss drop out
        consensus = (truths or {}).get(path.name, consensus)
        total = sum(consensus.values()) or 1
        for name, (counts, glued, seconds) in found.items():
            agreed = sum(min(counts[w], consensus[w]) for w in counts)
            rows.append({
                "pdf": path.name,
                "extractor": name,
                "words": sum(counts.values()),
                "recall": agreed / total,
                "precision": agreed / (sum(counts.values()) or 1),
                "glued_share": glued,
                "seconds_per_page": seconds,
            })
    return {"pdfs": [p.name for p in paths], "extractors": list(extractors), "rows": rows}


def markdown(figures: dict) -> str:  # type: ignore[type-arg]
    lines = [
        "# PDF text extractors side by side",
        "",
        f"{len(figures['pdfs'])} PDFs, {len(figures['extractors'])} extractors (`eval/bench_extract.py`). Reference: the "
        "extractors' consensus (each word as often as the median extractor has it; no pdftotext on this machine), or for "
        "the generated kerned-N.pdf (words placed by kerning gaps of N thousandths of an em, no spaces) the words they hold. "
        "Glued share: letters in \"words\" longer than 24 letters.",
        "",
        "| PDF | extractor | words | recall | precision | glued share | s/page |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in figures["rows"]:
        lines.append(
            f"| {r['pdf']} | {r['extractor']} | {r['words']} | {r['recall']:.3f} | {r['precision']:.3f} | "
            f"{r['glued_share']:.3f} | {r['seconds_per_page']:.3f} |"
        )
    lines += ["", "Means over the PDFs:", "", "| extractor | recall | precision | glued share | s/page |", "|---|---|---|---|---|"]
    for name in figures["extractors"]:
        mine = [r for r in figures["rows"] if r["extractor"] == name]
        lines.append(
            f"| {name} | {statistics.fmean(r['recall'] for r in mine):.3f} | {statistics.fmean(r['precision'] for r in mine):.3f} | "
            f"{statistics.fmean(r['glued_share'] for r in mine):.3f} | {statistics.fmean(r['seconds_per_page'] for r in mine):.3f} |"
        )
    return "\n".join(lines) + "\n"


PROSE = (
    "The project name is pronounced with a short e in the first syllable and the stress on it while the maintainers "
    "place words by moving the pen instead of writing spaces between them"
).split()


def kerned_pdf(folder: Path, gap: int) -> tuple[Path, Counter[str]]:
    """Three pages of prose whose words are placed by kerning (TJ offsets of `gap` thousandths of an em), not by
    spaces: how some typesetters write text, and what makes extractors run words together. Returns the PDF and the
    words it really holds."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    lines = [b"BT", b"/F1 11 Tf", b"72 720 Td"]
    for line in range(30):
        chosen = PROSE[line % 5 * 3 : line % 5 * 3 + 14]
        lines += [b"[" + b" ".join(b"(" + w.encode() + b") -" + str(gap).encode() for w in chosen) + b"] TJ", b"0 -14 Td"]
    lines.append(b"ET")
    for _ in range(3):
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        content = DecodedStreamObject()
        content.set_data(b"\n".join(lines))
        page[NameObject("/Contents")] = writer._add_object(content)
    path = folder / f"kerned-{gap}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    truth = words(" ".join(" ".join(PROSE[line % 5 * 3 : line % 5 * 3 + 14]) for line in range(30)) + " ")
    return path, Counter({w: n * 3 for w, n in truth.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--reports", type=Path, default=ROOT / "eval" / "reports")
    parser.add_argument(
        "--kerned", type=int, nargs="*", default=[],
        help="Also generate PDFs whose words are placed by kerning gaps of these thousandths of an em (e.g. 180 120 80).",
    )
    args = parser.parse_args()
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kerned-"))
    generated = [kerned_pdf(folder, gap) for gap in args.kerned]
    figures = measure(list(args.pdfs) + [path for path, _ in generated], {path.name: truth for path, truth in generated})
    args.reports.mkdir(parents=True, exist_ok=True)
    (args.reports / "extractors.json").write_text(json.dumps(figures, indent=2) + "\n")
    text = markdown(figures)
    (args.reports / "extractors.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
