"""Blocks -> Document: finds headings, nests them into section paths, assembles the text.

The loaders in `ingest` turn each file into `Block`s (paragraphs, list items, notes) with
whatever hints the format gives (Markdown heading level, PDF font size and weight, page).
This module decides which blocks are headings, from those hints and from the numbering
and wording of the block itself, and builds the document's normalised text, its sections
and its page map.

Heading levels come from a fixed order of heading *styles*, strongest first: Markdown or
typographic headings (by size), ALL-CAPS lines, Title Case lines, roman numbering
("I. ..."), a numbered keyword ("Push Factor 3 - ..."), letter numbering ("a. ..."),
then bullets that repeat a keyword ("• SSR Entry Point - ..."). A heading closes every
open section of its own level or deeper.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .models import Document, PageSpan, Section

BULLET = "•"
NOTES_TITLE = "Notes"
MAX_TITLE_WORDS = 16

_ROMAN = re.compile(r"^(?P<label>[IVX]{1,5})\.\s+(?P<rest>\S.*)$", re.S)
_LETTER = re.compile(r"^(?P<label>[a-h])\.\s+(?P<rest>\S.*)$", re.S)
_KEYWORD_NUMBER = re.compile(r"^(?P<keyword>[A-Z][A-Za-z]+(?: [A-Za-z]+){0,3}) (?P<label>\d{1,2})\s*[-–—:]\s+\S")
_BULLET_KEYWORD = re.compile(
    rf"^{BULLET}\s*(?P<keyword>[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*){{0,4}})\s*[-–—:]\s+\S"
)
# "Push factor:", "SSR Entry Point:" right after a number: a labelled item, not a list sentence.
_LABEL_AFTER_NUMBER = re.compile(r"^(?:[A-Z][A-Za-z]*\s?){1,4}(?:[a-z]+\s?){0,3}:\s")
_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with", "vs", "via", "&", "-", "–", "—",
}

STYLE_LEVELS = {"caps": 20, "title": 21, "roman": 30, "keyword": 31, "letter": 32, "bullet": 33}


@dataclass
class Block:
    """A paragraph-like unit from a loader, before headings are known.

    `lines` keep the layout's line breaks (joined later); `pages` gives each line's page.
    `heading_level` is set by formats that mark headings themselves (Markdown);
    `size`/`bold`/`family` are typographic hints (PDF) relative to nothing: the body
    size is found per document.
    """

    lines: list[str]
    pages: list[int | None] = field(default_factory=list)
    kind: str = "paragraph"  # paragraph | item | note | row (a row of a table: never a heading)
    heading_level: int | None = None
    size: float | None = None
    bold: bool = False
    family: str | None = None
    vocabulary: "Vocabulary | None" = None  # the document's own words, to mend line-end hyphens by

    def joined(self) -> str:
        return join_lines(self.lines, self.vocabulary)


@dataclass(frozen=True)
class Heading:
    style: str
    level: int
    title: str


@dataclass(frozen=True)
class Vocabulary:
    """The words a document writes whole within its lines, and the hyphenated words it writes within them."""

    words: frozenset[str]
    hyphenated: frozenset[str]

    @classmethod
    def of(cls, lines: list[str]) -> "Vocabulary":
        inner = []  # each line without the pieces of a word broken across lines
        broken_before = False
        for line in (raw.strip() for raw in lines):
            broken_after = line.endswith("-")
            if broken_after:
                line = re.sub(r"[A-Za-z]*-$", "", line)
            if broken_before:
                line = re.sub(r"^[A-Za-z]*", "", line)
            inner.append(line)
            broken_before = broken_after
        words = {w.lower() for line in inner for w in re.findall(r"[A-Za-z]+", line)}
        hyphenated = {w.lower() for line in inner for w in re.findall(r"[A-Za-z]+-[A-Za-z]+", line)}
        return cls(frozenset(words), frozenset(hyphenated))


def join_lines(lines: list[str], vocabulary: Vocabulary | None = None) -> str:
    """Re-join layout lines into one paragraph (see `join_lines_with_starts`)."""
    return join_lines_with_starts(lines, vocabulary)[0]


def join_lines_with_starts(lines: list[str], vocabulary: Vocabulary | None = None) -> tuple[str, list[int]]:
    """Re-join layout lines into one paragraph, mending words hyphenated at line ends.

    Returns the paragraph and, for each non-blank line, where its text starts in it.
    The document decides first: the hyphen goes when it writes the joined word whole elsewhere
    ("fa-" + "cilities"), and stays when it writes the hyphenated word elsewhere ("start-" + "up"); a short
    fragment that is neither a word of the document nor a prefix ("com-" + "munity") is mended too.
    Otherwise (and always without a vocabulary) a hyphen is kept when the fragment before it is a short word or a common
    compounding prefix ("non-state", "re-establish", "duty-bearers"), and dropped
    otherwise ("democra-" + "tisation" -> "democratisation").
    """
    out = ""
    starts: list[int] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            starts.append(0)
            out = line
            continue
        match = re.search(r"([A-Za-z]+)-$", out)
        if match and line[:1].islower():
            fragment = match.group(1).lower()
            rest = re.match(r"[A-Za-z]+", line)
            following = rest.group(0).lower() if rest else ""
            in_address = re.search(r"[/@]", out.rsplit(" ", 1)[-1]) is not None  # the document's words do not apply
            if vocabulary is None or in_address:
                mend = len(fragment) > 4 and fragment not in _HYPHEN_PREFIXES
            elif f"{fragment}-{following}" in vocabulary.hyphenated:
                mend = False  # the document writes the word with a hyphen
            elif following and fragment + following in vocabulary.words:
                mend = True  # and this one whole
            elif len(fragment) <= 4:  # "com-munity": a short fragment that is neither a word of the document nor a prefix
                mend = fragment not in vocabulary.words and fragment not in _SHORT_PREFIXES
            else:
                mend = fragment not in _HYPHEN_PREFIXES
            if mend:
                out = out[:-1]
        else:
            out += " "
        starts.append(len(out))
        out += line
    return out, starts


_SHORT_PREFIXES = {"co", "re", "non", "pre", "post", "sub", "de", "un", "ex", "mid", "pro", "semi", "off", "up", "out", "on", "in"}
_HYPHEN_PREFIXES = {
    "anti", "cross", "counter", "multi", "inter", "intra", "self", "well", "long", "short", "state",
    "small", "large", "high", "low", "human", "gender", "norms", "whole", "government", "peace",
    "conflict", "community", "people", "rights", "sector", "security", "military", "civil",
}


def _words(text: str) -> list[str]:
    return text.split()


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) >= 0.9


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’/-]*", text) if w.lower() not in _SMALL_WORDS]
    if not words or not text[:1].isupper():
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised / len(words) >= 0.75


_NUMBER_LABEL = re.compile(r"^(?:[IVX]{1,5}|[a-h]|\d{1,2})\.\s+")
# A heading glued to its first sentence with no stop: "…investigative capacities The above contexts…"
_RUN_ON = re.compile(r"(?<=[a-z]) (?=(?:The|This|These|Those|It|In|As|Such|Where|When|While|A|An)\s)")


def _short_title(text: str) -> str:
    """The heading's title: its first sentence, at most MAX_TITLE_WORDS words, numbering kept."""
    body = text.lstrip(BULLET).strip()
    label_match = _NUMBER_LABEL.match(body)
    label = label_match.group(0) if label_match else ""
    rest_of_body = body[len(label):]
    first = re.split(r"(?<=[A-Za-z0-9)\]])[.;](?:\s+|$)", rest_of_body, maxsplit=1)[0].strip()
    run_on = _RUN_ON.search(first)
    if run_on and run_on.start() > 12:
        first = first[: run_on.start()]
    words = first.split()
    if len(words) > MAX_TITLE_WORDS:
        first = " ".join(words[:MAX_TITLE_WORDS]).rstrip(",;:") + "…"
    return (label + first).rstrip(" .;,:")


