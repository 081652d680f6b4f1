"""Question -> ranked passages: BM25 and dense candidates, fused, near-duplicates collapsed."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .embedding import Embedder
from .errors import InvalidQuestion, UnknownDocument, echoed
from .conversation import typed_as_keywords, without_role_played
from .definitions import IDENTITY, asked_term, definition_strength
from .lexical import terms
from .store import Index
from .models import SearchHit
from .settings import Settings

MODES = ("hybrid", "dense", "bm25")
PASSAGE_RANKING_PATH = Path(__file__).parent / "data" / "passage_ranking.json"


PHRASE_DEPTH = 30  # candidates (the best by BM25 + dense) whose phrases are looked at; the rest hold none for fusion
PHRASE_CACHE = 1_024  # passages whose phrases are kept after first use (about 20 kB each)


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the voices that join BM25 + dense fusion in hybrid search over briefs (fitted by `assistant fit`):
    each candidate's best-matching sentence, the share of the question's phrases it holds, and, for a question asking
    what a term is, whether it holds a sentence defining that term. Fitted with them, `near` is how the question is
    read before it is searched: the cosine from which a word of the question the briefs never use is given the
    briefs' word nearest in meaning (querying.QueryReader.read; None: never)."""

    sentence: float = 0.0
    phrase: float = 0.0
    definition: float = 0.0
    near: float | None = None


def fitted_weights(path: Path, embedding_model: str) -> FusionWeights:
    """The weights `assistant fit` chose, or zeros when there are none or they were fitted on another model's cosines."""
    if not path.exists():
        return FusionWeights()
    data = json.loads(path.read_text())
    if data.get("meta", {}).get("embedding_model") != embedding_model:
        return FusionWeights()
    near = data.get("near_similarity")
    return FusionWeights(
        float(data.get("sentence_weight", 0.0)), float(data.get("phrase_weight", 0.0)), float(data.get("definition_weight", 0.0)),
        None if near is None else float(near),
    )


def phrases(text: str) -> frozenset[tuple[str, str]]:
    """Pairs of content words that stand next to each other once stopwords are dropped: ("allianc", "prosper") for
    "Alliance for Prosperity". A passage holding a question's pair holds its phrase, not just its words."""
    words = terms(text)
    return frozenset(zip(words, words[1:]))


@dataclass(frozen=True)
class Voices:
    """What hybrid search over briefs fuses, per candidate position: the BM25 + dense fusion (or the one retriever
    asked for), the cosine of the candidate's best-matching sentence, the IDF-weighted share of the question's
    phrases it holds, and 1 where it holds a sentence defining the term the question asks about (each empty where it
    does not apply)."""

    base: dict[int, float]
    sentences: dict[int, float] = field(default_factory=dict)
    phrases: dict[int, float] = field(default_factory=dict)
    worded: frozenset[int] | None = None  # for a search-box query: the candidates holding one of its words
    definitions: dict[int, float] = field(default_factory=dict)

    def fused(self, weights: FusionWeights) -> dict[int, float]:
        voices, shares = [self.base], [1.0]
        for voice, weight in (
            (self.sentences, weights.sentence), (self.phrases, weights.phrase), (self.definitions, weights.definition),
        ):
            if weight > 0 and voice:
                voices.append(voice)
                shares.append(weight)
        fused = convex_fusion(voices, shares) if len(voices) > 1 else self.base
        if not self.worded:
            return fused
        # someone who types "Alliance for Prosperity" expects the passages that say it first, however close in
        # meaning another passage is: those without any of the words score below zero, in their order
        shift = max(fused.values()) + 1.0
        return {p: score if p in self.worded else score - shift for p, score in fused.items()}


_DEFINITION_FRAME = re.compile(r"\b(?:definitions?|meanings?|define[ds]?|meant|mean)\b", re.IGNORECASE)


