"""Definition questions: the term asked about, and the sentence defining it (by its words or its initials)."""

import dataclasses

import pytest

from assistant.definitions import IDENTITY, KIND, asked_term, definition_strength, defines, stands_for
from assistant.ranking import asks_definition


@pytest.mark.parametrize(
    "question, term",
    [
        ("What is harbour pilot licensing?", "harbour pilot licensing"),
        ("What are HPLs?", "HPLs"),
        ("Define a tidal surge", "tidal surge"),
        ("Explain night pilotage.", "night pilotage"),
        ("What does the term 'night pilotage' cover in port thinking?", "night pilotage"),
        ("What does HPL stand for?", "HPL"),
        ("What is the definition of a dredging permit?", "dredging permit"),
        ("whats the meaning of harbour dues", "harbour dues"),
        ("Who counts as a registered pilot?", "registered pilot"),
        ("What is meant by pilotage?", "pilotage"),
        ("What was the Harbour Accord?", "Harbour Accord"),
        ("What is pilotage, according to the port code?", "pilotage"),
        ("What is a pilot as defined by the code?", "pilot"),
        ("Whose definition of a pilot is used?", "pilot"),
        ("What is the definition of harbour dues according to the port?", "harbour dues"),
        # two sources' definitions set side by side: the term, not "pilotage differ"
        ("How does the code's definition of pilotage differ from the review's?", "pilotage"),
        ("Is the definition of pilotage the same in the code and the review?", "pilotage"),
        ("Compare the two definitions of harbour dues in the codes.", "harbour dues"),  # each definition leads
        # what a thing is made of is what it is: "X is composed of …" answers it
        ("What are the components of the harbour authority?", "harbour authority"),
        ("Who makes up the pilots' board?", "pilots' board"),
        ("What is the harbour authority composed of?", "harbour authority"),
        ("What does the port code consist of?", "port code"),
        ("What constitutes safe pilotage?", "safe pilotage"),
        # a source that defines it: the term is what follows "define", or comes before "defined"
        ("How does the port code define a pilot?", "pilot"),
        ("How do the harbour rules define night pilotage?", "night pilotage"),
        ("How is harbour pilot licensing defined in the code?", "harbour pilot licensing"),
        # what a source means by it ("the briefs" had been the term asked about)
        ("What does the port code mean by pilotage?", "pilotage"),
        ("What do the briefs mean by the harbour authority?", "harbour authority"),
        # search-box words ending in what they ask for
        ("harbour dues meaning", "harbour dues"),
        ("pilotage definition", "pilotage"),
        ("pilot definition IMO", "pilot"),  # … and who defines it after them
        ("harbour dues meaning according to the port code", "harbour dues"),
        ("definition night pilotage", "night pilotage"),  # … or opening with what they ask for
        ("What does pilotage mean in practice?", "pilotage"),  # what it means, where: still what it is
        # asked to list its members: a sentence giving them by example answers it ("pilot boats, such as …")
        ("List the pilot boats.", "pilot boats"),
        ("Name all the harbour dues", "harbour dues"),
    ],
)
def test_the_term_a_definition_question_asks_about(question, term):
    assert asked_term(question) == term


@pytest.mark.parametrize(
    "question",
    ["What is the role of the harbour master?", "What is being done about silt?", "How are pilots licensed?",
     "What is the difference between a pilot and a master?", "What are the main duties of pilots in winter storms at sea?",
     "What makes up for the lost dues?", "Which meaning?", "What is the link between pilotage and port safety?",
     "What is the relationship between dues and dredging?", "What are the effects of silt on pilots?",
     "What does pilotage mean for fishers?", "What does the dredging fund mean to the towns?",
     "Explain how pilots are licensed.", "Explain why the harbour closes in fog."],
)
def test_other_questions_ask_about_no_term(question):
    assert asked_term(question) is None


@pytest.mark.parametrize(
    "question",
    ["What is the link between pilotage and port safety?", "What is the relationship between dues and dredging?",
     "What are the effects of silt on pilots?", "What is the impact of dredging on the harbour?"],
)
def test_asking_how_things_bear_on_each_other_is_no_definition_question(question):
    assert asked_term(question) is None and not asks_definition(question)


def test_a_long_question_asks_about_no_term():
    assert asked_term("What is " + "very " * 50 + "long pilotage?") is None
    assert asked_term("the definition of " + "x " * 1000 + " " * 1000 + "z") is None  # and costs next to nothing


