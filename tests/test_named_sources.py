"""The briefs a question names as its sources, read from their titles and file names (briefs of our own)."""

from pathlib import Path

from assistant.answering import each_source_first
from assistant.ingest import load_document
from assistant.models import Passage, SearchHit
from assistant.named_sources import named_sources


def briefs(folder: Path) -> dict:  # type: ignore[type-arg]
    texts = {
        "harbour-pilots-review.md": "# Review of Harbour Pilotage\n\nPilots need radar.\n",
        "lake-patrol-briefing-note.md": "# Lake Patrol\n\nThe patrol rescues fishers.\n",
        "river-dredging-backgrounder.md": "# Dredging the River\n\nDredging keeps the channel open.\n",
    }
    documents = {}
    for name, text in texts.items():
        (folder / name).write_text(text)
        document = load_document(folder / name)
        documents[document.doc_id] = document
    return documents


def test_a_question_naming_briefs_by_title_or_file_name_names_them_and_its_topic_is_the_rest(tmp_path):
    documents = briefs(tmp_path)
    named = named_sources("How do the pilotage review and the dredging backgrounder differ on night work?", documents)
    assert named.doc_ids == ("harbour-pilots-review", "river-dredging-backgrounder")
    assert named.topic == "How do and differ on night work?"
    # a two-word text word says which brief; a file name's words do as well as a title's
    assert named_sources("What does the briefing note say about storms?", documents).doc_ids == ("lake-patrol-briefing-note",)
    assert named_sources("Compare the harbour pilots paper with the lake patrol page.", documents).doc_ids == (
        "harbour-pilots-review", "lake-patrol-briefing-note")
    # the plain word alone, a plural, or words no title holds name no brief
    for question in ("What does the review say about radar?", "What do the briefs say about radar?",
                     "What does the mountain rescue report say?"):
        assert named_sources(question, documents).doc_ids == (), question


def test_one_brief_named_alone_is_asked_of_alone_and_one_joined_to_another_text_is_not(tmp_path):
    documents = briefs(tmp_path)
    assert named_sources("What does the briefing note say about storms?", documents).alone == "lake-patrol-briefing-note"
    for question in (
        "Do the briefing note and ISSAT's page name the same storms?",  # the other text names no brief of ours
        "The briefing note and the mountain rescue page disagree on storms: what does each say?",
        "Compare the dredging backgrounder with the harbour manual.",
        "What do both the storm report and the briefing note say?",
        "What does the review say about radar?",  # a plain text word names none
    ):
        assert named_sources(question, documents).alone is None, question
    # another text word later in the question, not joined to the brief, leaves it alone
    scene = "Before we finalise the concept note, my director asks: what does the dredging backgrounder say about silt?"
    assert named_sources(scene, documents).alone == "river-dredging-backgrounder"


def test_each_brief_a_comparison_names_has_its_best_passage_first():
    def hit(doc_id: str, rank: int) -> SearchHit:
        return SearchHit(Passage(f"{doc_id}-{rank}", doc_id, "t", (), 0, 1, (1,), f"text {rank}"), 1.0 / rank, rank)

    hits = [hit("a", 1), hit("a", 2), hit("a", 3), hit("b", 4), hit("c", 5)]
    ordered = each_source_first(hits, ["b", "a"])
    assert [(h.passage.doc_id, h.rank) for h in ordered] == [("a", 1), ("b", 2), ("a", 3), ("a", 4), ("c", 5)]
