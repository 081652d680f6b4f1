"""The entry-point catalogue is read from document structure: the shipped briefs and one written here."""

from assistant.answering import Answerer
from assistant.entry_points import entry_points_asked_for, factors_asked_for
from assistant.payloads import answer_payload
from assistant.catalogue import build_catalogue, catalogue_from_json, catalogue_to_json
from assistant.evaluation import citation_problems
from assistant.headings import parse_heading
from assistant.indexing import build_index
from assistant.store import load_index
from assistant.conversation import Turn
from assistant.ingest import load_document
from assistant.retrieval import Retriever
from assistant.settings import Settings
from conftest import BRIEFING_NOTE, PUSH_FACTORS, UN_REVIEW, HashEmbedder


def test_heading_parts():
    parts = parse_heading("IV. Push factor: Bad governance and authoritarian regimes")
    assert (parts.ordinal, parts.label, parts.name) == (4, "Push factor", "Bad governance and authoritarian regimes")
    parts = parse_heading("Push Factor 3 - Armed Violence in Countries Formally at Peace")
    assert (parts.ordinal, parts.label, parts.name) == (3, "Push Factor", "Armed Violence in Countries Formally at Peace")
    parts = parse_heading("b. SSR Entry Point: Support defence reform and promote IHL")
    assert (parts.ordinal, parts.label) == (2, "SSR Entry Point")
    assert "b. SSR Entry Point: Support"[parts.name_offset :].startswith("Support")
    assert parse_heading("Introduction").label is None


def test_the_shipped_briefs_give_five_push_factors_with_entry_points_merged_across_both_briefs(corpus_documents):
    catalogue = build_catalogue(list(corpus_documents.values()))
    names = [f.name.lower() for f in catalogue.factors]
    assert names == [
        "increase in the number and intensity of armed conflicts",
        "weak or absent state protection",
        "armed violence in countries formally at peace",
        "bad governance and authoritarian regimes",
        "refugees and migrants in transit",
    ]
    # the briefs give two entry points for each of the first four factors and one for refugees in transit
    assert [len(f.entry_point_ids) for f in catalogue.factors] == [2, 2, 2, 2, 1]
    for factor in catalogue.factors:
        assert {s.doc_id for s in factor.sources} == {BRIEFING_NOTE, PUSH_FACTORS}
        for entry_id in factor.entry_point_ids:
            entry = catalogue.entry_point(entry_id)
            # stated three times: the note's recommendations, its technical detail, and the web page
            assert sorted(s.doc_id for s in entry.sources) == [BRIEFING_NOTE, BRIEFING_NOTE, PUSH_FACTORS]
            assert entry.label == "SSR Entry Point" and 1 <= len(entry.summary) <= 3
    titles = {e.title.lower() for e in catalogue.entry_points}
    assert "support defence reform and promote ihl" in titles
    assert "national dialogue on human security and ssr" in titles


def test_the_un_review_recommendations_are_listed(corpus_documents):
    catalogue = build_catalogue(list(corpus_documents.values()))
    recommendations = [e for e in catalogue.entry_points if e.kind == "recommendation"]
    assert [e.title for e in recommendations] == [
        "Increase UN Security Council dialogue with host countries",
        "Support senior mission leaders on SSR",
        "Improve Strategic Oversight of SSR",
        "Produce Practical SSR guidance for UN Missions",
        "Resource SSR work better",
    ]
    assert all(e.sources[0].doc_id == UN_REVIEW and e.factor_id is None for e in recommendations)


def test_summaries_and_sources_are_verbatim(corpus_documents):
    catalogue = build_catalogue(list(corpus_documents.values()))
    for entry in catalogue.entry_points:
        for quote in [*entry.summary, *entry.sources]:
            assert corpus_documents[quote.doc_id].text[quote.start : quote.end] == quote.text
    assert catalogue_from_json(catalogue_to_json(catalogue)) == catalogue


OWN_BRIEF = """# Water Scarcity and Local Governance

## Introduction

Droughts push rural families towards cities. This brief suggests responses for councils.

## Driver 1 - Failing Rains

Rainfall has dropped by a third in ten years and wells run dry in summer.

### Response - Community Water Committees

Councils can set up elected water committees that share the wells fairly. Committees that publish their accounts earn trust.

### Response - Rainwater Harvesting

Roofs and small dams can store the rain of the wet season. Councils should fund tanks for schools first.

## Driver 2 - Contested Land

Herders and farmers clash over grazing land near the remaining water points.

### Response - Mediation Councils

Mediation councils with herders and farmers settle disputes before they turn violent. They need a budget of their own.

## Our Recommendations

1. Map every water point every year

2. Fund local mediation from the national budget

3. Publish water accounts quarterly
"""


