"""Files -> Documents: PDF (pypdf; pdfminer.six when pypdf runs the words together), plain text and Markdown, chosen by content.

Each loader turns a file into `Block`s; `structure.build_document` finds the headings
and assembles the normalised text. A file that cannot be read raises `DocumentError`
with the reason; `load_corpus` collects those per file and ingests the rest.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace
from collections.abc import Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from pypdf import PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError

from .errors import CorpusError, DocumentError
from .models import Document, FileProblem
from .structure import BULLET, Block, build_document

logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("pdfminer").setLevel(logging.ERROR)

TEXT_EXTENSIONS = {".txt", ".text"}
MARKDOWN_EXTENSIONS = {".md", ".markdown"}
PDF_EXTENSIONS = {".pdf"}
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS | PDF_EXTENSIONS

_BULLET_GLYPHS = "•●▪■◦‣∙·\x7f\uf0b7\uf0a7\uf0d8-*–"
_BULLET_LINE = re.compile(rf"^\s*[{re.escape(_BULLET_GLYPHS)}]\s+(?=\S)")
_LONE_BULLET = re.compile(rf"\s*[{re.escape(_BULLET_GLYPHS)}]\s*")  # a PDF may draw the glyph apart from its item
_MARKDOWN_SIGNS = re.compile(r"^#{1,6} \S|\*\*\S[^*\n]*\*\*|\]\([^)\s]+\)|^```", re.M)


def document_id(path: Path) -> str:
    """A stable id from the file name: lower case, letters, digits and dashes."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return stem or "document"


def detect_format(name: str, data: bytes) -> str:
    """"pdf", "markdown" or "text", from the bytes first and the name second.

    Raises DocumentError for empty files, binary files that are not PDFs, and files whose
    name promises a format their content does not have.
    """
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty.")
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if suffix in PDF_EXTENSIONS:
        raise DocumentError(f"{name}: the name says PDF but the content is not a PDF (no %PDF- header).")
    if suffix and suffix not in SUPPORTED_EXTENSIONS:
        raise DocumentError(
            f"{name}: unsupported file type '{suffix}'. Supported: PDF, plain text (.txt) and Markdown (.md)."
        )
    text = decode_text(name, data)
    if suffix in MARKDOWN_EXTENSIONS or len(_MARKDOWN_SIGNS.findall(text)) >= 3:
        return "markdown"
    return "text"


