"""The catalogue in an answer: the SSR entry points listed beside it, and the push factors themselves when a
question asks which ones the briefs name.

Entry points are listed when the question asks what to do, or when the top passages sit in the sections that state
push factors and entry points; each is scored by the best rank of a passage overlapping its statement (or, at a
lower weight, its factor's), and those of a factor the question names come first. A question asking for the factors
themselves is answered with every factor's heading, verbatim, cited once in each brief that states it. Pure
functions of the catalogue, the retrieved passages and the settings; nothing here runs the model except the cosine
of a factor's passage, read from the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .catalogue import Catalogue, EntryPoint, Factor, overlaps
from .composition import AnswerSentence, Citation
from .headings import names_heading
from .lexical import terms
from .ranking import TEXT_WORDS, asks_list
from .models import Document, Quote, SearchHit
from .store import Index

_ACTION = re.compile(
    r"\b(?:what can|what could|what should|how can|how could|how should|how to|what to do|do about|entry points?|"
    r"recommend\w*|respond\w*|response\w*|address\w*|tackl\w*|interven\w*|measures?|options?|steps?|priorit\w*)\b",
    re.IGNORECASE,
)
# "Which push factors …", "List the push factors": a question that asks for the catalogue's factors themselves
# A place or group a question names, mid-sentence and capitalised ("… for young men in Eritrea?"): the question asks
# about the factors there, which the briefs' text on it answers, not for the catalogue
_PLACE_NAME = re.compile(r"(?<=[a-z,;:]\s)[A-Z][a-z][\w'’-]*")
_TEXT_WORD = re.compile(rf"(?:{TEXT_WORDS}|briefing)s?|studies", re.IGNORECASE)  # "the Backgrounder" names a text, not a place
_ENUMERATION = re.compile(r"\b(?:which|what are|what were|list|name|identif\w*|enumerat\w*|how many|main|key)\b", re.IGNORECASE)
# The thing "what …" or "which …" asks for, past words that only qualify it: "What resources", "Which kinds of drivers"
_ASKED_THING = re.compile(
    r"\b(?:what|which)\s+(?:(?:kinds?|types?|sorts?|main|key|other|different|major|specific)\s+(?:of\s+)?)*"
    r"(?!(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|the|of)\b)([^\W\d_]+)",
    re.IGNORECASE,
)
# The words of a question asking what to do besides _ACTION's, naming nothing to act on or with ("What can SSR do?"),
# nor anyone but those the briefs advise ("What can donors do?", "What should the international community do?")
_ASKING_FOR_ACTION = frozenset(terms(
    "what which how can could should would may might must will is are be been being do does did done doing help helps "
    "the a an about with on against for to this that these those it them they ssr brief briefs say says suggest "
    "suggested propose proposed advise advised there any anything something "
    "we us i you donor donors international community external outside outsiders actor actors partner partners "
    # the sector the briefs advise, by its own names: "What should the security sector do about it?", "What can
    # security sector reform do?", "What can the police do about it?"
    "security sector reform justice police military government governments state"
))
# The words of asking for a whole list: "List all the entry points", "Give me the main entry points"
_LISTING = frozenset(terms("list name give show tell me all every main key different identify enumerate recommend recommended"))
MAX_QUOTED_STATEMENTS = 16  # the statements of an answer factor_quoted looks up (an answer quotes at most about a dozen)
SOURCE_WEIGHT, FACTOR_WEIGHT = 1.0, 0.8  # a passage stating the entry point itself, or only its factor


@dataclass
class EntryPointMatch:
    entry: EntryPoint
    factor: Factor | None
    score: float


def asks_what_to_do(query: str) -> bool:
    """Whether the question asks for action ("How can …", "What should …", "recommendations")."""
    return bool(_ACTION.search(query))


def asks_only_what_to_do(question: str) -> bool:
    """Whether the question asks for action and names nothing to act on or with: "What can be done about it?", "What
    do the briefs recommend?", not "What could defence reform do about that?"."""
    return asks_what_to_do(question) and all(t in _ASKING_FOR_ACTION for t in terms(_ACTION.sub(" ", question)))


