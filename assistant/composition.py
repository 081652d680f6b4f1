"""Composing an answer from scored candidate sentences: which sentences are quoted, in what order, with which
citations, and when two briefs disagree.

The best sentences are taken while they score above a floor, within the settings' sentence and word budgets; a
sentence saying what a chosen one says (close in meaning and in wording) adds its citation to it instead of being
repeated, unless their figures differ, when both are quoted and a note says so; a chosen sentence ending with a
colon brings the list it introduces, and one counting the items of a list further on in its section brings them when
asked for; one followed by a sentence pointing back at it ("It is financed by …") brings
that sentence; a list item opening in lower case brings the line its list goes on from. Nothing here runs the model: a `Composer` works on the index's sentence table, their stored vectors
and the settings, so each rule can be tested on briefs of one's own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .conversation import asks_for_more, asks_nothing_new, narrows
from .chunking import sentence_spans
from .headings import COUNT_WORD, COUNT_WORDS, NUMBERING, heading_line, names_heading
from .lexical import terms
from .models import Quote, Section
from .ranking import asks_for_statement, asks_list
from .readings import Reading
from .sentences import (
    ITEM_LABEL_WORDS,
    MIN_SENTENCE_WORDS,
    bullets_follow,
    document_list_lines,
    in_list_item,
    in_semicolon_item,
    opens_with_label,
    unmarked_list_follows,
)
from .settings import Settings
from .store import Index

DISAGREEMENT_NOTE = "The briefs state this with different figures ({figures}); each version is quoted with its source."
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*%?")


def figures(text: str) -> frozenset[str]:
    """The numbers a sentence states ("40%", "25.9", "2014"), as written."""
    return frozenset(match.group(0).replace(" ", "") for match in _FIGURE.finditer(text))


def shown_in(sentence: str, answer: str) -> bool:
    """Whether an earlier answer's text quoted the sentence (white space aside, and the HTML escapes a chat front
    end sends back: "&amp;")."""
    return " ".join(sentence.split()) in plain(answer)


def plain(answer: str) -> str:
    """An answer's text as shown_in reads it: HTML escapes undone, runs of white space one space."""
    return " ".join(html.unescape(answer).split())


def repeats(sentences: Sequence["AnswerSentence"], answer: str) -> bool:
    """Whether an earlier answer (its text) already quoted every one of these sentences: a follow-up given them would
    hear the last answer again."""
    return bool(sentences) and bool(answer) and all(shown_in(s.text, answer) for s in sentences)


def holds_phrase(sentence: str, phrases: Sequence[str]) -> bool:
    """Whether the sentence holds one of the phrases, word for word (punctuation between the words aside)."""
    words = f" {' '.join(_WORD.findall(sentence))} "
    return any(f" {phrase} " in words for phrase in phrases if phrase)


