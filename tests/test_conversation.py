"""Follow-ups are resolved from earlier turns by rules that can be read and tested."""

import pytest

from assistant.conversation import Turn, own_terms, resolve


def history(*questions):
    return [turn for q in questions for turn in (Turn("user", q), Turn("assistant", "An answer [1]."))]


def test_a_first_question_stands_alone():
    resolved = resolve("What is security sector reform?", [])
    assert not resolved.followup and resolved.query == "What is security sector reform"


def test_an_ellipsis_replaces_the_focus_of_the_previous_question():
    resolved = resolve("And in authoritarian regimes?", history("Which SSR entry points address weak or absent state protection?"))
    assert resolved.followup
    assert resolved.query == "Which SSR entry points address authoritarian regimes"


@pytest.mark.parametrize("question", ["Which countries were given as examples of that?", "Who pays for it?", "Why?"])
def test_a_reference_back_carries_the_previous_topic(question):
    resolved = resolve(question, history("Why do people flee compulsory military service?"))
    assert resolved.followup
    assert "compulsory military service" in resolved.query and resolved.query.startswith(question.rstrip("?"))


def test_a_new_topic_does_not_drag_the_old_one_along():
    resolved = resolve("What does the Better Migration Management programme fund?", history("What is SSR?", "And in Libya?"))
    assert not resolved.followup
    assert resolved.query == "What does the Better Migration Management programme fund"


def test_follow_ups_chain_through_several_turns():
    turns = history("What can SSR do about armed conflict?", "And about authoritarian regimes?")
    resolved = resolve("Which countries are examples of that?", turns)
    assert "authoritarian regimes" in resolved.query and "armed conflict" not in resolved.query


def test_that_as_a_conjunction_is_not_a_reference():
    resolved = resolve("Does the backgrounder say that reform takes generations?", history("What is SSR?"))
    assert not resolved.followup


def test_assistant_turns_and_empty_turns_are_ignored():
    turns = [Turn("assistant", "Hello"), Turn("user", "  "), Turn("user", "What is SSR?")]
    assert resolve("And its goal?", turns).query == "And SSR's goal"


def test_given_without_as_examples_points_back_at_nothing():
    assert not resolve("Which countries are given aid by donors?", history("What is SSR?")).followup


def test_an_existential_there_is_not_a_reference():
    resolved = resolve("Is there a definition of a refugee in the briefs?", history("What is SSR?"))
    assert not resolved.followup


@pytest.mark.parametrize(
    "question",
    [
        "Only the ones about Central America.", "Just the part about corruption.", "Of the conventions listed, which are ILO ones?",
        "Which countries are given as examples?", "Which treaties are cited as examples?",
    ],
)
def test_narrowing_what_was_just_said_is_a_follow_up(question):
    resolved = resolve(question, history("Which international conventions frame migration?"))
    assert resolved.followup and "international conventions frame migration" in resolved.query


def test_a_continuation_with_a_question_of_its_own_asks_that_question():
    resolved = resolve("And in the Sahel, what is being done?", history("Does SSR involve women?"))
    assert resolved.followup and resolved.query == "the Sahel, what is being done"


def test_they_after_a_continuation_that_swapped_one_thing_for_another_are_both_things():
    turns = history("What does HACCP stand for?", "And GMP?")
    resolved = resolve("How are they related?", turns)
    assert resolved.followup and resolved.query.startswith("How are HACCP and GMP related")
    # without the swap "they" stays unnamed: one thing is not "they"
    assert "HACCP and" not in resolve("How are they related?", history("What does HACCP stand for?")).query
    # "it" after the swap is the thing asked of last
    assert resolve("Who wrote it?", turns).query.startswith("Who wrote GMP")


def test_the_kind_one_after_a_topic_naming_things_in_the_plural_is_that_one_of_them():
    resolved = resolve("Who pays the cargo one?", history("Tell me about the harbour levies."))
    assert resolved.followup and resolved.query == "Who pays the cargo harbour levies"
    assert resolve("How did the Danish one go?", history("Tell me about the ferry treaties.")).query == (
        "How did the Danish ferry treaties go"
    )
    # not a kind ("the same one"), nor one of a single thing
    assert "the same harbour" not in resolve("Is it the same one?", history("Tell me about the harbour levies.")).query
    assert "the cargo harbour" not in resolve("Who pays the cargo one?", history("Tell me about the harbour board.")).query


def test_a_continuation_after_a_scene_gives_way_in_the_asking_sentence_only():
    turns = history("Smugglers are bribing dock workers in our harbour and traders are leaving. What can be done?")
    resolved = resolve("What about the customs officers?", turns)
    assert resolved.query.startswith("Smugglers are bribing dock workers in our harbour and traders are leaving. What can be done")
    assert "customs officers" in resolved.query


def test_words_framing_a_question_as_a_request_are_not_searched():
    from assistant.conversation import without_asking_frame

    assert without_asking_frame("I would like to know who licenses the pilots.") == "who licenses the pilots."
    assert without_asking_frame("Could you please tell me why the harbour closes in fog?") == "why the harbour closes in fog?"
    assert without_asking_frame("I was wondering whether the guide mentions dredging.") == "whether the guide mentions dredging."
    # a frame naming its topic is a question of its own kind ("Tell me about …"), kept whole
    assert without_asking_frame("Tell me about the harbour board.") == "Tell me about the harbour board."
    assert without_asking_frame("Do you know the harbour master?") == "Do you know the harbour master?"


def test_a_chain_keeps_its_topic_not_the_follow_ups_in_between():
    turns = history("What push factor affects countries formally at peace?", "How many minors left those countries?", "Why did most of them leave?")
    resolved = resolve("Was there an initiative aimed at those push factors?", turns)
    assert resolved.query == "Was there an initiative aimed at those push factors — What push factor affects countries formally at peace"
    # one level down, the question it follows is kept with it
    second = resolve("Who funds it?", history("Why do people flee Eritrea?"))
    assert second.query == "Who funds it — Why do people flee Eritrea"
    third = resolve("Who runs it?", history("Why do people flee Eritrea?", "Who funds it?"))
    assert third.query == "Who runs it — Why do people flee Eritrea" and "funds" not in third.query
    # a topic whose subject is a name says what "it" is: "the Better Migration Management programme"
    subject = resolve("Who runs it?", history("Why was the Better Migration Management programme set up?", "Who funds it?"))
    assert subject.query == "Who runs the Better Migration Management programme"
    assert resolve("Who runs it?", history("When was Frontex founded?")).query == "Who runs Frontex"
    # not a subject: what a "what" question asks about, a plain noun, or a name with more words than a verb after it
    assert "Which countries are examples of SSR" not in resolve(
        "Which countries are examples of that?", history("What can SSR do about authoritarian regimes?")).query
    assert resolve("Who runs it?", history("Why did Sweden change its rules?")).query.startswith("Who runs it —")
    # after a topic that names its thing, every follow-up of the chain reads the pronoun as that thing
    named = resolve("Who runs it?", history("What is the Harbour Pilots Scheme?", "Who funds it?"))
    assert named.query == "Who runs the Harbour Pilots Scheme"


