"""Questions as people type them: guarded spelling correction and a language check.

Spelling: a word is corrected only when the index does not know it, it is not a whole word of
the embedding model's own vocabulary, *and* it is not an English word (SymSpell's own English
frequency list, 82,765 words, ships in symspellpy); so "died", "riddled" or "leanest" are left
alone rather than turned into "did", "middle" or "latest". A word is corrected only to a word
the briefs use (SymSpell over the corpus's words, edit distance 2, 1 for capitalised words and
short words); a word that is two or three of the briefs' words run together ("pushfactors") is written
apart. A question's first word one edit away from exactly one question word ("wat", "hoe", "wich") and
unknown to the briefs is read as that word. The corrected question is what is searched; the
answer shows it as "searched as". A question in another language gets the briefs' words that its
own words resemble, accents dropped, added to it instead.

Language: py3langid (its model ships in the package) on the question; a question is called
non-English only when the identifier is confident and the question has a few words, so that
"community policing" or "gangs" are never mistaken for Danish.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .dense import NearestVectors
from .lexical import terms

if TYPE_CHECKING:
    from .embedding import Embedder

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_LETTERS = re.compile(r"^[A-Za-z]+$")
MIN_LENGTH = 4  # shorter words are acronyms or too ambiguous to correct
COMMON_WORD_COUNT = 5_000_000  # "there" 701M, "hat" 24M, "thy" 10M: words, not misspelt question words ("wat" 2.9M)
LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "nl", "ar", "ru", "tr", "sw", "pl")
MIN_LANGUAGE_WORDS, MIN_LANGUAGE_CONFIDENCE = 4, 0.9
# A shorter question none of whose words tells (all under MIN_LENGTH letters, short forms or names: "Was ist SSR?",
# "¿Qué es SSR?") is in the identifier's language when it is this sure: English fragments of two or three words
# (8,517 from the QA sets) reach 0.8 only with a word of four letters or more that reads as English
SHORT_LANGUAGE_CONFIDENCE = 0.8


QUESTION_WORDS = ("what", "how", "who", "why", "when", "where", "which")
_OPENING = re.compile(r"^(\W*)([A-Za-z]{2,6})\b")


def question_word(word: str) -> str | None:
    """The question word a question's misspelt first word stands for ("wat", "hoe", "wich" → "what", "how",
    "which"): the only one within one edit (a letter left out, added, changed or two swapped); None when the word is
    one, or near none or several ("hwo": how or who)."""
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    lower = word.lower()
    if lower in QUESTION_WORDS:
        return None
    distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)
    near = [w for w in QUESTION_WORDS if distance.compare(lower, w, 1) == 1]
    return near[0] if len(near) == 1 else None


@dataclass(frozen=True)
class Correction:
    text: str  # the question as searched
    changes: tuple[tuple[str, str], ...]  # (typed, corrected)


class Speller:
    """Corrects words of a question against the words of the briefs."""

    def __init__(  # type: ignore[no-untyped-def]
        self, corpus_texts: Iterable[str], known_term, model_words: frozenset[str], english: frozenset[str] = frozenset()
    ) -> None:
        from symspellpy import SymSpell

        self._known_term = known_term  # stemmed term -> bool: does the index hold it
        self._real_words = model_words | english  # words that are spelt right wherever they are not in the briefs
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        counts = Counter(word.lower() for text in corpus_texts for word in _WORD.findall(text) if len(word) >= MIN_LENGTH)
        for word, count in counts.items():
            self._symspell.create_dictionary_entry(word, count)

    def correct(self, question: str) -> Correction:
        """The question with its unknown, misspelt words replaced by words of the briefs."""
        from symspellpy import Verbosity

        changes: list[tuple[str, str]] = []

        def replace(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            if len(word) < MIN_LENGTH or not _LETTERS.match(word):
                return word
            if self._spelt_right(lower):
                # a misspelling that keeps the stem of a word of the briefs ("displacment", "managment"): BM25 finds
                # it as it is, but the model reads it as typed; written as the briefs write it, so is it read
                same = self._same_stem(lower) if lower not in self._real_words and not word[0].isupper() else None
                if same is None:
                    return word
                changes.append((word, _same_case(same, word)))
                return changes[-1][1]
            split = self._split(lower)
            if split is not None:  # "pushfactors": two words of the briefs run together
                changes.append((word, _same_case(split, word)))
                return changes[-1][1]
            distance = 1 if word[0].isupper() or len(word) <= 5 else 2
            suggestions = self._symspell.lookup(lower, Verbosity.TOP, max_edit_distance=distance)
            if distance == 1 and not suggestions:  # two letters swapped across one between ("Lybia" for "Libya"):
                # two edits, but the word's own letters, as one slip of the hand
                suggestions = [s for s in self._symspell.lookup(lower, Verbosity.CLOSEST, max_edit_distance=2)
                               if s.distance == 2 and sorted(s.term) == sorted(lower)][:1]
            if not suggestions or suggestions[0].term == lower:
                return word
            corrected = _same_case(suggestions[0].term, word)
            changes.append((word, corrected))
            return corrected

        opening = _OPENING.match(question)
        meant = question_word(opening.group(2)) if (
            opening and not self._known(opening.group(2)) and not common_english(opening.group(2))
        ) else None  # "There is a civil war …" opens with a word, not a misspelt "Where"
        if opening and meant:  # the word a question opens with: "wat are the push factors" asks what they are
            changes.append((opening.group(2), _same_case(meant, opening.group(2))))
            question = opening.group(1) + changes[-1][1] + question[opening.end() :]
        text = re.sub(r"[A-Za-z]+", replace, question)
        return Correction(text, tuple(changes))

    def _same_stem(self, lower: str) -> str | None:
        """The briefs' word one edit from a (lower-case) word that is no word of the model nor of English, when it has
        the same stem ("displacement" for "displacment"); None otherwise."""
        from symspellpy import Verbosity

        suggestions = self._symspell.lookup(lower, Verbosity.TOP, max_edit_distance=1)
        best = suggestions[0].term if suggestions else lower
        return best if best != lower and terms(best) == terms(lower) else None

    def _split(self, lower: str) -> str | None:
        """A word that is two or three words of the briefs run together, written apart ("pushfactors" → "push
        factors", "nationalownership" → "national ownership"); None unless every part is one the briefs use as it
        stands (of MIN_LENGTH letters or more: "lawenforcement" is left alone rather than guessed)."""
        if len(lower) < 2 * MIN_LENGTH:
            return None
        parts = self._symspell.word_segmentation(lower, max_edit_distance=0).corrected_string.split()
        return " ".join(parts) if 2 <= len(parts) <= 3 and all(part in self._symspell.words for part in parts) else None

    def _known(self, word: str) -> bool:
        """A word the briefs use (so not a misspelt question word: "hoe" in a brief on farming is a hoe)."""
        stems = terms(word.lower())
        return bool(stems) and all(self._known_term(t) for t in stems)

    def _spelt_right(self, lower: str) -> bool:
        """A (lower-case) word of the model's vocabulary or the English list, or whose stems the index holds."""
        return lower in self._real_words or not terms(lower) or self._known(lower)

    def reads_as_english(self, word: str) -> bool:
        """A word spelt right in English or in the briefs, or a misspelling of a word of the briefs ("goverance");
        not one with letters English does not use ("migración"). A short word or a number tells nothing (True)."""
        from symspellpy import Verbosity

        lower = word.lower()
        if len(word) < MIN_LENGTH or not word.isalpha():
            return True
        if not _LETTERS.match(word):
            return False
        return self._spelt_right(lower) or bool(
            self._symspell.lookup(lower, Verbosity.TOP, max_edit_distance=1 if len(word) <= 5 else 2)
        )

    def resembled(self, question: str, language: str) -> tuple[str, ...]:
        """The briefs' words that the words of a question in `language` resemble once accents are dropped, within
        edit distance 1 (five letters or fewer) or 2 ("sécurité" → "security", "principes" → "principles"), leaving out
        that language's stopwords and words the question already holds."""
        from symspellpy import Verbosity

        words = re.findall(r"\w+", question)
        typed = {word.lower() for word in words}
        stopwords = _stopwords(language)
        found: list[str] = []
        for word in words:
            lower = word.lower()
            if len(word) < MIN_LENGTH or lower in stopwords or not word.isalpha():
                continue
            plain = _without_accents(lower)
            suggestions = self._symspell.lookup(plain, Verbosity.TOP, max_edit_distance=1 if len(plain) <= 5 else 2)
            if suggestions and suggestions[0].term not in typed and suggestions[0].term not in found:
                found.append(suggestions[0].term)
        return tuple(found)


class NearWords:
    """The briefs' words nearest in meaning to a question's words the briefs never use: "cops" → "police", "firms"
    → "companies", "troops" → "military". Such a word is spelt right (a correction would not change it), but BM25
    cannot find a passage by it and the embedding model alone does not bring the two close enough in a whole
    question. Each unused word of the question, in lower case (a capitalised word is a name, never swapped for
    another), is embedded alone and given the briefs' word (one per stem, its most frequent spelling) whose own
    vector is nearest, when the cosine reaches the threshold `assistant fit` chooses (FusionWeights.near)."""

    def __init__(self, corpus_texts: Iterable[str], known_term: Callable[[str], bool], embedder: "Embedder") -> None:
        self._known_term = known_term  # stemmed term -> bool: does the index hold it
        self._embedder = embedder
        spellings: dict[str, Counter[str]] = {}
        for text in corpus_texts:
            for word in _BRIEF_WORD.findall(text):
                stems = terms(word)
                if len(stems) == 1:
                    spellings.setdefault(stems[0], Counter())[word.lower()] += 1
        commonest = sorted(spellings.values(), key=lambda counts: -counts.total())[:NEAR_VOCABULARY]
        self.words = sorted(counts.most_common(1)[0][0] for counts in commonest)
        self._vectors = NearestVectors(_word_vectors(embedder, self.words)) if self.words else None  # at first use
        self._typed: dict[str, np.ndarray] = {}  # a typed word's vector, kept (up to TYPED_WORDS of them)

    def unused(self, question: str) -> list[str]:
        """The question's lower-case words of NEAR_MIN_LENGTH letters or more whose stems the index does not hold."""
        found = []
        for word in _LOWER_WORD.findall(question):
            stems = terms(word)
            if stems and not all(self._known_term(t) for t in stems) and word not in found:
                found.append(word)
        return found

    def of(self, question: str, threshold: float) -> tuple[tuple[str, str], ...]:
        """(typed, the briefs' word) for each unused word whose nearest brief word has a cosine of `threshold` or
        more; a brief word is given once."""
        unused = self.unused(question)[:NEAR_PER_QUESTION]
        if not unused or self._vectors is None:
            return ()
        vectors = {word: self._typed.get(word) for word in unused}  # read once: another thread may clear the cache
        new = [word for word, vector in vectors.items() if vector is None]
        if new:
            found = dict(zip(new, self._embedder.embed_passages(new)))
            vectors.update(found)
            if len(self._typed) + len(new) > TYPED_WORDS:
                self._typed.clear()
            self._typed.update(found)
        cosines, nearest = self._vectors.nearest(np.vstack([vectors[word] for word in unused]))
        pairs: list[tuple[str, str]] = []
        for word, cosine, best in zip(unused, cosines, nearest):
            if cosine >= threshold and all(self.words[best] != near for _, near in pairs):
                pairs.append((word, self.words[best]))
        return tuple(pairs)


# the briefs' commonest words (by stem) that a typed word may be given: bounds the one-off embedding (about 1 s per
# 1,300 words on two threads, 2 s on the service's one, paid once per process at start-up: Answerer.warm; an index
# loaded later embeds only the words not seen before, _word_vectors) and the memory (1.5 kB a word)
NEAR_VOCABULARY = 30_000
NEAR_PER_QUESTION = 20  # unused words looked up per question, in order: bounds what a question of gibberish costs
TYPED_WORDS = 10_000  # vectors of typed words kept (1.5 kB each)
NEAR_MIN_LENGTH = 3  # "gun", "war": short words of the briefs count; shorter ones are too ambiguous to place
_BRIEF_WORD = re.compile(rf"\b[A-Za-z][a-z]{{{NEAR_MIN_LENGTH - 1},}}\b")
_LOWER_WORD = re.compile(rf"\b[a-z]{{{NEAR_MIN_LENGTH},}}\b")


# Vectors of the briefs' words by model (name and backend), kept for the process: an index loaded again (after an
# upload, or in another test) embeds only the words it has not seen
_WORD_VECTORS: dict[tuple[str, str, str], dict[str, np.ndarray]] = {}
_WORD_VECTORS_LOCK = threading.Lock()


def _word_vectors(embedder: "Embedder", words: list[str]) -> np.ndarray:
    """The model's vectors of the words, in their order, each embedded once per process."""
    key = (getattr(embedder, "name", type(embedder).__name__), getattr(embedder, "backend", ""), str(embedder.dimension))
    with _WORD_VECTORS_LOCK:
        known = _WORD_VECTORS.setdefault(key, {})
        new = [word for word in words if word not in known]
    if new:
        found = dict(zip(new, embedder.embed_passages(new)))
        with _WORD_VECTORS_LOCK:
            known.update(found)
    return np.vstack([known[word] for word in words])


def _without_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=16)
def _stopwords(language: str) -> frozenset[str]:
    """bm25s's stopword list for a language code, empty for a language it has none for."""
    import bm25s.stopwords as lists

    names = {"fr": "FRENCH", "es": "SPANISH", "de": "GERMAN", "it": "ITALIAN", "pt": "PORTUGUESE", "nl": "DUTCH",
             "ru": "RUSSIAN", "tr": "TURKISH"}
    return frozenset(getattr(lists, f"STOPWORDS_{names[language]}", ())) if language in names else frozenset()


