"""Headings taken apart: numbering, the label a document repeats, and the name.

"IV. Push factor: Bad governance" -> ordinal 4, label "Push factor", name "Bad governance";
"• SSR Entry Point - National Dialogue" -> label "SSR Entry Point", name "National Dialogue".
And whether a question names a heading ("What are the key findings?" names "… - Key Findings").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .chunking import sentence_spans
from .lexical import terms
from .models import Document, Section

NUMBERING = re.compile(r"^\s*(?:(?P<roman>[IVXLC]+)\.|(?P<letter>[a-zA-Z])[.)]|(?P<number>\d+)[.)]|[•\-–*▪◦])\s+")
_LABELLED = re.compile(r"^(?P<label>[^:–\-]{2,48}?)\s*(?::\s+|\s+[-–]\s+)(?P<name>\S.*)$")
_LABEL_NUMBER = re.compile(r"\s+(?P<number>\d+)$")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
MAX_LABEL_WORDS = 5
# A heading's parts: "From Policy to Practice - Key Findings", "Push factor: Weak state protection"
_HEADING_PARTS = re.compile(r"\s+[-–—]\s+|:\s+")
MIN_HEADING_TERMS = 2  # words a question must share with a heading (or a part of it) to name it
RESTATED_HEADING_TERMS = 3  # … to restate it: all its words but one, and few others (RESTATED_OTHER_TERMS)
RESTATED_OTHER_TERMS = 2
# Words that ask or link rather than say what a heading or question is about ("WHAT … MIGHT …", "From Policy to …")
_FORM_WORDS = frozenset(terms(
    "what which who whom whose when where why how may might can could should would will must from into onto upon"
))
# Words that rank what they qualify as the most important, one as good as another: "What are the main findings?"
# names "Key Findings", "the major challenges" names "Main Challenges"
_FOREMOST = frozenset(terms("key main major principal chief primary central core foremost"))
_FOREMOST_TERM = min(_FOREMOST)
# Verbs of finding name what was found: "What weaknesses did the review identify?" and "… highlighted by the review"
# name "Key Findings" as "What did the review find?" does
_FINDING = frozenset(terms("find found identify highlight observe discover uncover reveal"))
_FINDING_TERM = terms("findings")[0]


def _as_asked(words: frozenset[str] | set[str]) -> set[str]:
    """Terms compared for naming a heading: any word of _FOREMOST as any other, any of _FINDING as "findings"."""
    return {_FOREMOST_TERM if word in _FOREMOST else _FINDING_TERM if word in _FINDING else word for word in words}


@dataclass(frozen=True)
class HeadingParts:
    """A heading line taken apart: "IV. Push factor: Bad governance" -> ordinal 4, label, name."""

    text: str
    ordinal: int | None
    label: str | None
    name: str
    name_offset: int  # where `name` starts inside `text`


def parse_heading(text: str) -> HeadingParts:
    line = text.strip()
    ordinal = None
    offset = len(text) - len(text.lstrip())
    numbering = NUMBERING.match(line)
    if numbering:
        ordinal = _ordinal(numbering)
        offset += numbering.end()
        line = line[numbering.end() :]
    labelled = _LABELLED.match(line)
    if labelled and len(labelled["label"].split()) <= MAX_LABEL_WORDS:
        label = labelled["label"].strip()
        number = _LABEL_NUMBER.search(label)
        if number:
            ordinal = ordinal or int(number["number"])
            label = label[: number.start()]
        return HeadingParts(text, ordinal, label, labelled["name"].strip(" .;:"), offset + labelled.start("name"))
    return HeadingParts(text, ordinal, None, line.strip(" .;:"), offset)


def _ordinal(match: re.Match[str]) -> int | None:
    if match["number"]:
        return int(match["number"])
    if match["letter"]:
        return ord(match["letter"].lower()) - ord("a") + 1
    if match["roman"]:
        return _roman(match["roman"])
    return None


def heading_line(document: Document, section: Section) -> tuple[str, int]:
    """A section's heading as it stands in the text, and its offset.

    The heading in `path` is exact unless it was shortened ("…"); then the heading is the
    first sentence of the section's first line (a heading the layout glued to its text).
    """
    end = document.text.find("\n", section.start, section.end)
    end = section.end if end < 0 else end
    line = document.text[section.start : end]
    title = section.path[-1] if section.path else ""
    found = line.find(title) if title and not title.endswith("…") else -1
    if 0 <= found <= 3:  # exact, or after a bullet sign
        return line[: found + len(title)], section.start
    first = sentence_spans(document.text, section.start, end)
    return (document.text[first[0][0] : first[0][1]], first[0][0]) if first else (line, section.start)


def names_heading(
    heading: str, asked: frozenset[str], labels: frozenset[str] = frozenset(), restated: bool = False
) -> bool:
    """Whether a question's terms (`asked`) name a heading: they hold at least MIN_HEADING_TERMS, and at least half, of
    the content words of the heading or of one of its parts split at a dash or a colon ("What are the key findings?"
    names "From Policy to Practice - Key Findings"). A label the briefs repeat over many headings (`labels`: "SSR
    Entry Point") is structure, not what the heading is about, and is left out first: "the SSR entry points for armed
    violence" does not name "SSR Entry Point - Preventing Armed Conflict". A word ranking a thing foremost is any other
    such word ("main findings" names "Key Findings"), and adds nothing to what a heading of one other word is about:
    "What weaknesses did the review find?" names "Key Findings", as does any question saying "key findings". `restated`: the terms hold all but at most
    one of the heading's (or part's) content words, at least RESTATED_HEADING_TERMS of them (or all of a heading
    of MIN_HEADING_TERMS or more: "What happens at the operational level?" restates "OPERATIONAL LEVEL"), and at most
    RESTATED_OTHER_TERMS others ("What typical situations may call for SSR?" restates "WHAT TYPES OF SITUATIONS MIGHT
    CALL FOR SSR?"; a question with much else to ask does not)."""
    parts = parse_heading(heading)
    if parts.label is not None and parts.label in labels:
        heading = parts.name
    asked = frozenset(_as_asked(asked))
    for part in (heading, *_HEADING_PARTS.split(heading)):
        words = _as_asked(set(terms(part)))
        held = len(words & asked)
        content = words - _FORM_WORDS
        if restated and len(asked - content - _FORM_WORDS) <= RESTATED_OTHER_TERMS and (
            (len(content & asked) >= RESTATED_HEADING_TERMS and len(content - asked) <= 1)
            or (len(content) >= MIN_HEADING_TERMS and content <= asked)  # a short heading named whole
        ):
            return True
        if not restated and held >= MIN_HEADING_TERMS and 2 * held >= len(words):
            return True
        # a foremost word and one other ("Key Findings"): the other names it in a question asking for a list ("What
        # weaknesses did the review find?"); both name it in any question ("… according to the review's key findings")
        if len(content) == 2 and _FOREMOST_TERM in content and (content - {_FOREMOST_TERM}) <= asked and (
            not restated or content <= asked
        ):
            return True
    return False


_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10,
}
_QUESTION_WORD = re.compile(r"[A-Za-z]+|\d+")
_ROMAN_NUMBER = re.compile(r"[IVX]{1,4}")


