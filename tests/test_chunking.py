from pathlib import Path

from assistant.chunking import chunk_document, sentence_spans
from assistant.models import Document, Section
from conftest import BRIEFING_NOTE


def test_every_passage_is_its_document_text_at_its_offsets(corpus_documents):
    for document in corpus_documents.values():
        for passage in chunk_document(document):
            assert document.text[passage.start : passage.end] == passage.text
            assert passage.doc_id == document.doc_id


def test_passages_never_straddle_sections_and_a_heading_alone_is_no_passage(corpus_documents):
    from assistant.chunking import STUB_WORDS

    for document in corpus_documents.values():
        for passage in chunk_document(document):
            section = next(s for s in document.sections if s.start <= passage.start < s.end)
            assert passage.end <= section.end and passage.section_path == section.path
            assert len(passage.text.split()) > STUB_WORDS  # no passage is a heading on its own
            assert passage.section_path == section.path


def test_passage_sizes_and_overlap(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    passages = chunk_document(note, min_words=80, max_words=250, overlap=1)
    assert max(len(p.text.split()) for p in passages) <= 250 * 1.25
    # a long section is split on sentence boundaries with one sentence of overlap
    by_section: dict = {}
    for passage in passages:
        by_section.setdefault(passage.section_path, []).append(passage)
    split = [group for group in by_section.values() if len(group) > 1]
    assert split
    first, second = split[0][0], split[0][1]
    assert second.start < first.end  # overlap
    assert first.text.rstrip().endswith((".", ";", "?", "!", "”", ")"))


def test_short_sections_are_not_padded():
    text = "Heading A\n\nOne short line.\n\nHeading B\n\nAnother short line."
    document = Document("d", "D", "d.txt", "text", text, "h", sections=[Section(("A",), 0, 27), Section(("B",), 27, len(text))])
    passages = chunk_document(document)
    assert [p.text for p in passages] == ["Heading A\n\nOne short line.", "Heading B\n\nAnother short line."]


def test_passage_ids_are_stable_and_unique(corpus_documents):
    note = corpus_documents[BRIEFING_NOTE]
    first = [p.passage_id for p in chunk_document(note)]
    assert first == [p.passage_id for p in chunk_document(note)]
    assert len(set(first)) == len(first)


def test_sentence_spans_are_exact():
    text = "The U.S. gave 4.5 million. Then it stopped!\n\nA new paragraph"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["The U.S. gave 4.5 million.", "Then it stopped!", "A new paragraph"]


def test_which_sentences_can_stand_in_an_answer():
    from assistant.sentences import is_answer_sentence

    def judged(text: str) -> bool:
        start = text.index("|")
        text = text.replace("|", "")
        return is_answer_sentence(text, start, len(text))

    assert judged("|Typical situations that may call for SSR include the following:")
    assert judged("• |processes that affect how the entire system functions, for example legislative reform.")  # list item
    assert not judged("Text ends here\n|processes that affect how the entire system functions.")  # a tail in lower case
    assert not judged("Reforms of many kinds, e.g. |processes that affect how the entire system functions.")  # after an abbreviation
    assert judged("Where protection is weak, flight follows. |this has been seen with many persecuted groups.")  # not capitalised
    assert not judged("• |UN SSR Taskforce Security")  # a reading-list entry: short and unpunctuated
    assert judged("• |Increase UN Security Council dialogue with host countries on reform")  # a recommendation's length
    assert not judged("|Is this a question about reform?")
    assert not judged("|Too short.")
    assert not judged("|Resource: »Harbour Pilots at Work« A Guide to Night Tides, the Port Institute, 2017.")  # reading
    assert not judged("|See also: the harbour court's annual report on smuggling cases.")
    # a publisher's notice says nothing of the subject
    assert not judged("|Readers may copy and distribute this note provided that the Port Institute is credited.")
    assert not judged("|© Port Institute 2019. All rights reserved.")
    assert not judged("|Not for commercial use.")
    assert not judged("|The views expressed here do not necessarily reflect those of the harbour board.")
    assert judged("|The port police may copy records of seized cargo to the customs office.")  # copying as content
    assert judged("|Aid agencies distributed food provided by the harbour board to the crews.")
    assert not judged("|No part of this note may be reproduced without the written permission of the Port Institute.")


def test_a_long_sentence_quoting_several_sentences_is_split_inside_the_quotation():
    quoted = ("Pilots are licensed by the board, while apprentices are limited to “…persons sailing under a master. They "
              "are so limited because the night tides are dangerous, and because the harbour mouth silts up every "
              "winter. These are people for whom an error at the helm can cost the ship. Apprentices are named in the "
              "harbour code of the port. The code of 1951 and its protocol as well as other texts, such as the charter”.")
    text = f"The board met. {quoted} Then it adjourned."
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert len(quoted.split()) > 60 and sentences[0] == "The board met." and sentences[-1] == "Then it adjourned."
    assert "These are people for whom an error at the helm can cost the ship." in sentences
    assert sentences[1].startswith("Pilots are licensed") and sentences[1].endswith("under a master.")
    assert sentences[-2].endswith("the charter”.")  # the closing mark stays where it was written
    # a short quotation stays whole
    short = "The board said “We are done. Go home.” and left."
    assert [short[a:b] for a, b in sentence_spans(short)] == [short]


def test_a_footnote_mark_glued_to_a_full_stop_ends_the_sentence():
    text = "Pilots are protected by the harbour code.xii For many, the quay is the first point of call. Dues rose.iv The board agreed."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Pilots are protected by the harbour code.xii", "For many, the quay is the first point of call.", "Dues rose.iv",
        "The board agreed.",
    ]
    decimal = "Dues rose to 2.5 Million in 2016. Then they fell."  # a decimal point is no footnote
    assert [decimal[a:b] for a, b in sentence_spans(decimal)] == ["Dues rose to 2.5 Million in 2016.", "Then they fell."]


