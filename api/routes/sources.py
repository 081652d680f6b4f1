"""A URL for every source: the original brief, and a readable view of a cited span in its document.

Citations carry `url` (the view of their span, see `assistant.payloads.source_url`); the view
links to the original file, PDFs opened at the cited page. Plain HTML with the page's own style
sheet: no script, no CDN, every piece of brief text escaped.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, HTMLResponse

from assistant.errors import InvalidQuestion, UnknownDocument, echoed
from assistant.models import Document

from ..deps import READ, ServiceDep

router = APIRouter(tags=["documents"], dependencies=READ)
DocId = Annotated[str, Path(description="A document id from GET /documents.", examples=["strengthening-un-support-to-ssr"])]
MEDIA_TYPES = {"pdf": "application/pdf", "markdown": "text/markdown; charset=utf-8", "text": "text/plain; charset=utf-8"}


@router.get("/documents/{doc_id}/file", summary="The original brief", response_class=FileResponse)
def original(doc_id: DocId, service: ServiceDep) -> FileResponse:
    """The file the brief was indexed from, as it was uploaded or placed in the corpus folder. Append `#page=N`
    to open a PDF at a page."""
    document = _document(service, doc_id)
    path = service.source_file(doc_id)
    return FileResponse(
        path, media_type=MEDIA_TYPES.get(document.format, "application/octet-stream"),
        headers={"Content-Disposition": f'inline; filename="{path.name}"'},
    )


@router.get("/documents/{doc_id}/view", summary="A cited span in its document", response_class=HTMLResponse)
def view(
    doc_id: DocId,
    service: ServiceDep,
    start: Annotated[int, Query(ge=0, description="First character of the span (a citation's start).")] = 0,
    end: Annotated[int, Query(ge=0, description="Character after the span (a citation's end).")] = 0,
) -> HTMLResponse:
    """The document's text as an HTML page, the span [start, end) highlighted (`#cited` scrolls to it), with its
    title, section path and page, and a link to the original opened at that page."""
    document = _document(service, doc_id)
    if end > len(document.text) or start > end:
        raise InvalidQuestion(
            f"start and end must satisfy 0 <= start <= end <= {len(document.text)} (the document's length); "
            "take them from a citation."
        )
    return HTMLResponse(render_view(document, start, end))


def render_view(document: Document, start: int, end: int) -> str:
    """The page for one span of one document (pure: tested without a server)."""
    text = document.text
    section = next((s for s in reversed(document.sections) if s.path and s.start <= start < max(s.end, s.start + 1)), None)
    pages = document.pages_for(start, max(end, start + 1))
    file_url = f"/documents/{document.doc_id}/file" + (f"#page={pages[0]}" if document.format == "pdf" and pages else "")
    where = " › ".join(section.path) if section else ""
    page_note = f"page {_printed(document, pages[0])}" if len(pages) == 1 else (
        f"pages {_printed(document, pages[0])}–{_printed(document, pages[-1])}" if pages else ""
    )
    body = (
        html.escape(text[:start])
        + ('<mark id="cited">' + html.escape(text[start:end]) + "</mark>" if end > start else '<span id="cited"></span>')
        + html.escape(text[end:])
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(document.title)}</title>
<link rel="stylesheet" href="/static/view.css">
</head>
<body>
<header>
<h1>{html.escape(document.title)}</h1>
<p class="where">{html.escape(where)}{' · ' if where and page_note else ''}{html.escape(page_note)}</p>
<p><a href="{html.escape(file_url)}">Open the original{' at ' + html.escape(page_note) if document.format == 'pdf' and page_note else ''}</a>
· <a href="#cited">Go to the quoted passage</a></p>
</header>
<main><div class="text">{body}</div></main>
</body>
</html>
"""


def _printed(document: Document, page: int) -> str:
    """The page as the brief numbers it, and the PDF's own page when that differs ("iv (PDF page 6)")."""
    label = document.page_label(page)
    return label if label == str(page) else f"{label} (PDF page {page})"


def _document(service: ServiceDep, doc_id: str) -> Document:
    documents = service.answerer.index.documents
    if doc_id not in documents:
        raise UnknownDocument(f"No document with id '{echoed(doc_id)}'. GET /documents lists them.")
    return documents[doc_id]
