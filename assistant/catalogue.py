"""The briefs' recommendations as data: push factors, the entry points under each, numbered recommendations.

Everything is read from document structure, never from known strings:

* An **entry point** is a section whose heading carries a label ("a. SSR Entry Point: …",
  "• SSR Entry Point - …") that recurs under at least two different parent headings of
  the same document. Its parent heading is the **factor** it answers; when most of the
  parents share a label too ("Push factor: …", "Push Factor 3 - …"), that label is dropped
  from the factor's name.
* A **recommendation** is an item of a numbered list ("1. …") in a section whose heading
  speaks of recommendations.

The same factor and entry point often appear several times: in a note's summary and in
its technical detail, and again on a web page. Factors are merged when their names share
most of their words; entry points of merged factors are paired by their numbering when
both lists have the same length, and by wording otherwise. Each entry point gets a short
extractive summary: verbatim sentences with their place in the document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property

from .chunking import sentence_spans
from .headings import NUMBERING, heading_line, parse_heading
from .lexical import terms
from .models import Document, Quote, Section
from .sentences import is_answer_sentence

_LIST_ITEM = re.compile(r"^[ \t]*(?P<number>\d+)[.)][ \t]+(?P<text>\S[^\n]*)$", re.MULTILINE)
_RECOMMENDATION_HEADING = re.compile(r"recommend", re.IGNORECASE)
SUMMARY_MAX_WORDS = 70
SUMMARY_MAX_SENTENCES = 3


@dataclass
class EntryPoint:
    entry_id: str
    kind: str  # "entry_point" or "recommendation"
    label: str  # the briefs' own word for it: "SSR Entry Point", "Strategic Recommendations …"
    title: str
    factor_id: str | None
    sources: list[Quote] = field(default_factory=list)
    summary: list[Quote] = field(default_factory=list)


@dataclass
class Factor:
    factor_id: str
    label: str | None  # "Push factor"; None when the heading had no recurring label
    name: str
    sources: list[Quote] = field(default_factory=list)
    entry_point_ids: list[str] = field(default_factory=list)


@dataclass
class Catalogue:
    factors: list[Factor]
    entry_points: list[EntryPoint]

    def entry_point(self, entry_id: str) -> EntryPoint | None:
        return next((e for e in self.entry_points if e.entry_id == entry_id), None)

    def factor(self, factor_id: str) -> Factor | None:
        return next((f for f in self.factors if f.factor_id == factor_id), None)

    def stated_in(self, doc_id: str, start: int, end: int) -> dict[str, bool]:
        """Entry point id -> True for those the span [start, end) of a document states, False for those whose factor
        it states only. Worked out once per span (a passage), as every answer asks for its hits'."""
        key = (doc_id, start, end)
        if key not in self._stated:
            found: dict[str, bool] = {}
            for entry, factor_sources in self._entry_sources:
                if overlaps(doc_id, start, end, entry.sources):
                    found[entry.entry_id] = True
                elif overlaps(doc_id, start, end, factor_sources):
                    found[entry.entry_id] = False
            self._stated[key] = found
        return self._stated[key]

    @cached_property
    def labels(self) -> frozenset[str]:
        """The labels the briefs repeat over their factors' and entry points' headings ("Push factor", "SSR Entry
        Point"): structure, not what a heading is about."""
        return frozenset([f.label for f in self.factors if f.label] + [e.label for e in self.entry_points if e.kind == "entry_point"])

    @cached_property
    def _entry_sources(self) -> list[tuple[EntryPoint, list[Quote]]]:
        """Each entry point with its factor's quotes (none without a factor)."""
        factors = {f.factor_id: f for f in self.factors}
        return [(e, factors[e.factor_id].sources if e.factor_id in factors else []) for e in self.entry_points]

    @cached_property
    def _stated(self) -> dict[tuple[str, int, int], dict[str, bool]]:
        return {}

    def matching_factors(self, query: str) -> list[Factor]:
        """Factors whose id or name contains every word of `query` (case-insensitive), or all for ''."""
        words = query.lower().split()
        return [f for f in self.factors if all(w in f"{f.factor_id} {f.name}".lower() for w in words)]


def overlaps(doc_id: str, start: int, end: int, sources: list[Quote]) -> bool:
    """Whether the span [start, end) of a document overlaps one of these quotes."""
    return any(s.doc_id == doc_id and s.start < end and start < s.end for s in sources)


def _label_key(label: str | None) -> str:
    return " ".join(terms(label or ""))


# ---------------------------------------------------------------- extraction per document


@dataclass
class _Found:
    """An entry point or recommendation found in one document, before merging."""

    kind: str
    label: str
    title: str
    ordinal: int | None
    source: Quote
    heading_quote: Quote | None  # the heading's name, when it is a sentence worth quoting
    factor_key: tuple[str, str] | None  # (doc_id, factor section label)
    group: str  # where in the document the list sits: the factor's parent, or the list's section


@dataclass
class _FoundFactor:
    key: tuple[str, str]
    label: str | None
    name: str
    ordinal: int | None
    source: Quote