@pytest.mark.parametrize(
    ("question", "query"),
    [
        ("Who pays for it?", "Who pays for the Harbour Pilots Scheme"),
        ("What are its aims?", "What are the Harbour Pilots Scheme's aims"),
        ("Which ports does it cover, and since when?", "Which ports does the Harbour Pilots Scheme cover, and since when"),
        ("Give me examples of that.", "Give me examples of the Harbour Pilots Scheme"),
        ("Which IT systems does it use?", "Which IT systems does the Harbour Pilots Scheme use"),
        ("Is it funded by the port?", "Is the Harbour Pilots Scheme funded by the port"),
    ],
)
def test_a_pronoun_after_a_topic_that_names_a_thing_is_read_as_that_thing(question, query):
    resolved = resolve(question, history("What is the Harbour Pilots Scheme?"))
    assert resolved.followup and resolved.query == query
    assert "read as 'the Harbour Pilots Scheme'" in resolved.reason


@pytest.mark.parametrize(
    "topic", ["Tell me about the Harbour Pilots Scheme.", "Explain the Harbour Pilots Scheme", "the Harbour Pilots Scheme",
              "What is meant by the Harbour Pilots Scheme?", "What happened with the Harbour Pilots Scheme?",
              "What does the port review say about the Harbour Pilots Scheme?", "What is known about the Harbour Pilots Scheme"]
)
def test_a_topic_asked_to_be_told_about_or_typed_as_a_few_words_names_its_thing(topic):
    resolved = resolve("Who pays for it?", history(topic))
    assert resolved.query == "Who pays for the Harbour Pilots Scheme"


@pytest.mark.parametrize(
    ("topic", "question"),
    [
        ("Why do harbour pilots strike?", "Who pays for it?"),  # the topic does not say which of its words "it" is
        ("Pilots strike over pay in the harbour", "Who pays for it?"),  # a statement, not a few search-box words
        ("What is the Harbour Pilots Scheme?", "Is that scheme legal?"),  # "that scheme" names its own noun
        ("What is the Harbour Pilots Scheme?", "Why?"),  # no pronoun: too few words of its own
    ],
)
def test_other_references_keep_the_question_with_its_topic(topic, question):
    resolved = resolve(question, history(topic))
    # a topic asking what a thing is lends the thing, not "What is": the follow-up asks something else about it
    lent = topic.rstrip("?").removeprefix("What is ")
    assert resolved.followup and resolved.query.endswith(" — " + lent) and "read as" not in resolved.reason


@pytest.mark.parametrize(
    "question",
    ["Tell me about the harbour pilots scheme", "Can you tell me about the harbour pilots scheme?",
     "I would like to know about the harbour pilots scheme", "Please explain the harbour pilots scheme"],
)
def test_words_that_address_the_reader_are_not_words_of_the_question(question):
    from assistant.conversation import own_terms

    # "me", "you", "about", "please" would count as words the briefs never use, and make the question look unanswerable
    assert own_terms(question) == own_terms("What is the harbour pilots scheme?") == ["harbor", "pilot", "scheme"]


@pytest.mark.parametrize(
    "question",
    ["How much money?", "Who else contributes?", "Any other examples?", "What else?", "Any examples of ports?", "Examples of ports?"],
)
def test_a_question_asking_for_more_of_the_same_leans_on_the_conversation(question):
    resolved = resolve(question, history("What does the Harbour Pilots Fund pay for?"))
    assert resolved.followup and resolved.query.endswith("What does the Harbour Pilots Fund pay for")


def test_asking_for_more_is_told_from_asking_anew():
    from assistant.conversation import asks_for_more

    assert asks_for_more("Who else contributes?") and asks_for_more("Any other examples?") and asks_for_more("Tell me more")
    assert not asks_for_more("Who contributes to the Harbour Pilots Fund?")
    # a request to go on asks for more as well
    assert all(asks_for_more(request) for request in ("Elaborate.", "Go on", "Expand on that.", "Continue"))
    assert not asks_for_more("Expansion of the harbour")
    # words of its own besides "other": a question of its own
    assert not resolve("What other names are used for harbour pilotage?", history("What is the Harbour Pilots Fund?")).followup


def test_the_second_one_is_the_second_statement_of_the_last_answer():
    from assistant.conversation import statements

    answer = (
        "The briefs may not answer this directly.\n\n1. Silting of the harbour mouth. [1] "
        "2. Unlicensed pilots on the night tides. [2][3] 3. Storm damage to the quays. [4]\n\nSources:\n[1] Harbour note"
    )
    assert statements(answer) == [
        "1. Silting of the harbour mouth.", "2. Unlicensed pilots on the night tides.", "3. Storm damage to the quays."
    ]
    turns = [Turn("user", "What risks does the harbour note name?"), Turn("assistant", answer)]
    second = resolve("Tell me more about the second one.", turns)
    assert second.followup and second.query == "Tell me more about Unlicensed pilots on the night tides"
    assert resolve("What can be done about the last point?", turns).query == "What can be done about Storm damage to the quays"
    # what comes next refers to the statement the ordinal picked
    later = resolve("Who licenses them?", [*turns, Turn("user", "Tell me more about the second one."), Turn("assistant", "A [5].")])
    assert "Unlicensed pilots on the night tides" in later.query
    # an ordinal beyond the last answer, or with no answer quoted, is left as it is
    assert "the fifth one" in resolve("And the fifth one?", turns).query

    # "And the third one?" after an answer about the second counts in the same list, however many turns later
    about_second = [*turns, Turn("user", "Tell me more about the second one."), Turn("assistant", "Pilots steer at night. [5] They lack licences. [6] Fines follow. [7]")]
    assert resolve("And the third one?", about_second).query == "Storm damage to the quays"
    asked_more = [*about_second, Turn("user", "Who licenses them?"), Turn("assistant", "The port office. [8] The navy. [9] The city. [10]")]
    third = resolve("What about the third one?", asked_more)
    assert third.query == "Storm damage to the quays" and "same list" in third.reason
    # without a continuation, an ordinal counts in the last answer
    assert resolve("Tell me about the third one.", asked_more).query == "Tell me about The city"


def test_a_short_question_naming_a_new_subject_asks_anew():
    turns = history("What does the Harbour Pilots Fund pay for?")
    assert not resolve("What is HPS?", turns).followup  # one word of its own, but a name: a new subject
    assert not resolve("Who runs Portwatch?", turns).followup
    assert resolve("Which boats?", turns).followup  # one common noun: about the fund still
    assert resolve("Why?", turns).followup


def test_a_short_question_about_the_thing_the_last_answer_named_is_a_follow_up():
    answer = "The fund pays the night pilots. [1] An external audit found the fund short by a third. [2]"
    turns = [Turn("user", "What does the Harbour Pilots Fund pay for?"), Turn("assistant", answer)]
    audit = resolve("What did the audit conclude?", turns)  # "the audit": the one the answer named
    assert audit.followup and "Harbour Pilots Fund" in audit.query and "audit found the fund" in audit.query
    assert resolve("What happened afterwards?", turns).followup  # a time that points back
    assert resolve("What happened next?", turns).followup
    assert resolve("And what came later?", turns).followup
    assert not resolve("What are the next steps for dredging reform?", turns).followup  # "next" of its own
    # words of its own the answer never used, or a name: a question of its own
    assert not resolve("What did the port authority decide about dredging?", turns).followup
    assert not resolve("What did the Audit Office conclude?", turns).followup
    # named by an earlier answer on the same topic, with a follow-up between
    later = [*turns, Turn("user", "Which pilots?"), Turn("assistant", "The river pilots. [3]")]
    audit_later = resolve("What did the audit conclude?", later)
    assert audit_later.followup and "Harbour Pilots Fund" in audit_later.query and "earlier answer" in audit_later.reason
    # not once the conversation has asked anew
    anew = [*turns, Turn("user", "How are tug crews trained in Zembla?"), Turn("assistant", "At sea. [3]")]
    assert not resolve("What did the audit conclude?", anew).followup


