"""The briefs a question names as its sources: "How is SSR linked to development across the DCAF backgrounder, the
UN brief and the migration responses page?" names three briefs and asks about SSR and development in each.

A source is named by a phrase ending in a word for a text ("the UN support brief", "the briefing note"): its other
words are matched against each brief's title and file name, and the brief matching more of them than any other is
the one named. A phrase of one plain word alone ("the brief", "the report") names none, and neither does a plural
("the briefs"): those speak of the briefs in general. Pure functions of the question and the documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexical import terms
from .models import Document
from .ranking import TEXT_WORDS

# "the DCAF backgrounder", "the UN support brief", "the migration responses page": up to three words before a text word
SOURCE_PHRASE = re.compile(
    rf"\b(?:the|this|that)\s+(?P<words>(?:[\w'’-]+\s+){{0,3}}?)(?P<text>{TEXT_WORDS}|review)(?P<plural>s)?\b(?:'s)?",
    re.IGNORECASE,
)
# text words that say what any brief is, not which one ("the brief", "the page"): they name a brief only with other words
_PLAIN_TEXT_WORDS = frozenset(terms("brief report page paper note document study publication series review"))


# a phrase naming a text joined to another one: "the briefing note and the ISSAT web page", "… and ISSAT's page",
# "Compare the backgrounder with …", "between the note and …": the question is about more than the one it names
_JOINED_AFTER = re.compile(r"\s+(?:and|or|with|versus|vs\.?|than)\s", re.IGNORECASE)
_JOINED_BEFORE = re.compile(r"\b(?:and|or|with|versus|vs\.?|than|between|both)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class NamedSources:
    doc_ids: tuple[str, ...]  # the briefs named, in the order the question names them
    topic: str  # the question without the phrases naming them
    joined: bool = False  # a phrase naming a text is joined to another ("the note and the ISSAT page"), named or not

    @property
    def alone(self) -> str | None:
        """The one brief the question names, when it names one and joins no other text to it: what it asks of that
        brief alone ("What does the briefing note say about Afghanistan?")."""
        return self.doc_ids[0] if len(self.doc_ids) == 1 and not self.joined else None


def named_sources(question: str, documents: dict[str, Document]) -> NamedSources:
    """The briefs the question names (see the module's docstring) and the question without those phrases."""
    words_of = {doc_id: document_words(doc_id, document.title) for doc_id, document in documents.items()}
    named: list[str] = []
    spans: list[tuple[int, int]] = []
    joined = False
    for match in SOURCE_PHRASE.finditer(question):
        if match.group("plural"):
            continue
        joined = joined or bool(
            _JOINED_AFTER.match(question, match.end()) or _JOINED_BEFORE.search(question, 0, match.start())
        )
        asked = terms(match.group("words"))
        text = terms(match.group("text"))  # "briefing note" says which brief; "brief" alone does not
        text = text if len(text) > 1 else [t for t in text if t not in _PLAIN_TEXT_WORDS]
        scores = {doc_id: sum(t in words for t in asked + text) for doc_id, words in words_of.items()}
        best = max(scores.values(), default=0)
        found = [doc_id for doc_id, score in scores.items() if score == best]
        if best == 0 or len(found) != 1:
            continue
        if found[0] not in named:
            named.append(found[0])
        spans.append(match.span())
    topic = question
    for start, end in reversed(spans):
        topic = topic[:start] + " " + topic[end:]
    return NamedSources(tuple(named), re.sub(r"\s+", " ", topic).strip(), joined)


@lru_cache(maxsize=65_536)
def document_words(doc_id: str, title: str) -> frozenset[str]:
    """The terms of a brief's title and file name: what a phrase naming it is matched against (worked out once per
    brief, not per question)."""
    return frozenset(terms(f"{title} {doc_id.replace('-', ' ').replace('_', ' ')}"))