def decode_text(name: str, data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else Windows-1252; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{name}: the file is binary, not text. Supported: PDF, plain text and Markdown.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DocumentError(f"{name}: the text is neither UTF-8 nor Windows-1252; save it as UTF-8.") from error
    if sum(not (c.isprintable() or c.isspace()) for c in text) > len(text) * 0.01:
        raise DocumentError(f"{name}: the file does not look like text; save it as UTF-8.")
    return text


def _clean_line(line: str) -> str:
    return re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", line).strip()


def _normalise_bullet(line: str) -> str:
    return _BULLET_LINE.sub(f"{BULLET} ", line, count=1)


# ---------------------------------------------------------------- plain text


def text_blocks(text: str) -> list[Block]:
    """Blank lines end a block; a bullet or a numbered heading line starts one."""
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            kind = "item" if current[0].startswith(BULLET) else "paragraph"
            blocks.append(Block(lines=list(current), kind=kind))
            current.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _clean_line(raw)
        if not line:
            flush()
            continue
        line = _normalise_bullet(line)
        if current and (line.startswith(BULLET) or _starts_numbered_heading(line)):
            flush()
        elif len(current) == 1 and _starts_numbered_heading(current[0]) and _ends_heading_line(current[0], line):
            flush()
        current.append(line)
    flush()
    return blocks


_NUMBERED_HEADING = re.compile(r"^(?:[IVX]{1,5}|[a-h])\.\s+[A-Z]")


def _starts_numbered_heading(line: str) -> bool:
    return bool(_NUMBERED_HEADING.match(line))


def _ends_heading_line(heading_line: str, next_line: str) -> bool:
    """A short numbered line with no closing punctuation, followed by a capitalised line, is a heading alone."""
    return len(heading_line.split()) <= 16 and not heading_line.endswith((".", ",", ";", ":", "-")) and next_line[:1].isupper()


# ---------------------------------------------------------------- markdown

_markdown = MarkdownIt("commonmark")


def markdown_blocks(text: str) -> list[Block]:
    """Blocks from the Markdown structure; inline markup (emphasis, links) becomes plain text."""
    blocks: list[Block] = []
    tokens = _markdown.parse(text)
    heading_level: int | None = None
    markers: list[str] = []  # one per open list item: "•", or "3." in an ordered list
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = None
        elif token.type == "list_item_open":
            markers.append(f"{token.info}{token.markup}" if token.info else BULLET)
        elif token.type == "list_item_close":
            markers.pop()
        elif token.type == "inline":
            lines = [_clean_line(line) for line in _inline_text(token).split("\n")]
            lines = [line for line in lines if line]
            if not lines:
                continue
            if markers and heading_level is None:
                lines[0] = f"{markers[-1]} {lines[0]}"
            blocks.append(
                Block(lines=lines, kind="item" if markers else "paragraph", heading_level=heading_level)
            )
        elif token.type in ("fence", "code_block", "html_block"):
            lines = [_clean_line(line) for line in token.content.split("\n") if line.strip()]
            if lines:
                blocks.append(Block(lines=lines))
    return blocks


def _inline_text(token) -> str:  # type: ignore[no-untyped-def]
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


# ---------------------------------------------------------------- PDF


@dataclass
class _PdfLine:
    page: int
    y: float
    text: str
    size: float
    bold: bool
    family: str
    columns: tuple[float, ...] = ()  # where text starts after a gap wider than COLUMN_GAP ems: a table's cells
    row: bool = False  # a row of a table: its columns line up with a neighbour's; kept as a line of its own
    starts: tuple[float, ...] = ()  # where each piece of text after the first starts (a header row's cells)
    x: float = 0.0  # where the line's first piece starts


# No stream of a brief decompresses to more than this; a bomb stops at it (LimitReachedError, a 422) instead of
# costing seconds per megabyte to parse. pypdf's own limits are 75 MB.
MAX_PDF_STREAM_BYTES = 8_000_000
STREAM_LIMITS = (
    "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
    "array_based_stream_maximum_output_length",
)


def pdf_blocks(name: str, data: bytes, max_chars: int | None = None) -> tuple[list[Block], str | None, bool, list[str]]:
    """Blocks and the metadata title of a PDF.

    Lines are rebuilt from pypdf's positioned text; running headers and footers (the
    same text at the same height on most pages) are dropped; a paragraph ends where the
    gap to the next line is larger than the font's line spacing, where the type changes,
    or at a bullet; smaller type than the body is kept as notes. With `max_chars`, extraction stops with
    a DocumentError as soon as the text grows past it (a small PDF can expand to millions of characters).
    """
    with apply_configuration(**{name: MAX_PDF_STREAM_BYTES for name in STREAM_LIMITS}):
        return _pdf_blocks(name, data, max_chars)


def _pdf_blocks(name: str, data: bytes, max_chars: int | None) -> tuple[list[Block], str | None, bool, list[str]]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError(f"{name}: the PDF is encrypted; save an unencrypted copy.")
            except (FileNotDecryptedError, NotImplementedError) as error:
                raise DocumentError(f"{name}: the PDF is encrypted; save an unencrypted copy.") from error
        pages = list(reader.pages)
        outline = _outline(reader)
        labels = _page_labels(reader)
        metadata_title = None
        try:
            metadata_title = (reader.metadata or {}).get("/Title")
        except Exception:  # broken metadata must not lose the document
            metadata_title = None
        lines: list[_PdfLine] = []
        extracted = 0
        for number, page in enumerate(pages, start=1):
            try:
                page_lines = _page_lines(page, number, None if max_chars is None else max_chars - extracted)
            except _TextCapReached:
                raise DocumentError(
                    f"{name}: the PDF holds more than {max_chars:,} characters of text (by page {number} of {len(pages)}); "
                    "split it into several briefs."
                ) from None
            lines.extend(_floats_in_place(page_lines))
            extracted += sum(len(line.text) for line in page_lines)
    except DocumentError:
        raise
    except (LimitReachedError, RecursionError) as error:  # decompression bombs, operands nested without end
        raise DocumentError(f"{name}: the PDF is built to exhaust a reader ({error.__class__.__name__}); it was not read.") from error
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        raise DocumentError(f"{name}: the PDF cannot be read ({error.__class__.__name__}: {error}).") from error
    if not pages:
        raise DocumentError(f"{name}: the PDF has no pages.")
    if glued_share(" ".join(line.text for line in lines)) > MAX_GLUED_SHARE:
        lines = _layout_lines(data, len(pages)) or lines  # words placed by kerning gaps: measure the gaps instead
    lines = _drop_outline_echoes(_drop_page_furniture(_drop_running_lines(lines, len(pages)), len(pages)), outline, labels)
    lines = _mark_table_rows(_drop_navigation_pages(_join_drop_caps(lines)))
    if not any(line.text.strip() for line in lines):
        raise DocumentError(f"{name}: the PDF has no extractable text (scanned images?); OCR it first.")
    glued = glued_share(" ".join(line.text for line in lines))
    if glued > MAX_GLUED_SHARE:
        raise DocumentError(
            f"{name}: the words of this PDF's text run together ({glued:.0%} of its letters are in 'words' longer than "
            f"{GLUED_LETTERS} letters, such as 'Theprojectnameis…'), so it could neither be searched nor quoted, "
            "even with the gaps between its letters measured. Its writer places words without spaces; export it as "
            "text or Markdown, or print it to PDF again."
        )
    title = str(metadata_title).strip() if isinstance(metadata_title, str) and metadata_title.strip() else None
    if title and placeholder_title(title):
        title = None
    blocks = _group_pdf_lines(lines)
    return blocks, title, mark_outline_headings(blocks, outline), labels


# A PDF's metadata title that names no document: the file it was made from ("brief.html", "Microsoft Word - note.docx"),
# or what a writer puts when none was given ("Untitled", "about:blank", "(unspecified)")
_PLACEHOLDER_TITLE = re.compile(
    r"(?:microsoft\s+(?:word|powerpoint)\s+-\s+)?.*\.(?:html?|docx?|odt|rtf|txt|md|pdf|pptx?|indd|tex|xml)"
    r"|untitled(?:\s*(?:document|\d+))?|about:blank|\(unspecified\)|unknown|document\d*|title",
    re.IGNORECASE,
)


def placeholder_title(title: str) -> bool:
    """Whether a PDF's metadata title is a file's name or a writer's placeholder rather than the document's title."""
    return _PLACEHOLDER_TITLE.fullmatch(title.strip()) is not None


def _page_labels(reader: PdfReader) -> list[str]:
    """The printed page numbers (the PDF's page labels: "i", "ii", "1" …), or [] when they are just 1, 2, 3."""
    try:
        labels = [str(label) for label in reader.page_labels]
    except Exception:  # broken label trees lose the labels, not the document
        return []
    return [] if labels == [str(n) for n in range(1, len(labels) + 1)] else labels


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark of a PDF's outline: the section title the document itself declares, its page and depth."""

    title: str
    page: int
    level: int


def _outline(reader: PdfReader) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item) + 1
            except Exception:  # a bookmark to nowhere: skip it, not the document
                continue
            title = " ".join(str(getattr(item, "title", "") or "").split())
            if title:
                entries.append(OutlineEntry(title, page, level))

    try:
        walk(reader.outline, 1)
    except Exception:  # a broken outline is no outline; the layout decides the sections
        return []
    return entries


