"""Composing an answer from scored candidates, without the model: hand-made scores over briefs of our own
(indexed with the hash embedder), so each rule is seen acting on structure and wording alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.composition import Candidate, Composer, QuestionForm
from assistant.indexing import build_index
from assistant.settings import Settings
from assistant.store import load_index
from conftest import HashEmbedder

BRIEF = """# Lake Patrol Note

## Patrols

The lake patrol has three duties:

- Rescuing fishers caught on the lake in storms.
- Logging every boat that lands on the shore.
- Reporting smuggling on the lake to the harbour court.

The patrol was founded in 2009. It is financed by the Lake Towns Fund with 2 million euros a year.

## Courts

The harbour court hears smuggling cases within ten days.
"""

LONG_SENTENCE = "The audit lists the patrol's duties, among them " + ", ".join(
    f"keeping watch over landing stage number {n} on the northern shore" for n in range(1, 21)
) + "."

OTHER = """# Lake Audit

## Budget

The patrol was founded in 2011 according to the audit.

The audit found the fund short by a third. In concrete terms, this means one patrol boat fewer each year.

## Duties

""" + LONG_SENTENCE + """ These duties are shared between the three lake towns.

## Sources

The audit drew on these texts.

Lake Towns Fund Charter - LTF, 2008

Harbour Court Rules - HC, 2010

Patrol Logbook Standards - LP, 2012

## Lessons - What the Audit Learned

- Night patrols found more smugglers than day patrols did.
- Fishers reported storms sooner when their radios were free.
- Boats logged by hand were often logged twice in a season.

## Plans - Next Steps for the Towns

The audit names three next steps for the towns:

1. Buy storm radios

2. Hire two pilots

3. Publish the budget

## Concerns under Review

Moving the patrols from rescue to prevention along the quays;

Ensuring that fishers are heard before rules change. The towns can help by meeting them each month;