def _clipped(text: str) -> str:
    """A heading the document's outline vouches for, as it stands (at most MAX_TITLE_WORDS words)."""
    words = text.split()
    return " ".join(words[:MAX_TITLE_WORDS]) + ("…" if len(words) > MAX_TITLE_WORDS else "")


def _pattern_style(text: str, repeated_keywords: set[tuple[str, str]]) -> str | None:
    """The numbering/wording style of a block's text, if it reads as a heading."""
    for style, pattern in (("roman", _ROMAN), ("letter", _LETTER)):
        match = pattern.match(text)
        if match:
            rest = match.group("rest")
            if _LABEL_AFTER_NUMBER.match(rest) or (len(_words(rest)) <= 12 and _is_title_case(rest)):
                return style
    match = _KEYWORD_NUMBER.match(text)
    if match and ("keyword", match.group("keyword").lower()) in repeated_keywords:
        return "keyword"
    match = _BULLET_KEYWORD.match(text)
    if match and ("bullet", match.group("keyword").lower()) in repeated_keywords:
        return "bullet"
    return None


def _repeated_keywords(texts: list[str]) -> set[tuple[str, str]]:
    """Keywords used as numbered or bulleted labels at least twice: a document's own heading words."""
    seen: Counter[tuple[str, str]] = Counter()
    for text in texts:
        match = _KEYWORD_NUMBER.match(text)
        if match:
            seen[("keyword", match.group("keyword").lower())] += 1
        match = _BULLET_KEYWORD.match(text)
        if match:
            seen[("bullet", match.group("keyword").lower())] += 1
    return {key for key, count in seen.items() if count >= 2}