def test_a_request_in_the_imperative_is_a_question_not_search_box_words():
    from assistant.conversation import own_terms, typed_as_keywords

    assert typed_as_keywords("harbour pilot licensing") and typed_as_keywords("Frontex mandate")
    # nor is narrowing what was just said: "Just" is no word the briefs are searched for
    for request in ("Define HPL", "Explain night pilotage", "List the harbour dues", "Describe the licensing",
                    "Just the weaknesses.", "Only the pilots", "Is Zembla mentioned anywhere?", "Does it cover pilots?",
                    "Elaborate.", "Go on", "Expand on that"):
        assert not typed_as_keywords(request), request
    assert own_terms("Define HPL") == ["hpl"]  # the request's verb is no word of the question
    assert "defin" in own_terms("Which harbour rules define a pilot?")  # a verb of the question's own
    # asking how two things bear on each other names neither: the link is no word the answer must hold
    assert own_terms("What is the link between pilotage and safety?") == own_terms("What is between pilotage and safety?")
    assert own_terms("How does silt relate to dredging?") == own_terms("How does silt do to dredging?")


@pytest.mark.parametrize(
    ("topic", "question", "query"),
    [
        ("Tell me about the harbour pilots deal", "Was the deal legal?", "Was the harbour pilots deal legal"),
        ("What is the Harbour Pilots Scheme?", "Who pays for the scheme?", "Who pays for the Harbour Pilots Scheme"),
        ("ferry licensing reform", "When did the reform start?", "When did the ferry licensing reform start"),
    ],
)
def test_the_last_word_of_the_thing_a_topic_names_after_the_reads_as_that_thing(topic, question, query):
    assert reads_as(topic, question, query)


def test_a_definite_noun_that_is_not_the_topics_thing_or_a_one_word_thing_is_not_replaced():
    assert resolve("Was the audit legal?", history("Tell me about the harbour pilots deal")).query != "Was the harbour pilots deal legal"
    assert "HPS" not in resolve("Who leads the reform?", history("What is HPS?")).query  # one word: which noun it is, unsaid
    # a topic that names no thing ("Why …?") lends none
    assert resolve("Was the deal legal?", history("Why did the harbour pilots sign a deal?")).query.startswith("Was the deal legal")


@pytest.mark.parametrize(
    ("topic", "question", "query"),
    [
        ("What is HPS?", "Who first used the term?", "Who first used the term HPS"),
        ("What is pilotage governance?", "Where does the concept come from?", "Where does the concept pilotage governance come from"),
        ("Tell me about the Tarn Accord", "Is the idea still supported?", "Is the idea Tarn Accord still supported"),
    ],
)
def test_the_term_or_the_concept_reads_as_whatever_the_topic_named(topic, question, query):
    assert reads_as(topic, question, query)


def test_a_term_noun_naming_its_own_term_is_not_replaced():
    for question in ("Who first used the term 'pilotage'?", "Who first used the term HPS?", "How old is the idea of pilotage?"):
        assert "the term HPS HPS" not in resolve(question, history("What is HPS?")).query
        assert not resolve(question, history("What is HPS?")).followup
    # a topic naming no thing lends none
    assert resolve("Who first used the term?", history("Why do pilots strike?")).query == "Who first used the term"


@pytest.mark.parametrize(
    ("topic", "question", "query"),
    [
        ("Whose definition of a harbour pilot is used?", "And of the river pilots?", "Whose definition of the river pilots"),
        ("What are the harbour dues in Porto?", "And in Lisbon?", "What are the harbour dues in Lisbon"),
        # no "in" in the topic: its first focus word gives way, as before
        ("Which rules address night pilotage?", "And in storms?", "Which rules address storms"),
    ],
)
def test_an_ellipsis_opening_with_a_preposition_replaces_what_follows_that_preposition_in_the_topic(topic, question, query):
    assert resolve(question, history(topic)).query == query


@pytest.mark.parametrize(
    ("topic", "question", "query"),
    [
        ("What is the Charter for River Pilots?", "And the one for harbour pilots?", "What is the Charter for harbour pilots"),
        ("What are the harbour dues in Porto?", "What about the ones in Lisbon?", "What are the harbour dues in Lisbon"),
    ],
)
def test_the_one_with_a_preposition_is_the_topics_thing_with_another_focus(topic, question, query):
    assert reads_as(topic, question, query)


@pytest.mark.parametrize("question", ["And what about Lisbon?", "But, how about Lisbon?", "And what of Lisbon?"])
def test_a_cue_of_two_parts_is_one_continuation_not_and_before_a_question_of_its_own(question):
    assert reads_as("What are the harbour dues in Porto?", question, "What are the harbour dues in Lisbon")


def reads_as(topic: str, question: str, query: str) -> bool:
    """Whether `question`, asked after `topic`, is a follow-up searched as `query`."""
    resolved = resolve(question, history(topic))
    return resolved.followup and resolved.query == query


def test_a_pronoun_after_asking_what_a_short_form_stands_for_is_read_as_that_short_form():
    resolved = resolve("How is it different from HPL?", history("What does HPS stand for?"))
    assert resolved.query.startswith("How is HPS different from HPL")


def test_a_short_which_who_or_how_many_question_on_the_topics_words_is_about_the_topic():
    turns = history("What do the briefs say about violence in harbour towns at peace?")
    towns = resolve("Which towns are affected?", turns)
    assert towns.followup and "harbour towns at peace" in towns.query
    assert resolve("How many towns?", turns).followup
    # its own words, a name, or more than two words of its own: a question of its own
    assert not resolve("Which pilots strike?", turns).followup
    assert not resolve("Which towns does Portwatch cover?", turns).followup
    assert not resolve("Which harbour towns signed the dredging pact?", turns).followup
    assert resolve("Which one is about pilots?", turns).followup  # "which one" of what was just said
    # after a preposition too: "Between which years?" asks when of what was just said
    dates = [Turn("user", "How many pilots left Zembla?"), Turn("assistant", "Between 2014 and 2016 alone, 110 pilots left. [1]")]
    assert resolve("Between which years?", dates).query == "Between which years — How many pilots left Zembla"


def test_what_a_follow_up_asks_is_read_without_the_phrases_the_last_answer_gave_it():
    from assistant.answerability import holds_answer_type
    from assistant.querying import ReadQuestion

    said = "Starting from 2011, the harbour board signed ferry agreements with 4 towns: Lisk, Oran, Vell and Tam. [1]"
    turns = [Turn("user", "Which towns have ferry agreements?"), Turn("assistant", said)]
    resolved = resolve("When did they start?", turns)
    assert resolved.anchors and "2011" in resolved.query  # the answer's phrases help the search find it again …
    read = ReadQuestion(resolved, "en", resolved.query)
    assert "2011" not in read.asked and read.asked.startswith("When did they start")
    # … but the year it gave is what is asked for, not a year the question states
    assert holds_answer_type(read.asked, said) and not holds_answer_type(resolved.query, said)
    plain = resolve("When did the agreements start?", [])
    assert ReadQuestion(plain, "en", plain.query).asked == plain.query


