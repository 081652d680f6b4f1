"""Question (and conversation) -> an extractive answer whose every sentence is a cited verbatim quote.

1. The question is resolved against the earlier turns (conversation.py).
2. The top passages are retrieved; their sentences are scored by cosine with the query
   (sentence vectors are computed at build time), the share of the question's own words
   they contain, and the rank of the passage they come from.
3. When even the best sentence is a poor match the assistant abstains and shows the
   closest material instead of quoting it as an answer.
4. Sentences are taken best first while they score near the best one; a sentence that
   says what a chosen one says (the two forced-displacement briefs often repeat each
   other) adds its citation to the chosen sentence instead of being repeated.
5. Entry points from the catalogue are attached when the question asks what to do or the
   top passages sit in the sections that state push factors and entry points.
6. A question that asks which factors the briefs name is answered from the catalogue:
   every factor's heading, verbatim, cited in each brief that states it.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

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
)
from .answerability import (
    NOT_COVERED as NOT_COVERED_LEVEL,
)
from .catalogue import EntryPoint, Factor
from .conversation import ResolvedQuestion, Turn, own_terms, resolve
from .lexical import LexicalIndex, terms
from .linear import LinearModel
from .models import Passage, Quote, SearchHit
from .ranking import (
    RANKER_PATH,
    SentenceEvidence,
    asks_definition,
    asks_list,
    enumerates,
    is_definitional,
    load_ranker,
    sentence_features,
)
from .retrieval import Retriever
from .sentences import MIN_SENTENCE_WORDS, bullets_follow
from .spelling import Correction, Speller, language_of, model_words

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
DISAGREEMENT_NOTE = "The briefs state this with different figures ({figures}); each version is quoted with its source."
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*%?")


def figures(text: str) -> frozenset[str]:
    """The numbers a sentence states ("40%", "25.9", "2014"), as written."""
    return frozenset(match.group(0).replace(" ", "") for match in _FIGURE.finditer(text))


def shown_in(sentence: str, answer: str) -> bool:
    """Whether an earlier answer's text quoted the sentence (white space aside, and the HTML escapes a chat front
    end sends back: "&amp;")."""
    return " ".join(sentence.split()) in " ".join(html.unescape(answer).split())


def disagree(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two statements give different figures: each states one the other lacks. One that merely adds a
    figure ("since 2008", a footnote number) states the same thing in more detail."""
    return bool(first - second) and bool(second - first)