def _same_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[0].isupper():
        return word[0].upper() + word[1:]
    return word


def model_words(model_folder: Path | None) -> frozenset[str]:
    """Whole words of a WordPiece vocabulary (vocab.txt), lower-cased; empty when there is none."""
    vocabulary = model_folder / "vocab.txt" if model_folder else None
    if vocabulary is None or not vocabulary.exists():
        return frozenset()
    words = vocabulary.read_text(encoding="utf-8").split("\n")
    return frozenset(w for w in words if _LETTERS.match(w) and len(w) >= MIN_LENGTH)


@lru_cache(maxsize=1)
def _english_counts() -> dict[str, int]:
    """symspellpy's English frequency dictionary: each (lower-case) word and how often it was counted."""
    from importlib.resources import files

    listing = files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    return {word: int(count) for word, count in (line.split(" ", 1) for line in listing.splitlines() if " " in line)}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of symspellpy's English frequency dictionary (lower-case), MIN_LENGTH letters or more."""
    return frozenset(w for w in _english_counts() if len(w) >= MIN_LENGTH and _LETTERS.match(w))


def english_word(word: str) -> bool:
    """A word of the English frequency dictionary, however short or rare ("us", "it")."""
    return word.lower() in _english_counts()


def common_english(word: str) -> bool:
    """A word English uses too often to be a misspelling ("There", "These": COMMON_WORD_COUNT or more in the frequency
    dictionary; "wat" and "hoe" are rarer)."""
    return _english_counts().get(word.lower(), 0) >= COMMON_WORD_COUNT


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def language_of(question: str, speller: "Speller | None" = None) -> str:
    """The question's language code when it is confidently not English, else "en". A question of fewer than
    MIN_LANGUAGE_WORDS words is too short to tell confidently; with a `speller`, it is in the language the identifier
    ranks first when one of its words is in lower case (names are no language's words) and none reads as English
    (Speller.reads_as_english): "seguridad fronteriza"; when no word of it can tell (each is shorter than MIN_LENGTH,
    a short form or a name past the first word: "Was ist SSR?", "Was ist Sicherheitssektorreform?"), only when the
    identifier is SHORT_LANGUAGE_CONFIDENCE sure. So is a longer question no word of which can tell ("Qué es la RSS",
    0.86); any other needs MIN_LANGUAGE_CONFIDENCE."""
    words = re.findall(r"\w+", question)
    # names ("Darfur", "Frontex") are no language's words: only words in lower case tell one
    telling = any(len(w) >= MIN_LENGTH and not w.isupper() and (i == 0 or not w[0].isupper()) for i, w in enumerate(words))
    if len(words) < MIN_LANGUAGE_WORDS:
        if speller is None or not any(w.islower() for w in words):
            return "en"
        if telling:
            return "en" if any(speller.reads_as_english(w) for w in words) else _identifier().classify(question)[0]
        language, confidence = _identifier().classify(question)  # no word of it can tell
        return language if confidence >= SHORT_LANGUAGE_CONFIDENCE else "en"
    language, confidence = _identifier().classify(question)
    needed = SHORT_LANGUAGE_CONFIDENCE if not telling and speller is not None else MIN_LANGUAGE_CONFIDENCE
    return language if language != "en" and confidence >= needed else "en"