def test_a_question_ending_where_its_complement_is_left_unsaid_points_back():
    # "take part" in what? "included" in what? The conversation's topic, though the question has words of its own
    answer = "The Lakes Fisheries Compact was signed in 2011 to share patrols on the three lakes. [1]"
    turns = [Turn("user", "What is the Lakes Fisheries Compact?"), Turn("assistant", answer)]
    for question in ("Which countries take part?", "Are private patrol boats included?", "Who is responsible?",
                     "Which villages are affected?", "How much did Ruritania contribute?", "Who paid?",
                     "Why do fishers leave?", "Why did so many flee?"):
        resolved = resolve(question, turns)
        assert resolved.followup and "Lakes Fisheries Compact" in resolved.query, question
    # the complement said: a question of its own
    assert not resolve("Which countries take part in the Nile Basin Initiative?", turns).followup
    assert not resolve("Who is responsible for river pollution?", turns).followup
    assert not resolve("How much did Ruritania contribute to the dredging fund?", turns).followup
    assert not resolve("Why do fishers leave the lakes in winter?", turns).followup


def test_it_saying_or_giving_something_is_the_text_the_topic_names():
    """"What numbers does it give?" after "How does the harbour report define pilotage?" asks what the report gives;
    "Who funds it?" still asks about what the report defines."""
    turns = history("How does the harbour report define pilotage?")
    assert resolve("What numbers does it give?", turns).query == "What numbers does the harbour report give"
    assert resolve("Does it mention Zembla?", turns).query == "Does the harbour report mention Zembla"
    assert resolve("Who funds it?", turns).query == "Who funds pilotage"
    # a topic naming no text: "it" is its thing, whatever it does
    assert resolve("What does it recommend?", history("What is the Harbour Pilots Fund?")).query == (
        "What does the Harbour Pilots Fund recommend")


def test_a_thing_named_after_a_common_term_is_asked_what_it_is():
    """"What about the 1987 Charter?" after "What is the pilots' charter?" asks what the 1987 Charter is; a bare name
    ("Zembla") is where the term is asked about, and a common word an aspect of a named thing."""
    assert resolve("What about the 1987 Charter?", history("What is the pilots' charter?")).query == "What is the 1987 Charter"
    assert resolve("What about Zembla?", history("What is pilotage?")).query != "What is Zembla"
    assert resolve("What about funding?", history("What is the HPS programme?")).query != "What is funding"


def test_another_aspect_of_the_same_thing_takes_the_place_of_the_first():
    """"And the achievements?" after "What are the weaknesses of the pilot scheme?" asks for the scheme's achievements;
    a noun of another sort ("migrants" after "the rights of refugees") is no aspect and takes no aspect's place."""
    turns = history("What are the weaknesses of the pilot scheme in Zembla?")
    assert resolve("And the achievements?", turns).query == "What are the achievements of the pilot scheme in Zembla"
    assert resolve("What about the main risks?", turns).query == "What are the main risks of the pilot scheme in Zembla"
    rights = history("What are the rights of pilots in Zembla?")
    assert "rights" in resolve("And dockers?", rights).query


def test_a_question_naming_enough_of_its_own_stands_though_it_ends_on_an_unsaid_complement():
    """"How does corruption in the harbour push pilots to leave?" names what it asks about; "Why do pilots leave?"
    leaves where from unsaid."""
    turns = history("What is the Lakes Fisheries Compact?")
    assert not resolve("How does corruption in the harbour police push pilots to leave?", turns).followup
    assert resolve("Why do pilots leave?", turns).followup


def test_that_opening_a_clause_after_a_verb_of_saying_is_no_reference():
    turns = history("What is the Lakes Fisheries Compact?")
    for question in ("Do all charters agree that pilotage should be publicly owned?",
                     "Does the report suggest that fishers should earn more?", "Is it true that the fund has closed?"):
        resolved = resolve(question, turns)
        assert "Lakes Fisheries Compact" not in resolved.query, question
    for question in ("Do they recommend that approach?", "Does the report agree with that?"):
        assert resolve(question, turns).followup, question


def test_mentioned_as_the_verb_of_asking_whether_the_briefs_speak_of_a_thing_is_no_reference():
    turns = history("What is the Lakes Fisheries Compact?")
    for question in ("Are tugboats mentioned in the briefs?", "Is Zembla mentioned anywhere?",
                     "Are night shifts mentioned in the harbour review?", "Is dredging mentioned at all?"):
        resolved = resolve(question, turns)
        assert not resolved.followup and "Lakes Fisheries Compact" not in resolved.query, question
    for question in ("Which of the countries mentioned has a port?", "Is it mentioned in the harbour review?",
                     "Tell me more about the fund mentioned."):
        assert resolve(question, turns).followup, question


def test_a_message_setting_its_own_scene_is_what_its_pronouns_point_back_to():
    """The scene comes before the asking sentence in the same message: "that" and "them" are in it."""
    turns = history("What is the Lakes Fisheries Compact?")
    for question in ("I advise a port authority where many young pilots quit because of unpaid overtime. What can "
                     "pilotage reform do about that?",
                     "Our union helps fishers in a border town; the coast guard often fines them without cause. Which "
                     "remedies do the charters propose?"):
        resolved = resolve(question, turns)
        assert not resolved.followup and "Lakes Fisheries Compact" not in resolved.query, question
    # a short remark before the question sets no scene: the question asks after the last answer
    assert resolve("That's interesting. Who funds it?", turns).followup


def test_a_new_subject_takes_the_place_of_the_old_one_where_it_stood():
    """"What about women?" after "What happens to pilots in training?" asks what happens to women in training: the
    common words saying where or when the subject stood stay, unless the new focus says its own."""
    turns = history("What happens to pilots in training?")
    assert resolve("What about women?", turns).query == "What happens to women in training"
    assert resolve("What about women at sea?", turns).query == "What happens to women at sea"
    assert resolve("What about Zembla?", turns).query != "What happens to Zembla in training"


def test_a_quantifier_standing_for_what_was_just_spoken_of_refers_back():
    """"Where did most come from?" after a question on pilots' numbers asks where most of the pilots came from; a
    quantifier before a noun of its own ("most tug crews") names its subject."""
    turns = history("How many pilots worked in the harbour in 2016?")
    for question in ("Where did most come from?", "Why did most leave?", "Why do many leave home?", "Why did so many come?"):
        resolved = resolve(question, turns)
        assert resolved.followup and resolved.query.endswith("How many pilots worked in the harbour in 2016"), question
    for question in ("Where did most tug crews come from?", "What did most donors fund?"):
        assert not resolve(question, turns).followup, question


def test_an_ordinal_counts_the_headings_after_a_sentence_introducing_them():
    answer = ("The harbour review makes three recommendations. [1] Dredge the harbour mouth [2] License night pilots [3] "
              "Repair the quays [4]")
    turns = [Turn("user", "What does the harbour review recommend?"), Turn("assistant", answer)]
    assert resolve("Tell me more about the second one.", turns).query == "Tell me more about License night pilots"
    assert resolve("And the first?", turns).query == "Dredge the harbour mouth"
    # sentences throughout: the first is counted too
    prose = "The review is short. [1] It names pilots. [2] It names quays. [3]"
    assert resolve("Explain the second one.", [Turn("user", "What is the review?"), Turn("assistant", prose)]).query == (
        "Explain It names pilots")


