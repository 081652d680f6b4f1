"""BM25 over passages (bm25s), with English stopwords and Snowball stemming (PyStemmer); British and American
spellings of a word (breame) read as one."""

from __future__ import annotations

import math
import re
import tempfile
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from breame.spelling import get_american_spelling

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)
KIN_KEPT = 4096  # unknown terms whose family member is kept
_UNSEEN = object()
_DEMONYM = re.compile(r"([a-z]+?)(?:ish|i)")  # "turkish", "iraqi": said of a place by its first letters
_stemmer = Stemmer.Stemmer("english")
CHUNK_TEXTS = 5_000  # texts per chunk of the BM25 build: bounds the memory it needs beside the matrix
# What `terms` makes of a text; an index built with other terms cannot be searched with these (store.mismatch_reason).
# "2": a word's British spelling is read as its American one before stemming. "3": "united" is no "unit" (_KEPT_WHOLE).
TERMS_VERSION = "3"
# Words Snowball stems onto another word's stem, kept whole (as Porter2 keeps its own exceptions, "news", "skies"):
# "United" of "United Nations" and "United States" had been the "unit" of "SSR units", so that every sentence naming
# the UN held the word of a question on units
_KEPT_WHOLE = frozenset({"united"})


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """The Snowball stem of a word's American spelling: "defence" and "defense", "criticised" and "criticized",
    "programme" and "program" are one term. Briefs are written in either (these five in both), and so are questions;
    the stemmer alone keeps them apart ("defenc" / "defens", "criticis" / "critic")."""
    return word if word in _KEPT_WHOLE else _stemmer.stemWord(get_american_spelling(word))


def terms(text: str) -> list[str]:
    """Lower-cased, stopword-free, Snowball-stemmed words of two letters or more, British spellings read as American.

    Stateless on purpose: a shared vocabulary-building tokenizer would grow with
    every query a long-running service sees.
    """
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


def word_stems(text: str) -> list[str]:
    """Every word's stem in order, stopwords kept: what a phrase is matched by, word for word ("do no harm")."""
    return [_stem(word) for word in re.findall(r"\w+", text.lower())]


class LexicalIndex:
    """BM25 scores of every passage for a query; `k1`/`b` follow Lucene's defaults."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size
        self._terms: list[str] | None = None  # the vocabulary, listed on first use by kin()
        self._kin: dict[tuple[str, bool], str | None] = {}  # kin() of terms asked, up to KIN_KEPT of them

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        """BM25 over `texts`, with bm25s's Lucene scores, in bm25s's own sparse layout (so that it searches, saves
        and loads it). The matrix is built here in two passes over chunks of texts, never as one list of every
        posting: pass one counts terms and spills each chunk's (term, frequency) pairs to a temporary file, pass two
        reads them back a chunk at a time and writes the scores straight into their place. Memory beyond the final
        matrix stays near one chunk's (eval/reports/scale-bm25.md)."""
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        if texts:
            model.scores, model.vocab_dict = _bm25_matrix(texts, k1, b)
            model.nonoccurrence_array = None
            model.unique_token_ids_set = set(model.vocab_dict.values())
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

    def kin(self, term: str, name: bool = False) -> str | None:
        """For a (stemmed) term the index does not hold, of five letters or more, the indexed term of its family: one
        starting with the term but for its last two letters (three from ten letters on: a long word's forms part
        earlier, "misunderstand(ing)" and "misunderstood"), or of five letters or more that the term starts with
        ("eritrean" and "eritrea", "syrian" and "syria"); the one most passages hold. A `name`'s family also holds the
        place its "-ish" or "-i" is said of, by four letters or more ("turkish" and "turkey", "iraqi" and "iraq"). None
        when the index holds the term, or holds none of its family."""
        if self.knows(term) or not term.isalpha() or len(term) < 5 or self.size == 0:
            return None
        key = (term, name)
        found = self._kin.get(key, _UNSEEN)  # read from the whole vocabulary once per term
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        found = self._family_member(term, name)
        if len(self._kin) >= KIN_KEPT:
            self._kin.clear()
        self._kin[key] = found
        return found

    def _family_member(self, term: str, name: bool) -> str | None:
        if self._terms is None:
            self._terms = self.vocabulary()
        stem = term[: max(4, len(term) - (3 if len(term) >= 10 else 2))]
        family = [word for word in self._terms if word.startswith(stem) or (len(word) >= 5 and term.startswith(word))]
        said_of = _DEMONYM.fullmatch(term) if name and not family else None
        if said_of is not None and len(said_of.group(1)) >= 4:
            family = [word for word in self._terms if word.startswith(said_of.group(1))]
        return max(family, key=lambda word: (self.document_frequency(word), word), default=None)

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


