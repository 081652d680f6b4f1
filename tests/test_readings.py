"""Reading lists: found from their layout in a brief of our own, never an answer about content, the answer to a
question asking what to read (also as a follow-up)."""

from __future__ import annotations

import pytest

from assistant.conversation import Turn
from assistant.evaluation import citation_problems
from assistant.payloads import answer_payload
from assistant.readings import asks_for_reading, reading_entries
from test_answers import answerer_over

FISHERIES = """# Coastal Fisheries Governance

Fishing communities depend on clear rules for access to the reef. Patrol boats enforce closed seasons along the coast.

## Patrol and enforcement

The fisheries inspectorate patrols the lagoons twice a week. Inspectors record every catch at the landing sites.

VideoPatrolling the Lagoon: Inspectors at Work (Coastal Institute, 2019).

Case StudyCommunity Co-management in Tonga (Pacific Fisheries Forum, 2018).

## Markets

Fish prices rise during the closed season. Traders then buy from neighbouring islands.

Resource: »Cold Chains for Small Markets«, Island Trade Council - 2020.

## Further reading

For more on closed seasons and the recovery of stocks

- Mara Lindqvist (ed)

Seasons at Sea: Closures and Recovery of Reef Stocks

(Suva: Reef Press, 2016).

On licensing boats

- Harbour Council

Licensing Small Boats: A Practical Guide

(Apia: Harbour Council, 2015).
"""


@pytest.fixture(scope="module")
def fisheries(tmp_path_factory):  # type: ignore[no-untyped-def]
    return answerer_over(tmp_path_factory.mktemp("readings"), {"fisheries.md": FISHERIES})


