"""The plain data the stages hand each other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class Section:
    """A stretch of a document under one heading: [start, end) in the document text.

    `path` holds the headings from the outermost down to this one. A section's range
    ends where the next heading (of any level) starts, so sections never overlap.
    """

    path: tuple[str, ...]
    start: int
    end: int

    @property
    def label(self) -> str:
        return SECTION_SEPARATOR.join(self.path)


@dataclass(frozen=True)
class PageSpan:
    """Characters [start, end) of the document text come from page `page` (1-based)."""

    page: int
    start: int
    end: int


@dataclass
class Document:
    """One brief, its normalised text and the structure found in it."""

    doc_id: str
    title: str
    source_path: str
    format: str  # "pdf", "text" or "markdown"
    text: str
    content_hash: str
    sections: list[Section] = field(default_factory=list)
    pages: list[PageSpan] = field(default_factory=list)
    page_labels: list[str] = field(default_factory=list)  # printed page numbers (PDF page labels), when they differ

    def quote(self, section: str, start: int, end: int, text: str | None = None) -> "Quote":
        """Characters [start, end) as a citable quote (or `text`, a heading cited at that place), with the pages
        they lie on, physical and printed."""
        pages = self.pages_for(start, end)
        printed = tuple(self.page_label(page) for page in pages) if self.page_labels else ()
        return Quote(self.doc_id, self.title, section, pages, start, end, self.text[start:end] if text is None else text, printed)

    def page_label(self, page: int) -> str:
        """How the document itself numbers physical page `page` (1-based): its label, or the number."""
        return self.page_labels[page - 1] if 0 < page <= len(self.page_labels) else str(page)

    def pages_for(self, start: int, end: int) -> tuple[int, ...]:
        """The pages that characters [start, end) lie on; empty for documents without pages."""
        return tuple(span.page for span in self.pages if span.start < end and start < span.end)


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of one section, with everything needed to cite it."""

    passage_id: str
    doc_id: str
    title: str
    section_path: tuple[str, ...]
    start: int
    end: int
    pages: tuple[int, ...]
    text: str

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)

    def indexed_text(self) -> str:
        """What the retrievers see: the passage with its document title and headings as context."""
        context = SECTION_SEPARATOR.join((self.title, *self.section_path))
        return f"{context}\n{self.text}"


@dataclass(frozen=True)
class SearchHit:
    """A ranked passage; `duplicates` are the same text found in other documents."""

    passage: Passage
    score: float
    rank: int
    duplicates: tuple[Passage, ...] = ()


@dataclass(frozen=True)
class Quote:
    """Verbatim text of a document: text == document.text[start:end]."""

    doc_id: str
    title: str
    section: str
    pages: tuple[int, ...]
    start: int
    end: int
    text: str
    printed_pages: tuple[str, ...] = ()  # the pages as the document numbers them, when its labels differ


@dataclass(frozen=True)
class FileProblem:
    """A corpus file that could not be ingested, and why."""

    path: str
    reason: str


def pages_label(pages: Sequence[int]) -> str:
    """", p. 3, 4" for PDFs; "" for documents without pages."""
    return f", p. {', '.join(map(str, pages))}" if pages else ""