def factors_asked_for(catalogue: Catalogue, query: str) -> list[Factor]:
    """All factors, when the question asks which factors the briefs name ("Which push factors …?").

    The factors' shared label ("Push factor") must be in the question in the plural, with a
    word that asks for a list or as the thing "what"/"which" asks for ("What push factors drive
    displacement?"), and no word of any one factor's name: "Which push factors
    drive people out of countries at peace?" is about one factor and is answered as usual.
    A question that asks for other things ("What resources does the page on push factors
    list?") is not asking for the factors either.
    """
    factors = catalogue.factors
    if not factors:
        return []
    asked = set(terms(query))
    enumeration = _asks_enumeration(query)
    thing = _ASKED_THING.search(query)
    labels = {f.label for f in factors if f.label and sum(g.label == f.label for g in factors) >= 2}
    for label in labels:
        label_terms = set(terms(label))
        plural = re.search(rf"\b{re.escape(label.split()[-1])}s\b", query, re.IGNORECASE)
        if not label_terms or not label_terms <= asked or not plural:
            continue
        named = {t for factor in factors for t in terms(factor.name)} - label_terms
        asks_label = thing is not None and set(terms(thing.group(1))) <= label_terms  # "What push factors …"
        if not (enumeration or asks_label):
            continue
        other_thing = thing is not None and not asks_label
        placed = any(
            not set(terms(m.group(0))) & label_terms and not _TEXT_WORD.fullmatch(m.group(0)) for m in _PLACE_NAME.finditer(query)
        )
        return [] if asked & named or other_thing or placed else factors
    return []


def asks_entry_points(catalogue: Catalogue, query: str) -> bool:
    """Whether the question asks for entry points: their label's last two words, "entry point(s)" of "SSR Entry
    Point", or its one word ("responses")."""
    labels = {e.label for e in catalogue.entry_points if e.kind == "entry_point" and e.label}
    spaced = [r"\s+".join(re.escape(word) for word in label.split()[-2:]) for label in labels]
    return any(re.search(rf"\b{words}s?\b", query, re.IGNORECASE) for words in spaced)


def entry_points_asked_for(
    catalogue: Catalogue, query: str, focus: Factor | None = None, bare: bool = False
) -> list[EntryPoint]:
    """The entry points of one factor, when the question asks for entry points (asks_entry_points) and names that
    factor (factor_named): "What entry points go with armed violence in countries formally at peace?", or a follow-up
    read as naming it; else the conversation's `focus` (factor_quoted), for "What entry points go with it?", and for
    a `bare` question asking only what to do (asks_only_what_to_do: "What can be done about it?"). Empty
    otherwise."""
    if asks_entry_points(catalogue, query):
        factor = factor_named(catalogue, query) or focus
        if factor is None and asks_for_every_entry_point(catalogue, query):
            return [entry for each in catalogue.factors for entry in _entry_points_of(catalogue, each)]
    else:
        factor = focus if bare else None
    if factor is None:
        return []
    return _entry_points_of(catalogue, factor)


def _asks_enumeration(query: str) -> bool:
    """Whether the question asks for things one by one: "Which …", "List …", "What are the main …", "Give me the push
    factors" (ranking.asks_list)."""
    return bool(_ENUMERATION.search(query)) or asks_list(query)


def _entry_points_of(catalogue: Catalogue, factor: Factor) -> list[EntryPoint]:
    return [e for e in (catalogue.entry_point(i) for i in factor.entry_point_ids) if e is not None and e.kind == "entry_point"]


def asks_for_every_entry_point(catalogue: Catalogue, query: str) -> bool:
    """Whether the question asks for the entry points as a list and names nothing they are for: "What are the SSR
    entry points?", "Give me all the entry points the briefs recommend", not "What are the entry points for
    armed conflict?" (a factor's, or the passages on what it names)."""
    labels = {e.label for e in catalogue.entry_points if e.kind == "entry_point" and e.label}
    label_terms = {t for label in labels for t in terms(label)}
    if not labels or not _asks_enumeration(query):
        return False
    return all(t in label_terms or t in _ASKING_FOR_ACTION or t in _LISTING for t in terms(query))


