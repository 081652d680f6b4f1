"""Real PDFs from other typesetters: structure from the document's outline, no running headers, no navigation.

The two manuals in tests/fixtures/real-pdfs/ (texinfo and LaTeX) carry running headers that change per chapter and
carry the page number, page numbers alone, a table of contents and back-of-book indexes, and outlines
(bookmarks) that name every section. A generated book adds headers that alternate between odd and even pages;
Chromium prints a brief, and fpdf2 (PyFPDF) typesets a manual with a contents page and a table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.ingest import _comparable, _outline, load_document
from conftest import FIXTURES
from hostile import font_resources, text_page, written

REAL = FIXTURES / "real-pdfs"
MANUALS = sorted(REAL.glob("*.pdf"))


@pytest.fixture(scope="module", params=MANUALS, ids=lambda path: path.name)
def manual(request):  # type: ignore[no-untyped-def]
    path: Path = request.param
    return load_document(path), _outline(PdfReader(path))


def test_there_are_real_pdfs_from_two_typesetters():
    producers = {str(PdfReader(path).metadata.get("/Producer", "")).split("-")[0] for path in MANUALS}
    assert len(MANUALS) >= 2 and len(producers) >= 1


def test_sections_are_the_outline_entries_with_their_titles(manual):
    document, outline = manual
    titles = [s.path[-1] for s in document.sections if s.path and s.path[-1] != "Notes"]
    found = [e for e in outline if any(_comparable(t).endswith(_comparable(e.title)) for t in titles)]
    assert len(found) >= 0.9 * len([e for e in outline if "index" not in e.title.lower()])
    assert all(re.search(r"[A-Za-z]{3}", title) for title in titles)  # never a bare number such as "2.1"
    for section in document.sections:
        if section.path and section.path[-1] != "Notes":  # each section starts with its heading, in the text
            assert document.text[section.start : section.end].startswith(section.path[-1].rstrip("…")[:20])
    depth = {e.title: e.level for e in outline}
    nested = [s for s in document.sections if len(s.path) >= 2]
    assert nested and all(len(s.path) <= max(depth.values()) for s in document.sections if s.path and s.path[-1] != "Notes")


def test_running_headers_footers_and_page_numbers_are_gone(manual):
    document, _ = manual
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    assert not [line for line in lines if re.fullmatch(r"\d{1,3}|[ivx]{1,4}", line)]
    assert not [line for line in lines if re.match(r"Chapter \d+: ", line)]
    # a running header on only a few pages, carrying the printed page number: "Appendix A: Copying Information 25"
    assert not re.search(r"(?:Chapter|Appendix) \w+: [A-Z][a-z]+(?: [A-Za-z]+)* \d+\b", document.text)
    assert lines.count(document.title) <= 1  # the title page, not every page's header


def test_tables_of_contents_and_indexes_are_not_indexed(manual):
    document, _ = manual
    assert not re.search(r"(?:\. ){4,}\s*\d+", document.text)
    assert "Table of Contents" not in document.text


# ---------------------------------------------------------------- a generated book


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode()


def book_pdf(chapters: list[tuple[str, int]]) -> bytes:
    """A book whose running header alternates: "N Chapter K. Title" on even pages, "Chapter K. Title N" on odd
    ones, with a footer carrying the book's name; no outline, so the layout decides."""
    writer = PdfWriter()
    fonts = font_resources(writer)
    number = 0
    for chapter, (title, pages) in enumerate(chapters, start=1):
        for page_in_chapter in range(pages):
            number += 1
            header = f"{number} Chapter {chapter}. {title}" if number % 2 == 0 else f"Chapter {chapter}. {title} {number}"
            body = []
            if page_in_chapter == 0:
                body.append((16, f"Chapter {chapter}. {title}"))
            body += [(11, f"Paragraph {i} of page {number} says something about {title.lower()} and the border police.")
                     for i in range(8)]
            stream = [b"BT /F1 9 Tf 72 %d Td (%s) Tj ET" % (760 + (number % 2) * 6, _escape(header))]
            y = 720
            for size, text in body:
                stream.append(b"BT /F1 %d Tf 72 %d Td (%s) Tj ET" % (size, y, _escape(text)))
                y -= 40
            stream.append(b"BT /F1 8 Tf 72 40 Td (%s) Tj ET" % _escape(f"Handbook of Border Policing, edition {2 + number % 2}"))
            text_page(writer, fonts, stream)
    return written(writer)


