"""Question (and conversation) -> an extractive answer whose every sentence is a cited verbatim quote.

1. The question is resolved against the earlier turns (conversation.py).
2. The top passages are retrieved; their sentences are scored by cosine with the query
   (sentence vectors are computed at build time), the share of the question's own words
   they contain, and the rank of the passage they come from.
3. When even the best sentence is a poor match the assistant abstains and shows the
   closest material instead of quoting it as an answer.
4. The answer is composed from the scored sentences (composition.py): best first while
   they score near the best one; a sentence that says what a chosen one says adds its
   citation to it instead of being repeated.
5. Entry points from the catalogue are attached when the question asks what to do or the
   top passages sit in the sections that state push factors and entry points; a question
   that asks which factors the briefs name is answered from the catalogue (entry_points.py).

This module holds the answer's definition (`Answer`) and the `Answerer`, which runs the steps
and scores the sentences; the support level comes from answerability.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .answerability import (
    ANSWERED,
    MODEL_PATH,
    PARTIAL,
    Evidence,
    SupportModel,
    answer_type_missing,
    asks_for_type,
    feature_vector,
    holds_answer_type,
    load_support_model,
    year_elsewhere,
)
from .answerability import (
    NOT_COVERED as NOT_COVERED_LEVEL,
)
from .catalogue import overlaps
from .composition import LIST_MAX_ITEMS, AnswerSentence, Candidate, Citation, Composer, QuestionForm, plain, repeats
from .entry_points import (
    EntryPointMatch,
    asks_entry_points,
    asks_only_what_to_do,
    asks_what_to_do,
    entry_point_overview,
    entry_points_asked_for,
    entry_points_for,
    factor_overview,
    factor_quoted,
    factors_asked_for,
)
from .conversation import (
    ASPECT_WORDS, REQUEST_VERBS, ResolvedQuestion, Turn, asks_about_the_whole, item_picked, moved_on_from, own_terms, picked_among, picks_among, recent_turns, statements,
    typed_as_keywords,
)
from .definitions import (
    asked_term,
    compared_terms,
    asks_expansion,
    definition_strength,
    is_short_form,
    named_after_dash,
    opens_with,
    qualified_strength,
    spells_out,
)
from .lexical import LexicalIndex, terms, word_stems
from .linear import LinearModel
from .headings import asked_plural, names_heading, parallel_headings
from .models import Passage, Quote, SearchHit, Section
from .smalltalk import HELP, SOURCES, about_the_answer, first_quote, social_act, social_reply, sources_line
from .named_sources import SOURCE_PHRASE, NamedSources, document_words, named_sources
from .readings import Reading, asks_for_reading, chosen_readings, reading_entries, reading_terms
from .ranking import (
    RANKER_PATH,
    TEXT_WORDS,
    SentenceEvidence,
    about_the_text,
    asked_what_done,
    asks_definition,
    asks_list,
    asks_what,
    enumerates,
    hand_set_scores,
    is_definitional,
    load_ranker,
    sentence_features,
)
from .retrieval import FusionWeights, Retriever
from .querying import QueryReader, ReadQuestion
from .spelling import english_words
from .embedding import Embedder

NOT_COVERED = (
    "The briefs do not seem to answer this question. The closest material is listed below; "
    "try other words, or ask about what the briefs cover."
)
PARTIAL_NOTE = (
    "The briefs may not answer this directly: these are the closest statements they make. "
    "Check the quotes, or ask with other words."
)
LANGUAGE_NOTE = (
    "Questions are understood in English, and this one looks written in another language ({language}). "
    "The quotes below are the closest matches found; asking in English gives better answers."
)
_WORD = re.compile(r"[\w'’-]+")
_OPENS = re.compile(r"[.!?:;—–]|\s-\s")  # between two words: the second opens a sentence or a part of one
_POSSESSIVE = re.compile(r"['’]s?$")  # "Bern's" is Bern, "Eritreans'" Eritreans
# a phrase the question puts in quotes ("the 'do no harm' principle"): not an apostrophe inside or after a word
_QUOTED = re.compile(r"[\"“]([^\"“”]{2,80})[\"”]|(?<![\w'’])['‘]([^'‘’]{2,80})['’](?![\w'’])")
MAX_QUOTED_WORDS = 8  # longer quoted text is a sentence the question cites, not a name for something
# a word naming a brief: the name before it says whose brief ("the DCAF backgrounder", "ISSAT's page", "the UN support
# brief"), not what the question asks about
_SOURCE_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:[\w-]+\s+){{0,2}}?(?:(?:{TEXT_WORDS}|briefing|review|website)s?|studies)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z¿¡\"'“])")
_ASKS = re.compile(
    rf"\?\s*$|^\W*(?:what|which|who|whom|whose|how|why|when|where|is|are|does|do|did|can|could|should|would|will|"
    rf"{REQUEST_VERBS})\b",
    re.IGNORECASE,
)
_CONNECTING_CAPITALS = frozenset({"I", "And", "Or", "Of", "The"})
# long enough for its language to be told (spelling.MIN_LANGUAGE_WORDS), so that the identifier is loaded too
WARM_UP_QUESTION = "What do these briefs recommend on security?"
# A question asking which brief, or where in the briefs, a topic is spoken of: "Which brief talks about Hobbes?",
# "Which of the documents mentions Libya?", "Where do the briefs discuss gender?". The briefs are what it asks for, so
# the words saying so ("brief", "talks") are no part of what to search: "talks" had been given the briefs' nearest word
# "discussions", and the passages on dialogue came before the one on Hobbes.
_TEXTS = r"(?:briefs?|documents?|reports?|publications?|pages?|papers?|texts?|sources?|notes?)"
# a verb of speaking of something, as "the briefs" and as "a brief" take it
_SPEAK = (r"(?:talk|speak|write|mention|discuss|cover|deal\s+with|address|refer\s+to|touch\s+on|"
          r"say\s+(?:something|anything))")
_SPEAKS = (r"(?:talks|speaks|writes|mentions|discusses|covers|deals\s+with|addresses|refers\s+to|touches\s+on|"
           r"says\s+(?:something|anything))")
# A question asking what every brief says of a thing: "What do all the briefs say about human rights?", "Across the
# briefs, what is said about coordination?", "Which briefs discuss gender?" (not "the briefs", which may be any of them)
_EVERY_BRIEF = re.compile(
    rf"\b(?:all|each|every|across|throughout)\s+(?:of\s+)?(?:the\s+|these\s+|five\s+)?{_TEXTS}\b"
    r"|\b(?:which|what)\s+(?:of\s+the\s+)?(?:briefs|documents|reports|publications|pages|papers|texts|sources)\b",
    re.IGNORECASE,
)
_ASKS_WHICH_SOURCE = re.compile(
    rf"^\W*(?:(?:which|what)\s+(?:one\s+)?(?:of\s+the\s+)?{_TEXTS}\s+(?:also\s+)?(?:{_SPEAKS}|{_SPEAK})"
    rf"|where\s+(?:do|does|did)\s+(?:the\s+)?{_TEXTS}\s+(?:also\s+)?{_SPEAK}"
    rf"|(?:which|what)\s+(?:of\s+the\s+)?{_TEXTS}\s+(?:is|are)\s+about"
    # "How many briefs mention the Sahel?": which ones, counted
    rf"|how\s+many\s+(?:of\s+(?:the|these|your)\s+)?{_TEXTS}\s+(?:also\s+)?(?:{_SPEAKS}|{_SPEAK}))"
    rf"\s+(?:(?:about|of|on|regarding|concerning)\s+)?(?P<topic>\S.*?)\W*$",
    re.IGNORECASE,
)
# A question naming its source and its topic apart: "What does the briefing note say about climate change?", "What do
# DCAF and the UN review agree on about national ownership?", "How does the backgrounder define good governance?",
# "Which principles of good governance does the SSR backgrounder list?" (the topic with what is asked of it, when that
# is a recommendation or a list)
# "According to DCAF, …", "…, according to the briefs?", "según el DCAF", "selon le DCAF": who says it, not what about
_ATTRIBUTED = re.compile(
    r"(?:^|,\s*|\s)(?:according\s+to|in\s+the\s+(?:view|words)\s+of|según|selon|laut|secondo|segundo)\s+[^,?;]+?(?=\s*(?:[,?;]|$))",
    re.IGNORECASE,
)
# "Do the briefs talk about climate change?", "Does the briefing note mention Libya?": whether a text speaks of it
_SPEAKS_OF = re.compile(
    rf"^\W*(?:do|does|did|whether|if)\s+(?P<source>(?:the|any|this|these|your)\s+(?:[\w-]+\s+){{0,3}}?(?:{TEXT_WORDS})s?)\s+"
    r"(?P<verb>say|talk|speak|write|mention|discuss|cover|deal|touch|address|refer)\w*(?:\s+(?:on|upon|with))?"
    r"(?:\s+(?:about|on|regarding|concerning|to))?\s+(?P<topic>\S.+)$",
    re.IGNORECASE,
)
_SOURCE_AND_TOPIC = (
    # "What does DCAF say good governance rests on?", "What do the briefs say is the main driver?"
    re.compile(
        r"^\W*(?:what|how)\s+(?:do|does|did)\s+(?P<source>.+?)\s+(?:say|said|think|argue|claim|believe)\s+(?:that\s+)?"
        r"(?!(?:about|on|regarding|concerning|for)\b)(?P<topic>\S.+)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*(?:what|how)\s+(?:do|does|did)\s+(?P<source>.+?)\s+(?:(?:say|said|write|state|report|tell\s+us|note|"
        r"(?P<asked>recommend|propose|suggest|advise))\s+(?:about|on|regarding|concerning|for)|[a-z]+(?:\s+(?:on|us|with))?"
        r"\s+(?:about|regarding|concerning))\s+(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*how\s+(?:do|does|did)\s+(?P<source>the\s.+?)\s+(?:define|describe|explain|characteri[sz]e|see|view)\s+"
        r"(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    re.compile(r"^\W*what\s+(?:do|does|did)\s+(?P<source>the\s.+?)\s+mean\s+by\s+(?P<topic>.+)$", re.IGNORECASE),
    # "How do the backgrounder and the UN review differ on national ownership?", "Compare what X and Y say about Libya"
    re.compile(
        r"^\W*how\s+(?:do|does|did)\s+(?P<source>the\s.+?)\s+(?:differ|compare|agree|disagree|contrast)\s+"
        r"(?:on|about|over|regarding|concerning|in\s+(?:their|its)\s+(?:view|views|treatment|account)s?\s+of)\s+(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*(?:compare|contrast)\s+(?:what|how)\s+(?P<source>the\s.+?)\s+(?:say|said|write|state|report|describe|see|view)"
        r"(?:\s+(?:about|on|regarding|concerning))?\s+(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    _SPEAKS_OF,
    re.compile(
        r"^\W*(?:which|what)\s+(?P<topic>.+?)\s+(?:do|does|did)\s+(?P<source>the\s.+?)\s+(?P<asked>(?:list|name|mention|give|"
        r"recommend|propose|suggest|describe|identify|cite|offer)\b.*)$",
        re.IGNORECASE,
    ),
)
# The words a question (or a question's second part) opens with
_OPENS_A_QUESTION = r"(?:what|where|how|who|whom|which|why|when|does|do|did|is|are|was|were|can|should|could|would)"
# A question asking a second thing after a comma or semicolon: ", and what gap did the review find", "; who pays"
_SECOND_ASK = re.compile(rf"[,;]\s+(?:and\s+|but\s+|also\s+)?(?={_OPENS_A_QUESTION}\s+\w+\s+\w+)", re.IGNORECASE)
_FIRST_ASK = re.compile(rf"^\W*{_OPENS_A_QUESTION}\b", re.IGNORECASE)
# A question setting two named things side by side ("Compare how Sweden and the EU handle …", "How do Somalia and
# Eritrea differ …"): each is asked about
_COMPARING = re.compile(r"\b(?:compar\w*|differ\w*|contrast\w*|versus|vs\.?|both|each|alike|similar\w*)\b", re.IGNORECASE)
_NAME = r"(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*"
_PAIR = re.compile(rf"(?<![\w'’-])(?P<a>{_NAME})\s+(?:and|or|versus|vs\.?|with)\s+(?P<b>{_NAME})")
MAX_NAMED_ENTRIES = 2  # reading-list entries search-box words may name
PART_MIN_SHARE = 0.3  # a part's best sentence must hold this IDF-weighted share of the part's own words to be raised
SCENARIO_SENTENCES = 3  # a question of this many sentences sets a scene before it asks
MAX_DEFINITIONS = 2  # briefs whose definition of the asked term leads an answer
LOOKUP_PASSAGES = 3  # passages found for "What is <term>", looked in for the definition of a compared term


Quoted = tuple[list[AnswerSentence], list[Citation]]  # an answer's sentences and their citations


@dataclass(frozen=True)
class QuestionTerms:
    """The question's content words and their IDF weights: what "coverage of the rare words" is measured by."""

    wanted: list[str]
    weights: dict[str, float]
    total: float  # the weights' sum (1.0 when there are none)

    @classmethod
    def of(cls, query: str, lexical: "LexicalIndex") -> "QuestionTerms":
        """A word the index does not hold is read as the indexed word of its family ("Eritreans" as "Eritrea",
        LexicalIndex.kin), which is what a sentence about it holds."""
        wanted = list(dict.fromkeys(lexical.kin(t) or t for t in own_terms(query)))
        weights = {t: lexical.idf(t) for t in wanted}
        return cls(wanted, weights, sum(weights.values()) or 1.0)

    def rare_share(self, held: frozenset[str] | set[str]) -> float:
        """IDF-weighted share of the question's words that `held` contains."""
        return sum(w for t, w in self.weights.items() if t in held) / self.total

    def share(self, held: frozenset[str] | set[str]) -> float:
        """Plain share of the question's words that `held` contains."""
        return sum(t in held for t in self.wanted) / len(self.wanted) if self.wanted else 0.0