def _body_typography(blocks: list[Block]) -> tuple[float | None, str | None]:
    sizes: Counter[float] = Counter()
    families: Counter[str] = Counter()
    for block in blocks:
        if block.size is not None and block.kind != "note":
            sizes[block.size] += len(block.lines)
        if block.family is not None and block.kind != "note":
            families[block.family] += len(block.lines)
    size = sizes.most_common(1)[0][0] if sizes else None
    family = families.most_common(1)[0][0] if families else None
    return size, family


def classify_headings(blocks: list[Block], marked_only: bool = False) -> list[Heading | None]:
    """For each block, the heading it is, or None for body text. With `marked_only` (a PDF whose outline names
    its sections), only the blocks the loader marked are headings: typography and wording are not consulted."""
    if marked_only:
        return [Heading("outline", b.heading_level, _clipped(b.joined())) if b.heading_level else None for b in blocks]
    texts = [block.joined() for block in blocks]
    repeated = _repeated_keywords(texts)
    body_size, body_family = _body_typography(blocks)
    typographic_sizes = sorted(
        {
            block.size
            for block in blocks
            if block.size is not None and body_size is not None and _is_typographic_heading(block, body_size, body_family)
        },
        reverse=True,
    )

    guess_from_wording = len(typographic_sizes) == 0  # typography, where present, says what headings are
    headings: list[Heading | None] = []
    for block, text in zip(blocks, texts):
        headings.append(
            _classify(block, text, repeated, body_size, body_family, typographic_sizes, guess_from_wording)
        )
    return _drop_titles_without_body(headings, texts, blocks)


# Set large but no heading: a pull quote ("“When the accounts are read aloud, people pay.”"), a quotation in its marks,
# or a sentence of PULL_QUOTE_WORDS words or more ending in a full stop or an exclamation mark (a heading asks or names)
_QUOTATION = re.compile(r"^\W*[\"“”«„‘'].*[\"“”»’']\W*$", re.DOTALL)
PULL_QUOTE_WORDS = 5


def _pull_quote(text: str) -> bool:
    return bool(_QUOTATION.match(text)) or (
        text.rstrip("\"”»’' ").endswith((".", "!")) and len(_words(text)) >= PULL_QUOTE_WORDS
    )


def _is_typographic_heading(block: Block, body_size: float, body_family: str | None) -> bool:
    if block.kind in ("note", "row") or block.size is None or len(_words(block.joined())) > 25:
        return False
    if not re.search(r"[A-Za-z]{3}", block.joined()) or _pull_quote(block.joined()):
        return False
    if block.size >= body_size * 1.08:
        return True
    return block.bold and block.family is not None and block.family != body_family


