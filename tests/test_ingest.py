import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import CorpusError, DocumentError
from assistant.ingest import detect_format, document_id, load_corpus, load_document
from assistant.structure import join_lines
from hostile import nested_operands_pdf, text_flood_pdf
from conftest import BACKGROUNDER, BRIEFING_NOTE, CORPUS, FIXTURES, IGNORE, MIGRATION, PUSH_FACTORS, UN_REVIEW


def page_of(document, quote):
    start = document.text.index(quote)
    return document.pages_for(start, start + len(quote))


def entry_point_paths(document):
    return [s.path for s in document.sections if s.path and "SSR Entry Point" in s.path[-1]]


def push_factor_titles(document):
    return {s.path[-1] for s in document.sections if "ush factor" in s.path[-1] or "ush Factor" in s.path[-1] or "Threats to human security" in s.path[-1]}


# ---------------------------------------------------------------- PDF


def test_pdf_running_header_and_footer_are_dropped(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    assert "DCAF-ISSAT Briefing Note" not in note.text
    assert "Page 3" not in note.text
    assert note.text.count("Forced Displacement & Security Sector Reform") == 1  # the title, once
    backgrounder = corpus_documents[BACKGROUNDER]
    assert "SSR Backgrounder Series, DCAF 2019" not in backgrounder.text
    assert not any(line.strip().startswith("Page ") for line in backgrounder.text.split("\n"))


def test_pdf_pages_follow_the_text(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    assert page_of(note, "Because of ongoing armed conflicts") == (1,)
    assert page_of(note, "In 1991, the post 1945 period peaked") == (3,)
    assert page_of(note, "Compulsory military service frequently generates refugees") == (5,)
    # a sentence that runs from page 2 onto page 3 is one paragraph on both pages
    assert page_of(note, "at sea and on land through more effective") == (2, 3)
    backgrounder = corpus_documents[BACKGROUNDER]
    assert page_of(backgrounder, "WHAT DIFFERENCE DOES A NAME MAKE?") == (7,)
    assert max(span.page for span in backgrounder.pages) == 9


def test_pdf_lines_are_rejoined_and_paragraphs_kept(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    assert "we are witnessing the worst humanitarian crises in decades" in note.text  # crossed a line break
    assert "Introduction\n\nBecause of ongoing" in note.text
    assert note.title == "Forced Displacement & Security Sector Reform"


def test_pdf_bullets_drawn_apart_from_their_items_become_bullet_items(corpus_documents):
    import unicodedata

    for document in corpus_documents.values():
        controls = {c for c in document.text if unicodedata.category(c) in ("Cc", "Co") and c not in "\n\t"}
        assert not controls, (document.doc_id, controls)
    backgrounder = corpus_documents[BACKGROUNDER]
    assert "include the following:\n\n• Reforms to the political system." in backgrounder.text
    assert "SSR programming can focus on:\n\n• processes that affect" in backgrounder.text


def test_footnotes_are_moved_to_a_notes_section(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    notes = [s for s in note.sections if s.path == ("Notes",)]
    assert len(notes) == 1
    assert "Hobbes, Thomas Leviathan" in note.text[notes[0].start : notes[0].end]


def test_hyphenated_line_ends_are_mended():
    assert join_lines(["the democra-", "tisation of non-", "state actors and duty-", "bearers"]) == (
        "the democratisation of non-state actors and duty-bearers"
    )
    assert join_lines(["ends here.", "Next line"]) == "ends here. Next line"


def test_line_end_hyphens_follow_how_the_document_writes_the_word_elsewhere(tmp_path):
    brief = tmp_path / "hyphens.txt"
    brief.write_text(
        "Hyphens Brief\n\n"
        "The new fa-\ncilities opened in May. Other facilities closed.\n\n"
        "A start-up grew fast. Each start-\nup needs funds, and each com-\nmunity needs a say.\n"
    )
    text = load_document(brief).text
    assert "The new facilities opened" in text  # the document writes "facilities" whole: the hyphen goes
    assert "Each start-up needs funds" in text  # and "start-up" with one: the hyphen stays
    assert "each community needs" in text  # neither: the rule of fragments decides, as before


def test_corrupt_pdf_is_a_clear_error():
    data = (CORPUS / f"{BRIEFING_NOTE}.pdf").read_bytes()
    with pytest.raises(DocumentError, match="cannot be read|no extractable text|no pages"):
        load_document(Path("broken.pdf"), data=data[: len(data) // 3])
    with pytest.raises(DocumentError, match="cannot be read|no pages|no extractable"):
        load_document(Path("garbage.pdf"), data=b"%PDF-1.7\n" + b"\x00garbage" * 200)


def test_encrypted_pdf_is_a_clear_error():
    writer = PdfWriter(clone_from=PdfReader(CORPUS / f"{BRIEFING_NOTE}.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentError, match="encrypted"):
        load_document(Path("locked.pdf"), data=buffer.getvalue())


def test_image_only_pdf_is_a_clear_error():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentError, match="no extractable text"):
        load_document(Path("scan.pdf"), data=buffer.getvalue())


# ---------------------------------------------------------------- formats and files


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("fake.pdf", b"just some text", "not a PDF"),
        ("sheet.xlsx", b"PK\x03\x04 binary", "unsupported"),
        ("binary.txt", b"abc\x00\x01\x02", "binary"),
    ],
)
def test_unsupported_or_mislabelled_files_are_refused(name, data, message):
    with pytest.raises(DocumentError, match=message):
        detect_format(name, data)


def test_format_is_chosen_by_content():
    assert detect_format("brief", b"%PDF-1.4 ...") == "pdf"
    assert detect_format("notes.txt", b"# Title\n\nSome **bold** text and a [link](http://x).\n") == "markdown"
    assert detect_format("plain.txt", b"1. first\n2. second\n3. third\n") == "text"


def test_windows_1252_text_is_read():
    document = load_document(Path("old.txt"), data="Caf\u00e9 security reform \u2013 a brief.\n".encode("cp1252"))
    assert "Café security reform – a brief." in document.text


def test_a_bad_file_does_not_stop_the_corpus(tmp_path):
    (tmp_path / "good.txt").write_text("A Brief Title\n\nSecurity sector reform makes security provision accountable.\n")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    (tmp_path / "README.md").write_text("# not a brief")
    documents, problems = load_corpus(tmp_path, IGNORE)
    assert [d.doc_id for d in documents] == ["good"]
    assert len(problems) == 1 and "broken.pdf" in problems[0].reason


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere", IGNORE)
    with pytest.raises(CorpusError, match="No brief"):
        load_corpus(tmp_path, IGNORE)


def test_documents_have_stable_ids_titles_hashes(corpus_documents):
    assert set(corpus_documents) == {BRIEFING_NOTE, PUSH_FACTORS, MIGRATION, BACKGROUNDER, UN_REVIEW}
    assert document_id(Path("My Brief (2019).PDF")) == "my-brief-2019"
    again = load_document(CORPUS / f"{UN_REVIEW}.txt")
    assert again.content_hash == corpus_documents[UN_REVIEW].content_hash
    assert corpus_documents[UN_REVIEW].title == "Strengthening Security Sector Reform"
    assert corpus_documents[BACKGROUNDER].title == "Security Sector Reform"


# ---------------------------------------------------------------- headings on all five briefs


def test_briefing_note_push_factors_and_entry_points_become_section_paths(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    labels = [s.label for s in note.sections]
    assert (
        "Technical Detail › III. Push factor: Armed violence in countries formally at peace › "
        "a. SSR Entry Point: Support community policing and criminal investigative capacities"
    ) in labels
    for part in ("Recommendations", "Technical Detail"):
        entry_points = [p for p in entry_point_paths(note) if p[0] == part]
        assert len(entry_points) == 9, part  # two for each of four push factors, one for transit
        factors = {p[1].split(".")[0] for p in entry_points}
        assert factors == {"I", "II", "III", "IV", "V"}


def test_push_factor_web_page_headings(corpus_documents):
    page = corpus_documents[PUSH_FACTORS]
    entry_points = entry_point_paths(page)
    assert len(entry_points) == 9
    assert {p[0].split(" - ")[0] for p in entry_points} == {f"Push Factor {n}" for n in range(1, 6)}
    assert ("Push Factor 3 - Armed Violence in Countries Formally at Peace",
            "SSR Entry Point - Support Community Policing and Criminal Investigative Capacities") in entry_points


def test_other_briefs_headings(corpus_documents):
    assert {"Definitions - Distinguishing Migration and Forced Displacement", "Swiss Migration Partnerships",
            "Challenges for the International Community"} <= {s.label for s in corpus_documents[MIGRATION].sections}
    assert {"From Policy to Practice - Key Findings", "Strategic Recommendations to Enhance UN SSR Work"} <= {
        s.label for s in corpus_documents[UN_REVIEW].sections
    }
    backgrounder = {s.label for s in corpus_documents[BACKGROUNDER].sections}
    assert {"WHAT IS SECURITY SECTOR REFORM?", "WHY REFORM THE SECURITY SECTOR?", "SSR AND GENDER EQUALITY"} <= backgrounder
    # list lines (conventions, names, addresses) are not headings
    assert "Global Refugee Compact - UN, 2018" not in {s.label for s in corpus_documents[MIGRATION].sections}


def test_markdown_and_text_fixtures_of_the_pdfs(corpus_documents):
    markdown = load_document(FIXTURES / f"{BACKGROUNDER}.md")
    assert markdown.format == "markdown"
    assert "**" not in markdown.text and "](" not in markdown.text
    assert {"WHAT IS SECURITY SECTOR REFORM?", "WHERE DID SSR COME FROM?"} <= {s.label for s in markdown.sections}
    text = load_document(FIXTURES / f"{BRIEFING_NOTE}.txt")
    assert text.format == "text"
    assert len(entry_point_paths(text)) == 18
    assert {p[0].split(".")[0] for p in entry_point_paths(text)} == {"I", "II", "III", "IV", "V"}


def test_structure_follows_a_brief_we_wrote():
    brief = (
        "# Water and Security\n\nAn introduction that explains the brief in a full sentence.\n\n"
        "## Threat 1 - Drought\n\nDroughts push farmers off their land.\n\n"
        "- Response Option - Build wells. Wells keep villages in place.\n"
        "- Response Option - Share rivers. Treaties reduce conflict.\n\n"
        "## Threat 2 - Floods\n\nFloods destroy homes.\n"
    )
    document = load_document(Path("water.md"), data=brief.encode())
    labels = [s.label for s in document.sections]
    assert document.title == "Water and Security"
    assert "Threat 1 - Drought › Response Option - Build wells" in labels
    assert "Threat 2 - Floods" in labels


def test_a_title_from_the_file_name_is_spelt_as_the_document_spells_its_words(tmp_path):
    from assistant.ingest import load_document

    brief = tmp_path / "un-support-to-ssr-in-europe.txt"
    brief.write_text("The UN supports SSR across Europe. SSR helps; the UN reviews support every year.\n")
    assert load_document(brief).title == "UN support to SSR in Europe"


def test_a_pdf_built_to_exhaust_the_reader_is_a_clear_error_not_a_crash():
    from assistant.errors import DocumentError
    from assistant.ingest import load_document

    with pytest.raises(DocumentError, match="cannot be read|exhaust a reader|no extractable text"):
        load_document(Path("nested.pdf"), nested_operands_pdf(), "nested.pdf")


def test_a_pdf_whose_text_passes_the_cap_stops_being_read_at_once():
    from assistant.errors import DocumentError
    from assistant.ingest import load_document

    brief = CORPUS / f"{BRIEFING_NOTE}.pdf"
    with pytest.raises(DocumentError, match=r"more than 1,000 characters.*by page 1 "):
        load_document(brief, max_chars=1_000)
    assert load_document(brief, max_chars=1_000_000).text


def test_one_page_drawing_a_form_thousands_of_times_stops_being_read_within_the_page():
    """pypdf reads each form under `except Exception`; the cap must still stop the page, not one drawing of the form."""
    import assistant.ingest as ingest

    pages_read = []
    original = ingest._page_lines

    def counted(page, number, budget=None):  # type: ignore[no-untyped-def]
        pages_read.append(number)
        return original(page, number, budget)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "_page_lines", counted)
        with pytest.raises(DocumentError, match=r"more than 50,000 characters.*by page 1 of 20"):
            load_document(Path("flood.pdf"), text_flood_pdf(pages=20, uses=2_000), "flood.pdf", max_chars=50_000)
    assert pages_read == [1]


@pytest.mark.parametrize("failure", ["limit", "recursion"])
def test_reader_exhaustion_errors_become_document_errors(monkeypatch, failure):
    import assistant.ingest as ingest
    from pypdf.errors import LimitReachedError

    def exhausted(*args, **kwargs):
        raise LimitReachedError("decompression limit") if failure == "limit" else RecursionError("too deep")

    monkeypatch.setattr(ingest, "PdfReader", exhausted)
    with pytest.raises(DocumentError, match="exhaust a reader"):
        load_document(Path("bomb.pdf"), b"%PDF-1.7\n%bomb", "bomb.pdf")
