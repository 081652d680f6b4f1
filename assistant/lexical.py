"""BM25 over passages (bm25s), with English stopwords and Snowball stemming (PyStemmer)."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import Stemmer

_stemmer = Stemmer.Stemmer("english")
_tokenizer = bm25s.tokenization.Tokenizer(lower=True, stopwords="en", stemmer=_stemmer)


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stopword-free, stemmed word tokens for each text."""
    return _tokenizer.tokenize(texts, update_vocab=True, return_as="string", show_progress=False)


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