def _comparable(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".:")


def mark_outline_headings(blocks: list[Block], outline: list[OutlineEntry]) -> bool:
    """Mark the blocks the outline names as headings of its depth, each searched for in order on its page or the
    next. The block may carry a number the bookmark leaves out ("2.1 ASN.1 syntax" for "ASN.1 syntax"). When at
    least half of the entries are found, the outline decides the sections (True); otherwise nothing is marked."""
    if len(outline) < 2:
        return False
    found: list[Block] = []
    cursor = 0
    for entry in outline:
        wanted = _comparable(entry.title)
        for index in range(cursor, len(blocks)):
            block = blocks[index]
            page = block.pages[0] if block.pages else None
            if page is not None and page > entry.page + 1:
                break
            if block.kind == "note" or (page is not None and page < entry.page):
                continue
            text = _comparable(block.joined())
            if text == wanted or (text.endswith(wanted) and len(text) - len(wanted) <= 16):
                block.heading_level = entry.level
                found.append(block)
                cursor = index + 1
                break
    if len(found) * 2 < len(outline):
        for block in found:
            block.heading_level = None
        return False
    return True


class _TextCapReached(BaseException):
    """Raised from inside pypdf's text visitor: a page draws more text than the document may hold.

    A BaseException because pypdf reads each form XObject under `except Exception` and carries on:
    an Exception would stop one drawing of the form, not the page."""


_BOLD = re.compile(r"bold|black|heavy", re.I)  # in a font's name


def _font_family(font: str) -> str:
    """"ABCDEF+Helvetica-Bold" -> "Helvetica": the family, without subset prefix or style."""
    return font.split("+")[-1].split("-")[0].split(",")[0]


# A footnote mark set above the line it follows ("… forty ports.²"): a few digits, letters or signs, in type this much
# smaller than the line's, raised by less than the line's size
SUPERSCRIPT_SHARE = 0.86  # HTML sets <sup> at "smaller", five sixths of the line; TeX and Word smaller still
_MARK = re.compile(r"\s*(?:\d{1,3}|[ivxIVX]{1,5}|[a-z]|[*†‡§¶]{1,3})\s*")


def _raised_mark(piece: str, size: float, y: float, line: tuple[float, list[tuple[str, float, str, float]]]) -> bool:
    """Whether a piece is a mark set above the open line (a footnote number): it belongs to that line, so that the
    text after it on the same baseline goes on in the same line and the same paragraph, not in a new one."""
    line_y, pieces = line
    line_size = max(piece_size for _, piece_size, _, _ in pieces)
    return _MARK.fullmatch(piece) is not None and size <= line_size * SUPERSCRIPT_SHARE and 0 < y - line_y < line_size


