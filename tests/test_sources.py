"""A URL for every source: citations link to a view of their span, which links to the original file."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.sources import render_view
from assistant.models import Document, PageSpan, Section
from conftest import BRIEFING_NOTE, CORPUS
from test_api import settings  # noqa: F401 - the fixture: a service of its own over the shipped corpus


@pytest.fixture
def client(settings, real_retriever):  # noqa: F811
    with TestClient(create_app(settings, real_retriever.embedder)) as test_client:
        yield test_client


@pytest.mark.model
def test_every_citation_links_to_its_span_highlighted_in_its_document(client):
    answer = client.post("/ask", json={"question": "What are the push factors of forced displacement?"}).json()
    assert answer["citations"]
    for citation in answer["citations"]:
        url = urlsplit(citation["url"])
        assert url.fragment == "cited"
        assert parse_qs(url.query) == {"start": [str(citation["start"])], "end": [str(citation["end"])]}
        page = client.get(f"{url.path}?{url.query}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f'<mark id="cited">{html.escape(citation["quote"])}</mark>' in page.text
        assert html.escape(citation["title"]) in page.text
    for passage in answer["passages"]:
        assert passage["url"].startswith(f"/documents/{passage['doc_id']}/view?start={passage['start']}&")


@pytest.mark.model
def test_the_original_file_is_served_and_a_pdf_view_links_to_its_page(client):
    original = client.get(f"/documents/{BRIEFING_NOTE}/file")
    assert original.status_code == 200 and original.headers["content-type"] == "application/pdf"
    assert original.content == (CORPUS / f"{BRIEFING_NOTE}.pdf").read_bytes()
    text = client.get(f"/documents/{BRIEFING_NOTE}").json()["text"]
    start = text.index("SSR")
    view = client.get(f"/documents/{BRIEFING_NOTE}/view", params={"start": start, "end": start + 3}).text
    assert f'href="/documents/{BRIEFING_NOTE}/file#page=' in view


@pytest.mark.model
def test_a_view_outside_the_document_or_of_an_unknown_one_is_a_clear_4xx(client):
    assert client.get(f"/documents/{BRIEFING_NOTE}/view", params={"start": 10, "end": 5}).status_code == 422
    too_far = client.get(f"/documents/{BRIEFING_NOTE}/view", params={"start": 0, "end": 10**9})
    assert too_far.status_code == 422 and "document's length" in too_far.json()["error"]["message"]
    assert client.get("/documents/nope/view").status_code == 404
    assert client.get("/documents/nope/file").status_code == 404


def test_the_view_escapes_brief_text_and_names_section_and_page():
    text = "Intro.\n\nPolice <script>alert(1)</script> & courts reform together."
    document = Document(
        doc_id="d", title="A <b>brief</b>", source_path="d.pdf", format="pdf", text=text, content_hash="h",
        sections=[Section(path=("Reform", "Police"), start=8, end=len(text))],
        pages=[PageSpan(page=1, start=0, end=8), PageSpan(page=2, start=8, end=len(text))],
    )
    start = text.index("Police")
    page = render_view(document, start, len(text))
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &lt;b&gt;brief&lt;/b&gt;" in page
    assert "Reform › Police · page 2" in page
    assert 'href="/documents/d/file#page=2"' in page
