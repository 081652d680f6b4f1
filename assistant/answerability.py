"""How well the briefs support an answer: three levels from a small learned model.

The evidence of one question (what retrieval and sentence scoring found) becomes a dozen
cheap features; a logistic regression fitted by `assistant fit` (grouped cross-validation over
the QA sets, see fitting.py) turns them into the probability that the briefs answer the
question, and two thresholds fitted the same way turn that into a level:

* ``answered``: the quotes answer the question;
* ``partial``: the best quotes are shown, with a note that they may not answer it directly;
* ``not_covered``: the briefs do not seem to answer it; only the closest passages are listed.

The fitted model is a small JSON file shipped in the package (coefficients, scaling and
thresholds; no pickle), applied here with numpy alone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .conversation import THEN
from .linear import LinearModel, usable

ANSWERED, PARTIAL, NOT_COVERED = "answered", "partial", "not_covered"
LEVELS = (ANSWERED, PARTIAL, NOT_COVERED)
MODEL_PATH = Path(__file__).parent / "data" / "answerability.json"

# What a question asks for, and how to see it in a sentence.
_ASKS_MONEY = re.compile(
    r"\bhow much (?:money|funding|aid)\b|\bhow much\b.*\b(?:spen[dt]|spending|cost|costs|pa(?:y|id)|charge[sd]?|fund(?:s|ed|ing)?|financ\w*|"
    r"budget\w*|contribut\w*|pledg\w*|commit\w*|invest\w*|give|gave|given|allocat\w*|donat\w*|money)\b|"
    r"\b(?:fund|financ|pa(?:y|id)|spen[dt]|pledg|contribut|invest)\w*\b.*\bhow much\b|"
    # "What is DCAF's budget", "What was the cost of the programme": the query searched has no "?"
    r"\bwhat (?:is|was|are|were|about)\b[^?]*\b(?:budget|cost|price|fee)s?(?:\s+(?:of|for)\b[^?]*)?\s*\??\s*$|"
    # "What budget does ISSAT have for …", "How big is the agency's budget"
    r"\bwhat (?:annual |yearly |total )?budgets?\b(?=\s+(?:do|does|did|is|was|has|have|had|will|would)\b)|"
    r"\bhow (?:big|large|high) (?:is|was|are|were) (?:the |its |their )?(?:(?:[\w-]+ ){0,2}[\w-]+['’]s )?(?:annual |yearly |total )?budgets?\b|"
    # "What did the EU pay Turkey under the deal", "What will the ministry spend on boats", "What did the review cost",
    # "What did the bank pay for SSR in 2020"; not what is paid for ("What do the dues pay for (in Libya)?")
    r"\bwhat (?:do|does|did|will|would|has|have|had)\b[^?]*\b(?:pay|paid|spend|spent|cost|charge|charged)\b"
    r"(?!\s+(?:off|attention)\b|\s+for\s*(?:\?|$|(?:in|at|on|under|during|across|within)\b))",
    re.I,
)
_ASKS_SHARE = re.compile(
    # "what part of the budget", not "what part do the media play" (a role)
    r"\b(?:what|which) (?:percentage|share|proportion|fraction|part(?= of\b)|per ?cent)\b|\bhow (?:large|big) a share\b|"
    r"\b(?:what|which|how high) (?:is|was|are|were) the (?:[\w-]+ ){0,3}rates?\b",  # "What is the unemployment rate …"
    re.I,
)
_ASKS_MONTH = re.compile(r"\b(?:which|what) month\b", re.I)
# "How long does it run?", "Over what period …": a length of time (not "how long ago"); asked with how many, a count
_ASKS_DURATION = re.compile(
    r"\bhow long\b(?!\s+ago\b)|\b(?:what|which) (?:period|time ?frame|duration)\b",
    re.I,
)
# A length of time: "three years", "18 months", "a few weeks", "decades or generations", "2014-2020"
_DURATION = re.compile(
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|several|many|a few|few)\s+"
    r"(?:more\s+|full\s+)?(?:years?|months?|weeks?|days?|decades?)\b|\b(?:decades|generations)\b|"
    r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b",
    re.I,
)
# "What is the number of …", not "how can reform reduce the number of …"; "when did …", not "when talking about …".
_ASKS_NUMBER = re.compile(
    # not how far one should go: "How much should we aim for …", "How much can outsiders achieve?"
    r"\b(?:how many|how much(?!\s+(?:should|could|can|would|might|must|may)\b)|how large|what amount)\b|"
    # "What figure does each give?", "Compare the migrant figures …", "What numbers of IDPs …" (not "in growing numbers")
    r"\b(?:what|which|compare|how do|how does)\b[^?.]*\b(?:figures?|numbers|statistics)\b|"
    r"\b(?:what|which) (?:is|was|are|were) the (?:total |overall )?(?:number|population|death toll) of\b",  # "What is the population of …"
    re.I,
)
_ASKS_YEAR = re.compile(
    r"^\W*when\b|\bwhen (?:did|was|were|is|are|will|has|had|have|do|does)\b|\b(?:what|which) (?:year|date)\b|"
    r"\bsince when\b",
    re.I,
)
# "Which" or "what" and at most one word qualifying the thing asked for ("which other / host / African countries", "which
# UN mission"): never an article ("what the country needs") nor a verb ("What should mission leaders know?")
_WHICH_KIND_OF = (
    r"\b(?:which|what)\s+(?:(?!(?:the|a|an|this|that|its|their|our|your|is|are|was|were|do|does|did|can|could|should|"
    r"would|will|must|may|might|has|have|had)\b)[\w-]+\s+)?"
)
# "Which countries host …", "To which country …", "Where do most of them go?": a place, named. Not "where the state
# is weak" (a clause) nor "Which country's reforms …" (what is asked is the reforms).
_ASKS_PLACE = re.compile(
    _WHICH_KIND_OF +
    r"(?:countries|country|regions?|cities|city|nations?|continents?)\b(?!['’])|^\W*where\s+(?:do|does|did|is|are|was|were|have|has|had)\b"
    # not where the briefs say it: "Where is it recommended?", "Where do the briefs discuss gender?"
    r"(?!.*\b(?:recommend|mention|discuss|describ|explain|defin|say|said|cover|address|treat|quot|propos|suggest|"
    r"written)\w*)",
    re.I,
)
# "Which NGO runs …", "Which agency coordinates …", "Which UN mission has …", "Which resolution is about …": one body,
# programme or instrument, named. Not "Which institutions
# should SSR strengthen?" (several, a list), nor "Which body's reports …" (what is asked is the reports).
_ASKS_BODY = re.compile(
    _WHICH_KIND_OF +
    r"(?:NGO|organi[sz]ation|agency|body|institution|ministry|donor|charity|foundation|company|department|mission|"
    r"programme|program|initiative|fund|resolution|convention|treaty|declaration|protocol|agreement|compact)\b(?!['’])"
    # its verb after it; not "What organisation is DCAF?" (what kind of body a named one is)
    r"(?=\s+(?:is|was|has|had|does|did|will|can|[a-z]+s|[a-z]+ed)\b)(?!\s+(?:is|was)\s+(?:the\s+)?(?-i:[A-Z]))",
    re.I,
)
# A name: capitalised words past a sentence's first word and not opening a label's text ("Ethiopia: Planning a safe
# house …" names no body), a short form in brackets ("(GIZ)") or one numbered ("UNSCR 1325"); not a short form alone,
# which the briefs' own subject may be ("SSR is about …")
_BODY_NAME = re.compile(
    r"(?<![:.;]\s)(?<=\S\s)(?:[A-Z][a-z]+(?:[- ](?:for |of |and )?[A-Z][a-z]+)*)|\([A-Z]{2,}s?\)|\b[A-Z]{2,}\s+\d+\b"
)
# A place named in a sentence: a capitalised word, not its first (a sentence opens with a capital either way)
_NAME_AFTER_START = re.compile(r"(?<=\S)\s+(?:the\s+)?([A-Z][a-z]+(?:[- ][A-Z][a-z]+)*)")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\ds?\b")  # a year or a decade ("the late 1990s")
# A time told by an event, for "when": "after the end of the Cold War", "since the outbreak of the civil war", "during the
# Second World War" (a named war, crisis or revolution in capitals, or the start or end of something)
_EVENT_TIME = re.compile(
    r"\b(?:after|before|since|during|following|until|in\s+the\s+wake\s+of|at\s+the\s+(?:end|start|beginning)\s+of)\s+"
    r"the\s+(?:(?:end|start|beginning|outbreak|onset|fall|collapse|aftermath)\s+of\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?|"
    r"(?:[A-Z][\w-]*\s+){1,3}(?:War|Crisis|Revolution|Spring|Agreement|Accords?))\b"
)
# Counts written out ("two", "millions", "half"); not "one" or "third" ("one of the", "third countries").
_COUNT_WORD = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundreds?|thousands?|millions?|billions?|dozens?|half|per ?cent)\b",
    re.I,
)
_CURRENCY_SIGN, _CURRENCY_CODE = r"[€$£¥₣]", r"EUR|USD|CHF|GBP|US\$"
_MONEY = re.compile(
    rf"{_CURRENCY_SIGN}|\b(?:{_CURRENCY_CODE}|euros?|dollars?|francs?|pounds? sterling|yen)\b", re.I
)
_SHARE = re.compile(
    r"\d\s?%|\bper ?cent\b|\b(?:half|halves|a third|two[- ]thirds|a quarter|three[- ]quarters|majority|minority)\b|"
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:out of|in|of(?: the)?|of every) "
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|every)\b|"
    r"\bper (?:\d[\d,]*|capita|head|thousand|hundred thousand|million)\b",  # "60 homicides per 100,000"
    re.I,
)
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
_AMOUNT_OF_MONEY = re.compile(
    rf"(?:{_CURRENCY_SIGN}|\b(?:{_CURRENCY_CODE}))\s*\d[\d.,]*(?:\s*(?:thousand|million|billion|bn|m)\b)?|"
    r"\b(?:\d[\d.,]*|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundreds?|thousands?)"
    r"(?:\s*(?:thousand|million|billion|bn|m)\b)?\s*(?:euros?|dollars?|francs?|pounds?|yen|EUR|USD|CHF|GBP)\b",
    re.I,
)
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


@lru_cache(maxsize=1024)  # asked again for every candidate sentence of a question
def asked_type(question: str) -> str | None:
    """The kind of answer a question asks for: "money" (how much was spent, pledged, funded), "share" (what
    percentage or proportion), "month", "duration" (how long), "count" (how many, how much), "year" (when), "place"
    (which countries, where), "body" (which NGO, agency, programme or convention), or None. Of a follow-up's query,
    the question asked, not the earlier one it carries: "Where do most of them come from — How many people were
    displaced" asks for a place, "What does it recommend — How many …" for none."""
    question = question.partition(THEN)[0]
    for kind, pattern in (("money", _ASKS_MONEY), ("share", _ASKS_SHARE), ("month", _ASKS_MONTH),
                          ("count", _ASKS_NUMBER), ("duration", _ASKS_DURATION), ("year", _ASKS_YEAR),
                          ("place", _ASKS_PLACE), ("body", _ASKS_BODY)):
        if pattern.search(question):
            return kind
    return None