def _page_lines(page, number: int, budget: int | None = None) -> list[_PdfLine]:  # type: ignore[no-untyped-def]
    """The page's text lines, each with its height on the page and its type (size, weight, family).

    Raises _TextCapReached as soon as the page's text passes `budget` characters, so that one page
    drawing the same text a million times stops being read at once rather than after the page."""
    raw_lines: list[tuple[float, list[tuple[str, float, str, float]]]] = []
    line_open = False
    drawn = 0

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        nonlocal line_open, drawn
        if not text:
            return
        drawn += len(text)
        if budget is not None and drawn > budget:
            raise _TextCapReached
        y = cm[5] + tm[5] * (cm[3] or 1.0)
        x = cm[4] + tm[4] * (cm[0] or 1.0)
        font_name = str(font.get("/BaseFont", "")).lstrip("/") if font else ""
        effective_size = float(size) * abs(cm[3] or 1.0) * abs(tm[3] or 1.0)
        for index, piece in enumerate(text.split("\n")):
            if index:
                line_open = False
            if not piece:
                continue
            if line_open and raw_lines and (
                abs(raw_lines[-1][0] - y) <= max(2.5, effective_size * 0.3)
                or _raised_mark(piece, effective_size, y, raw_lines[-1])
            ):
                raw_lines[-1][1].append((piece, effective_size, font_name, x))
            else:
                raw_lines.append((y, [(piece, effective_size, font_name, x)]))
                line_open = True

    page.extract_text(visitor_text=visit)
    lines = []
    for y, pieces in raw_lines:
        text = _clean_line("".join(piece for piece, _, _, _ in pieces))
        if not text:
            continue
        words = [piece for piece in pieces if re.search(r"\w\w", piece[0])] or pieces
        size = Counter(round(piece[1], 1) for piece in words).most_common(1)[0][0]
        longest_font = max(words, key=lambda item: len(item[0]))[2]
        bold = all(_BOLD.search(piece[2]) for piece in words)
        starts = tuple(round(x, 1) for piece, _, _, x in pieces[1:] if piece.strip())
        lines.append(_PdfLine(
            number, y, text, size, bold, _font_family(longest_font), _columns(pieces), starts=starts, x=round(pieces[0][3], 1)
        ))
    return lines


FLOAT_APART = 5.0  # ems between where a float's lines start and where the text beside it starts
MAX_FLOATS_PER_PAGE = 8  # boxes put in place on one page; a page drawn up and down past that is read as drawn


def _floats_in_place(lines: list[_PdfLine]) -> list[_PdfLine]:
    """A page's lines in reading order when a box floated beside the text was drawn first: a browser paints floats
    before the text around them, so "Box 1: Key terms" and its lines came before the page's title. The lines drawn
    before the page's text jumps back up above them, when text drawn after them sits beside them (starting at least
    FLOAT_APART ems to their side), follow the paragraph beside their last line. Columns are not moved: the second
    starts no higher than the first, and a running header drawn last above the text has nothing beside it. At most
    MAX_FLOATS_PER_PAGE boxes a page, each found in one pass over its lines."""
    placed: list[_PdfLine] = []
    rest = lines
    for _ in range(MAX_FLOATS_PER_PAGE):
        cut = next((i for i in range(1, len(rest))  # where the page's text jumps back up
                    if rest[i].y > rest[i - 1].y + max(rest[i].size, rest[i - 1].size)), None)
        if cut is None:
            break
        drawn, after = rest[:cut], rest[cut:]
        top, bottom = max(line.y for line in drawn), min(line.y for line in drawn)
        size = max(line.size for line in drawn)
        left = min(line.x for line in drawn)
        beside = [i for i, line in enumerate(after) if bottom - size <= line.y <= top + size and abs(line.x - left) >= FLOAT_APART * size]
        if after[0].y <= top + size or not beside:
            break  # a column, or text set below: as drawn
        end = beside[-1]
        while end + 1 < len(after) and not _starts_new_block(after[end], after[end + 1], after[end + 1].text):
            end += 1  # to the end of the paragraph beside its last line
        placed += after[: end + 1] + drawn
        rest = after[end + 1 :]
    return placed + rest


COLUMN_GAP = 2.0  # ems of blank beyond a piece's widest likely end: a new cell, not the next word
WIDEST_LETTER = 0.6  # ems per character: wider than the average letter of any text face, so a gap is never guessed