def test_a_brief_with_other_labels_gives_its_own_catalogue(tmp_path):
    path = tmp_path / "water-brief.md"
    path.write_text(OWN_BRIEF)
    catalogue = build_catalogue([load_document(path)])
    assert [(f.label, f.name) for f in catalogue.factors] == [("Driver", "Failing Rains"), ("Driver", "Contested Land")]
    by_factor = {f.name: [catalogue.entry_point(e).title for e in f.entry_point_ids] for f in catalogue.factors}
    assert by_factor == {
        "Failing Rains": ["Community Water Committees", "Rainwater Harvesting"],
        "Contested Land": ["Mediation Councils"],
    }
    committees = catalogue.entry_point(catalogue.factors[0].entry_point_ids[0])
    assert committees.label == "Response"
    assert any("elected water committees" in quote.text for quote in committees.summary)
    recommendations = [e.title for e in catalogue.entry_points if e.kind == "recommendation"]
    assert recommendations == [
        "Map every water point every year",
        "Fund local mediation from the national budget",
        "Publish water accounts quarterly",
    ]


def test_a_span_states_the_entry_points_it_overlaps_and_only_the_factor_of_the_others(tmp_path):
    path = tmp_path / "water-brief.md"
    path.write_text(OWN_BRIEF)
    catalogue = build_catalogue([load_document(path)])
    rains = catalogue.factors[0]
    committees, harvesting = rains.entry_point_ids
    intro, first = rains.sources[0], catalogue.entry_point(committees).sources[0]
    # the factor's own text speaks for each of its entry points, none of them itself; an entry point's text for itself
    assert catalogue.stated_in(intro.doc_id, intro.start, intro.end) == {committees: False, harvesting: False}
    assert catalogue.stated_in(first.doc_id, first.start, first.end) == {committees: True}
    assert catalogue.stated_in(first.doc_id, intro.start, first.end) == {committees: True, harvesting: False}
    assert catalogue.stated_in("another-brief", intro.start, first.end) == {}


def retriever_over_own_brief(folder) -> Retriever:  # type: ignore[no-untyped-def]
    """A retriever over OWN_BRIEF, indexed with the hash embedder."""
    (folder / "corpus").mkdir()
    (folder / "corpus" / "water-brief.md").write_text(OWN_BRIEF)
    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index", embedding_model="test-hash")
    embedder = HashEmbedder()
    build_index(settings, lambda: embedder)
    return Retriever(load_index(settings), embedder, settings)


def test_asked_for_its_drivers_the_assistant_lists_them_from_the_briefs_own_structure(tmp_path):
    answerer = Answerer(retriever_over_own_brief(tmp_path))
    answer = answerer.ask("Which drivers does the brief identify?")
    assert [s.text for s in answer.sentences] == ["Driver 1 - Failing Rains", "Driver 2 - Contested Land"]
    assert citation_problems(answer_payload(answer), answerer.index.documents) == []
    assert factors_asked_for(answerer.index.catalogue, "Which drivers lead to contested land?") == []  # about one of them
    assert factors_asked_for(answerer.index.catalogue, "How do drivers work?") == []  # no list asked for
    assert factors_asked_for(answerer.index.catalogue, "Which driver matters most?") == []  # not the plural
    # other things asked for, about the drivers: not the drivers themselves
    assert factors_asked_for(answerer.index.catalogue, "What resources does the brief on drivers list?") == []
    assert factors_asked_for(answerer.index.catalogue, "Which agencies respond to the drivers the brief names?") == []
    # words that only qualify what is asked for
    assert factors_asked_for(answerer.index.catalogue, "What kinds of drivers does the brief list?") != []
    assert factors_asked_for(answerer.index.catalogue, "What are the main drivers?") != []
    # asked for as things handed over: "Give me the drivers", "Show us all the drivers"
    assert factors_asked_for(answerer.index.catalogue, "Give me the drivers.") != []
    assert factors_asked_for(answerer.index.catalogue, "Show us all the drivers") != []
    # a place named: the drivers there, which the text on it tells, not the list (a text named by its word is no place)
    assert factors_asked_for(answerer.index.catalogue, "What are the drivers for herders in Karamoja?") == []
    assert factors_asked_for(answerer.index.catalogue, "Which drivers does the Brief list?") != []
    # the label as the thing "what" asks for is a list asked for; asking what to do about them is not
    assert factors_asked_for(answerer.index.catalogue, "What drivers push herders off their pastures?") != []
    assert factors_asked_for(answerer.index.catalogue, "What can the ministry do about the drivers?") == []


