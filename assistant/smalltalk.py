"""Messages that ask the briefs nothing: a greeting, thanks, a request for help, or asking which briefs there are.

Chat front ends send them as they send questions. Searched as questions they got "The briefs never mention Hello."
and the closest passages; they get instead a plain reply saying what the assistant does and which briefs it answers
from, with no quotes (nothing was asked of the briefs). Only a message that is nothing else counts: "Hello, what is
SSR?" is a question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import Document

GREETING, THANKS, HELP, CATALOGUE = "greeting", "thanks", "help", "catalogue"

_ACTS = (
    (GREETING, re.compile(r"^\W*(?:hi|hello|hey|hiya|greetings|good\s+(?:morning|afternoon|evening|day))(?:\s+there)?\W*$", re.I)),
    (THANKS, re.compile(
        r"^\W*(?:(?:many\s+)?thanks(?:\s+a\s+lot)?|thank\s+you(?:\s+(?:very\s+much|so\s+much))?|thx|cheers|much\s+appreciated)"
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