def test_headers_that_alternate_and_change_per_chapter_are_dropped_and_chapters_stay(tmp_path):
    path = tmp_path / "handbook.pdf"
    path.write_bytes(book_pdf([("Applying to Become a Member", 3), ("Definitions and Overview", 4), ("Training", 3)]))
    document = load_document(path)
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    assert not [line for line in lines if re.fullmatch(r"\d+ Chapter \d\. .*|Chapter \d\. .* \d+", line)]
    assert not [line for line in lines if line.startswith("Handbook of Border Policing")]
    for chapter, title in enumerate(["Applying to Become a Member", "Definitions and Overview", "Training"], start=1):
        assert f"Chapter {chapter}. {title}" in document.text  # the chapter's own heading stays
    assert document.text.count("Paragraph 3 of page") == 10


def spaceless_pdf(gap: int = 100, pages: int = 1, lines: int = 60, words_per_line: int = 10) -> bytes:
    """Words kerned apart by a narrow gap (TJ -gap, thousandths of an em) with no space character between: the
    text layer of some writers, which pypdf reads as one long word. Each page opens with a running header."""
    writer = PdfWriter()
    fonts = font_resources(writer)
    vocabulary = "the project name is pronounced with a short e in the first syllable and border police".split()
    for number in range(1, pages + 1):
        stream = [b"BT /F1 9 Tf 40 800 Td [(Handbook) -%d (of) -%d (Kerned) -%d (Type) -%d (%d)] TJ ET" % (gap, gap, gap, gap, number)]
        for row in range(lines):
            words = [vocabulary[(row * words_per_line + i) % len(vocabulary)] for i in range(words_per_line)]
            kerned = f" -{gap} ".encode().join(b"(%s)" % word.encode() for word in words)
            stream.append(b"BT /F1 10 Tf 40 %d Td [%s] TJ ET" % (760 - row * 12, kerned))
        text_page(writer, fonts, stream)
    return written(writer)


def test_words_placed_by_kerning_gaps_are_read_whole_from_the_gaps(tmp_path):
    """pypdf reads such a PDF as one long word per line; ingest then measures the gaps between letters
    (pdfminer.six's layout analysis) and keeps the words, with running headers dropped as for any PDF."""
    from assistant.ingest import extraction_quality, glued_share

    path = tmp_path / "kerned.pdf"
    path.write_bytes(spaceless_pdf(gap=100, pages=3))
    document = load_document(path)
    assert glued_share(document.text) == 0.0 and extraction_quality(document.text) > 0.97
    assert "the project name is pronounced with a short e in the first syllable and border police" in " ".join(document.text.split())
    assert "Handbook" not in document.text  # the running header, read from the gaps too, is still a running header
    assert [span.page for span in document.pages] == [1, 2, 3]


def test_a_pdf_whose_words_have_no_gaps_at_all_is_refused_with_the_reason(tmp_path):
    from assistant.errors import DocumentError

    path = tmp_path / "spaceless.pdf"
    path.write_bytes(spaceless_pdf(gap=0))
    with pytest.raises(DocumentError, match=r"words of this PDF's text run together \(\d+% of its letters are in 'words' longer than 24.*even with the gaps"):
        load_document(path)


def test_printed_page_numbers_are_kept_and_shown_beside_the_pdf_page():
    from api.routes.sources import render_view

    document = load_document(REAL / "libtasn1.pdf")
    assert document.page_labels[:4] == ["T-1", "T-2", "i", "1"] and document.page_label(5) == "2"
    start = next(span.start for span in document.pages if span.page == 5)
    view = render_view(document, start, start + 10)
    assert "page 2 (PDF page 5)" in view and 'href="/documents/libtasn1/file#page=5"' in view
    assert load_document(FIXTURES.parent.parent / "corpus" / "forced-displacement-and-ssr-briefing-note.pdf").page_labels == []
    from assistant.payloads import quote_payload

    cited = quote_payload(document.quote("", start, start + 10))  # a citation carries both numbers
    assert cited["pages"] == [5] and cited["printed_pages"] == ["2"]


