"""Which sentences answer: a learned ranker over the sentences of the top passages.

Each candidate sentence gets a dozen features, most of them relative to the other candidates
of the same question (a sentence is good compared with what else was found, not in the
absolute). A LinearModel (linear.py) fitted by `assistant fit` with grouped cross-validation
turns them into the probability that the sentence lies inside a gold quote. Without a fitted
ranker, hand_set_scores weighs a few of them by Settings' `fallback_*` weights.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .linear import LinearModel, usable

if TYPE_CHECKING:
    from .settings import Settings

_ASKS_DEFINITION = re.compile(
    r"^\s*(?:what\s+(?:is|are)\b(?!.*\b(?:role|purpose|difference|reason|link|relationship|relation|connection|impact|"
    r"effect|influence|importance|significance|consequence)s?\b)|define\b|what\s+does\s+.+\s+mean\b|"
    r"(?:who|what)\s+(?:counts|count|is considered|are considered)\b)|\b(?:definition|meaning)\s+of\b|"
    # search-box words ending in what they ask for: "security sector reform meaning", "migrant definition", or its
    # definer after it ("SSR definition DCAF"), or opening with it ("definition SSR")
    r"^(?!\s*(?:what|which|who|how|why|when|where|is|are|does|do|can)\b)[^?]*\b(?:meaning|definition)"
    r"(?:\s+[^?\s]+){0,3}\W*$|^\W*(?:meaning|definition)\s+(?!of\b)[^?]+$",
    re.IGNORECASE,
)
_DEFINITIONAL = re.compile(
    r"\b(?:is|are)\s+(?:the|a|an|any|all)\b|\bmeans?\b|\brefers?\s+to\b|\bdefined\s+as\b|\bdefinition\b|"
    r"^(?:A|An|Any)\s+(?:person|people|individual)s?\b",
)


def asks_definition(question: str) -> bool:
    """"What is SSR?", "Define forced displacement", "Who counts as a refugee?", "the meaning of …", "SSG meaning"."""
    return bool(_ASKS_DEFINITION.search(question))


def is_definitional(sentence: str) -> bool:
    return bool(_DEFINITIONAL.search(sentence))


_ASKS_LIST = re.compile(
    r"\b(?:list\w*|enumerat\w*|which \w+s|"
    # "What weaknesses did …", "What precautions do …", "What institutions in …": "what" and a plural noun (a verb
    # after "what" is followed by its object: "What separates a refugee …")
    r"what [a-z][\w-]*[^s\W]s\s+(?:do|does|did|are|were|can|could|should|would|will|have|has|had|must|may|might|in|of|"
    r"for|on|against|that|which)|what (?:are|were) (?:the|its|their)|what (?:kinds?|types?|sorts?|forms?) of|examples?|"
    r"name (?:the|some|a few)|(?:components|parts|elements) of|makes? up|"
    # "Give me the push factors", "Show me all the entry points": asked for things by a plural noun
    r"(?:give|show|tell)\s+(?:me|us)\s+(?:all\s+)?(?:the|its|their)\s+(?:[\w'’-]+\s+){0,3}?[a-z][\w-]*[^s\W]s)\b"
    # what a thing is made of: its parts, a list ("What is the security sector made of?")
    r"|\b(?:made(?: up)? of|composed of|consists? of|comprises?)\W*$",
    re.IGNORECASE,
)


_ASKS_YES_NO = re.compile(
    r"^\W*(?:is|are|was|were|can|could|do|does|did|should|would|will|has|have|had|may|might|must|shall)\b(?!\s*,)",
    re.IGNORECASE,
)


def asks_yes_no(question: str) -> bool:
    """"Can reforms be imposed …?", "Does SSR apply to …?": the answer is a statement, never a list."""
    return bool(_ASKS_YES_NO.search(question))


TEXT_WORDS = r"brief(?:ing note)?|report|page|paper|note|backgrounder|document|study|publication|series"  # words naming a text
_ABOUT_THE_TEXT = re.compile(rf"\b(?:this|the|our)\s+(?:{TEXT_WORDS})\b", re.IGNORECASE)


def about_the_text(sentence: str) -> bool:
    """The sentence speaks of the text itself ("This page describes …", "The report offers …"): what the brief is,
    not what it says; an answer only when the question asks about the text."""
    return bool(_ABOUT_THE_TEXT.search(sentence))


_ASKS_WHAT_IT_IS = re.compile(
    r"^\W*(?:what|who)\s+(?:is|was)\b(?!\s+there\b)|^\W*define\b|^\W*(?:and\s+|so\s+)?which\s+one\b", re.IGNORECASE
)


def asks_for_statement(question: str) -> bool:
    """"Can …?", "Does …?", "What is …?", "Who was …?", "Define …", "Which one …?": the answer is a statement, not a
    list (unless the question also asks for one: asks_list)."""
    return asks_yes_no(question) or bool(_ASKS_WHAT_IT_IS.search(question))


_ASKS_WHAT = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|which)\b", re.IGNORECASE)


# "What did the review find?", "What does the report recommend?": what a source found, recommended or concluded, its
# object unsaid; the things it found are what a heading naming them holds ("Key Findings", "Recommendations")
_ASKS_WHAT_DONE = re.compile(
    r"^\W*(?:and\s+|so\s+)?what\s+(?:did|does|do|has|have|had)\s+(?P<source>(?:[\w'’-]+\s+){1,6}?)"
    r"(?:find|found|recommend|suggest|propose|conclude|identify|highlight|learn|note|observe)\W*$",
    re.IGNORECASE,
)


def asked_what_done(question: str) -> str | None:
    """The source of "What did the review find?" ("the review"): a question asking for what a source found,
    recommended or concluded, as the list a heading naming those things holds may give it; None for other questions."""
    match = _ASKS_WHAT_DONE.search(question)
    return match.group("source").strip() if match else None


def asks_what(question: str) -> bool:
    """"What …?", "Which …?": a question a list may answer when it restates a list's heading."""
    return bool(_ASKS_WHAT.search(question))


