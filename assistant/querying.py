"""A question as it is searched: one place that turns what was typed into what retrieval is given.

The question is resolved from the conversation (conversation.py), its language told, and then:
- in English, misspelt words the briefs and the model do not know are corrected (spelling.py),
  a heading named by its label and number is searched with its name too ("push factor 3" →
  "… Armed violence in countries formally at peace"; headings.NumberedHeadings), and words spelt
  right that the briefs never use are given the briefs' word nearest in meaning, when the fitted
  threshold allows ("cops" → "police"; spelling.NearWords);
- in another language, the briefs' own words that its words resemble once accents are dropped
  ("sécurité" → "security", "gouvernance" → "governance") are added, so that a question the
  English model cannot read still finds the passages that share its cognates.

The answer path, the evaluation and the fitting all read questions here, so the figures measure
what the service searches.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .conversation import ResolvedQuestion, Turn, resolve, without_asking_frame
from .definitions import SHORT_FORM, short_form_letters, spans_by_initials, written_out_forms
from .headings import NumberedHeadings
from .lexical import terms
from .spelling import NearWords, Speller, english_word, english_words, language_of, model_words

if TYPE_CHECKING:
    import numpy as np

    from .embedding import Embedder
    from .settings import Settings
    from .store import Index


# The kind of answer a question in another language asks for, in English words: its question words for a sum, places,
# a count or a time (answerability.asked_type reads them), matched without accents, in lower case, at the start of the
# question or of a clause. Nothing else is translated: a list or a definition asked for in other words is not read.
_FRAMES = (
    ("how much money", r"cuanto dinero|combien d'argent|wie viel geld|quanto denaro|quanto dinheiro|hoeveel geld"),
    ("which countries", r"(?:en |con |avec |in |mit |com |met )?(?:que|cuales|quels|welche[nm]?|quali|quais|welke) (?:paises|pays|lander|paesi|landen)"),
    ("how many", r"cuant[oa]s|combien|wie viele|quant[ie]|quant[oa]s|hoeveel"),
    ("when", r"cuando|quand|wann|quando|wanneer"),
)
_FRAME = [(english, re.compile(rf"(?:^|[¿¡,;:]\s*)(?:{words})\b")) for english, words in _FRAMES]


def english_frame(question: str) -> str | None:
    """The English question words for the kind of answer a question in another language asks for ("Combien de
    mineurs …": "how many", "¿Cuánto dinero …": "how much money", "Avec quels pays …": "which countries"), or None."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", question.lower()) if not unicodedata.combining(c))
    plain = plain.replace("’", "'")
    found = [(match.start(), english) for english, pattern in _FRAME for match in [pattern.search(plain)] if match]
    return min(found)[1] if found else None


# "What's SSR?", "whats a migrant", "Who's responsible …", "What're the push factors?": a question word run together
# with its verb is read as the two words, so that every form of a question is told as it is in full ("What is SSR?" asks
# for a definition). Without an apostrophe only where no English word is meant ("its" stays).
_CONTRACTED = re.compile(
    r"\b(?P<word>what|who|where|how|when|why|that|there)(?:['’]?s|['’](?P<are>re))\b", re.IGNORECASE
)


def spelled_out(question: str) -> str:
    """The question with a question word's contracted verb written out ("What's SSR?" → "What is SSR?")."""

    def full(match: re.Match[str]) -> str:
        return f"{match.group('word')} {'are' if match.group('are') else 'is'}"

    return _CONTRACTED.sub(full, question)


@dataclass(frozen=True)
class ReadQuestion:
    resolved: ResolvedQuestion
    language: str  # "en", or the code of the language the question is confidently written in
    text: str  # what retrieval is given
    corrected: tuple[tuple[str, str], ...] = ()  # (typed, searched as): English spelling corrections
    borrowed: tuple[str, ...] = ()  # the briefs' words a non-English question's words resemble, added to it
    near: tuple[tuple[str, str], ...] = ()  # (typed, the briefs' word nearest in meaning, added to it)
    # what its short forms stand for, and the briefs' form of a name typed in another ("Eritrea" for "Eritreans"),
    # added to it before the near words
    written: tuple[str, ...] = ()

    @property
    def asked(self) -> str:
        """The text searched without the phrases of the last answer a follow-up was given (ResolvedQuestion.anchors):
        what the question asks about. A year the last answer gave is not one the question states ("When did they
        start?" after "Starting from 2008, …" asks for that year)."""
        anchors = self.resolved.anchors
        text = self.embedded
        return text.removesuffix(f" ({anchors})").rstrip() if anchors else text

    @property
    def embedded(self) -> str:
        """The text searched without the briefs' nearest words and what its short forms stand for: what the embedding
        model is given, and what the question's form is read from ("What is SSR" is no question about "SSR Security
        Sector Reform"). It reads the words typed themselves; the words added are for BM25 and for choosing
        sentences, which cannot."""
        text = self.text.removesuffix(f" {' '.join(word for _, word in self.near)}") if self.near else self.text
        return text.removesuffix(f" {' '.join(self.written)}") if self.written else text

    @property
    def searched_as(self) -> str | None:
        """The text searched, when it is not the resolved question itself."""
        return self.text if self.text != self.resolved.query else None


# A short form written this many times as often as what it stands for is the briefs' usual name for the thing ("SSR",
# 195 times against 29): searched with its long form too, the long form's words would only weigh over the question's own
SHORT_FORM_MAX_RATIO = 5
_LOWER_WORD = re.compile(r"\b[a-z]{3,8}\b")  # a short form typed in lower case has three letters or more
_NAME_WORD = re.compile(r"(?<![\w-])[A-Z][a-z]{4,}(?![\w-])")  # "Eritreans", "Syrian": a capitalised word of five letters or more
# How alike the model must read a short form the briefs never use and the words of the briefs with its initials for the
# one to stand for the other: "NGOs" and "non-governmental organisations" 0.71, "NGO" 0.55; the wrong spans the briefs
# offer read 0.07-0.32 ("IMF" and "irregular migration flows" 0.07, "CSO" and "civil society oversight" 0.32)
INITIALS_MEANT_MIN_COSINE = 0.45
_INITIALS_KEPT = 1024  # short forms whose reading is kept
_UNREAD = object()


class QueryReader:
    """Reads questions against one loaded index; safe to share between threads once its speller is built."""

    def __init__(self, index: "Index", settings: "Settings", embedder: "Embedder | None" = None) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder
        self._speller: Speller | None = None
        self._near: NearWords | None = None
        self._near_lock = threading.Lock()  # built once, though questions on several threads may ask for it at once
        self._initials_meant: dict[str, str | None] = {}

    @property
    def speller(self) -> Speller:
        """Built on first use from the briefs' words, the model's vocabulary and an English word list."""
        if self._speller is None:
            from .embedding import resolve_model_path
            from .errors import ModelUnavailable

            try:
                folder = resolve_model_path(self.settings.embedding_model)
            except ModelUnavailable:
                folder = None
            texts = (d.text for d in self.index.documents.values())
            self._speller = Speller(texts, self.index.lexical.knows, model_words(folder), english_words())
        return self._speller

    @cached_property
    def _long_forms(self) -> dict[str, str]:
        """What the short forms the briefs write out stand for (definitions.written_out_forms), but for those the
        briefs write SHORT_FORM_MAX_RATIO times as often as their long form or more: their usual name for the thing."""
        text = "\n".join(document.text for document in self.index.documents.values())

        def usual(short: str, long: str) -> bool:
            often = len(re.findall(rf"\b{short}s?\b", text))
            return often >= SHORT_FORM_MAX_RATIO * len(re.findall(re.escape(long), text, re.IGNORECASE))

        return {short: long for short, long in written_out_forms(self.index.documents.values()).items() if not usual(short, long)}

    def warm(self) -> None:
        """Read the briefs for what questions may need of them later: the words with each string of initials, the
        spellings of names (a question naming an NGO, or "Eritreans", would otherwise wait for them)."""
        _ = self._spans_by_initials, self._spellings

    @cached_property
    def _spans_by_initials(self) -> dict[str, str]:
        return spans_by_initials(document.text for document in self.index.documents.values())

    def initials_meant(self, short: str) -> str | None:
        """For a short form the briefs never use ("NGOs"), the words of the briefs it stands for by its initials
        (definitions.spans_by_initials: "non-governmental organisations"), when the model reads the two alike
        (INITIALS_MEANT_MIN_COSINE: "IMF" is no "irregular migration flows"); else None, and None without a model."""
        letters = short_form_letters(short)
        kept = self._initials_meant.get(letters, _UNREAD)  # (another thread may clear it between a test and a read)
        if kept is not _UNREAD:
            return kept  # type: ignore[return-value]
        span = self._spans_by_initials.get(letters)
        meant = None
        if span is not None and self.embedder is not None and not all(self.index.lexical.knows(t) for t in terms(short)):
            import numpy as np

            typed, written = self.embedder.embed_query(short), self.embedder.embed_query(span)
            cosine = float(np.dot(typed, written) / (np.linalg.norm(typed) * np.linalg.norm(written) or 1.0))
            meant = span if cosine >= INITIALS_MEANT_MIN_COSINE else None
        if len(self._initials_meant) >= _INITIALS_KEPT:
            self._initials_meant.clear()
        self._initials_meant[letters] = meant
        return meant

    @cached_property
    def _spellings(self) -> dict[str, str]:
        """Each stem of the briefs' capitalised words, with its commonest spelling."""
        counts: dict[str, Counter[str]] = {}
        for document in self.index.documents.values():
            for word in _NAME_WORD.findall(document.text):
                stems = terms(word)
                if len(stems) == 1:
                    counts.setdefault(stems[0], Counter())[word] += 1
        return {stem: max(spellings, key=lambda w: (spellings[w], w)) for stem, spellings in counts.items()}

    def names_as_written(self, text: str) -> list[str]:
        """The briefs' own form of each name of the text they write otherwise: "Eritrea" for "Eritreans", "Turkey" for
        "Turkish" (LexicalIndex.kin), so that BM25 finds the passages on it."""
        found, said = [], set(terms(text))
        for word in _NAME_WORD.findall(text):
            stems = terms(word)
            kin = self.index.lexical.kin(stems[0], name=True) if len(stems) == 1 else None
            written = self._spellings.get(kin) if kin is not None and kin not in said else None
            if written is not None and written not in found:
                found.append(written)
        return found

    def short_forms_written_out(self, text: str) -> list[str]:
        """What each short form of the text the briefs write out stands for (_long_forms), when the text does not say
        it already: "Who coordinates the EMN?" is searched with "European Migration Network" too, which the sentence
        saying so uses instead of the letters."""
        said = set(terms(text))
        found = []
        # typed in lower case too ("explain ssg", "bmm"), when no English word is so spelt ("us", "it")
        typed = [w.upper() for w in _LOWER_WORD.findall(text) if w.upper() in self._long_forms and not english_word(w)]
        for short in dict.fromkeys(SHORT_FORM.findall(text) + typed):
            long = self._long_forms.get(short_form_letters(short)) or self.initials_meant(short)
            if long is not None and not set(terms(long)) <= said and long not in found:
                found.append(long)
        return found

    @cached_property
    def numbered(self) -> NumberedHeadings:
        """The headings the briefs number under a label, found on first use."""
        return NumberedHeadings.of(self.index.documents.values())

    @property
    def near_words(self) -> NearWords | None:
        """Built on first use from the briefs' words and their vectors (None without an embedder); the service builds
        it at start-up (Answerer.warm), and the words' vectors are kept for the process (spelling._word_vectors)."""
        if self._near is None and self.embedder is not None:
            with self._near_lock:
                if self._near is None:
                    texts = (d.text for d in self.index.documents.values())
                    self._near = NearWords(texts, self.index.lexical.knows, self.embedder)
        return self._near

    def vector(self, read: ReadQuestion) -> "np.ndarray | None":
        """The model's vector of the question as typed (ReadQuestion.embedded) when the briefs' nearest words or what
        its short forms stand for were added to what BM25 searches; None otherwise, when the text searched is the one
        to embed."""
        added = read.near or read.written
        return self.embedder.embed_query(read.embedded.strip()) if added and self.embedder is not None else None

    def read(self, question: str, history: Sequence[Turn] = (), near: float | None = None) -> ReadQuestion:
        """The question with its contractions spelt out (spelled_out), resolved, its language told and, when spelling
        correction is on, corrected (English) or given the briefs' words it resembles (another language); in English,
        with a `near` threshold, also given the briefs' words nearest in meaning to its words they never use
        (NearWords). The text searched is cut to max_question_chars, which a correction or the added words may pass."""
        # the resolved question (ResolvedQuestion.question) is read in full, without words framing it as a request
        question = without_asking_frame(spelled_out(question))
        language = language_of(question, self.speller if self.settings.spelling_correction else None)
        resolved = resolve(question, history)
        limit = self.settings.max_question_chars
        if not self.settings.spelling_correction:
            return ReadQuestion(resolved, language, resolved.query[:limit])
        if language == "en":
            correction = self.speller.correct(resolved.query)
            words = self.near_words if near is not None else None  # (None, too, without an embedder)
            pairs = words.of(correction.text, near) if words is not None else ()
            named = self.numbered.named(correction.text)  # "push factor 3": the name of the heading numbered so
            # "EMN": "European Migration Network"; "Eritreans": "Eritrea"
            written = self.short_forms_written_out(correction.text) + self.names_as_written(correction.text)
            text = " ".join([correction.text, *named, *written, *(word for _, word in pairs)])
            return ReadQuestion(resolved, language, text[:limit], corrected=correction.changes, near=pairs, written=tuple(written))
        borrowed = self.speller.resembled(resolved.query, language)
        frame = english_frame(resolved.query)  # the kind of answer it asks for, in English words
        text = " ".join(part for part in (frame, resolved.query, *borrowed) if part)
        return ReadQuestion(resolved, language, text[:limit], borrowed=borrowed)