def quoted(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [sentence["text"] for sentence in answer_payload(answer)["sentences"]]


def test_entries_are_found_from_the_layout_of_a_reading_list(fisheries):
    document = next(iter(fisheries.index.documents.values()))
    entries = reading_entries(document)
    texts = [document.text[e.start : e.end] for e in entries]
    assert texts[:3] == [
        "Patrolling the Lagoon: Inspectors at Work (Coastal Institute, 2019).",  # the glued label is not quoted
        "Community Co-management in Tonga (Pacific Fisheries Forum, 2018).",
        "»Cold Chains for Small Markets«, Island Trade Council - 2020.",
    ]
    assert [e.label for e in entries[:3]] == ["Video", "Case Study", "Resource"]
    # a bulleted entry runs over its lines up to its publisher and year; the line before says what it is about
    assert texts[3].startswith("Mara Lindqvist (ed)") and texts[3].endswith("(Suva: Reef Press, 2016).")
    assert entries[3].about == "For more on closed seasons and the recovery of stocks"
    assert texts[4].startswith("Harbour Council") and texts[4].endswith("(Apia: Harbour Council, 2015).")
    assert entries[4].about == "On licensing boats"
    assert len(entries) == 5


def test_what_asks_for_reading():
    for question in (
        "Is there a case study on co-management?",
        "What resources does the brief list?",
        "Any videos about patrols?",
        "What should I read next on closed seasons?",
        "What does the backgrounder recommend reading on gender?",
        "resources on licensing",
    ):
        assert asks_for_reading(question), question
    for question in (
        "What financial resources does the inspectorate need?",
        "Are there enough resources for patrols?",
        "How should the council resource its patrols?",
    ):
        assert not asks_for_reading(question), question
    # a follow-up asks for reading when its conversation did, unless it asks what the text says
    assert asks_for_reading("Only the ones about markets.", "Only the ones about markets — What resources does it list")
    assert not asks_for_reading("What does it say about markets?", "What does it say about markets — What resources does it list")


def test_a_question_asking_what_to_read_is_answered_with_the_entries_on_its_topic(fisheries):
    answer = fisheries.ask("Is there a case study on co-management?")
    assert answer.support == "answered"
    assert quoted(answer) == ["Community Co-management in Tonga (Pacific Fisheries Forum, 2018)."]
    assert citation_problems(answer_payload(answer), fisheries.index.documents) == []
    # a case study on another place is no case study on the one asked about: the briefs' sentences answer instead
    lagoons = fisheries.ask("Is there a case study on the lagoons?")
    assert all("Tonga" not in text for text in quoted(lagoons)) and quoted(lagoons)
    assert quoted(fisheries.ask("Is there a case study?")) == ["Community Co-management in Tonga (Pacific Fisheries Forum, 2018)."]
    # the line introducing a group of entries says what they are about
    answer = fisheries.ask("What should I read on the recovery of stocks?")
    assert [text.splitlines()[0] for text in quoted(answer)] == ["Mara Lindqvist (ed)"]
    assert citation_problems(answer_payload(answer), fisheries.index.documents) == []


def test_a_reading_list_asked_for_whole_then_narrowed_by_a_follow_up(fisheries):
    question = "What resources does the fisheries page list?"
    whole = fisheries.ask(question)
    assert len(quoted(whole)) == 5
    turns = [Turn("user", question), Turn("assistant", whole.text)]
    narrowed = fisheries.ask("Only the ones about markets.", turns)
    assert quoted(narrowed) == ["»Cold Chains for Small Markets«, Island Trade Council - 2020."]


def test_reading_lists_on_the_same_topic_come_in_the_order_their_briefs_are_found(tmp_path):
    """Both briefs list readings on reefs; the one the search finds for the question comes first, not the one
    indexed first."""
    coast = (
        "# Coastal Trade\n\n## Markets\n\nTraders sell fish in the harbour towns. Prices follow the seasons.\n\n"
        "Resource: »Reef Fish Markets«, Island Trade Council - 2020.\n\nResource: »Reef Fish Prices«, Island Trade Council - 2021.\n"
    )
    reefs = (
        "# Reef Protection\n\n## Reefs\n\nReefs shelter the fish that coastal villages live on. Reef protection means "
        "closing reefs to fishing in the spawning season and patrolling reefs at night.\n\n## What to read next\n\n"
        "For more on reef protection\n\n- Reef Council\n\nProtecting Reefs: A Village Guide\n\n(Suva: Reef Council, 2017).\n"
    )
    answerer = answerer_over(tmp_path, {"a-coastal-trade.md": coast, "b-reef-protection.md": reefs})
    answer = answerer.ask("What should I read next on reefs?")
    assert quoted(answer)[0].splitlines()[0] == "Reef Council"


def test_search_box_words_naming_a_reading_entry_bring_that_entry(fisheries, monkeypatch):
    """"cold chains markets" names the entry "»Cold Chains for Small Markets«": it comes after what the brief says,
    and the words are never refused, whatever the answerability model makes of three bare words; a question in words,
    or words some of which no entry holds, bring none."""
    entry = "»Cold Chains for Small Markets«, Island Trade Council - 2020."
    fitted = fisheries._support  # the model as fitted, then one that refuses everything
    for support in (fitted, lambda evidence, confidence, model: (0.01, "not_covered")):
        monkeypatch.setattr(fisheries, "_support", support)
        answer = fisheries.ask("cold chains markets")
        assert answer.support != "not_covered" and quoted(answer)[-1] == entry and quoted(answer)[0] != entry
    assert citation_problems(answer_payload(answer), fisheries.index.documents) == []
    assert entry not in quoted(fisheries.ask("cold chains lagoons"))
    # of four words or more, one may be missing from the entry, but no name it says
    assert quoted(fisheries.ask("cold chains island markets fish"))[-1] == entry
    assert entry not in quoted(fisheries.ask("cold chains Tonga markets"))
    assert entry not in quoted(fisheries.ask("How do fish prices change during the closed season?"))


def test_a_follow_up_of_few_words_is_no_search_box_words_naming_an_entry(fisheries):
    """"And cold chains markets?" after a question on markets asks that question of cold chains: the words continue
    a conversation, so the entry they happen to name is not brought as it is for the same words typed alone."""
    entry = "»Cold Chains for Small Markets«, Island Trade Council - 2020."
    first = "What happens to fish prices in the markets?"
    turns = [Turn("user", first), Turn("assistant", fisheries.ask(first).text)]
    follow_up = fisheries.ask("And cold chains markets?", turns)
    assert follow_up.resolved.followup and entry not in quoted(follow_up)
    assert quoted(fisheries.ask("cold chains markets"))[-1] == entry


def test_reading_entries_never_answer_a_question_about_content(fisheries):
    answer = fisheries.ask("How often does the inspectorate patrol the lagoons?")
    assert any("twice a week" in text for text in quoted(answer))
    assert not any("(Coastal Institute, 2019)" in text for text in quoted(answer))