@dataclass(frozen=True)
class NumberedHeadings:
    """The headings the briefs number under a label ("III. Push factor: Armed violence …", "Push Factor 3 - Armed
    Violence …"), by the label's terms and the number: a question naming one so ("push factor 3", "the third push
    factor", "Push factor III") is searched with its name, which the number alone does not find (BM25 keeps no
    one-figure numbers, and the model does not count)."""

    names: dict[tuple[tuple[str, ...], int], tuple[str, ...]]  # (label terms, ordinal) -> the names, each once

    @classmethod
    def of(cls, documents: Iterable[Document]) -> "NumberedHeadings":
        found: dict[tuple[tuple[str, ...], int], dict[tuple[str, ...], str]] = {}
        for document in documents:
            for section in document.sections:
                if not section.path:
                    continue
                parts = parse_heading(heading_line(document, section)[0])
                label = tuple(terms(parts.label or ""))
                if parts.ordinal is not None and label and terms(parts.name):
                    found.setdefault((label, parts.ordinal), {}).setdefault(tuple(terms(parts.name)), parts.name)
        return cls({key: tuple(names.values()) for key, names in found.items()})

    def named(self, question: str) -> list[str]:
        """The names of the headings the question names by label and number (a figure, a Roman numeral in capitals
        or an ordinal word before the label), each once, in its fullest wording."""
        if not self.names:
            return []
        words = _QUESTION_WORD.findall(question)
        stems = [terms(word) for word in words]
        labels = sorted({label for label, _ in self.names})
        named: list[str] = []
        for label in labels:
            width = len(label)
            for at in range(len(words) - width + 1):
                if tuple(s for stem in stems[at : at + width] for s in stem) != label or not all(stems[at : at + width]):
                    continue
                after = words[at + width] if at + width < len(words) else ""
                before = words[at - 1].lower() if at > 0 else ""
                number = (int(after) if after.isdigit() and len(after) <= 3 else _roman(after) if _ROMAN_NUMBER.fullmatch(after)
                          else _ORDINAL_WORDS.get(before))
                names = self.names.get((label, number), ()) if number is not None else ()
                if not _one_heading(names):  # a numbering that starts again under each heading above ("a. SSR
                    continue  # Entry Point" under every push factor): which one is meant is not said
                name = max(names, key=lambda n: len(terms(n)))  # the fullest wording holds the others
                if name not in named:
                    named.append(name)
        return named