def _quote(document: Document, start: int, end: int, section: str) -> Quote:
    return document.quote(section, start, end)


def extract_from_document(document: Document) -> tuple[list[_FoundFactor], list[_Found]]:
    sections = {s.path: s for s in document.sections}
    parsed = {s.path: parse_heading(heading_line(document, s)[0]) for s in document.sections if s.path}
    parents_by_label: dict[str, set[tuple[str, ...]]] = {}
    for path, heading in parsed.items():
        if len(path) >= 2 and heading.label and path[:-1] in sections:
            parents_by_label.setdefault(_label_key(heading.label), set()).add(path[:-1])
    entry_labels = {label for label, parents in parents_by_label.items() if len(parents) >= 2}
    labelled = {p for p, h in parsed.items() if len(p) >= 2 and _label_key(h.label) in entry_labels}
    # a labelled heading that holds other labelled headings is a factor, not an entry point
    entry_paths = [p for p in labelled if not any(q[: len(p)] == p and q != p for q in labelled)]
    factor_paths = sorted({p[:-1] for p in entry_paths}, key=lambda p: sections[p].start)
    factor_labels = Counter(_label_key(parsed[p].label) for p in factor_paths if parsed[p].label)
    factors: list[_FoundFactor] = []
    for path in factor_paths:
        heading, section = parsed[path], sections[path]
        recurring = heading.label and factor_labels[_label_key(heading.label)] >= 2
        numbering = NUMBERING.match(heading.text)
        unnumbered = heading.text[numbering.end() :] if numbering else heading.text
        name = heading.name if recurring else unnumbered.strip()
        factors.append(
            _FoundFactor(
                (document.doc_id, section.label), heading.label if recurring else None, name, heading.ordinal,
                _quote(document, section.start, section.end, section.label),
            )
        )
    found: list[_Found] = []
    for path in sorted(entry_paths, key=lambda p: sections[p].start):
        heading, section = parsed[path], sections[path]
        line, line_start = heading_line(document, section)
        name_start = line_start + heading.name_offset
        name_end = line_start + len(line.rstrip())
        worth_quoting = len(heading.name.split()) >= 8
        found.append(
            _Found(
                kind="entry_point",
                label=heading.label or "",
                title=heading.name,
                ordinal=heading.ordinal,
                source=_quote(document, section.start, section.end, section.label),
                heading_quote=_quote(document, name_start, name_end, section.label) if worth_quoting else None,
                factor_key=(document.doc_id, sections[path[:-1]].label),
                group=" › ".join(path[:-2]),
            )
        )
    found.extend(_numbered_recommendations(document))
    return factors, found


def _numbered_recommendations(document: Document) -> list[_Found]:
    found = []
    for section in document.sections:
        line, _ = heading_line(document, section)
        if not section.path or not _RECOMMENDATION_HEADING.search(line):
            continue
        items = list(_LIST_ITEM.finditer(document.text, section.start, section.end))
        if len(items) < 2:
            continue
        for item in items:
            start, end = item.start("text"), item.end("text")
            found.append(
                _Found(
                    kind="recommendation",
                    label=line.strip(),
                    title=item["text"].strip(),
                    ordinal=int(item["number"]),
                    source=_quote(document, start, end, section.label),
                    heading_quote=_quote(document, start, end, section.label),
                    factor_key=None,
                    group=section.label,
                )
            )
    return found


# ---------------------------------------------------------------- merging across places and documents


def _similarity(a: str, b: str) -> float:
    """Overlap of stemmed content words: |A ∩ B| / min(|A|, |B|)."""
    left, right = set(terms(a)), set(terms(b))
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def _slug(text: str, taken: set[str]) -> str:
    base = "-".join(re.findall(r"[a-z0-9]+", text.lower())[:8]) or "item"
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    return slug


