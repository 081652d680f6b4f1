"""Document -> Passages: structure-aware, sentence-aligned, with exact offsets.

A passage never straddles two sections. A section that fits in `max_words` is one
passage, however short; a longer one is cut on sentence boundaries into passages of
roughly equal size (at least `min_words` where the section allows), each repeating the
last `overlap` sentences of the one before it.
"""

from __future__ import annotations

import hashlib
import math
import re

import sentencex

from .models import Document, Passage, Section

CHUNKER_VERSION = "15"  # 15: a mark in HTML's default <sup> size joins its line; a footer at the body's size leaves footnotes notes; 14: a PDF box floated beside the text and small type above the page's text are read where they stand; 13: a PDF's drop caps and footnote marks stay in their line; table rows and pull quotes are no headings
STUB_WORDS = 12  # a section of one line this short holds only its heading
_BULLET = re.compile(r"^\s*[•▪◦‣∙·]\s*")


_CUT_NUMBER = re.compile(r"\b\d{1,3}\.$")  # not a year: "… in 2016. 2017 saw …" is two sentences
_QUOTE_MARKS = re.compile(r"[\"“”«»„]")
# a footnote's mark glued to a full stop, then the next sentence: "… international human rights law.xii For many, …"
_AFTER_NOTE_MARK = re.compile(r"(?<=[a-z]{2}[.!?])(?:[ivx]{1,6}|\d{1,2})\s+(?=[A-Z][a-z])")
LONG_QUOTING_WORDS = 60  # a sentence this long holding a quotation is split inside the quotation too


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence boundaries in text[start:end] as absolute (start, end) offsets, whitespace trimmed.

    Paragraph breaks always end a sentence; inside a paragraph, sentencex decides.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text[start:end]):
        base = start + paragraph.start()
        chunk = paragraph.group(0)
        bullet = _BULLET.match(chunk)
        if bullet:  # sentencex does not split a paragraph that starts with a bullet sign
            base += bullet.end()
            chunk = chunk[bullet.end() :]
        cursor = 0
        for sentence in _segments(chunk):
            stripped = sentence.strip()
            if not stripped:
                continue
            found = chunk.find(stripped, cursor)
            if found < 0:
                continue
            span = (base + found, base + found + len(stripped))
            if spans and _CUT_NUMBER.search(text[spans[-1][0] : spans[-1][1]]) and stripped[:1].isdigit():
                span = (spans.pop()[0], span[1])  # "25. 9 million": a number cut at its decimal point, not two sentences
            spans.append(span)
            cursor = found + len(stripped)
    return spans


def _segments(paragraph: str) -> list[str]:
    """sentencex's sentences, each a piece of `paragraph`; one that runs long because it quotes several sentences
    ("… refugees are limited to “…persons fleeing armed conflict… They are so recognised … Refugees are defined …”")
    is split inside its quotation as well, so that no answer has to quote a whole quoted page."""
    pieces: list[str] = []
    for sentence in _after_note_marks(sentencex.segment("en", paragraph)):
        if len(sentence.split()) <= LONG_QUOTING_WORDS or not _QUOTE_MARKS.search(sentence):
            pieces.append(sentence)
            continue
        blanked = _QUOTE_MARKS.sub(" ", sentence)  # one for one: a piece's place is its place in the sentence as written
        cursor = 0
        for piece in sentencex.segment("en", blanked):
            found = blanked.find(piece, cursor)
            if found >= 0:
                pieces.append(sentence[found : found + len(piece)])
                cursor = found + len(piece)
    return pieces


def _after_note_marks(sentences: list[str]) -> list[str]:
    """The sentences, each cut after a footnote mark glued to a full stop inside it (sentencex reads "law.xii" as
    one word): the mark stays with the sentence it annotates."""
    pieces: list[str] = []
    for sentence in sentences:
        cursor = 0
        for mark in _AFTER_NOTE_MARK.finditer(sentence):
            pieces.append(sentence[cursor : mark.end()])
            cursor = mark.end()
        pieces.append(sentence[cursor:])
    return pieces


def _word_count(text: str) -> int:
    return len(text.split())


def _passage_id(doc_id: str, section: Section, text: str, taken: set[str]) -> str:
    digest = hashlib.sha1(f"{section.label}\n{text}".encode()).hexdigest()[:12]
    candidate = f"{doc_id}:{digest}"
    suffix = 2
    while candidate in taken:
        candidate = f"{doc_id}:{digest}-{suffix}"
        suffix += 1
    taken.add(candidate)
    return candidate


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_ranges(
    spans: list[tuple[int, int]], words: list[int], max_words: int, min_words: int, overlap: int
) -> list[tuple[int, int]]:
    """Groups of sentence indices [first, last) of about equal size under max_words."""
    total = sum(words)
    count = max(1, math.ceil(total / max_words))
    target = max(min_words, math.ceil(total / count))
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        size = 0
        last = first
        while last < len(spans) and (size == 0 or size + words[last] <= max_words) and size < target:
            size += words[last]
            last += 1
        remaining = sum(words[last:])
        if 0 < remaining < min_words and size + remaining <= max_words * 1.25:
            last = len(spans)
        groups.append((first, last))
        if last >= len(spans):
            break
        first = max(last - overlap, first + 1)
    return groups


def chunk_document(
    document: Document, min_words: int = 80, max_words: int = 250, overlap: int = 1
) -> list[Passage]:
    """The passages of a document, in reading order.

    Each passage's text is exactly document.text[start:end]; its pages are the pages
    those characters lie on.
    """
    passages: list[Passage] = []
    taken: set[str] = set()
    text = document.text
    for number, section in enumerate(document.sections):
        start, end = _trimmed(text, section.start, section.end)
        if start >= end:
            continue
        following = document.sections[number + 1] if number + 1 < len(document.sections) else None
        if "\n" not in text[start:end] and _word_count(text[start:end]) <= STUB_WORDS and following is not None and following.start >= end:
            # a heading alone ("II. Push factor: …", a chapter title over its subsections) is no passage: it answers
            # nothing, and its words are indexed with every passage under it (their section path)
            continue
        if _word_count(text[start:end]) <= max_words:
            ranges = [(start, end)]
        else:
            spans = sentence_spans(text, start, end)
            words = [_word_count(text[a:b]) for a, b in spans]
            groups = _split_ranges(spans, words, max_words, min_words, overlap)
            ranges = [(spans[first][0], spans[last - 1][1]) for first, last in groups]
        for passage_start, passage_end in ranges:
            passage_text = text[passage_start:passage_end]
            passages.append(
                Passage(
                    passage_id=_passage_id(document.doc_id, section, passage_text, taken),
                    doc_id=document.doc_id,
                    title=document.title,
                    section_path=section.path,
                    start=passage_start,
                    end=passage_end,
                    pages=document.pages_for(passage_start, passage_end),
                    text=passage_text,
                )
            )
    return passages
