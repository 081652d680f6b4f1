"""Follow-up questions resolved from the earlier turns, without a language model.

A question depends on the conversation when it points back ("examples of *that*"),
continues with an ellipsis ("And in authoritarian regimes?", "What about Libya?") or
has almost no words of its own ("Why?"). Then the retrieval query is built from it and
the topic of the previous question:

* an ellipsis replaces the focus of the previous question: the words after its first
  focus word ("about", "address", "in", …) give way to the new ones, so "Which entry
  points address weak state protection?" + "And in authoritarian regimes?" becomes
  "Which entry points address authoritarian regimes"; after a question asking what a term
  is, the term gives way ("What is a refugee?" + "And a migrant?": "What is a migrant");
* "the second one", "the last point" is the last answer's statement in that place ("Tell me more
  about the second one" after a list of factors asks about the second factor); "And the fourth
  one?" later in the conversation counts in that same list, not in the answers about its items;
* a reference keeps the question and adds the previous topic, and the phrases of the
  previous answer that hold the follow-up's own words ("Which principles are those?");
  when the topic names a thing ("What is the BMM programme?", "Tell me about …", or a few
  search-box words), a pronoun standing for it is replaced by that thing instead ("Who pays
  for it?" is searched as "Who pays for the BMM programme"), so that what is asked about it
  keeps its weight; so is "the" and the thing's last word ("Was the deal legal?" after "Tell
  me about the EU-Turkey deal" is searched as "Was the EU-Turkey deal legal").

A question with at most one word of its own besides words asking for more of the same ("How much
money?", "Who else contributes?") leans on the conversation too, unless that word is a name ("What
is SSR?"). A question with words of its own
and no pointer back stands alone: the old topic is not dragged along; unless it is short and
about "the" thing the last answer named ("What did the evaluation find?" after "An external
evaluation found …"), or asks which, who or how many with a word or two the topic used ("Which
countries are affected?"). The effective query is returned so the behaviour is visible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .definitions import asked_term, is_short_form
from .lexical import terms
from .named_sources import SOURCE_PHRASE
from .ranking import TEXT_WORDS, asks_yes_no

# "And in Lisbon?", "What about Sweden?", "And what about health care?" (the longer cue first: "And" alone would leave
# "what about health care" to read as a question of its own)
# a correction of what was just asked: "No, I meant the UN review.", "Sorry, I meant internally displaced people."
_CORRECTING = r"(?:(?:no|sorry|oops|actually|well)\b[\s,.!]*)*i\s+(?:meant|mean)(?:\s+to\s+(?:say|ask))?(?:\s+about)?"
_CORRECTION = re.compile(rf"^\s*{_CORRECTING}\b", re.IGNORECASE)
_CONTINUATION = re.compile(
    r"^\s*(?:(?:and|but|also|or|so|then)[\s,]+(?:what|how)\s+about|(?:and\s+)?what\s+of|(?:what|how)\s+about|same\s+for|"
    rf"{_CORRECTING}|and|but|also|or|so|then)\b[\s,]*",
    re.IGNORECASE,
)
_AS = re.compile(r"^as\s+", re.IGNORECASE)  # "And as a migrant?" after "Who counts as a refugee?"
_LEADING_PREPOSITION = re.compile(r"^(?:in|for|about|with|during|under|on|at|regarding|concerning)\b\s*", re.IGNORECASE)
# "And the one for refugees?" after "What is the Global Compact for Migration?": "the one" is the topic's thing, and the
# ellipsis is "for refugees"
_PREPOSITIONS = r"in|of|for|about|with|during|under|on|at|from|to|by|against|regarding|concerning"
_THE_ONE = re.compile(rf"^(?:the\s+|that\s+|those\s+)?ones?\s+(?=(?:{_PREPOSITIONS})\s+\S)", re.IGNORECASE)
# "the strategic one" after "the operational level": another of the same kind (_read_one); the kind, then the thing
_ONE_OF_A_KIND = r"(?P<kind>[A-Za-z][\w-]*)\s+ones?"  # "strategic one", "migration one", "Nigerian ones"
_KIND_ONE = re.compile(rf"^(?:the\s+|that\s+)?{_ONE_OF_A_KIND}$")
# "the migration one" after "Tell me about the Global Compacts": one of the things the topic names, by its kind
_KIND_OF_THEM = re.compile(rf"\b[Tt]he\s+{_ONE_OF_A_KIND}\b(?!\s+(?:of|for|on|about|in|with)\b)")
_DESCRIBED_NOUN = re.compile(r"\bthe\s+(?P<kind>[a-z][\w-]*)\s+[a-z][\w-]*\b")
_ANY_PREPOSITION = re.compile(rf"^({_PREPOSITIONS})\s+\S", re.IGNORECASE)
# A likeness with nothing said to be like: "Are there other countries with similar problems?" (similar to what was just
# spoken of); not "similar to the Khartoum Process", nor two things named alike ("Are refugees and migrants alike?")
_LIKENESS = re.compile(r"\b(?:similar|comparable|alike)\b(?!\s+(?:to|with)\b)", re.IGNORECASE)
_PAIRED = re.compile(r"\b(?:and|or|between|both)\b", re.IGNORECASE)


def _likeness(text: str) -> re.Match[str] | None:
    """The likeness word of a question that points back with it (_LIKENESS), or None."""
    match = _LIKENESS.search(text)
    return match if match is not None and not _PAIRED.search(text[: match.start()]) else None


# "mentioned" as the verb of a question asking whether the briefs speak of a thing, not as "the one mentioned": "Are
# returnees mentioned in the briefs?", "Is Libya mentioned anywhere?"
_MENTIONED = rf"mentioned(?!\s+(?:anywhere|at\s+all|(?:in|by)\s+(?:(?:the|any|a|all)\s+)?(?:[\w-]+\s+){{0,3}}?(?:{TEXT_WORDS}|review)))"
_REFERENCE = re.compile(
    rf"\b(?:that|this|these|those|it|its|they|them|their|there|such|the same|the above|{_MENTIONED}|former|latter|"
    r"afterwards?|beforehand|since then|at the time)\b"
    # a time that points back only at the end: "What happened next?", "And then?"; not "the next steps for SSR"
    r"|\b(?:next|then|later)\s*$"
    # a quantifier standing for the people or things just spoken of, its verb right after it: "Where did most come
    # from?", "Why do many leave?", "Why did so many come?"; not "Where did most refugees come from?" (the noun is named)
    r"|(?:(?<=\bdo\s)|(?<=\bdid\s)|(?<=\bdoes\s))(?:(?:so|too)\s+)?(?:most|many|some|few|several|both|all|others)(?=\s+[a-z]+(?:\s*$|\s*[?.!]|"
    r"\s+(?:from|to|for|in|into|out|back|home|away|there|here|at|on|with|after|before)\b))",
    re.IGNORECASE,
)
# A word whose complement is left unsaid ends the question: "Which countries take part?" (in what was just asked
# about), "Are private companies included?", "Who is responsible?", "How much did Germany contribute?"; not "Who takes
# part in the Khartoum Process?". It points back only from a short question: "How does corruption in the police push
# people to leave?" names what it asks about (_MAX_OWN_TERMS_FOR_UNSAID)
_UNSAID_COMPLEMENT = re.compile(
    r"\b(?:(?:take|takes|took|taking|taken)\s+part|participat(?:e|es|ed|ing)|involved|included|excluded|"
    r"responsible|in\s+charge|affected|eligible|covered|respond(?:s|ed)?|react(?:s|ed)?|"
    # to what is given, paid or contributed: "How much did Germany contribute?", "Who paid?"
    r"contribut(?:e|es|ed|ing)|pa(?:y|ys|id)|donat(?:e|es|ed)|pledg(?:e|es|ed)|"
    # the place left or fled: "Why do people leave?" after "Tell me about Eritrea"
    r"leav(?:e|es|ing)|left|fle(?:e|es|eing|d)|"
    # what one can or should do, about what was just spoken of: "What can SSR do?", "How could donors help?", "What
    # should be done?"; not "What does DCAF do?" (what it does at all)
    r"(?:can|could|should|would|must|might|may)\s+(?:[\w-]+\s+){0,3}?(?:do|be\s+done|help)|"
    # what is advised or wanted, for what was just spoken of: "What entry points are suggested?", "What is needed?"
    r"(?:is|are|was|were|being|been)\s+(?:suggested|recommended|proposed|advised|advocated|needed|required))\s*$",
    re.IGNORECASE,
)
_MAX_OWN_TERMS_FOR_UNSAID = 4  # "Are private patrol boats included?" points back; five words of its own name the thing
# "the evaluation" in "What did the evaluation find?" after an answer that mentioned an evaluation
_DEFINITE = re.compile(r"\bthe\s+[a-z]", re.IGNORECASE)
_MAX_OWN_TERMS_FOR_DEFINITE = 3
# A question asking which, who, how many, how much, when or where (_asks_after_the_topic)
# (after a preposition too: "Between which years?", "In which countries?", "Since when?", "From where?")
_ASKS_WHICH = re.compile(
    rf"^\W*(?:(?:{_PREPOSITIONS}|between|since|until|among)\s+)?(?:which|who|whom|how\s+many|how\s+much|when|where)\b",
    re.IGNORECASE,
)
_MAX_OWN_TERMS_FOR_WHICH = 2
# "How many died in 2016?", "How many were sent back?": a count whose verb follows "how many" at once, so what is
# counted is not said; it is what the conversation speaks of. Not "How many refugees arrived?" (it names them)
_COUNT_UNSAID = re.compile(
    r"^\W*how\s+many\s+(?:of\s+(?:them|these|those)\s+)?(?:(?:were|are|was|is|have|has|had|did|do|does|will|would|could|"
    r"can|got|get)\b|[a-z]+ed\b|(?:left|came|went|fled|ran|fell|lost|became|made|took|stayed|died|drowned|survived)\b)",
    re.IGNORECASE,
)
_YEAR_TERM = re.compile(r"(?:1[89]|20)\d\d")
# "that" as a conjunction ("say that …", "so that") and an existential "there" ("is there …") are not references
_CONJUNCTION_THAT = re.compile(
    r"\b(?:say|says|said|show|shows|mean|means|so|such|argue|argues|note|notes)\s+that\b"
    # after a verb of saying or thinking, "that" opening a clause whose verb follows within a few words: "Do all briefs
    # agree that SSR should be nationally owned?"; not "Do they recommend that approach?"
    r"|\b(?:agree|agrees|agreed|think|thinks|believe|believes|suggest|suggests|claim|claims|state|states|stated|"
    r"find|finds|found|conclude|concludes|stress|stresses|emphasi[sz]e|emphasi[sz]es|recogni[sz]e|recogni[sz]es|"
    r"acknowledge|acknowledges|insist|insists|assume|assumes|expect|expects|hold|holds|true|likely|possible|fact|"
    r"view|idea|ensure|ensures|recommend|recommends|propose|proposes|warn|warns|indicate|indicates)\s+that"
    r"(?=(?:\s+[\w'’-]+){1,4}?\s+(?:is|are|was|were|be|been|should|must|can|could|will|would|may|might|has|have|had|"
    r"does|do|did|needs?|requires?)\b)"
    # "it" standing for the clause after it: "Is it true that the deal was suspended?"
    r"|\b(?:(?:is|was)\s+it|it\s+(?:is|was))\s+(?:true|possible|likely|clear|known|the\s+case)\s+that\b"
    r"|\b(?:is|are|was|were|will|has|have|had)\s+there\b|\bthere\s+(?:is|are|was|were|has|have|had)\b",
    re.IGNORECASE,
)
# Narrowing what was just said: "Only the ILO ones", "Just the part about corruption", "Of the conventions listed, …",
# "Which one is about human rights?"
_NARROWING = re.compile(
    rf"^(?:only|just)\b|^\W*which\s+ones?\b|\b(?:the ones?|ones|listed|{_MENTIONED}|the part about|of those|of these)\b|"
    r"\b(?:given|cited|named|used|offered)\s+as\s+(?:an?\s+)?(?:examples?|illustrations?|cases?\s+in\s+point)\b|"  # "Which countries are given as examples?"
    r"^\W*(?:which|what)\s+[\w-]+\s+(?:in\s+particular|specifically|exactly)\W*$",  # "Which goal in particular?"
    re.IGNORECASE,
)
_ONLY = re.compile(r"^\W*(?:only|just)\b", re.IGNORECASE)  # narrowing what was said: "Just the weaknesses"
_ANYTHING = re.compile(r"^\W*(?:anything|something)\b", re.IGNORECASE)  # asking whether there is any: "Anything on Libya?"
_QUESTION_CLAUSE = re.compile(r"\b(?:what|how|why|which|who|when|where)\b", re.IGNORECASE)
# A request in the imperative is a question too: "Define SSR", "Explain national ownership", "List the push factors"
# "How long", "how often", "how many": the question word with the adverb or quantity it asks by, no word of the topic
_HOW_ADVERB = re.compile(r"\bhow\s+(?:long|often|far|soon|many|much)\b", re.IGNORECASE)
# Asking to go on: "Elaborate.", "Go on", "Expand on that" (more of what was said, no topic typed)
_GO_ON = r"elaborate|expand|continue|go\s+on|keep\s+going"
REQUEST_VERBS = rf"define|explain|describe|list|name|tell|give|show|compare|outline|summari[sz]e|clarify|{_GO_ON}"
_ASKING_VERB = re.compile(rf"^\W*(?:{REQUEST_VERBS})\b", re.IGNORECASE)
_FOCUS_WORD = re.compile(
    r"\b(?:about|address|addresses|against|regarding|concerning|for|in|on|to|during|under|with|tackle|tackles|counter)\b",
    re.IGNORECASE,
)
# A topic that asks what or who something is, or asks to be told about it, names it: "What is the Better Migration
# Management programme", "Tell me about the EU-Turkey Deal"; so does a search-box topic of a few words ("BMM programme")
_NAMING_TOPIC = re.compile(
    r"^(?:(?:what|who)\s+(?:is|are|was|were)(?:\s+meant\s+by)?|tell\s+me\s+(?:more\s+)?about|explain|describe|define)"
    r"\s+(?=\S)",
    re.IGNORECASE,
)
_KEYWORD_TOPIC_WORDS = 5
# A topic asking what is said, known or happened about a thing names it too: "What do the briefs say about gender",
# "What does the backgrounder say on oversight", "What happened with the EU-Turkey deal", "What is known about the BMM"
_ABOUT_TOPIC = re.compile(
    r"^\W*what\b.{0,60}?\b(?:say|says|said|know|known|written|write|writes|mention|mentions|happened|happens|"
    r"has\s+happened)\s+(?:about|on|to|with|regarding|concerning)\s+(?P<thing>\S.*?)\W*$",
    re.IGNORECASE,
)
# A question's named subject before its verb: "When did the BMM programme start", "Why was the EU-Turkey deal signed
# in 2016", "When was DCAF founded" (a name, after "the" with at most two common words, then one verb and at most a
# phrase after a preposition); not after "what", whose object is asked ("What can SSR do about authoritarian regimes")
_NAMED_SUBJECT = re.compile(
    r"^\W*(?i:when|where|why|how(?:\s+(?:long|much|many|often|well))?)\s+(?i:did|does|do|is|was|were|has|had|will|would|can|could)\s+"
    r"(?P<thing>the\s+(?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*(?:\s+[a-z][\w'’-]*){0,2}?|(?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]*)"
    r"\s+[a-z][\w'’-]*"
    r"(?:\s+(?:in|on|at|for|to|with|from|by|after|before|during|about|up|out)\b.*)?\W*$"
)
# "the deal", "the programme": a definite noun a follow-up may name the topic's thing by (_described)
_DEFINITE_NOUN = re.compile(r"\b[Tt]he\s+([\w'’-]+)\b")
# "the term", "the concept": a noun for whatever term the topic named, when no term follows it ("Who first used the
# term?" after "What is SSR?"; not "the term 'security sector transformation'", nor "the idea of SSR")
_TERM_NOUN = re.compile(
    r"\b[Tt]he\s+(?:term|concept|idea|notion|word|acronym|abbreviation|phrase|expression|label)\b"
    r"(?!\s*(?:[A-Z\"'“‘]|of\b|for\b))"
)
_LEADING_THE = re.compile(r"^the\s", re.IGNORECASE)
_WORDS = re.compile(r"[\w'’-]+")
# whose role a question asks about: "What role do parliaments play in SSR", "What part does the media play …", "the
# role of civil society in oversight"
_ROLE = re.compile(
    r"\b(?:role|part)\s+(?P<verb>does|do|did|can|could|should|will|would|might)\s+(?P<actor>.+?)\s+play\b"
    r"|\brole\s+of\s+(?P<of>.+?)(?=\s+(?:in|on|for|to|within|during|under|with|at)\b|\s*$)",
    re.IGNORECASE,
)
# whose the focus is, named first: "Sweden's approach to migrants", "the Northern Isles' pilots"
_POSSESSOR = re.compile(r"(?P<name>(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)(?:['’]s|(?<=s)['’])\s+")
# a place the focus ends with: "… migration governance in Sweden"
_PLACE_AFTER = re.compile(r"\s+(?:in|within|across|throughout|from)\s+(?P<name>(?:the\s+)?[A-Z][\w'’-]*(?:\s+[\w'’-]+)*)$")
# where or when a common noun's subject stands: "in transit", "in countries at peace", "during the crisis"
_SETTING_AFTER = re.compile(r"\s+(?:in|at|during|under|within)\s+(?:the\s+)?[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*){0,3}$")
_SETTING_WORD = re.compile(r"\b(?:in|at|during|under|within)\b", re.IGNORECASE)
_NAME_JOINS = ("of", "and", "the", "for")  # small words inside a name: "Bosnia and Herzegovina", "Alliance for Sahel"
# things a question asks about, pointed at with a word of its own as its subject: "What do these partnerships aim
# at?", "Are those programmes funded?"; not "How many minors left those countries?" (the minors are asked about)
_POINTED_PLURAL = re.compile(
    r"^\W*(?:(?:what|how|why|when|where|who|which)\s+)?(?:do|did|are|were|have|had|can|could|should|would|will|must)\s+"
    r"(?:these|those)\s+(?P<noun>[a-z][\w-]*[^s\W]s)\b",
    re.IGNORECASE,
)
_ASKS_WHO = re.compile(r"^\W*who\b", re.IGNORECASE)
_NAMES_APART = re.compile(r"\s+and\s+the\s+")  # "the Global Compact for Refugees and the Global Compact for Migration": two
_NAME = re.compile(rf"\b[A-Z][\w-]*(?:\s+(?:(?:{'|'.join(_NAME_JOINS)})\s+)*[A-Z][\w-]*)*")  # "Sweden", "the Northern Triangle"
# A pronoun that can stand for that thing; "that" and "this" only when they end the question ("examples of that").
# Lower case or capitalised only: "IT systems" is no pronoun.
# what a text does, said of "it": "What numbers does it give?", "What does it recommend?", "Does it mention Libya?"
_TEXT_DOES = re.compile(
    r"\b(?:does|did|do)\s+it\s+(?:say|give|mention|recommend|list|cite|propose|describe|suggest|define|report|offer|"
    r"conclude|argue|cover|discuss|quote|name)\b|\bit\s+(?:says|gives|mentions|recommends|lists|cites|proposes|describes|"
    r"suggests|defines|reports|offers|concludes|argues|covers|discusses|quotes|names)\b",
    re.IGNORECASE,
)
_PLURAL_PRONOUN = re.compile(r"[Tt]he(?:y|m|ir)")
_SINGULAR_PRONOUN = re.compile(r"[Ii]ts?")
_PLURAL_NOUN = re.compile(r"[a-z][\w-]{2,}[^s\W]s")  # "principles", "factors"; not "process" nor "SSRs"
_AFTER_HEAD = re.compile(r"\s(?:of|for|in|on|to|from|with|against|about|under|by|at|between|among|within)\s", re.IGNORECASE)
_PICKED_PRONOUNS = frozenset(("it", "its", "that", "this", "they", "them", "their", "these", "those"))  # for what was just picked
_PRONOUN = re.compile(r"\b(?:[Ii]ts?|[Tt]hey|[Tt]hem|[Tt]heir)\b|\b[Tt]h(?:at|is)\s*$")
_QUESTION_WORDS = frozenset(terms(
    "what which who whom whose when where why how does do did is are was were can could should would will say says tell give "
    "list explain describe mean"
    # the words that address the reader rather than the briefs: "Can you tell me about …", "I would like to know …"
    " me you your us we our i my please about know want like"
    # the words that ask how two things bear on each other, not what either is: "What is the link between SSR and
    # development?", "How does bad governance relate to displacement?"
    " link links linked relationship relationships relation relations relate relates related connection connections"
    # light verbs, which carry no topic: "How can SSR be made more inclusive?" asks about inclusion, and a sentence on
    # what "can be made relatively quickly" is none the nearer for "made"
    " make makes made making get gets got getting"
    # verbs asking for events, which name none: "What is happening in the Northern Triangle?" asks about the Northern
    # Triangle (the briefs never write "happen": "never mention happening" had been said of it)
    " happen happens happened happening occur occurs occurred occurring"
    # adverbs of the asking, not of the topic: "What does whole-of-government mean here?", "What is really meant by …"
    " here really actually exactly just even also"
))
# Words that ask for more of the same rather than name a subject: "Who else contributes?", "How much money?",
# "Any other examples?". A question left with at most one word besides them leans on the conversation.
_MORE_OF_THE_SAME = frozenset(terms("else more other another much many again too also any example"))
# … or a request to go on ("Elaborate.", "Go on", "Expand on that")
_MORE = re.compile(rf"\b(?:else|more|other|others|another|further)\b|^\W*(?:{_GO_ON})\b", re.IGNORECASE)
# "the second one", "the last point": a statement of the last answer, by its place
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6, "eighth": 7, "last": -1}
_NOT_KINDS = frozenset(["other", "same", "next", "previous", "former", "latter", *_ORDINALS])  # which one, not its kind
_ORDINAL = re.compile(
    rf"\bthe\s+({'|'.join(_ORDINALS)})(?:\s+(?:ones?|points?|items?|statements?|factors?|examples?|quotes?))?\b",
    re.IGNORECASE,
)
_MARKERS = re.compile(r"(?:\s*\[\d+\])+")  # "… state protection [1][2]": where each quoted statement ends
_SOURCES = re.compile(r"^\s*(?:\[\d+\]|Sources:)", re.MULTILINE)  # the list of sources a chat reply ends with
_ITEM_NUMBER = re.compile(r"^(?:[IVX]+|\d+|[a-z])[.)]\s+")  # "II. Push factor: …"
_MAX_OWN_TERMS_FOR_ELLIPSIS = 4
# A question that names its topic first, before a colon or in a lead-in ("Back to the UN review: what did it say about
# uniformed staff?", "Going back to the deal, was it legal?"): its pronouns point at that topic, not at the
# conversation. Words that only announce a change of subject name none ("Different topic: …", "Unrelated: …").
_TOPIC_FIRST = re.compile(
    r"^\W*(?P<label>[^:?]{3,80}?):\s+\S|"
    r"^\W*(?P<lead>(?:(?:going|coming|getting)\s+)?back\s+to|returning\s+to|regarding|as\s+(?:for|to)|concerning|"
    r"on\s+the\s+(?:subject|topic|question)\s+of)\s+(?P<topic>[^,?]{3,80}?),\s+\S",
    re.IGNORECASE,
)
# the words announcing a return to a topic, before it: "Back to the UN review"
_LEAD_IN = re.compile(
    r"^\W*(?:(?:(?:going|coming|getting)\s+)?back\s+to|returning\s+to|regarding|as\s+(?:for|to)|concerning|"
    r"on\s+the\s+(?:subject|topic|question)\s+of)\s+",
    re.IGNORECASE,
)
# Words of courtesy or acknowledgement before a question, set off by punctuation: "Thanks. And what about …?", "OK,
# who signed it?", "Hi, what is SSR?" (not "Good governance?", nor "Right to education?")
# greetings and thanks, as words of courtesy here and as whole messages (smalltalk.py)
GREETING_WORDS = r"hi|hello|hey|hiya|greetings|good\s+(?:morning|afternoon|evening|day)"
THANKS_WORDS = r"(?:many\s+)?thanks|thank\s+you|thx|cheers|much\s+appreciated"
_COURTESY_WORD = (
    rf"(?:{THANKS_WORDS}|{GREETING_WORDS}|ok(?:ay)?|great|perfect|cool|nice|good|right|sure|alright|all\s+right|"
    r"i\s+see|got\s+it|understood|interesting)(?:\s+(?:so|then|very\s+much|a\s+lot))?"
)
# several in a row need no punctuation between them ("ok thanks. who implements it?"); "now" after them announces the
# next question ("Ok. Now tell me about the Northern Triangle.")
_COURTESY = re.compile(
    rf"^\W*(?:(?:{_COURTESY_WORD}(?:\s+{_COURTESY_WORD})*\s*[.,!;:]+\s*)+(?:now\b[,:]?\s*)?(?=\S)"
    rf"|now\b[,:]?\s+(?=(?:{REQUEST_VERBS}|what|how|why|who|which|where|when)\b))",
    re.IGNORECASE,
)
_SHIFT_WORDS = frozenset(terms(
    "back going coming getting returning return now different another new other unrelated switching switch something "
    "else entirely completely topic subject question change changing moving move on separate separately"
    # nor do words asking for more, or courtesies: "Tell me more: who funds it?", "Quick follow-up: …", "OK, thanks: …"
    " more further one last quick follow follow-up up ok okay thanks thank great good fine sure yes right also"
))
# What opens an enumeration within a sentence ("… are accountability, transparency, …"), and joins its last two things
_ENUMERATION_HEAD = re.compile(r"(?:\b(?:are|include|includes|including|such\s+as|namely)\b|:)\s+", re.IGNORECASE)
_LAST_TWO = re.compile(r"\s+(?:and|or)\s+")
_MAX_ITEM_WORDS = 4
HISTORY_WINDOW = 6
# "How many refugees were there …": what a question counts, up to its verb
_COUNTED = re.compile(
    r"^(\W*(?:how\s+many|how\s+much|what\s+(?:share|percentage|proportion|number)\s+of)\s+)(.+?)"
    r"(\s+(?:were|are|was|is|did|do|does|have|has|had|will|would|can|could)\b.*)$",
    re.IGNORECASE,
)
# Between the parts of a follow-up's query: the question asked, first, then what it carries after it, the earlier
# question or topic ("Where do most of them come from — How many people were forcibly displaced worldwide") or a new
# focus joining the question ("… in Sweden — asylum seekers")
THEN = " — "
_FIGURE_ONLY = re.compile(r"^\s*(?:the\s+)?(?:years?\s+)?\d[\d,.]*(?:\s*(?:[-–]|and|to)\s*\d[\d,.]*)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class ResolvedQuestion:
    question: str
    query: str  # what retrieval is given
    followup: bool
    reason: str  # why it was (or was not) read as a follow-up
    topic: str = ""  # the self-contained question the conversation is about at this turn
    anchors: str = ""  # phrases of the last answer added to the query, in brackets at its end (anchors())
    listing: str = ""  # the answer an ordinal was read from ("the second one"), which "And the fourth one?" counts in too
    other_source: bool = False  # asks the last question of another brief: "And the UN review?" (searched in that brief)
    beside: str = ""  # the thing a continuation asked the last question of instead ("SSR" for "And SSG?" after "What
    # does SSR stand for?"): "they" after it are both ("How are they related?" asks of SSR and SSG)
    written_out: str = ""  # a continuation of a follow-up written out ("Explain accountability" for "And
    # accountability?" after "Explain transparency."): what the next continuation continues in turn
    picked: str = ""  # the one thing a question picked among those the last answer enumerates ("rule of law" for
    # "Which one is about laws?"): what "it" in the next question is ("Explain it.")

    @property
    def text(self) -> str:
        """The question asked, without words of courtesy or a label before it ("Ok. Now tell me about …")."""
        return _asked(self.question)


def own_terms(text: str) -> list[str]:
    """Content words of a question, without question words, the adverb of "how long" nor the verb of a request
    ("Define HPL": "hpl")."""
    return [t for t in terms(_HOW_ADVERB.sub(" ", _ASKING_VERB.sub(" ", text, count=1))) if t not in _QUESTION_WORDS]


# What a question asking about a brief as a whole asks for: "What is the main message of the backgrounder?", "Summarise
# the UN brief.", "What is the purpose of the push factors page?", "Tell me about the briefing note."
_WHOLE_TEXT_TERMS = frozenset(terms(
    "main message messages purpose purposes aim aims summary overview gist takeaway takeaways point points about "
    "objective objectives focus scope content contents topic topics subject argument key overall central general "
    "essence nutshell short brief idea ideas say says cover covers discuss discusses deal deals "
    # of several briefs: "Compare the briefing note and the push factors page", "How do the two differ?"
    "compare comparison contrast differ differs difference differences similar similarities each both two"
))


def asks_about_the_whole(topic: str) -> bool:
    """Whether a question, without the phrase naming the brief it asks of (NamedSources.topic), asks about that brief
    as a whole: none of its own words but words asking for its message, purpose, summary or gist ("What is the main
    message of", "Summarise", "Tell me about", "What is about"); not "What does say about gender", which asks about
    gender, nor "Who is", which asks nothing of the brief as a whole."""
    own = own_terms(topic)
    return all(t in _WHOLE_TEXT_TERMS for t in own) and bool(
        own or _ASKING_VERB.match(topic) or re.search(r"\babout\b", topic, re.IGNORECASE)
    )


def asks_for_more(question: str) -> bool:
    """"Who else contributes?", "Any other examples?", "Tell me more", "Go on": more than the last answer gave."""
    return bool(_MORE.search(question))


def asks_nothing_new(question: str) -> bool:
    """"Why?", "Give an example.", "How?": a question with no word of its own but asking for more of the same; what it
    asks is about what was just said, which the answer does not quote again."""
    return not [t for t in own_terms(question) if t not in _MORE_OF_THE_SAME]


def narrows(question: str) -> bool:
    """"Only the ones about conflict", "Which of these …": picks among what the last answer gave."""
    return bool(_NARROWING.search(question))


def without_role_played(text: str) -> str:
    """The question without the words framing a role ("What role can parliaments play in SSR" → "What can
    parliaments in SSR"): what a passage on the actor holds is the actor, while "role" and "play" find passages
    on roles men and women play."""
    match = _ROLE.search(text)
    if match is None or not match.group("actor"):
        return text
    return f"{text[: match.start()]}{match.group('verb')} {match.group('actor')}{text[match.end() :]}"


def typed_as_keywords(text: str) -> bool:
    """A few search-box words, not a question: at most five words, no question word, no request and no verb opening a
    yes/no question ("BMM programme", "frontex"; not "Define SSR", nor "Is Afghanistan mentioned anywhere?")."""
    return (len(text.split()) <= _KEYWORD_TOPIC_WORDS and not _QUESTION_CLAUSE.search(text) and not _ASKING_VERB.match(text)
            and not _ONLY.match(text) and not _ANYTHING.match(text) and not asks_yes_no(text))


def _strip(text: str) -> str:
    return text.strip().rstrip("?.!").strip()


def _without_references(text: str) -> str:
    """The text without the words pointing back (_REFERENCE, _UNSAID_COMPLEMENT): what it names of its own."""
    return _UNSAID_COMPLEMENT.sub(" ", _REFERENCE.sub(" ", text))


def _asked(question: str) -> str:
    """The question without its closing mark, words of courtesy before it and a label naming no topic of its own."""
    return _without_lead_in(_COURTESY.sub("", _strip(question)))


def resolve(question: str, history: Sequence[Turn]) -> ResolvedQuestion:
    """The effective query of `question` after the turns in `history` (each user turn resolved in turn).

    Only the last HISTORY_WINDOW user turns (and the answers after them) count: a follow-up points at
    the recent conversation, and the work stays linear however long the history sent."""
    recent = recent_turns(history)
    previous: ResolvedQuestion | None = None
    answer = thread = ""  # the last answer; the answers since the conversation's topic was asked anew
    for turn in recent:
        if turn.role == "user" and turn.content.strip():
            previous = _resolve_one(turn.content, previous, answer, thread)
            answer, thread = "", thread if previous.followup else ""
        elif turn.role == "assistant":
            answer, thread = turn.content, f"{thread}\n\n{turn.content}"
    return _resolve_one(question, previous, answer, thread)


def recent_turns(history: Sequence[Turn]) -> Sequence[Turn]:
    """The turns from the HISTORY_WINDOW-th last user turn on: what a follow-up can point at."""
    starts = [i for i, turn in enumerate(history) if turn.role == "user" and turn.content.strip()]
    return history[starts[-HISTORY_WINDOW]:] if len(starts) > HISTORY_WINDOW else history


# Words too common to anchor a phrase on (the briefs' stopword list is short: BM25 keeps "from", "them")
_ANCHORLESS = frozenset(terms(
    "from them him her his its she he those some most with within without upon over under after before between "
    "through during across toward towards via has have had been being"
))


# The verb of what was pointed back to, whose object the question asks for ("Who does it involve?", "What do they
# cover?"): the object the last answer gave it is not what is asked, so its phrase is no anchor ("… because it involves
# changing expectations" answers no "who"). A verb asked when or how of keeps its phrase: "When did they start?" after
# "Starting from 2011, …"
_VERB_OF_POINTED = re.compile(
    r"^\W*(?:who|whom|what|which)\b(?:\s+[\w-]+){0,2}?\s+(?:do|does|did|can|could|will|would|should|must|may|might)\s+"
    r"(?:it|they|this|that|these|those)\s+(?P<verb>[a-z]+)\W*$",
    re.IGNORECASE,
)


def anchors(question: str, answer: str, width: int = 4, most: int = 2) -> str:
    """Phrases of the previous answer around the follow-up's own words: "Which principles are those?"
    after "…apply the principles of good governance…" gives "principles of good governance". A phrase stays within
    its statement: "… from the region. [1] The programme supports …" gives "region", not "region The programme";
    and none starts at a word as common as "from" ("Where did most of them come from?") nor at a name the question
    itself says ("What could SSR do about it?" asks of SSR, not of the answer's "SSR initiatives might help"). Only
    the quoted statements are read: a note the answer opens with ("The briefs may not answer this directly: …") is no
    phrase of the briefs."""
    pieces = [_WORDS.findall(piece) for piece in statements(answer)]
    stemmed = [[terms(w)[0] if terms(w) else "" for w in words] for words in pieces]
    phrases: list[str] = []
    names = _name_terms(question)
    verbs = {t for m in _VERB_OF_POINTED.finditer(question) for t in terms(m.group("verb"))}
    for term in dict.fromkeys(t for t in own_terms(_without_references(question))
                              if t not in _ANCHORLESS and t not in names and t not in verbs):
        found = next(((words, stems.index(term)) for words, stems in zip(pieces, stemmed) if term in stems), None)
        if found is not None and len(phrases) < most:
            words, at = found
            phrases.append(" ".join(words[at : at + width]))
    return "; ".join(phrases)


# "Which one is about financing?", "Which of these concerns the military?", "Which ones deal with leaders?": one (or
# some) of the things the last answer quoted, picked by what it is about
_PICKS = re.compile(
    r"^\W*(?:and\s+|so\s+)?which\s+(?P<how>one|ones|of\s+(?:these|them|those|the\s+[\w-]+))\s+"
    r"(?P<verb>(?:is|are|was|were)\s+(?:about|on|for)|(?:deals?|dealt)\s+with|concerns?|relates?\s+to|covers?|"
    r"address(?:es)?|refers?\s+to|mentions?|talks?\s+about|focus(?:es)?\s+on|needs?|requires?|involves?|is|are)\s+"
    r"(?P<what>\S.*?)\W*$",
    re.IGNORECASE,
)


def picks_among(question: str) -> tuple[str, bool] | None:
    """What a question picking among the last answer's things asks them to be about, and whether it may pick several
    ("Which ones …", "Which of these are …"): ("financing", False) for "Which one is about financing?"; else None."""
    match = _PICKS.match(question.strip())
    if match is None or not terms(_without_references(match.group("what"))):  # "Which one is it?" names nothing
        return None
    several = match.group("how").lower() == "ones" or match.group("verb").lower().startswith(("are", "were"))
    return match.group("what"), several


def picked_among(history: Sequence[Turn]) -> str:
    """The answer a question picking among the things just quoted picks among: the last one, unless the question it
    answered picked among the answer before it ("Which one is about guidance?" after "Which one is about financing?"
    picks among the recommendations both follow, not among the one recommendation the last pick got); "" without one."""
    turns = list(recent_turns(history))
    for at in range(len(turns) - 1, -1, -1):
        if turns[at].role != "assistant":
            continue
        asked = next((t.content for t in reversed(turns[:at]) if t.role == "user"), "")
        earlier = any(t.role == "assistant" for t in turns[:at])
        if not (earlier and picks_among(asked)):
            return turns[at].content
    return ""


def moved_on_from(answers: Sequence[str], follows_on: bool) -> str:
    """What an answer moves on from rather than quote again (the recent `answers`, joined): all of them for a
    follow-up or a question asking for more ("Who else …?"); nothing for a question of its own, whose answer is what
    answers it best, quoted before or not ("Which organisation defines a migrant?" after the definitions were quoted)."""
    return " ".join(answers) if follows_on else ""


def statements(answer: str) -> list[str]:
    """The quoted statements of an answer's text, in order: each ends with its [n] markers (a note before the first
    one, set off by a blank line, and the list of sources a chat reply ends with are not statements)."""
    sources = _SOURCES.search(answer)
    pieces = _MARKERS.split(answer[: sources.start()] if sources else answer)[:-1]
    return [s for s in (piece.split("\n\n")[-1].strip() for piece in pieces) if s]


def _by_place(text: str, answer: str, asked: str = "") -> tuple[str, str, str] | None:
    """The question with "the second one" replaced by the last answer's second statement (its item number and full
    stop dropped), what the ordinal said, and what it counted in (the answer, or the statement enumerating the
    things, for a later "And the fifth?"); None without an ordinal or such a statement. An answer of fewer
    statements than that counts in the first statement that enumerates enough things (enumerated): "the third one"
    after "The principles are accountability, transparency, rule of law and participation." is rule of law. So does
    one whose question (`asked`) asked for the things in the plural that a statement enumerates: "the second one"
    after "What are the principles of good governance?" is transparency, however many statements the answer has."""
    ordinal = _ORDINAL.search(text)
    quoted = _items(statements(answer), _named_after(text, ordinal)) if ordinal else []
    place = _ORDINALS[ordinal.group(1).lower()] if ordinal else 0
    if ordinal is None or not quoted:
        return None
    wanted = {terms(w)[0] for w in _WORDS.findall(asked) if _PLURAL_NOUN.fullmatch(w) and terms(w)}
    long_enough = [(s, lead, items) for s, (lead, items) in zip(quoted, map(enumerated, quoted)) if place < len(items)]
    listed = next(((s, lead, items) for s, lead, items in long_enough if wanted & set(terms(lead))), None)
    if listed is None and place >= len(quoted):  # the thing, with what the statement says they are: "rule of law (The
        # principles of good governance)"
        listed = next(iter(long_enough), None)
    if listed is not None:  # the things the question asked for, as a statement enumerates them
        enumerating, lead, items = listed
        statement, counted = f"{items[place]} ({lead})", f"{enumerating} [1]"  # "And the fifth?" counts there too
    elif place < len(quoted):
        statement, counted = _ITEM_NUMBER.sub("", quoted[place]).rstrip("."), answer
    else:
        return None
    return f"{text[: ordinal.start()]}{statement}{text[ordinal.end() :]}", ordinal.group(0), counted


def _named_after(text: str, ordinal: re.Match[str]) -> str:
    """The thing an ordinal names: "recommendation" in "the first recommendation", "factor" in "the second factor";
    "" for "the first one" or "the first?"."""
    said = ordinal.group(0).split()
    if len(said) == 3:
        return "" if said[2].lower() in ("one", "ones") else said[2]
    after = re.match(r"\s+([\w'’-]+)", text[ordinal.end() :])
    return after.group(1) if after else ""


def _items(quoted: list[str], named: str = "") -> list[str]:
    """The statements an ordinal counts in: where a sentence introduces a run of list items or headings ("The report
    offers five recommendations." then "Increase dialogue", "Support leaders", …), that run alone, so that "the
    second one" is the second heading, not the first statement, however many sentences come before it. Of several
    runs, the one whose items or introducing sentence hold the thing the ordinal names (`named`: "recommendation"
    for "the first recommendation"), else the longest; all the statements when no sentence introduces a run."""
    def is_item(statement: str) -> bool:
        return bool(_ITEM_NUMBER.match(statement)) or not statement.rstrip().endswith((".", "?", "!", ":"))

    runs: list[tuple[int, int]] = []  # (start, end) of each run of two items or more after a sentence
    start = None
    for at, statement in enumerate([*quoted, "."]):
        if is_item(statement):
            start = at if start is None else start
            continue
        if start is not None and start > 0 and at - start >= 2:
            runs.append((start, at))
        start = None
    wanted = set(terms(named))
    if wanted:
        naming = [(a, b) for a, b in runs if wanted & {t for s in quoted[a - 1 : b] for t in terms(s)}]
        runs = naming or runs
    if not runs:
        return quoted
    first, end = max(runs, key=lambda run: run[1] - run[0])
    return quoted[first:end]


def item_picked(text: str, answer: str) -> str | None:
    """For a question picking one of the things a statement of the last answer enumerates ("Which one is about laws?"
    after "The principles of good governance are accountability, transparency, rule of law …"), the one thing holding
    the words it names, with what the statement says they are: "rule of law (The principles of good governance)";
    None unless exactly one thing of the first statement enumerating any holds them all."""
    found = _item_and_lead(text, answer)
    return f"{found[0]} ({found[1]})" if found is not None else None


def _item_and_lead(text: str, answer: str) -> tuple[str, str] | None:
    """item_picked's thing and what the statement says they are, apart."""
    asked = picks_among(text)
    if asked is None or not answer:
        return None
    wanted = set(terms(asked[0]))
    for statement in statements(answer):
        lead, items = enumerated(statement)
        if items:
            holding = [item for item in items if wanted <= set(terms(item))]
            return (holding[0], lead) if len(holding) == 1 and wanted else None
    return None


def enumerated(statement: str) -> tuple[str, list[str]]:
    """What a statement says before it enumerates (after "are", "include", "such as", "namely" or a colon), and the
    things it enumerates, when each is a few words and the last two are joined by "and" or "or": "The principles of
    good governance are accountability, transparency, rule of law and participation." gives "The principles of good
    governance" and the four; ("", []) for a statement enumerating nothing."""
    pieces = [piece.strip() for piece in _MARKERS.sub("", statement).strip().rstrip(".;").split(",")]
    heads = list(_ENUMERATION_HEAD.finditer(pieces[0])) if len(pieces) >= 3 else []
    last = _LAST_TWO.split(pieces[-1], maxsplit=1) if heads else []
    if len(last) != 2:
        return "", []
    items = [pieces[0][heads[-1].end() :].strip(), *pieces[1:-1], *(item.strip() for item in last)]
    if not all(0 < len(item.split()) <= _MAX_ITEM_WORDS for item in items):
        return "", []
    return pieces[0][: heads[-1].start()].strip(), items


def _resolve_one(question: str, previous: ResolvedQuestion | None, answer: str = "", thread: str = "") -> ResolvedQuestion:
    """One question read after the previous one (resolved) and the answer it got. A follow-up keeps the answer an
    earlier ordinal was read from (`listing`)."""
    resolved = _read_one(question, previous, answer, thread)
    if previous is None or not resolved.followup or resolved.listing:
        return resolved
    return replace(resolved, listing=previous.listing)


def _read_one(question: str, previous: ResolvedQuestion | None, answer: str = "", thread: str = "") -> ResolvedQuestion:
    """`thread`: the answers given since the topic was asked anew, the last one included."""
    text = _asked(question)
    if previous is None:
        return ResolvedQuestion(question, text, False, "first question", text)
    continuation = _CONTINUATION.match(text)
    # "And the fourth one?" after "Tell me more about the second one" counts in the list the second one was read
    # from, not in the answer about it; any other ordinal in the last answer
    for listing, which in ((previous.listing, "the same list"), (answer, "the last answer")):
        if listing and (continuation or listing == answer):
            by_place = _by_place(text[continuation.end() :] if continuation else text, listing, previous.text if listing == answer else "")
            if by_place is not None:
                query, ordinal, counted = by_place
                return ResolvedQuestion(question, query, True, f"refers to '{ordinal}' of {which}", query, listing=counted)
    found = _item_and_lead(text, answer)
    if found is not None:  # "Which one is about laws?" after "The principles … are accountability, …, rule of law …"
        named_item = f"{found[0]} ({found[1]})"
        return ResolvedQuestion(
            question, named_item, True, "picks one of the things the last answer enumerates", named_item, picked=found[0]
        )
    the_one = _THE_ONE.match(text[continuation.end() :]) if continuation else None
    if continuation and the_one:  # "And the one for refugees" continues as "And for refugees"
        text = text[: continuation.end()] + text[continuation.end() + the_one.end() :]
    one = _one_of_them(text, previous.topic)
    if one is not None:  # "Why does supporting the migration one matter?" after "Tell me about the Global Compacts"
        query, phrase, thing = one
        return ResolvedQuestion(question, query, True, f"refers back with '{phrase}', read as '{thing}'", previous.topic)
    own = own_terms(text)
    if _names_its_topic(text):
        named = _asked_of_topic(text)
        return ResolvedQuestion(question, named, False, "names its own topic first", named)
    scene = _SCENE.match(text)
    if scene is not None and len(own_terms(scene.group(1))) >= _MIN_SCENE_TERMS:
        # "… many young men leave because of forced recruitment. What can SSR do about that?": a scene set in the
        # message itself is what its pronouns point back to, not the conversation
        return ResolvedQuestion(question, text, False, "sets its own scene", text)
    without_that = _CONJUNCTION_THAT.sub(" ", text)
    reference = (_REFERENCE.search(without_that) or _likeness(text) or _NARROWING.search(text)
                 or (_UNSAID_COMPLEMENT.search(text) if len(own) <= _MAX_OWN_TERMS_FOR_UNSAID else None))
    # (a correction names what it corrects in as many words as it takes)
    if continuation and (len(own) <= _MAX_OWN_TERMS_FOR_ELLIPSIS or _CORRECTION.match(text)) and not reference:
        after = text[continuation.end() :].strip()
        rest = _LEADING_PREPOSITION.sub("", after).strip()
        cue = continuation.group(0).strip()
        if _QUESTION_CLAUSE.search(rest):  # "And in the Sahel, what is being done?": a question of its own
            return ResolvedQuestion(question, rest, True, f"continues with '{cue}' and a question of its own", rest)
        kind, described = _KIND_ONE.match(rest), list(_DESCRIBED_NOUN.finditer(previous.text))
        if kind is not None and described and kind.group("kind").lower() not in _NOT_KINDS:  # "And the strategic one?" after "What happens at the operational level?":
            # the same thing of another kind ("at the strategic level")
            last = described[-1]
            query = f"{previous.text[: last.start('kind')]}{kind.group('kind')}{previous.text[last.end('kind') :]}"
            return ResolvedQuestion(question, query, True, f"continues with '{cue}', another of the same kind", query)
        before = previous.written_out or previous.text
        if previous.followup and previous.topic and previous.query != previous.topic and (
                _FOCUS_WORD.search(before) or _defined_term(before)):
            # after a follow-up that pointed back with a focus of its own ("Can children go to school there?"), that
            # question is continued, with the topic it pointed back to: "What about work?" asks whether they can work
            # there, in Sweden; "And accountability?" after "Explain transparency." (read within the principles of good
            # governance) asks to explain accountability. Without either ("Does it involve women?"), the topic is
            # continued, as after any question
            written = _replace_focus(before, rest, after)
            if _name_only(rest) and _REFERENCE.search(before) and not _REFERENCE.search(written):
                # the name took the place of the word that pointed back to the topic: "And in the Northern
                # Triangle?" after "What could SSR do about that?" (that: why young men leave Eritrea) asks what
                # SSR could do about the Northern Triangle, not about Eritrea too
                return ResolvedQuestion(question, written, True, f"continues with '{cue}', a name for the topic", written)
            return ResolvedQuestion(
                question, f"{written}{THEN}{previous.topic}", True, f"continues with '{cue}'", previous.topic, written_out=written
            )
        names_source = SOURCE_PHRASE.fullmatch(rest) is not None
        source = SOURCE_PHRASE.search(previous.topic) if names_source else None
        if source is not None:  # "And the UN review?" after "What does the backgrounder say about gender?"
            query = f"{previous.topic[: source.start()]}{rest}{previous.topic[source.end() :]}"
            return ResolvedQuestion(question, query, True, f"continues with '{cue}', another source", query, other_source=True)
        if names_source:  # "I mean the ones in the briefing note." after "What are the push factors?": asked of it
            query = f"{previous.topic} {after if _ANY_PREPOSITION.match(after) else f'in {rest}'}"
            return ResolvedQuestion(question, query, True, f"continues with '{cue}', a source", query, other_source=True)
        query = _replace_focus(previous.topic, rest, after)
        return ResolvedQuestion(question, query, True, f"continues with '{cue}'", query, beside=_thing(previous.topic) or "")
    if reference:
        picked = picks_among(previous.question) if previous.followup else None
        pronoun = reference if picked is not None and reference.group(0).lower() in _PICKED_PRONOUNS else None
        if picked is not None and pronoun is not None:  # "What does the report recommend about that?" after "Which of
            # these concern leadership?": that is the one statement the last answer gave ("Lack of awareness … by mission
            # leadership"), else what the last question picked by, in the topic it picked among
            what = _thing_picked(previous, picked[0], statements(answer))
            possessive = "'s" if pronoun.group(0).lower() in ("its", "their") else ""
            query = f"{text[: pronoun.start()]}{what}{possessive}{text[pronoun.end() :]}{THEN}{previous.topic}"
            return ResolvedQuestion(
                question, query, True, f"refers back with '{pronoun.group(0)}', read as '{what}', which the last question picked",
                previous.topic,
            )
        anchored = anchors(text, answer)
        many = _one_of_many(text, previous.topic)  # "it" for one of the topic's many things is no thing it names
        named = _pointed_things(text, previous) or (None if many else _named(text, previous.topic, previous.beside))
        reason = f"refers back with '{reference.group(0)}'"
        if named is not None:
            reason += f", read as '{named[1]}'"
        # "it" for one of the topic's many things: the one the last question picked, so that question is kept
        base = named[0] if named else f"{text}{THEN}{previous.query}" if many and previous.followup else _after(text, previous)
        return ResolvedQuestion(question, base + (f" ({anchored})" if anchored else ""), True, reason, previous.topic, anchored)
    described = _described(text, previous.topic)
    if described is not None:
        query, phrase, thing = described
        return ResolvedQuestion(question, query, True, f"refers back with '{phrase}', read as '{thing}'", previous.topic)
    own = [t for t in own if t not in _MORE_OF_THE_SAME]
    if len(own) <= 1 and not _names_a_subject(text, own):
        return ResolvedQuestion(question, _after(text, previous), True, "too few words of its own", previous.topic)
    # "the evaluation" the last answer named, or one an earlier answer on the same topic did
    said = next((a for a in (answer, thread) if a and _speaks_of_the_answer(text, own, a)), None)
    if said is not None:
        anchored = anchors(text, said)
        which = "the last answer" if said is answer else "an earlier answer on the topic"
        return ResolvedQuestion(
            question, _after(text, previous) + (f" ({anchored})" if anchored else ""), True,
            f"speaks of what {which} named", previous.topic, anchored,
        )
    if _asks_after_the_topic(text, own, previous.topic, answer):
        return ResolvedQuestion(question, _after(text, previous), True, "asks which, who or how many of the topic", previous.topic)
    return ResolvedQuestion(question, text, False, "stands on its own", text)


def _names_its_topic(text: str) -> bool:
    """Whether the question names what it is about before it asks (_TOPIC_FIRST) with a word of its own beyond those
    announcing a change of subject: "Back to the UN review: what did it say …", not "Different topic: …"."""
    match = _TOPIC_FIRST.match(text)
    if match is None:
        return False
    topic = match.group("label") or match.group("topic") or ""
    return any(t not in _SHIFT_WORDS for t in own_terms(topic))


# Words framing a question as a request, before its question word: "I would like to know who funds it", "Can you tell
# me why …", "I was wondering whether …": the question is what follows ("known", the briefs' nearest word to "know",
# had been searched with it)
_ASKING_FRAME = re.compile(
    r"^\W*(?:(?:i\s+(?:would|'d)\s+like|i\s+(?:want|need))\s+to\s+(?:know|understand|find\s+out)|"
    r"i(?:'m|\s+am|\s+was)\s+wondering|i\s+wonder|do\s+you\s+know|"
    r"(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:tell|show|explain\s+to)\s+me)\s*,?\s+"
    r"(?=(?:who|whom|whose|what|when|where|why|how|which|whether|if)\b)",
    re.IGNORECASE,
)


def without_asking_frame(question: str) -> str:
    """The question without words framing it as a request (_ASKING_FRAME): "I would like to know who funds it" asks
    who funds it."""
    return _ASKING_FRAME.sub("", question)


def _without_lead_in(text: str) -> str:
    """The question without a label that names no topic of its own (_names_its_topic): "Unrelated: what is the
    Khartoum Process?" asks what the Khartoum Process is, and "Tell me more: who signed it?" who signed it; the words
    announcing a change of subject or asking for more are no words to search or embed."""
    match = _TOPIC_FIRST.match(text)
    if match is None or not match.group("label") or _names_its_topic(text):
        return text
    return text[match.end() - 1 :]


def _asked_of_topic(text: str) -> str:
    """A question naming its topic first (_names_its_topic), asked of that topic when it points at it with a pronoun:
    "Back to the review: how many interviews did it draw on?" is "how many interviews did the review draw on" (the
    words announcing the return and "it" would leave the model little of what is asked); the text as it is without
    such a pronoun ("Back to the numbers: what were the figures for 2017?")."""
    match = _TOPIC_FIRST.match(text)
    if match is None:
        return text
    topic = _LEAD_IN.sub("", match.group("label") or match.group("topic") or "").strip()
    asked = text[match.end() - 1 :]  # the question after the colon or comma (from its first character)
    pronoun = _PRONOUN.search(asked)
    if pronoun is None or not topic:
        return text
    possessive = "'s" if pronoun.group(0).lower() in ("its", "their") else ""
    return f"{asked[: pronoun.start()]}{topic}{possessive}{asked[pronoun.end() :]}"


def _asks_after_the_topic(text: str, own: list[str], topic: str, answer: str) -> bool:
    """A question asking which, who, how many, when or where with at most _MAX_OWN_TERMS_FOR_WHICH words of its own,
    at least half of them used by the topic or the last answer ("Which countries are affected?" after a question on
    violence in countries at peace), or counting what it does not say ("How many died in 2016?" after a question on
    the Central Mediterranean route: the briefs say "drowned"). No name (a name asks anew)."""
    own = [t for t in own if not _YEAR_TERM.fullmatch(t)]  # a year narrows what is asked, names no new subject
    if not _ASKS_WHICH.match(text) or not 1 <= len(own) <= _MAX_OWN_TERMS_FOR_WHICH or _name_terms(text) & set(own):
        return False
    if _COUNT_UNSAID.match(text):  # what is counted is unsaid: what the conversation speaks of
        return True
    said = set(terms(topic)) | set(terms(re.sub(r"\[\d+\]", " ", answer)))
    return 2 * sum(t in said for t in own) >= len(own)


def _speaks_of_the_answer(text: str, own: list[str], answer: str) -> bool:
    """A short question about "the" thing the last answer named: "What did the evaluation find?" after "An external
    evaluation found …". At least half its few words of its own are in that answer ("find" is not "found"), and
    none is a name (a name asks anew)."""
    if not _DEFINITE.search(text) or not 1 <= len(own) <= _MAX_OWN_TERMS_FOR_DEFINITE:
        return False
    said = set(terms(re.sub(r"\[\d+\]", " ", answer)))
    return 2 * sum(t in said for t in own) >= len(own) and not _name_terms(text) & set(own)


def _names_a_subject(text: str, own: list[str]) -> bool:
    """Whether the one word of its own a short question has is a name ("What is SSR?", "Who runs Frontex?"), not a
    common noun ("Which countries?"). Such a question asks anew."""
    return len(own) == 1 and own[0] in _name_terms(text)


def _name_terms(text: str) -> set[str]:
    """The terms of the capitalised words past the first: the names a question holds."""
    return {t for w in re.findall(r"[\w'’-]+", text)[1:] if w[0].isupper() for t in terms(w)}


def _named(text: str, topic: str, beside: str = "") -> tuple[str, str] | None:
    """The question with its first pronoun replaced by the thing the topic names, and that thing: "Who pays for
    it?" after "What is the BMM programme" gives "Who pays for the BMM programme". "They" after a question that asked
    of one thing `beside` another ("And SSG?" after "What does SSR stand for?") are both: "How are SSR and SSG
    related". None when the topic names no thing (_thing) or the question has no such pronoun."""
    thing = _thing(topic)
    pronoun = _PRONOUN.search(text)
    source = SOURCE_PHRASE.search(topic) if pronoun is not None and _TEXT_DOES.search(text) else None
    if source is not None and not source.group("plural"):  # "What numbers does it give?" after "How does the briefing
        thing = source.group(0)  # note define migration": what gives numbers is the note
    if thing is None or pronoun is None:
        return None
    if _PLURAL_PRONOUN.fullmatch(pronoun.group(0)) and not _plural(thing):
        if not beside or _plural(beside):
            return None  # "Which of them …" after "What is the New York Declaration": them is not the declaration
        thing = f"{beside} and {_LEADING_THE.sub('', thing) if _LEADING_THE.match(beside) else thing}"
    possessive = "'s" if pronoun.group(0).lower() in ("its", "their") else ""
    return f"{text[: pronoun.start()]}{thing}{possessive}{text[pronoun.end() :]}", thing


def _thing_picked(previous: ResolvedQuestion, picked_by: str, given: list[str]) -> str:
    """What "it" after a question picking one thing is: the thing picked by name ("rule of law" for "Which one is about
    laws?"), else the one name of the one statement answering the pick that holds the words it picked by ("the Global
    Compact for Refugees" for "Which one concerns refugees?"), else that statement ("Night patrols lack leaders"), else
    the words it picked by. `given`: the last answer's statements."""
    if previous.picked:
        return previous.picked
    if len(given) != 1:
        return picked_by
    wanted = set(terms(picked_by))
    names = {name for m in _NAME.finditer(given[0]) for name in _NAMES_APART.split(m.group(0)) if wanted <= set(terms(name))}
    return next(iter(names)) if len(names) == 1 else given[0].rstrip(".")  # statements() drops the markers


def _pointed_things(text: str, previous: ResolvedQuestion) -> tuple[str, str] | None:
    """The question with "they" (them, their) put as the things the previous follow-up pointed at as its subject
    ("Did they work?" after "What do these partnerships aim at?": "Did the partnerships work", in the topic), and
    those things; None when it pointed at none or the question says no such pronoun."""
    pointed = _POINTED_PLURAL.search(previous.text) if previous.followup else None
    pronoun = _PRONOUN.search(text)
    if pointed is None or pronoun is None or not _PLURAL_PRONOUN.fullmatch(pronoun.group(0)):
        return None
    thing = f"the {pointed.group('noun')}"
    possessive = "'s" if pronoun.group(0).lower() == "their" else ""
    return f"{text[: pronoun.start()]}{thing}{possessive}{text[pronoun.end() :]}{THEN}{previous.topic}", thing


def _one_of_them(text: str, topic: str) -> tuple[str, str, str] | None:
    """The question with "the <kind> one" put as that one of the things the topic names in the plural ("Why does
    supporting the migration one matter?" after "Tell me about the Global Compacts" gives "Why does supporting the
    migration Global Compacts matter"), the phrase and the thing so read; None when the question says no such
    phrase (or "the same one", "the first one": not a kind) or the topic names no thing in the plural."""
    match = _KIND_OF_THEM.search(text)
    thing = _thing(topic) if match is not None and match.group("kind").lower() not in _NOT_KINDS else None
    if match is None or thing is None or not _plural(thing) or " and " in thing:
        return None
    read = f"the {match.group('kind')} {_LEADING_THE.sub('', thing)}"  # the thing as named, in the plural
    return f"{text[: match.start()]}{read}{text[match.end() :]}", match.group(0), read


def _one_of_many(text: str, topic: str) -> bool:
    """Whether the question's first pronoun is "it" or "its" and the topic names things in the plural: "What entry
    points go with it?" after "What are the push factors …?" and "Which one affects Eritrea?" means the one the last
    question picked, not the push factors."""
    thing, pronoun = _thing(topic), _PRONOUN.search(text)
    return (thing is not None and pronoun is not None and _SINGULAR_PRONOUN.fullmatch(pronoun.group(0)) is not None
            and _plural(thing, common=True))


def _plural(thing: str, common: bool = False) -> bool:
    """Whether a thing is named in the plural: its head word (the last before a preposition: "the push factors for
    forced displacement") ends in "s" ("the Global Compacts", "IDPs"), or it names two things ("X and Y").
    `common`: only a head word in lower case counts ("the partnerships", not "the United Nations", a name)."""
    words = _WORDS.findall(_AFTER_HEAD.split(thing, maxsplit=1)[0])
    if not words:
        return False
    head = words[-1]
    plural = head.endswith("s") and not head.endswith("ss")
    return plural and head.islower() if common else plural or "and" in (w.lower() for w in words)


def _described(text: str, topic: str) -> tuple[str, str, str] | None:
    """The question with "the" and the last word of the thing the topic names replaced by that thing ("Was the deal
    legal?" after "Tell me about the EU-Turkey deal" gives "Was the EU-Turkey deal legal"), that phrase, and the
    thing ("the term" or "the concept" names any thing: "Who coined the term?" after "What is SSR?" gives "Who coined
    the term SSR"); None when the topic names no thing (_thing) of two words or more or the question does not say "the" and
    its last word."""
    thing = _thing(topic)
    term_noun = _TERM_NOUN.search(text) if thing is not None else None
    if thing is not None and term_noun is not None:  # "the term" -> "the term SSR"
        named = _LEADING_THE.sub("", thing)
        return f"{text[: term_noun.end()]} {named}{text[term_noun.end() :]}", term_noun.group(0), thing
    words = _WORDS.findall(thing or "")
    if thing is None or len([w for w in words if w.lower() not in ("the", "a", "an")]) < 2 or not terms(words[-1]):
        return None
    head = terms(words[-1])[0]
    for match in _DEFINITE_NOUN.finditer(text):
        if terms(match.group(1)) == [head]:
            spelt = thing if _LEADING_THE.match(thing) else f"the {thing}"
            return f"{text[: match.start()]}{spelt}{text[match.end() :]}", match.group(0), thing
    return None


def _thing(topic: str) -> str | None:
    """What a topic names: X in "What/Who is X", "Tell me about X", "Explain X", "What does X stand for" (any term a
    definition question asks about), a named subject ("When did the BMM programme start"), what is said or happened about
    ("What does the backgrounder say about gender"); the whole of a search-box topic of
    a few words and no question word ("Better Migration Management"). None for other topics, which do not say which
    of their words "it" stands for ("Why do people flee military service?")."""
    about = _ABOUT_TOPIC.match(topic)  # before "What is X": "What is known about X" names X, not "known about X"
    if about is not None:
        return about.group("thing")
    frame = _NAMING_TOPIC.match(topic)
    if frame is not None:
        return topic[frame.end() :].strip()
    if typed_as_keywords(topic):
        return topic.strip()
    subject = _NAMED_SUBJECT.match(topic)
    if subject is not None:  # "When did the BMM programme start": "the BMM programme"
        return subject.group("thing")
    return asked_term(topic)  # "What does SSG stand for", "the definition of a migrant"


def _after(text: str, previous: ResolvedQuestion) -> str:
    """A question that depends on the previous one: with it when it stood on its own, and with the topic it was
    about. After a follow-up, with the topic alone: in "What is the BMM programme?", "Who funds it?", "Who runs
    it?", the last "it" is the programme, and "funds" would pull the search back to the answer just given."""
    named = _NAMING_TOPIC.match(previous.text)  # "What is X?" lends X: the follow-up asks something else about it
    parts = [text] if previous.followup and previous.topic else [text, previous.text[named.end() :] if named else previous.text]
    if previous.topic and previous.topic != previous.text:
        parts.append(previous.topic)
    return THEN.join(parts)


# the sentences before a query's last one ("Gangs are extorting families in our city. What can be done"), and the space
_SCENE = re.compile(r"^(.*[.!?])\s+(?=[A-Z¿¡][^.!?]*$)", re.DOTALL)
# Nouns naming an aspect of a thing: "And the achievements?" after "What are the weaknesses of UN support to SSR?" asks
# for another aspect of the same thing, in the place of the first
ASPECT_WORDS = (
    r"achievements?|weakness(?:es)?|strengths?|challenges?|gaps?|risks?|benefits?|advantages?|disadvantages?|"
    r"limitations?|success(?:es)?|failures?|lessons?|findings?|recommendations?|causes?|consequences?|effects?|"
    r"impacts?|goals?|objectives?|aims?|priorit(?:y|ies)|obstacles?|opportunit(?:y|ies)|problems?|solutions?|"
    r"results?|outcomes?|drivers?|costs?|criticisms?|shortcomings?|pros|cons|barriers?|limits?|merits?|drawbacks?"
)
_ASPECT_HEAD = re.compile(rf"\b(?P<head>{ASPECT_WORDS})\b(?=\s+(?:of|in|for|to|from|with|on)\b)", re.IGNORECASE)
_ASPECT_FOCUS = re.compile(
    rf"^(?:(?:the|its|their)\s+)?(?P<noun>(?:(?:main|key|major|biggest|greatest|principal|positive|negative)\s+)?(?:{ASPECT_WORDS}))$",
    re.IGNORECASE,
)
_MIN_SCENE_TERMS = 4  # "That's interesting. Who funds it?" sets no scene of its own; it asks after the last answer


def _replace_focus(previous_query: str, new_focus: str, continuation: str = "") -> str:
    """The previous query with its focus given way to `new_focus`: from the last place it uses the preposition the
    `continuation` opens with, which then follows it ("Whose definition of a migrant is used" + "of the forcibly
    displaced" → "Whose definition of the forcibly displaced"); else from its first focus word ("Which entry points
    address weak state protection" + "authoritarian regimes" → "Which entry points address authoritarian regimes"). The
    scene a query sets before its last sentence stays as it is ("Gangs are extorting families in our city. What can be
    done" + "the prosecutors" keeps the city)."""
    if not new_focus:
        return previous_query
    head, joined, tail = previous_query.rpartition(THEN)
    if joined and not _QUESTION_CLAUSE.search(tail) and not _ASKING_VERB.match(tail):
        # a focus joined to a question whose place stayed ("Tell me about Sweden — health care"): a place named takes
        # the question's place ("And in Norway?"); a phrase opening with a preposition narrows the focus ("And for
        # undocumented migrants?": health care for them); another focus takes the joined one's place ("And
        # schooling?"), the place staying
        if _name_only(new_focus):
            return f"{_replace_focus(head, new_focus, continuation)}{THEN}{tail}"
        if _ANY_PREPOSITION.match(continuation):
            return f"{head}{THEN}{tail} {continuation}"
        return f"{head}{THEN}{new_focus}"
    scene = _SCENE.match(previous_query)  # a scene set before the question: only the asking sentence gives way
    if scene is not None:
        return f"{scene.group(1)} {_replace_focus(previous_query[scene.end() :], new_focus, continuation)}"
    preposition = _ANY_PREPOSITION.match(continuation)
    role = _ROLE.search(previous_query) if preposition is None else None
    if role is not None:  # whose role is asked gives way: "What role do parliaments play in SSR" + "civil society"
        actor = "actor" if role.group("actor") else "of"
        return f"{previous_query[: role.start(actor)]}{new_focus}{previous_query[role.end(actor) :]}"
    defined = _defined_term(previous_query) if preposition is None else None  # "And in Sudan" is no other term
    # another term of the same kind takes its place: "What is a refugee" + "a migrant" → "What is a migrant", "What is
    # SSR" + "SSG" → "What is SSG"; a common word after a name is an aspect of it ("What is the BMM programme" +
    # "funding" keeps the programme)
    # "SSR" + "SSG" → "What is SSG"; a thing named after a common term is another thing asked about too: "What is the
    # refugee convention" + "the 1967 Protocol" → "What is the 1967 Protocol" (not a bare name, "Syria": where)
    named_thing = _named_term(new_focus) and not _name_only(new_focus)
    if defined is not None and (_named_term(defined.group(0)) == _named_term(new_focus) or named_thing):
        return f"{previous_query[: defined.start()]}{_AS.sub('', new_focus)}{previous_query[defined.end() :]}"
    aspect = _ASPECT_FOCUS.match(new_focus.strip()) if preposition is None else None
    head = _ASPECT_HEAD.search(previous_query) if aspect is not None else None
    if aspect is not None and head is not None:  # "What are the weaknesses of UN support" + "the achievements"
        return f"{previous_query[: head.start()]}{aspect.group('noun')}{previous_query[head.end() :]}"
    same = list(re.finditer(rf"\b{preposition.group(1)}\b", previous_query, re.IGNORECASE)) if preposition else []
    if same:
        replaced = previous_query[same[-1].end() :].strip()
        if (preposition.group(1).lower() in ("in", "within", "at") and _name_only(replaced)
                and not _name_only(continuation[preposition.end() - 1 :])):
            # a place named stays when the continuation names no other: "What rights do refugees have in Sweden" +
            # "in the labour market" asks about the labour market in Sweden
            return f"{previous_query} {continuation}"
        return f"{previous_query[: same[-1].start()]}{continuation}"
    # a name takes the place of the last name the question used: "How does Sweden integrate refugees" + "Germany" →
    # "How does Germany integrate refugees", "How many refugees were in Europe in 2016" + "Turkey" → "… in Turkey in
    # 2016"; a short form ("SSR") is a subject, not such a name
    names = [m for m in _NAME.finditer(previous_query) if m.start() > 0 and not is_short_form(m.group(0).split()[0])]
    name = _LEADING_THE.sub("", new_focus)
    if preposition is None and names and _name_only(name) and not is_short_form(name.split()[0]):
        start = names[-1].start()
        start -= 4 if previous_query[:start].lower().endswith("the ") else 0  # "the Sahel" gives way whole
        return f"{previous_query[:start]}{new_focus}{previous_query[names[-1].end() :]}"
    focus = _FOCUS_WORD.search(previous_query)
    first = name.split()[0]
    named = first[:1].isupper() and not is_short_form(first)  # "Syria" is where; "IDPs" what is counted
    if focus is None:
        return f"{previous_query} {new_focus}"
    counted = _COUNTED.match(previous_query)
    if counted and _FIGURE_ONLY.match(previous_query[focus.end() :]) and not named and not re.search(r"\d", new_focus):
        # what is counted gives way, not the year: "How many refugees were there in 2016" + "internally displaced
        # persons" → "How many internally displaced persons were there in 2016"; a place takes the year's slot
        return f"{counted.group(1)}{_LEADING_THE.sub('', new_focus)}{counted.group(3)}"
    if _ASKS_WHO.match(previous_query) and preposition is None and not named:  # "Who is involved in SSR" +
        # "non-state actors": who is asked for, and the thing they are involved in stays; the focus joins
        return f"{previous_query}{THEN}{new_focus}"
    slot = previous_query[focus.end() :].strip()
    if _name_only(slot) and not named:  # "… have in Sweden" + "asylum seekers": Sweden stays, the focus joins
        return f"{previous_query}{THEN}{new_focus}"
    place = _PLACE_AFTER.search(slot) if not named else None
    if place is not None and _name_only(place.group("name")):  # "about migration governance in Sweden" + "children":
        # the subject gives way, the place stays ("about children in Sweden")
        return f"{previous_query[: focus.end()]} {new_focus}{place.group(0)}"
    setting = _SETTING_AFTER.search(slot) if not named and not _SETTING_WORD.search(new_focus) else None
    if setting is not None and setting.start() > 0:  # "What happens to refugees in transit" + "women": the subject
        # gives way, where it stands stays ("to women in transit")
        return f"{previous_query[: focus.end()]} {new_focus}{setting.group(0)}"
    owner = _POSSESSOR.match(slot) if not named else None
    if owner is not None:  # "about Sweden's approach to migrants" + "work": where it is stays ("about work in Sweden")
        return f"{previous_query[: focus.end()]} {new_focus} in {owner.group('name')}"
    return f"{previous_query[: focus.end()]} {new_focus}"


def _defined_term(query: str) -> re.Match[str] | None:
    """Where a question asking what a term is (definitions.asked_term) names it, with its article: the place an
    ellipsis's own term takes."""
    term = asked_term(query)
    if term is None or _FOCUS_WORD.search(term):  # "harbour dues in Porto": its focus gives way instead
        return None
    places = list(re.finditer(rf"\b(?:(?:a|an|the)\s+)?{re.escape(term)}(?!\w)", query, re.IGNORECASE))
    return places[-1] if places else None


def _named_term(text: str) -> bool:
    """A name or short form ("the BMM programme", "SSG"), not a common term ("a migrant", "forced displacement")."""
    return any(not word.islower() for word in _WORDS.findall(text))


def _name_only(text: str) -> bool:
    """Capitalised words and small words between them only: "Sweden", "the Northern Triangle", "Bosnia and Herzegovina"."""
    words = _WORDS.findall(_LEADING_THE.sub("", text))
    return bool(words) and words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in _NAME_JOINS for w in words)