def _bm25_matrix(texts: Sequence[str], k1: float, b: float) -> tuple[dict, dict[str, int]]:  # type: ignore[type-arg]
    """bm25s's `scores` (a term-major CSC matrix: data, indices, indptr, num_docs) and vocabulary for `texts`,
    with the same values bm25s computes (Lucene IDF and term-frequency part, in the same floating-point steps)."""
    vocabulary: dict[str, int] = {}
    lengths = array("i")  # terms per text
    unique = array("i")  # distinct terms per text
    frequencies = np.zeros(0, dtype=np.int64)  # texts holding each term
    with tempfile.TemporaryFile() as spill:
        for start in range(0, len(texts), CHUNK_TEXTS):  # pass one: count, and spill (term, frequency) pairs
            term_ids, counts = array("i"), array("i")
            for text in texts[start : start + CHUNK_TEXTS]:
                ids = [vocabulary.setdefault(term, len(vocabulary)) for term in terms(text)]
                counter = Counter(ids)
                term_ids.extend(counter.keys())
                counts.extend(counter.values())
                lengths.append(len(ids))
                unique.append(len(counter))
            chunk = np.frombuffer(term_ids, dtype=np.int32)
            frequencies = np.pad(frequencies, (0, len(vocabulary) - len(frequencies)))
            frequencies += np.bincount(chunk, minlength=len(vocabulary))
            spill.write(term_ids.tobytes())
            spill.write(counts.tobytes())
        size, postings = len(texts), int(frequencies.sum())
        doc_lengths = np.frombuffer(lengths, dtype=np.int32)
        average = doc_lengths.mean()  # as bm25s: a float64 scalar, so the term part is float64
        idf = np.zeros(len(vocabulary), dtype=np.float32)
        for term, frequency in enumerate(frequencies.tolist()):
            if frequency:
                idf[term] = math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
        indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(frequencies, out=indptr[1:])
        data = np.empty(postings, dtype=np.float32)
        indices = np.empty(postings, dtype=np.int32)
        cursor = indptr[:-1].astype(np.int64)
        distinct = np.frombuffer(unique, dtype=np.int32)
        spill.seek(0)
        for start in range(0, size, CHUNK_TEXTS):  # pass two: score each chunk's pairs and put them in place
            docs = np.arange(start, min(size, start + CHUNK_TEXTS), dtype=np.int32)
            doc = np.repeat(docs, distinct[docs])
            term_ids = np.fromfile(spill, dtype=np.int32, count=len(doc))
            counts = np.fromfile(spill, dtype=np.int32, count=len(doc)).astype(np.float32)
            denominator = k1 * ((1 - b) + b * doc_lengths[doc].astype(np.float64) / average)
            scores = (idf[term_ids].astype(np.float64) * (counts / (denominator + counts))).astype(np.float32)
            order = np.argsort(term_ids, kind="stable")  # by term, each term's texts in order
            ordered = term_ids[order]
            runs, first, run_lengths = np.unique(ordered, return_index=True, return_counts=True)
            places = cursor[ordered] + (np.arange(len(ordered)) - np.repeat(first, run_lengths))
            data[places] = scores[order]
            indices[places] = doc[order]
            cursor[runs] += run_lengths
    vocabulary[""] = len(vocabulary)  # bm25s's empty token, outside the matrix
    return {"data": data, "indices": indices, "indptr": indptr, "num_docs": size}, vocabulary