def test_a_thing_given_by_examples_is_defined_by_kind():
    sentence = "pilot boats, such as the launch Vell and the tug Ran, carried pilots to the ships;"
    assert definition_strength(sentence, "pilot boats") == KIND
    assert definition_strength("Harbour dues, including a berth fee, are paid monthly.", "harbour dues") == KIND
    assert definition_strength(sentence, "tug") == 0  # an example is not what is defined


def test_initials_stand_for_the_words_they_abbreviate():
    assert stands_for("HPL", "harbour pilot licensing")
    assert stands_for("HPLs", "harbour pilot licences")
    assert stands_for("DHA", "Department of Harbour Affairs") and stands_for("DOHA", "Department of Harbour Affairs")
    assert not stands_for("HPL", "harbour licensing")
    assert not stands_for("Hpl", "harbour pilot licensing")  # not written as initials


@pytest.mark.parametrize(
    "sentence, term",
    [
        ("HPL is the process by which the port authority certifies pilots.", "harbour pilot licensing"),
        ("Harbour pilot licensing is the process by which pilots are certified.", "HPL"),
        ("In most ports, harbour pilot licensing (HPL) is the process of certifying pilots.", "harbour pilot licensing"),
        ("Good HPL means that every pilot is certified.", "good harbour pilot licensing"),
        ("The pilot corps is composed of all licensed pilots.", "pilot corps"),
        ("Pilot: Any person who guides ships into the harbour.", "pilot"),
        ("Night pilotage refers to guiding ships after dark.", "night pilotage"),
        ("The Harbour Accord was a pact between the port and its pilots.", "Harbour Accord"),
        ("The duties of a pilot are steering, signalling and reporting.", "duties of a pilot"),
        ("Port/ harbour licensing refers to certifying pilots.", "harbour licensing"),  # slashed alternatives
        ("Port/harbour licensing refers to certifying pilots.", "port licensing"),
    ],
)
def test_a_sentence_defines_a_term_it_opens_with_before_a_defining_verb(sentence, term):
    assert defines(sentence, term)


@pytest.mark.parametrize(
    "sentence, term",
    [
        ("HPL programming is different in every port.", "harbour pilot licensing"),  # the term, but no definition
        ("The HPL handbooks are a resource for pilots.", "harbour pilot licensing"),
        ("Pilot licensing is the process of certifying pilots.", "harbour pilot licensing"),  # another term
        ("Ports say that HPL is the answer.", "harbour pilot licensing"),  # not the sentence's subject
        ("Pilots are needed to consolidate harbour safety, and ports pay them.", "pilots"),  # no enumeration after "are"
        ("Port/ harbour licensing refers to certifying pilots.", "licensing"),  # an alternative is no word to drop
        ("North/south/east/west/inland ports refers to all ports.", "north ports"),  # past three slashes, as it stands
    ],
)
def test_a_sentence_not_opening_with_the_term_defines_nothing(sentence, term):
    assert not defines(sentence, term)


def test_the_definition_comes_first_though_other_sentences_hold_more_of_the_question(tmp_path):
    """A brief of our own: its definition uses the initials and comes last in its section; the list and the sentences
    before it spell the term out."""
    from tests.test_answers import answerer_over

    answerer = answerer_over(tmp_path, {"harbour-licensing.md": (
        "# Harbour Pilot Licensing\n\n## What is harbour pilot licensing?\n\n"
        "Harbour pilot licensing can cover:\n\n"
        "- one harbour pilot licensing office – for example the licensing desk of a river harbour;\n"
        "- harbour pilot licensing rules for one kind of ship – for example tankers or ferries;\n"
        "- the role of one harbour institution in harbour pilot licensing – for example the harbour master;\n"
        "- one level of harbour pilot licensing – for example national, provincial or municipal harbour licensing.\n\n"
        "Harbour pilot licensing differs in every port, because harbour pilots, harbour traffic and licensing needs "
        "differ. For this reason, harbour pilot licensing needs careful analysis of each harbour before pilots are "
        "licensed.\n\n"
        "HPL is the process by which a port authority tests, certifies and supervises those who steer ships in. Its "
        "goal is safe passage.\n\n"
        "## Why license pilots?\n\nUnlicensed pilots wreck ships. Licensing keeps harbours open.\n"
    )})
    for question in ("What is harbour pilot licensing?", "Define HPL"):
        texts = [s.text for s in answerer.ask(question).sentences]
        assert texts[:2] == ["HPL is the process by which a port authority tests, certifies and supervises those who steer "
                             "ships in.", "Its goal is safe passage."], question  # with the sentence continuing it
    why = [s.text for s in answerer.ask("Why license pilots?").sentences]
    assert not why[0].startswith("HPL is")  # not a definition question: the reading order stands