def test_an_ordinal_counts_in_the_run_of_headings_a_sentence_introduces_wherever_it_stands():
    """Sentences before the headings, or another run of headings before them: "the first recommendation" is the first
    heading the sentence counting recommendations introduces, not the answer's first statement."""
    answer = ("The harbour review ran from 2019 to 2021. [1] It interviewed forty pilots. [2] The review makes three "
              "recommendations. [3] Dredge the harbour mouth [4] License night pilots [5] Repair the quays [6]")
    turns = [Turn("user", "What did the harbour review recommend?"), Turn("assistant", answer)]
    assert resolve("Tell me about the first recommendation.", turns).query == "Tell me about Dredge the harbour mouth recommendation"
    assert resolve("Explain the second one.", turns).query == "Explain License night pilots"
    # two runs: the one the ordinal names, by its items or the sentence introducing them
    both = ("Storm damage to the quays [1] Silt in the channel [2] The review makes two recommendations. [3] "
            "Dredge the harbour mouth [4] License night pilots [5]")
    turns = [Turn("user", "What did it find and recommend?"), Turn("assistant", both)]
    assert resolve("Tell me about the second recommendation.", turns).query == "Tell me about License night pilots recommendation"
    # unnamed, the run a sentence introduces: the one opening the answer is not counted in
    assert resolve("Explain the second one.", turns).query == "Explain License night pilots"
    # no sentence introduces the run: the statements are counted as they stand
    bare = [Turn("user", "What did it find?"), Turn("assistant", "Storm damage to the quays [1] Silt in the channel [2]")]
    assert resolve("Explain the second one.", bare).query == "Explain Silt in the channel"


def test_an_ordinal_beyond_the_statements_counts_in_the_things_a_statement_enumerates():
    from assistant.conversation import enumerated

    answer = ("The harbour code rests on four duties: pilotage, dredging, quay repair and night watch. [1] "
              "Each duty has an officer. [2]")
    assert enumerated("The duties are pilotage, dredging, quay repair and night watch. [1]") == (
        "The duties", ["pilotage", "dredging", "quay repair", "night watch"])
    assert enumerated("Each duty has an officer, a budget, and a deputy.") == ("", [])  # nothing opens an enumeration
    assert enumerated("The duties include the long and tiring work of pilots at night, dredging and repairs.") == ("", [])
    turns = [Turn("user", "What does the harbour code rest on?"), Turn("assistant", answer)]
    third = resolve("Explain the third one.", turns)  # the thing, with what the statement says they are
    assert third.followup and third.query == "Explain quay repair (The harbour code rests on four duties)"
    # "And the fourth?" counts in the same enumeration
    fourth = resolve("And the fourth?", [*turns, Turn("user", "Explain the third one."), Turn("assistant", "Repairs. [3]")])
    assert fourth.query == "night watch (The harbour code rests on four duties)"
    # an ordinal within the statements still counts statements
    assert resolve("Explain the second one.", turns).query == "Explain Each duty has an officer"
    assert "the fifth one" in resolve("Explain the fifth one.", turns).query  # beyond both: left as it is
    # asked for the duties, "the second one" is the second duty, though the answer has two statements
    asked = [Turn("user", "What are the duties of the harbour code?"), Turn("assistant", answer)]
    assert resolve("Explain the second one.", asked).query == "Explain dredging (The harbour code rests on four duties)"
    # and "And the fourth?" after it counts in those duties too, not in the answer's statements
    later = [*asked, Turn("user", "Explain the second one."), Turn("assistant", "Dredging keeps the channel open. [2]")]
    assert resolve("And the fourth?", later).query == "night watch (The harbour code rests on four duties)"


def test_a_continuation_after_a_follow_up_with_a_focus_of_its_own_continues_that_follow_up():
    turns = [
        Turn("user", "Tell me about Ruritania's approach to migrants."), Turn("assistant", "Ruritania grants schooling. [1]"),
        Turn("user", "Can undocumented children go to school there?"), Turn("assistant", "All children may attend school. [2]"),
    ]
    work = resolve("What about work?", turns)  # can they go to work there, in Ruritania
    assert work.query == "Can undocumented children go to work — Tell me about Ruritania's approach to migrants"
    assert work.topic == "Tell me about Ruritania's approach to migrants"
    # a follow-up without a focus of its own: the topic is continued
    turns[2] = Turn("user", "Does it involve women?")
    aid = resolve("What about development aid?", turns)
    assert "development aid" in aid.query and "women" not in aid.query


def test_a_name_taking_the_place_of_the_word_pointing_back_leaves_the_topic_behind():
    """"And in Zembla?" after "What can the coast guard do about that?" (that: why fishermen leave Ruritania) asks
    what the coast guard can do about Zembla; Ruritania is not searched too. A name continuing a follow-up whose word
    pointing back stays keeps the topic."""
    turns = history("Why do fishermen leave Ruritania?", "What can the coast guard do about that?")
    zembla = resolve("And in Zembla?", turns)
    assert zembla.followup and zembla.query == "What can the coast guard do about Zembla"
    assert "Ruritania" not in zembla.query and zembla.topic == zembla.query
    kept = resolve("And in Zembla?", history("Why do fishermen leave Ruritania?", "Do they sell their catch in winter?"))
    assert kept.query == "Do they sell their catch in Zembla — Why do fishermen leave Ruritania"


def test_a_continuation_after_a_follow_up_asking_of_one_term_asks_the_same_of_its_own_term():
    """"And accountability?" after "Explain transparency." (read within the principles just listed) asks to explain
    accountability, not "What are accountability"; the continuation after it continues it in turn."""
    turns = history("What are the duties of the harbour code?", "Explain dredging.")
    watch = resolve("And night watch?", turns)
    assert watch.query == "Explain night watch — What are the duties of the harbour code"
    later = history("What are the duties of the harbour code?", "Explain dredging.", "And night watch?")
    assert resolve("What about pilotage?", later).query == "Explain pilotage — What are the duties of the harbour code"


def test_a_correction_asks_the_last_question_again_of_what_it_names():
    """"No, I meant the pilots' review." after a question of another brief asks it of that one; "Sorry, I meant
    licensed river tug crews." puts its words, however many, in the place of what the last question was about."""
    turns = history("What does the harbour backgrounder say about fog?")
    assert resolve("No, I meant the pilots' review.", turns).query == "What does the pilots' review say about fog"
    counted = history("How many pilots were there in 2016?")
    corrected = resolve("Sorry, I meant licensed river tug crews.", counted)
    assert corrected.followup and corrected.query == "How many licensed river tug crews were there in 2016"
    asked = history("What are the harbour dues?")
    assert resolve("I mean the ones in the port note.", asked).query == "What are the harbour dues in the port note"
    assert resolve("And in the port note?", asked).query == "What are the harbour dues in the port note"


def test_a_continuation_after_a_count_in_a_year_counts_something_else_that_year():
    turns = [Turn("user", "How many pilots were there in 2016?"), Turn("assistant", "There were 40 pilots. [1]")]
    assert resolve("And harbour masters?", turns).query == "How many harbour masters were there in 2016"
    assert resolve("And the tug crews?", turns).query == "How many tug crews were there in 2016"
    assert resolve("And HPLs?", turns).query == "How many HPLs were there in 2016"  # initials are counted too
    # a year or a place takes the year's slot
    assert resolve("And in 2017?", turns).query == "How many pilots were there in 2017"
    assert resolve("What about Ruritania?", turns).query == "How many pilots were there in Ruritania"