def build_catalogue(documents: list[Document]) -> Catalogue:
    """The catalogue of all documents, merged; deterministic for the same documents."""
    found_factors: list[_FoundFactor] = []
    found_items: list[_Found] = []
    by_id = {d.doc_id: d for d in documents}
    for document in documents:
        factors, items = extract_from_document(document)
        found_factors.extend(factors)
        found_items.extend(items)

    taken: set[str] = set()
    merged: list[list[_FoundFactor]] = []
    for factor in found_factors:
        best = max(merged, key=lambda group: _similarity(group[0].name, factor.name), default=None)
        if best is not None and _similarity(best[0].name, factor.name) >= 0.6:
            best.append(factor)
        else:
            merged.append([factor])
    factors: list[Factor] = []
    factor_of_key: dict[tuple[str, str], Factor] = {}
    for group in merged:
        name = min((f.name for f in group), key=_plainest)
        label = next((f.label for f in group if f.label), None)
        factor = Factor(_slug(name, taken), label, name, [f.source for f in group])
        factors.append(factor)
        for f in group:
            factor_of_key[f.key] = factor

    entry_points: list[EntryPoint] = []
    lists: dict[tuple[str, str, str], list[_Found]] = {}  # (factor id or group, doc, group) -> ordered items
    for item in found_items:
        owner = factor_of_key[item.factor_key].factor_id if item.factor_key else f"list:{_slug_key(item.group)}"
        lists.setdefault((owner, item.source.doc_id, item.group), []).append(item)
    clusters: dict[str, list[list[_Found]]] = {}
    for (owner, _doc, _group), items in lists.items():
        existing = clusters.setdefault(owner, [])
        if not existing:
            existing.extend([item] for item in items)
            continue
        if len(items) == len(existing):  # same numbering on both sides: pair by position
            for cluster, item in zip(existing, items):
                cluster.append(item)
            continue
        for item in items:
            scores = [max(_similarity(f"{m.title} {m.source.text}", f"{item.title} {item.source.text}") for m in c) for c in existing]
            best = max(range(len(existing)), key=scores.__getitem__)
            if scores[best] >= 0.35:
                existing[best].append(item)
            else:
                existing.append([item])
    for owner, owner_clusters in clusters.items():
        factor = next((f for f in factors if f.factor_id == owner), None)
        for cluster in owner_clusters:
            title = min((m.title for m in cluster), key=_plainest)
            first = cluster[0]
            entry = EntryPoint(
                entry_id=_slug(title, taken),
                kind=first.kind,
                label=first.label,
                title=title,
                factor_id=factor.factor_id if factor else None,
                sources=[m.source for m in cluster],
                summary=summarise(cluster, by_id),
            )
            entry_points.append(entry)
            if factor:
                factor.entry_point_ids.append(entry.entry_id)
    return Catalogue(factors, entry_points)


def _plainest(text: str) -> tuple[int, int, str]:
    """Shortest first; of equal length, sentence case before Title Case."""
    return len(text), sum(c.isupper() for c in text), text


def _slug_key(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


# ---------------------------------------------------------------- summaries


def summarise(cluster: list[_Found], documents: dict[str, Document]) -> list[Quote]:
    """1–3 verbatim sentences that state the entry point best.

    A sentence scores by how much of the entry point's wording (title and every place it
    is stated) it carries, so a sentence that two briefs both make ranks high; the
    heading itself counts when it is a full recommendation. Sentences are then taken
    best first until about SUMMARY_MAX_WORDS words, skipping ones that repeat a chosen one.
    """
    vocabulary = Counter(t for m in cluster for t in terms(f"{m.title} {m.source.text}"))
    title_terms = {t for m in cluster for t in terms(m.title)}
    candidates: list[tuple[float, Quote]] = []
    for member in cluster:
        document = documents[member.source.doc_id]
        if member.heading_quote is not None:
            candidates.append((_score(member.heading_quote.text, vocabulary, title_terms) * 1.2, member.heading_quote))
        line, line_start = heading_line(document, _section_at(document, member.source.start))
        body_start = line_start + len(line) if member.kind == "entry_point" else member.source.start
        for start, end in sentence_spans(document.text, body_start, member.source.end):
            text = document.text[start:end]
            if len(text.split()) < 6 or not is_answer_sentence(document.text, start, end):
                continue
            candidates.append((_score(text, vocabulary, title_terms), _quote(document, start, end, member.source.section)))
    chosen: list[Quote] = []
    words = 0
    for score, quote in sorted(candidates, key=lambda c: (-c[0], c[1].doc_id, c[1].start)):
        if len(chosen) == SUMMARY_MAX_SENTENCES or (chosen and words + len(quote.text.split()) > SUMMARY_MAX_WORDS):
            continue
        if any(_similarity(quote.text, c.text) >= 0.5 for c in chosen):
            continue
        chosen.append(quote)
        words += len(quote.text.split())
    order = {m.source.doc_id: i for i, m in reversed(list(enumerate(cluster)))}
    return sorted(chosen, key=lambda q: (order.get(q.doc_id, 0), q.start))


def _score(text: str, vocabulary: Counter[str], title_terms: set[str]) -> float:
    words = terms(text)
    if not words:
        return 0.0
    support = sum(vocabulary[w] for w in set(words)) / (len(set(words)) ** 0.5)
    return support * (1 + len(title_terms & set(words)) / max(1, len(title_terms)))


def _section_at(document: Document, offset: int) -> Section:
    return next(s for s in document.sections if s.start <= offset < s.end)


# ---------------------------------------------------------------- persistence


def catalogue_to_json(catalogue: Catalogue) -> dict:  # type: ignore[type-arg]
    return asdict(catalogue)


def catalogue_from_json(data: dict) -> Catalogue:  # type: ignore[type-arg]
    def quote(raw: dict) -> Quote:  # type: ignore[type-arg]
        return Quote(**{**raw, "pages": tuple(raw["pages"]), "printed_pages": tuple(raw.get("printed_pages", ()))})

    factors = [Factor(**{**f, "sources": [quote(s) for s in f["sources"]]}) for f in data["factors"]]
    entry_points = [
        EntryPoint(**{**e, "sources": [quote(s) for s in e["sources"]], "summary": [quote(q) for q in e["summary"]]})
        for e in data["entry_points"]
    ]
    return Catalogue(factors, entry_points)