def test_where_two_briefs_define_the_term_each_definition_leads(tmp_path):
    from tests.test_answers import answerer_over

    answerer = answerer_over(tmp_path, {
        "harbour-licensing.md": (
            "# Harbour Pilot Licensing\n\n## Scope\n\nHarbour pilot licensing can cover river ports, sea ports and "
            "ferry terminals, and harbour pilot licensing offices differ in size.\n\n"
            "HPL is the process by which a port authority tests, certifies and supervises those who steer ships in.\n"
        ),
        "port-code.md": (
            "# The Port Code\n\n## Licences\n\nUnder the code, harbour pilot licensing means the yearly renewal of a "
            "pilot's permit after a sea trial. Harbour pilot licensing fees go to the harbour fund.\n"
        ),
    })
    texts = [s.text for s in answerer.ask("What is harbour pilot licensing?").sentences]
    assert set(texts[:2]) == {
        "HPL is the process by which a port authority tests, certifies and supervises those who steer ships in.",
        "Under the code, harbour pilot licensing means the yearly renewal of a pilot's permit after a sea trial.",
    }, texts


def test_what_a_term_is_defines_it_more_closely_than_what_kind_of_thing_it_is():
    assert definition_strength("HPL is the process by which pilots are certified.", "HPL") == IDENTITY
    assert definition_strength("HPL means certifying pilots.", "HPL") == IDENTITY
    assert definition_strength("Pilot: Any person who guides ships in.", "pilot") == IDENTITY
    assert definition_strength("HPL is a long-term endeavour.", "HPL") == KIND
    assert definition_strength("HPL programming differs by port.", "HPL") == 0
    assert IDENTITY > KIND > 0


def test_a_definition_question_leads_with_what_the_term_is_not_with_a_trait(tmp_path):
    """A brief of our own with a trait ("is a long-term endeavour") and a definition of the same term; the trait scored
    first, as a bare "Define HPL" can leave the ranker's scores tied."""
    from assistant.composition import Candidate
    from tests.test_answers import answerer_over, sentence_starting

    answerer = answerer_over(tmp_path, {"harbour-licensing.md": (
        "# Harbour Pilot Licensing\n\n## Time\n\nHPL is a long-term endeavour. Ports plan HPL over decades.\n\n"
        "## Meaning\n\nHPL is the process by which a port authority tests, certifies and supervises those who steer "
        "ships in.\n"
    )})
    trait, definition = (sentence_starting(answerer, start) for start in ("HPL is a long-term", "HPL is the process"))
    scored = [Candidate(trait, 1.0, 0.7, 1, 1.0), Candidate(definition, 1.0, 0.6, 2, 1.0)]
    assert answerer._definitions("Define HPL", scored) == [definition]
    assert answerer._definitions("Define HPL", scored[:1]) == [trait]  # a trait when nothing says what it is
    assert answerer._definitions("Why plan HPL?", scored) == []


def test_asked_what_a_thing_no_sentence_defines_is_the_answer_opens_with_a_sentence_about_it(tmp_path):
    """A brief of our own: no sentence says what the scheme is; one opens with its name (initials in brackets), and
    two before it, in the same section, speak of what it answers."""
    from assistant.definitions import opens_with
    from tests.test_answers import answerer_over

    answerer = answerer_over(tmp_path, {"harbour-scheme.md": (
        "# Harbour Safety\n\n## Harbour Pilots Scheme (2019)\n\n"
        "Shipwrecks near harbour mouths have become a growing concern for port towns and their insurers. "
        "Untrained pilots steering tankers at night cause most of the harbour wrecks recorded since 2010.\n\n"
        "Harbour Pilots Scheme (HPS) was set up in March 2019 for an initial period of four years. "
        "It is financed by the Coastal Towns Fund with 3 million euros.\n\n"
        "## Ferries\n\nFerries cross the bay every hour in summer. Pilots have lunch in the canteen by the ferry pier.\n"
    )})
    texts = [s.text for s in answerer.ask("What is the Harbour Pilots Scheme?").sentences]
    assert texts[:2] == ["Harbour Pilots Scheme (HPS) was set up in March 2019 for an initial period of four years.",
                         "It is financed by the Coastal Towns Fund with 3 million euros."]
    assert opens_with("Harbour Pilots Scheme (HPS) was set up in 2019.", "HPS")
    assert not opens_with("The scheme was set up in 2019.", "Harbour Pilots Scheme")
    # a common word is not introduced by a sentence opening with it: "Pilots …" is only about pilots, and does not lead
    # what the answer to "Who counts as a pilot?" quotes first (the ranker's order does)
    lead = []
    original = answerer._defined
    answerer._defined = lambda term, *rest, **kw: lead.append(original(term, *rest, **kw)) or lead[-1]
    # (answered whatever the support model says of so small a brief: what leads is the question here)
    answerer.ask("Who counts as a pilot?", models=dataclasses.replace(answerer.models, support=None))
    assert lead == [[]]
    answerer.ask("What is the Harbour Pilots Scheme?")
    assert len(lead[-1]) == 1  # the named scheme's opening sentence still leads