def test_a_follow_up_is_not_answered_with_the_drivers_it_was_just_given(tmp_path):
    """The follow-up is read with the question before it, which asked for the drivers; the overview it would bring
    again gives way to what else the brief says (it had repeated the last answer word for word)."""
    answerer = Answerer(retriever_over_own_brief(tmp_path))
    first = answerer.ask("Which drivers does the brief identify?")
    assert [s.text for s in first.sentences] == ["Driver 1 - Failing Rains", "Driver 2 - Contested Land"]
    history = [Turn("user", "Which drivers does the brief identify?"), Turn("assistant", first.text)]
    again = answerer.ask("Has anything like that been tried?", history)
    assert again.resolved.followup
    assert not again.sentences or not all(s.text in first.text for s in again.sentences), again.text
    # asked again as a question of its own, the overview is given again
    assert [s.text for s in answerer.ask("Which drivers does the brief identify?", history).sentences] == [
        s.text for s in first.sentences
    ]


def test_a_brief_without_recurring_labels_has_no_entry_points(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("# Plain\n\n## Background\n\nSome text here about things.\n\n## Section: Details\n\nMore text.\n")
    assert build_catalogue([load_document(path)]).entry_points == []


def test_the_entry_points_of_a_factor_the_question_names_come_first(tmp_path):
    from assistant.entry_points import entry_points_for, factor_named

    retriever = retriever_over_own_brief(tmp_path)
    catalogue = retriever.index.catalogue
    assert factor_named(catalogue, "What responses suit contested land between herders?").name == "Contested Land"
    assert factor_named(catalogue, "What can be done about land?") is None  # one word of its name: not named
    # retrieval finds the rains' responses first (their words), yet the factor named leads the entry points
    question = "What responses to contested land can councils fund: elected water committees, wells shared fairly, tanks for schools?"
    hits = retriever.search(question, top_k=8)
    matches = entry_points_for(catalogue, question, hits, 3)
    assert matches[0].entry.title == "Mediation Councils"
    assert {m.entry.title for m in matches[1:]} <= {"Community Water Committees", "Rainwater Harvesting"}


def test_a_label_the_briefs_repeat_is_no_part_of_what_a_question_names(tmp_path):
    from assistant.headings import names_heading
    from assistant.lexical import terms

    assert retriever_over_own_brief(tmp_path).index.catalogue.labels == {"Driver", "Response"}
    heading = "SSR Entry Point - Preventing Armed Conflict and Safeguarding Peacebuilding"
    asked = frozenset(terms("What are the SSR entry points for armed violence in countries at peace?"))
    assert names_heading(heading, asked)  # by the label's words alone
    assert not names_heading(heading, asked, frozenset({"SSR Entry Point"}))
    assert names_heading(heading, frozenset(terms("How to prevent armed conflict?")), frozenset({"SSR Entry Point"}))


def test_asked_for_the_responses_to_one_driver_the_assistant_quotes_each_with_its_statement(tmp_path):
    # the brief's own label ("Response") and its own factor ("Failing Rains"), read from its structure
    answerer = Answerer(retriever_over_own_brief(tmp_path))
    catalogue = answerer.index.catalogue
    assert [e.title for e in entry_points_asked_for(catalogue, "Which responses does the brief give for failing rains?")] == [
        "Community Water Committees", "Rainwater Harvesting"]
    assert entry_points_asked_for(catalogue, "Why are the rains failing?") == []  # no responses asked for
    # no driver named, and nothing else they are for: all of them, each its heading's line alone, once
    every = ["Community Water Committees", "Rainwater Harvesting", "Mediation Councils"]
    for question in ("Which responses does the brief give?", "Give me all the responses."):
        assert [e.title for e in entry_points_asked_for(catalogue, question)] == every, question
    assert entry_points_asked_for(catalogue, "Which responses help herders?") == []  # what they are for is named
    listed = answerer.ask("List the responses.")
    assert [s.text for s in listed.sentences] == [f"Response - {title}" for title in every]
    assert citation_problems(answer_payload(listed), answerer.index.documents) == []
    answer = answerer.ask("What responses go with failing rains?")
    assert [s.text for s in answer.sentences] == [
        "Response - Community Water Committees",
        "Councils can set up elected water committees that share the wells fairly.",
        "Response - Rainwater Harvesting",
        "Roofs and small dams can store the rain of the wet season.",
    ]
    assert answer.support == "answered" and citation_problems(answer_payload(answer), answerer.index.documents) == []
    # a follow-up naming the driver through the conversation is read the same way
    turns = [Turn("user", "Tell me about failing rains."), Turn("assistant", answerer.ask("Tell me about failing rains.").text)]
    assert [s.text for s in answerer.ask("And which responses go with it?", turns).sentences][0] == "Response - Community Water Committees"


def test_a_follow_up_asking_what_to_do_about_it_is_answered_by_the_entry_points_of_the_factor_the_last_answer_quoted(tmp_path):
    from assistant.entry_points import asks_only_what_to_do, factor_quoted

    answerer = Answerer(retriever_over_own_brief(tmp_path))
    catalogue, documents = answerer.index.catalogue, answerer.index.documents
    # the factor whose section holds the last answer's quotes; none when two factors hold as many
    herders = "Herders and farmers clash over grazing land near the remaining water points."
    assert factor_quoted(catalogue, documents, [herders]).name == "Contested Land"
    rains = "Rainfall has dropped by a third in ten years and wells run dry in summer."
    assert factor_quoted(catalogue, documents, [rains, herders]) is None
    assert factor_quoted(catalogue, documents, ["Droughts push rural families towards cities."]) is None  # the introduction
    assert asks_only_what_to_do("What can be done about it?") and asks_only_what_to_do("What do the briefs recommend?")
    assert not asks_only_what_to_do("What could the ministry of water do about that?")  # names who acts
    # … unless who acts is whom the briefs advise: donors, the international community, the one asking
    assert asks_only_what_to_do("What can donors do?") and asks_only_what_to_do("What should the international community do?")
    assert asks_only_what_to_do("What can we do about it?")
    # the sector the briefs advise, by its own names, is no one else asked to act
    assert asks_only_what_to_do("What should the security sector do about it?")
    assert asks_only_what_to_do("What can security sector reform do?") and asks_only_what_to_do("What can the police do about that?")
    assert not asks_only_what_to_do("How did the herders respond?")  # "respond", but nothing asked to be done
    # "it" is the land the last answer was about, though the question names no driver and retrieval finds the rains
    turns = [Turn("user", "Why do herders and farmers fight?"), Turn("assistant", f"{herders} [1]")]
    answer = answerer.ask("What can be done about it?", turns)
    assert [s.text for s in answer.sentences][0] == "Response - Mediation Councils"
    assert answer.entry_points[0].entry.title == "Mediation Councils"
    assert citation_problems(answer_payload(answer), documents) == []
    # asked for the responses to "it" alike; a question of its own about the rains is answered as usual
    assert [s.text for s in answerer.ask("Which responses go with it?", turns).sentences][0] == "Response - Mediation Councils"
    assert "Response - Mediation Councils" not in answerer.ask("How should councils store the rain?", turns).text
    # a turn between whose answer is about no one driver: "it" is still what the answer before it was about
    intro = "Droughts push rural families towards cities."
    turns += [Turn("user", "Where do they go?"), Turn("assistant", f"{intro} [1]")]
    assert [s.text for s in answerer.ask("What can be done about it?", turns).sentences][0] == "Response - Mediation Councils"


def test_the_factor_of_an_answer_is_read_from_its_first_statements_only(tmp_path):
    from assistant.entry_points import MAX_QUOTED_STATEMENTS, factor_quoted

    answerer = Answerer(retriever_over_own_brief(tmp_path))
    catalogue, documents = answerer.index.catalogue, answerer.index.documents
    herders = "Herders and farmers clash over grazing land near the remaining water points."
    rains = "Rainfall has dropped by a third in ten years and wells run dry in summer."
    intro = "Droughts push rural families towards cities."
    # a history claiming thousands of statements costs no more than an answer's dozen: the first ones decide
    assert factor_quoted(catalogue, documents, [rains] * MAX_QUOTED_STATEMENTS + [herders] * 100).name == "Failing Rains"
    # more than half of the statements must lie in the factor's sections
    assert factor_quoted(catalogue, documents, [herders, herders, intro]).name == "Contested Land"
    assert factor_quoted(catalogue, documents, [herders, intro, intro]) is None


def test_asked_what_to_do_the_passages_stating_the_matched_entry_points_are_searched_too(tmp_path):
    """A scenario's story finds the passages on its driver; the passages stating the entry points matched are added
    after them, once, so their statements can be quoted."""
    answerer = Answerer(retriever_over_own_brief(tmp_path))
    catalogue = answerer.index.catalogue
    committees = catalogue.entry_point(catalogue.factors[0].entry_point_ids[0])
    story = answerer.retriever.search("Rainfall has dropped by a third and wells run dry", top_k=1)
    added = answerer._passages_stating(committees.sources, story)
    stating = {p.passage_id for hit in story + added for p in (hit.passage, *hit.duplicates)}
    assert all(any(p.start <= q.start < p.end and p.doc_id == q.doc_id for p in answerer.index.passages if p.passage_id in stating)
               for q in committees.sources)
    assert added and [h.rank for h in added] == list(range(2, 2 + len(added)))
    assert answerer._passages_stating(committees.sources, story + added) == []  # found already: not again
