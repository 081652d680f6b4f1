"""Messages that ask the briefs nothing: a greeting, thanks, a request for help, asking which briefs there are, or
asking about the last answer itself (where its quotes stand, or it shorter).

Chat front ends send them as they send questions. Searched as questions they got "The briefs never mention Hello."
and the closest passages; they get instead a plain reply saying what the assistant does and which briefs it answers
from, with no quotes (nothing was asked of the briefs). Only a message that is nothing else counts: "Hello, what is
SSR?" is a question. Asked where the last answer's quotes stand ("Which page is that on?") or for it shorter
("Summarise."), the last question is answered again, whole or its first quote alone, with its citations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .composition import AnswerSentence, Citation
from .conversation import GREETING_WORDS, THANKS_WORDS
from .models import Document, pages_label
from .ranking import TEXT_WORDS

GREETING, THANKS, HELP, CATALOGUE = "greeting", "thanks", "help", "catalogue"
# asking about the last answer itself: where its quotes stand, or it shorter
SOURCES, SHORTER = "sources", "shorter"

_ACTS = (
    (GREETING, re.compile(rf"^\W*(?:{GREETING_WORDS})(?:\s+there)?\W*$", re.I)),
    (THANKS, re.compile(
        rf"^\W*(?:{THANKS_WORDS})(?:\s+(?:a\s+lot|very\s+much|so\s+much))?"
        r"(?:[\s,!.]+(?:that\s+(?:helps|helped|was\s+helpful)|great|perfect|bye|goodbye))*\W*$", re.I,
    )),
    (HELP, re.compile(
        r"^\W*(?:help|\?+|what\s+can\s+you\s+do|what\s+do\s+you\s+do|who\s+are\s+you|what\s+are\s+you|"
        r"how\s+(?:do|can|should)\s+I\s+use\s+(?:you|this(?:\s+(?:tool|assistant|service))?)|how\s+does\s+this\s+work)\W*$", re.I,
    )),
    (CATALOGUE, re.compile(
        r"^\W*(?:(?:which|what)\s+(?:briefs|documents|texts|sources|publications|files)\s+(?:do\s+you\s+(?:have|know|use|cover)|"
        r"are\s+(?:there|available|(?:in\s+)?(?:the\s+)?(?:corpus|index|collection)|indexed|loaded))|"
        r"(?:list|show)\s+(?:me\s+)?(?:the|your|all(?:\s+the)?)\s+(?:briefs|documents|texts|sources|publications|files)|"
        r"what\s+(?:is|'s)\s+in\s+(?:the|your)\s+(?:corpus|index|collection|library))\W*$", re.I,
    )),
)

_FIGURE = r"(?:figures?|numbers?|claims?|estimates?|data|statistics?)"  # what an answer states, asked where it is from

_ABOUT_THE_ANSWER = (
    (SOURCES, re.compile(
        r"^\W*(?:(?:and\s+)?(?:where|which\s+(?:page|brief|document|section))\s+(?:does|do|did)\s+(?:it|they|the\s+briefs?)\s+say\s+"
        r"(?:that|so|this)|(?:on\s+)?(?:which|what)\s+page(?:\s+(?:is|was)\s+(?:that|this|it)(?:\s+on)?)?|"
        r"where\s+(?:is|was)\s+(?:that|this)\s+from|where\s+did\s+you\s+(?:get|find)\s+(?:that|this)|"
        # "Is that from the briefing note?", "Which brief is that from?": whose quotes they are
        rf"(?:is|was|are|were)\s+(?:that|this|it|these|those)\s+(?:from|in)\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,3}}"
        rf"(?:{TEXT_WORDS}|review)s?|"
        rf"which\s+(?:{TEXT_WORDS}|review|source)s?\s+(?:is|was|are|were)\s+(?:that|this|it|these|those|they)\s+(?:from|in)|"
        r"(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:give|show|cite|quote)\s+(?:me\s+)?(?:the|your)\s+"
        r"(?:sources?|references?|citations?)|"
        # who a figure or claim is from: "According to which source?", "Says who?", "Where does that figure come from?"
        rf"according\s+to\s+(?:whom|who|which\s+(?:[\w'’-]+\s+)?(?:sources?|organi[sz]ations?|bod(?:y|ies)|{TEXT_WORDS}|review)s?|"
        rf"what\s+(?:sources?|{TEXT_WORDS}s?))|says\s+who|who\s+(?:says|said|claims|estimates)\s+(?:so|that|this)|"
        # ("Where does it come from?" asks where the thing spoken of comes from, unless it names a figure)
        rf"(?:where|who)\s+(?:does|do|did)\s+(?:(?:that|this)(?:\s+{_FIGURE})?|(?:it|these|those)\s+{_FIGURE})\s+come\s+from|"
        r"(?:what\s+(?:is|are)\s+|what'?s\s+)?(?:the\s+|your\s+)?(?:sources?|references?|citations?)"
        rf"(?:\s+(?:of|for)\s+(?:that|this|it|these|those)(?:\s+{_FIGURE})?)?)\W*$",
        re.I,
    )),
    (SHORTER, re.compile(
        r"^\W*(?:(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:summari[sz]e|sum\s+(?:it|that)\s+up|shorten\s+(?:it|that))"
        r"(?:\s+(?:it|that|please))*|(?:in\s+)?(?:one|a\s+single)\s+sentence|(?:in\s+)?short(?:er)?|briefly|tl;?dr|"
        r"(?:give\s+me\s+)?the\s+gist|(?:the\s+)?short\s+version|"
        # simpler: the answer's first quote alone, the briefs' own words ("In simple terms please.", "Explain it simply")
        r"(?:(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:explain|say|put)\s+(?:it|that|this)\s+)?(?:(?:in\s+)?(?:simple|simpler|"
        r"plain|plainer|layman'?s?|everyday)\s+(?:terms|words|english|language)|(?:more\s+)?simply|in\s+a\s+nutshell))"
        r"(?:[\s,]+please)?\W*$", re.I,
    )),
)


def about_the_answer(message: str) -> str | None:
    """What a message asks of the last answer itself (SOURCES: "Where does it say that?", "Which page?"; SHORTER:
    "Summarise.", "In one sentence?"), or None."""
    text = message.strip()
    if len(text) > 80:
        return None
    return next((act for act, pattern in _ABOUT_THE_ANSWER if pattern.match(text)), None)


def social_act(message: str) -> str | None:
    """What a message that asks the briefs nothing does (GREETING, THANKS, HELP, CATALOGUE), or None for a question."""
    text = message.strip()
    if len(text) > 80:
        return None
    return next((act for act, pattern in _ACTS if pattern.match(text)), None)


def catalogue_line(documents: Iterable[Document]) -> str:
    """The briefs answered from, by title, each with its id."""
    listed = [f"“{d.title}” ({d.doc_id})" for d in documents]
    return f"The briefs I answer from ({len(listed)}): " + "; ".join(listed) + "." if listed else "No briefs are indexed yet."


_HELP = (
    "Ask a question about the briefs in English: what a term means, what they recommend, what figures they give. Every "
    "sentence of an answer is quoted word for word from a brief, with its source and page, and the answer says how well "
    "the briefs support it. A follow-up can refer to the last answer (\"Who funds it?\", \"Tell me more about the second one\")."
)


def social_reply(act: str, documents: Iterable[Document]) -> str:
    """The reply to a message that asks the briefs nothing."""
    if act == THANKS:
        return "You are welcome. Ask another question about the briefs whenever you like."
    briefs = catalogue_line(documents)
    if act == CATALOGUE:
        return briefs
    return f"{'Hello. ' if act == GREETING else ''}{_HELP} {briefs}"


def sources_line(citations: Iterable[Citation]) -> str:
    """Where each quote of an answer stands: "[1] “Title”, p. 3 — Section; …"."""
    placed = [
        f"[{c.marker}] “{c.source.title}”{pages_label(c.source.pages)}" + (f" — {c.source.section}" if c.source.section else "")
        for c in citations
    ]
    return "Where the last answer's quotes stand: " + "; ".join(placed) + "." if placed else "The last answer quoted nothing."


def first_quote(sentences: list[AnswerSentence], citations: list[Citation]) -> tuple[list[AnswerSentence], list[Citation]]:
    """An answer's first sentence alone, its citations numbered from 1."""
    if not sentences:
        return [], []
    kept = {marker: n for n, marker in enumerate(sentences[0].markers, start=1)}
    return (
        [AnswerSentence(sentences[0].text, list(kept.values()))],
        [replace(c, marker=kept[c.marker]) for c in citations if c.marker in kept],
    )