def factor_overview(index: Index, factors: list[Factor], query: np.ndarray | None) -> tuple[list[AnswerSentence], list[Citation]]:
    """One sentence per factor: its heading, verbatim, cited once in each brief that states it."""
    return headings_quoted(index, [factor.sources for factor in factors], query)


def entry_point_overview(
    index: Index, entries: list[EntryPoint], query: np.ndarray | None
) -> tuple[list[AnswerSentence], list[Citation]]:
    """One sentence per entry point: its heading, verbatim, cited once in each brief that states it; then the first
    sentence of its summary, which says what it recommends. The entry points of several factors are each their
    shortest opening line alone (entry_points_listed): their statements together would fill pages."""
    if len({entry.factor_id for entry in entries}) > 1:
        return entry_points_listed(index, entries, query)
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    for entry in entries:
        said, cited = headings_quoted(index, [entry.sources], query, first_marker=len(citations) + 1)
        sentences += said
        citations += cited
        for quote in entry.summary[:1]:
            if any(quote.text in s.text or s.text in quote.text for s in said):
                continue
            citations.append(Citation(len(citations) + 1, quote, _cosine(index, quote, query)))
            sentences.append(AnswerSentence(quote.text, [len(citations)]))
    return sentences, citations


def entry_points_listed(
    index: Index, entries: list[EntryPoint], query: np.ndarray | None
) -> tuple[list[AnswerSentence], list[Citation]]:
    """One line per entry point, each cited once: of the places the briefs state it, the shortest first sentence of
    its first line, of those naming the entry points' label first ("a. SSR Entry Point: National dialogue on human
    security and SSR" rather than "a. SSR Entry Point: Explore opportunities in supporting a national dialogue …")."""
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    table = index.sentences
    for entry in entries:
        openings = []
        for source in entry.sources:
            line = source.text.split("\n", 1)[0].rstrip()
            start, end = source.start, source.start + len(line)
            # the sentence opening it, when the line goes on past it (a heading run into its text): of the sentences of
            # the passage holding its start
            position = index.passage_containing(source.doc_id, start)
            held = table.by_passage[position] if position is not None else []
            inside = [i for i in held if start <= int(table.starts[i]) < end]
            if inside:
                first = min(inside, key=lambda i: int(table.starts[i]))
                start, end = int(table.starts[first]), min(end, int(table.ends[first]))
            named = entry.label.lower() in index.documents[source.doc_id].text[start:end].lower()
            openings.append((not named, end - start, source, start, end))  # one naming its label first
        if not openings:
            continue
        *_, source, start, end = min(openings, key=lambda found: found[:2])
        quote = index.documents[source.doc_id].quote(source.section, start, end)
        citations.append(Citation(len(citations) + 1, quote, _cosine(index, quote, query)))
        sentences.append(AnswerSentence(quote.text, [len(citations)]))
    return sentences, citations


def headings_quoted(
    index: Index, sources_of_each: list[list[Quote]], query: np.ndarray | None, first_marker: int = 1
) -> tuple[list[AnswerSentence], list[Citation]]:
    """One sentence per item (a factor's or an entry point's places in the briefs): the first line of its heading,
    verbatim, cited once in each brief that states it, numbered from `first_marker`."""
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    for sources in sources_of_each:
        markers = []
        cited_documents: set[str] = set()
        for source in sources:
            if source.doc_id in cited_documents:
                continue
            cited_documents.add(source.doc_id)
            document = index.documents[source.doc_id]
            heading = source.text.split("\n", 1)[0].strip()
            start = source.start + source.text.index(heading)
            end = start + len(heading)
            quote = document.quote(source.section, start, end, heading)
            citations.append(Citation(first_marker + len(citations), quote, _cosine(index, quote, query)))
            markers.append(first_marker + len(citations) - 1)
        if markers:
            sentences.append(AnswerSentence(citations[markers[0] - first_marker].source.text, markers))
    return sentences, citations