def _columns(pieces: list[tuple[str, float, str, float]]) -> tuple[float, ...]:
    """Where a line's text starts again after a wide blank: cells of a table row ("Item", then "Cost" 140 pt to the
    right). () for ordinary lines. The blank is measured from where the previous piece would end if every letter
    were WIDEST_LETTER wide, so a line set word by word never counts."""
    columns: list[float] = []
    for (text, size, _, x), (following, _, _, next_x) in zip(pieces, pieces[1:]):
        if text.strip() and following.strip() and next_x - (x + len(text) * WIDEST_LETTER * size) > COLUMN_GAP * size:
            columns.append(round(next_x, 1))
    return tuple(columns)


HEADER_ROW_GAP = 2.5  # lines of the table's type between a header row's baseline and its first row's


def _mark_table_rows(lines: list[_PdfLine]) -> list[_PdfLine]:
    """Lines whose cells start where a neighbouring line's cells start (within 3 pt) are rows of a table; each is
    kept as a line of its own rather than run into one paragraph with the rows around it. A single line with a
    wide gap (a formula, a spaced-out heading) is not a table."""
    def aligned(a: _PdfLine, b: _PdfLine) -> bool:
        return any(abs(x - y) <= 3 for x in a.columns for y in b.columns)

    for previous, line in zip(lines, lines[1:]):
        if previous.columns and line.columns and aligned(previous, line):
            previous.row = line.row = True
    # the line right above a table's first row whose cells start where that row's do, at two places or more: its header
    # row ("Port | Inspections 2019 | Accidents"), whose short labels leave gaps too narrow to tell as columns
    for previous, line in zip(lines, lines[1:]):
        if line.row and not previous.row and previous.page == line.page and 0 < previous.y - line.y < HEADER_ROW_GAP * line.size:
            shared = sum(any(abs(x - y) <= 1 for y in line.starts) for x in previous.starts)
            previous.row = shared >= 2
    return lines


# pdfminer.six's layout analysis starts a new word where the gap between two letters is wider than this share of
# the letters' size. Its default (0.1) misses the narrow kerning gaps some writers use instead of spaces; 0.05 reads
# them and splits 0.1% of ordinary words on other PDFs (README, "PDF text extractors"), so it is only a fallback.
KERNED_WORD_MARGIN = 0.05