def test_a_question_naming_its_topic_first_points_at_it_not_at_the_conversation():
    turns = [Turn("user", "What is the Lakes Fisheries Compact?"), Turn("assistant", "A patrol pact. [1]")]
    for question in ("Back to the harbour review: what did it say about pilots?",
                     "Going back to the harbour review, what did it say about pilots?",
                     "Regarding the dredging fund, who pays into it?"):
        resolved = resolve(question, turns)
        assert not resolved.followup and "Lakes Fisheries Compact" not in resolved.query, question
    # words announcing a change of subject, asking for more or being polite name no topic: "it" still points back
    for question in ("Different topic: who signed it?", "Tell me more: who signed it?", "Quick follow-up: who signed it?"):
        assert resolve(question, turns).followup, question
    # a label naming no topic is no part of what is searched
    for question in ("Unrelated: what is the dredging fund?", "Different topic: what is the dredging fund?",
                     "Switching to something else entirely: what is the dredging fund?"):
        unrelated = resolve(question, turns)
        assert unrelated.query == "what is the dredging fund" and not unrelated.followup, question
    assert resolve("Unrelated: what is the dredging fund?", []).query == "what is the dredging fund"
    assert resolve("Tell me more: who signed it?", turns).query.startswith("who signed the Lakes Fisheries Compact")
    # what it asks is asked of the topic it named, without the words announcing the return
    assert resolve("Back to the harbour review: how many pilots did it interview?", turns).query == (
        "how many pilots did the harbour review interview"
    )
    assert resolve("Going back to the dredging fund, was it legal?", turns).query == "was the dredging fund legal"
    assert resolve("Regarding the dredging fund, what are its rules?", turns).query == "what are the dredging fund's rules"
    assert resolve("Back to the figures: what were the totals for 2017?", turns).query == (
        "Back to the figures: what were the totals for 2017"  # no pronoun: asked as it is
    )


def test_respond_or_react_left_without_what_to_points_back():
    turns = [Turn("user", "What happened after the harbour fire of 2012?"), Turn("assistant", "Ships left. [1]")]
    respond = resolve("How did the port authorities respond?", turns)
    assert respond.followup and "harbour fire" in respond.query
    assert not resolve("How did the port authorities respond to the silting?", turns).followup


def test_they_and_them_do_not_stand_for_one_thing():
    turns = [Turn("user", "What is the Harbour Accord?"), Turn("assistant", "It led to two pilot codes. [1]")]
    assert resolve("Who signed it?", turns).query == "Who signed the Harbour Accord"
    them = resolve("Which of them concerns night pilots?", turns)  # the codes, not the accord
    assert them.followup and "Which of the Harbour Accord" not in them.query
    plural = [Turn("user", "What are the Harbour Codes?"), Turn("assistant", "Two codes. [1]")]
    assert resolve("Who wrote them?", plural).query == "Who wrote the Harbour Codes"


def test_a_continuation_does_not_put_a_common_noun_in_the_place_of_a_name():
    turns = [Turn("user", "What rights do pilots have in Ruritania?"), Turn("assistant", "Pensions. [1]")]
    assert resolve("And tug crews?", turns).query == "What rights do pilots have in Ruritania — tug crews"
    assert resolve("And Zembla?", turns).query == "What rights do pilots have in Zembla"  # a name takes its place
    # nor with the place's own preposition: "in the harbour" is where in Ruritania; "in Zembla" another place
    assert resolve("And in the harbour?", turns).query == "What rights do pilots have in Ruritania in the harbour"
    assert resolve("And in Zembla?", turns).query == "What rights do pilots have in Zembla"


def test_they_after_a_follow_up_pointing_at_things_of_its_own_are_those_things():
    """"Did they work?" after "What do these agreements aim at?" asks whether the agreements worked (in the topic);
    after "How many pilots left those ports?" "they" are not the ports (the question asked about the pilots)."""
    turns = history("What does the harbour note say about Zembla?", "What do these agreements aim at?")
    assert resolve("Did they work?", turns).query == "Did the agreements work — What does the harbour note say about Zembla"
    other = history("What does the harbour note say about Zembla?", "How many pilots left those ports?")
    assert "the ports" not in resolve("Why did they leave?", other).query


def test_a_continuation_after_a_who_question_asks_it_of_the_same_thing():
    """"What about tug crews?" after "Who is involved in harbour reform?" asks about tug crews in harbour reform, not
    who is involved in tug crews; another setting asked with the same preposition still takes the setting's place."""
    turns = history("Who is involved in harbour reform?")
    assert resolve("What about tug crews?", turns).query == "Who is involved in harbour reform — tug crews"
    assert resolve("And in dredging?", turns).query == "Who is involved in dredging"


def test_continuations_after_a_focus_joined_to_a_place_keep_the_place():
    """After "Tell me about Ruritania." and "What about pensions?" (Ruritania stays, pensions join), "And for tug
    crews?" narrows the pensions, "And schooling?" takes their place, a place named takes Ruritania's: none loses
    Ruritania ("Tell me about tug crews" had)."""
    turns = history("Tell me about Ruritania.", "What about pensions?")
    assert resolve("What about pensions?", turns[:2]).query == "Tell me about Ruritania — pensions"
    narrowed = resolve("And for tug crews?", turns)
    assert narrowed.query == "Tell me about Ruritania — pensions for tug crews"
    later = [*turns, Turn("user", "And for tug crews?"), Turn("assistant", "An answer [1].")]
    assert resolve("And schooling?", later).query == "Tell me about Ruritania — schooling"
    assert resolve("And in Zembla?", turns).query == "Tell me about Zembla — pensions"


@pytest.mark.parametrize(
    "topic, question, query",
    [
        # after a question asking what a term is, another term of the same kind asks what that one is
        ("What is a pilot?", "And a tug master?", "What is a tug master"),
        ("How does the port code define a pilot?", "And a tug master?", "How does the port code define a tug master"),
        ("Define night pilotage.", "What about harbour dues?", "Define harbour dues"),
        ("Who counts as a registered pilot?", "And as a tug master?", "Who counts as a tug master"),
        ("What is the HPL?", "And the Harbour Accord?", "What is the Harbour Accord"),
        ("What does HPL stand for?", "And HPA?", "What does HPA stand for"),
        # a common word after a name is something about it; a preposition opens its place or time
        ("What is the Harbour Accord?", "What about funding?", "What is the Harbour Accord funding"),
        ("What is the Harbour Accord?", "And in Zembla?", "What is the Harbour Accord Zembla"),
        # after a question about someone's role, another actor's role
        ("What role do harbour masters play in night pilotage?", "And the tug crews?",
         "What role do the tug crews play in night pilotage"),
        ("What is the role of the port council in licensing?", "What about the guild?", "What is the role of the guild in licensing"),
        ("What is the role of the port council?", "And the guild?", "What is the role of the guild"),
        ("What role do harbour masters play in night pilotage?", "And in storms?", "What role do harbour masters play in storms"),
        # a name alone takes the place of the last name; what else the question holds stays
        ("How does Ruritania train its pilots?", "What about Zembla?", "How does Zembla train its pilots"),
        ("Why do pilots leave Ruritania?", "And the Northern Isles?", "Why do pilots leave the Northern Isles"),
        ("Why do pilots leave the Northern Isles?", "And Zembla?", "Why do pilots leave Zembla"),
        ("How many pilots were in Ruritania in 2016?", "And Zembla?", "How many pilots were in Zembla in 2016"),
        ("Who funds the Fund for Night Pilots?", "And the Fund for Tug Crews?", "Who funds the Fund for Tug Crews"),
        ("Which rules address night pilotage in Ruritania?", "What about Zembla?", "Which rules address night pilotage in Zembla"),
        # a short form is the subject, not a name of the same kind; a common word is no name
        ("How does HPL help pilots?", "What about Zembla?", "How does HPL help pilots Zembla"),
        ("How does Ruritania train its pilots?", "And tug crews?", "How does Ruritania train its pilots tug crews"),
        # whose the focus was stays: another thing of Ruritania's
        ("Tell me about Ruritania's harbour policy.", "What about work?", "Tell me about work in Ruritania"),
        ("What is known about the Northern Isles' pilots?", "And the tug crews?", "What is known about the tug crews in the Northern Isles"),
    ],
)
def test_an_ellipsis_takes_the_place_of_what_it_stands_for(topic, question, query):
    turns = [Turn("user", topic), Turn("assistant", "It is … [1]")]
    assert resolve(question, turns).query == query