def test_a_number_cut_at_its_decimal_point_stays_one_sentence():
    from assistant.chunking import sentence_spans

    text = "The number of the displaced is estimated to be 25. 9 million in 2017, up from 13 million. Most fled in 2016. 2017 was calmer."
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences[0] == "The number of the displaced is estimated to be 25. 9 million in 2017, up from 13 million."
    assert "Most fled in 2016." in sentences and "2017 was calmer." in sentences


def test_a_list_items_short_label_is_quoted_with_the_sentence_after_it():
    from assistant.chunking import sentence_spans
    from assistant.sentences import with_item_labels

    text = (
        "Situations that call for reform include:\n\n"
        "• Peace processes. A security sector that serves everyone can prevent violent conflict.\n\n"
        "• Rule of law reforms. Justice is directly linked to security. It needs courts.\n\n"
        "Short line. Then a plain paragraph follows here."
    )
    quoted = [text[a:b] for a, b in with_item_labels(text, sentence_spans(text))]
    assert "Peace processes. A security sector that serves everyone can prevent violent conflict." in quoted
    assert "Rule of law reforms. Justice is directly linked to security." in quoted and "It needs courts." in quoted
    assert "Short line." in quoted  # not a list item: a short sentence stays itself


def test_reading_list_entries_and_titles_never_answer():
    from assistant.sentences import is_answer_sentence

    def judged(line: str) -> bool:
        return is_answer_sentence(line, 0, len(line))

    assert not judged("Harbour Policing in *Coastal Security Notes* (Port Authority, 2012, pp. 13–34).")
    assert not judged("(Lisbon: University of the Coast, 2007).")
    assert not judged("Maria Costa and Jon Berg (eds)")
    assert not judged("No Harbour, No Trade: A Guide to Local Ownership of Port Security")  # a title, unpunctuated
    assert judged("The port police publish their budget every year (see the annual report).")
    line = "• Increase UN Security Council dialogue with host countries on reform"  # a recommendation, not a title
    assert is_answer_sentence(line, 2, len(line))


