"""An answer, a passage or an entry point as JSON: the one shape the CLI (--json), the API, the MCP tools
and the evaluation all read. The dataclasses of answering.py are the definition; this is their
form on the wire, built in one place (api/schemas.py documents it for OpenAPI).
"""

from __future__ import annotations

from urllib.parse import quote as quote_url

from .answering import Answer, Citation
from .catalogue import EntryPoint, Factor
from .models import Quote, SearchHit


def source_url(doc_id: str, start: int, end: int) -> str:
    """Where a span can be read in its document: the service's source view, relative to its root."""
    return f"/documents/{quote_url(doc_id, safe='')}/view?start={start}&end={end}#cited"


def quote_payload(quote: Quote) -> dict:  # type: ignore[type-arg]
    return {
        "doc_id": quote.doc_id,
        "title": quote.title,
        "section": quote.section,
        "pages": list(quote.pages),
        "start": quote.start,
        "end": quote.end,
        "url": source_url(quote.doc_id, quote.start, quote.end),
        "printed_pages": list(quote.printed_pages),
        "text": quote.text,
    }


def citation_payload(citation: Citation) -> dict:  # type: ignore[type-arg]
    located = quote_payload(citation.source)
    quote = located.pop("text")
    return {"marker": citation.marker, **located, "quote": quote, "score": citation.score}


def entry_point_payload(entry: EntryPoint, factor: Factor | None, score: float | None = None) -> dict:  # type: ignore[type-arg]
    payload = {
        "id": entry.entry_id,
        "kind": entry.kind,
        "label": entry.label,
        "title": entry.title,
        "factor": {"id": factor.factor_id, "label": factor.label, "name": factor.name} if factor else None,
        "summary": [quote_payload(q) for q in entry.summary],
        "sources": [quote_payload(s) for s in entry.sources],
    }
    if score is not None:
        payload["score"] = score
    return payload


def passage_payload(hit: SearchHit) -> dict:  # type: ignore[type-arg]
    passage = hit.passage
    return {
        "rank": hit.rank,
        "score": round(hit.score, 6),
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "title": passage.title,
        "section": passage.section,
        "section_path": list(passage.section_path),
        "pages": list(passage.pages),
        "start": passage.start,
        "end": passage.end,
        "url": source_url(passage.doc_id, passage.start, passage.end),
        "text": passage.text,
        "also_in": [
            {
                "doc_id": d.doc_id, "title": d.title, "section": d.section, "pages": list(d.pages), "start": d.start,
                "end": d.end, "url": source_url(d.doc_id, d.start, d.end),
            }
            for d in hit.duplicates
        ],
    }


def answer_payload(answer: Answer) -> dict:  # type: ignore[type-arg]
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "support": answer.support,
        "support_probability": answer.support_probability,
        "searched_as": answer.searched_as,
        "language": answer.language,
        "message": answer.message,
        "confidence": round(answer.confidence, 4),
        "effective_query": answer.resolved.query,
        "followup": answer.resolved.followup,
        "followup_reason": answer.resolved.reason,
        "unknown_names": answer.unknown_names,
        "sentences": [{"text": s.text, "markers": s.markers} for s in answer.sentences],
        "citations": [citation_payload(c) for c in answer.citations],
        "entry_points": [entry_point_payload(m.entry, m.factor, m.score) for m in answer.entry_points],
        "passages": [passage_payload(hit) for hit in answer.passages],
        "timings": answer.timings,
    }