def test_it_after_a_question_picking_one_of_many_things_is_that_one_not_the_many():
    turns = [
        Turn("user", "What are the drivers of herder migration?"), Turn("assistant", "I. Driver: Failing rains [1]"),
        Turn("user", "Which one affects Zembla?"), Turn("assistant", "The failing rains of Zembla are one example. [1]"),
    ]
    # "it" is no plural thing: the question that picked one is kept, with its name
    picked = resolve("What responses go with it?", turns)
    assert picked.followup and "Which one affects Zembla" in picked.query
    assert "responses go with the drivers" not in picked.query
    # "them" still stands for the drivers (the head word before "of" is the plural one)
    assert resolve("Which of them is the oldest?", turns[:2]).query == "Which of the drivers of herder migration is the oldest"
    # a name ending in "s" is no plural: "it" is the United Nations
    named = [Turn("user", "What is the United Nations?"), Turn("assistant", "An organisation. [1]")]
    assert resolve("Who founded it?", named).query == "Who founded the United Nations"


def test_how_long_asks_by_its_adverb_and_takes_no_phrase_of_the_answer_for_it():
    turns = [Turn("user", "When did the Lake Rescue Programme start?"),
             Turn("assistant", "It started in 2016 and addresses long term needs of fishers. [1]")]
    assert resolve("How long does it run?", turns).query == "How long does the Lake Rescue Programme run"
    assert own_terms("How long does it take?") == ["take"]


def test_an_ellipsis_naming_another_source_asks_the_same_of_that_source():
    turns = [Turn("user", "What does the harbour review say about night pilotage?"), Turn("assistant", "Radar. [1]")]
    assert resolve("And the port code page?", turns).query == "What does the port code page say about night pilotage"
    assert resolve("And the port code page?", turns).other_source and not resolve("And the tug crews?", turns).other_source
    assert resolve("And the tug crews?", turns).query != "What does the tug crews say about night pilotage"  # no source


def test_a_phrase_of_the_last_answer_stays_within_its_statement():
    from assistant.conversation import anchors

    said = "The lake towns signed the Tarn Accord to patrol the region. [1] The patrol supports the accord with boats. [2]"
    assert anchors("Which region does it cover?", said) == "region"
    assert anchors("How many boats?", said) == "boats"
    assert anchors("Which accord?", "The lake towns signed the Tarn Accord to patrol the region. [1]") == "Accord to patrol the"
    # nor does one start at a word as common as "from"
    assert anchors("Where did most of them come from?", "The count rose to 26 million in 2017, up from 13 million. [1]") == ""
    # a name the question says is what it asks of, not a phrase of the answer it points at
    assert anchors("What could HPS do about it?", "HPS initiatives might help the pilots. [1]") == ""
    assert anchors("What could HPS do about the initiatives?", "HPS initiatives might help the pilots. [1]") == "initiatives might help the"
    # a note the answer opens with is no phrase of the briefs
    noted = "The briefs may not answer this directly: these are the closest statements.\n\nBuy radios for the pilots. [1]"
    assert anchors("What do the briefs recommend?", noted) == ""
    assert anchors("Which radios?", noted) == "radios for the pilots"


def test_an_ellipsis_keeps_the_place_the_focus_it_replaces_was_about():
    turns = history("Tell me about ferry safety in Zembla.")
    assert resolve("What about children?", turns).query == "Tell me about children in Zembla"
    assert resolve("What about Lisk?", turns).query == "Tell me about ferry safety in Lisk"  # a place gives way to a place
    plain = history("Tell me about ferry safety rules.")
    assert resolve("What about children?", plain).query == "Tell me about children"


def test_a_follow_up_moves_on_from_the_recent_answers_and_a_question_of_its_own_from_none():
    from assistant.conversation import moved_on_from

    answers = ["Pilot: Any person licensed to steer a ferry (Harbour Board). [1]", "Pilots renew licences yearly. [1]"]
    assert moved_on_from(answers, follows_on=True) == " ".join(answers)
    assert moved_on_from(answers, follows_on=False) == ""  # "Which body licenses pilots?" may quote the first again


def test_a_question_picking_among_the_things_just_quoted_says_what_it_picks_by():
    from assistant.conversation import picks_among

    assert picks_among("Which one is about financing?") == ("financing", False)
    assert picks_among("Which of these concern the pilots?") == ("the pilots", False)
    assert picks_among("And which ones deal with boats?") == ("boats", True)
    assert picks_among("Which of them are weaknesses?") == ("weaknesses", True)
    assert picks_among("Which one is it?") is None and picks_among("Which countries are examples?") is None
    assert picks_among("Which ones need money?") == ("money", True) and picks_among("Which one requires laws?") == ("laws", False)


def test_a_year_narrows_a_how_many_follow_up_and_names_no_new_subject():
    said = [Turn("user", "What is ferry displacement?"),
            Turn("assistant", "Ferry displacement refers to the moving of people off the lake in storms. [1]")]
    resolved = resolve("How many people were affected in 2017?", said)
    assert resolved.followup and resolved.query == "How many people were affected in 2017 — ferry displacement"
    # a question with words of its own the conversation never used still stands alone, year or not
    assert not resolve("How many pilots retired in 2017?", said).followup


def test_a_question_picking_one_of_the_things_a_statement_enumerates_asks_about_that_thing():
    said = "The duties of the harbour pilots are steering, logging, reporting of wrecks and night watch. [1] Pilots rest weekly. [2]"
    turns = [Turn("user", "What are the duties of the harbour pilots?"), Turn("assistant", said)]
    resolved = resolve("Which one is about wrecks?", turns)
    assert resolved.followup and resolved.query == "reporting of wrecks (The duties of the harbour pilots)"
    # none of the things holds its words, or several do: read as any follow-up
    assert resolve("Which one is about money?", turns).query.startswith("Which one is about money —")
    # "it" after the pick is the thing picked, not the whole statement the answer to the pick quoted
    picked = [*turns, Turn("user", "Which one is about wrecks?"), Turn("assistant", said.split(" [1]")[0] + " [1]")]
    explained = resolve("Explain it.", picked)
    assert explained.query.startswith("Explain reporting of wrecks —") and "steering" not in explained.query