def _one_heading(names: tuple[str, ...]) -> bool:
    """Whether the names are one heading worded alike where a brief repeats it (the words of one hold the other's:
    "… armed conflicts" and "… armed conflicts in the world"), not the names of several."""
    words = [set(terms(name)) for name in names]
    return bool(words) and all(a <= b or b <= a for a in words for b in words)


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


# "What are the three levels of SSR activities?", "Which levels …", "List the phases …": the things asked for in the
# plural, maybe counted
COUNT_WORDS = {w: n for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), start=2)}
COUNT_WORD = "|".join(COUNT_WORDS)  # a count in words, as a pattern
_COUNTED = rf"(?:(?P<count>{COUNT_WORD}|\d{{1,2}})\s+|(?:main|different|various)\s+)?"
_ASKED_PLURAL = (
    re.compile(rf"^\W*(?:(?:what|which)\s+(?:are|were)|list|name)\s+the\s+{_COUNTED}(?P<noun>[a-z][a-z-]+[^s\W]s)\b", re.I),
    # "Which stages does pilotage have?": a verb after the noun (not "What makes SSR …", "What does SSR …")
    re.compile(
        rf"^\W*(?:which|what)\s+{_COUNTED}(?P<noun>[a-z][a-z-]+[^s\W]s)\s+(?:do|does|did|are|were|can|could|should|"
        r"would|will|have|has|had|must|may|might)\b",
        re.I,
    ),
)
MAX_PARALLEL_GAP = 2  # parallel headings follow one another, at most one other heading (a figure's label) between two
MAX_PARALLEL_HEADINGS = 12


def asked_plural(question: str) -> tuple[str, int | None] | None:
    """The noun a question asks for a list of, in the plural, and the count it gives, if any: ("levels", 3) for "What
    are the three levels of SSR activities?"; None for a question not asking so."""
    match = next((m for m in (pattern.match(question) for pattern in _ASKED_PLURAL) if m is not None), None)
    if match is None:
        return None
    count = match.group("count")
    number = None if count is None else int(count) if count.isdigit() else COUNT_WORDS[count.lower()]
    return match.group("noun"), number


def parallel_headings(document: Document, noun: str, count: int | None = None) -> list[Section]:
    """The sections of one brief whose headings end with the noun a question asks for in the plural ("STRATEGIC
    LEVEL", "ORGANIZATIONAL LEVEL", "OPERATIONAL LEVEL" for "What are the levels …?"), in document order: two or more
    headings, each worded otherwise (a heading a brief repeats is one), following one another (MAX_PARALLEL_GAP), none
    a question, and as many as the question counts, if it counts them; else []. A layout that sets such headings side
    by side (a figure's columns) leaves them no parent to list them by."""
    wanted = terms(noun)
    if len(wanted) != 1:
        return []
    found: list[tuple[int, Section]] = []
    for at, section in enumerate(document.sections):
        heading = section.path[-1].strip() if section.path else ""
        words = _QUESTION_WORD.findall(heading)
        if heading.endswith("?") or not words or terms(words[-1]) != wanted:
            continue
        if found and at - found[-1][0] > MAX_PARALLEL_GAP:
            if len(found) >= 2:
                break
            found = []
        if all(terms(s.path[-1]) != terms(heading) for _, s in found):
            found.append((at, section))
    sections = [section for _, section in found]
    if not 2 <= len(sections) <= MAX_PARALLEL_HEADINGS or (count is not None and len(sections) != count):
        return []
    return sections
