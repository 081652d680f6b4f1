"""BM25 over passages (bm25s), with English stopwords and Snowball stemming (PyStemmer)."""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """Lower-cased, stopword-free, Snowball-stemmed words of two letters or more.

    Stateless on purpose: a shared vocabulary-building tokenizer would grow with
    every query a long-running service sees.
    """
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


class LexicalIndex:
    """BM25 scores of every passage for a query; `k1`/`b` follow Lucene's defaults."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        """BM25 over `texts`. Each text's terms go to bm25s as a compact array of term ids, never as a list of
        strings: the same scores in less memory (eval/reports/scale-bm25.md)."""
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        if texts:
            vocabulary: dict[str, int] = {}
            ids = [array("i", [vocabulary.setdefault(term, len(vocabulary)) for term in terms(text)]) for text in texts]
            model.index((ids, vocabulary), show_progress=False)
        return cls(model, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """One score per passage (0 where no query word occurs)."""
        tokens = terms(query)
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        known = self._model.get_tokens_ids(tokens)
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(known), dtype=np.float32)

    def knows(self, term: str) -> bool:
        """Whether a (stemmed) term occurs anywhere in the indexed passages."""
        return self.size > 0 and term in self._model.vocab_dict

    def vocabulary(self) -> list[str]:
        """Every (stemmed) term of the indexed passages."""
        return [term for term in self._model.vocab_dict if term] if self.size else []

    def document_frequency(self, term: str) -> int:
        """How many passages hold a (stemmed) term."""
        token = self._model.vocab_dict.get(term) if self.size else None
        indptr = self._model.scores["indptr"] if token is not None else ()
        return int(indptr[token + 1] - indptr[token]) if token is not None and token + 1 < len(indptr) else 0

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a term; an unknown term gets the largest value."""
        frequency = self.document_frequency(term)
        return float(np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5)))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self._model.save(str(folder), show_progress=False)
        (folder / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        size = int((folder / "size.txt").read_text())
        if size == 0:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(folder), show_progress=False), size)