def test_a_list_whose_bullets_were_lost_is_quoted_line_by_line():
    from assistant.chunking import sentence_spans
    from assistant.models import Document
    from assistant.sentences import answer_span, document_list_lines, heading_spans, unmarked_list_follows, unmarked_list_lines

    text = (
        "Harbour Rules\n\nInstruments\n\nThe harbour follows these texts.\n\n"
        "Harbour Safety Convention - IMO, 1974\n\nPort Workers (Rest Days) Convention - ILO, 1951\n\n"
        "Fishing Boats Code - FAO, 2005\n\nReading\n\n• Port Guide\n\nHarbour Policing in Practice\n\n"
        "Lisbon Harbour Office, Annual Review 2012\n\nCoastal Guard Handbook for Officers\n\n"
        "SHIPPING TITLE\n\nA subtitle set on its own line\n\nOTHER HEADING\n\nBody text here."
    )
    document = Document("h", "Harbour Rules", "h.txt", "text", text, "x")
    headings = heading_spans(document)
    lines = unmarked_list_lines(text, {h[0] for h in headings})
    quoted = [text[a:b] for a, b in sentence_spans(text) if answer_span(a, b, headings, text, lines)]
    # three short unpunctuated lines in a row, after a paragraph: the items of a list, each quotable
    assert {"Harbour Safety Convention - IMO, 1974", "Port Workers (Rest Days) Convention - ILO, 1951",
            "Fishing Boats Code - FAO, 2005"} <= set(quoted)
    # beside a bulleted line they are the wrapped text of a marked item (a reading list), not a list
    assert "Harbour Policing in Practice" not in quoted and "Coastal Guard Handbook for Officers" not in quoted
    # a subtitle between lines in capitals is no list; only whole lines are items
    assert text.index("A subtitle") not in lines
    assert "Convention - IMO" not in quoted
    assert lines == {text.index(item) for item in ("Harbour Safety", "Port Workers", "Fishing Boats")}
    assert document_list_lines(document) == lines
    # the sentence before the run introduces the list; the last item introduces nothing
    assert unmarked_list_follows(text, text.index(" texts.") + len(" texts."), lines)
    assert not unmarked_list_follows(text, text.index(", 2005") + len(", 2005"), lines)


def test_every_row_of_a_long_table_is_an_item():
    from assistant.sentences import unmarked_list_lines

    rows = "\n".join(f"Row number {i} of the long table here" for i in range(20_000))
    assert len(unmarked_list_lines("Intro.\n" + rows)) == 20_000  # one pass over the lines, not one walk per row


def test_short_list_items_are_kept_to_be_quoted_with_their_list_but_never_on_their_own():
    from assistant.chunking import chunk_document
    from assistant.ingest import load_document
    from assistant.sentences import sentence_table

    text = (
        "# Harbour Review\n\n## Recommendations\n\nThe review makes four recommendations:\n\n"
        "1. Increase harbour patrols at night along the northern quays\n\n2. Train pilots yearly\n\n"
        "3. Publish the port budget\n\n4. Hire inspectors\n\n"
        "## Reading\n\n• Port Guide\n\nHarbour Policing in Practice (Lisbon, 2012).\n\n• Ana Costa\n\n"
        "Coastal Guard Handbook for Officers (Porto, 2010).\n\n• Single\n\n## Notes\n\nBody text is here.\n"
    )
    document = load_document(Path("harbour-review.md"), text.encode())
    table = sentence_table({document.doc_id: document}, chunk_document(document))
    texts = {table.text(i, {document.doc_id: document}): i for i in range(len(table))}
    stubs = {"Train pilots yearly", "Publish the port budget", "Hire inspectors"}
    assert {t for t, i in texts.items() if i in table.list_stubs} == stubs  # the short items of a run of items
    assert "Increase harbour patrols at night along the northern quays" not in stubs and texts.keys() >= stubs
    held = {i for ids in table.by_passage for i in ids}
    assert not held & table.list_stubs  # in no passage's sentences: never ranked, never an answer alone
    # items in document order among the other sentences, so a list's introduction is followed by its items
    order = [texts[t] for t in ("The review makes four recommendations:", "Increase harbour patrols at night along the northern quays",
                                "Train pilots yearly", "Publish the port budget", "Hire inspectors")]
    assert order == sorted(order) == list(range(order[0], order[0] + 5))
    # the first line of a reading list's entry (its title on the next line) and a lone word are no items
    assert "Port Guide" not in texts and "Ana Costa" not in texts and "Single" not in texts