@dataclass(frozen=True)
class AnswerModels:
    """The learned parts of answering: support levels and sentence choice (None: the hand-set fallback), and the
    weights of hybrid search's sentence, phrase and definition voices (None: the retriever's own)."""

    support: SupportModel | None = None
    ranker: LinearModel | None = None
    fusion: FusionWeights | None = None


@dataclass
class Answer:
    question: str
    resolved: ResolvedQuestion
    sentences: list[AnswerSentence]
    citations: list[Citation]
    passages: list[SearchHit]
    entry_points: list[EntryPointMatch]
    abstained: bool
    confidence: float
    message: str | None = None
    unknown_names: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    support: str = ANSWERED  # answered | partial | not_covered; abstained is support == not_covered
    support_probability: float | None = None  # the answerability model's probability (None without a model)
    searched_as: str | None = None  # what was searched, when spelling correction or borrowed words changed the query,
    # or the thing alone a question asking which brief speaks of it is about
    language: str = "en"
    evidence: Evidence | None = None
    # the candidate sentences and their ranking features (what `assistant fit` learns sentence choice from)
    candidate_sentences: list[int] = field(default_factory=list)
    candidate_features: np.ndarray | None = None

    @property
    def quoted(self) -> str:
        """The answer sentences, each followed by its [n] markers."""
        return " ".join(f"{s.text} " + "".join(f"[{m}]" for m in s.markers) for s in self.sentences)

    @property
    def text(self) -> str:
        """What a reader sees: the note on how well the briefs support it (if any), then the quotes."""
        if self.abstained:
            return self.message or NOT_COVERED
        return f"{self.message}\n\n{self.quoted}" if self.message and self.sentences else self.message or self.quoted


# a span of years with its end cut to two digits: "2015-16", "2003–10"
_SHORT_YEAR_SPAN = re.compile(r"\b((?:1[89]|20)\d\d)\s*([-–/])\s*(\d\d)\b")


def years_written_out(name: str) -> str:
    """A span of years with its end written out, as the briefs may write it: "2015-16" → "2015-2016", "1999-01" →
    "1999-2001" (its terms are the two years, not "2015" and "16")."""

    def written(match: re.Match[str]) -> str:
        start = int(match.group(1))
        end = start // 100 * 100 + int(match.group(3))
        return f"{match.group(1)}{match.group(2)}{end + 100 if end < start else end}"

    return _SHORT_YEAR_SPAN.sub(written, name)


def named_terms(name: str) -> list[str]:
    """The terms of a name that must be mentioned for it to be: all of them, but of a number joined to a word
    ("mid-2016", "late-2019", "pre-2015") the number alone, as the briefs write "in 2016" for the same time; a span
    of years is its two years ("2015-16": 2015 and 2016)."""
    name = years_written_out(name)
    parts = name.split("-")
    if len(parts) > 1 and any(c.isdigit() for c in name):
        return [t for part in parts if any(c.isdigit() for c in part) for t in terms(part)]
    return terms(name)


def question_parts(question: str) -> list[str]:
    """The things a question asks, split where a second question opens after a comma or semicolon ("When was the
    programme set up, and how long was its first phase?"), or, for a question comparing two named things, the
    question about each ("Compare how Sweden handle …", "Compare how the EU handle …"); the whole question when it
    asks one."""
    parts = [part.strip() for part in _SECOND_ASK.split(question) if part.strip()]
    if len(parts) > 1 and _FIRST_ASK.match(parts[0]):  # not "In war zones, should …"
        return parts
    opening = re.match(r"\W*\S+\s*", question)  # the question's first word is no name ("Compare …", "Are …")
    pair = _PAIR.search(question, opening.end() if opening else 0) if _COMPARING.search(question) else None
    if pair is not None:
        return [question[: pair.start()] + pair.group(side) + question[pair.end() :] for side in ("a", "b")]
    return [question]


def raised_to_top(candidates: list[Candidate], sentences: set[int]) -> list[Candidate]:
    """The candidates with those of `sentences` raised to the best score (best first again)."""
    if not candidates or not sentences:
        return candidates
    top = candidates[0].score
    return sorted((replace(c, score=top) if c.sentence in sentences else c for c in candidates), key=lambda c: -c.score)


def each_source_first(hits: list[SearchHit], doc_ids: Sequence[str]) -> list[SearchHit]:
    """The hits with the best one of each of the given briefs first (in their ranked order), ranks renumbered: a
    comparison quotes every brief it names, not only the one retrieval ranks highest."""
    firsts = [next(h for h in hits if h.passage.doc_id == doc_id) for doc_id in doc_ids if any(h.passage.doc_id == doc_id for h in hits)]
    ordered = sorted(firsts, key=lambda h: h.rank) + [h for h in hits if all(h is not f for f in firsts)]
    return [replace(hit, rank=rank) for rank, hit in enumerate(ordered, start=1)]


def restates_asked_heading(question: str, hits: Sequence[SearchHit]) -> bool:
    """Whether the question restates a heading of the hits' sections that is itself a question ("Where did SSR come
    from?" and "WHERE DID SSR COME FROM?"; headings.names_heading, restated): the section beneath answers it."""
    asked = frozenset(terms(question))  # as the heading's own words are read ("did" and all)
    return any(
        head.rstrip().endswith("?") and names_heading(head, asked, restated=True)
        for hit in hits for head in hit.passage.section_path
    )


