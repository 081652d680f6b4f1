"""BM25 over passages (bm25s), with English stopwords and Snowball stemming (PyStemmer)."""

from __future__ import annotations

from pathlib import Path

import re
from functools import lru_cache

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


def tokenize(texts: list[str]) -> list[list[str]]:
    return [terms(text) for text in texts]


class LexicalIndex:
    """BM25 scores of every passage for a query; `k1`/`b` follow Lucene's defaults."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        tokens = tokenize(texts) if texts else []
        if texts:
            model.index(tokens, show_progress=False)
        return cls(model, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """One score per passage (0 where no query word occurs)."""
        tokens = tokenize([query])[0]
        if not tokens or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        known = self._model.get_tokens_ids(tokens)
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(known), dtype=np.float32)

    def knows(self, term: str) -> bool:
        """Whether a (stemmed) term occurs anywhere in the indexed passages."""
        return self.size > 0 and term in self._model.vocab_dict

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