def test_asked_what_a_short_form_stands_for_the_sentence_spelling_it_out_leads(tmp_path):
    """A brief of our own: one sentence defines the scheme by its letters, another writes the letters out in brackets.
    "What does HPS stand for?" is answered first with the words behind the letters; "What is HPS?" with the
    definition; a bracket of other letters, or letters that are not the words' initials, spell nothing out."""
    from assistant.composition import Candidate
    from assistant.definitions import asks_expansion, spells_out
    from tests.test_answers import answerer_over, sentence_starting

    answerer = answerer_over(tmp_path, {"harbour-scheme.md": (
        "# Harbour Safety\n\n## The scheme\n\nHPS is the process by which a port authority tests and certifies "
        "those who steer ships in.\n\nPorts joined the Harbour Pilots Scheme (HPS) in 2019 to cut wrecks at night.\n"
    ), "harbour-fees.md": "# Harbour Fees\n\n## Rates\n\nShips under HPS rules pay their pilots by the hour, at night double.\n"})
    definition, spelt = (sentence_starting(answerer, start) for start in ("HPS is the process", "Ports joined"))
    scored = [Candidate(definition, 1.0, 0.7, 1, 1.0), Candidate(spelt, 0.5, 0.6, 1, 1.0)]
    assert answerer._definitions("What does HPS stand for?", scored) == [spelt, definition]
    assert answerer._definitions("What is HPS?", scored) == [definition]
    assert answerer._definitions("What is HPS?", scored[1:]) == [spelt]  # nothing defines it: the letters written out
    # asked what it stands for, the sentence spelling it out is found beyond the candidates, in any brief
    assert answerer._definitions("What does HPS stand for?", scored[:1]) == [spelt, definition]
    assert answerer._definitions("What is HPS?", scored[:1]) == [definition]
    # … but only in the briefs the question is restricted to
    assert answerer._definitions("What does HPS stand for?", scored[:1], doc_ids=("harbour-fees",)) == [definition]
    expanded = answerer.ask("What does HPS stand for?")
    assert expanded.sentences[0].text.startswith("Ports joined the Harbour Pilots Scheme")
    assert expanded.support == "answered"  # a brief writes the letters out: stated, whatever the model's probability
    assert answerer._expansion_stated("What does HPS stand for?") and not answerer._expansion_stated("What is HPS?")
    assert not answerer._expansion_stated("What does HPS stand for?", ("harbour-fees",))
    assert not answerer._expansion_stated("What does HPX stand for?")
    assert asks_expansion("What is HPS short for?") and not asks_expansion("What is HPS?")
    # what letters mean is what they stand for first; not what a short form means for something, nor a word
    assert asks_expansion("What does HPS mean?") and asks_expansion("What does the HPS mean?")
    assert not asks_expansion("What does HPS mean for night pilots?") and not asks_expansion("What does pilotage mean?")
    assert answerer.ask("What does HPS mean?").sentences[0].text.startswith("Ports joined the Harbour Pilots Scheme")
    assert not spells_out("Ports joined the Harbour Pilots Scheme (HPS) in 2019.", "HPL")
    assert not spells_out("Ports joined the scheme for pilots (HPS) in 2019.", "HPS")