@dataclass(frozen=True)
class Evidence:
    """What one question found, as plain numbers and texts (filled by the answerer)."""

    question_terms: int  # content words of the effective query
    unknown_term_share: float  # share of them no passage holds
    unknown_names: int  # names and numbers of the question the briefs never mention
    names_missing_nearby: int  # names and numbers of the question absent from the top three passages
    names_missing_sentences: float  # share of the question's names and numbers absent from the best-covering sentence holding the kind of answer asked, among the five closest by cosine, the three covering most of the question and a sentence after them pointing back (read with the one it points to: "It is financed by …")
    best_sentence_cosine: float
    passage_cosine: float  # the best passage's cosine with the question
    bm25_per_term: float  # the best passage's BM25 score per question term
    rare_coverage_sentence: float  # IDF-weighted share of question terms in the best sentence
    rare_coverage_passages: float  # … in the top three passages together
    rare_coverage_best3: float  # … in the best-covering of the three best sentences
    typed_coverage: float  # … in the best-covering of those sentences (as for names_missing_sentences)
    coverage_sentence: float  # plain share of question terms in the best sentence
    answer_type_missing: bool  # asks for an amount, share, month, count, year or place that none of the three sentences closest by cosine, the three covering most of the question, nor a sentence after them pointing back holds
    year_elsewhere: bool  # the question names a year; the sentence of names_missing_sentences covering most of the question names other years, never it
    non_english: bool