_ACTION = re.compile(
    r"\b(?:what can|what could|what should|how can|how could|how should|how to|what to do|do about|entry points?|"
    r"recommend\w*|respond\w*|response\w*|address\w*|tackl\w*|interven\w*|measures?|options?|steps?|priorit\w*)\b",
    re.IGNORECASE,
)
# "Which push factors …", "List the push factors": a question that asks for the catalogue's factors themselves
_ENUMERATION = re.compile(r"\b(?:which|what are|what were|list|name|identif\w*|enumerat\w*|how many|main|key)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
# A sentence that opens by pointing back at the one before it.
_POINTS_BACK = re.compile(r"^(?:It|Its|They|Their|Them|This|These|Those|Such|He|She|His|Her|The latter|The former)\b", re.IGNORECASE)
CONTINUATION_WORDS = 40  # a continuation may take the answer this far past answer_max_words
SAME_STATEMENT_WORDS = 0.5  # share of the shorter sentence's words two sentences must share to say the same thing
# A question about a name or number the briefs never mention is most likely not covered:
# its confidence drops by this much (calibrated with the threshold on the evaluation set).
UNKNOWN_NAME_PENALTY = 0.2
PASSAGE_WEIGHT = 0.5  # a sentence inherits part of its passage's relevance (context it lacks alone)
ENTRY_POINT_WEIGHT = 0.15  # bonus for sentences stating a matched entry point, when asked what to do
LEXICAL_WEIGHT = 0.3  # weight of the share of question words a sentence contains
RANK_WEIGHT = 0.05  # bonus for sentences of the best-ranked passages
LONG_SENTENCE, LENGTH_PENALTY = 35, 0.003  # long sentences make poor answers: a small cost per extra word
# A chosen sentence that introduces a list ("… include the following:") brings the list with it.
LIST_MAX_ITEMS, LIST_MAX_WORDS = 8, 160


@dataclass(frozen=True)
class QuestionTerms:
    """The question's content words and their IDF weights: what "coverage of the rare words" is measured by."""

    wanted: list[str]
    weights: dict[str, float]

    @classmethod
    def of(cls, query: str, lexical: "LexicalIndex") -> "QuestionTerms":
        wanted = list(dict.fromkeys(own_terms(query)))
        return cls(wanted, {t: lexical.idf(t) for t in wanted})

    def rare_share(self, held: frozenset[str] | set[str]) -> float:
        """IDF-weighted share of the question's words that `held` contains."""
        return sum(w for t, w in self.weights.items() if t in held) / (sum(self.weights.values()) or 1.0)

    def share(self, held: frozenset[str] | set[str]) -> float:
        """Plain share of the question's words that `held` contains."""
        return sum(t in held for t in self.wanted) / len(self.wanted) if self.wanted else 0.0


@dataclass(frozen=True)
class AnswerModels:
    """The learned parts of answering: support levels and sentence choice (None: the hand-set fallback), and the
    weight of passages' best sentences in retrieval (None: the retriever's own)."""

    support: SupportModel | None = None
    ranker: LinearModel | None = None
    sentence_weight: float | None = None


@dataclass(frozen=True)
class Citation:
    """What the answer's [marker] points at: a verbatim sentence and how well it matched."""

    marker: int
    source: Quote
    score: float


@dataclass
class AnswerSentence:
    text: str
    markers: list[int]


@dataclass
class EntryPointMatch:
    entry: EntryPoint
    factor: Factor | None
    score: float


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
    searched_as: str | None = None  # the query after spelling correction, when it changed
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
        return f"{self.message}\n\n{self.quoted}" if self.message else self.quoted


@dataclass
class _Candidate:
    sentence: int
    score: float
    cosine: float
    rank: int
    rare_coverage: float  # IDF-weighted share of the question's words the sentence holds


class Answerer:
    """Answers questions from one loaded index; safe to share between threads."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self.index = retriever.index
        self.settings = retriever.settings
        self._sentence_terms: dict[int, frozenset[str]] = {}  # filled as sentences are first scored
        self._heading_terms: dict[str, frozenset[str]] = {}
        self._passage_term_cache: dict[str, frozenset[str]] = {}
        model = self.index.manifest.model
        self.models = AnswerModels(
            load_support_model(self.settings.support_model or MODEL_PATH, model),
            load_ranker(self.settings.sentence_ranker or RANKER_PATH, model),
        )
        self._speller: Speller | None = None
        self._vocabulary: list[str] | None = None

    @property
    def speller(self) -> Speller:
        """Built on first use from the briefs' words and the model's vocabulary."""
        if self._speller is None:
            from .embedding import resolve_model_path
            from .errors import ModelUnavailable

            try:
                folder = resolve_model_path(self.settings.embedding_model)
            except ModelUnavailable:
                folder = None
            texts = (d.text for d in self.index.documents.values())
            self._speller = Speller(texts, self.index.lexical.knows, model_words(folder))
        return self._speller

    def _terms_of(self, sentence: int) -> frozenset[str]:
        known = self._sentence_terms.get(sentence)
        if known is None:
            known = frozenset(terms(self.index.sentences.text(sentence, self.index.documents)))
            self._sentence_terms[sentence] = known
        return known

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
        language = language_of(question)
        resolved = resolve(question, history)
        correction = (
            self.speller.correct(resolved.query)
            if self.settings.spelling_correction and language == "en"
            else Correction(resolved.query, ())
        )
        request = self.retriever.validate(correction.text[: self.settings.max_question_chars], top_k, doc_ids)
        depth = max(request.top_k, self.settings.answer_passages)
        embedder = self.retriever.embedder
        vector = embedder.embed_query(request.query) if embedder is not None else None  # once, for passages and sentences
        models = models or self.models
        hits = self.retriever.search(
            request.query, top_k=depth, doc_ids=request.doc_ids, vector=vector, sentence_weight=models.sentence_weight
        )
        retrieved = time.perf_counter()
        matches = self._entry_points(resolved, hits)
        # asked what to do: the statements of the best-matching entry points are what answers it
        favoured = [s for m in matches[:2] for s in m.entry.sources] if _ACTION.search(resolved.query) else []
        passage_cosines = self._passage_cosines(hits, vector)
        candidates, features = self._score_sentences(request.query, hits, passage_cosines, vector, favoured, models.ranker)
        corrected = {typed for typed, _ in correction.changes}  # "Hunduras" searched as "Honduras" is not unknown
        unknown = [name for name in self.unknown_names(question) if name not in corrected] if language == "en" else []
        confidence = max((c.cosine for c in candidates), default=0.0) - (UNKNOWN_NAME_PENALTY if unknown else 0.0)
        evidence = self._evidence(request.query, hits, candidates, passage_cosines, unknown, language)
        probability, support = self._support(evidence, confidence, models.support)
        searched_as = correction.text if correction.changes else None
        overview = self.factors_asked_for(request.query)
        if overview:
            sentences, citations = self._factor_overview(overview, vector)
            support, message = ANSWERED, None
        elif support == NOT_COVERED_LEVEL:
            sentences, citations, matches = [], [], []
            message = NOT_COVERED
            if unknown:
                message = f"The briefs never mention {', '.join(unknown)}. " + message
        else:
            said = next((turn.content for turn in reversed(history) if turn.role == "assistant"), "")
            sentences, citations, disagreement = self._compose(candidates, ranked=models.ranker is not None, said=said)
            partial = PARTIAL_NOTE if support == PARTIAL and language == "en" else None  # the language note says as much
            message = " ".join(m for m in (partial, disagreement) if m) or None
        if language != "en":
            message = LANGUAGE_NOTE.format(language=language) + (f" {message}" if message else "")
        answer = Answer(
            question, resolved, sentences, citations, hits[: request.top_k], matches, support == NOT_COVERED_LEVEL,
            confidence, message, unknown, support=support, support_probability=probability, searched_as=searched_as,
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
        candidates: list[_Candidate],
        passage_cosines: dict[int, float],
        unknown: list[str],
        language: str,
    ) -> Evidence:
        """What retrieval and sentence scoring found, as the answerability model's evidence."""
        lexical, table, documents = self.index.lexical, self.index.sentences, self.index.documents
        question = QuestionTerms.of(query, lexical)
        wanted, rare_share = question.wanted, question.rare_share
        by_cosine = sorted(candidates, key=lambda c: (-c.cosine, c.sentence))  # independent of sentence choice
        best = by_cosine[:3]
        best_terms = self._terms_of(best[0].sentence) if best else frozenset()
        covering = sorted(candidates, key=lambda c: (-c.rare_coverage, -c.cosine, c.sentence))[:3]
        looked = list(dict.fromkeys(c.sentence for c in best + covering))  # long sentences have low cosines
        best_texts = [table.text(sentence, documents) for sentence in looked]
        best_texts += [table.text(f, documents) for f in map(self._pointing_back, looked) if f is not None]  # "It is financed by …"
        typed = [s for s in dict.fromkeys(c.sentence for c in by_cosine[:5] + covering)
                 if holds_answer_type(query, table.text(s, documents))]
        passage_terms = set().union(*(self._passage_terms(hit.passage) for hit in hits[:3]))
        names = list(dict.fromkeys(t for name in self._names(query) for t in terms(name)))
        bm25 = float(lexical.scores(query).max()) if lexical.size else 0.0
        return Evidence(
            question_terms=len(wanted),
            unknown_term_share=sum(not lexical.knows(t) for t in wanted) / len(wanted) if wanted else 1.0,
            unknown_names=len(unknown),
            names_missing_nearby=sum(t not in passage_terms for t in names),
            names_missing_sentences=min(
                (sum(t not in self._terms_of(sentence) for t in names) / len(names) for sentence in typed), default=1.0
            ) if names else 0.0,
            best_sentence_cosine=max((c.cosine for c in candidates), default=0.0),
            passage_cosine=max(passage_cosines.values(), default=0.0),
            bm25_per_term=bm25 / max(1, len(wanted)),
            rare_coverage_sentence=rare_share(best_terms),
            rare_coverage_passages=rare_share(passage_terms),
            rare_coverage_best3=max((rare_share(self._terms_of(c.sentence)) for c in best), default=0.0),
            typed_coverage=max((rare_share(self._terms_of(sentence)) for sentence in typed), default=0.0),
            coverage_sentence=question.share(best_terms),
            answer_type_missing=answer_type_missing(query, best_texts),
            non_english=language != "en",
        )

    def unknown_names(self, question: str) -> list[str]:
        """Names and numbers in the question that no brief mentions ("Rohingya", "2022").

        Stem-aware: a name counts as mentioned when a word of the briefs shares its stem or
        its start ("African" and "Africa", "Eritreans" and "Eritrea")."""
        return [w for w in self._names(question) if not all(self._mentioned(t) for t in terms(w))]

    @staticmethod
    def _names(question: str) -> list[str]:
        """Capitalised words after the first, and numbers: what a question is specifically about."""
        words = _WORD.findall(question)
        return [w for i, w in enumerate(words) if (i > 0 and w[0].isupper()) or any(c.isdigit() for c in w)]

    def _mentioned(self, term: str) -> bool:
        if self.index.lexical.knows(term):
            return True
        if not term.isalpha() or len(term) < 5:
            return False
        if self._vocabulary is None:
            self._vocabulary = self.index.lexical.vocabulary()
        stem = term[: max(4, len(term) - 2)]
        return any(word.startswith(stem) or (len(word) >= 5 and term.startswith(word)) for word in self._vocabulary)

    # ------------------------------------------------------------ sentences

    def _score_sentences(
        self,
        text: str,
        hits: list[SearchHit],
        passage_cosine: dict[int, float],
        query: np.ndarray | None,
        favoured: list[Quote],
        ranker: LinearModel | None,
    ) -> tuple[list[_Candidate], np.ndarray]:
        """The sentences of the hits, best first, and their ranking features (rows in sentence-id order).

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
            return [], sentence_features(SentenceEvidence(*[np.zeros(0)] * 14))
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
        typed = asks_for_type(text)
        evidence = SentenceEvidence(
            cosine=np.asarray(cosines, dtype=np.float64),
            passage_cosine=np.array([passage_cosine.get(rank_of[int(i)], 0.0) for i in ids]),
            rank=ranks,
            rare_coverage=np.array([share_of[int(i)] for i in ids]),
            coverage=np.array([question.share(self._terms_of(int(i))) for i in ids]),
            heading_coverage=np.array([rare_share(self._path_terms(path_of[int(i)])) for i in ids]),
            neighbour_coverage=np.array([neighbour(int(i)) for i in ids]),
            words=np.array([len(t.split()) for t in texts], dtype=np.float64),
            introduces_list=np.array([self._introduces_list(int(i)) for i in ids], dtype=np.float64),
            holds_answer_type=np.array([holds_answer_type(text, t) for t in texts] if typed else [1.0] * len(texts), dtype=np.float64),
            states_entry_point=np.array(
                [_overlaps(table.doc_ids[int(i)], start, start + 1, favoured) for i, start in zip(ids, starts)]
                if favoured else [0.0] * len(ids),
                dtype=np.float64,
            ),
            defines=np.array([is_definitional(t) for t in texts] if asks_definition(text) else [0.0] * len(texts), dtype=np.float64),
            enumerates=np.array([enumerates(t) for t in texts] if asks_list(text) else [0.0] * len(texts), dtype=np.float64),
            position=np.array([place_of[int(i)] for i in ids], dtype=np.float64),
        )
        coverage = evidence.coverage
        features = sentence_features(evidence)
        if ranker is not None:
            scores = ranker.probabilities(features)
        else:
            scores = (
                evidence.cosine
                + ENTRY_POINT_WEIGHT * evidence.states_entry_point
                + PASSAGE_WEIGHT * evidence.passage_cosine
                + LEXICAL_WEIGHT * evidence.coverage
                + RANK_WEIGHT / evidence.rank
                - LENGTH_PENALTY * np.maximum(0, evidence.words - LONG_SENTENCE)
            )
        confidence = evidence.cosine if query is not None else coverage  # without a model: the share of question words found
        candidates = [
            _Candidate(int(i), float(score), float(c), int(rank), float(share))
            for i, score, c, rank, share in zip(ids, scores, confidence, ranks, evidence.rare_coverage)
        ]
        return sorted(candidates, key=lambda c: (-c.score, c.sentence)), features

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

    def _compose(
        self, candidates: list[_Candidate], ranked: bool, said: str = ""
    ) -> tuple[list[AnswerSentence], list[Citation], str | None]:
        """Sentences best first (at least two) while they score above the floor: the ranker's decision boundary
        when `ranked`, else a share of the best hand-set score. A sentence the previous answer (`said`) already
        quoted is quoted again only as the best one: a follow-up moves on rather than repeating. Returns them, their
        citations, and a note when two briefs make the same statement with different figures (both are quoted)."""
        table, documents = self.index.sentences, self.index.documents
        floor = self.settings.answer_min_probability if ranked else candidates[0].score * self.settings.answer_relative_cutoff
        chosen: list[list[_Candidate]] = []  # each: the sentence shown, then the same statement elsewhere
        disagreements: list[list[str]] = []  # figures that differ between near-identical statements
        words = 0
        for candidate in candidates:
            if candidate.score < floor and len(chosen) >= 2:
                break
            text = table.text(candidate.sentence, documents)
            if chosen and said and shown_in(text, said):
                continue
            same = next((group for group in chosen if self._same_statement(group[0].sentence, candidate.sentence)), None)
            if same is not None and disagree(figures(table.text(same[0].sentence, documents)), figures(text)):
                # the same statement with other numbers: shown beside it (whatever the limits), never merged into it
                disagreements.append(sorted(figures(table.text(same[0].sentence, documents)) ^ figures(text)))
                chosen.append([candidate])
                words += len(text.split())
                continue
            if same is not None:
                if table.doc_ids[candidate.sentence] not in {table.doc_ids[c.sentence] for c in same}:
                    same.append(candidate)
                continue
            length = len(text.split())
            if len(chosen) >= self.settings.answer_max_sentences or (chosen and words + length > self.settings.answer_max_words):
                continue
            chosen.append([candidate])
            words += length
        chosen += self._lists_introduced(chosen, candidates)
        chosen += self._continuations(chosen, candidates, words)
        # reading order: documents in the order their best sentence ranks, then by place in the document
        first_rank: dict[str, int] = {}
        for i, group in enumerate(chosen):
            first_rank.setdefault(table.doc_ids[group[0].sentence], i)
        chosen.sort(key=lambda g: (first_rank[table.doc_ids[g[0].sentence]], int(table.starts[g[0].sentence])))
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        for group in chosen:
            markers = []
            for candidate in group:
                citations.append(self._citation(len(citations) + 1, candidate))
                markers.append(len(citations))
            sentences.append(AnswerSentence(table.text(group[0].sentence, documents), markers))
        note = DISAGREEMENT_NOTE.format(figures=", ".join(dict.fromkeys(f for d in disagreements for f in d))) if disagreements else None
        return sentences, citations, note

    def _same_statement(self, first: int, second: int) -> bool:
        """Whether two sentences say the same thing: close in meaning (cosine at least redundancy_threshold) and
        in wording (most of the shorter one's words in the other). Sentences of one section share its heading in
        their vectors, so closeness alone would merge a definition with the list it introduces."""
        table, documents = self.index.sentences, self.index.documents
        if table.text(first, documents) == table.text(second, documents):
            return True
        vectors = self.index.sentence_vectors
        if float(vectors[first] @ vectors[second]) < self.settings.redundancy_threshold:
            return False
        a, b = self._terms_of(first), self._terms_of(second)
        return bool(a and b) and len(a & b) / min(len(a), len(b)) >= SAME_STATEMENT_WORDS

    def _pointing_back(self, sentence: int) -> int | None:
        """The sentence right after this one when it points back to it ("It is …", "These include …")."""
        table, following = self.index.sentences, sentence + 1
        if following < len(table) and table.doc_ids[following] == table.doc_ids[sentence]:
            return following if _POINTS_BACK.match(table.text(following, self.index.documents)) else None
        return None

    def _continuations(self, chosen: list[list[_Candidate]], candidates: list[_Candidate], words: int) -> list[list[_Candidate]]:
        """The sentence right after a chosen one when it points back to it ("It is financed by …", "These include …"):
        without it the chosen sentence tells half the story. Within the answer's word budget."""
        table, documents = self.index.sentences, self.index.documents
        by_sentence = {c.sentence: c for c in candidates}
        taken = {c.sentence for group in chosen for c in group}
        added: list[list[_Candidate]] = []
        for group in list(chosen):
            following = self._pointing_back(group[0].sentence)
            candidate = by_sentence.get(following) if following is not None else None
            if candidate is None or following in taken:
                continue
            length = len(table.text(following, documents).split())
            if words + length > self.settings.answer_max_words + CONTINUATION_WORDS:
                continue
            added.append([candidate])
            taken.add(following)
            words += length
        return added

    def _lists_introduced(self, chosen: list[list[_Candidate]], candidates: list[_Candidate]) -> list[list[_Candidate]]:
        """The sentences that follow a chosen sentence ending in a colon: the list it introduces.

        Items are taken in the same section while only bullets, white space or a short label
        ("Peace processes.") separates them; real text in between (items the sentence table
        does not hold) ends the list.
        """
        table, documents = self.index.sentences, self.index.documents
        by_sentence = {c.sentence: c for c in candidates}
        taken = {c.sentence for group in chosen for c in group}
        added: list[list[_Candidate]] = []
        for group in chosen:
            intro = group[0].sentence
            if not self._introduces_list(intro):
                continue
            doc_id = table.doc_ids[intro]
            section = self._section_of(doc_id, int(table.starts[intro]))
            text = documents[doc_id].text
            words, previous_end = 0, int(table.ends[intro])
            for following in range(intro + 1, min(intro + 1 + LIST_MAX_ITEMS, len(table))):
                candidate = by_sentence.get(following)
                if following in taken:  # an item chosen on its own merit: the list goes on past it
                    previous_end = int(table.ends[following])
                    continue
                if (
                    candidate is None
                    or table.doc_ids[following] != doc_id
                    or len(_WORD.findall(text[previous_end : int(table.starts[following])])) >= MIN_SENTENCE_WORDS
                    or self._section_of(doc_id, int(table.starts[following])) != section
                ):
                    break
                previous_end = int(table.ends[following])
                words += len(table.text(following, documents).split())
                if words > LIST_MAX_WORDS:
                    break
                added.append([candidate])
                taken.add(following)
        return added

    def _introduces_list(self, sentence: int) -> bool:
        """The sentence ends with a colon, or bullets or numbered items follow it ("BMM focuses on" + bullets)."""
        table, documents = self.index.sentences, self.index.documents
        text = documents[table.doc_ids[sentence]].text
        end = int(table.ends[sentence])
        return text[int(table.starts[sentence]) : end].rstrip().endswith(":") or bullets_follow(text, end)

    def _section_of(self, doc_id: str, offset: int) -> tuple[str, ...] | None:
        position = self.index.passage_containing(doc_id, offset)
        return self.index.passages[position].section_path if position is not None else None

    def _citation(self, marker: int, candidate: _Candidate) -> Citation:
        table = self.index.sentences
        document = self.index.documents[table.doc_ids[candidate.sentence]]
        start, end = int(table.starts[candidate.sentence]), int(table.ends[candidate.sentence])
        section = next((s.label for s in document.sections if s.start <= start < s.end), "")
        quote = document.quote(section, start, end)
        return Citation(marker, quote, round(candidate.score, 4))

    # ------------------------------------------------------------ the catalogue's factors, when asked for

    def factors_asked_for(self, query: str) -> list[Factor]:
        """All factors, when the question asks which factors the briefs name ("Which push factors …?").

        The factors' shared label ("Push factor") must be in the question in the plural, with a
        word that asks for a list, and no word of any one factor's name: "Which push factors
        drive people out of countries at peace?" is about one factor and is answered as usual.
        """
        factors = self.index.catalogue.factors
        if not factors or not _ENUMERATION.search(query):
            return []
        asked = set(terms(query))
        labels = {f.label for f in factors if f.label and sum(g.label == f.label for g in factors) >= 2}
        for label in labels:
            label_terms = set(terms(label))
            plural = re.search(rf"\b{re.escape(label.split()[-1])}s\b", query, re.IGNORECASE)
            if not label_terms or not label_terms <= asked or not plural:
                continue
            named = {t for factor in factors for t in terms(factor.name)} - label_terms
            return [] if asked & named else factors
        return []

    def _factor_overview(
        self, factors: list[Factor], query: np.ndarray | None
    ) -> tuple[list[AnswerSentence], list[Citation]]:
        """One sentence per factor: its heading, verbatim, cited once in each brief that states it."""
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        for factor in factors:
            markers = []
            cited_documents: set[str] = set()
            for source in factor.sources:
                if source.doc_id in cited_documents:
                    continue
                cited_documents.add(source.doc_id)
                document = self.index.documents[source.doc_id]
                heading = source.text.split("\n", 1)[0].strip()
                start = source.start + source.text.index(heading)
                end = start + len(heading)
                quote = document.quote(source.section, start, end, heading)
                position = self.index.passage_containing(source.doc_id, start)
                score = float(self.index.dense.cosines(query, [position])[0]) if position is not None and query is not None else 0.0
                citations.append(Citation(len(citations) + 1, quote, round(score, 4)))
                markers.append(len(citations))
            if markers:
                sentences.append(AnswerSentence(citations[markers[0] - 1].source.text, markers))
        return sentences, citations

    # ------------------------------------------------------------ entry points

    def _entry_points(self, resolved: ResolvedQuestion, hits: list[SearchHit]) -> list[EntryPointMatch]:
        catalogue = self.index.catalogue
        if not catalogue.entry_points or self.settings.max_entry_points == 0:
            return []
        asks_what_to_do = bool(_ACTION.search(resolved.query))
        scores: dict[str, float] = {}
        top_in_catalogue = False
        for hit in hits:
            for passage in (hit.passage, *hit.duplicates):
                for entry in catalogue.entry_points:
                    factor = catalogue.factor(entry.factor_id) if entry.factor_id else None
                    if _overlaps(passage.doc_id, passage.start, passage.end, entry.sources):
                        weight = 1.0
                    elif factor is not None and _overlaps(passage.doc_id, passage.start, passage.end, factor.sources):
                        weight = 0.8
                    else:
                        continue
                    scores[entry.entry_id] = max(scores.get(entry.entry_id, 0.0), weight / hit.rank)
                    top_in_catalogue = top_in_catalogue or hit.rank <= 3
        if not (asks_what_to_do or top_in_catalogue):
            return []
        ranked = sorted(scores, key=lambda e: -scores[e])[: self.settings.max_entry_points]
        matches = []
        for entry_id in ranked:
            entry = catalogue.entry_point(entry_id)
            assert entry is not None
            factor = catalogue.factor(entry.factor_id) if entry.factor_id else None
            matches.append(EntryPointMatch(entry, factor, round(scores[entry_id], 4)))
        return matches


def _overlaps(doc_id: str, start: int, end: int, sources: list[Quote]) -> bool:
    return any(s.doc_id == doc_id and s.start < end and start < s.end for s in sources)