def test_of_the_sentences_spelling_a_short_form_out_one_defining_it_or_standing_alone_leads(tmp_path):
    """The first sentence to write the letters out points back ("Furthermore, it suggests how …"); a brief further on
    writes them out in a sentence defining the rota. Looked for beyond the passages found, the definition is the one
    spelling the letters out; a lead found there is quoted first however low the ranker scored it (it had been
    passed over when it pointed back: "What does SSR stand for?" quoted no sentence writing SSR out)."""
    from assistant.composition import Candidate
    from tests.test_answers import answerer_over, sentence_starting

    answerer = answerer_over(tmp_path, {"harbour-notes.md": (
        "# Harbour Notes\n\n## Introduction\n\nThis note looks at why ships wait outside the harbour at night. "
        "Furthermore, it suggests how the port, through Harbour Pilot Rotas (HPR) reforms, might help ships enter "
        "after dark.\n\n## Tides\n\nTides in the bay turn every six hours, and the sand bars move with each storm.\n"
    ), "harbour-rotas.md": (
        "# Harbour Rotas\n\n## Rotas\n\nIn such ports, the harbour pilot rota (HPR) is the schedule that names which "
        "pilot steers ships in on each night of the week.\n"
    )})
    pointing, defining, tides = (sentence_starting(answerer, start) for start in ("Furthermore, it", "In such ports", "Tides in"))
    assert answerer._spelt_out_anywhere("HPR") == defining
    assert answerer._spelt_out_anywhere("HPR", ("harbour-notes",)) == pointing  # the only one there
    found = [Candidate(tides, 0.9, 0.5, 1, 0.5), Candidate(pointing, 0.0, 0.0, 1, 0.0)]  # the lead joins unscored, as in ask
    sentences, _, _ = answerer.composer.compose(found, ranked=True, lead=[pointing])
    assert sentences[0].text.startswith("Furthermore, it suggests how the port"), [s.text for s in sentences]


def test_a_short_form_named_after_a_dash_is_spelt_out_and_one_never_written_out_is_at_best_partial(tmp_path):
    """"HBV – Port Authority of Vell" names what HBV stands for (its letters from another language); asked what PSU
    stands for, which the briefs use but never write out, the quotes about PSU are not its meaning: at most partial."""
    from assistant.definitions import spells_out
    from tests.test_answers import answerer_over

    answerer = answerer_over(tmp_path, {
        "harbour-authority.md": "# The Authority\n\n## Who we are\n\nHBV – Port Authority of Vell. HBV licenses "
        "the pilots who steer ships into the harbour.\n\n## Units\n\nThe PSU patrols the quays at night. The PSU "
        "reports to the harbour master every morning, and the PSU trains new pilots in radio work.\n",
    })
    assert spells_out("HBV – Port Authority of Vell.", "HBV") and not spells_out("HBV – the port authority.", "HBV")
    named = answerer.ask("What does HBV stand for?")
    assert named.sentences[0].text == "HBV – Port Authority of Vell." and named.support == "answered"
    assert answerer._expansion_stated("What does PSU stand for?") is False
    assert answerer._expansion_stated("What does the PSU do?") is None  # not asked what it stands for
    unstated = answerer.ask("What does PSU stand for?")
    assert unstated.support != "answered"


def test_a_sentence_opening_with_a_longer_name_the_term_begins_is_not_about_the_term():
    from assistant.definitions import opens_with

    assert not opens_with("Pilot Convention and its 1967 Protocol - IMO, 1951", "pilot")
    assert opens_with("Pilots and other crew have access to special courses.", "pilot")


def test_with_no_sentence_defining_the_term_bare_one_defining_it_with_a_qualifier_leads(tmp_path):
    """"Good HPG is …" says what good harbour pilot governance is: asked what HPG is, and no sentence saying "HPG is
    …", it leads; a sentence defining the bare term comes first when there is one."""
    from assistant.composition import Candidate
    from assistant.definitions import qualified_strength
    from tests.test_answers import answerer_over, sentence_starting

    answerer = answerer_over(tmp_path, {"harbour-governance.md": (
        "# Harbour Governance\n\n## Pilots\n\nPorts train their pilots for three years before they steer alone.\n\n"
        "## Good governance\n\nGood HPG is a specific type of harbour governance based on open accounts and fair dues.\n\n"
        "## Meaning\n\nHPG is the way a port authority oversees those who steer ships in.\n"
    )})
    ports, qualified, bare = (sentence_starting(answerer, start) for start in ("Ports train", "Good HPG", "HPG is the way"))
    scored = [Candidate(ports, 1.0, 0.7, 1, 1.0), Candidate(qualified, 0.9, 0.6, 1, 1.0), Candidate(bare, 0.8, 0.6, 2, 1.0)]
    assert answerer._definitions("What is HPG?", scored) == [bare]
    assert answerer._definitions("What is HPG?", scored[:2]) == [qualified]
    assert qualified_strength("Good HPG is a type of governance.", "HPG") and not qualified_strength("HPG is a type.", "HPG")