FEATURES = (
    "log_question_terms",
    "unknown_term_share",
    "unknown_names",
    "names_missing_nearby",
    "names_missing_sentences",
    "best_sentence_cosine",
    "passage_cosine",
    "log_bm25_per_term",
    "rare_coverage_sentence",
    "rare_coverage_passages",
    "rare_coverage_best3",
    "typed_coverage",
    "coverage_sentence",
    "answer_type_missing",
    "year_elsewhere",
)
# The direction each feature must push the probability in (0: either). A fitted weight of the other sign
# is an accident of a small sample; fitting.py drops such a feature and fits again.
DIRECTION = {
    "log_question_terms": 0,
    "unknown_term_share": -1,
    "unknown_names": -1,
    "names_missing_nearby": -1,
    "names_missing_sentences": -1,
    "best_sentence_cosine": 1,
    "passage_cosine": 1,
    "log_bm25_per_term": 1,
    "rare_coverage_sentence": 1,
    "rare_coverage_passages": 1,
    "rare_coverage_best3": 1,
    "typed_coverage": 1,
    "coverage_sentence": 1,
    "answer_type_missing": -1,
    "year_elsewhere": -1,
}
# Not features, on purpose: score gaps and the mean of the top sentences (collinear with the above, they took
# signs no reader could explain and made a perfect match look unanswerable), and whether the question is a
# follow-up, was spelt wrong or is not in English: every such item of the QA sets is answerable, so a model
# would learn the sets' make-up, not the briefs' support.


