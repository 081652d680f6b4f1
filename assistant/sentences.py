"""The sentences of every passage, with their offsets: the units an answer is made of.

Passages overlap by a sentence, so a sentence is stored once and each passage lists the
sentences it holds. Sentence vectors are computed at build time so that answering a
question costs no model call beyond the query embedding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .headings import heading_line, parse_heading
from .chunking import sentence_spans
from .models import Document, Passage

ITEM_MARK = r"(?:[•▪◦‣∙·\-–*]|\d+[.)]|[a-z][.)])"  # what opens a list item: a bullet, "3.", "b)"
BULLET = re.compile(rf"^\s*{ITEM_MARK}\s+\S")
_BULLETS_FOLLOW = re.compile(rf"[ \t]*\n\s*{ITEM_MARK}\s")
_FULL_STOP_BEFORE = re.compile(r"(?<![.\w])(?!etc\b)[A-Za-z]{4,}[.!?]\s+$")  # "follows. ", not "e.g. " or "etc. "
_MARK_ONLY = re.compile(rf"^\s*{ITEM_MARK}\s+$")
# A bibliographic reference, not a statement: editors, page ranges, "(Place: Publisher, 2012)".
_REFERENCE = re.compile(
    r"\((?:eds?|ed)\.?\)|\bpp?\.\s?\d|\([A-Z][\w .,'’&-]{1,60}:\s[^()]{2,120}\b(?:1[89]|20)\d\d\b[^()]*\)"
)
# A pointer to further reading, not a statement: "➔ For more information …", "Resource: »A Deadly Journey« …" (readings.py
# quotes such entries for a question asking what to read)
POINTER = re.compile(
    r"^(?:[➔→►▶⇒>]|(?:Resources?|Sources?|See also|Further reading|Read more|Recommended reading)\s*:)", re.IGNORECASE
)
# A publisher's notice, not the brief's content: copyright, licence, leave to copy, a disclaimer.
_NOTICE = re.compile(
    r"©|\bcopyright\b|\ball rights reserved\b|\bIS[BS]N\b|\bcreative commons\b|\blicen[cs]ed under\b|"
    r"\bdo not necessarily (?:reflect|represent)\b|\bnot for commercial use\b|\bfor non-?commercial (?:use|purposes) only\b|"
    r"\b(?:may|can|must|not)\s+(?:be\s+)?(?:freely\s+)?(?:copy|copied|reproduce|reproduced|distribute|distributed)\b"
    r"[^.]{0,80}\b(?:provided|permission|credited|acknowledged)\b",
    re.IGNORECASE,
)
# a label the layout glued to the title after it ("ResourceA Deadly …", "Case StudySupporting …", "VideoRefugees …")
GLUED_LABEL = re.compile(r"^(?P<label>[A-Z][a-z]{2,}(?: [A-Z][a-z]+)?[a-z])(?=[A-Z])")
MIN_SENTENCE_WORDS = 4  # shorter lines are labels or list stubs, never an answer on their own
MIN_STUB_WORDS = 2  # a list item this long is quoted with its list (list_stub)
HEADING_ANSWER_WORDS = 8  # a heading this long is a recommendation in its own right
ITEM_LABEL_WORDS = 6  # a list item opening with a sentence this short opens with its label
UNMARKED_LIST_LINES, UNMARKED_ITEM_WORDS = 3, 25  # short unpunctuated lines in a row that make a list without bullets


@dataclass
class SentenceTable:
    doc_ids: list[str]
    starts: np.ndarray
    ends: np.ndarray
    by_passage: list[list[int]]  # passage position -> sentence ids, in document order
    # short list items ("2. Support senior mission leaders on SSR"): in the table, in document order, but in no
    # passage's list, so they are never ranked nor answer alone; quoted only with their list (list_stub)
    list_stubs: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.doc_ids)

    def text(self, sentence: int, documents: dict[str, Document]) -> str:
        return documents[self.doc_ids[sentence]].text[int(self.starts[sentence]) : int(self.ends[sentence])]

    def embedding_text(self, sentence: int, documents: dict[str, Document]) -> str:
        """What the model embeds: the sentence after its section heading, so that "It is financed by…"
        is still about the programme its section names."""
        document = documents[self.doc_ids[sentence]]
        start = int(self.starts[sentence])
        heading = next((s.path[-1] for s in reversed(document.sections) if s.start <= start and s.path), document.title)
        return f"{heading}: {self.text(sentence, documents)}"

    def save(self, path: Path) -> None:
        payload = {
            "doc_ids": self.doc_ids,
            "starts": self.starts.tolist(),
            "ends": self.ends.tolist(),
            "by_passage": self.by_passage,
            "list_stubs": sorted(self.list_stubs),
        }
        path.write_text(json.dumps(payload))

    @classmethod
    def load(cls, path: Path) -> "SentenceTable":
        data = json.loads(path.read_text())
        return cls(
            data["doc_ids"],
            np.array(data["starts"], dtype=np.int64),
            np.array(data["ends"], dtype=np.int64),
            data["by_passage"],
            frozenset(data.get("list_stubs", ())),
        )


def heading_spans(document: Document) -> list[tuple[int, int, int]]:
    """(start, name_start, end) of every section heading: numbering and label end at name_start."""
    spans = []
    if document.text.startswith(document.title):  # the title line opens the document
        spans.append((0, 0, len(document.title)))
    for section in document.sections:
        if not section.path:
            continue
        line, offset = heading_line(document, section)
        spans.append((offset, offset + parse_heading(line).name_offset, offset + len(line.rstrip())))
    return spans


def answer_span(
    start: int, end: int, headings: list[tuple[int, int, int]], text: str, list_lines: Collection[int] = ()
) -> tuple[int, int] | None:
    """The part of a sentence that can stand in an answer, or None.

    A heading or a question is not an answer, except a heading that is itself a full recommendation
    ("a. SSR Entry Point: Support mediated dialogue … over time;"), quoted without its
    numbering and label. Text the layout glued after a heading keeps only its body.
    """
    for heading_start, name_start, heading_end in headings:
        if start <= heading_start < end or heading_start <= start < heading_end:
            if end > heading_end + 1:
                start = heading_end
                while start < end and not text[start].isalnum():
                    start += 1
            elif len(text[name_start:heading_end].split()) >= HEADING_ANSWER_WORDS:
                start = max(start, name_start)
            else:
                return None
    item = _whole_line(text, start, end) and _line_at(text, start)[0] in list_lines
    return (start, end) if is_answer_sentence(text, start, end, item) else None


def list_stub(text: str, start: int, end: int, headings: list[tuple[int, int, int]]) -> bool:
    """A marked list item too short to stand as a statement ("2. Support senior mission leaders on SSR", "• Resource
    SSR work better"): a whole line after its bullet or number, of at least MIN_STUB_WORDS words, followed by another
    item, or last after one (a heading or nothing next); not the first line of an entry of a reading list ("• UN SSR
    Taskforce" and its title on the next line); no heading itself, no question, no pointer to reading nor notice.
    Quoted only as an item of its list."""
    line_start, line_end = _line_at(text, start)
    sentence = text[start:end].rstrip()
    after = _line_after(text, (line_start, line_end))
    before = text[:line_start].rstrip().rpartition("\n")[2]
    last = after is None or any(h[0] == after[0] for h in headings)  # the list's last item: a heading or the end next
    return (
        bool(_MARK_ONLY.match(text[line_start:start]))
        and not text[end:line_end].strip()
        and (bool(after and BULLET.match(text[after[0] : after[1]])) or (last and bool(BULLET.match(before))))
        and len(sentence.split()) >= MIN_STUB_WORDS
        and not sentence.endswith("?")
        and not any(start <= heading_start < end or heading_start <= start < heading_end for heading_start, _, heading_end in headings)
        and not (POINTER.match(sentence) or _REFERENCE.search(sentence) or _NOTICE.search(sentence))
    )


def _unmarked_item(line: str) -> bool:
    """A line that can be an item of a list whose marks were lost: a few words, no bullet, no sentence's end."""
    stripped = line.strip()
    words = len(stripped.split())
    return (
        MIN_SENTENCE_WORDS <= words <= UNMARKED_ITEM_WORDS
        and stripped[-1] not in ".!?;:"
        and not BULLET.match(stripped)
        and not stripped.isupper()
    )


def unmarked_list_lines(text: str, heading_starts: Collection[int] = ()) -> set[int]:
    """Starts of the lines of `text` that are items of a list whose bullets were lost: at least
    UNMARKED_LIST_LINES lines in a row (blank lines between them allowed) that each read as an item
    ("Migration for Employment Convention - ILO, 1949", "Refugee Convention and its 1967 Protocol - UNHCR, 1951", …).
    A heading breaks a run, and a run beside a bulleted line is the wrapped text of marked items ("• DCAF-ISSAT" over
    a title), not a list. One pass over the lines."""
    found: set[int] = set()
    run: list[int] = []
    before = ""

    def close(after: str) -> None:
        if len(run) >= UNMARKED_LIST_LINES and not BULLET.match(before) and not BULLET.match(after):
            found.update(run)

    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        if not line.strip():
            continue
        begin = match.start()
        if begin not in heading_starts and _unmarked_item(line):
            run.append(begin)
            continue
        close(line)
        run, before = [], line
    close("")
    return found


def _whole_line(text: str, start: int, end: int) -> bool:
    line = _line_at(text, start)
    return not text[line[0] : start].strip() and not text[end : line[1]].strip()


def document_list_lines(document: Document, headings: list[tuple[int, int, int]] | None = None) -> set[int]:
    """unmarked_list_lines of a whole document, its headings (heading_spans, found when not given) breaking runs:
    what its sentences are judged by."""
    spans = heading_spans(document) if headings is None else headings
    return unmarked_list_lines(document.text, {span[0] for span in spans})


def unmarked_list_follows(text: str, end: int, list_lines: Collection[int]) -> bool:
    """Whether the line after the one holding offset `end` opens a list whose bullets were lost: its start is one of
    `list_lines` (document_list_lines)."""
    following = _line_after(text, _line_at(text, max(0, end - 1)))
    return following is not None and following[0] in list_lines


def in_list_item(text: str, start: int, list_lines: Collection[int]) -> bool:
    """Whether the sentence starting at `start` belongs to a list item: its line opens with an item's mark ("• ",
    "2. ") or is a line of a list whose bullets were lost (`list_lines`, document_list_lines)."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(BULLET.match(text[line_start : start + 1])) or line_start in list_lines


def in_semicolon_item(text: str, offset: int) -> bool:
    """Whether the paragraph holding `offset` ends with a semicolon: an item of a list set as paragraphs ("Moving SSR
    from a crisis response option to a prevention measure …;"), whatever its sentences end with."""
    end = text.find("\n\n", offset)
    return text[: len(text) if end < 0 else end].rstrip().endswith(";")


def _line_at(text: str, offset: int) -> tuple[int, int]:
    line_end = text.find("\n", offset)
    return text.rfind("\n", 0, offset) + 1, len(text) if line_end < 0 else line_end


def _line_after(text: str, line: tuple[int, int]) -> tuple[int, int] | None:
    """The nearest non-blank line after `line`, if any."""
    begin = line[1] + 1
    while begin < len(text):
        end = text.find("\n", begin)
        end = len(text) if end < 0 else end
        if text[begin:end].strip():
            return begin, end
        begin = end + 1
    return None


def _title_case(line: str) -> bool:
    """Most of its longer words capitalised: "No Ownership, No Commitment: A Guide to Local Ownership of …"."""
    words = [w for w in re.findall(r"[^\W\d_]{4,}", line)]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def is_answer_sentence(text: str, start: int, end: int, unmarked_item: bool = False) -> bool:
    """Whether text[start:end] reads as a statement on its own.

    Not: a stub, a question, the tail of a list item, a "see also" arrow, a publisher's notice
    (copyright, licence, leave to copy, disclaimer), a label glued to
    a title by the page's layout ("ResourceA Deadly Journey…"), or a subtitle or caption
    (short, no sentence ending) unless it is a list item, marked or (`unmarked_item`) a line of a
    list whose bullets were lost.
    """
    sentence = text[start:end].rstrip()
    words = len(sentence.split())
    line_start = text.rfind("\n", 0, start) + 1
    list_item = in_list_item(text, start, ())  # "• processes that …" may start in lower case
    # "… flight follows. this has been seen …": a sentence the brief forgot to capitalise, not a fragment
    after_full_stop = bool(_FULL_STOP_BEFORE.search(text[line_start:start]))
    if words < MIN_SENTENCE_WORDS or sentence.endswith("?") or (sentence[0].islower() and not (list_item or after_full_stop)):
        return False
    if POINTER.match(sentence) or GLUED_LABEL.match(sentence) or _REFERENCE.search(sentence) or _NOTICE.search(sentence):
        return False
    if sentence[-1] not in ".!;:…" and _title_case(sentence) and (": " in sentence or sentence.isupper()):
        return False  # a title with its subtitle (a reading-list entry) or a caption in capitals, not a statement
    if sentence[-1] in ".!;:…)\"”'’" or unmarked_item:
        return True
    # unpunctuated: a long line reads as a statement; a list item needs a heading's length (not "• DCAF-ISSAT")
    return words >= (HEADING_ANSWER_WORDS if list_item else HEADING_ANSWER_WORDS + 4)


def bullets_follow(text: str, end: int) -> bool:
    """Whether list items start on the line after offset `end` ("BMM focuses on" followed by bullets)."""
    return bool(_BULLETS_FOLLOW.match(text, end, end + 12))


def with_item_labels(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with a list item's short label joined to the sentence after it on the same line:
    "• Peace processes. Creating a security sector … " is one statement, and the label is what a list
    question asks for."""
    joined: list[tuple[int, int]] = []
    label: int | None = None
    for start, end in spans:
        if label is not None and "\n" not in text[label:start]:
            start = label
        label = None
        line_start = text.rfind("\n", 0, start) + 1
        sentence = text[start:end].rstrip()
        if (
            len(sentence.split()) <= ITEM_LABEL_WORDS
            and sentence.endswith(".")
            and _MARK_ONLY.match(text[line_start:start])  # only the item's mark before it: the label opens the item
        ):
            label = start
            continue
        joined.append((start, end))
    if label is not None:
        joined.append((label, spans[-1][1]))
    return joined


def opens_with_label(sentence: str) -> bool:
    """The sentence opens with a label of at most ITEM_LABEL_WORDS words and goes on ("Peace processes. Creating a
    security sector …"): the shape of a labelled list item (with_item_labels)."""
    head, stop, rest = sentence.partition(". ")
    return bool(stop and rest.strip()) and len(head.split()) <= ITEM_LABEL_WORDS


def sentence_table(documents: dict[str, Document], passages: list[Passage]) -> SentenceTable:
    ids: dict[tuple[str, int, int], int] = {}
    doc_ids: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    by_passage: list[list[int]] = []
    stubs: set[int] = set()
    headings = {doc_id: heading_spans(document) for doc_id, document in documents.items()}
    list_lines = {doc_id: document_list_lines(document, headings[doc_id]) for doc_id, document in documents.items()}
    for passage in passages:
        text = documents[passage.doc_id].text
        held = []
        for start, end in with_item_labels(text, sentence_spans(text, passage.start, passage.end)):
            span = answer_span(start, end, headings[passage.doc_id], text, list_lines[passage.doc_id])
            stub = span is None and list_stub(text, start, end, headings[passage.doc_id])
            if span is None and not stub:
                continue
            start, end = span or (start, end)
            key = (passage.doc_id, start, end)
            if key not in ids:
                ids[key] = len(doc_ids)
                doc_ids.append(passage.doc_id)
                starts.append(start)
                ends.append(end)
            if stub:
                stubs.add(ids[key])
            else:
                held.append(ids[key])
        by_passage.append(held)
    return SentenceTable(
        doc_ids, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), by_passage, frozenset(stubs)
    )