def disagree(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two statements give different figures: each states one the other lacks. One that merely adds a
    figure ("since 2008", a footnote number) states the same thing in more detail."""
    return bool(first - second) and bool(second - first)


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


_WORD = re.compile(r"[\w'’-]+")
# A sentence that opens by pointing back at the one before it, maybe after a short lead-in ("In concrete terms, this
# entails …", "As a result, they …", "For example in Central America, this is …").
_POINTS_BACK = re.compile(
    r"^(?:[A-Z][\w’']*(?:\s+[\w’']+){0,4},\s+)?(?:It|Its|They|Their|Them|This|These|Those|Such|He|She|His|Her|The latter|"
    # "The former is …", not "the former administration" (ex-)
    r"The former(?=\s+(?:is|was|are|were|has|have|had|can|could|will|would|should|may|might|must)\b|\s*[,;:]))\b",
    re.IGNORECASE,
)
# … or names what it speaks of by pointing back within it: "110,000 minors migrated from these three countries"
_THESE = re.compile(rf"\b(?:these|those)\s+(?:(?:{COUNT_WORD}|\d+)\s+)?(?P<noun>[a-z][\w-]*)")

# … or opens with each or both of things the sentence before it names: "Each compact is designed …" (not "Each year")
_EACH = re.compile(r"^(?:Each|Both|Either|Neither)\s+(?:of\s+(?:the|these|those)\s+)?(?P<noun>[a-z][\w-]*)")
CONTINUATION_WORDS = 40  # a continuation may take the answer this far past answer_max_words
MAX_POINTER_CHAIN = 3  # sentences pointing back, each to the one before, followed back to what the first stands for
MIN_HEADING_LIST_ITEMS = 3
MAX_LIST_INTRO = 4  # sentences of a listing section that may stand before its items
MAX_OPENED_PARAGRAPH_SENTENCES = 4  # a section of paragraphs this short lists its points in their first sentences
SAME_WORDS_AT_LEAST = 5  # a sentence of this many content words or more, with another's very words, is the same statement
SAME_STATEMENT_WORDS = 0.5  # share of the shorter sentence's words two sentences must share to say the same thing
# A chosen sentence that introduces a list ("… include the following:") brings the list with it.
LIST_MAX_ITEMS, LIST_MAX_WORDS = 8, 160
WHOLE_LIST_MAX_WORDS = 400  # a list asked for by its heading comes whole up to this many words
# "The report offers five strategic recommendations …": a count of things, in words or figures, and what they are
_COUNTED = re.compile(
    rf"\b(?P<count>{COUNT_WORD}|[2-9]|1[0-2])\s+(?:[a-z][\w-]*\s+){{0,2}}?"
    r"(?P<things>[a-z][\w-]*[^s\W]s)\b",
    re.IGNORECASE,
)
_FULL_STOPS = frozenset(".!?…")  # a sentence ending so is whole: a list after it is not its continuation


@dataclass(frozen=True)
class QuestionForm:
    """What the form of the question asks of an answer: a list (`wants_list`: "Which countries …", "What are the
    …"), a statement (`statement`: "Can …", "Does …", "What is …"; not a list), more than the previous answer
    gave (`more`: "Who else …", "Any other examples?"), some of what it gave (`narrows`: "Only the ones …"), or
    something about what it said, with no word of its own (`bare`: "Why?", "Give an example.")."""

    wants_list: bool = False
    statement: bool = False
    more: bool = False
    narrows: bool = False
    bare: bool = False  # a follow-up with no word of its own ("Why?", "Give an example."): about what was just said

    @classmethod
    def of(cls, question: str, query: str, answered_before: bool = False) -> "QuestionForm":
        """The form from the question as typed and the query it was resolved to. A list when the query asks for one
        (a follow-up takes the form of the question it follows: "And in Libya?" after "Which countries …?"; "Does
        the note list the principles?" asks for them all the same); a statement when the question as typed asks for
        one ("Which one concerns transparency?", even after a question asking for a list); more than before when it
        asks for more after an answer."""
        statement = asks_for_statement(question) and not asks_list(question)
        return cls(
            asks_list(query) and not statement, statement, answered_before and asks_for_more(question),
            answered_before and narrows(question), answered_before and asks_nothing_new(question),
        )


@dataclass
class Candidate:
    """A sentence of the top passages, scored for the question."""

    sentence: int
    score: float
    cosine: float
    rank: int
    rare_coverage: float  # IDF-weighted share of the question's words the sentence holds
    holds_answer: bool = False  # the question asks for a kind of answer (a sum, a count, a year …) and the sentence holds one


def _points_back_within(sentence: str) -> bool:
    """Whether a sentence names, with "these" or "those", things it has not named itself before ("… migrated from these
    three countries"; not "… the roles men and women play …, and the differences between these roles")."""
    return any(not set(terms(m.group("noun"))) & set(terms(sentence[: m.start()])) for m in _THESE.finditer(sentence))


def _holds_answer(chosen: list[list[Candidate]]) -> bool:
    """Whether a chosen sentence holds the kind of answer the question asks for."""
    return any(c.holds_answer for group in chosen for c in group)


def _brought_from(chosen: list[list[Candidate]], candidates: list[Candidate]) -> tuple[dict[int, Candidate], set[int]]:
    """What a rule bringing sentences along starts from: the candidates by sentence, and the sentences already taken."""
    return {c.sentence: c for c in candidates}, {c.sentence for group in chosen for c in group}


@dataclass
class Composer:
    """Turns one question's scored candidates into quoted sentences and citations. `terms_of(sentence)` gives a
    sentence's words (the answerer caches them)."""

    index: Index
    settings: Settings
    terms_of: Callable[[int], frozenset[str]]
    _introduces: dict[int, bool] = field(default_factory=dict, init=False, repr=False)  # sentence -> introduces_list
    _list_lines: dict[str, set[int]] = field(default_factory=dict, init=False, repr=False)  # doc -> its unmarked lists
    _terms: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)  # doc -> its terms

    def compose(
        self, candidates: list[Candidate], ranked: bool, said: str = "", form: QuestionForm = QuestionForm(),
        lead: Sequence[int] = (), listed: Sequence[Candidate] = (), pointed: Sequence[str] = (),
        asked: frozenset[str] = frozenset(), named: frozenset[str] = frozenset(),
    ) -> tuple[list[AnswerSentence], list[Citation], str | None]:
        """Sentences best first (at least two) while they score above the floor: the ranker's decision boundary
        when `ranked`, else a share of the best hand-set score; past the word budget only the three best (a long third
        sentence is quoted, not passed over for shorter, weaker ones). A sentence the previous answer (`said`) already
        quoted is quoted again only as the best one or as the first holding the kind of answer asked for, and never
        when the question asks for more (`form.more`): a follow-up moves on rather than repeating; but a sentence
        holding a phrase the follow-up pointed at in the last answer (`pointed`: conversation.anchors, "Why is
        supporting it important?" and "Support to the Global …") is what it asks about, quoted again on its merit.
        A chosen sentence brings the list it introduces
        (lists_introduced; `form.wants_list`), unless the question asks for a statement (`form.statement`: a list
        only buries it, and a sentence unfinished without its list, opens_into_list, is not quoted). Returns them,
        their citations, and a note when two briefs make the same statement with different figures (both quoted).
        `lead` sentences (those defining what the question asks about) are chosen first and shown first, in their
        order, each with the sentences after it that point back to it; without them the best sentence is shown first
        (after what it points back to, unless it is a list item) with the sentences right after it, the rest in reading
        order. `listed` sentences (heading_list: the list a
        heading the question names holds) are the answer whole, in their order. A chosen sentence counting the things
        a list further on in its section holds comes with that list when the question asks for a list or names the
        things (`asked`: the question's words; counted_list). Of the list items chosen, those holding a name the
        question gives (`named`: its terms) are kept when others do not hold it (_items_named)."""
        table, documents = self.index.sentences, self.index.documents
        if listed:
            return self.quoted_sentences(listed) + (None,)
        if lead:
            place = {sentence: n for n, sentence in enumerate(lead)}
            candidates = sorted(candidates, key=lambda c: place.get(c.sentence, len(lead)))  # stable: the rest keep their order
        if (form.more or form.bare) and said:  # asked for more, or about what was just said ("Why?"): what the
            # conversation quoted is not quoted again (asked "Why?", unless it holds the kind of answer asked for)
            fresh = [
                c for c in candidates
                if not shown_in(table.text(c.sentence, documents), said) or (not form.more and c.holds_answer)
            ]
            candidates = fresh or candidates
        floor = self.settings.answer_min_probability if ranked else candidates[0].score * self.settings.answer_relative_cutoff
        chosen: list[list[Candidate]] = []  # each: the sentence shown, then the same statement elsewhere
        disagreements: list[list[str]] = []  # figures that differ between near-identical statements
        words = 0
        leading = set(lead)
        for candidate in candidates:
            below = candidate.score < floor and candidate.sentence not in leading  # a lead is chosen whatever its score
            if below and (len(chosen) >= 2 or self._read_with_another(chosen)):
                break
            if below and self.antecedent(candidate.sentence) != candidate.sentence:
                continue  # a sentence taken only to make two is not one that needs those before it to be read
            text = table.text(candidate.sentence, documents)
            if (chosen and said and shown_in(text, said) and not self._first_answer_of_its_kind(candidate, chosen)
                    and not holds_phrase(text, pointed)):
                continue
            if form.statement and self.opens_into_list(candidate.sentence):
                continue
            same = next((group for group in chosen if self.same_statement(group[0].sentence, candidate.sentence)), None)
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
            over_budget = len(chosen) >= 3 and words + length > self.settings.answer_max_words  # the three best always fit
            if len(chosen) >= self.settings.answer_max_sentences or over_budget:
                continue
            chosen.append([candidate])
            words += length
        kind = self._answer_of_its_kind(chosen, candidates)
        if kind is not None:
            chosen.append([kind])
            words += len(table.text(kind.sentence, documents).split())
        for _ in range(MAX_POINTER_CHAIN):  # "It is also based on …" brings "These are based on …", which brings what
            # "These" stands for ("The report offers five strategic recommendations …")
            pointed_to = self.linked(chosen, candidates, words, said, before=True)
            if not pointed_to:
                break
            chosen += pointed_to
        # a list's items are not brought again when the conversation has quoted them, unless the question asks for
        # the list whole
        brought_said = "" if form.wants_list else said
        if not form.statement:
            heard = "" if form.narrows else said  # narrowed, the list just quoted is what is picked from
            chosen += self.lists_introduced(chosen, candidates, form.wants_list, brought_said, floor, heard=heard)
            chosen += self.counted_lists(chosen, candidates, form.wants_list, asked, brought_said)
            if said:  # "What did it recommend?" after "The report offers five … recommendations" and the first one:
                # the sentence counting them was just quoted, so it is not chosen again; the items not yet read are
                read = plain(said)  # once, not per candidate
                recalled = [[c] for c in candidates if " ".join(table.text(c.sentence, documents).split()) in read]
                chosen += self.counted_lists(chosen + recalled, candidates, form.wants_list, asked, said)
        # the best sentence is read first, after what it points back to ("… triggered the New York Declaration which
        # resulted in …" before what its section says earlier), unless it is an item of a list: an item comes after
        # what opens its list. After lead sentences, the best of the others is read right after them when it stands
        # in another section ("Migrants might be motivated by …, while refugees …" after the brief defining
        # "Migrant:"), not after all else the defining brief says
        chosen += self.list_openings(chosen, candidates, said)  # after: an item does not bring its whole list
        best = self._best_after(chosen, lead)  # (an item's list opening brought just now counts as quoted)
        chosen += self.linked(chosen, candidates, words)
        chosen = self._items_named(chosen, named)
        # reading order: documents in the order their best sentence ranks, within a document its sections in the order
        # their best sentence ranks (the section holding the best answer first, not the one printed first), then by place
        places = {id(group): (table.doc_ids[group[0].sentence], self._section_of(group[0].sentence)) for group in chosen}
        first_rank: dict[object, int] = {}
        for i, group in enumerate(chosen):
            for place in places[id(group)]:
                first_rank.setdefault(place, i)
        chosen.sort(key=lambda g: (*(first_rank[place] for place in places[id(g)]), int(table.starts[g[0].sentence])))
        ordered = self._leading(chosen, best, adjacent=True)
        sentences, citations = self._quoted(self._leading(ordered, lead) if lead else ordered)
        note = DISAGREEMENT_NOTE.format(figures=", ".join(dict.fromkeys(f for d in disagreements for f in d))) if disagreements else None
        return sentences, citations, note

    def _items_named(self, chosen: list[list[Candidate]], named: frozenset[str]) -> list[list[Candidate]]:
        """The chosen groups without the list items lacking a name the question gives that other chosen items hold:
        "What ILO conventions are listed?" quotes the list's ILO conventions, not every convention it lists. A name
        every item holds, or none, narrows nothing."""
        items = [group for group in chosen if self.in_list(group[0].sentence)]
        held = {id(group): self.terms_of(group[0].sentence) for group in items}
        narrowing = {t for t in named if 0 < sum(t in held[id(group)] for group in items) < len(items)}
        if not narrowing:
            return chosen
        return [group for group in chosen if id(group) not in held or narrowing & held[id(group)]]

    @staticmethod
    def _answer_of_its_kind(chosen: list[list[Candidate]], candidates: list[Candidate]) -> Candidate | None:
        """For a question asking for a kind of answer (an amount, a count, a year …) that no chosen sentence holds: the
        best-scored candidate holding one, if any ("It is financed by … (40 million euros)" for "How much did the
        programme cost?", scored low for naming no programme itself; the sentence it points back to comes with it)."""
        return None if _holds_answer(chosen) else next((c for c in candidates if c.holds_answer), None)

    def _read_with_another(self, chosen: list[list[Candidate]]) -> bool:
        """Whether the one sentence chosen comes with the sentence before it that it points back to ("For example in
        Central America, this is …" with what "this" is): two sentences already, without one below the floor."""
        return len(chosen) == 1 and self.antecedent(chosen[0][0].sentence) != chosen[0][0].sentence

    @staticmethod
    def _first_answer_of_its_kind(candidate: Candidate, chosen: list[list[Candidate]]) -> bool:
        """Whether the candidate holds the kind of answer the question asks for and no chosen sentence does: quoted
        again though the conversation quoted it ("What about its budget?" after an answer that gave the sum)."""
        return candidate.holds_answer and not _holds_answer(chosen)

    def heading_with(
        self, doc_id: str, start: int, then: Sequence[Candidate] = ()
    ) -> tuple[list[AnswerSentence], list[Citation]]:
        """The heading line starting at `start` in a brief, quoted verbatim, then the candidates, each on its own."""
        text = self.index.documents[doc_id].text
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        while end > start and text[end - 1].isspace():
            end -= 1
        citations = [Citation(1, self.quote(doc_id, start, end), 1.0)]
        sentences = [AnswerSentence(citations[0].source.text, [1])]
        for candidate in then:
            citations.append(self.citation(len(citations) + 1, candidate))
            sentences.append(AnswerSentence(self.index.sentences.text(candidate.sentence, self.index.documents), [len(citations)]))
        return sentences, citations

    def headings_opened(self, doc_id: str, sections: Sequence[Section]) -> tuple[list[AnswerSentence], list[Citation]]:
        """Each section's heading line, quoted verbatim, then the first sentence of the line after it, unless that
        line is a list item (what the heading stands for: "Making security sector institutions more effective …"
        under "ORGANIZATIONAL LEVEL")."""
        document = self.index.documents[doc_id]
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        for section in sections:
            heading, start = heading_line(document, section)
            end = start + len(heading.rstrip())
            citations.append(Citation(len(citations) + 1, self.quote(doc_id, start, end), 1.0))
            sentences.append(AnswerSentence(citations[-1].source.text, [len(citations)]))
            opens = end + len(document.text[end : section.end]) - len(document.text[end : section.end].lstrip())
            line_end = document.text.find("\n", opens, section.end)
            line_end = section.end if line_end < 0 else line_end
            spans = sentence_spans(document.text, opens, line_end) if not NUMBERING.match(document.text[opens:line_end]) else []
            if spans:
                citations.append(Citation(len(citations) + 1, self.quote(doc_id, *spans[0]), 1.0))
                sentences.append(AnswerSentence(citations[-1].source.text, [len(citations)]))
        return sentences, citations

    def quoted_sentences(self, candidates: Sequence[Candidate]) -> tuple[list[AnswerSentence], list[Citation]]:
        """The candidates quoted as they are, each on its own, in their order."""
        return self._quoted([[candidate] for candidate in candidates])

    def _quoted(self, chosen: list[list[Candidate]]) -> tuple[list[AnswerSentence], list[Citation]]:
        """The chosen groups as answer sentences, each with the markers of its citations (one per candidate)."""
        table, documents = self.index.sentences, self.index.documents
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        for group in chosen:
            markers = []
            for candidate in group:
                citations.append(self.citation(len(citations) + 1, candidate))
                markers.append(len(citations))
            sentences.append(AnswerSentence(table.text(group[0].sentence, documents), markers))
        return sentences, citations

    def _best_after(self, chosen: list[list[Candidate]], lead: Sequence[int]) -> list[int]:
        """The sentence the best chosen one not leading points back to (antecedent), to be read first after the lead
        ones, or that one itself when what it points back to is not quoted (the conversation just quoted it: "It is
        financed by …" for "Who funds it?"); none when it is a list item whose opening is quoted (it comes after it) or,
        after lead sentences, when it stands in a section of theirs (read in its place there)."""
        first = next((group[0].sentence for group in chosen if group[0].sentence not in lead), None)
        if first is None:
            return []
        if self.in_list(first):  # an item comes after what opens its list, when that is quoted; else it leads
            # ("Transitional justice processes. …" for "What is transitional justice?", its list's "… include the
            # following:" left out for a question asking what something is, not after the section's first sentence;
            # "An overly militarized focus on SSR …" of a list of findings no sentence opens, not after the
            # findings printed before it)
            opening = self.list_opening(first)
            return [] if opening is not None and any(group[0].sentence == opening for group in chosen) else [first]
        if lead and self._section_of(first) in {self._section_of(sentence) for sentence in lead}:
            return []
        antecedent = self.antecedent(first)
        return [antecedent if any(group[0].sentence == antecedent for group in chosen) else first]

    def _section_of(self, sentence: int) -> tuple[str, int]:
        """The document and start of the innermost section a sentence stands in (its start: 0 before any heading)."""
        document = self.index.documents[self.index.sentences.doc_ids[sentence]]
        start = int(self.index.sentences.starts[sentence])
        return document.doc_id, max((s.start for s in document.sections if s.start <= start), default=0)

    def _leading(self, chosen: list[list[Candidate]], lead: Sequence[int], adjacent: bool = False) -> list[list[Candidate]]:
        """The groups in reading order, with each lead sentence's group and those of the sentences after it that point
        back to it ("Its goal is …") moved to the front, in the order of `lead`; with `adjacent`, those of all the
        sentences right after it (the items of a list it opens, too)."""
        table = self.index.sentences
        front: list[list[Candidate]] = []
        for sentence in lead:
            at = next((i for i, group in enumerate(chosen) if group[0].sentence == sentence), None)
            if at is None:
                continue
            end = at + 1
            while end < len(chosen) and (
                chosen[end][0].sentence == self.pointing_back(chosen[end - 1][0].sentence)
                or (adjacent and chosen[end][0].sentence == chosen[end - 1][0].sentence + 1
                    and table.doc_ids[chosen[end][0].sentence] == table.doc_ids[sentence])
            ):
                end += 1
            front += chosen[at:end]
            chosen = chosen[:at] + chosen[end:]
        return front + chosen

    def same_statement(self, first: int, second: int) -> bool:
        """Whether two sentences say the same thing: with the very same content words (SAME_WORDS_AT_LEAST or more),
        or close in meaning (cosine at least redundancy_threshold) and in wording (most of the shorter one's words
        in the other). Sentences of one section share its heading in
        their vectors, so closeness alone would merge a definition with the list it introduces."""
        table, documents = self.index.sentences, self.index.documents
        if table.text(first, documents) == table.text(second, documents):
            return True
        a, b = self.terms_of(first), self.terms_of(second)
        if len(a) >= SAME_WORDS_AT_LEAST and a == b:  # the same words, hyphens or order aside, under other headings
            return True
        vectors = self.index.sentence_vectors
        if float(vectors[first] @ vectors[second]) < self.settings.redundancy_threshold:
            return False
        return bool(a and b) and len(a & b) / min(len(a), len(b)) >= SAME_STATEMENT_WORDS

    def pointing_back(self, sentence: int) -> int | None:
        """The sentence right after this one when it points back to it ("It is …", "These include …")."""
        table, following = self.index.sentences, sentence + 1
        if following < len(table) and table.doc_ids[following] == table.doc_ids[sentence]:
            text = table.text(following, self.index.documents)
            each = _EACH.match(text)  # "Each compact is …" after "… the Global Compact for Refugees and …"
            named = each is not None and bool(set(terms(each.group("noun"))) & set(terms(table.text(sentence, self.index.documents))))
            return following if _POINTS_BACK.match(text) or _points_back_within(text) or named else None
        return None

    def antecedent(self, sentence: int) -> int:
        """The sentence a run of sentences pointing back, each to the one before, starts from ("Better Migration
        Management … was set up …" for "It is financed by …"); the sentence itself when it points back to none."""
        for _ in range(MAX_POINTER_CHAIN):
            if sentence == 0 or self.pointing_back(sentence - 1) != sentence:
                break
            sentence -= 1
        return sentence

    def announced(self, sentence: int) -> int | None:
        """The sentence after this one when this one is a short statement opening its paragraph ("SSR is a long-term
        endeavour.", at most ITEM_LABEL_WORDS words) and the paragraph goes on: what it announces, the next one says
        ("Changing how the security sector works is a long-term endeavour because …")."""
        table, documents = self.index.sentences, self.index.documents
        following = sentence + 1
        if following >= len(table) or table.doc_ids[following] != table.doc_ids[sentence]:
            return None
        text = documents[table.doc_ids[sentence]].text
        start, end, after = int(table.starts[sentence]), int(table.ends[sentence]), int(table.starts[following])
        opening = text[text.rfind("\n", 0, start) + 1 : start].strip() == ""  # nothing before it on its line
        brief = len(text[start:end].split()) <= ITEM_LABEL_WORDS and text[start:end].rstrip().endswith(".")
        return following if opening and brief and "\n" not in text[end:after] else None

    def linked(
        self, chosen: list[list[Candidate]], candidates: list[Candidate], words: int, said: str = "", before: bool = False
    ) -> list[list[Candidate]]:
        """The sentence each chosen one is tied to by a pointer back: the one right after it that points back to it
        ("It is financed by …") or says what it announces (announced), or with `before`, the one right before a chosen sentence that itself points back
        ("These terms serve as …" after the terms). Without it the chosen sentence tells half the story. A sentence
        after comes within the answer's word budget (`words` already used); a sentence before comes whatever its
        length (the terms "These terms" stand for are the answer), unless the previous answer (`said`) just quoted
        it: in a follow-up, "it" is what was just read."""
        table, documents = self.index.sentences, self.index.documents
        by_sentence, taken = _brought_from(chosen, candidates)
        added: list[list[Candidate]] = []
        for group in list(chosen):
            sentence = group[0].sentence
            other = sentence - 1 if before else self.pointing_back(sentence) or self.announced(sentence)
            if other is None or (before and self.pointing_back(other) != sentence):
                continue
            candidate = by_sentence.get(other)
            if candidate is None or other in taken:
                continue
            text = table.text(other, documents)
            if before and said and shown_in(text, said):
                continue
            length = len(text.split())
            if not before and words + length > self.settings.answer_max_words + CONTINUATION_WORDS:
                continue
            added.append([candidate])
            taken.add(other)
            words += length
        return added

    def list_openings(self, chosen: list[list[Candidate]], candidates: list[Candidate], said: str = "") -> list[list[Candidate]]:
        """The sentence introducing the list a chosen item belongs to, when the item opens in lower case: it goes on
        from that sentence ("auditing performance through parliamentary … oversight mechanisms." under "Ensuring
        legal, political and policy frameworks reflect good governance of the security sector") and reads as a
        fragment without it. The introduction is the sentence before the items run (same brief and section) that
        introduces a list (introduces_list); not brought when the conversation just quoted it (`said`)."""
        table, documents = self.index.sentences, self.index.documents
        by_sentence, taken = _brought_from(chosen, candidates)
        added: list[list[Candidate]] = []
        for group in chosen:
            item = group[0].sentence
            doc_id = table.doc_ids[item]
            start = int(table.starts[item])
            if not documents[doc_id].text[start : start + 1].islower():
                continue
            before = self.list_opening(item)
            if before is None or before in taken:
                continue
            opening = by_sentence.get(before) or Candidate(before, 0.0, 0.0, group[0].rank, 0.0)
            if said and shown_in(table.text(before, documents), said):
                continue
            added.append([opening])
            taken.add(before)
        return added

    def list_opening(self, item: int) -> int | None:
        """The sentence introducing the list an item belongs to (introduces_list): the one before the items run, in
        the same brief and section; None when the sentence is no list item or nothing there introduces its list."""
        table = self.index.sentences
        if not self.in_list(item):
            return None
        doc_id = table.doc_ids[item]
        section = self.section_of(doc_id, int(table.starts[item]))
        before = item - 1
        while before >= 0 and table.doc_ids[before] == doc_id and self.in_list(before) and item - before <= LIST_MAX_ITEMS:
            before -= 1
        if (before < 0 or table.doc_ids[before] != doc_id or not self.introduces_list(before)
                or self.section_of(doc_id, int(table.starts[before])) != section):
            return None
        return before

    def brief_terms(self, doc_id: str) -> frozenset[str]:
        """The terms a brief holds, found once per brief."""
        if doc_id not in self._terms:
            self._terms[doc_id] = frozenset(terms(self.index.documents[doc_id].text))
        return self._terms[doc_id]

    def in_list(self, sentence: int) -> bool:
        """Whether the sentence belongs to a list item (sentences.in_list_item)."""
        table, documents = self.index.sentences, self.index.documents
        doc_id = table.doc_ids[sentence]
        return in_list_item(documents[doc_id].text, int(table.starts[sentence]), self._lines_of(doc_id))

    def _lines_of(self, doc_id: str) -> set[int]:
        """The lines of a brief's lists whose bullets were lost (document_list_lines), found once per brief."""
        if doc_id not in self._list_lines:
            self._list_lines[doc_id] = document_list_lines(self.index.documents[doc_id])
        return self._list_lines[doc_id]

    def lists_introduced(
        self, chosen: list[list[Candidate]], candidates: list[Candidate], wants_list: bool = False, said: str = "",
        floor: float = 0.0, heard: str = "",
    ) -> list[list[Candidate]]:
        """The items of the list a chosen sentence introduces (introduces_list). A sentence that opens into its list
        (it ends in a colon, or in no full stop: "BMM focuses on" + bullets) always brings it; a full sentence that a
        list merely follows brings it only when the question asks for a list (`wants_list`), or a fact question
        about one sentence would be answered with the next paragraph's list. A chosen list item brings the items
        after it when the question asks for a list; otherwise only while they score at least `floor` (the answer's
        own floor, above which the sentence budget alone kept them out): "What role does the World Bank play?"
        quotes one key finding, not the rest of the findings.

        Items are taken in the same section while only bullets, white space or a short label
        ("Peace processes.") separates them; real text in between (items the sentence table
        does not hold) ends the list. An item the conversation quoted (`said`) is passed over, not
        brought again; so is one of a list brought by a sentence the conversation quoted (`heard`, all it quoted,
        even when the question asks for a list): "What did it recommend?" after the review's findings, whose best
        sentence is one of the findings again, does not bring the findings after it a second time.
        """
        table, documents = self.index.sentences, self.index.documents
        by_sentence, taken = _brought_from(chosen, candidates)
        added: list[list[Candidate]] = []
        for group in chosen:
            intro = group[0].sentence
            if not self.introduces_list(intro):
                continue
            doc_id = table.doc_ids[intro]
            text = documents[doc_id].text
            if not wants_list and not self.opens_into_list(intro, item_too=True):
                continue
            only_scoring = not wants_list and not self.opens_into_list(intro)  # an item: those after it on their merit
            passed_over = said or (heard if heard and shown_in(table.text(intro, documents), heard) else "")
            section = self.section_of(doc_id, int(table.starts[intro]))
            words, previous_end = 0, int(table.ends[intro])
            for following in range(intro + 1, min(intro + 1 + LIST_MAX_ITEMS, len(table))):
                candidate = by_sentence.get(following) or self._stub(following, group[0])
                if following in taken or (passed_over and shown_in(table.text(following, documents), passed_over)):
                    previous_end = int(table.ends[following])  # chosen on its own merit, or just read: the list goes on
                    continue
                if (
                    candidate is None
                    or table.doc_ids[following] != doc_id
                    or len(_WORD.findall(text[previous_end : int(table.starts[following])])) >= MIN_SENTENCE_WORDS
                    or self.section_of(doc_id, int(table.starts[following])) != section
                    or (only_scoring and candidate.score < floor)
                ):
                    break
                previous_end = int(table.ends[following])
                words += len(table.text(following, documents).split())
                if words > LIST_MAX_WORDS:
                    break
                added.append([candidate])
                taken.add(following)
        return added

    def counted_list(self, sentence: int) -> tuple[str, list[int]]:
        """The items of the list a sentence counts, with the word for what they are ("recommendations"), or ("", []):
        the sentence states a count of things ("The report offers five strategic recommendations …") and, right after
        it or after at most MAX_LIST_INTRO more sentences of its section, that section's next run of list items holds
        exactly as many. A page may say what its list is, then how it came about, then give the list."""
        table, documents = self.index.sentences, self.index.documents
        counted = _COUNTED.search(table.text(sentence, documents))
        if counted is None:
            return "", []
        doc_id = table.doc_ids[sentence]
        text = documents[doc_id].text
        count = COUNT_WORDS.get(counted.group("count").lower()) or int(counted.group("count"))
        path = self.section_of(doc_id, int(table.starts[sentence]))
        following = [s for s in self._section_sentences(sentence, doc_id, path) if s > sentence] if path else []
        items = [in_list_item(text, int(table.starts[s]), self._lines_of(doc_id)) for s in following]
        first = items.index(True) if True in items else len(items)
        run = first
        while run < len(items) and items[run]:
            run += 1
        if first > MAX_LIST_INTRO or run - first != count:
            return "", []
        return counted.group("things"), following[first:run]

    def counted_lists(
        self, chosen: list[list[Candidate]], candidates: list[Candidate], wants_list: bool, asked: frozenset[str],
        said: str = "",
    ) -> list[list[Candidate]]:
        """The items of the lists chosen sentences count (counted_list), when the question asks for a list or names
        what they are ("What does the review recommend?" and "five strategic recommendations"), within
        WHOLE_LIST_MAX_WORDS; items the conversation quoted (`said`) or already chosen are passed over. `chosen` may
        hold sentences the conversation just quoted (compose): their lists' items are added, the sentences not."""
        table, documents = self.index.sentences, self.index.documents
        by_sentence, taken = _brought_from(chosen, candidates)
        added: list[list[Candidate]] = []
        for group in chosen:
            things, items = self.counted_list(group[0].sentence)
            if not items or not (wants_list or set(terms(things)) & asked):
                continue
            words = 0
            for item in items:
                text = table.text(item, documents)
                words += len(text.split())
                if words > WHOLE_LIST_MAX_WORDS:
                    break
                if item in taken or (said and shown_in(text, said)):
                    continue
                added.append([by_sentence.get(item) or Candidate(item, 0.0, 0.0, group[0].rank, 0.0)])
                taken.add(item)
        return added

    def heading_list(
        self, candidates: list[Candidate], asked: frozenset[str], restated: bool = False, source: frozenset[str] = frozenset(),
        things: frozenset[str] = frozenset(),
    ) -> list[Candidate]:
        """The list a section holds under a heading the question names (names_heading), for a question asking for a
        list: "What are the key findings?" and a section "… - Key Findings" whose sentences are the items of a list
        (marked, lines of a list whose marks were lost, or paragraphs ending with a semicolon), after at most
        MAX_LIST_INTRO other sentences. The items in document order (short ones too: list_stub), within
        WHOLE_LIST_MAX_WORDS, after the one of those other sentences that holds the most of the heading's words ("The
        report offers five strategic recommendations …" under "Strategic Recommendations …"), if any does, and the
        items a box set into the list carried on after it (_resumed_after_box); from the first such section among the
        candidates' (best first), or [] when no section qualifies. `restated`: the heading is named only by a question
        restating it (names_heading), as a what-question that does not ask for a list must. `source`: terms the
        section's brief must hold ("What did the evaluation find?" names any "Key Findings", but asks for those of a
        brief that speaks of an evaluation). A section holding no list but short paragraphs lists the points they
        open with (_paragraph_openings) when the heading names the `things` the question asks for ("What challenges
        …?" and "Challenges for the International Community")."""
        table, documents = self.index.sentences, self.index.documents
        sections: dict[tuple[str, tuple[str, ...]], Candidate] = {}  # each section's best candidate
        for candidate in candidates:
            doc_id = table.doc_ids[candidate.sentence]
            path = self.section_of(doc_id, int(table.starts[candidate.sentence]))
            if path and source <= self.brief_terms(doc_id):
                sections.setdefault((doc_id, path), candidate)
        by_sentence = {c.sentence: c for c in candidates}
        for (doc_id, path), best in sections.items():
            if not names_heading(path[-1], asked, self.index.catalogue.labels, restated):
                continue
            text = documents[doc_id].text
            ordered = self._section_sentences(best.sentence, doc_id, path)
            items = [
                in_list_item(text, int(table.starts[s]), self._lines_of(doc_id)) or in_semicolon_item(text, int(table.ends[s]))
                for s in ordered
            ]
            first = items.index(True) if True in items else len(items)
            if True not in items and not restated:  # no list: a section of short paragraphs, each opening with its
                # point ("The development, migration and SSR agendas need to be aligned." under "Challenges for …")
                openings = self._paragraph_openings(text, ordered) if things and things <= set(terms(path[-1])) else []
                if len(openings) >= MIN_HEADING_LIST_ITEMS:
                    return self._within_list_budget(openings, by_sentence, best.rank)
                continue
            if first > MAX_LIST_INTRO or not all(items[first:]) or len(items) - first < MIN_HEADING_LIST_ITEMS:
                continue
            heading = set(terms(path[-1]))  # the introduction is the sentence before the items that speaks of it most
            shared = {s: len(heading & set(terms(table.text(s, documents)))) for s in ordered[:first]}
            intro = max(shared, key=shared.__getitem__, default=None)
            if intro is not None and not shared[intro]:
                intro = None
            listed = ordered[first:] + self._resumed_after_box(doc_id, ordered[first:])
            return self._within_list_budget(([intro] if intro is not None else []) + listed, by_sentence, best.rank)
        return []

    def _within_list_budget(self, sentences: list[int], by_sentence: dict[int, Candidate], rank: int) -> list[Candidate]:
        """The sentences as candidates (scored as found, else unscored), in their order, within WHOLE_LIST_MAX_WORDS."""
        table, documents = self.index.sentences, self.index.documents
        chosen: list[Candidate] = []
        words = 0
        for sentence in sentences:
            words += len(table.text(sentence, documents).split())
            if chosen and words > WHOLE_LIST_MAX_WORDS:
                break
            chosen.append(by_sentence.get(sentence) or Candidate(sentence, 0.0, 0.0, rank, 0.0))
        return chosen

    def _paragraph_openings(self, text: str, ordered: list[int]) -> list[int]:
        """The first sentence of each paragraph of a section's sentences (in document order) when every paragraph is
        short (at most MAX_OPENED_PARAGRAPH_SENTENCES sentences): the points a section of short paragraphs makes, one
        each; [] when a paragraph runs longer."""
        table = self.index.sentences
        paragraphs: list[list[int]] = []
        for sentence in ordered:
            if not paragraphs or "\n" in text[int(table.ends[paragraphs[-1][-1]]) : int(table.starts[sentence])]:
                paragraphs.append([sentence])
            else:
                paragraphs[-1].append(sentence)
        if any(len(paragraph) > MAX_OPENED_PARAGRAPH_SENTENCES for paragraph in paragraphs):
            return []
        return [paragraph[0] for paragraph in paragraphs]

    def _resumed_after_box(self, doc_id: str, items: list[int]) -> list[int]:
        """The items of a list that a box set into it carried on after the box: when the list closes its section and
        most of its items open with labels ("Peace processes. Creating …"), the run of items closing the next
        section, if most of them open with labels too and no sentence of that section introduces them (the one before
        them neither ends in a colon nor opens into a list). A page's layout may set a box with a heading of its own
        ("THE SECURITY SECTOR") between two items of a list; the items after the box belong to the list."""
        table, documents = self.index.sentences, self.index.documents
        text = documents[doc_id].text
        following = items[-1] + 1 if items else len(table)

        def labelled(run: list[int]) -> bool:  # most of its sentences open with a label (an item may go on after it)
            return 2 * sum(opens_with_label(table.text(s, documents)) for s in run) >= len(run)

        if following >= len(table) or table.doc_ids[following] != doc_id or not labelled(items):
            return []
        box = self._section_sentences(following, doc_id, self.section_of(doc_id, int(table.starts[following])))
        closing = len(box)
        while closing > 0 and in_list_item(text, int(table.starts[box[closing - 1]]), self._lines_of(doc_id)):
            closing -= 1
        run = box[closing:]
        if not run or closing == 0 or self.opens_into_list(box[closing - 1]):
            return []
        return run if labelled(run) else []

    def _section_sentences(self, sentence: int, doc_id: str, path: tuple[str, ...]) -> list[int]:
        """The sentences of the table (short list items too) in the section around `sentence`, in document order."""
        table = self.index.sentences

        def inside(other: int) -> bool:
            return (
                0 <= other < len(table) and table.doc_ids[other] == doc_id
                and self.section_of(doc_id, int(table.starts[other])) == path
            )

        first, last = sentence, sentence
        while inside(first - 1):
            first -= 1
        while inside(last + 1):
            last += 1
        return list(range(first, last + 1))

    def _stub(self, sentence: int, like: Candidate) -> Candidate | None:
        """A short list item (list_stub) as a candidate brought with its list, ranked as the sentence bringing it."""
        return Candidate(sentence, 0.0, 0.0, like.rank, 0.0) if sentence in self.index.sentences.list_stubs else None

    def opens_into_list(self, sentence: int, item_too: bool = False) -> bool:
        """The sentence is unfinished without the list after it: it ends in a colon, or a list follows it and it
        ends in no full stop ("BMM focuses on" + bullets). A list item followed by the next item counts only with
        `item_too` (the items after a chosen one come with it)."""
        table, documents = self.index.sentences, self.index.documents
        doc_id = table.doc_ids[sentence]
        text = documents[doc_id].text
        start = int(table.starts[sentence])
        ending = text[start : int(table.ends[sentence])].rstrip()[-1:]
        if ending == ":":
            return True
        if ending in _FULL_STOPS or not self.introduces_list(sentence):
            return False
        return item_too or not in_list_item(text, start, self._lines_of(doc_id))

    def introduces_list(self, sentence: int) -> bool:
        """The sentence ends with a colon, or bullets, numbered items or the lines of a list whose bullets were lost
        follow it ("BMM focuses on" + bullets). A property of the index, so found once per sentence and document."""
        known = self._introduces.get(sentence)
        if known is None:
            table, documents = self.index.sentences, self.index.documents
            doc_id = table.doc_ids[sentence]
            document = documents[doc_id]
            end = int(table.ends[sentence])
            known = (
                document.text[int(table.starts[sentence]) : end].rstrip().endswith(":")
                or bullets_follow(document.text, end)
                or unmarked_list_follows(document.text, end, self._lines_of(doc_id))
            )
            self._introduces[sentence] = known
        return known

    def section_of(self, doc_id: str, offset: int) -> tuple[str, ...] | None:
        position = self.index.passage_containing(doc_id, offset)
        return self.index.passages[position].section_path if position is not None else None

    def quoted_readings(
        self, readings: Sequence[tuple[Reading, float]], first_marker: int = 1
    ) -> tuple[list[AnswerSentence], list[Citation]]:
        """Entries of reading lists (each with how well it matched) quoted whole, each on its own, in their order, up
        to WHOLE_LIST_MAX_WORDS words, their markers numbered from `first_marker`."""
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        words = 0
        for reading, score in readings:
            document = self.index.documents[reading.doc_id]
            text = document.text[reading.start : reading.end]
            words += len(text.split())
            if sentences and words > WHOLE_LIST_MAX_WORDS:
                break
            citations.append(Citation(first_marker + len(citations), self.quote(reading.doc_id, reading.start, reading.end), score))
            sentences.append(AnswerSentence(text, [citations[-1].marker]))
        return sentences, citations

    def citation(self, marker: int, candidate: Candidate) -> Citation:
        table = self.index.sentences
        start, end = int(table.starts[candidate.sentence]), int(table.ends[candidate.sentence])
        return Citation(marker, self.quote(table.doc_ids[candidate.sentence], start, end), round(candidate.score, 4))

    def quote(self, doc_id: str, start: int, end: int) -> Quote:
        """Characters [start, end) of a brief as a citable quote, with the label of the section they stand in."""
        document = self.index.documents[doc_id]
        section = next((s.label for s in document.sections if s.start <= start < s.end), "")
        return document.quote(section, start, end)