Publishing the patrol budget every year;
"""


def starting(ids: dict[str, int], *starts: str) -> list[int]:
    """The ids of the sentences (of composer_of's `ids`) that start so, one per start."""
    return [next(i for text, i in ids.items() if text.startswith(start)) for start in starts]


def composer_of(folder: Path, briefs: dict[str, str]) -> tuple[Composer, dict[str, int]]:
    """A composer over briefs of our own (file name -> Markdown, written into `folder`, indexed with the hash
    embedder; built anew when called again), and each sentence's id by its text."""
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in briefs.items():
        (corpus / name).write_text(text)
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index", embedding_model="test-hash")
    build_index(settings, HashEmbedder)
    index = load_index(settings)
    texts = {index.sentences.text(i, index.documents): i for i in range(len(index.sentences))}
    composer = Composer(index, settings, lambda i: frozenset(index.sentences.text(i, index.documents).lower().split()))
    return composer, texts


def composer_over(folder: Path) -> tuple[Composer, dict[str, int]]:
    """A composer over the two briefs, and each sentence's id by its text."""
    return composer_of(folder, {"lake-patrol.md": BRIEF, "lake-audit.md": OTHER})


def candidates(ids: dict[str, int], scored: dict[str, float]) -> list[Candidate]:
    """Candidates for every sentence, scored by the first words they start with (0 for the rest)."""
    out = []
    for text, sentence in ids.items():
        score = next((s for start, s in scored.items() if text.startswith(start)), 0.0)
        out.append(Candidate(sentence, score, score, 1, 0.0))
    return sorted(out, key=lambda c: (-c.score, c.sentence))


def test_a_sentence_ending_with_a_colon_brings_its_list_and_one_pointed_back_to_brings_the_next(tmp_path):
    composer, ids = composer_over(tmp_path)
    chosen = candidates(ids, {"The lake patrol has three duties": 0.9, "The patrol was founded in 2009": 0.8})
    sentences, citations, note = composer.compose(chosen, ranked=False)
    texts = [s.text for s in sentences]
    assert texts[:4] == ["The lake patrol has three duties:", "Rescuing fishers caught on the lake in storms.",
                         "Logging every boat that lands on the shore.", "Reporting smuggling on the lake to the harbour court."]
    assert "It is financed by the Lake Towns Fund with 2 million euros a year." in texts
    assert len(citations) == sum(len(s.markers) for s in sentences) and note is None


def test_the_same_statement_with_other_figures_is_quoted_twice_with_a_note(tmp_path):
    composer, ids = composer_over(tmp_path)
    first, second = ids["The patrol was founded in 2009."], ids["The patrol was founded in 2011 according to the audit."]
    composer.index.sentence_vectors = np.array(composer.index.sentence_vectors)  # the same meaning, made so by hand
    composer.index.sentence_vectors[second] = composer.index.sentence_vectors[first]
    chosen = candidates(ids, {"The patrol was founded in 2009": 0.9, "The patrol was founded in 2011": 0.85})
    sentences, citations, note = composer.compose(chosen, ranked=False)
    texts = [s.text for s in sentences]
    assert "The patrol was founded in 2009." in texts and "The patrol was founded in 2011 according to the audit." in texts
    assert note is not None and "2009" in note and "2011" in note


def test_two_briefs_saying_a_thing_in_the_very_same_words_say_the_same_thing_whatever_their_headings(tmp_path):
    # "militia-controlled … refugees and migrants" and "militia controlled … migrants and refugees": the same words,
    # though the two sentences' vectors (each with its own section heading) are not close; one statement, two citations
    composer, ids = composer_over(tmp_path)
    first, second = ids["The patrol was founded in 2009."], ids["The harbour court hears smuggling cases within ten days."]
    words = frozenset("reports paint gloomy picture militia controlled centres traffickers".split())
    composer.terms_of = lambda i: words if i in (first, second) else frozenset()
    composer.index.sentence_vectors = np.array(composer.index.sentence_vectors)
    composer.index.sentence_vectors[second] = -composer.index.sentence_vectors[first]  # as far apart as can be
    assert composer.same_statement(first, second)
    # one word more in one of them, or too few words to tell, and closeness in meaning decides again
    composer.terms_of = lambda i: words | {"libya"} if i == first else (words if i == second else frozenset())
    assert not composer.same_statement(first, second)
    short = frozenset({"patrol", "founded"})
    composer.terms_of = lambda i: short if i in (first, second) else frozenset()
    assert not composer.same_statement(first, second)


def test_the_three_best_sentences_are_quoted_however_long_and_the_word_budget_stops_the_rest(tmp_path):
    composer, ids = composer_over(tmp_path)
    chosen = candidates(ids, {
        "The harbour court hears": 0.9, "The patrol was founded in 2011": 0.89, "The audit lists the patrol's duties": 0.88,
        "Reporting smuggling": 0.87,
    })
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    # the third best is past the word budget on its own (over 200 words): quoted, not passed over for a shorter one
    assert LONG_SENTENCE in texts and len(LONG_SENTENCE.split()) > composer.settings.answer_max_words
    assert "Reporting smuggling on the lake to the harbour court." not in texts


def test_a_sentence_the_last_answer_quoted_is_not_quoted_again_unless_it_is_the_best(tmp_path):
    composer, ids = composer_over(tmp_path)
    chosen = candidates(ids, {"The harbour court hears": 0.9, "Reporting smuggling": 0.85, "The patrol was founded in 2009": 0.8})
    said = "Reporting smuggling on the lake to the harbour court. [1]"
    texts = [s.text for s in composer.compose(chosen, ranked=False, said=said)[0]]
    assert "Reporting smuggling on the lake to the harbour court." not in texts
    assert "The harbour court hears smuggling cases within ten days." in texts
    best_only = candidates(ids, {"Reporting smuggling": 0.9})
    assert [s.text for s in composer.compose(best_only, ranked=False, said=said)[0]][0].startswith("Reporting smuggling")
    # unless the follow-up pointed at a phrase of it ("Why does it report smuggling?"): it is what it asks about
    texts = [s.text for s in composer.compose(chosen, ranked=False, said=said, pointed=["smuggling on the lake"])[0]]
    assert "Reporting smuggling on the lake to the harbour court." in texts


def test_a_sentence_that_points_back_brings_the_one_it_points_to(tmp_path):
    composer, ids = composer_over(tmp_path)
    chosen = candidates(ids, {"It is financed by": 0.9, "The harbour court hears": 0.85})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    # "It" is the patrol of the sentence before: quoted with it, in reading order
    assert texts.index("The patrol was founded in 2009.") + 1 == texts.index(
        "It is financed by the Lake Towns Fund with 2 million euros a year."
    )
    # so does one pointing back after a short lead-in ("In concrete terms, this …")
    lead_in = [s.text for s in composer.compose(candidates(ids, {"The audit found the fund short": 0.9}), ranked=False)[0]]
    assert lead_in.index("The audit found the fund short by a third.") + 1 == lead_in.index(
        "In concrete terms, this means one patrol boat fewer each year."
    )
    # a sentence that does not point back brings nothing before it
    assert "Reporting smuggling on the lake to the harbour court." not in texts
    # unless the last answer just quoted it: in a follow-up "it" is what the reader has just read
    said = "The patrol was founded in 2009. [1]"
    followed = [s.text for s in composer.compose(chosen, ranked=False, said=said)[0]]
    assert "The patrol was founded in 2009." not in followed and followed[0].startswith("It is financed by")


@pytest.mark.parametrize("before, after, opening, stands_alone, brief", [
    # after a lead-in of five words; a clause of its own before the comma (six words or more) is no lead-in
    ("Storms close the lake for weeks each winter.", "For example in the bay, this is the main cause of lost catches.",
     "For example in the bay", "The fund was set up by the towns.",
     "# Storms\n\n{before} {after}\n\n{alone} When the three towns agreed a budget, this fund paid for two boats.\n"),
    # opening with each of the things the one before names; "Each year" names none of them
    ("The board drew up the Pilots Charter and the Tug Charter in 2010.", "Each charter is designed to keep crews safe at night.",
     "Each charter", "The fees rose sharply last spring.", "# Charters\n\n{before} {after}\n\n{alone} Each year the board reviews its fees.\n"),
])
def test_a_sentence_pointing_back_brings_the_one_it_points_to(tmp_path, before, after, opening, stands_alone, brief):
    text = brief.format(before=before, after=after, alone=stands_alone)
    composer, ids = composer_of(tmp_path, {"brief.md": text})
    assert composer.pointing_back(ids[before]) == ids[after]
    texts = [s.text for s in composer.compose(candidates(ids, {opening: 0.9}), ranked=False)[0]]
    assert texts[:2] == [before, after]
    assert composer.pointing_back(ids[stands_alone]) is None


def test_no_sentence_below_the_floor_is_taken_to_make_two_when_the_best_comes_with_what_it_points_back_to(tmp_path):
    """The best sentence points back ("this"): with the one before it, the answer has two sentences, so no weak one is
    added to make two; and a weak one that would need the sentence before it to be read ("Furthermore, it …" after
    what the note aims at) is never the one taken to make two."""
    brief = (
        "# Storms\n\n## Causes\n\nStorms close the lake for weeks each winter. For example in the bay, this is the "
        "main cause of lost catches.\n\n## About this note\n\nThe note looks at lost catches. Furthermore, it "
        "suggests what the towns might do.\n\n## Fund\n\nThe fund was set up by the towns.\n"
    )
    composer, ids = composer_of(tmp_path, {"storms.md": brief})
    scored = {"For example in the bay": 0.9, "Furthermore, it suggests": 0.2, "The fund was set up": 0.1}
    texts = [s.text for s in composer.compose(candidates(ids, scored), ranked=False)[0]]
    assert texts == ["Storms close the lake for weeks each winter.", "For example in the bay, this is the main cause of lost catches."]
    # the best sentence standing alone: the second taken is one that stands alone too, not the better-scored one
    # needing what the note looks at
    alone = {"The fund was set up": 0.9, "Furthermore, it suggests": 0.2, "Storms close the lake": 0.1}
    texts = [s.text for s in composer.compose(candidates(ids, alone), ranked=False)[0]]
    assert "The fund was set up by the towns." in texts and "Storms close the lake for weeks each winter." in texts
    assert not any(t.startswith(("Furthermore", "The note looks")) for t in texts)


def test_a_chain_of_sentences_pointing_back_is_followed_to_what_its_first_stands_for(tmp_path):
    brief = (
        "# Harbour Review\n\n## Proposals\n\nThe review makes four proposals to the harbour board. These rest on a survey "
        "of the fishers of the bay. It also drew on forty talks with the pilots.\n\n## Budget\n\nThe towns pay for "
        "the harbour together.\n"
    )
    composer, ids = composer_of(tmp_path, {"harbour-review.md": brief})
    texts = [s.text for s in composer.compose(candidates(ids, {"It also drew on": 0.9, "The towns pay": 0.8}), ranked=False)[0]]
    # "It" is what "These" rests on, and "These" the four proposals: all three, in reading order
    assert texts[:3] == [
        "The review makes four proposals to the harbour board.", "These rest on a survey of the fishers of the bay.",
        "It also drew on forty talks with the pilots.",
    ]


def test_the_former_as_an_adjective_points_back_at_nothing(tmp_path):
    brief = (
        "# Harbour Review\n\n## Funding\n\nIn this review, boats include ferries. For example, the former harbour master "
        "launched a fund for the northern piers. The former was closed in 2012, the latter still runs.\n"
    )
    composer, ids = composer_of(tmp_path, {"harbour-review.md": brief})
    fund, closed = starting(ids, "For example", "The former was")
    assert composer.pointing_back(fund - 1) is None  # "the former harbour master" is who he was, not a pointer
    assert composer.pointing_back(fund) == closed  # "The former was closed …" points back


def test_a_sentence_naming_with_these_what_it_has_not_named_points_back(tmp_path):
    brief = (
        "# Harbour Review\n\n## Ports\n\nThe busiest ports are Arden, Brill and Cove on the northern coast. Between 2010 "
        "and 2012, 900 pilots were trained in these three ports. The rules differ between ports, and "
        "pilots learn these rules by heart.\n"
    )
    composer, ids = composer_of(tmp_path, {"harbour-review.md": brief})
    busiest, trained = starting(ids, "The busiest", "Between 2010")
    assert composer.pointing_back(busiest) == trained  # "these three ports": Arden, Brill and Cove
    assert composer.antecedent(trained) == busiest
    # "these rules" after the sentence's own "rules" points back at nothing
    assert composer.pointing_back(trained) is None


def test_a_sentence_followed_by_a_list_whose_bullets_were_lost_brings_its_lines(tmp_path):
    composer, ids = composer_over(tmp_path)
    lines = ["Lake Towns Fund Charter - LTF, 2008", "Harbour Court Rules - HC, 2010", "Patrol Logbook Standards - LP, 2012"]
    assert set(lines) <= set(ids)  # each line of the list is a sentence of its own
    chosen = candidates(ids, {"The audit drew on these texts": 0.9})
    texts = [s.text for s in composer.compose(chosen, ranked=False, form=QuestionForm(wants_list=True))[0]]
    assert texts[texts.index("The audit drew on these texts.") + 1 :][:3] == lines
    # a whole sentence that a list merely follows brings it only when the question asks for a list
    unasked = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert "The audit drew on these texts." in unasked and not set(lines) & set(unasked)



def test_a_question_asking_for_a_statement_gets_no_list_and_no_sentence_left_hanging_without_one(tmp_path):
    from assistant.ranking import asks_for_statement, asks_list

    composer, ids = composer_over(tmp_path)
    chosen = candidates(ids, {"The lake patrol has three duties": 0.9, "The patrol was founded in 2009": 0.8})
    texts = [s.text for s in composer.compose(chosen, ranked=False, form=QuestionForm(statement=True))[0]]
    # "… three duties:" is unfinished without its list, and a statement was asked for: neither is quoted
    assert "The lake patrol has three duties:" not in texts and "Rescuing fishers caught on the lake in storms." not in texts
    assert "The patrol was founded in 2009." in texts
    assert asks_for_statement("Does the lake patrol rescue fishers?") and asks_for_statement("Can patrols be imposed by donors?")
    assert asks_for_statement("What is the lake patrol?") and asks_for_statement("Define the harbour court")
    assert not asks_for_statement("What does the lake patrol do?") and not asks_for_statement("Which duties does the patrol have?")
    assert not asks_for_statement("What are the patrol's duties?") and asks_for_statement("Is there a patrol fund?")
    assert asks_list("Does the note list the patrol's duties?")  # asked yes or no, but for a list: the answer sets it
    # what a thing is made of is a list of its parts, and "… three duties:" brings it
    for question in ("What is the lake patrol made of?", "Who makes up the patrol?", "What does the patrol consist of?"):
        form = QuestionForm.of(question, question)
        assert form.wants_list and not form.statement, question
    assert not asks_list("What criticism is made of the patrol's duties?")
    # "what" and a plural noun asks for several things, as "which" does; "what" and a verb does not
    assert asks_list("What weaknesses did the audit find?") and asks_list("What precautions do the notes insist on?")
    assert not asks_list("What separates a pilot from a fisher?") and not asks_list("What does the patrol do?")
    # things asked to be handed over by a plural noun are a list; one thing is not
    assert asks_list("Give me the patrol's duties.") and asks_list("Show me all the duties of the lake patrol")
    assert not asks_list("Tell me the history of the patrol") and not asks_list("Give me the gist")
    texts = [s.text for s in composer.compose(chosen, ranked=False, form=QuestionForm.of("What is the patrol made of?", ""))[0]]
    assert texts[:2] == ["The lake patrol has three duties:", "Rescuing fishers caught on the lake in storms."]


def test_the_question_as_typed_asks_for_one_thing_even_after_a_question_asking_for_a_list():
    question_form = QuestionForm.of

    # a follow-up's query carries the question it depends on ("… — What are the patrol's duties"), whose form is a list
    one = question_form("Which one concerns storms?", "Which one concerns storms — What are the patrol's duties", True)
    assert one.statement and not one.wants_list
    # several of them, or an ellipsis taking the earlier question's form, still ask for a list
    assert question_form("Which ones concern storms?", "Which ones concern storms — What are the patrol's duties").wants_list
    assert question_form("And in the harbour?", "Which duties does the patrol have in the harbour").wants_list
    assert question_form("Does the note list the patrol's duties?", "Does the note list the patrol's duties").wants_list
    assert question_form("Any other duties?", "Any other duties — What are the patrol's duties", True).more
    assert not question_form("Any other duties?", "Any other duties").more  # nothing was answered before
    # a follow-up with no word of its own asks about what was just said
    assert all(question_form(q, f"{q} — What are the patrol's duties", True).bare for q in ("Why?", "Give an example.", "How?"))
    assert not question_form("Why do patrols stop at dawn?", "Why do patrols stop at dawn", True).bare


def test_a_follow_up_with_no_word_of_its_own_does_not_quote_again_what_was_just_said(tmp_path):
    composer, ids = composer_over(tmp_path)
    court = "The harbour court hears smuggling cases within ten days."
    said = f"{court} [1]"
    chosen = candidates(ids, {"The harbour court hears": 0.9, "The patrol was founded in 2009": 0.8})
    bare = [s.text for s in composer.compose(chosen, ranked=False, said=said, form=QuestionForm(bare=True))[0]]
    assert court not in bare and bare[0] == "The patrol was founded in 2009."
    # a question of its own may quote it again as its best answer
    assert [s.text for s in composer.compose(chosen, ranked=False, said=said)[0]][0] == court
    # and so may "Why?" when it holds the kind of answer asked for
    kind = [Candidate(c.sentence, c.score, c.cosine, c.rank, c.rare_coverage, holds_answer=c.sentence == ids[court]) for c in chosen]
    assert court in [s.text for s in composer.compose(kind, ranked=False, said=said, form=QuestionForm(bare=True))[0]]


def test_a_question_asking_for_more_never_quotes_again_what_the_conversation_quoted(tmp_path):
    composer, ids = composer_over(tmp_path)
    chosen = candidates(ids, {"The harbour court hears": 0.9, "The patrol was founded in 2009": 0.85, "It is financed by": 0.8})
    said = "The harbour court hears smuggling cases within ten days. [1]"
    again = [s.text for s in composer.compose(chosen, ranked=False, said=said)[0]]
    assert "The harbour court hears smuggling cases within ten days." in again  # the best is quoted again …
    more = [s.text for s in composer.compose(chosen, ranked=False, said=said, form=QuestionForm(more=True))[0]]
    assert "The harbour court hears smuggling cases within ten days." not in more and more  # … unless more is asked



def test_a_sentence_pointing_back_brings_the_one_it_points_to_however_long(tmp_path):
    composer, ids = composer_over(tmp_path)
    assert len(LONG_SENTENCE.split()) > composer.settings.answer_max_words + 40  # past any word budget
    chosen = candidates(ids, {"These duties are shared": 0.9, "The harbour court hears": 0.85})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert texts.index(LONG_SENTENCE) + 1 == texts.index("These duties are shared between the three lake towns.")


def test_a_list_question_naming_a_heading_gets_the_whole_list_that_section_holds(tmp_path):
    from assistant.headings import names_heading
    from assistant.conversation import own_terms

    composer, ids = composer_over(tmp_path)
    lessons = ["Night patrols found more smugglers than day patrols did.", "Fishers reported storms sooner when their radios were free.",
               "Boats logged by hand were often logged twice in a season."]
    # the items hold none of the question's words: only the heading names them, so they score last
    chosen = candidates(ids, {"The audit found the fund short": 0.9, "The audit drew on": 0.8})
    asked = frozenset(own_terms("What are the lessons of the audit?"))
    listed = composer.heading_list(chosen, asked)
    assert [composer.index.sentences.text(c.sentence, composer.index.documents) for c in listed] == lessons
    sentences, citations, note = composer.compose(chosen, ranked=False, listed=listed)
    assert [s.text for s in sentences] == lessons and len(citations) == 3 and note is None
    # a heading is named by two of its words at least, half of them or more; a section that is no list never answers
    assert names_heading("Lessons - What the Audit Learned", frozenset(own_terms("What did the audit learn?")))
    assert not names_heading("Lessons - What the Audit Learned", frozenset(own_terms("What are the lessons?")))
    # a word ranking a thing foremost is as good as another: "the main lessons" name "Key Lessons", "the lessons" do not
    assert names_heading("Patrols at Sea - Key Lessons", frozenset(own_terms("What were the main lessons?")))
    assert names_heading("Major Lessons of the Audit", frozenset(own_terms("What are the principal lessons of the audit?")))
    assert names_heading("Patrols at Sea - Key Lessons", frozenset(own_terms("What were the lessons?")))  # "Key" adds nothing
    assert not names_heading("Patrols at Sea - Key Lessons", frozenset(own_terms("What were the lessons?")), restated=True)
    # … but a question saying "key lessons" names it, whatever else it asks
    assert names_heading("Patrols at Sea - Key Lessons", frozenset(own_terms("What did the towns gain by the audit's key lessons?")), restated=True)
    assert not names_heading("Patrols at Sea - Lessons and Costs", frozenset(own_terms("What were the lessons?")))
    # a verb of finding names what was found: "identified", "highlighted" as "found" name "Key Findings"
    for question in ("What gaps did the audit identify?", "What are the gaps highlighted by the audit?",
                     "Which gaps did the audit uncover?", "What gaps did the audit find?"):
        assert names_heading("Patrols at Sea - Key Findings", frozenset(own_terms(question))), question
    assert not names_heading("Patrols at Sea - Key Findings", frozenset(own_terms("What gaps did the audit leave?")))
    assert composer.heading_list(chosen, frozenset(own_terms("What are the budget lessons of the audit fund?"))) == listed
    assert composer.heading_list(chosen, frozenset(own_terms("What does the audit say on the patrol budget?"))) == []


def test_short_list_items_come_with_their_list_and_never_alone(tmp_path):
    from assistant.conversation import own_terms

    composer, ids = composer_over(tmp_path)
    steps = ["The audit names three next steps for the towns:", "Buy storm radios", "Hire two pilots", "Publish the budget"]
    assert {ids[t] for t in steps[1:]} == set(composer.index.sentences.list_stubs)
    # not candidates (no passage holds them), yet brought by the sentence introducing them …
    chosen = [c for c in candidates(ids, {"The audit names three next steps": 0.9, "The harbour court hears": 0.8})
              if c.sentence not in composer.index.sentences.list_stubs]
    texts = [s.text for s in composer.compose(chosen, ranked=False, form=QuestionForm(wants_list=True))[0]]
    assert texts[texts.index(steps[0]) : texts.index(steps[0]) + 4] == steps
    # … and by a question naming their heading
    listed = composer.heading_list(chosen, frozenset(own_terms("What are the next steps for the towns?")))
    assert [composer.index.sentences.text(c.sentence, composer.index.documents) for c in listed] == steps


def test_a_list_set_as_paragraphs_ending_with_semicolons_is_a_list_its_heading_can_be_asked_for(tmp_path):
    from assistant.conversation import own_terms

    composer, ids = composer_over(tmp_path)
    concerns = ["Moving the patrols from rescue to prevention along the quays;", "Ensuring that fishers are heard before rules change.",
                "The towns can help by meeting them each month;", "Publishing the patrol budget every year;"]
    chosen = [c for c in candidates(ids, {"The audit found the fund short": 0.9})]
    listed = composer.heading_list(chosen, frozenset(own_terms("Which concerns are under review?")))
    # the second item is two sentences, the first ending with a full stop: the paragraph's end makes it an item
    assert [composer.index.sentences.text(c.sentence, composer.index.documents) for c in listed] == concerns


def test_a_short_statement_opening_its_paragraph_brings_the_sentence_saying_what_it_announces(tmp_path):
    """"Dredging is slow work." opens its paragraph and announces what the next sentence says ("… because …"); a
    short sentence inside a paragraph, or one whose paragraph ends with it, brings nothing."""
    from tests.test_answers import answerer_over

    answerer = answerer_over(tmp_path, {"harbour-works.md": (
        "# Harbour Works\n\n## Time\n\nDredging is slow work. Deepening a channel takes years because the sand "
        "returns with every tide.\n\n## Costs\n\nThe dues pay for the dredgers. Quays are quite cheap. Towns share the rest "
        "of the bill.\n\nPilots are paid well.\n\nThe pilots' pay rose in 2012 after a long strike by the crews.\n"
    )})
    composer, table, documents = answerer.composer, answerer.index.sentences, answerer.index.documents
    ids = {table.text(i, documents): i for i in range(len(table))}
    assert composer.announced(ids["Dredging is slow work."]) == ids[
        "Deepening a channel takes years because the sand returns with every tide."]
    assert composer.announced(ids["Quays are quite cheap."]) is None  # inside its paragraph
    assert composer.announced(ids["Pilots are paid well."]) is None  # its paragraph ends with it
    chosen = [Candidate(ids["Dredging is slow work."], 0.9, 0.9, 1, 1.0), Candidate(ids["Pilots are paid well."], 0.8, 0.8, 1, 1.0)]
    chosen += [Candidate(i, 0.0, 0.0, 1, 0.0) for i in ids.values() if i not in {c.sentence for c in chosen}]
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert texts[texts.index("Dredging is slow work.") + 1].startswith("Deepening a channel takes years")


def test_a_follow_up_quotes_again_what_holds_the_kind_of_answer_it_asks_for(tmp_path):
    """A follow-up moves on from what the conversation quoted, but "How short was the fund, and since when?" asks
    for a figure the last answer gave: the best sentence holding that kind of answer comes again (the first such
    only); said sentences holding nothing asked for stay out."""
    composer, ids = composer_over(tmp_path)
    founded, short = "The patrol was founded in 2009.", "The audit found the fund short by a third."
    said = f"{founded} [1] {short} [2]"

    def answer(holding: set[str]) -> list[str]:
        chosen = candidates(ids, {"The harbour court hears": 0.9, founded: 0.8, short: 0.6})
        for candidate in chosen:  # the sentences holding the kind of answer the question asks for
            candidate.holds_answer = any(candidate.sentence == ids[text] for text in holding)
        return [s.text for s in composer.compose(chosen, ranked=True, said=said)[0]]

    assert short in answer({short}) and founded not in answer({short})
    assert founded in answer({founded, short}) and short not in answer({founded, short})  # the first such only
    assert founded not in answer(set()) and short not in answer(set())


def test_within_a_brief_the_section_holding_the_best_sentence_comes_first(tmp_path):
    composer, ids = composer_over(tmp_path)
    # the court section is printed after the duties, but holds the best sentence: it leads, each section in its order
    chosen = candidates(ids, {"The harbour court hears": 0.9, "The patrol was founded in 2009": 0.8})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert texts[0] == "The harbour court hears smuggling cases within ten days."
    assert texts.index("The patrol was founded in 2009.") < texts.index("It is financed by the Lake Towns Fund with 2 million euros a year.")


def test_the_best_sentence_is_read_first_after_what_it_points_back_to_with_the_sentences_right_after_it(tmp_path):
    composer, ids = composer_over(tmp_path)
    founded, short = "The patrol was founded in 2011 according to the audit.", "The audit found the fund short by a third."
    concretely = "In concrete terms, this means one patrol boat fewer each year."
    # the founding year is printed before the shortfall, which is the best sentence: it leads, with what follows it
    # pointing back
    chosen = candidates(ids, {"The audit found the fund short": 0.9, "The patrol was founded in 2011": 0.8})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert texts[:3] == [short, concretely, founded]
    # a best sentence pointing back comes after what it points back to
    chosen = candidates(ids, {"In concrete terms": 0.9, "The patrol was founded in 2011": 0.8})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert texts[:3] == [short, concretely, founded]
    # a best sentence opening a list leads with its items right after it, before what its section says earlier
    composer, ids = composer_of(tmp_path, {"lake-patrol.md": BRIEF.replace("## Patrols\n\n", "## Patrols\n\nThe patrol has two boats.\n\n")})
    chosen = candidates(ids, {"The lake patrol has three duties": 0.9, "The patrol has two boats": 0.8})
    texts = [s.text for s in composer.compose(chosen, ranked=False, form=QuestionForm(wants_list=True))[0]]
    assert texts[0] == "The lake patrol has three duties:" and texts[1].startswith("Rescuing fishers")
    assert texts.index("The patrol has two boats.") > texts.index("Reporting smuggling on the lake to the harbour court.")


def test_the_best_item_of_a_list_no_sentence_opens_is_read_first(tmp_path):
    # items under a heading alone: the best one leads, the other items chosen after it ("An overly militarized
    # focus on SSR …" had come eighth, after the findings printed before it)
    composer, ids = composer_of(tmp_path, {"harbour-review.md": (
        "# Harbour Review\n\n## Key Findings\n\n- Creation of pilot units within harbour offices\n"
        "- Drafting of guidance notes for pilot units\n- An overly rigid focus on night pilotage\n"
        "- Weak lesson learning across pilot units\n"
    )})
    chosen = candidates(ids, {"An overly rigid": 0.9, "Creation of pilot units": 0.8, "Drafting of guidance": 0.7})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    assert texts[0] == "An overly rigid focus on night pilotage" and "Creation of pilot units within harbour offices" in texts


def test_after_the_lead_sentences_the_best_of_the_others_comes_next_when_it_stands_in_another_section(tmp_path):
    composer, ids = composer_over(tmp_path)
    founded, short = "The patrol was founded in 2011 according to the audit.", "The audit found the fund short by a third."
    concretely, court = "In concrete terms, this means one patrol boat fewer each year.", "The harbour court hears smuggling cases within ten days."
    chosen = candidates(ids, {"The harbour court hears": 0.9, "The audit found the fund short": 0.8, "The patrol was founded in 2011": 0.1})
    # the lead (what defines the topic) first, then the best sentence of another brief, then what the lead's brief
    # says besides, not all of that before the best sentence
    texts = [s.text for s in composer.compose(chosen, ranked=False, lead=[ids[founded]])[0]]
    assert texts[:4] == [founded, court, short, concretely]
    # the best sentence in the lead's own section is read in its place there, after the lead
    chosen = candidates(ids, {"The audit found the fund short": 0.9, "The harbour court hears": 0.8, "The patrol was founded in 2011": 0.1})
    texts = [s.text for s in composer.compose(chosen, ranked=False, lead=[ids[founded]])[0]]
    assert texts[:4] == [founded, short, concretely, court]


def test_a_list_item_going_on_from_the_line_above_its_list_brings_that_line_not_the_whole_list(tmp_path):
    brief = (
        "# Patrol Oversight\n\n## Strategic level\n\nEnsuring that the patrol answers to the lake towns and their councils in all it does\n\n"
        "- electing a patrol board every four years.\n\n- auditing the patrol through the town councils and the courts.\n\n"
        "- publishing the logbooks of every season.\n\n## Budget\n\nThe towns pay for the patrol together.\n"
    )
    composer, ids = composer_of(tmp_path, {"patrol-oversight.md": brief})
    chosen = candidates(ids, {"auditing the patrol": 0.9, "The towns pay": 0.5})
    texts = [s.text for s in composer.compose(chosen, ranked=False)[0]]
    opening = "Ensuring that the patrol answers to the lake towns and their councils in all it does"
    assert texts[:2] == [opening, "auditing the patrol through the town councils and the courts."]
    assert not any(t.startswith(("electing", "publishing")) for t in texts)  # the other items stay out
    # an item opening in capitals stands on its own
    composer, ids = composer_of(tmp_path, {"patrol-oversight.md": brief.replace("- auditing", "- Auditing")})
    texts = [s.text for s in composer.compose(candidates(ids, {"Auditing the patrol": 0.9, "The towns pay": 0.5}), ranked=False)[0]]
    assert opening not in texts


def test_a_list_item_brings_the_items_after_it_only_for_a_list_question_or_on_their_own_merit(tmp_path):
    composer, ids = composer_of(tmp_path, {"patrol-review.md": (
        "# Patrol Review\n\n## Key Findings\n\n- Partnership with the harbour bank on the fuel costs of the patrol\n"
        "- Lack of night radios on most of the patrol boats\n- Weak logging of the boats landing at dawn\n"
        "- Few women among the pilots of the patrol\n\n## Budget\n\nThe towns pay for the patrol together.\n"
    )})
    bank = "Partnership with the harbour bank on the fuel costs of the patrol"
    # "What role does the harbour bank play?": one finding answers it; the findings after it score low and stay out
    scored = {"Partnership with the harbour bank": 0.95, "The towns pay": 0.9, "Lack of night": 0.2, "Weak logging": 0.2}
    texts = [s.text for s in composer.compose(candidates(ids, scored), ranked=True)[0]]
    assert bank in texts and not any(t.startswith(("Lack", "Weak", "Few")) for t in texts)
    # an item after it scoring above the answer's floor comes along (the sentence budget alone kept it out), up to
    # the first that does not
    texts = [s.text for s in composer.compose(candidates(ids, {**scored, "Lack of night": 0.6}), ranked=True)[0]]
    assert texts[texts.index(bank) + 1] == "Lack of night radios on most of the patrol boats"
    assert not any(t.startswith(("Weak", "Few")) for t in texts)
    # a question asking for a list gets the items after the chosen one whatever they score
    texts = [s.text for s in composer.compose(candidates(ids, scored), ranked=True, form=QuestionForm(wants_list=True))[0]]
    assert [t for t in texts if t.startswith(("Lack", "Weak", "Few"))] == [
        "Lack of night radios on most of the patrol boats", "Weak logging of the boats landing at dawn",
        "Few women among the pilots of the patrol",
    ]


def test_a_list_the_last_answer_quoted_is_not_brought_again_by_one_of_its_items_unless_the_question_narrows_it(tmp_path):
    """"What did it recommend?" after the findings were listed: a finding may score best again, but the findings after
    it are not listed a second time, though the question asks for a list; "Only the ones about boats" picks among them."""
    composer, ids = composer_of(tmp_path, {"patrol-review.md": (
        "# Patrol Review\n\n## Key Findings\n\n- Partnership with the harbour bank on the fuel costs of the patrol\n"
        "- Lack of night radios on most of the patrol boats\n- Weak logging of the boats landing at dawn\n"
        "- Few women among the pilots of the patrol\n\n## Budget\n\nThe towns pay for the patrol together.\n"
    )})
    said = ("Partnership with the harbour bank on the fuel costs of the patrol [1] Lack of night radios on most of the "
            "patrol boats [2] Weak logging of the boats landing at dawn [3] Few women among the pilots of the patrol [4]")
    scored = {"Partnership with the harbour bank": 0.95, "The towns pay": 0.9, "Lack of night": 0.2, "Weak logging": 0.2}
    listed = QuestionForm(wants_list=True)
    texts = [s.text for s in composer.compose(candidates(ids, scored), ranked=True, said=said, form=listed)[0]]
    assert not any(t.startswith(("Lack", "Weak", "Few")) for t in texts)
    narrowed = QuestionForm(wants_list=True, narrows=True)
    texts = [s.text for s in composer.compose(candidates(ids, scored), ranked=True, said=said, form=narrowed)[0]]
    assert "Lack of night radios on most of the patrol boats" in texts
    assert QuestionForm.of("Only the ones about boats.", "Only the ones about boats", answered_before=True).narrows


def test_a_sentence_counting_the_items_of_a_list_further_on_brings_them_when_asked_for(tmp_path):
    brief = (
        "# Harbour Review\n\n## Advice to Improve the Harbour\n\nThe review offers four practical suggestions to the "
        "harbour board. The review drew on a survey of the fishers of the bay. It also drew on forty talks with pilots.\n\n"
        "1. Buy storm radios\n\n2. Hire two pilots\n\n3. Publish the budget\n\n4. Light the quays\n\n"
        "## Budget\n\nThe towns pay for the harbour together.\n"
    )
    def answer(scored: dict[str, float], text: str = brief, **kw) -> list[str]:
        composer, ids = composer_of(tmp_path, {"harbour-review.md": text})
        return [s.text for s in composer.compose(candidates(ids, scored), ranked=False, **kw)[0]]

    items = ["Buy storm radios", "Hire two pilots", "Publish the budget", "Light the quays"]
    scored = {"The review offers": 0.9, "The towns pay": 0.8}
    # "What does the review suggest?" names what the sentence counts: the four items come, in their order
    texts = answer(scored, asked=frozenset({"suggest", "review"}))
    assert [t for t in texts if t in items] == items
    assert set(items) <= set(answer(scored, form=QuestionForm(wants_list=True)))  # so does a question asking for a list
    # a question naming neither gets the sentence alone
    assert not set(items) & set(answer(scored, asked=frozenset({"budget"})))
    # a count the list does not hold is no count of it
    miscounted = brief.replace("four practical", "three practical")
    assert not set(items) & set(answer(scored, miscounted, asked=frozenset({"suggest"})))
    # a follow-up naming them after an answer that quoted the count and the first item ("What did it suggest?"):
    # the items not yet read come, the count is not quoted again
    said = "The review offers four practical suggestions to the harbour board. [1] Buy storm radios [2]"
    followed = {"It also drew on": 0.9, "The towns pay": 0.8}
    texts = answer(followed, said=said, asked=frozenset({"suggest"}))
    assert [t for t in texts if t in items] == items[1:] and not any(t.startswith("The review offers") for t in texts)
    assert not set(items) & set(answer(followed, said=said, asked=frozenset({"budget"})))  # unless it names them
