"""Further reading a brief points to, and questions asking for it.

A brief's reading list is no statement of its own, so its entries never answer a question about what the briefs
say (sentences.is_answer_sentence turns them away). They are the answer to a question asking what to read: "What
resources does the page on push factors list?", "Is there a case study on Ghana?", "Does it point to anything on
climate?" after it. An entry is found from the layout of a reading list, not from its wording:

- a line that cites a work after a label the page glued to it, ending with a year in brackets ("ResourceA Deadly
  Journey for Children: … (UNICEF Report, 2017).", "Case StudySupporting dialogue on SSR in Ghana (ISSAT/OECD,
  2016).") or after a "Resource:" label ("Resource: »Better Migration Management« …, SWP - 2017."): quoted without
  its label;
- in a section whose heading says it lists reading ("What to read next", "Further reading", "References"), each
  bulleted entry with the lines after it, up to the line closing it with a publisher and year or a web address
  ("• Laurie Nathan (ed)" / "No Ownership, No Commitment: …" / "(Birmingham: University of Birmingham, 2007)."); a
  line between entries ("For more on the importance of national/local ownership in SSR") says what the entries
  after it are about.

Pure functions of a document and a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .lexical import terms
from .models import Document
from .sentences import BULLET, GLUED_LABEL, POINTER

_YEAR = r"\b(?:1[89]|20)\d\d\b"
# a citation's end: "(UNICEF Report, 2017).", "(Paris: OECD, 2007, pp. 112-235).", "SWP - 2017.", "<http://issat.dcaf.ch>"
_CLOSES = re.compile(rf"(?:\([^()]*{_YEAR}[^()]*\)|{_YEAR}|<?https?://\S+?>?)\W*$")
_READING_HEADING = re.compile(
    r"\b(?:read|reading|resources?|references|bibliography|literature|sources)\b", re.IGNORECASE
)
# what asks for reading, whatever else the question says: a case study, a video, further reading …
_READING_WORDS = re.compile(
    r"\b(?:case stud(?:y|ies)|videos?|webinars?|further reading|reading list|recommended reading|bibliograph\w*|"
    r"what (?:else )?(?:to|should (?:I|we)|could (?:I|we)|can (?:I|we)) read|read(?:ing)? (?:next|more|further)|"
    r"(?:point|points|pointed|refer|refers|referred) (?:me |us )?to (?:anything|something|any|further|other|more)|"
    r"recommend\w* (?:\w+ )?reading|reading (?:on|about))\b",
    re.IGNORECASE,
)
# "resources" (not financial, public or human ones) a text lists, recommends or points to, or resources on a topic
_RESOURCES = re.compile(
    r"\b(?<!financial )(?<!public )(?<!human )(?<!natural )(?<!enough )(?<!more )(?<!additional )(?<!sufficient )"
    r"resources\b(?=.*\b(?:list|lists|listed|recommend\w*|suggest\w*|point\w*|cite[sd]?|mention\w*|link\w*|offer\w*|"
    r"give[sn]?|refer\w*)\b|\s+(?:on|about|for learning|to read)\b)",
    re.IGNORECASE,
)
# the words of such a question that name reading, not its topic
_READING_TERMS = frozenset(
    terms(
        "resource resources reading read further recommend recommended recommends list lists listed suggest suggests "
        "point points pointed refer refers anything something other more next only ones bibliography literature "
        "page brief briefing note backgrounder document text report paper website site"
    )
)
# a follow-up asking what the text says, not what it points to: "What does it say about the Mediterranean?"
_ASKS_CONTENT = re.compile(r"\b(?:says?|said|tell|tells|describes?|explains?|argues?|writes?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One entry of a reading list: its verbatim span (without a label glued to it) and what its list is about."""

    doc_id: str
    start: int
    end: int
    about: str  # the line introducing its group of entries, or the heading of its section
    label: str = ""  # the label glued to it, if any ("Video", "Case Study", "Resource")


def asks_for_reading(question: str, query: str | None = None) -> bool:
    """"What resources does the page list?", "Is there a case study on Ghana?", "Any videos?", "What should I read
    next on ownership?"; not "What financial resources does SSR need?". A follow-up (`query`: what it was resolved
    to) asks for reading when its conversation did and it does not ask what the text says ("Only the ones about
    Central America." after "What resources does the page list?", not "What does it say about Libya?")."""
    if _READING_WORDS.search(question) or _RESOURCES.search(question):
        return True
    return query is not None and not _ASKS_CONTENT.search(question) and bool(
        _READING_WORDS.search(query) or _RESOURCES.search(query)
    )