def titles_named(titles: Sequence[str]) -> str:
    """Briefs' titles as a sentence names them: "“A”", "“A” and “B”", "“A”, “B” and “C”"."""
    quoted = [f"“{title}”" for title in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"


def briefs_quoted(citations: Sequence[Citation]) -> str | None:
    """The briefs an answer quotes, by title, in the order first quoted: "Quoted from “A” and “B”."."""
    titles = list(dict.fromkeys(c.source.title for c in citations))
    return f"Quoted from {titles_named(titles)}." if titles else None


def which_source_topic(query: str) -> str | None:
    """What a question asking which brief speaks of something is about ("Hobbes" in "Which brief talks about
    Hobbes?"), or None for any other question (_ASKS_WHICH_SOURCE)."""
    match = _ASKS_WHICH_SOURCE.match(query)
    return match.group("topic") if match is not None else None


def unattributed(query: str, borrowed: Sequence[str] = ()) -> str:
    """The query without whom it says it asks ("According to DCAF, what is SSR?", "…, according to the briefs",
    "según el DCAF", "selon le DCAF": _ATTRIBUTED), unless nothing else is left; `borrowed`, the briefs' words a
    question in another language resembles (appended to it), stay."""
    added = " ".join(borrowed)
    own = query[: -len(added)].rstrip() if added and query.endswith(added) else query
    stripped = re.sub(r"\s+(?=[?,;])|(?<=\s)\s+", "", _ATTRIBUTED.sub(" ", own)).strip(" ,;")
    return f"{stripped} {added}".strip() if terms(stripped) and stripped != own else query


# Whether the briefs speak of a thing at all: "Is there anything on the Sahel?", "Anything about Libya?", "Is anything
# said about trafficking?", "Is Libya mentioned anywhere?", "Are returnees mentioned in the briefs?" (and "Do the briefs
# talk about X?", _SPEAKS_OF)
_ASKS_IF_SPOKEN_OF = (
    re.compile(
        r"^\W*(?:(?:is|was)\s+(?:there\s+)?)?anything\s+(?:(?:said|written|mentioned)\s+)?"
        r"(?:on|about|regarding|concerning)\s+(?P<topic>\S.+)$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^\W*(?:is|are)\s+(?P<topic>\S.+?)\s+(?:mentioned|discussed|covered)(?:\s+(?:anywhere|at\s+all|in\s+(?:the|any|"
        rf"these|this)\s+(?:\w+|(?:[\w-]+\s+){{0,3}}?(?:{TEXT_WORDS}|review)s?)))?\W*$",
        re.IGNORECASE,
    ),
)
# what they say of it: "What do the briefs say about Turkey?", "What does the backgrounder write on gender?" (the
# texts, not a person they quote: what "Guterres said about SSR" is not what the briefs say of SSR)
_ASKS_WHAT_SAID_OF = re.compile(
    rf"^\W*what\s+(?:do|does|did)\s+(?:the|this|these|any|your)\s+(?:[\w-]+\s+){{0,3}}?(?:{TEXT_WORDS})s?\s+"
    r"(?:say|write|state|mention)\s+(?:about|on|regarding|concerning)\s+(?P<topic>\S.+)$",
    re.IGNORECASE,
)


_ANYTHING_ABOUT = re.compile(r"^(?:anything|something)\s+(?:about|on|regarding|concerning)\s+", re.IGNORECASE)


def asked_if_spoken_of(question: str) -> str | None:
    """The thing a question asks whether the briefs speak of at all ("the Sahel" of "Is there anything on the
    Sahel?", "climate change" of "Do the briefs talk about climate change?", "returnees" of "Are returnees mentioned in
    the briefs?"), or None. The rest of such a question is its frame: the thing alone is what to search for."""
    text = question.strip().rstrip("?.! ")
    for pattern in _ASKS_IF_SPOKEN_OF:
        match = pattern.match(text)
        if match is not None:
            return match.group("topic")
    match = _SPEAKS_OF.match(text)  # "Do the briefs talk about …", "Do the briefs say anything about …"
    return _ANYTHING_ABOUT.sub("", match.group("topic")) if match is not None else None


def asked_if_mentioned(question: str) -> str | None:
    """What a question asks whether the briefs speak of (asked_if_spoken_of), or what they say of ("Turkey" of "What
    do the briefs say about Turkey?"), or None. A quote holding its words answers it: they do."""
    spoken = asked_if_spoken_of(question)
    if spoken is not None:
        return spoken
    match = _ASKS_WHAT_SAID_OF.match(question.strip().rstrip("?.! "))
    return match.group("topic") if match is not None else None


def about_the_topic(query: str) -> str:
    """The query without the source it names, when it names its source and its topic apart (_SOURCE_AND_TOPIC): what
    sentences are scored for. The source's words still find its passages; quoted, they would pick the sentences
    about the brief ("This SSR Backgrounder is about …") over those about the topic."""
    for pattern in _SOURCE_AND_TOPIC:
        match = pattern.match(query)
        if match is not None:
            asked = match.groupdict().get("asked")
            topic = f"{match.group('topic')} {asked}" if asked else match.group("topic")
            # a sayer the briefs quote is no brief: "What does Hobbes say about the state?" asks what the sentence
            # quoting Hobbes says (a brief, "the briefs", "it" or a publisher named by capitals alone are left out)
            source = match.group("source")
            return f"{source} {topic}" if _QUOTED_SAYER.fullmatch(source) and not SOURCE_PHRASE.search(source) else topic
    return query


# a person or body named by a capitalised word and at least one word in lower case ("Hobbes" alone is no short form):
# one the briefs may quote; not "DCAF" or "the IOM" (capitals alone), "the briefs", "it"
_QUOTED_SAYER = re.compile(r"(?:[A-Z][a-z][\w'’-]*\s+){0,3}[A-Z][a-z][\w'’-]*")
# a word naming what is asked of a thing (an aspect of it, its purpose, its meaning), not the thing itself
_ASKED_OF_A_THING = re.compile(
    rf"(?:{ASPECT_WORDS}|purposes?|roles?|functions?|tasks?|meanings?|significance|importance|mandates?|definitions?|"
    r"rationale|reasons?|origins?|point)",
    re.IGNORECASE,
)
# an indefinite pronoun ("anything", "someone"): names no thing a brief could mention (_unknown_words)
_INDEFINITE = re.compile(r"(?:any|some|every|no)(?:thing|one|body|where)|none", re.IGNORECASE)
BRIEF_OPENING, BRIEF_ABOUT, BRIEF_OVERVIEW_MAX = 2, 3, 5  # sentences quoted for a brief asked about as a whole
BRIEF_COMPARED = 3  # … for each of several briefs compared as wholes
FOCUS_ANSWERS = 2  # the last answers looked through, latest first, for the factor a follow-up asking what to do is about
SPELT_KEPT = 1024  # short forms whose spelt-out sentence is kept (the lookup reads every brief)
# a word read as an adjective by its ending ("artificial", "predictive", "biometric", "dangerous")
_ADJECTIVE = re.compile(r"[a-z]{3,}(?:al|ive|ic|ous|ary|ful|less|able|ible)")
# The things a question asks for, of a kind a name gives: "What ILO conventions are listed?", "Which EU programmes …"
_NAMED_KIND = re.compile(r"^\W*(?:what|which)\s+(?P<name>(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}))\s+(?-i:[a-z][\w-]*s)\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b", re.IGNORECASE)
_COUNTS_BRIEFS = re.compile(r"^\W*how\s+many\b", re.IGNORECASE)  # of a question asking which briefs speak of a thing
_QUESTION_FRAME_WORDS = frozenset("is are was were do does did can could should would will has have had be been".split())


class Answerer:
    """Answers questions from one loaded index; safe to share between threads."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self.index = retriever.index
        self.settings = retriever.settings
        self._sentence_terms: dict[int, frozenset[str]] = {}  # filled as sentences are first scored
        self._heading_terms: dict[str, frozenset[str]] = {}
        self._passage_term_cache: dict[str, frozenset[str]] = {}
        self._about: dict[int, bool] = {}  # sentence -> about_the_text, found on first use
        model = self.index.manifest.model
        self.models = AnswerModels(
            load_support_model(self.settings.support_model or MODEL_PATH, model),
            load_ranker(self.settings.sentence_ranker or RANKER_PATH, model),
        )
        self.reader = QueryReader(self.index, self.settings, self.retriever.embedder)
        self._spelt: dict[tuple[str, tuple[str, ...]], int | None] = {}  # _spelt_out_anywhere's answers
        self._readings: dict[str, list[Reading]] = {}  # doc_id -> its reading-list entries, found on first use
        self._entry_terms: dict[str, list[tuple[Reading, frozenset[str]]]] = {}  # doc_id -> its entries with their terms
        self._stems: list[str] | None = None  # each brief's word stems, space-separated (_phrase_mentioned)
        self.composer = Composer(self.index, self.settings, self._terms_of)

    def _terms_of(self, sentence: int) -> frozenset[str]:
        known = self._sentence_terms.get(sentence)
        if known is None:
            known = frozenset(terms(self.index.sentences.text(sentence, self.index.documents)))
            self._sentence_terms[sentence] = known
        return known

    def search(
        self, query: str, top_k: int | None = None, doc_ids: Sequence[str] | None = None, mode: str | None = None
    ) -> tuple[ReadQuestion, list[SearchHit]]:
        """Ranked passages for a query read as a question is (spelling corrected, the briefs' nearest words added, or
        a foreign query's borrowed words), without a conversation; and how it was read. Raises InvalidQuestion or
        UnknownDocument."""
        self.retriever.validate(query, top_k, doc_ids, mode)
        read = self.reader.read(query, near=self.retriever.weights.near)
        vector = self.reader.vector(read) if mode != "bm25" else None
        return read, self.retriever.search(read.text, top_k=top_k, doc_ids=doc_ids, mode=mode, vector=vector)

    def warm(self) -> None:
        """Load what answering loads on first use (the model and its kernels, the language identifier, the spelling
        dictionaries, the briefs' word vectors) by answering a question of its own, so that the first user does not wait
        two seconds for them; and what reading a question finds in the briefs' words on first need (QueryReader.warm)."""
        self.ask(WARM_UP_QUESTION)
        self.reader.warm()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        top_k: int | None = None,
        doc_ids: Sequence[str] | None = None,
        models: AnswerModels | None = None,
    ) -> Answer:
        """The cited answer. `models` replace the shipped learned models (cross-validation uses it).

        Raises InvalidQuestion or UnknownDocument for a bad request."""
        started = time.perf_counter()
        self.retriever.validate(question, top_k, doc_ids)
        about = about_the_answer(question)
        asked_before = [i for i, turn in enumerate(history) if turn.role == "user" and turn.content.strip()]
        if about is not None and asked_before:  # "Which page is that on?", "Summarise.": the last question answered
            # again (the same answer), whole with where its quotes stand, or its first quote alone
            last = asked_before[-1]
            again = self.ask(history[last].content, history[:last], top_k, doc_ids, models)
            resolved = ResolvedQuestion(
                question, again.resolved.query, True, f"asks about the last answer ({about})", again.resolved.topic
            )
            if about == SOURCES:
                placed = sources_line(again.citations) if again.citations else again.message
                return replace(again, question=question, resolved=resolved, message=placed)
            sentences, citations = first_quote(again.sentences, again.citations)
            return replace(again, question=question, resolved=resolved, sentences=sentences, citations=citations)
        act = social_act(question) or (HELP if about is not None else None)
        if act is not None:  # "Hello", "Thanks!", "What can you do?", "Which briefs do you have?": nothing to search
            return Answer(
                question, ResolvedQuestion(question, question, False, f"asks the briefs nothing ({act})", ""), [], [], [], [],
                False, 0.0, social_reply(act, self.index.documents.values()),
                timings={"retrieval_ms": 0.0, "compose_ms": 0.0, "total_ms": round((time.perf_counter() - started) * 1000, 2)},
            )
        models = models or self.models
        read = self.reader.read(question, history, near=(models.fusion or self.retriever.weights).near)
        language, resolved = read.language, read.resolved
        typed_question, question = question, resolved.question  # its forms are told written out ("What's" → "What is")
        request = self.retriever.validate(read.text, top_k, doc_ids)
        depth = max(request.top_k, self.settings.answer_passages)
        embedder = self.retriever.embedder
        # the question without the briefs' nearest words (ReadQuestion.embedded): what the model embeds (once, for
        # passages and sentences), what the answerability evidence weighs and what its form is read from ("What is
        # meant by X" searched with "means" added still asks what X is); only BM25 and sentence scoring use them
        typed = read.embedded.strip()  # the text searched itself when no word was added (validate strips it alike)
        sources = named_sources(request.query, self.index.documents) if not request.doc_ids else None
        which = which_source_topic(typed)  # what a question asking which brief speaks of it is about
        # asked of every brief: each one's best passage is searched and its best sentence holding the question's words
        # quoted, though another brief's sentences outrank it
        # (a request limited to some briefs, or a question naming briefs, is asked of those: sources, firsts)
        every = tuple(self.index.documents) if _EVERY_BRIEF.search(typed) and sources is not None and not sources.doc_ids else ()
        # the words of its topic as typed (not the briefs' words the reader added): what each brief's quote must hold
        topic_terms = frozenset(QuestionTerms.of(about_the_topic(typed), self.index.lexical).wanted) if every else frozenset()
        # … or whether any does (the words the reader added, "return" for "returnees", follow what was typed)
        spoken = asked_if_spoken_of(typed) if which is None and request.query.startswith(typed) else None
        if sources is not None and (len(sources.doc_ids) >= 2 or sources.alone or (resolved.other_source and sources.doc_ids)):
            # briefs compared by name ("… across the DCAF backgrounder, the UN brief and …"): the topic is searched in
            # them, each one's best passage first; their names would find the pages about the briefs themselves. So is
            # the one brief a question asks of alone ("What does the briefing note say about Afghanistan?"), or a
            # follow-up asks the last question of ("And the briefing note?"). But one brief searched alone is no
            # brief its name could find pages about among others: the model embeds the question whole, which places
            # it better than its words without the name ("How many interviews did the UN review conduct?": cosine
            # 0.50 with the sentence answering it, 0.31 for "How many interviews did conduct"; "What did the UN
            # review recommend?" → "What did recommend?" leaves it nothing), and only BM25 searches without the name
            searched, within, firsts = sources.topic, sources.doc_ids, sources.doc_ids
            embedded = typed if len(sources.doc_ids) == 1 else sources.topic
        elif which is not None:  # "Which brief talks about Hobbes?": Hobbes is searched, weighed and scored for
            typed = which
            searched, embedded, within, firsts = which, which, request.doc_ids, ()
        elif spoken is not None:  # "Are returnees mentioned in the briefs?": the thing is searched (with the words
            # the reader added, "return"), embedded, weighed and scored for; the frame's words ("mentioned", "briefs",
            # "anywhere") are in no sentence that answers
            searched, embedded, within, firsts = spoken + request.query[len(typed) :], spoken, request.doc_ids, ()
        else:
            searched, embedded, within, firsts = request.query, typed, request.doc_ids, ()
        vector = embedder.embed_query(embedded) if embedder is not None else None
        hits = self.retriever.search(searched, top_k=depth, doc_ids=within, vector=vector, weights=models.fusion)
        missed = [doc_id for doc_id in every if all(h.passage.doc_id != doc_id for h in hits)]
        if missed:  # each after the passages found, ranked on, when it holds a word of the question's topic
            more = [h for doc_id in missed for h in self.retriever.search(
                searched, top_k=1, doc_ids=[doc_id], vector=vector, weights=models.fusion
            ) if topic_terms & self._passage_terms(h.passage)]
            hits = hits + [replace(h, rank=len(hits) + n) for n, h in enumerate(more, start=1)]
        if firsts:  # every brief named has its best passage, though another brief's passages outrank it
            missing = [doc_id for doc_id in firsts if all(h.passage.doc_id != doc_id for h in hits)]
            hits = hits + [h for doc_id in missing for h in self.retriever.search(
                searched, top_k=1, doc_ids=[doc_id], vector=vector, weights=models.fusion
            )]
            hits = each_source_first(hits, firsts)
        retrieved = time.perf_counter()
        answers = [turn.content for turn in recent_turns(history) if turn.role == "assistant"]
        # a follow-up asking what to do about "it", or for its entry points: the factor the last answer quoted, or,
        # when it quoted no one factor most ("Where do they go?" after "Why do young men leave Eritrea?"), the one the
        # answer before it did
        asks_action = resolved.followup and (asks_what_to_do(question) or asks_entry_points(self.index.catalogue, question))
        focus = next((factor for factor in (
            factor_quoted(self.index.catalogue, self.index.documents, statements(answer)) for answer in answers[::-1][:FOCUS_ANSWERS]
        ) if factor is not None), None) if asks_action else None
        matches = entry_points_for(self.index.catalogue, resolved.query, hits, self.settings.max_entry_points, focus)
        # asked what to do: the statements of the best-matching entry points are what answers it
        favoured = [s for m in matches[:2] for s in m.entry.sources] if asks_what_to_do(resolved.query) else []
        hits = hits + self._passages_stating(favoured, hits)  # (a long scenario finds the passages telling its story)
        passage_cosines = self._passage_cosines(hits, vector)
        asked = read.asked if read.text == request.query else request.query  # without the last answer's phrases
        if which is not None:  # which briefs speak of a thing, or how many: the answer is briefs, not a count in them
            asked = which
        scored = which or spoken or about_the_topic(request.query)
        candidates, features = self._score_sentences(scored, hits, passage_cosines, vector, favoured, models.ranker, asked)
        corrected = {typed for typed, _ in read.corrected}  # "Hunduras" searched as "Honduras" is not unknown
        unknown = [name for name in self.unknown_names(question) if name not in corrected] if language == "en" else []
        confidence = max((c.cosine for c in candidates), default=0.0) - (self.settings.unknown_name_penalty if unknown else 0.0)
        # weighed for its topic: "What do the briefs say about Turkey?" asks about Turkey, and "briefs" (a word the
        # briefs rarely use) is no word an answer should hold
        evidence = self._evidence(spoken or about_the_topic(typed), hits, candidates, passage_cosines, unknown, language, asked)
        probability, support = self._support(evidence, confidence, models.support)
        stated = self._expansion_stated(typed, request.doc_ids) if language == "en" else None
        # "How many briefs mention the Sahel?": the briefs holding it, counted, are the answer (none: not covered)
        counted = self._briefs_counted(which) if which is not None and _COUNTS_BRIEFS.match(typed_question) else None
        if counted is not None:
            support = ANSWERED if counted[0] else NOT_COVERED_LEVEL
        speaking = self._speaking_of(asked_if_mentioned(typed), candidates) if language == "en" else None
        if stated or speaking is not None or (language == "en" and restates_asked_heading(typed, hits[:3])):
            # "What does IHL stand for?" and a brief writing out "… Law (IHL)": stated, not guessed; "Is there
            # anything on the Sahel?" and a sentence of the briefs on the Sahel: they do speak of it; "Where did SSR
            # come from?" and a section headed "WHERE DID SSR COME FROM?": the brief asks it, and answers it there
            support = ANSWERED
        elif stated is False and support == ANSWERED:  # no brief writes it out: what the quotes say of it is not that
            support = PARTIAL
        # a follow-up is never answered with the last answer again: an overview, the entry points or the list a
        # heading holds that it already quoted give way to what else the briefs say ("Has anything like that been
        # tried?" after the push factors were listed)
        last = answers[-1] if resolved.followup and answers else ""

        def unless_said(shown: Quoted | None) -> Quoted | None:  # what the last answer quoted whole is not quoted again
            return None if shown is None or repeats(shown[0], last) else shown

        overview = factors_asked_for(self.index.catalogue, typed)
        shown_overview = unless_said(factor_overview(self.index, overview, vector) if overview else None)
        # the question itself asks for a list a heading it names holds (or is search-box words naming it: "key
        # findings"), not the topic it follows
        keywords = typed_as_keywords(question)
        # ("What did the review find?" asks for the findings of a brief speaking of a review)
        source = None if asks_list(question) else asked_what_done(question)
        if source is not None and last and set(terms(source)) <= set(terms(last)):  # a source the last answer names:
            # "What did the report find?" after "A recent report from UNICEF outlined …" asks of that report, not for
            # the findings another brief lists
            source = None
        plural = asked_plural(question) if language == "en" else None  # the things asked for: "What challenges …"
        listed = self.composer.heading_list(
            candidates, frozenset(own_terms(question)), restated=not (asks_list(question) or keywords or source),
            source=frozenset(terms(source or "")), things=frozenset(terms(plural[0])) if plural else frozenset(),
        ) if asks_list(question) or asks_what(question) or keywords else []
        if listed and repeats(self.composer.quoted_sentences(listed)[0], last):
            listed = []
        # "What are the three levels of SSR activities?": headings a layout sets side by side (a figure's columns),
        # each ending with the noun asked for, in the first brief found that has them
        parallel = self._parallel_headings(*plural, hits) if plural is not None and not listed and not resolved.followup else None
        if listed and asks_list(question) and not unknown:  # asked for a list a section the question names holds
            support = ANSWERED  # ("What are the key findings?", "What challenges does … face?"): the list answers it
        if support == NOT_COVERED_LEVEL and (listed or parallel) and not unknown:  # a section of the briefs has the
            support = PARTIAL  # name asked for
        quoted = self._quoted_written(question, candidates)
        if support == NOT_COVERED_LEVEL and quoted:  # a brief writes the phrase the question quotes
            support = PARTIAL
        # search-box words naming a reading-list entry; not a follow-up's few words ("And in the Northern Triangle?"
        # names a place the last question is asked of, not the webinar on it)
        entries = self._entries_named(question) if keywords and not resolved.followup else []
        if support == NOT_COVERED_LEVEL and entries and not unknown:  # ("cold chains markets"): that entry is there
            support = PARTIAL
        never = self._never_mentioned(question, unknown, corrected) if support != ANSWERED and language == "en" else None
        # (not when it names what the briefs never mention: "… in the 2025 Frontex audit?")
        asked_entries = entry_points_asked_for(
            self.index.catalogue, typed, focus, bare=asks_only_what_to_do(question)
        ) if shown_overview is None and not unknown and language == "en" else []
        shown_entries = unless_said(entry_point_overview(self.index, asked_entries, vector) if asked_entries else None)
        picking = resolved.followup and bool(answers) and shown_overview is None and shown_entries is None
        among = picked_among(history) if picking else ""
        heading = self._picked_heading(question, among, candidates, hits) if picking else None
        picked = self._picked(question, among, embedder, candidates) if picking and heading is None else []
        if picking and heading is None and not picked:  # none of what was just quoted is about it ("Which one
            # concerns the World Bank?"): the best sentence found that holds every word of what it is to be about
            holding = self._holding_what_picked(question, candidates)
            picked = [c for c in candidates if c.sentence in holding][:1]
        # a question asking what to read ("What resources does the page list?", "Is there a case study on Ghana?"):
        # the reading-list entries on its topic, which answer no other question
        readings = self._reading_asked(question, request.query, resolved.followup, sources, request.doc_ids, hits) if (
            language == "en") else []
        whole = self._briefs_as_wholes(typed, sources) if language == "en" and not resolved.followup else []
        if readings:
            sentences, citations = self.composer.quoted_readings(readings)
            support, message, matches = ANSWERED, None, []
        elif whole:  # several briefs: which quotes are whose
            sentences, citations = self.composer.quoted_sentences(whole)
            support, message, matches = ANSWERED, briefs_quoted(citations) if len(sources.doc_ids) >= 2 else None, []
        elif shown_overview is not None:
            sentences, citations = shown_overview
            support, message = ANSWERED, None
        elif picked:  # "Which one is about financing?": the statement of the last answer it picks
            sentences, citations = self.composer.quoted_sentences(picked)
            support, message = ANSWERED, None
        elif heading is not None:  # "Which one is about gangs?": the heading whose section says so, and where
            sentences, citations = self.composer.heading_with(*heading)
            support, message = ANSWERED, None
        elif parallel is not None and shown_overview is None and shown_entries is None:
            sentences, citations = self.composer.headings_opened(*parallel)
            message = PARTIAL_NOTE if support == PARTIAL else None
        elif shown_entries is not None:  # "What entry points go with <factor>?": the factor's entry points, each with its statement
            sentences, citations = shown_entries
            support, message = ANSWERED, None
        elif support == NOT_COVERED_LEVEL:
            sentences, citations, matches = [], [], []
            # asked of one brief that never mentions it: which other briefs do ("What does the UN review say about
            # national ownership?")
            elsewhere = self._spoken_of_elsewhere(sources.alone, asked_if_mentioned(typed) or about_the_topic(
                sources.topic)) if sources is not None and sources.alone and language == "en" else None
            message = " ".join(m for m in (counted[1] if counted else None, never, elsewhere, NOT_COVERED) if m)
        else:
            form = QuestionForm.of(question, typed, bool(answers))
            said = moved_on_from(answers, resolved.followup or form.more)
            # who a question says it asks is not what it asks ("According to DCAF, what is SSR?" asks what SSR is)
            lead = self._definitions(unattributed(typed, read.borrowed), candidates, request.doc_ids, firsts)
            # briefs compared by name ("How do the backgrounder and the briefing note define SSR?"): each is quoted
            compared = self._best_of_each(candidates, firsts) if len(firsts) >= 2 else self._best_of_each(
                [c for c in candidates if topic_terms & self._terms_of(c.sentence)], every)
            spoken = {speaking} if speaking is not None else set()  # the sentence saying the briefs speak of it
            candidates = raised_to_top(self._each_part_answered(asked, candidates), quoted | compared | spoken)
            if not lead and candidates and candidates[0].holds_answer:  # the best sentence holds the kind of answer
                # asked for ("… set up in April 2016" for "When did it start?"): read first, not after what its section
                # says before it; after what it points back to ("It is financed by …" after what "It" is)
                lead = [self.composer.antecedent(candidates[0].sentence)]
            known = {c.sentence for c in candidates}  # a lead found beyond the top passages joins the candidates
            sentences, citations, disagreement = self.composer.compose(
                candidates + [Candidate(s, 0.0, 0.0, 1, 0.0) for s in lead if s not in known],
                ranked=models.ranker is not None, said=said, form=form, lead=lead, listed=listed,
                pointed=resolved.anchors.split("; ") if resolved.anchors else (), asked=frozenset(own_terms(typed)),
                named=frozenset(terms(kind.group("name"))) if (kind := _NAMED_KIND.search(typed)) else frozenset(),
            )
            if keywords:  # search-box words naming a reading-list entry ("Lebanon justice displacement"): that entry too
                more = self.composer.quoted_readings(entries, first_marker=len(citations) + 1)
                sentences, citations = sentences + more[0], citations + more[1]
            partial = PARTIAL_NOTE if support == PARTIAL and language == "en" else None  # the language note says as much
            # asked which brief speaks of a thing ("Which briefs mention Libya?"): the briefs the quotes come from
            spoken_in = counted[1] if counted is not None else briefs_quoted(citations) if which is not None else None
            message = " ".join(m for m in (spoken_in, never, partial, disagreement) if m) or None
        if language != "en":
            message = LANGUAGE_NOTE.format(language=language) + (f" {message}" if message else "")
        answer = Answer(
            typed_question, resolved, sentences, citations, hits[: request.top_k], matches, support == NOT_COVERED_LEVEL,
            confidence, message, unknown, support=support, support_probability=probability, searched_as=which or read.searched_as,
            language=language, evidence=evidence,
            candidate_sentences=sorted(c.sentence for c in candidates), candidate_features=features,
        )
        finished = time.perf_counter()
        answer.timings = {
            "retrieval_ms": round((retrieved - started) * 1000, 2),
            "compose_ms": round((finished - retrieved) * 1000, 2),
            "total_ms": round((finished - started) * 1000, 2),
        }
        return answer

    def _briefs_as_wholes(self, typed: str, sources: NamedSources | None) -> list[Candidate]:
        """For a question asking about a brief as a whole ("What is the main message of the backgrounder?", "Summarise
        the UN brief."; conversation.asks_about_the_whole of the question as typed, no word added), how it opens and
        what it says of itself (_brief_overview); of each brief named, BRIEF_COMPARED each, when several are compared
        as wholes ("Compare the briefing note and the push factors page."); [] for any other question."""
        if sources is None or not (sources.alone or len(sources.doc_ids) >= 2):
            return []
        if not asks_about_the_whole(named_sources(typed, self.index.documents).topic):
            return []
        each = None if len(sources.doc_ids) == 1 else BRIEF_COMPARED
        return [c for doc_id in sources.doc_ids for c in self._brief_overview(doc_id)[:each]]

    def _brief_overview(self, doc_id: str) -> list[Candidate]:
        """What a brief says as a whole, in its reading order: its opening sentences (BRIEF_OPENING) and the sentences
        saying what it is about (about_the_text: "This brief aims at …", "This page describes …", with what points
        back to them), the first BRIEF_ABOUT of them; BRIEF_OVERVIEW_MAX at most."""
        table, documents = self.index.sentences, self.index.documents
        ordered = [s for position, passage in enumerate(self.index.passages) if passage.doc_id == doc_id
                   for s in table.by_passage[position]]
        opening = ordered[:BRIEF_OPENING]
        about = [s for s in ordered if self._about_the_text(s, table.text(s, documents))][:BRIEF_ABOUT]
        chosen = sorted(set(opening) | set(about))[:BRIEF_OVERVIEW_MAX]
        return [Candidate(s, 0.0, 0.0, 1, 0.0) for s in chosen]

    def _reading_asked(
        self, question: str, query: str, followup: bool, sources: "NamedSources | None", doc_ids: Sequence[str],
        hits: Sequence[SearchHit] = (),
    ) -> list[tuple[Reading, float]]:
        """The reading-list entries a question asking what to read asks for (readings.py), each with the share of its
        topic it holds: in the briefs it names (or the request's), on the topic its own words name (a follow-up's
        words alone when it names one: "Only the ones about Central America."). [] when it asks for no reading or no
        entry is on its topic. The briefs in the order their best passage ranks among `hits` (the search for the
        question): "What should I read next on SSR?" reads the list of the brief found for it first."""
        if not asks_for_reading(question, query if followup else None):
            return []
        within = list(doc_ids) or (list(sources.doc_ids) if sources is not None and sources.doc_ids else list(self.index.documents))
        first: dict[str, int] = {}
        for hit in hits:
            first.setdefault(hit.passage.doc_id, hit.rank)
        within.sort(key=lambda doc_id: first.get(doc_id, len(hits) + 1))  # stable: briefs not found keep their order
        entries = [entry for doc_id in within for entry in self._reading_entries(doc_id)]
        if not entries:
            return []
        asked = sources.topic if sources is not None and sources.doc_ids else query
        names_text = any(not m.group("plural") for m in SOURCE_PHRASE.finditer(asked))
        # the words naming a text ("the ISSAT page") say where to look, not what about
        topic = reading_terms(own_terms(SOURCE_PHRASE.sub(" ", question))) if followup else []
        topic = topic or reading_terms(own_terms(SOURCE_PHRASE.sub(" ", asked)))
        documents = self.index.documents
        if len(within) > 1 and names_text:  # "the ISSAT page on push factors": the one brief whose
            # title holds more of the question's words than any other's, and the rest of them its topic
            held = {doc_id: [t for t in topic if t in document_words(doc_id, documents[doc_id].title)] for doc_id in within}
            weight = {doc_id: sum(self.index.lexical.idf(t) for t in words) for doc_id, words in held.items()}
            ranked = sorted(within, key=lambda doc_id: -weight[doc_id])
            if weight[ranked[0]] > weight[ranked[1]]:
                entries = [entry for entry in entries if entry.doc_id == ranked[0]]
                topic = [t for t in topic if t not in held[ranked[0]]]
        typed = reading_terms(own_terms(SOURCE_PHRASE.sub(" ", question)))  # without the words the reader added
        return chosen_readings(
            entries, list(dict.fromkeys(topic)), self.index.lexical.idf, lambda text: frozenset(terms(text)),
            lambda r: f"{documents[r.doc_id].text[r.start : r.end]} {documents[r.doc_id].title}",
            typed=[t for t in typed if t in topic],
        )

    def _parallel_headings(self, noun: str, count: int | None, hits: Sequence[SearchHit]) -> tuple[str, list[Section]] | None:
        """The brief, among those of the passages found (best first), whose headings side by side end with the noun
        a question asks for in the plural (headings.parallel_headings), and those sections; None if none has them."""
        for doc_id in dict.fromkeys(hit.passage.doc_id for hit in hits[: self.settings.answer_passages]):
            sections = parallel_headings(self.index.documents[doc_id], noun, count)
            if sections:
                return doc_id, sections
        return None

    def _entries_named(self, words: str) -> list[tuple[Reading, float]]:
        """The reading-list entries (at most MAX_NAMED_ENTRIES, in document order) whose own text holds every one of
        two or more search-box words: the title they name ("integrated technical guidance notes"); when none does, of
        four or more words, those holding all but one, names included ("justice system Lebanon refugees" for
        "Justice for stability: … mass displacement on Lebanon's justice system …")."""
        wanted = frozenset(terms(words))
        if len(wanted) < 2:
            return []
        entries = [(entry, held) for doc_id in self.index.documents for entry, held in self._reading_terms(doc_id)]
        named = [(entry, 1.0) for entry, held in entries if wanted <= held]
        if not named and len(wanted) >= 4:
            names = frozenset(t for w in words.split() if w[:1].isupper() for t in terms(w))
            named = [(entry, 1.0) for entry, held in entries if names <= held and len(wanted - held) <= 1]
        return named[:MAX_NAMED_ENTRIES]

    def _reading_terms(self, doc_id: str) -> list[tuple[Reading, frozenset[str]]]:
        """A brief's reading-list entries, each with the terms of its label and text, found once per brief."""
        known = self._entry_terms.get(doc_id)
        if known is None:
            text = self.index.documents[doc_id].text
            known = self._entry_terms[doc_id] = [
                (entry, frozenset(terms(f"{entry.label} {text[entry.start : entry.end]}"))) for entry in self._reading_entries(doc_id)
            ]
        return known

    def _reading_entries(self, doc_id: str) -> list[Reading]:
        known = self._readings.get(doc_id)
        if known is None:
            known = self._readings[doc_id] = reading_entries(self.index.documents[doc_id])
        return known

    def _support(
        self, evidence: Evidence, confidence: float, model: SupportModel | None
    ) -> tuple[float | None, str]:
        """(probability, level) from the fitted model; without one, the confidence threshold alone.
        A question not in English is at best partial and never not_covered (see SupportModel.level)."""
        if model is not None:
            probability = round(model.probability(feature_vector(evidence)), 4)
            return probability, model.level(probability, readable=not evidence.non_english)
        if evidence.non_english:
            return None, PARTIAL
        return None, NOT_COVERED_LEVEL if confidence < self.settings.abstain_threshold else ANSWERED

    def _passage_cosines(self, hits: list[SearchHit], query: np.ndarray | None) -> dict[int, float]:
        """Hit rank -> cosine of its passage with the question (empty without a model)."""
        if query is None:
            return {}
        position_of = self.index.position_of
        cosines = self.index.dense.cosines(query, [position_of[hit.passage.passage_id] for hit in hits])
        return {hit.rank: float(cosine) for hit, cosine in zip(hits, cosines)}

    def _evidence(
        self,
        query: str,
        hits: list[SearchHit],
        candidates: list[Candidate],
        passage_cosines: dict[int, float],
        unknown: list[str],
        language: str,
        asked: str,
    ) -> Evidence:
        """What retrieval and sentence scoring found, as the answerability model's evidence. The kind of answer asked
        for and the names asked about come from `asked` (the query without the last answer’s phrases, ReadQuestion.asked)."""
        lexical, table, documents = self.index.lexical, self.index.sentences, self.index.documents
        question = QuestionTerms.of(query, lexical)
        wanted, rare_share = question.wanted, question.rare_share
        by_cosine = sorted(candidates, key=lambda c: (-c.cosine, c.sentence))  # independent of sentence choice
        best = by_cosine[:3]
        best_terms = self._terms_of(best[0].sentence) if best else frozenset()
        covering = sorted(candidates, key=lambda c: (-c.rare_coverage, -c.cosine, c.sentence))[:3]
        looked = list(dict.fromkeys(c.sentence for c in best + covering))  # long sentences have low cosines
        best_texts = [table.text(sentence, documents) for sentence in looked]
        followers = [f for f in map(self.composer.pointing_back, looked) if f is not None]  # "It is financed by …"
        best_texts += [table.text(f, documents) for f in followers]
        typed = [s for s in dict.fromkeys([c.sentence for c in by_cosine[:5] + covering] + followers)
                 if holds_answer_type(asked, table.text(s, documents))]
        # a sentence pointing back ("It is financed by …") speaks of what the one before it names
        typed_terms = {s: self._terms_of(s) | self._terms_of(s - 1) if s > 0 and self.composer.pointing_back(s - 1) == s
                       else self._terms_of(s) for s in typed}
        typed_shares = {s: rare_share(t) for s, t in typed_terms.items()}
        # the typed sentences covering most of the question: what they tell of is what the answer would be about
        most = max(typed_shares.values(), default=0.0)
        covering_typed = [s for s, share in typed_shares.items() if share == most]
        passage_terms = set().union(*(self._passage_terms(hit.passage) for hit in hits[:3]))
        # a name as the question writes it: "Eritreans" is missing from passages that say "Eritrea" (read as its
        # family, for the question's terms and BM25, it answered "How many Eritreans arrived in 2016?" at fold seeds
        # 1 and 4: unanswerable not covered 0.465 → 0.423 at seed 1); a time as the briefs write it ("mid-2016": 2016,
        # "2015-16": 2015 and 2016), as named_terms reads it
        names = list(dict.fromkeys(t for name in self._names(self.asking_part(asked)) for t in named_terms(name)))
        bm25 = float(lexical.scores(query).max()) if lexical.size else 0.0
        return Evidence(
            question_terms=len(wanted),
            unknown_term_share=sum(not lexical.knows(t) for t in wanted) / len(wanted) if wanted else 1.0,
            unknown_names=len(unknown),
            names_missing_nearby=sum(t not in passage_terms for t in names),
            names_missing_sentences=min(
                (sum(t not in typed_terms[sentence] for t in names) / len(names) for sentence in typed), default=1.0
            ) if names else 0.0,
            best_sentence_cosine=max((c.cosine for c in candidates), default=0.0),
            passage_cosine=max(passage_cosines.values(), default=0.0),
            bm25_per_term=bm25 / max(1, len(wanted)),
            rare_coverage_sentence=rare_share(best_terms),
            rare_coverage_passages=rare_share(passage_terms),
            rare_coverage_best3=max((rare_share(self._terms_of(c.sentence)) for c in best), default=0.0),
            typed_coverage=max((rare_share(self._terms_of(s)) for s in typed), default=0.0),
            coverage_sentence=question.share(best_terms),
            answer_type_missing=answer_type_missing(asked, best_texts),
            year_elsewhere=year_elsewhere(asked, [table.text(sentence, documents) for sentence in covering_typed]),
            non_english=language != "en",
        )

    def _passages_stating(self, quotes: Sequence[Quote], hits: list[SearchHit]) -> list[SearchHit]:
        """Hits for the passages holding these quotes that the search did not find, ranked after it: the statements of
        the entry points a question asking what to do matches are candidates to quote, though a scenario's story
        ("gangs extort small businesses …") found only the passages on the push factor."""
        found = {p.passage_id for hit in hits for p in (hit.passage, *hit.duplicates)}
        added: list[SearchHit] = []
        for quote in quotes:
            position = self.index.passage_containing(quote.doc_id, quote.start)
            passage = self.index.passages[position] if position is not None else None
            if passage is not None and passage.passage_id not in found:
                found.add(passage.passage_id)
                added.append(SearchHit(passage, 0.0, len(hits) + len(added) + 1))
        return added

    def unknown_names(self, question: str) -> list[str]:
        """Names and numbers in the question that no brief mentions ("Rohingya", "2022"), and phrases it quotes that no
        brief writes ("the 'do no harm' principle").

        Stem-aware: a name counts as mentioned when a word of the briefs shares its stem or
        its start ("African" and "Africa", "Eritreans" and "Eritrea"), a number joined to a word when the number is
        ("mid-2016", named_terms); a quoted phrase of several words when a brief
        has its words' stems in a row."""
        return [
            w for w in self._names(self.asking_part(question))
            if not (self._phrase_mentioned(w) if len(word_stems(w)) > 1 and _QUOTED.fullmatch(w)
                    else self._word_mentioned(w, named_terms(w), name=True))
        ]

    def _phrase_mentioned(self, phrase: str) -> bool:
        wanted = f" {' '.join(word_stems(phrase))} "
        if self._stems is None:
            self._stems = [f" {' '.join(word_stems(document.text))} " for document in self.index.documents.values()]
        return any(wanted in text for text in self._stems)

    def _picked(
        self, question: str, answer: str, embedder: "Embedder | None", candidates: list[Candidate]
    ) -> list[Candidate]:
        """The statements of the last answer a question picking among them asks for (conversation.picks_among:
        "Which one is about financing?"), as candidates, or [] when it picks none clearly: the one holding every word
        of what it is asked to be about, if only one does; else the one closest in meaning to it, by the settings'
        pick_margin or more over the next (with "Which ones …", each within it of the closest, unless that is all).
        Only statements among the sentences of the passages the follow-up finds (read with the question it follows),
        short list items included, are picked among, and only among two or more; among the items of a list when the
        answer quoted two or more ("The report offers five recommendations …" and how the review was made are no
        recommendation)."""
        asked = picks_among(question)
        if asked is None or item_picked(question, answer) is not None:  # one thing a statement enumerates: resolved
            return []
        what, several = asked
        table, documents = self.index.sentences, self.index.documents
        near = {  # each candidate and the sentences after it a list may go on with (short items are no candidates)
            i for c in candidates for i in range(c.sentence, min(len(table), c.sentence + LIST_MAX_ITEMS + 1))
            if table.doc_ids[i] == table.doc_ids[c.sentence]
        }
        by_text = {" ".join(table.text(i, documents).split()): i for i in sorted(near)}
        ids = list(dict.fromkeys(by_text[t] for t in (" ".join(s.split()) for s in statements(answer)) if t in by_text))
        quoted = set(ids)  # the last answer's statements, the sentence introducing a list among them
        items = [i for i in ids if self.composer.in_list(i)]
        if len(items) >= 2:  # the things of a list the answer quoted, not the sentences introducing it
            ids = items
        if len(ids) < 2:
            return []
        wanted = set(terms(what))
        holding = [i for i in ids if wanted <= self._terms_of(i)]
        if len(holding) == 1 or (several and 1 < len(holding) < len(ids)):
            return [Candidate(i, 1.0, 1.0, 1, 1.0) for i in holding]
        if embedder is None or (not holding and self._holding_what_picked(question, candidates) - quoted):
            return []  # none of them is about it, and a sentence found is: that one answers (_holding_what_picked)
        closeness = self.index.sentence_vectors[ids] @ embedder.embed_query(what)
        order = np.argsort(-closeness, kind="stable")
        best, second = float(closeness[order[0]]), float(closeness[order[1]])
        margin = self.settings.pick_margin
        chosen = [ids[k] for k in order if float(closeness[k]) >= best - margin] if several else [ids[order[0]]]
        if (not several and best - second < margin) or len(chosen) == len(ids):
            return []
        return [Candidate(i, float(c), float(c), 1, 0.0) for i, c in zip(ids, closeness) if i in chosen]

    def _holding_what_picked(self, question: str, candidates: list[Candidate]) -> set[int]:
        """For a question picking among the last answer's statements (conversation.picks_among), the candidates holding
        every word of what it asks them to be about (stem-aware): "Development of a partnership with the World Bank …"
        for "Which one concerns the World Bank?"."""
        asked = picks_among(question)
        wanted = set(terms(asked[0])) if asked else set()
        return {c.sentence for c in candidates if wanted and wanted <= self._terms_of(c.sentence)}

    def _picked_heading(
        self, question: str, answer: str, candidates: list[Candidate], hits: list[SearchHit]
    ) -> tuple[str, int, list[Candidate]] | None:
        """For a question picking among the last answer's statements (conversation.picks_among) when they are headings
        of the briefs: the one holding the words asked about, or, when none does, the one heading a section that holds
        them among the passages found ("Which one is about gangs?" after the push factors were listed, each the
        heading of its section; "gangs" is in the section of the third). Its brief, where the heading starts, and the
        best candidate in its section holding the words; None unless exactly one heading is found (a statement that
        is no heading is picked by _picked)."""
        asked = picks_among(question)
        said = statements(answer)
        wanted = set(terms(asked[0])) if asked else set()
        if not wanted or len(said) < 2:
            return None

        def line(text: str) -> str:  # a heading as a statement quotes it (composition.plain: escapes and spaces undone)
            return plain(text).rstrip(".:;").lower()

        direct = [statement for statement in said if wanted <= set(terms(statement))]
        if len(direct) > 1:
            return None
        heads = {line(statement) for statement in direct or said}
        holding = [hit.passage for hit in hits if direct or wanted <= self._passage_terms(hit.passage)]
        found = {(p.doc_id, p.section_path[: depth + 1]) for p in holding for depth, head in enumerate(p.section_path)
                 if line(head) in heads}
        if len({line(path[-1]) for _, path in found}) != 1:
            return None
        doc_id, path = min(found)
        section = next((s for s in self.index.documents[doc_id].sections if s.path == path), None)
        if section is None:
            return None
        table, position_of = self.index.sentences, self.index.position_of
        inside = {i for p in holding if p.doc_id == doc_id and p.section_path[: len(path)] == path
                  for i in table.by_passage[position_of[p.passage_id]]}
        shown = next((c for c in candidates if c.sentence in inside and wanted <= self._terms_of(c.sentence)), None)
        return doc_id, section.start, [shown] if shown is not None else []

    def _never_mentioned(self, question: str, unknown: list[str], corrected: set[str]) -> str | None:
        """The note naming the question's unknown names, search-box words and words of the term it asks the meaning of
        ("What does vetting mean in SSR?": "The briefs never mention vetting."), or None. Asked only of a question in
        English: a word of another language ("Centroamérica") is not read, not missing."""
        # (not a word naming what is asked of the thing: "What was the Alliance for Sahel's purpose?" asks what it
        # is for, which "aims to promote …" says without the word)
        # (nor is a word of the thing a question asks whether the briefs speak of, or what they say of it: "What do the
        # briefs say about conscription?")
        asked = [w for w in self._unknown_words(f"{asked_term(question) or ''} {asked_if_mentioned(question) or ''}")
                 if not _ASKED_OF_A_THING.fullmatch(w)]
        asked = list(dict.fromkeys(asked))
        quoted = " ".join(unknown).lower()  # a word of an unknown phrase is not named again on its own
        typed = [w for w in self.unknown_keywords(question) + asked if w not in corrected and w.lower() not in quoted]
        missing = list(dict.fromkeys(self._whole_name(question, name) for name in unknown + typed))
        # a word named within a longer phrase is not named again: "annual budget", not "annual budget, budget"
        missing = [m for m in missing if not any(m != other and m in other.split() for other in missing)]
        return f"The briefs never mention {', '.join(missing)}." if missing else None

    def _briefs_counted(self, topic: str) -> tuple[list[str], str]:
        """For "How many briefs mention <topic>?": the briefs holding every word of it (stem-aware, as
        _spoken_of_elsewhere reads them), and the note saying how many and which: "2 of the 5 briefs mention the
        Sahel: “A” and “B”."."""
        wanted = set(QuestionTerms.of(topic, self.index.lexical).wanted)
        holding = [d for d in self.index.documents if wanted and wanted <= self.composer.brief_terms(d)]
        total = len(self.index.documents)
        if not holding:
            return holding, f"None of the {total} briefs mentions {topic}."
        named = titles_named([self.index.documents[d].title for d in holding])
        return holding, f"{len(holding)} of the {total} briefs {'mentions' if len(holding) == 1 else 'mention'} {topic}: {named}."

    def _spoken_of_elsewhere(self, doc_id: str, topic: str) -> str | None:
        """For a question asked of one brief alone (its topic without the brief's name): the note that the brief never
        mentions words of it that other briefs hold, every one ("“Strengthening Security Sector Reform” never mentions
        ownership; “Security Sector Reform” does."), or None (it mentions them all, or no other brief holds them)."""
        topic = _HOW_MANY.sub(" ", topic)  # "How many of the 131 interviews …": "many" is how it asks
        brief_terms = self.composer.brief_terms
        missing = [t for t in QuestionTerms.of(topic, self.index.lexical).wanted if t not in brief_terms(doc_id)]
        others = [d for d in self.index.documents if d != doc_id and missing and set(missing) <= brief_terms(d)]
        if not others:
            return None
        lexical = self.index.lexical
        written = [_POSSESSIVE.sub("", m.group(0)) for m in _WORD.finditer(topic)]  # the words as the question writes them
        words = list(dict.fromkeys(
            w for w in written if terms(w) and {lexical.kin(t) or t for t in terms(w)} <= set(missing)
        ))
        named = titles_named([self.index.documents[d].title for d in others])
        return (f"“{self.index.documents[doc_id].title}” never mentions {', '.join(words)}; "
                f"{named} {'does' if len(others) == 1 else 'do'}.")

    def _whole_name(self, question: str, name: str) -> str:
        """An unknown word with the capitalised words of its name around it that the briefs do mention: "West Africa"
        for "West", "General Assembly" for "Assembly" (only an unknown word in capitals is part of a name); not a word
        opening the question or a sentence of it, nor another unknown word (each is named on its own: "Rohingya,
        Bangladesh"). An unknown adjective in lower case comes with the noun after it ("artificial intelligence",
        "predictive policing"): the briefs may well use the noun, not the thing the two name."""
        words = [(m, _POSSESSIVE.sub("", m.group(0))) for m in _WORD.finditer(question)]
        at = next((i for i, (_, word) in enumerate(words) if word == name), None)
        if at is None:
            return name

        def joins(i: int) -> bool:
            match, word = words[i]
            opening = i == 0 or _OPENS.search(question[words[i - 1][0].end() : match.start()]) is not None
            return (word[:1].isupper() and not opening and word not in _CONNECTING_CAPITALS
                    and all(self._mentioned(t, name=True) for t in terms(word)) and bool(terms(word)))

        first, last = at, at
        if _ADJECTIVE.fullmatch(name) and at + 1 < len(words) and question[words[at][0].end() : words[at + 1][0].start()] == " ":
            following = words[at + 1][1]  # an adjective names its thing with the noun after it: "artificial intelligence"
            if following[:1].islower() and terms(following) and following.lower() not in _QUESTION_FRAME_WORDS:
                return f"{name} {following}"
        if not name[:1].isupper():  # a word in lower case names no thing with the capitals beside it ("Northern
            return name  # Triangle homicide rate": the briefs never mention homicide, they do the Northern Triangle)
        while first > 0 and joins(first - 1) and question[words[first - 1][0].end() : words[first][0].start()] == " ":
            first -= 1
        while last + 1 < len(words) and joins(last + 1) and question[words[last][0].end() : words[last + 1][0].start()] == " ":
            last += 1
        return " ".join(word for _, word in words[first : last + 1])

    def unknown_keywords(self, question: str) -> list[str]:
        """For a question typed as a few search-box words ("zeppelin", "Frontex mandate"), the words no brief
        mentions (looked up as unknown_names does) that read as English or as a name: an English word, or a
        capitalised one in plain letters. Not "seguridad" or "Centroamérica": a short query's language cannot be
        told, and a word of another language is not read rather than missing. Nothing for a question in words."""
        return self._unknown_words(question) if typed_as_keywords(question) else []

    def _unknown_words(self, text: str) -> list[str]:
        """The words of a text no brief mentions (looked up as unknown_names does) that read as English or as a name;
        never an indefinite pronoun, which names no thing ("Is anything similar to … mentioned?", "drones anything")."""
        english = english_words()
        return [
            w for w in (_POSSESSIVE.sub("", w) for w in _WORD.findall(text))
            if terms(w) and not _INDEFINITE.fullmatch(w) and (w.lower() in english or (w[0].isupper() and w.isascii()))
            and not self._word_mentioned(w, terms(w), name=w[:1].isupper())
        ]

    def _each_part_answered(self, asked: str, candidates: list[Candidate]) -> list[Candidate]:
        """For a question asking two things ("What kind of analysis should underpin SSR support, and what gap did the
        review find?"), the candidate covering most of each part's own words (IDF-weighted; the better-scored among
        equals), if it covers at least PART_MIN_SHARE of them, is raised to the best score, so that the answer quotes
        something for each part."""
        parts = question_parts(asked)
        if len(parts) < 2 or not candidates:
            return candidates
        raised: set[int] = set()
        for part in parts:
            own = QuestionTerms.of(part, self.index.lexical)
            share, _, sentence = max((own.rare_share(self._terms_of(c.sentence)), c.score, c.sentence) for c in candidates)
            if share >= PART_MIN_SHARE:
                raised.add(sentence)
        return raised_to_top(candidates, raised)

    def _speaking_of(self, topic: str | None, candidates: list[Candidate]) -> int | None:
        """The best candidate holding every content word of the topic (stem-aware), or None (no topic, or none does)."""
        wanted = set(terms(topic)) if topic else set()
        return next((c.sentence for c in candidates if wanted <= self._terms_of(c.sentence)), None) if wanted else None

    def _best_of_each(self, candidates: list[Candidate], doc_ids: Sequence[str]) -> set[int]:
        """The best-scored candidate of each of the briefs but that of the best candidate (it is quoted anyway)."""
        best: dict[str, int] = {}
        for candidate in candidates:  # best first
            best.setdefault(self.index.sentences.doc_ids[candidate.sentence], candidate.sentence)
        leading = self.index.sentences.doc_ids[candidates[0].sentence] if candidates else None
        return {best[doc_id] for doc_id in doc_ids if doc_id in best and doc_id != leading}

    def _quoted_written(self, question: str, candidates: list[Candidate]) -> set[int]:
        """For each phrase of several words the question quotes ("Why is SSR 'not a silver bullet'?"), the best-scored
        candidate writing it (its words' stems in a row): what the question asks about, in the briefs' words."""
        phrases = [f" {' '.join(stems)} " for m in _QUOTED.finditer(question) if len(stems := word_stems(m.group(0))) > 1]
        table, documents = self.index.sentences, self.index.documents
        written = [f" {' '.join(word_stems(table.text(c.sentence, documents)))} " for c in candidates] if phrases else []
        return {
            found for phrase in phrases
            for found in [next((c.sentence for c, text in zip(candidates, written) if phrase in text), None)]
            if found is not None
        }

    @staticmethod
    def asking_part(question: str) -> str:
        """What a question asks about: its sentences that ask (end with "?", open with a question word or a request)
        when it sets a scene of several sentences first ("I advise a ministry in West Africa. … What do the briefs
        suggest we prioritise?"); the whole question otherwise. The scene is searched, but a name it mentions in
        passing is not what the question asks about."""
        sentences = _SENTENCE_END.split(question.strip())
        if len(sentences) < SCENARIO_SENTENCES:
            return question
        return " ".join(s for s in sentences if _ASKS.search(s)) or sentences[-1]

    @staticmethod
    def _names(question: str) -> list[str]:
        """Capitalised words that open no sentence, and numbers: what a question is specifically about. A word opening
        the question, or a sentence or part of it after a full stop, colon, semicolon or dash ("My country is at war.
        What does SSR suggest?", a follow-up's query "Who should lead — What is national ownership"), is capitalised
        for its place, not for being a name. A phrase the question quotes is a name, quotes and all ("'do no harm'")."""
        names = [m.group(0) for m in _QUOTED.finditer(question) if len((m.group(1) or m.group(2)).split()) <= MAX_QUOTED_WORDS]
        end = None  # where the word before ended
        for match in _WORD.finditer(question):
            word = _POSSESSIVE.sub("", match.group(0))
            opening = end is None or _OPENS.search(question[end : match.start()]) is not None
            source = word[:1].isupper() and _SOURCE_AFTER.match(question[match.start() + len(word) :]) is not None
            if word and not source and ((word[0].isupper() and not opening) or any(c.isdigit() for c in word)):
                names.append(word)
            end = match.end()
        return names

    def _word_mentioned(self, word: str, stems: Sequence[str], name: bool) -> bool:
        """The briefs mention a word of a question: each of its `stems` (_mentioned), or, a short form they never use,
        the words with its initials ("NGOs": "non-governmental organisations", QueryReader.initials_meant)."""
        return all(self._mentioned(t, name) for t in stems) or (is_short_form(word) and self.reader.initials_meant(word) is not None)

    def _mentioned(self, term: str, name: bool = False) -> bool:
        """The index holds the term, or a term of its family (LexicalIndex.kin: "eritrean" and "eritrea"; of a
        `name`'s, "turkish" and "turkey")."""
        return self.index.lexical.knows(term) or self.index.lexical.kin(term, name) is not None

    # ------------------------------------------------------------ sentences

    def _score_sentences(
        self,
        text: str,
        hits: list[SearchHit],
        passage_cosine: dict[int, float],
        query: np.ndarray | None,
        favoured: list[Quote],
        ranker: LinearModel | None,
        asked: str,
    ) -> tuple[list[Candidate], np.ndarray]:
        """The sentences of the hits, best first, and their ranking features (rows in sentence-id order); whether a
        sentence holds the kind of answer asked for is judged against `asked` (see _evidence).

        Scored by the ranker's probability when there is one, else by hand-set weights."""
        table, documents, position_of = self.index.sentences, self.index.documents, self.index.position_of
        rank_of: dict[int, int] = {}
        path_of: dict[int, tuple[str, ...]] = {}
        place_of: dict[int, int] = {}
        for hit in hits:
            for passage in (hit.passage, *hit.duplicates):
                for place, sentence in enumerate(table.by_passage[position_of[passage.passage_id]]):
                    if sentence not in rank_of:
                        rank_of[sentence], path_of[sentence], place_of[sentence] = hit.rank, passage.section_path, place
        if not rank_of:
            return [], sentence_features(SentenceEvidence(*[np.zeros(0)] * 15))
        ids = np.array(sorted(rank_of), dtype=np.int64)
        cosines = self.index.sentence_vectors[ids] @ query if query is not None else np.zeros(len(ids))
        question = QuestionTerms.of(text, self.index.lexical)
        rare_share = question.rare_share

        def neighbour(sentence: int) -> float:
            beside = [n for n in (sentence - 1, sentence + 1) if 0 <= n < len(table) and table.doc_ids[n] == table.doc_ids[sentence]]
            return max((share_of[n] if n in share_of else rare_share(self._terms_of(n)) for n in beside), default=0.0)

        texts = [table.text(int(i), documents) for i in ids]
        starts = [int(table.starts[i]) for i in ids]
        ranks = np.array([rank_of[int(i)] for i in ids], dtype=np.float64)
        share_of = {int(i): rare_share(self._terms_of(int(i))) for i in ids}
        typed = asks_for_type(asked)
        evidence = SentenceEvidence(
            cosine=np.asarray(cosines, dtype=np.float64),
            passage_cosine=np.array([passage_cosine.get(rank_of[int(i)], 0.0) for i in ids]),
            rank=ranks,
            rare_coverage=np.array([share_of[int(i)] for i in ids]),
            coverage=np.array([question.share(self._terms_of(int(i))) for i in ids]),
            heading_coverage=np.array([rare_share(self._path_terms(path_of[int(i)])) for i in ids]),
            neighbour_coverage=np.array([neighbour(int(i)) for i in ids]),
            words=np.array([len(t.split()) for t in texts], dtype=np.float64),
            introduces_list=np.array([self.composer.introduces_list(int(i)) for i in ids], dtype=np.float64),
            holds_answer_type=np.array([holds_answer_type(asked, t) for t in texts] if typed else [1.0] * len(texts), dtype=np.float64),
            states_entry_point=np.array(
                [overlaps(table.doc_ids[int(i)], start, start + 1, favoured) for i, start in zip(ids, starts)]
                if favoured else [0.0] * len(ids),
                dtype=np.float64,
            ),
            defines=np.array([is_definitional(t) for t in texts] if asks_definition(text) else [0.0] * len(texts), dtype=np.float64),
            enumerates=np.array([enumerates(t) for t in texts] if asks_list(text) else [0.0] * len(texts), dtype=np.float64),
            position=np.array([place_of[int(i)] for i in ids], dtype=np.float64),
            about_the_text=np.array(
                [self._about_the_text(int(i), t) for i, t in zip(ids, texts)] if not about_the_text(text) else [0.0] * len(texts),
                dtype=np.float64,
            ),
        )
        coverage = evidence.coverage
        features = sentence_features(evidence)
        if ranker is not None:
            scores = ranker.probabilities(features)
        else:
            scores = hand_set_scores(evidence, self.settings)
        confidence = evidence.cosine if query is not None else coverage  # without a model: the share of question words found
        candidates = [
            Candidate(int(i), float(score), float(c), int(rank), float(share), typed and bool(holds))
            for i, score, c, rank, share, holds in zip(ids, scores, confidence, ranks, evidence.rare_coverage, evidence.holds_answer_type)
        ]
        return sorted(candidates, key=lambda c: (-c.score, c.sentence)), features

    def _definitions(
        self, query: str, candidates: list[Candidate], doc_ids: Sequence[str] = (), compared_briefs: Sequence[str] = ()
    ) -> list[int]:
        """For a question asking what a term is, the sentence defining it most closely (definitions.definition_strength:
        what it is before what kind of thing it is), best-scored first among equals, in each of the first
        MAX_DEFINITIONS briefs that define it: where briefs define a term differently, each definition is shown. A short
        form's spelling out ("… security sector governance (SSG) …") leads when the question asks what it stands for
        (found in any brief then), or when no sentence defines it. When none defines it nor spells it out, the best-scored sentence opening with
        it ("Better Migration Management (BMM) programme was set up in April 2016 …" for "What is the BMM
        programme?"). A question telling two terms apart (definitions.compared_terms) is led by the definition of
        each, the first's first, where a sentence defines it: the closest definition among the candidates and the
        sentences of the passages found for "What is <term>" (a question about two terms finds the definition of one
        of them at best); so is a question asking how briefs it names define a term (`compared_briefs`), by the closest
        definition in each of them. Only the briefs of `doc_ids` are looked in, when given."""
        compared = compared_terms(query)
        if compared is not None:
            return list(dict.fromkeys(
                s for term in compared
                for s in self._defined(term, query, candidates + self._sentences_on(term, doc_ids), doc_ids, defined_only=True)[:1]
            ))
        term = asked_term(query)
        if term is not None and len(compared_briefs) >= 2:  # "How does the UN brief define SSR compared to the
            # backgrounder?": the closest definition in each brief, looked for in it ("What is <term>" searched there)
            of = self.index.sentences.doc_ids
            return list(dict.fromkeys(
                s for doc_id in compared_briefs
                for s in self._defined(
                    term, query, [c for c in candidates if of[c.sentence] == doc_id] + self._sentences_on(term, [doc_id]),
                    [doc_id], defined_only=True,
                )[:1]
            )) or self._defined(term, query, candidates, doc_ids)
        return [] if term is None else self._defined(term, query, candidates, doc_ids)

    def _defined(
        self, term: str, query: str, candidates: list[Candidate], doc_ids: Sequence[str] = (), defined_only: bool = False
    ) -> list[int]:
        """The sentences that define `term` for _definitions, best first; with `defined_only`, none but sentences
        defining it or spelling it out (no sentence merely opening with it)."""
        table, documents = self.index.sentences, self.index.documents

        def defining(strength_of: Callable[[str, str], int]) -> list[int]:
            best: dict[str, tuple[int, int]] = {}  # doc -> (strength, sentence), the first candidate of the highest strength
            for candidate in candidates:
                strength = strength_of(table.text(candidate.sentence, documents), term)
                doc_id = table.doc_ids[candidate.sentence]
                if strength and strength > best.get(doc_id, (0, 0))[0]:
                    best[doc_id] = (strength, candidate.sentence)
            return [sentence for _, sentence in sorted(best.values(), key=lambda found: -found[0])[:MAX_DEFINITIONS]]

        order = defining(definition_strength) or defining(qualified_strength)  # "Good SSG is …" when nothing says "SSG is …"
        short = is_short_form(term)
        spelt = next((c.sentence for c in candidates if short and spells_out(table.text(c.sentence, documents), term)), None)
        if spelt is None and short and asks_expansion(query):  # asked for it: looked for in every brief
            spelt = self._spelt_out_anywhere(term, doc_ids)
        if spelt is not None and (asks_expansion(query) or not order):  # the words behind the letters, then their meaning
            return [spelt] + [sentence for sentence in order if sentence != spelt]
        if not order and not defined_only and not term.islower():
            # no sentence defines a named thing: the best one opening with it, which introduces it, leads ("Better
            # Migration Management (BMM) programme was set up …"); one opening with a common word ("Refugees … have
            # access to …" for "Who counts as a refugee?") is only about it, and the ranker's order stands
            return next(([c.sentence] for c in candidates if opens_with(table.text(c.sentence, documents), term)), [])
        return order

    def _expansion_stated(self, query: str, doc_ids: Sequence[str] = ()) -> bool | None:
        """For a question asking what a short form stands for, whether a brief writes it out (_spelt_out_anywhere);
        None for any other question."""
        term = asked_term(query) if asks_expansion(query) else None
        if term is None or not is_short_form(term):
            return None
        return self._spelt_out_anywhere(term, doc_ids) is not None

    def _spelt_out_anywhere(self, short: str, doc_ids: Sequence[str] = ()) -> int | None:
        """The first sentence of the briefs (those of `doc_ids`, when given) writing a short form out before it in
        brackets (definitions.spells_out), wherever it stands: the page that spells "SSG" out is rarely among the
        passages a question of three words finds. Looked up once per short form and briefs (SPELT_KEPT kept)."""
        key = (short, tuple(doc_ids))
        known = self._spelt.get(key, -1)  # -1: not looked up yet (a sentence id is never negative)
        if known != -1:
            return known
        found = self._find_spelt_out(short, doc_ids)
        if len(self._spelt) >= SPELT_KEPT:  # (threads may clear it beside each other: each keeps its own answer)
            self._spelt.clear()
        self._spelt[key] = found
        return found

    def _find_spelt_out(self, short: str, doc_ids: Sequence[str]) -> int | None:
        """Of the sentences writing the short form out, one that also defines it ("In such contexts, security sector
        reform (SSR) is the process of …"), else one that stands on its own (not "Furthermore, it suggests how …,
        through Security Sector Reform (SSR) initiatives, …", which needs the sentence before it), else the first."""
        table, documents = self.index.sentences, self.index.documents
        spelt: list[int] = []
        for doc_id, document in documents.items():
            if doc_ids and doc_id not in doc_ids:
                continue
            for found in re.finditer(rf"\({re.escape(short)}\)|{named_after_dash(short).pattern}", document.text):
                at = found.start()
                sentence = next(
                    (i for i in range(len(table)) if table.doc_ids[i] == doc_id and table.starts[i] <= at < table.ends[i]), None
                )
                if sentence is not None and sentence not in spelt and spells_out(table.text(sentence, documents), short):
                    spelt.append(sentence)
        return min(spelt, key=lambda s: (
            -definition_strength(table.text(s, documents), short), self.composer.antecedent(s) != s, spelt.index(s)
        ), default=None)

    def _sentences_on(self, term: str, doc_ids: Sequence[str] = ()) -> list[Candidate]:
        """The sentences of the LOOKUP_PASSAGES passages found for "What is <term>" (in `doc_ids`' briefs, when
        given), as unscored candidates: a definition question's search, whose definition voice finds them."""
        position_of, by_passage = self.index.position_of, self.index.sentences.by_passage
        hits = self.retriever.search(f"What is {term}", top_k=LOOKUP_PASSAGES, doc_ids=doc_ids)
        positions = [position_of[hit.passage.passage_id] for hit in hits]
        return [Candidate(int(s), 0.0, 0.0, 1, 0.0) for p in positions if p < len(by_passage) for s in by_passage[p]]

    def _about_the_text(self, sentence: int, text: str) -> bool:
        """about_the_text of a sentence of the index, or of the one it points back to ("Furthermore, it suggests how
        …" after "This brief aims at …"), found once."""
        known = self._about.get(sentence)
        if known is None:
            before = sentence - 1
            known = self._about[sentence] = about_the_text(text) or (
                before >= 0 and self.composer.pointing_back(before) == sentence
                and about_the_text(self.index.sentences.text(before, self.index.documents))
            )
        return known

    def _passage_terms(self, passage: Passage) -> frozenset[str]:
        known = self._passage_term_cache.get(passage.passage_id)
        if known is None:
            known = self._passage_term_cache[passage.passage_id] = frozenset(terms(passage.text))
        return known

    def _path_terms(self, path: tuple[str, ...]) -> frozenset[str]:
        key = " › ".join(path)
        known = self._heading_terms.get(key)
        if known is None:
            known = self._heading_terms[key] = frozenset(terms(key))
        return known