def lexical_query(query: str) -> str:
    """What BM25 searches: a question asking what a term is without the words asking it ("the definition of",
    "meaning", "meant by"): the term is what a defining passage holds, and a passage saying "the definition of SSR"
    is about definitions, not the one giving it (the definition voice finds that one). So is one asking the role an
    actor plays without "role" and "play" (conversation.without_role_played)."""
    return _DEFINITION_FRAME.sub(" ", query) if asked_term(query) is not None else without_role_played(query)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = 60) -> dict[int, float]:
    """Cormack, Clarke & Büttcher (SIGIR 2009): score = sum over rankings of 1 / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def convex_fusion(scored: Sequence[dict[int, float]], weights: Sequence[float]) -> dict[int, float]:
    """Weighted sum of min-max normalised scores (Bruch, Gai & Ingber, TOIS 2023); absent items score 0."""
    fused: dict[int, float] = {}
    for scores, weight in zip(scored, weights):
        if not scores:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = (high - low) or 1.0
        for item, score in scores.items():
            fused[item] = fused.get(item, 0.0) + weight * (score - low) / span
    return fused


def top_positions(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> dict[int, float]:
    """The k best positions with a positive score, optionally among `allowed` positions only."""
    if allowed is not None:
        subset = scores[allowed]
        order = np.argsort(-subset, kind="stable")[:k]
        return {int(allowed[i]): float(subset[i]) for i in order if subset[i] > 0}
    k = min(k, len(scores))
    if k == 0:
        return {}
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    return {int(i): float(scores[i]) for i in best if scores[i] > 0}


@dataclass(frozen=True)
class SearchRequest:
    query: str
    top_k: int
    doc_ids: tuple[str, ...] = ()
    mode: str = "hybrid"


class Retriever:
    """Searches one loaded index; safe to share between threads."""

    def __init__(self, index: Index, embedder: Embedder | None, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        fitted = fitted_weights(PASSAGE_RANKING_PATH, index.manifest.model)
        self.weights = FusionWeights(
            fitted.sentence if settings.sentence_weight is None else settings.sentence_weight,
            fitted.phrase if settings.phrase_weight is None else settings.phrase_weight,
            fitted.definition if settings.definition_weight is None else settings.definition_weight,
            fitted.near if settings.near_words else None,
        )
        self._phrases_of = lru_cache(maxsize=PHRASE_CACHE)(self._passage_phrases)

    def validate(
        self, query: str, top_k: int | None = None, doc_ids: Sequence[str] | None = None, mode: str | None = None
    ) -> SearchRequest:
        """A checked request. Raises InvalidQuestion or UnknownDocument with what to change."""
        text = (query or "").strip()
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvalidQuestion(
                f"The question holds a character that is not text (at position {error.start}, e.g. a lone surrogate). "
                "Send UTF-8 text."
            ) from error
        if not text:
            raise InvalidQuestion("The question is empty. Ask something, e.g. 'What is security sector reform?'.")
        if len(text) > self.settings.max_question_chars:
            raise InvalidQuestion(
                f"The question is {len(text)} characters long; the limit is {self.settings.max_question_chars}. Shorten it."
            )
        k = self.settings.top_k if top_k is None else top_k
        if not 1 <= k <= self.settings.max_top_k:
            raise InvalidQuestion(f"top_k must be between 1 and {self.settings.max_top_k}; got {k}.")
        mode = mode or self.settings.retrieval_mode
        if mode not in MODES:
            raise InvalidQuestion(f"Unknown retrieval mode '{echoed(mode)}'; use one of {', '.join(MODES)}.")
        if mode in ("hybrid", "dense") and self.embedder is None:
            raise InvalidQuestion(f"Retrieval mode '{mode}' needs the embedding model, which is not loaded.")
        unknown = sorted(set(doc_ids or ()) - set(self.index.documents))
        if unknown:
            shown = ", ".join(repr(echoed(d)) for d in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            raise UnknownDocument(f"Unknown document id(s): {shown}. GET /documents (or `assistant documents`) lists the ids.")
        return SearchRequest(text, k, tuple(doc_ids or ()), mode)

    def search(
        self,
        query: str,
        top_k: int | None = None,
        doc_ids: Sequence[str] | None = None,
        mode: str | None = None,
        vector: np.ndarray | None = None,
        weights: FusionWeights | None = None,
    ) -> list[SearchHit]:
        """The top_k passages for a question, best first, same-text passages merged into one hit.

        `vector` is the query's embedding when the caller already has it (it is computed otherwise);
        `weights` replace the retriever's own (cross-validation uses them)."""
        request = self.validate(query, top_k, doc_ids, mode)
        return self.ranked(self.fused_scores(request, vector, weights), request.top_k)

    def ranked(self, fused: dict[int, float], top_k: int) -> list[SearchHit]:
        """Fused scores as the top_k hits, best first, same-text passages merged."""
        ranking = sorted(fused, key=lambda position: (-fused[position], position))
        return self._collapse(ranking, fused, top_k)

    def fused_scores(
        self, request: SearchRequest, vector: np.ndarray | None = None, weights: FusionWeights | None = None
    ) -> dict[int, float]:
        """Position -> fused score for the candidates of both retrievers (or of the one asked for)."""
        weights = weights or self.weights
        return self.voices(request, vector, weights).fused(weights)

    def voices(self, request: SearchRequest, vector: np.ndarray | None = None, weights: FusionWeights | None = None) -> Voices:
        """The candidates of both retrievers (or of the one asked for) fused, and, in hybrid search over an index of
        briefs (one that holds sentences; a benchmark index does not), their best sentences and phrases: those
        `weights` give a weight, or both when `weights` is None (fitting weighs them afterwards). There, a query
        typed as search-box words (typed_as_keywords) ranks the candidates holding one of its words first."""
        allowed = self.index.positions_of(set(request.doc_ids)) if request.doc_ids else None
        depth = max(self.settings.candidates, request.top_k * 4)
        lexical = top_positions(self.index.lexical.scores(lexical_query(request.query)), depth, allowed) if request.mode != "dense" else {}
        if request.mode == "bm25":
            return Voices(lexical)
        assert self.embedder is not None
        vector = self.embedder.embed_query(request.query) if vector is None else vector
        dense = self.index.dense.search(vector, depth, allowed)
        if request.mode == "dense":
            return Voices(dense)
        if self.settings.fusion == "convex":
            weight = self.settings.dense_weight
            fused = convex_fusion([dense, lexical], [weight, 1 - weight])
        else:
            rankings = [sorted(scores, key=lambda p: -scores[p]) for scores in (dense, lexical)]
            fused = reciprocal_rank_fusion(rankings, self.settings.rrf_k)
        if not len(self.index.sentences):
            return Voices(fused)
        sentences = self.best_sentences(fused, vector) if weights is None or weights.sentence > 0 else {}
        shares = self.phrase_shares(fused, request.query) if weights is None or weights.phrase > 0 else {}
        worded = frozenset(lexical) if typed_as_keywords(request.query) else None
        defining = self.defining(fused, request.query) if weights is None or weights.definition > 0 else {}
        return Voices(fused, sentences, shares, worded, defining)

    def defining(self, fused: dict[int, float], query: str) -> dict[int, float]:
        """For a question asking what a term is (definitions.asked_term): position -> 1 for the PHRASE_DEPTH best
        candidates holding a sentence saying what it is, 0.5 for those holding only one saying what kind of thing it
        is (definitions.definition_strength), 0 for the others; empty for any other question, or when none defines
        it."""
        term = asked_term(query)
        if term is None:
            return {}
        table, documents = self.index.sentences, self.index.documents
        best = sorted(fused, key=lambda position: (-fused[position], position))[:PHRASE_DEPTH]
        found = {
            p: max((definition_strength(table.text(int(s), documents), term) for s in table.by_passage[p]), default=0) / IDENTITY
            if p < len(table.by_passage) else 0.0
            for p in best
        }
        return found if any(found.values()) else {}

    def phrase_shares(self, fused: dict[int, float], query: str) -> dict[int, float]:
        """Position -> IDF-weighted share of the query's phrases (phrases()) that the passage, with its section path,
        holds; for the PHRASE_DEPTH best candidates, and empty for a query of fewer than two content words."""
        wanted = phrases(query)
        if not wanted:
            return {}
        idf = self.index.lexical.idf
        weight = {pair: idf(pair[0]) + idf(pair[1]) for pair in wanted}
        total = sum(weight.values()) or 1.0
        best = sorted(fused, key=lambda position: (-fused[position], position))[:PHRASE_DEPTH]
        return {position: sum(w for pair, w in weight.items() if pair in self._phrases_of(position)) / total for position in best}

    def _passage_phrases(self, position: int) -> frozenset[tuple[str, str]]:
        passage = self.index.passages[position]
        return phrases(passage.text) | phrases(" ".join(passage.section_path))

    def best_sentences(self, positions: Sequence[int] | dict[int, float], vector: np.ndarray) -> dict[int, float]:
        """Position -> the cosine of the passage's best-matching sentence with the question (passages without
        sentences, e.g. in a benchmark index, are left out)."""
        by_passage = self.index.sentences.by_passage
        held = [int(p) for p in positions if p < len(by_passage) and by_passage[p]]
        if not held:
            return {}
        cosines = self.index.sentence_vectors[np.concatenate([by_passage[p] for p in held])] @ vector  # one product for all
        starts = np.cumsum([0] + [len(by_passage[p]) for p in held[:-1]])
        return dict(zip(held, np.maximum.reduceat(cosines, starts).astype(float).tolist()))

    def _collapse(self, ranking: list[int], fused: dict[int, float], top_k: int) -> list[SearchHit]:
        hits: list[SearchHit] = []
        kept: dict[int, int] = {}  # position -> index in hits
        for position in ranking:
            twin = next(
                (
                    kept[other]
                    for other in self.index.duplicates.get(position, [])
                    if other in kept
                ),
                None,
            )
            if twin is not None:
                hit = hits[twin]
                hits[twin] = SearchHit(hit.passage, hit.score, hit.rank, (*hit.duplicates, self.index.passages[position]))
                continue
            if len(hits) == top_k:
                continue
            kept[position] = len(hits)
            hits.append(SearchHit(self.index.passages[position], fused[position], len(hits) + 1))
        return hits



def open_retriever(settings: Settings, mode: str | None = None) -> Retriever:
    """Load the live index and, unless only BM25 is asked for, the embedding model it was built with.

    Raises IndexMissing or IndexMismatch with what to do.
    """
    from .embedding import embedder_from_settings
    from .store import load_index

    index = load_index(settings)
    needs_model = (mode or settings.retrieval_mode) != "bm25"
    embedder = embedder_from_settings(settings) if needs_model else None
    if embedder is not None and embedder.dimension != index.manifest.dimension:
        from .errors import IndexMismatch

        raise IndexMismatch(
            f"The index has {index.manifest.dimension}-d vectors but '{settings.embedding_model}' makes "
            f"{embedder.dimension}-d ones. Rebuild with `assistant build`."
        )
    return Retriever(index, embedder, settings)