def feature_vector(evidence: Evidence) -> np.ndarray:
    """The evidence in the order of FEATURES."""
    values = {
        "log_question_terms": math.log1p(evidence.question_terms),
        "unknown_term_share": evidence.unknown_term_share,
        "unknown_names": min(evidence.unknown_names, 3),
        "names_missing_nearby": min(evidence.names_missing_nearby, 3),
        "names_missing_sentences": evidence.names_missing_sentences,
        "best_sentence_cosine": evidence.best_sentence_cosine,
        "passage_cosine": evidence.passage_cosine,
        "log_bm25_per_term": math.log1p(max(0.0, evidence.bm25_per_term)),
        "rare_coverage_sentence": evidence.rare_coverage_sentence,
        "rare_coverage_passages": evidence.rare_coverage_passages,
        "rare_coverage_best3": evidence.rare_coverage_best3,
        "typed_coverage": evidence.typed_coverage,
        "coverage_sentence": evidence.coverage_sentence,
        "answer_type_missing": float(evidence.answer_type_missing),
        "year_elsewhere": float(evidence.year_elsewhere),
    }
    return np.array([values[name] for name in FEATURES], dtype=np.float64)


def asks_for_type(question: str) -> bool:
    """Whether the question asks for an amount, a share, a month, a count, a year or a place (so that sentences are
    checked for one)."""
    return asked_type(question) is not None