def reading_terms(words: Sequence[str]) -> list[str]:
    """A reading question's words without those asking for reading: what the reading should be about."""
    return [w for w in words if w not in _READING_TERMS]


def reading_entries(document: Document) -> list[Reading]:
    """The entries of the document's reading lists, in document order (see the module's docstring)."""
    text = document.text
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    found: list[Reading] = []
    for start, end in lines:  # single lines citing a work after a label
        line = text[start:end]
        body = line.strip()
        glued, pointer = GLUED_LABEL.match(body), POINTER.match(body)
        if not ((glued and _CLOSES.search(body)) or pointer) or not re.search(_YEAR, body):
            continue
        label = glued.group("label") if glued else pointer.group(0)  # type: ignore[union-attr]
        title = body[len(label) :].lstrip()  # what is quoted: the entry without its label
        begin = start + len(line) - len(line.lstrip()) + len(body) - len(title)
        found.append(Reading(document.doc_id, begin, begin + len(title), _section_heading(document, start), label.strip(" :")))
    taken = {r.start for r in found}
    for section_start, section_end, heading in _reading_sections(document):
        found += [r for r in _bulleted_entries(document, lines, section_start, section_end, heading) if r.start not in taken]
    return sorted(found, key=lambda r: r.start)


def _section_heading(document: Document, offset: int) -> str:
    """The top-level heading over `offset`: what a reading list under it is about (not the last subsection before it)."""
    return next((s.path[0] for s in reversed(document.sections) if s.start <= offset and s.path), document.title)


def _reading_sections(document: Document) -> list[tuple[int, int, str]]:
    """(start, end, heading) of the top-level sections whose heading says they list reading."""
    out: list[tuple[int, int, str]] = []
    for section in document.sections:
        if len(section.path) == 1 and _READING_HEADING.search(section.path[0]):
            end = max((s.end for s in document.sections if s.path[:1] == section.path), default=section.end)
            out.append((section.start, end, section.path[0]))
    return out


def _bulleted_entries(
    document: Document, lines: list[tuple[int, int]], start: int, end: int, heading: str
) -> list[Reading]:
    """Each bulleted entry of a reading section, up to the line that closes it (a publisher and year, a web address);
    a line outside any entry says what the entries after it are about."""
    text = document.text
    entries: list[Reading] = []
    about, opened = heading, None  # opened: where the open entry's text starts
    for line_start, line_end in lines:
        if line_start < start or line_start >= end:
            continue
        line = text[line_start:line_end]
        bullet = BULLET.match(line)
        if bullet is None and opened is None:
            about = line.strip()
            continue
        if bullet is not None:
            opened = line_start + bullet.end() - 1  # (the match ends on the entry's first character)
        if _CLOSES.search(line.rstrip()):
            entries.append(Reading(document.doc_id, opened, line_start + len(line.rstrip()), about))  # type: ignore[arg-type]
            opened = None
    return entries


def chosen_readings(
    entries: Sequence[Reading],
    topic: Sequence[str],
    weight: Callable[[str], float],
    terms_of: Callable[[str], frozenset[str]],
    text_of: Callable[[Reading], str],
    typed: Sequence[str] | None = None,
) -> list[tuple[Reading, float]]:
    """The entries a reading question asks for, each with the share of the topic it holds: those whose label, text
    and list's subject hold the most of the topic's words (IDF-weighted by `weight`; any entry holding more than half
    what the best one holds), in document order; every entry (share 1.0) when the question names no topic; none when
    no entry holds a word of it."""
    if not topic:
        return [(r, 1.0) for r in entries]
    total = sum(weight(t) for t in topic) or 1.0
    texts = [terms_of(f"{r.label} {text_of(r)} {r.about}") for r in entries]
    held = [sum(weight(t) for t in topic if t in text) / total for text in texts]
    # the words as typed (`typed`: not those the reader added) naming no kind of entry (no label's: "case study",
    # "resource"): an entry holds one of them, when the question has any ("Is there a case study on Sweden?" is not
    # answered by a case study on Ghana)
    labels = frozenset().union(*(terms_of(r.label) for r in entries))
    content = [t for t in (topic if typed is None else typed) if t not in labels]
    best = max(held, default=0.0)
    return [(r, round(share, 4)) for r, share, text in zip(entries, held, texts)
            if best > 0 and share > best / 2 and (not content or any(t in text for t in content))]