def asks_list(question: str) -> bool:
    """"List the principles …", "Which countries …", "What are the main …", "What kinds of …", "examples of …", "What
    is X made of?", "Who makes up X?"."""
    return bool(_ASKS_LIST.search(question))


def enumerates(sentence: str) -> bool:
    """The sentence names several things in a row: "a, b, c and d", or items split by semicolons."""
    return (sentence.count(",") >= 2 and bool(re.search(r"\b(?:and|or)\b", sentence))) or sentence.count(";") >= 2


RANKER_PATH = Path(__file__).parent / "data" / "sentence_ranker.json"

SENTENCE_FEATURES = (
    "cosine",
    "cosine_gap",
    "passage_cosine",
    "inverse_rank",
    "rare_coverage",
    "rare_coverage_gap",
    "coverage",
    "heading_coverage",
    "neighbour_coverage",
    "log_words",
    "introduces_list",
    "holds_answer_type",
    "states_entry_point",
    "defines",
    "enumerates",
    "log_position",
    "about_the_text",
)
SENTENCE_DIRECTION = {
    "cosine": 1,
    "cosine_gap": 1,  # the sentence's cosine minus the best one's (0 for the best)
    "passage_cosine": 1,
    "inverse_rank": 1,
    "rare_coverage": 1,  # IDF-weighted share of the question's words in the sentence
    "rare_coverage_gap": 1,
    "coverage": 1,
    "heading_coverage": 1,  # … in the section path of its passage
    "neighbour_coverage": 0,  # … in the sentence before or after it
    "log_words": 0,
    "introduces_list": 0,  # ends with a colon, or bullets follow it
    "holds_answer_type": 1,  # a number for "how many", a year for "when"
    "states_entry_point": 1,  # states an entry point matched to a question asking what to do
    "defines": 1,  # reads as a definition, and the question asks what something is or means
    "enumerates": 1,  # names several things in a row, and the question asks for a list
    "log_position": 0,  # its place in its passage
    "about_the_text": -1,  # speaks of the brief itself ("This page describes …"), and the question does not
}


@dataclass(frozen=True)
class SentenceEvidence:
    """Per-candidate arrays, one value per candidate sentence of one question."""

    cosine: np.ndarray
    passage_cosine: np.ndarray
    rank: np.ndarray
    rare_coverage: np.ndarray
    coverage: np.ndarray
    heading_coverage: np.ndarray
    neighbour_coverage: np.ndarray
    words: np.ndarray
    introduces_list: np.ndarray
    holds_answer_type: np.ndarray
    states_entry_point: np.ndarray
    defines: np.ndarray
    enumerates: np.ndarray
    position: np.ndarray
    about_the_text: np.ndarray


def sentence_features(evidence: SentenceEvidence) -> np.ndarray:
    """One row per candidate, columns SENTENCE_FEATURES."""
    e = evidence
    best_cosine = e.cosine.max() if len(e.cosine) else 0.0
    best_rare = e.rare_coverage.max() if len(e.rare_coverage) else 0.0
    columns = {
        "cosine": e.cosine,
        "cosine_gap": e.cosine - best_cosine,
        "passage_cosine": e.passage_cosine,
        "inverse_rank": 1.0 / e.rank,
        "rare_coverage": e.rare_coverage,
        "rare_coverage_gap": e.rare_coverage - best_rare,
        "coverage": e.coverage,
        "heading_coverage": e.heading_coverage,
        "neighbour_coverage": e.neighbour_coverage,
        "log_words": np.log1p(e.words),
        "introduces_list": e.introduces_list,
        "holds_answer_type": e.holds_answer_type,
        "states_entry_point": e.states_entry_point,
        "defines": e.defines,
        "enumerates": e.enumerates,
        "log_position": np.log1p(e.position),
        "about_the_text": e.about_the_text,
    }
    return np.column_stack([np.asarray(columns[name], dtype=np.float64) for name in SENTENCE_FEATURES]) if len(e.cosine) else np.zeros((0, len(SENTENCE_FEATURES)))


def hand_set_scores(evidence: SentenceEvidence, settings: "Settings") -> np.ndarray:
    """Sentence scores when no ranker is fitted: the cosine with the question, plus shares of the passage's cosine,
    of the question's words held, an entry-point bonus and a rank bonus, less a cost per word past a long sentence's
    length (Settings' `fallback_*` weights, set by hand)."""
    e = evidence
    return (
        e.cosine
        + settings.fallback_entry_point_weight * e.states_entry_point
        + settings.fallback_passage_weight * e.passage_cosine
        + settings.fallback_lexical_weight * e.coverage
        + settings.fallback_rank_weight / e.rank
        - settings.fallback_length_penalty * np.maximum(0, e.words - settings.fallback_long_sentence_words)
    )


def load_ranker(path: Path, embedding_model: str) -> LinearModel | None:
    """The fitted ranker, or None when there is none or it was fitted on other features or another model."""
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return LinearModel.from_json(data) if usable(data, SENTENCE_FEATURES, embedding_model) else None