def _classify(
    block: Block,
    text: str,
    repeated: set[tuple[str, str]],
    body_size: float | None,
    body_family: str | None,
    typographic_sizes: list[float],
    guess_from_wording: bool,
) -> Heading | None:
    if block.kind in ("note", "row") or not text:
        return None
    if block.heading_level is not None:
        return Heading("markdown", block.heading_level, _short_title(text))
    style = _pattern_style(text, repeated)
    if style:
        return Heading(style, STYLE_LEVELS[style], _short_title(text))
    if body_size is not None and _is_typographic_heading(block, body_size, body_family):
        return Heading("font", 1 + typographic_sizes.index(block.size), _short_title(text))  # type: ignore[arg-type]
    if not guess_from_wording or len(block.lines) != 1 or block.kind == "item" or text.endswith((".", ",", ";")):
        return None
    words = _words(text)
    if len(words) <= 12 and len(re.findall(r"[A-Za-z]{2,}", text)) >= 2 and _is_caps(text):
        return Heading("caps", STYLE_LEVELS["caps"], text.rstrip(":"))
    if 1 <= len(words) <= 10 and _is_title_case(text) and not text.endswith(":"):
        return Heading("title", STYLE_LEVELS["title"], text)
    return None


def _drop_titles_without_body(
    headings: list[Heading | None], texts: list[str], blocks: list[Block]
) -> list[Heading | None]:
    """A guessed Title Case heading must be followed by prose or a bulleted list; names and list lines are not."""
    result = list(headings)
    for index, heading in enumerate(headings):
        if heading is None or heading.style != "title":
            continue
        following = texts[index + 1] if index + 1 < len(texts) else ""
        reads_as_prose = len(following.split()) >= 6 and following.rstrip().endswith((".", "!", "?", ":"))
        opens_list = index + 1 < len(blocks) and blocks[index + 1].kind == "item"
        has_body = (reads_as_prose or opens_list) and (index + 1 >= len(headings) or headings[index + 1] is None)
        if not has_body:
            result[index] = None
    return result


def _humanise(doc_id: str, text: str = "") -> str:
    """A title from the file name when the document states none, each word spelt as the document spells it
    most often when that is an acronym or a name ("ssr" -> "SSR", "un" -> "UN", "europe" -> "Europe")."""
    words = [w for w in doc_id.replace("_", "-").split("-") if w]
    spelt = []
    for position, word in enumerate(words):
        forms = Counter(re.findall(rf"\b{re.escape(word)}\b", text, re.IGNORECASE))
        usual = forms.most_common(1)[0][0] if forms else word
        proper = usual.isupper() and len(usual) > 1 or (usual[:1].isupper() and not any(f.islower() for f in forms))
        spelt.append(usual if proper else (word.capitalize() if position == 0 else word))
    return " ".join(spelt)


_LABELLED_NUMBER = re.compile(r"^(?:[IVX]{1,5}|[a-h])\.\s+(?P<label>[A-Z][A-Za-z]*(?: [A-Za-z]+){0,3}):\s")


def split_inline_headings(blocks: list[Block]) -> list[Block]:
    """Split paragraphs where a numbered heading was glued into them by the layout.

    Only labels the document itself uses to start headings at least twice count
    ("a. SSR Entry Point:" inside "…pushing people to leave. a. SSR Entry Point: Support…").
    """
    labels = Counter(
        match.group("label") for block in blocks if (match := _LABELLED_NUMBER.match(block.joined()))
    )
    known = [re.escape(label) for label, count in labels.items() if count >= 2]
    if not known:
        return blocks
    inline = re.compile(rf"(?<=[.;!?]) (?=(?:[IVX]{{1,5}}|[a-h])\.\s+(?:{'|'.join(known)}):\s)")
    result: list[Block] = []
    for block in blocks:
        pending = block
        while True:
            match = inline.search(pending.joined())
            if not match or pending.kind == "note":
                result.append(pending)
                break
            head, tail = _split_block(pending, match.end())
            result.append(head)
            pending = tail
    return result


def _split_block(block: Block, position: int) -> tuple[Block, Block]:
    """Two blocks: the text before `position` of the joined block, and the text from it."""
    _, starts = join_lines_with_starts(block.lines, block.vocabulary)
    kept = [(line.strip(), page) for line, page in zip(block.lines, block.pages or [None] * len(block.lines)) if line.strip()]
    index = max(i for i, start in enumerate(starts) if start <= position)
    line, page = kept[index]
    cut = position - starts[index]
    before = [text for text, _ in kept[:index]] + ([line[:cut]] if line[:cut].strip() else [])
    after = [line[cut:]] + [text for text, _ in kept[index + 1 :]]
    pages = [p for _, p in kept]
    head = Block(
        lines=before, pages=pages[: len(before)], kind=block.kind, size=block.size, bold=block.bold, family=block.family,
        vocabulary=block.vocabulary,
    )
    tail = Block(
        lines=after, pages=pages[index:], kind="paragraph", size=block.size, bold=block.bold, family=block.family,
        vocabulary=block.vocabulary,
    )
    return head, tail