def holds_answer_type(question: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of answer the question asks for, beyond what the question itself says:
    an amount of money for "how much was spent" (a currency with a figure or a count word), a percentage or
    fraction for "what share", a month for "which month", a length of time for "how long", a count or amount for
    "how many" or "how much" (a figure that is neither a year nor one the question states, or a count in words; for
    "how many", not a sum of money), a year for "when" (one the question does not state), a place for "which countries" or "where" (a
    capitalised word past the sentence's first that the question does not hold, not a month); any sentence does for
    other questions ("who" is answered by roles as often as by names)."""
    kind = asked_type(question)
    if kind is None:
        return True
    stated = _figures(question)

    def new_count(text: str) -> bool:
        return bool(_COUNT_WORD.search(text)) or any(
            figure not in stated and not _YEAR.fullmatch(figure) for figure in _FIGURE.findall(text)
        )

    if kind == "money":
        return bool(_MONEY.search(sentence)) and new_count(sentence)
    if kind == "share":
        return bool(_SHARE.search(sentence))
    if kind == "month":
        return any(month not in question for month in _MONTH.findall(sentence))
    if kind == "duration":  # a length of time the question does not give
        return any(length.lower() not in question.lower() for length in _DURATION.findall(sentence))
    if kind == "count":  # a sum of money is how much, never how many: "40 million euros" is not how many officers
        return new_count(_AMOUNT_OF_MONEY.sub(" ", sentence) if _HOW_MANY.search(question) else sentence)
    if kind == "body":  # a name the question does not give: "GIZ", "the European Commission" for "Which agency …"
        return any(name not in question for name in _BODY_NAME.findall(sentence))
    if kind == "place":  # a name the question does not give: "Eritrea, Syria, Iraq" for "Which countries …"; a month is none
        return any(name not in question and not _MONTH.fullmatch(name) for name in _NAME_AFTER_START.findall(sentence))
    # "year": one the question does not state, or a time told by an event ("after the end of the Cold War")
    return any(year not in stated for year in _YEAR.findall(sentence)) or any(
        event not in question for event in _EVENT_TIME.findall(sentence)
    )


@lru_cache(maxsize=1024)
def _figures(question: str) -> frozenset[str]:
    return frozenset(_FIGURE.findall(question))


def answer_type_missing(question: str, best_sentences: list[str]) -> bool:
    """The question asks for a kind of answer (see `asked_type`) and none of the given sentences holds one."""
    return not any(holds_answer_type(question, sentence) for sentence in best_sentences)


_NAMED_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")  # "in 2017", "2015-16"; not a decade ("the 1990s")


# a year bounding a span of time ("after 2011", "since 2015", "between 2014 and 2016", "pre-2015"): what is told of
# it may name any year within or beyond
_SPAN_OF_YEARS = re.compile(
    r"\b(?:after|since|before|until|till|from|between|post|pre)[\s-]+(?:1[89]|20)\d\d"
    r"(?:\s*(?:and|to|-|–)\s*(?:1[89]|20)\d\d)?",
    re.IGNORECASE,
)


def year_elsewhere(question: str, sentences: list[str]) -> bool:
    """The question names a year and the sentences name other years but never one it names: asked about 2017,
    they tell of 2016. What the briefs say is about another time, not an answer. A year bounding a span ("Why did
    numbers rise after 2011?") is no time asked about alone."""
    named = set(_NAMED_YEAR.findall(_SPAN_OF_YEARS.sub(" ", question)))
    if not named:
        return False
    found = {year for sentence in sentences for year in _NAMED_YEAR.findall(sentence)}
    return bool(found) and not found & named


@dataclass(frozen=True)
class SupportModel:
    """The answerability model (a LinearModel over FEATURES) with its two level thresholds."""

    model: LinearModel
    not_covered_below: float  # probability under which the answer is not_covered
    partial_below: float  # … under which it is partial

    @property
    def meta(self) -> dict:  # type: ignore[type-arg]
        return self.model.meta

    def probability(self, vector: np.ndarray) -> float:
        return self.model.probability(vector)

    def level(self, probability: float, readable: bool = True) -> str:
        """The support level of a probability. A question not in English (`readable` False) is at best
        partial and never not_covered: that we cannot read it does not mean the briefs fail to answer it."""
        if probability < self.not_covered_below:
            return NOT_COVERED if readable else PARTIAL
        return PARTIAL if probability < self.partial_below or not readable else ANSWERED

    def to_json(self) -> dict:  # type: ignore[type-arg]
        return {**self.model.to_json(), "not_covered_below": self.not_covered_below, "partial_below": self.partial_below}

    @classmethod
    def from_json(cls, data: dict) -> "SupportModel":  # type: ignore[type-arg]
        return cls(LinearModel.from_json(data), float(data["not_covered_below"]), float(data["partial_below"]))


def load_support_model(path: Path, embedding_model: str) -> SupportModel | None:
    """The model at `path`, or None when there is none or it was fitted on other features or on another
    embedding model's cosines (then the answerer falls back to its confidence threshold)."""
    if not path.exists():
        return None
    return fitted_for(json.loads(path.read_text()), embedding_model)


def fitted_for(data: dict, embedding_model: str) -> SupportModel | None:  # type: ignore[type-arg]
    """The model in `data` when it was fitted on today's features and `embedding_model`'s cosines."""
    return SupportModel.from_json(data) if usable(data, FEATURES, embedding_model) else None