def _layout_lines(data: bytes, page_count: int) -> list[_PdfLine]:
    """The PDF's lines from pdfminer.six's layout analysis, which places words by the gaps between letters
    rather than by space characters: the fallback for a PDF whose words pypdf reads run together. Reads only
    what pypdf already read within its limits; [] if pdfminer.six cannot read it."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    lines: list[_PdfLine] = []
    try:
        pages = extract_pages(io.BytesIO(data), laparams=LAParams(word_margin=KERNED_WORD_MARGIN), maxpages=page_count)
        for number, page in enumerate(pages, start=1):
            for box in page:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    text = _clean_line(line.get_text()) if isinstance(line, LTTextLine) else ""
                    chars = [c for c in line if isinstance(c, LTChar)] if text else []
                    if not chars:
                        continue
                    size = Counter(round(c.size, 1) for c in chars).most_common(1)[0][0]
                    font = Counter(c.fontname for c in chars).most_common(1)[0][0]
                    bold = all(_BOLD.search(c.fontname) for c in chars if c.get_text().strip())
                    lines.append(_PdfLine(number, line.y0, text, size, bold, _font_family(font)))
    except Exception as error:  # a reader's failure on a PDF pypdf did read loses the fallback, not the document
        logging.getLogger(__name__).info("pdfminer.six could not read the PDF: %s", error)
        return []
    return lines


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


# A drop cap: a paragraph's first letter set this many times the body's size, beside the lines it opens
DROP_CAP_SHARE = 1.8
DROP_CAP_LOOKAHEAD = 12  # lines drawn after it among which the line it opens is looked for (a sidebar may come between)
_DROP_CAP = re.compile(r"[\"“‘'(]?[A-Z]")


def _join_drop_caps(lines: list[_PdfLine]) -> list[_PdfLine]:
    """Each drop cap put back at the start of the line it opens ("C" + "ommunity policing asks …"): a line of one
    capital, at DROP_CAP_SHARE times the body's size or more, and the first line drawn after it on its page that starts
    in lower case to its right, no lower than its baseline and no higher than its size above it. Left alone, the letter
    was a paragraph (or a heading) of its own and the word it opens was cut."""
    body = _body_size(lines)
    joined: list[_PdfLine] = []
    for at, line in enumerate(lines):
        if _DROP_CAP.fullmatch(line.text.strip()) and body and line.size >= DROP_CAP_SHARE * body:
            opened = next((
                i for i in range(at + 1, min(len(lines), at + 1 + DROP_CAP_LOOKAHEAD))
                if lines[i].page == line.page and lines[i].text[:1].islower() and lines[i].x > line.x
                and 0 <= lines[i].y - line.y <= line.size
            ), None)
            if opened is not None:
                lines[opened] = replace(lines[opened], text=line.text.strip() + lines[opened].text)
                continue
        joined.append(line)
    return joined


def _body_size(lines: list[_PdfLine]) -> float:
    """The type size most lines are set in (0 without lines): headings are larger, notes and running lines smaller."""
    return statistics.mode(round(line.size, 1) for line in lines) if lines else 0.0


def _lines_by_page(lines: list[_PdfLine]) -> dict[int, list[_PdfLine]]:
    by_page: dict[int, list[_PdfLine]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    return by_page


EDGE_LINES = 3  # running headers and footers sit among a page's first or last lines


def _drop_running_lines(lines: list[_PdfLine], page_count: int) -> list[_PdfLine]:
    """Lines among the first or last EDGE_LINES of their page that repeat (numbers masked) at the same height on
    at least half the pages. Body text is never compared, however alike its lines are from page to page, and lines
    set larger than the body are headings ("2.1 Purpose" opening every short chapter), never running lines."""
    if page_count < 2 or not lines:
        return lines
    body_size = _body_size(lines)
    by_page = _lines_by_page(lines)
    edges = set()
    for page_lines in by_page.values():
        ordered = sorted(page_lines, key=lambda line: -line.y)
        edges.update(id(line) for line in ordered[:EDGE_LINES] + ordered[-EDGE_LINES:] if line.size <= body_size * 1.05)
    seen: Counter[tuple[str, int]] = Counter()
    for line in lines:
        if id(line) in edges:
            seen[(_running_key(line.text), round(line.y))] += 1
    threshold = max(2, (page_count + 1) // 2)
    running = {key for key, count in seen.items() if count >= threshold}
    return [line for line in lines if id(line) not in edges or (_running_key(line.text), round(line.y)) not in running]


GLUED_LETTERS = 24  # no English word is longer; a text layer without spaces is mostly such "words"
MAX_GLUED_SHARE = 0.15  # of the letters of a text of at least 1,000; ordinary prose has almost none


def _glued_letters(text: str) -> tuple[int, int]:
    """(letters in "words" longer than GLUED_LETTERS, all letters)."""
    lengths = [len(word) for word in re.findall(r"[^\W\d_]+", text)]
    return sum(length for length in lengths if length > GLUED_LETTERS), sum(lengths)


def glued_share(text: str) -> float:
    """The share of letters in "words" longer than GLUED_LETTERS: 0 for prose, high when a PDF's words run
    together. Below 1,000 letters a text is too short to judge (0)."""
    glued, letters = _glued_letters(text)
    return glued / letters if letters >= 1000 else 0.0


_SPACED_LETTERS = re.compile(r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)")  # "T h e r e": a word set letter by letter
_UNREADABLE = re.compile(r"[\ufffd\ue000-\uf8ff]|\(cid:\d+\)")  # replacement and private-use glyphs, "(cid:12)"
QUALITY_WARNING = 0.97  # below this share of readable letters a build warns about the document


def extraction_quality(text: str) -> float:
    """The share of a document's letters that read as words: not in "words" longer than GLUED_LETTERS (text that
    runs together), not set letter by letter ("T h e r e"), not glyphs the text layer could not map ("(cid:12)",
    private-use or replacement characters). 1.0 for clean text; a text too short to judge (under 200 letters) is 1.0."""
    unreadable = sum(len(match.group(0)) for match in _UNREADABLE.finditer(text))
    spaced = sum(len(match.group(0)) // 2 + 1 for match in _SPACED_LETTERS.finditer(text))
    glued, letters = _glued_letters(text)
    letters += unreadable
    if letters < 200:
        return 1.0
    return max(0.0, 1.0 - (glued + spaced + unreadable) / letters)


_PAGE_NUMBER = re.compile(r"(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s+of\s+\d{1,4})?", re.IGNORECASE)
_LEADER = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$")  # "Introduction . . . . . 12"
FURNITURE_SHARE = 0.25  # a top or bottom line whose shape recurs on this share of pages is a running header or footer


def _furniture_keys(text: str) -> tuple[str, str]:
    """The line with its numbers masked and any page number at either end cut off; and its first two tokens.
    "6 Chapter 2. Applying to Become a Member" and "Chapter 2. Applying to Become a Member 7" give the same."""
    tokens = re.sub(r"\d+", "#", text.lower()).split()
    while tokens and re.fullmatch(r"#|[ivxlc]{1,6}", tokens[0]):
        tokens.pop(0)
    while tokens and re.fullmatch(r"#|[ivxlc]{1,6}", tokens[-1]):
        tokens.pop()
    return " ".join(tokens), " ".join(tokens[:2])


def _drop_page_furniture(lines: list[_PdfLine], page_count: int) -> list[_PdfLine]:
    """Running headers and footers that are not the same text at the same height: the top or bottom line of a
    page when its shape (numbers masked, page numbers cut) or its first two tokens ("Chapter #:") open or close a
    quarter of the pages, and lone page numbers. Lines of body text (long, or ending a sentence) and lines set
    larger than the body (a chapter's own heading) are kept."""
    if not lines:
        return lines
    body_size = _body_size(lines)
    by_page = _lines_by_page(lines)
    if page_count < 4:  # too few pages to tell furniture by its recurring: only a page's top or bottom line that is a
        # page number alone, in figures ("Page 1 of 2", "3"; not a word that reads as a roman numeral, "civil")
        numbers = {id(line) for page_lines in by_page.values()
                   for line in (max(page_lines, key=lambda line: line.y), min(page_lines, key=lambda line: line.y))
                   if _PAGE_NUMBER.fullmatch(line.text.strip()) and any(c.isdigit() for c in line.text)
                   and line.size <= body_size * 1.05}
        return [line for line in lines if id(line) not in numbers]
    edges = [edge for page_lines in by_page.values()
             for edge in (("top", max(page_lines, key=lambda line: line.y)), ("bottom", min(page_lines, key=lambda line: line.y)))]
    counts: Counter[tuple[str, str]] = Counter()
    for place, line in edges:
        full, prefix = _furniture_keys(line.text)
        counts.update({(place, "=" + full), (place, prefix)} if prefix else {(place, "=" + full)})
    needed = max(3, FURNITURE_SHARE * page_count)
    dropped: set[int] = set()
    for place, line in edges:
        full, prefix = _furniture_keys(line.text)
        kept = len(line.text.split()) > 12 or line.text.rstrip().endswith((".", "?", "!", ":", ";")) or line.size > body_size * 1.05
        frequent = counts[(place, "=" + full)] >= needed or (bool(prefix) and counts[(place, prefix)] >= needed)
        if _PAGE_NUMBER.fullmatch(line.text.strip()) or (frequent and not kept):
            dropped.add(id(line))
    return [line for line in lines if id(line) not in dropped]


_LABEL_WORDS = re.compile(r"\b(?:chapter|section|part|appendix|page)\b|[\d\W_]+", re.IGNORECASE)


def _title_words(text: str) -> str:
    """A heading's words without its label and numbers: "Chapter 2: Keeping the Accounts" -> "keeping the accounts"."""
    return " ".join(_LABEL_WORDS.sub(" ", text).lower().split())


def _drop_outline_echoes(lines: list[_PdfLine], outline: list[OutlineEntry], labels: list[str]) -> list[_PdfLine]:
    """A page's top or bottom line that says nothing but the title of one of the outline's sections (label and
    numbers aside) is a running header or footer, even on the few pages it appears, when it is set smaller than the
    body ("Chapter 2: Keeping the Accounts" above a chapter two pages long; the section's own heading is larger) or
    carries the page's own number at either end ("Appendix A: Copying Information 25" on printed page 25) without
    looking like a heading (bold or larger than the body, as "1 Introduction" opening printed page 1)."""
    titles = {words for words in (_title_words(entry.title) for entry in outline) if len(words) >= 8}  # not "Tools"
    if not titles or not lines:
        return lines
    body_size = _body_size(lines)
    echoes = set()
    for page, page_lines in _lines_by_page(lines).items():
        number = labels[page - 1].lower() if page <= len(labels) else str(page)
        for line in (max(page_lines, key=lambda line: line.y), min(page_lines, key=lambda line: line.y)):
            tokens = line.text.lower().split()
            numbered = bool(tokens) and number in (tokens[0], tokens[-1])
            heading = line.bold or line.size > body_size * 1.05  # "1 Introduction" opening printed page 1
            if (line.size < body_size * 0.95 or (numbered and not heading)) and _title_words(line.text) in titles:
                echoes.add(id(line))
    return [line for line in lines if id(line) not in echoes]


def _drop_navigation_pages(lines: list[_PdfLine]) -> list[_PdfLine]:
    """Tables of contents and back-of-book indexes: pages where most lines end in dot leaders and a page number.
    They list the document's words without saying anything, and would rank for every question."""
    by_page = _lines_by_page(lines)
    navigation = {
        page for page, page_lines in by_page.items()
        if len(page_lines) >= 5 and sum(bool(_LEADER.search(line.text)) for line in page_lines) >= 0.4 * len(page_lines)
    }
    return [line for line in lines if line.page not in navigation]


def _group_pdf_lines(lines: list[_PdfLine]) -> list[Block]:
    """Lines as blocks: paragraphs, list items, table rows and notes. Type smaller than the body's is a note
    (a footnote, moved to "Notes") only below the page's text: with text of the body's size below it on its page it
    is a box or a caption, read where it stands."""
    body_size = _body_size(lines)
    by_page = _lines_by_page(lines)
    lowest_text: dict[int, float] = {}  # the page's lowest line of the body's size, its bottom line aside (a footer)
    for page, page_lines in by_page.items():
        bottom = min(page_lines, key=lambda line: line.y)
        text_ys = [line.y for line in page_lines if line.size >= body_size * 0.9 and line is not bottom]
        if text_ys:
            lowest_text[page] = min(text_ys)
    highest = {page: max(line.y for line in page_lines) for page, page_lines in by_page.items()}
    blocks: list[Block] = []
    previous: _PdfLine | None = None
    bullet_pending = False
    for line in lines:
        text = _normalise_bullet(line.text)
        if _LONE_BULLET.fullmatch(text):
            bullet_pending = True
            continue
        if bullet_pending and not text.startswith(BULLET):
            text = f"{BULLET} {text}"
        bullet_pending = False
        # (a line above all others on its page, in small type, is a header a page too few to repeat it left: a note)
        is_note = line.size < body_size * 0.9 and (line.y <= lowest_text.get(line.page, line.y) or line.y >= highest[line.page])
        kind = "note" if is_note else ("row" if line.row else "item" if text.startswith(BULLET) else "paragraph")
        if previous is None or _starts_new_block(previous, line, text):
            blocks.append(
                Block(lines=[], pages=[], kind=kind, size=round(line.size, 1), bold=line.bold, family=line.family)
            )
        block = blocks[-1]
        block.lines.append(text)
        block.pages.append(line.page)
        block.bold = block.bold and line.bold
        previous = line
    return blocks


def _starts_new_block(previous: _PdfLine, line: _PdfLine, text: str) -> bool:
    if text.startswith(BULLET) or _starts_numbered_heading(text) or previous.row or line.row:
        return True
    unfinished = not previous.text.rstrip().endswith((".", ":", ";", "?", "!"))
    if unfinished and text[:1].islower() and abs(previous.size - line.size) <= 0.4:
        return False  # a paragraph does not start in lower case: the layout broke a sentence
    if previous.page != line.page or abs(previous.size - line.size) > 0.4 or previous.bold != line.bold:
        return True
    gap = previous.y - line.y
    return gap < 0 or gap > line.size * 1.45


# ---------------------------------------------------------------- files and folders


def load_document(path: Path, data: bytes | None = None, name: str | None = None, max_chars: int | None = None) -> Document:
    """Read one file into a Document. Raises DocumentError with the reason when it cannot (or, for a PDF,
    as soon as its text passes `max_chars`)."""
    name = name or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(f"{name}: cannot be read ({error.strerror}).") from error
    fmt = detect_format(name, data)
    content_hash = hashlib.sha256(data).hexdigest()
    metadata_title = None
    from_outline = False
    labels: list[str] = []
    if fmt == "pdf":
        blocks, metadata_title, from_outline, labels = pdf_blocks(name, data, max_chars)
    elif fmt == "markdown":
        blocks = markdown_blocks(decode_text(name, data))
    else:
        blocks = text_blocks(decode_text(name, data))
    if not blocks:
        raise DocumentError(f"{name}: no text found.")
    return build_document(
        doc_id=document_id(Path(name)),
        source_path=str(path),
        fmt=fmt,
        blocks=blocks,
        content_hash=content_hash,
        metadata_title=metadata_title,
        headings_marked=from_outline,
        page_labels=labels,
    )


def corpus_files(folder: Path, ignore: list[str]) -> list[Path]:
    """The files of a corpus folder (recursively, sorted) that are not ignored by name."""
    if not folder.is_dir():
        raise CorpusError(f"Corpus folder '{folder}' does not exist. Point ASSISTANT_CORPUS_DIR at a folder of briefs.")
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in ignore):
            continue
        if path.is_file():
            files.append(path)
    return files


def load_corpus(
    folder: Path, ignore: list[str], extra_folders: Sequence[Path] = ()
) -> tuple[list[Document], list[FileProblem]]:
    """All briefs in a folder (and in the extra folders that exist), and the files that could not be ingested.

    Raises CorpusError when the folder is missing or not one file could be ingested.
    Two files that give the same document id are an error for the second one.
    """
    documents: list[Document] = []
    problems: list[FileProblem] = []
    seen: dict[str, Path] = {}
    paths = corpus_files(folder, ignore)
    paths += [p for extra in extra_folders if extra.is_dir() for p in corpus_files(extra, ignore)]
    for path in paths:
        try:
            document = load_document(path)
        except DocumentError as error:
            problems.append(FileProblem(str(path), str(error)))
            continue
        if document.doc_id in seen:
            problems.append(FileProblem(str(path), f"same document id '{document.doc_id}' as {seen[document.doc_id]}; rename one."))
            continue
        seen[document.doc_id] = path
        documents.append(document)
    if not documents:
        detail = "; ".join(p.reason for p in problems) or "no files"
        raise CorpusError(f"No brief could be ingested from '{folder}' ({detail}).")
    return documents, problems