@pytest.mark.parametrize(
    "question, pair",
    [
        ("What is the difference between HPL and HPG?", ("HPL", "HPG")),
        ("What's the difference between a pilot and a tug master?", ("pilot", "tug master")),
        ("How does a pilot differ from a tug master?", ("pilot", "tug master")),
        ("How is harbour safety different from port security?", ("harbour safety", "port security")),
        ("What distinguishes pilots from deckhands?", ("pilots", "deckhands")),
        ("How do pilots and deckhands differ?", ("pilots", "deckhands")),
        ("Compare night pilotage and day pilotage", ("night pilotage", "day pilotage")),
        ("HPL vs HPG", ("HPL", "HPG")),
        ("What are the differences between the levy and the harbour dues?", ("levy", "harbour dues")),
    ],
)
def test_the_two_terms_a_question_asks_to_tell_apart(question, pair):
    from assistant.definitions import compared_terms

    assert compared_terms(question) == pair


@pytest.mark.parametrize(
    "question",
    [
        "What is the difference between the two versions of the pilot licence that the port code and the harbour "
        "master's handbook give for night work in winter storms?",  # not two terms: clauses
        "What is a pilot?",
        "How does the levy compare with what it raised in 2019?",
        "What is the difference between pilots and pilots?",
        "Compare the role of pilots and the role of deckhands",
    ],
)
def test_other_questions_compare_no_two_terms(question):
    from assistant.definitions import compared_terms

    assert compared_terms(question) is None


def test_asked_to_tell_two_terms_apart_the_definition_of_each_leads(tmp_path):
    """A brief of our own defines two terms in sections of their own. Asked the difference, the answer opens with both
    definitions, in the question's order, even when the top passages hold one of them only (the other is looked up as
    "What is <term>" would be); with no sentence defining a term, none is put first for it."""
    from assistant.composition import Candidate
    from tests.test_answers import answerer_over, sentence_starting

    answerer = answerer_over(tmp_path, {"harbour-roles.md": (
        "# Harbour Roles\n\n## Pilots\n\nA harbour pilot is the mariner who boards a ship at the fairway buoy and steers "
        "it to its berth.\n\nPilots train for three years before they steer alone at night.\n\n"
        "## Tug masters\n\nA tug master is the skipper of a tug that pushes and pulls ships in tight basins.\n\n"
        "Tug masters answer to the harbour office, not to the ship's captain.\n\n"
        "## Dues\n\nEvery ship that calls pays dues to the harbour office on leaving.\n"
    ), "harbour-dues.md": "# Harbour Dues\n\n## Rates\n\nA tug master's ship pays half dues in winter, and a pilot boat none.\n"})
    pilot, trains, master = (sentence_starting(answerer, s) for s in ("A harbour pilot is", "Pilots train", "A tug master is"))
    scored = [Candidate(trains, 1.0, 0.7, 1, 1.0), Candidate(pilot, 0.9, 0.6, 1, 1.0)]
    asked = "What is the difference between a harbour pilot and a tug master?"
    assert answerer._definitions(asked, scored) == [pilot, master]  # the tug master's found beyond the candidates
    assert answerer._definitions("How does a tug master differ from a harbour pilot?", scored) == [master, pilot]
    assert answerer._definitions("What is the difference between a harbour pilot and a deckhand?", scored) == [pilot]
    answer = answerer.ask(asked)
    assert [s.text for s in answer.sentences[:2]] == [answerer.index.sentences.text(s, answerer.index.documents) for s in (pilot, master)]
    # a search restricted to a brief looks for definitions in that brief only
    assert answerer._definitions(asked, [], doc_ids=("harbour-roles",)) == [pilot, master]
    assert answerer._definitions(asked, [], doc_ids=("harbour-dues",)) == []


def test_search_box_words_ending_in_meaning_ask_for_a_definition():
    from assistant.ranking import asks_definition

    assert asks_definition("harbour dues meaning") and asks_definition("pilotage definition?")
    assert asks_definition("pilot definition IMO") and asks_definition("definition night pilotage")
    assert not asks_definition("Which meaning?") and not asks_definition("harbour dues")