def build_document(
    doc_id: str,
    source_path: str,
    fmt: str,
    blocks: list[Block],
    content_hash: str,
    metadata_title: str | None = None,
    headings_marked: bool = False,
    page_labels: list[str] | None = None,
) -> Document:
    """Assemble a Document from loader blocks: normalised text, sections and pages.

    The first block is taken as the document's title when it is a heading; otherwise the
    title comes from the PDF metadata or the file name. Notes (footnotes) are moved to
    the end under a "Notes" section.
    """
    vocabulary = Vocabulary.of([line for block in blocks for line in block.lines])
    for block in blocks:
        block.vocabulary = vocabulary
    body = split_inline_headings([block for block in blocks if block.kind != "note"])
    notes = [block for block in blocks if block.kind == "note"]
    headings = classify_headings(body, marked_only=headings_marked)

    title = (metadata_title or "").strip()
    skip_first = False
    if body and headings[0] is not None:
        skip_first = True
        title = title or headings[0].title
    if not title and headings_marked and body and body[0].pages[:1] == [1] and len(body[0].joined().split()) <= MAX_TITLE_WORDS:
        title = body[0].joined()  # the outline starts after the title page: its first line is the title
    title = title or _humanise(doc_id, " ".join(line for block in body for line in block.lines))

    pieces: list[str] = []
    page_runs: list[tuple[int | None, int, int]] = []
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    offset = 0

    def append_block(block: Block) -> tuple[int, int]:
        nonlocal offset
        if pieces:
            pieces.append("\n\n")
            offset += 2
        start = offset
        text = block.joined()
        pieces.append(text)
        line_starts = _block_pieces(block)
        for number, (line_start, page) in enumerate(line_starts):
            line_end = line_starts[number + 1][0] if number + 1 < len(line_starts) else len(text)
            page_runs.append((page, start + line_start, start + line_end))
        offset += len(text)
        return start, offset

    def open_section(path: tuple[str, ...], start: int) -> None:
        if sections and sections[-1].start == start:
            sections.pop()
        sections.append(Section(path=path, start=start, end=start))

    open_section((), 0)
    for index, (block, heading) in enumerate(zip(body, headings)):
        start, _ = append_block(block)
        if index == 0 and skip_first:
            continue
        if heading is None:
            continue
        level = heading.level
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading.title))  # type: ignore[arg-type]
        open_section(tuple(title for _, title in stack), start)

    if notes:
        notes_start = offset + 2 if pieces else 0
        open_section((NOTES_TITLE,), notes_start)
        for block in notes:
            append_block(block)

    text = "".join(pieces)
    closed = [
        Section(path=s.path, start=s.start, end=(sections[i + 1].start if i + 1 < len(sections) else len(text)))
        for i, s in enumerate(sections)
    ]
    closed = [s for s in closed if text[s.start : s.end].strip()]
    return Document(
        doc_id=doc_id,
        title=title,
        source_path=source_path,
        format=fmt,
        text=text,
        content_hash=content_hash,
        sections=closed,
        pages=_page_spans(page_runs),
        page_labels=page_labels or [],
    )


def _block_pieces(block: Block) -> list[tuple[int, int | None]]:
    """For each line of the joined block: where it starts in the block text, and its page."""
    _, starts = join_lines_with_starts(block.lines, block.vocabulary)
    pages = [page for line, page in zip(block.lines, block.pages or [None] * len(block.lines)) if line.strip()]
    return list(zip(starts, pages))


def _page_spans(runs: list[tuple[int | None, int, int]]) -> list[PageSpan]:
    spans: list[PageSpan] = []
    for page, start, end in runs:
        if page is None:
            continue
        if spans and spans[-1].page == page:
            spans[-1] = PageSpan(page, spans[-1].start, end)
        else:
            spans.append(PageSpan(page, start, end))
    return spans