def _cosine(index: Index, quote: Quote, query: np.ndarray | None) -> float:
    """The cosine of the question with the passage holding a quote (0 without a model)."""
    position = index.passage_containing(quote.doc_id, quote.start)
    return round(float(index.dense.cosines(query, [position])[0]), 4) if position is not None and query is not None else 0.0


def factor_named(catalogue: Catalogue, query: str) -> Factor | None:
    """The factor whose name the question names (names_heading: at least two, and at least half, of its words),
    the one whose words it holds the largest share of; None when it names none. "What are the SSR entry points for
    armed violence in countries at peace?" names "Armed violence in countries formally at peace"."""
    asked = frozenset(terms(query))
    named = [(len(asked & set(terms(f.name))) / max(1, len(set(terms(f.name)))), n, f)
             for n, f in enumerate(catalogue.factors) if names_heading(f.name, asked)]
    return max(named, key=lambda found: (found[0], -found[1]))[2] if named else None


def factor_quoted(catalogue: Catalogue, documents: dict[str, Document], quoted: list[str]) -> Factor | None:
    """The factor whose sections hold most of an answer's quoted statements (more than half of them, and more than all
    other factors together): what "it" in "What can be done about it?" is, after an answer quoting the section on one
    push factor. None when no factor holds such a majority (each statement is looked up verbatim in
    the briefs stating factors, and counts once for each factor whose section holds it in any of them)."""
    votes: dict[str, int] = {}
    stating = [documents[d] for d in dict.fromkeys(q.doc_id for f in catalogue.factors for q in f.sources) if d in documents]
    considered = quoted[:MAX_QUOTED_STATEMENTS]  # an answer quotes a few; a history may claim thousands
    for statement in considered:
        holding = {
            factor.factor_id
            for document in stating
            for start in _places(document.text, statement)
            for factor in catalogue.factors
            if overlaps(document.doc_id, start, start + len(statement), factor.sources)
        }
        for factor_id in holding:
            votes[factor_id] = votes.get(factor_id, 0) + 1
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    return catalogue.factor(best) if 2 * votes[best] > max(sum(votes.values()), len(considered)) else None


def _places(text: str, statement: str) -> list[int]:
    """Where a statement stands in a text, each place it does."""
    places, at = [], text.find(statement)
    while at >= 0:
        places.append(at)
        at = text.find(statement, at + 1)
    return places


def entry_points_for(
    catalogue: Catalogue, query: str, hits: list[SearchHit], limit: int, focus: Factor | None = None
) -> list[EntryPointMatch]:
    """The entry points to list with the answer to `query`, best first, at most `limit`; those of the factor the
    question names come first, else those of the conversation's `focus` (factor_quoted)."""
    if not catalogue.entry_points or limit == 0:
        return []
    scores: dict[str, float] = {}
    top_in_catalogue = False
    for hit in hits:
        for passage in (hit.passage, *hit.duplicates):
            for entry_id, itself in catalogue.stated_in(passage.doc_id, passage.start, passage.end).items():
                weight = SOURCE_WEIGHT if itself else FACTOR_WEIGHT
                scores[entry_id] = max(scores.get(entry_id, 0.0), weight / hit.rank)
                top_in_catalogue = top_in_catalogue or hit.rank <= 3
    if not (asks_what_to_do(query) or top_in_catalogue):
        return []
    named = factor_named(catalogue, query) or focus
    first = set(named.entry_point_ids) if named is not None else set()  # the named factor's, in retrieval's order
    for entry_id in first:
        scores.setdefault(entry_id, 0.0)
    matches = []
    for entry_id in sorted(scores, key=lambda e: (e not in first, -scores[e]))[:limit]:
        entry = catalogue.entry_point(entry_id)
        assert entry is not None
        factor = catalogue.factor(entry.factor_id) if entry.factor_id else None
        matches.append(EntryPointMatch(entry, factor, round(scores[entry_id], 4)))
    return matches