def print_with_chromium(path: Path, html: str, header: str, outline: bool = True) -> None:
    """Print a page with Chromium (Skia/PDF), with `header` as a running header and "Page N of M" footers."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Chromium is not installed: `make test` installs it (Debian package 'chromium').")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.set_content(html)
        page.pdf(
            path=str(path), format="A4", display_header_footer=True, outline=outline,
            header_template=f'<div style="font-size:8px;width:100%;text-align:center">{header}</div>',
            footer_template='<div style="font-size:8px;width:100%;text-align:center">Page <span class="pageNumber"></span> of '
            '<span class="totalPages"></span></div>',
            margin={"top": "60px", "bottom": "60px", "left": "50px", "right": "50px"},
        )
        browser.close()


def chromium_printed_pdf(path: Path) -> None:
    """A brief printed by Chromium, with a running header and "Page N of M" footers, and an outline."""
    parts = ["<html><head><title>Border Policing Manual</title></head><body><h1>Border Policing Manual</h1>"]
    for section in range(1, 6):
        parts.append(f"<h2>{section}. Training of unit {section}</h2>")
        parts += [f"<p>Paragraph {p} of section {section} explains how the border police unit trains with communities, "
                  "keeps records, and reports to the oversight body every month.</p>" for p in range(10)]
    parts.append("</body></html>")
    print_with_chromium(path, "".join(parts), "Border Policing Manual — SSR field series")


def test_a_brief_printed_by_chromium_keeps_its_sections_and_loses_its_header_and_footer(tmp_path):
    path = tmp_path / "printed.pdf"
    chromium_printed_pdf(path)
    assert str(PdfReader(path).metadata.get("/Producer", "")).startswith("Skia/PDF") and len(PdfReader(path).pages) >= 3
    document = load_document(path)
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    assert not [line for line in lines if "SSR field series" in line or re.fullmatch(r"Page \d+ of \d+", line)]
    assert [s.path[-1] for s in document.sections if s.path] == [f"{n}. Training of unit {n}" for n in range(1, 6)]
    assert document.title == "Border Policing Manual" and document.text.count("Paragraph 9 of section") == 5


HARBOUR_BRIEF = """<html><head><title>harbour-brief.html</title><style>
body { font-family: serif; font-size: 11pt; } h1 { font-size: 20pt; } h2 { font-size: 15pt; } sup { font-size: 7pt; }
.drop::first-letter { font-size: 30pt; float: left; line-height: 0.9; margin-right: 3px; }
</style></head><body>
<h1>Harbour Safety and Port Governance</h1>
<p class="drop">This brief examines how port authorities manage the safety of ferries and fishing fleets, and how the
harbour board oversees them.<sup>1</sup></p>
<h2>1. Why harbour safety matters</h2>
<p>In 2019 alone, 312 deaths were recorded across the region's forty ports.<sup>2</sup> Most accidents happen at night,
when pilot boats are short of crew and radar coverage is patchy.</p>
<p style="font-size: 16pt; font-style: italic">“Most of the dead were crews of pilot boats.”</p>
<p style="font-size: 16pt">Night pilotage is where the money should go first.</p>
<p>Harbour masters agree that the night shift needs two pilots.</p>
<h2>2. Inspections by port</h2>
<p>The review counted inspections and accidents in each port.</p>
<table border=1 style="font-size: 12pt"><tr><th>Port</th><th>Inspections 2019</th><th>Accidents</th></tr>
<tr><td>North Quay</td><td>120</td><td>14</td></tr><tr><td>Salt Bay</td><td>45</td><td>31</td></tr></table>
<p style="font-size: 8pt">1 Interviews were held in 2020. 2 Regional Maritime Safety Observatory, 2020.</p>
</body></html>"""


def test_a_printed_brief_keeps_drop_caps_in_their_word_paragraphs_past_footnote_marks_tables_and_pull_quotes_out_of_its_headings(tmp_path):
    path = tmp_path / "harbour.pdf"
    print_with_chromium(path, HARBOUR_BRIEF, "Harbour Safety Brief — Regional Maritime Series", outline=False)
    assert PdfReader(path).metadata.get("/Title") == "harbour-brief.html"
    document = load_document(path)
    # the metadata title names the file it was printed from: the brief's first heading is its title
    assert document.title == "Harbour Safety and Port Governance"
    # a drop cap opens its word again
    assert "This brief examines how port authorities" in document.text
    # a footnote mark set above the line goes with it: the paragraph goes on after it, and no mark stands alone
    assert "forty ports.2 Most accidents happen at night" in document.text
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    assert not [line for line in lines if re.fullmatch(r"\d{1,2}", line)]
    # a table's rows, in larger type than the text and its header row in bold, are rows, not headings; nor is a pull
    # quote set large, in its quotation marks or as a sentence
    assert [s.path for s in document.sections if s.path] == [
        ("1. Why harbour safety matters",), ("2. Inspections by port",), ("Notes",)
    ]
    for row in ("Port Inspections 2019 Accidents", "North Quay 120 14", "Salt Bay 45 31"):
        assert row in lines


COAST_GUARD_BRIEF = """<html><head><title>Coast Guard Reform</title><style>
body { font-family: serif; font-size: 11pt; } h1 { font-size: 20pt; } h2 { font-size: 15pt; } sup { font-size: 7pt; }
.box { float: %s; width: 35%%; margin: 0 12px; padding: 6px; background: #eee; font-size: 9pt; } .small { font-size: 8pt; }
</style></head><body>
<h1>Coast Guard Reform in Small Island States</h1>
<h2>1. Why coast guards matter</h2>
<div class="box"><b>Box 1: Key terms</b><p>A coast guard is a maritime security service. Search and rescue means finding
and saving people in distress at sea.</p></div>
<p>Small island states depend on the sea for food, trade and tourism. Their coast guards patrol vast waters with few
boats, and most of them were built for fisheries control rather than for rescue. When a ferry sinks, the coast guard is
often the only service able to reach it in time.<sup>1</sup> This section explains how reform can give coast guards the
crews, the boats and the oversight they need.</p>
<div style="width: 200px; height: 60px; background: #99c"></div>
<p class="small">Figure 1: Patrol boats per 1,000 km of coast, 2020.</p>
<p>Reform begins with a clear mandate written into law. Parliament should decide what the coast guard does.</p>
<h2>2. Oversight and budgets</h2>
<p>An audit office should review the coast guard's spending.</p>
<p class="small">1 Regional Coast Guard Survey, 2021.</p>
</body></html>"""


@pytest.mark.parametrize("side", ["right", "left"])
def test_a_box_floated_beside_the_text_and_a_caption_in_small_type_are_read_where_they_stand(tmp_path, side):
    path = tmp_path / "coast-guard.pdf"
    print_with_chromium(path, COAST_GUARD_BRIEF % side, "Coast Guard Reform — Island Security Series", outline=False)
    document = load_document(path)
    text = document.text
    # Chromium paints a float before the text around it: the box had come first, before the brief's title, and its
    # small type had gone to "Notes"; it follows the paragraph beside it, in its section
    order = [text.index(part) for part in (
        "Coast Guard Reform in Small Island States", "the crews, the boats and the oversight they need.",
        "Box 1: Key terms", "A coast guard is a maritime security service.", "Figure 1: Patrol boats",
        "Reform begins with a clear mandate",
    )]
    assert order == sorted(order), text
    section = next(s for s in document.sections if s.path == ("1. Why coast guards matter",))
    assert section.start < text.index("A coast guard is") < text.index("Figure 1: Patrol boats") < section.end
    # small type below the page's text is a footnote still; a page number alone on a one-page brief is gone
    notes = next(s for s in document.sections if s.path == ("Notes",))
    assert text.index("1 Regional Coast Guard Survey, 2021.") >= notes.start
    assert "Page 1 of 1" not in text


def test_a_footnote_above_a_footer_in_the_body_s_type_is_a_note_and_a_default_sup_mark_joins_its_line(tmp_path):
    path = tmp_path / "tug-crews.pdf"
    print_with_chromium(path, (
        "<html><head><title>Tug Crews</title><style>body { font-family: serif; font-size: 11pt; } h1 { font-size: 20pt; } "
        "h2 { font-size: 15pt; } .small { font-size: 8pt; } .foot { position: fixed; bottom: 0; font-size: 11pt; }"
        "</style></head><body><h1>Tug Crews in Winter</h1><h2>1. Crews</h2><p>Tug crews work in shifts of twelve hours "
        "through the winter, and each crew trains with the harbour pilots every month.<sup>1</sup></p>"
        "<p class='small'>1 Harbour Board staff survey, 2022.</p><div class='foot'>harbour.example.org</div></body></html>"
    ), "Tug Crews", outline=False)
    document = load_document(path)
    # a <sup> at the browser's own size (five sixths of the line) is a mark of its line, not a paragraph "1"
    assert "every month.1" in document.text
    assert not [line for line in document.text.split("\n") if line.strip() == "1"]
    # the footer set at the body's size below it does not make the footnote text of the page
    notes = next(s for s in document.sections if s.path == ("Notes",))
    assert document.text.index("1 Harbour Board staff survey, 2022.") >= notes.start


def test_examples_in_small_type_in_a_texinfo_manual_stand_in_their_section():
    document = load_document(REAL / "libtasn1.pdf")
    # the licence's sample notices, set small between the paragraphs that introduce them, had gone to "Notes"
    example = document.text.index("Copyright (C) year your name.")
    assert document.text.index("put the following copyright and license notices just after the title page") < example
    assert [s.path for s in document.sections if s.start <= example < s.end] == [
        ("Appendix A Copying Information", "A.1 GNU Free Documentation License")
    ]
    assert not [s for s in document.sections if s.path == ("Notes",)]


def test_two_columns_are_read_one_after_the_other(tmp_path):
    path = tmp_path / "columns.pdf"
    paragraphs = "".join(
        f"<p>Paragraph {i} tells how patrol boat crew {i} trains at night and reports to the harbour master.</p>" for i in range(12)
    )
    print_with_chromium(path, f"<html><body><h1>Patrol Boat Crews</h1><div style='column-count: 2'>{paragraphs}</div></body></html>",
                        "Patrol Boat Crews", outline=False)
    text = load_document(path).text
    assert [text.index(f"Paragraph {i} tells") for i in range(12)] == sorted(text.index(f"Paragraph {i} tells") for i in range(12))


def test_a_metadata_title_naming_a_file_or_left_by_an_editor_is_no_title():
    from assistant.ingest import placeholder_title

    for title in ("harbour-brief.html", "Microsoft Word - note v3.docx", "Untitled", "untitled document", "about:blank",
                  "(unspecified)"):
        assert placeholder_title(title), title
    for title in ("Security Sector Reform", "Harbour Safety and Port Governance", "The .NET Migration Guide 2.0"):
        assert not placeholder_title(title), title


# ---------------------------------------------------------------- a manual made with fpdf2 (PyFPDF)

MANUAL_TITLE = "Field Manual for Water Committees"
MANUAL_CHAPTERS = [
    ("Forming a Committee", ["Purpose", "Who may serve", "Checklist"]),
    ("Keeping the Accounts", ["Purpose", "Costs of repair", "Checklist"]),
    ("Repairing the Pump", ["Purpose", "Tools", "Checklist"]),
]
COSTS = [("Item", "Cost", "Who pays"), ("Spare washers", "12 dollars", "The committee fund"),
         ("New handle", "40 dollars", "Households in equal shares"), ("Mechanic visit", "25 dollars", "The district office")]


def fpdf2_manual_pdf(path: Path, paragraphs: int = 3) -> None:
    """A manual typeset by fpdf2: a contents page with dot leaders, an outline, a running header that alternates
    between the manual's title (even pages) and "Chapter K: Title" (odd pages), "Page N" footers, and a table of
    costs drawn cell by cell with rows as close as the lines of a paragraph. Every chapter opens with a "Purpose"
    section; with one paragraph per section each chapter fits a page, so "K.1 Purpose" sits at the same height on
    every page."""
    from fpdf import FPDF
    from fpdf.outline import TableOfContents

    words = ("well pump handle washer treasurer ledger village household meeting record district mechanic spring "
             "borehole tariff receipt rainy season latrine chlorine bucket queue rota caretaker").split()

    def sentence(*numbers: int) -> str:
        seed = sum(n * m for n, m in zip(numbers, (7, 5, 3, 1)))
        w = [words[(seed + 4 * k) % len(words)] for k in range(6)]
        return (f"The {w[0]} and the {w[1]} are checked by the {w[2]} before the {w[3]} meeting, so that every {w[4]} "
                f"knows the {w[5]} rule number {''.join(map(str, numbers))}.")

    class Manual(FPDF):
        running = ""

        def header(self) -> None:
            if self.page_no() > 2:
                self.set_font("Helvetica", "I", 9)
                odd = self.page_no() % 2 == 1
                self.cell(0, 8, self.running if odd else MANUAL_TITLE, align="R" if odd else "L")
                self.ln(12)

        def footer(self) -> None:
            if self.page_no() > 1:
                self.set_y(-15)
                self.set_font("Helvetica", "", 9)
                self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Manual()
    pdf.set_title(MANUAL_TITLE)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(0, 40, MANUAL_TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.insert_toc_placeholder(TableOfContents().render_toc, pages=1)
    for c, (title, sections) in enumerate(MANUAL_CHAPTERS, start=1):
        pdf.running = f"Chapter {c}: {title}"
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.start_section(f"{c} {title}", level=0)
        pdf.cell(0, 10, f"{c} {title}", new_x="LMARGIN", new_y="NEXT")
        for s, section in enumerate(sections, start=1):
            pdf.set_font("Helvetica", "B", 13)
            pdf.start_section(f"{c}.{s} {section}", level=1)
            pdf.cell(0, 9, f"{c}.{s} {section}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 11)
            for p in range(paragraphs):
                pdf.multi_cell(0, 5.5, " ".join(sentence(c, s, p, i) for i in range(4)), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            if section == "Costs of repair":
                pdf.multi_cell(0, 5.5, "The costs of a repair are shared as follows:", new_x="LMARGIN", new_y="NEXT")
                for row in COSTS:
                    for width, cell in zip((50, 30, 90), row):
                        pdf.cell(width, 5.5, cell)
                    pdf.ln(5.5)
    pdf.output(str(path))


def test_a_manual_made_by_fpdf2_keeps_its_outline_and_its_table_rows_and_loses_its_furniture(tmp_path):
    from assistant.ingest import extraction_quality

    path = tmp_path / "manual.pdf"
    fpdf2_manual_pdf(path)
    assert len(PdfReader(path).pages) >= 8
    document = load_document(path)
    outline = [entry.title for entry in _outline(PdfReader(path))]
    assert [s.path[-1] for s in document.sections if s.path] == outline
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    assert not [line for line in lines if re.fullmatch(r"Chapter \d: .*|Page \d+", line) or "...." in line]
    assert lines.count(MANUAL_TITLE) == 1 and extraction_quality(document.text) >= 0.97
    for row in COSTS:  # each row of the table is a line of its own, cells in order, not run into its neighbours
        assert " ".join(row) in lines
    costs = next(s for s in document.sections if s.path[-1:] == ("2.2 Costs of repair",))
    assert "Mechanic visit 25 dollars" in document.text[costs.start : costs.end]


def test_a_section_title_at_the_same_height_on_most_pages_is_a_heading_not_a_running_header(tmp_path):
    path = tmp_path / "short-chapters.pdf"
    fpdf2_manual_pdf(path, paragraphs=1)
    document = load_document(path)
    titles = [s.path[-1] for s in document.sections if s.path]
    assert [f"{c}.1 Purpose" for c in (1, 2, 3)] == [t for t in titles if t.endswith("Purpose")]
    assert titles == [entry.title for entry in _outline(PdfReader(path))]