def test_that_after_a_question_picking_among_the_things_just_quoted_is_the_thing_it_picked():
    turns = [
        Turn("user", "What are the findings of the harbour audit?"),
        Turn("assistant", "Pilots log boats twice. [1] Night patrols lack leaders. [2] Radios fail in storms. [3]"),
        Turn("user", "Which of these concern leaders?"), Turn("assistant", "Night patrols lack leaders. [1]"),
    ]
    # the one statement the pick got, searched in the topic picked among; not the audit's findings as a whole
    resolved = resolve("What does the audit recommend about that?", turns)
    assert resolved.followup
    assert resolved.query == "What does the audit recommend about Night patrols lack leaders — What are the findings of the harbour audit"
    # a pick that got several: what it picked by
    turns[-1] = Turn("assistant", "Night patrols lack leaders. [1] Pilots elect no leaders. [2]")
    assert resolve("Why is it a problem?", turns).query.startswith("Why is leaders a problem — ")
    assert resolve("Why does that matter?", turns).query.startswith("Why does leaders matter — ")  # "that" anywhere
    assert resolve("What are its causes?", turns).query.startswith("What are leaders's causes — ")
    # after a question that picked nothing, "that" is read as before
    turns[2] = Turn("user", "Why do radios fail?")
    assert "Night patrols" not in resolve("What does the audit recommend about that?", turns).query


def test_it_after_a_pick_answered_by_one_long_statement_is_the_name_in_it_holding_the_words_picked_by():
    """"Which one concerns tugs?" answered by one sentence naming both codes: "it" is the Harbour Code for Tugs (a
    name joined to another by "and the" is two names), not the whole sentence."""
    turns = [
        Turn("user", "What are the harbour codes?"),
        Turn("assistant", "The board wrote the Harbour Code for Pilots. [1] Both codes were signed in 2010. [2]"),
        Turn("user", "Which one concerns tugs?"),
        Turn("assistant", "The storms of 2009 led the board to draft the Harbour Code for Tugs and the Harbour Code "
                          "for Pilots, both signed in 2010 after long talks with the crews. [1]"),
    ]
    resolved = resolve("What is it meant to do?", turns)
    assert resolved.query == "What is Harbour Code for Tugs meant to do — What are the harbour codes"


def test_what_one_can_or_should_do_with_nothing_after_it_asks_about_what_was_just_spoken_of():
    turns = history("Which push factor affects fishermen most?", "Where does this happen?")
    for question in ("What can the coast guard do?", "How could donors help?", "What should be done?"):
        resolved = resolve(question, turns)
        assert resolved.followup and resolved.query.endswith("— Which push factor affects fishermen most"), question
    # what a body does at all, or what it can do for someone named, asks anew
    assert not resolve("What does the coast guard do?", turns).followup
    assert not resolve("What can the coast guard do for fishermen in storms?", turns).followup


def test_what_is_advised_or_wanted_with_nothing_after_it_asks_about_what_was_just_spoken_of():
    turns = history("Tell me about storm damage to the quays.")
    for question in ("What measures are suggested?", "What is needed?", "Which steps are recommended?"):
        resolved = resolve(question, turns)
        assert resolved.followup and resolved.query.endswith("— storm damage to the quays"), question
    # what is advised for a thing it names asks anew
    assert not resolve("What measures are suggested for pilot training in winter?", turns).followup


def test_a_likeness_with_nothing_said_to_be_like_points_back():
    turns = history("Why do fishermen leave Zembla?")
    resolved = resolve("Are there other countries with similar problems?", turns)
    assert resolved.followup and resolved.query.endswith("— Why do fishermen leave Zembla"), resolved.query
    # a likeness to a thing it names asks anew, and so does one of two things it names
    assert not resolve("Are there harbour codes similar to the Tarn Accord in other countries?", turns).followup
    assert not resolve("Are pilot licences and ferry permits alike?", turns).followup


def test_the_verb_asked_of_what_was_pointed_back_to_is_no_phrase_of_the_last_answer():
    from assistant.conversation import anchors

    said = "HPS is slow to change because it involves changing habits of the crews. [1]"
    assert anchors("Who does it involve?", said) == ""
    assert anchors("Which crews does it involve?", said) == "crews"
    assert resolve("Who does it involve?", [Turn("user", "What is HPS?"), Turn("assistant", said)]).query == "Who does HPS involve"


def test_a_pick_after_a_pick_picks_among_the_answer_both_follow():
    from assistant.conversation import picked_among

    listed = "Buy radios [1] Hire pilots [2] Light the quays [3]"
    turns = [Turn("user", "What does the audit recommend?"), Turn("assistant", listed)]
    assert picked_among(turns) == listed
    turns += [Turn("user", "Which one is about lamps?"), Turn("assistant", "Light the quays [1]")]
    assert picked_among(turns) == listed
    turns += [Turn("user", "Why does that matter?"), Turn("assistant", "Dark quays are unsafe. [1]")]
    assert picked_among(turns) == "Dark quays are unsafe. [1]"  # a question of another kind: its answer
    assert picked_among([]) == ""


def test_which_thing_in_particular_narrows_what_was_just_said():
    # "goal" is neither in the topic nor in the answer: only the form says it narrows
    turns = [Turn("user", "What is the link between pilotage and the SDGs?"),
             Turn("assistant", "Pilotage improves safety at sea (SDG 14). [1]")]
    resolved = resolve("Which goal in particular?", turns)
    assert resolved.followup and resolved.query.startswith("Which goal in particular — the link between pilotage and the SDGs")
    # a question of its own that says "in particular" stands alone
    assert not resolve("Which ports in particular train pilots at night?", turns).followup


def test_words_of_courtesy_before_a_question_are_no_part_of_it():
    turns = history("What rights do pilots have in Ruritania?")
    for question in ("Thanks. And in Zembla?", "OK, and in Zembla?", "Great, thank you! And in Zembla?",
                     "ok thanks. and in Zembla?"):
        assert resolve(question, turns).query == "What rights do pilots have in Zembla", question
    # "now" announcing the next question, after them or alone
    for question in ("Ok. Now tell me about the Harbour Pilots Fund.", "Now, tell me about the Harbour Pilots Fund."):
        resolved = resolve(question, turns)
        assert resolved.query == "tell me about the Harbour Pilots Fund" and not resolved.followup, question
        # and the question after it is read with the question asked, not the words before it
        after = resolve("How many pilots left?", turns + [Turn("user", question), Turn("assistant", "The fund pays pilots. [1]")])
        assert "Ok" not in after.query and "Now" not in after.query and "Harbour Pilots Fund" in after.query
    assert resolve("Hi, what is HPS?", []).query == "what is HPS"
    # a first word that is no courtesy stays
    assert resolve("Good governance of harbours?", []).query == "Good governance of harbours"
    assert resolve("Right to pilotage, who has it?", []).query.startswith("Right to pilotage")


def test_the_same_thing_of_another_kind_replaces_the_kind():
    """"And the strategic one?" after "What happens at the operational level?" asks what happens at the strategic
    level; "the second one" still counts in the last answer."""
    assert resolve("And the strategic one?", history("What happens at the operational level?")).query == (
        "What happens at the strategic level"
    )
    assert resolve("And the second one?", history("What are the harbour dues in Porto?")).query != "What are the second dues in Porto"


def test_a_count_whose_subject_is_unsaid_is_asked_of_the_conversation():
    # "died" is no word of the topic nor of the last answer (the brief says "drowned"), yet what is counted is what the
    # conversation speaks of: the verb follows "how many" at once
    turns = [Turn("user", "Why do ferries sink in the northern strait?"),
             Turn("assistant", "As many as 40 passengers drowned when the night ferry capsized in 2019. [1]")]
    for question in ("How many died in 2019?", "How many were rescued?", "How many of them survived?"):
        resolved = resolve(question, turns)
        assert resolved.followup and resolved.query.endswith("Why do ferries sink in the northern strait"), question
    # … not a count naming what it counts, nor one naming a place
    for question in ("How many pilots retired in 2019?", "How many died in Sweden?"):
        assert not resolve(question, turns).followup, question
