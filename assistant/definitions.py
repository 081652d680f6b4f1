"""Definition questions: the term a question asks to have defined, and the sentences that define it.

"What is security sector reform?" asks for a sentence whose subject is that term, or its initials
("SSR"), followed by a defining verb: "SSR is the political and technical process …". Such a
sentence leads the answer whatever else the ranker prefers; lists of what a programme can
include, or what makes it different, come after it. A short form is recognised by its letters,
the initials of the term's words, so no list of abbreviations is needed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .lexical import terms

if TYPE_CHECKING:
    from .models import Document

# "What is X", "What are X", "What was X", "What is meant by X", "Define X", "How does <source> define X", "How is X
# defined", "What does (the term) X mean / stand for / refer to /
# cover …", "the definition / meaning of X", "Who counts as X", "Who is considered X"; what X is made of: "What are the
# components of X", "What/Who makes up X", "What is X composed of", "What does X consist of"
_ASKED_TERM = (
    re.compile(
        r"^\W*(?:what|who)\s+(?:(?:are|were)\s+the\s+(?:main\s+)?(?:components|parts|elements|constituents)\s+of|"
        r"makes?\s+up(?!\s+for\b)|constitutes?)\s+(?P<term>.+?)\W*$",  # not "What makes up for the loss?"
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*what\s+(?:is|are|was|were|does|do)\s+(?P<term>.+?)\s+(?:composed\s+of|made\s+up\s+of|made\s+of|consists?\s+of|"
        r"comprises?)\W*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:definitions?|meanings?)\s+of\s+(?:the\s+(?:term|word|phrase)\s+)?(?P<term>.+?)"
        r"(?:\s+(?:is|are|was|were|do|does|did|used|given|in|by|according|from|that|which|differ|differs|compare|compares|"
        r"varies|vary|the\s+same)\b.*)?\W*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\W*(?:what|who)\s+(?:is|are|was|were)\s+(?:meant\s+by\s+)?(?P<term>.+?)\W*$", re.IGNORECASE),
    re.compile(r"^\W*define\s+(?P<term>.+?)\W*$", re.IGNORECASE),
    # "Explain transparency", not "Explain how pilots are licensed"
    re.compile(r"^\W*explain\s+(?!(?:how|why|what|when|where|who|which|whether|if|that)\b)(?P<term>.+?)\W*$", re.IGNORECASE),
    # "List the security providers", "Name all the pilot boats": the things a sentence giving its members names
    re.compile(r"^\W*(?:list|name|enumerate)\s+(?:all\s+)?(?:of\s+)?(?P<term>.+?)\W*$", re.IGNORECASE),
    # search-box words: "security sector reform meaning", "migrant definition", "SSR definition DCAF" (a definer of up
    # to three words after it), "definition SSR"
    re.compile(
        r"^(?!\s*(?:what|which|who|how|why|when|where|is|are|does|do|can)\b)\W*(?P<term>[^?]+?)\s+(?:meaning|definition)"
        r"(?:\s+(?:by|from|in|according\s+to)?\s*[^?\s]+(?:\s+[^?\s]+){0,2}?)?\W*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\W*(?:meaning|definition)\s+(?!of\b)(?P<term>[^?]+?)\W*$", re.IGNORECASE),
    # "How do the briefs define a refugee?", "How is good governance defined (in the backgrounder)?"
    re.compile(r"^\W*how\s+(?:do|does|did)\s+.+?\s+define\s+(?P<term>.+?)\W*$", re.IGNORECASE),
    re.compile(r"^\W*how\s+(?:is|are|was|were)\s+(?P<term>.+?)\s+defined\b.*$", re.IGNORECASE),
    # "What do the briefs mean by the security sector?", "What does the backgrounder mean by ownership?"
    re.compile(r"^\W*what\s+(?:do|does|did)\s+\S.*?\s+mean\s+by\s+(?P<term>.+?)\W*$", re.IGNORECASE),
    re.compile(
        r"^\W*what\s+does\s+(?:the\s+(?:term|word|phrase|label|expression)\s+)?(?P<term>.+?)\s+"
        r"(?:mean|stand\s+for|refer\s+to|cover)\b(?!\s+(?:for|to|by)\b).*$",  # not what it means for or to someone
        re.IGNORECASE,
    ),
    re.compile(r"^\W*who\s+(?:counts|count|is\s+considered|are\s+considered)\s+(?:as\s+)?(?P<term>.+?)\W*$", re.IGNORECASE),
)
# "What does SSG stand for?", "What is IHL short for?", "What do the letters BMM mean?": the words behind a short form
_ASKS_EXPANSION = re.compile(
    r"\b(?:stand|stands)\s+for\b|\bshort\s+for\b|\b(?:abbreviation|acronym|initials|letters)\b"
    # what letters mean is what they stand for first: "What does IHL mean?" (not "What does SSR mean for refugees?")
    r"|^\W*what\s+(?:does|do)\s+(?:the\s+)?(?-i:[A-Z]{2,8}s?)\s+mean\W*$", re.IGNORECASE
)
_BRACKETED_SHORT = re.compile(r"\(([A-Z]{2,8}s?)\)")  # "security sector governance (SSG)"
SHORT_FORM = re.compile(r"\b[A-Z]{2,8}s?\b")  # "EMN", "IDPs"
_QUOTED = re.compile(r"[\"'‘’“”]([^\"'‘’“”]+)[\"'‘’“”]")
# what a term is set against, after it: "How does the UN brief define SSR compared to the backgrounder?" asks of SSR
_SET_AGAINST = re.compile(
    r",?\s+(?:compared\s+(?:to|with)|in\s+comparison\s+(?:to|with)|as\s+opposed\s+to|versus|vs\.?|unlike|"
    r"differently|in\s+the\s+same\s+way|alike)\b.*$",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(r",?\s+(?:according\s+to|as\s+defined\s+(?:by|in))\b.*$", re.IGNORECASE)  # whose definition
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Not a term to define: "What is the role of …", "What is being done …", "What are the main …"
# nor what ties two things or one to another: "What is the link between SSR and development", "… the impact of …"
_NOT_A_TERM = re.compile(
    r"^(?:the\s+)?(?:role|purpose|difference|reason|goal|aim|point|being|there|it|this|that|they|main|"
    r"(?:link|relationship|relation|connection|impact|effect|influence|importance|significance|consequence)s?)\b",
    re.IGNORECASE,
)
MAX_TERM_WORDS = 6
MAX_QUESTION_CHARS = 200  # also bounds the patterns' work on hostile input
# "What is the difference between X and Y", "How does X differ from Y", "What distinguishes X from Y", "X vs Y",
# "Compare X and Y", "How do X and Y differ": a comparison of two terms, each defined in turn (a leading article is
# dropped afterwards, as from asked_term's term)
_COMPARED = (
    re.compile(r"\bdifferences?\s+between\s+(?:the\s+terms?\s+)?(?P<a>.+?)\s+and\s+(?P<b>.+?)\W*$", re.IGNORECASE),
    re.compile(
        r"^\W*how\s+(?:does|do|is|are)\s+(?P<a>.+?)\s+(?:differ|different|distinct)\s+from\s+(?P<b>.+?)\W*$", re.IGNORECASE
    ),
    re.compile(r"^\W*what\s+(?:distinguishes|separates|differentiates)\s+(?P<a>.+?)\s+from\s+(?P<b>.+?)\W*$", re.IGNORECASE),
    re.compile(r"^\W*how\s+(?:do|does)\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s+differ\b\W*$", re.IGNORECASE),
    re.compile(
        r"^\W*(?:compare|contrast|distinguish(?:\s+between)?)\s+(?P<a>.+?)\s+(?:and|with|to|from)\s+(?P<b>.+?)\W*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\W*(?P<a>.+?)\s+(?:vs\.?|versus)\s+(?P<b>.+?)\W*$", re.IGNORECASE),
)
# "X is the …", "X means …", "X refers to …", "X is defined as …", "X is composed of …", "X comprises …", or "X are a,
# b and c" (an enumeration whose first item ends within four words of the verb): what X is
_IDENTITY = re.compile(
    r"\s+(?:is|are|was|were)\s+the\b|\s+(?:means?|refers?\s+to|(?:is|are)\s+defined\s+as|describes?|"
    r"(?:is|are)\s+(?:composed|made\s+up)\s+of|comprises?|consists?\s+of)\b|"
    r"\s+are\s+(?=[\w'’-]+(?:\s+[\w'’-]+){0,3},\s)"
)
# "X is a …", "X are all …": what kind of thing X is, a definition or one of its traits ("SSR is a long-term endeavour")
_KIND = re.compile(r"\s+(?:is|are|was|were)\s+(?:a|an|any|all)\b")
IDENTITY, KIND = 2, 1  # how closely a sentence defines (definition_strength)
_LABEL = re.compile(r"^(?P<subject>[^:.;]{1,60}):\s+\S")  # "Migrant: Any person who …"
# "security providers, such as the armed forces, police, …": what a thing takes in, by example (KIND)
_EXAMPLES = re.compile(r"^(?P<subject>[^,:.;]{3,60}),\s+(?:such\s+as|including|e\.g\.|for\s+example)\s+\S")
_BRACKETS = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[\w'’]+")
_FUNCTION_WORDS = frozenset("of and for the in on to a an at by with".split())


@lru_cache(maxsize=1024)  # asked once by retrieval and once by answering for each question
def asked_term(question: str) -> str | None:
    """The term a definition question asks about ("security sector reform" of "What is security sector reform?"), or
    None for any other question, or one whose object is no term ("What is the role of …", a clause of more than
    MAX_TERM_WORDS words). A question longer than MAX_QUESTION_CHARS asks more than what a term is."""
    if len(question) > MAX_QUESTION_CHARS:
        return None
    for pattern in _ASKED_TERM:
        match = pattern.search(question.strip())
        if match is None:
            continue
        term = match.group("term")
        quoted = _QUOTED.search(term)
        term = _LEADING_ARTICLE.sub("", _SET_AGAINST.sub("", _ACCORDING_TO.sub("", quoted.group(1) if quoted else term)).strip())
        return term if _is_term(term) else None
    return None


@lru_cache(maxsize=1024)
def compared_terms(question: str) -> tuple[str, str] | None:
    """The two terms a question asks to have told apart ("SSR" and "SSG" of "What is the difference between SSR and
    SSG?", "refugee" and "migrant" of "How does a refugee differ from a migrant?"), or None. Each must read as a term
    as asked_term reads one."""
    if len(question) > MAX_QUESTION_CHARS:
        return None
    for pattern in _COMPARED:
        match = pattern.search(question.strip())
        if match is None:
            continue
        first, second = (_LEADING_ARTICLE.sub("", match.group(side).strip()) for side in ("a", "b"))
        return (first, second) if _is_term(first) and _is_term(second) and first.lower() != second.lower() else None
    return None


def _is_term(text: str) -> bool:
    """Whether a question's object reads as a term to define: some content words, at most MAX_TERM_WORDS words, and
    not a clause ("the role of …", "it")."""
    return bool(text) and not _NOT_A_TERM.match(text) and len(text.split()) <= MAX_TERM_WORDS and bool(terms(text))


def _initials(words: list[str], every: bool) -> str:
    kept = words if every else [w for w in words if w.lower() not in _FUNCTION_WORDS]
    return "".join(w[0] for w in kept).upper()


def short_form_letters(short: str) -> str:
    """A short form without its plural "s" ("IDPs" → "IDP")."""
    return short[:-1] if short.endswith("s") and short[:-1].isupper() else short


def stands_for(short: str, long: str) -> bool:
    """Whether `short` is written as the initials of `long`'s words ("SSR" and "security sector reform", "IDPs" and
    "internally displaced persons", "EMN" and "European Migration Network"), with or without its small words."""
    letters = short_form_letters(short)
    words = _WORD.findall(long)
    return (
        2 <= len(letters) <= 8 and letters.isupper() and letters.isalpha() and len(words) >= 2
        and letters in (_initials(words, True), _initials(words, False))
    )


def asks_expansion(question: str) -> bool:
    """Whether the question asks what a short form stands for ("What does SSG stand for?")."""
    return bool(_ASKS_EXPANSION.search(question[:MAX_QUESTION_CHARS]))


def is_short_form(term: str) -> bool:
    """"SSG", "IDPs": a term written in capitals, as initials are."""
    letters = term[:-1] if term.endswith("s") else term
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


@lru_cache(maxsize=4096)
def named_after_dash(short: str) -> re.Pattern[str]:
    """The short form, a dash, then a name of capitalised words: "DCAF – Geneva Centre for Security Sector Governance"
    (the letters need not be the name's initials: they may come from the name in another language)."""
    return re.compile(rf"(?<![\w-]){re.escape(short)}\s+[–—-]\s+[A-Z][\w'’]*(?:\s+(?:(?:of|for|and|the|on|in)\s+)?[A-Z][\w'’]*)+")


@lru_cache(maxsize=65_536)
def spells_out(sentence: str, short: str) -> bool:
    """Whether the sentence writes the words out before the short form in brackets ("… good security sector governance
    (SSG) …" spells out "SSG"), or names it after a dash (named_after_dash)."""
    if named_after_dash(short).search(sentence):
        return True
    for match in _BRACKETED_SHORT.finditer(sentence):
        if match.group(1).rstrip("s") != short.rstrip("s"):
            continue
        words = _WORD.findall(sentence[: match.start()])
        if any(stands_for(match.group(1), " ".join(words[-n:])) for n in range(2, min(len(words), 2 * len(short)) + 1)):
            return True
    return False


def written_out_forms(documents: Iterable["Document"]) -> dict[str, str]:
    """Each short form the briefs write out, with the words it stands for as first written: before it in brackets
    (the fewest words before the bracket whose initials it is, stands_for: "Disarmament, demobilization and
    reintegration" for "DDR"), or as the heading of a section that uses it ("European Migration Network" over a
    section speaking of "the EMN")."""
    found: dict[str, str] = {}
    documents = list(documents)
    for document in documents:
        text = document.text
        for match in _BRACKETED_SHORT.finditer(text):
            short = match.group(1)
            key = short_form_letters(short)
            if key in found:
                continue
            line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            words = list(_WORD.finditer(line))
            for n in range(2, min(len(words), 2 * len(key)) + 1):
                span = line[words[-n].start() : words[-1].end()]
                if stands_for(short, span):
                    found[key] = span
                    break
    for document in documents:
        for section in document.sections:
            if not section.path:
                continue
            heading = section.path[-1]
            for short in set(SHORT_FORM.findall(document.text[section.start : section.end])):
                key = short_form_letters(short)
                if key not in found and stands_for(short, heading):
                    found[key] = heading
    return found


_RUN_OF_WORDS = re.compile(r"[A-Za-z]+(?:(?:[ \t]+|-)[A-Za-z]+)*")  # words with nothing but spaces or hyphens between
_MAX_INITIALS = 8


def spans_by_initials(texts: Iterable[str]) -> dict[str, str]:
    """For each string of three initials or more, the words of the texts it could stand for: "NGO" for
    "non-governmental organisations" (a hyphen parts the words). The words stand in a row with nothing but a space or
    a hyphen between them, all in lower case (but a sentence's first) or all capitalised (a name), none a short form,
    a small word ("in close cooperation" is no "ICC") nor an adverb ("military service frequently" no "MSF"). Per
    initials the span written most often; none when two are written as often. Whether a short form means them is for
    the model to say (querying.QueryReader.initials_meant): "IMF" is no "irregular migration flows"."""
    counted: dict[str, Counter[str]] = {}
    shown: dict[str, str] = {}  # each span as first written, by its words in lower case
    for text in texts:
        for run in _RUN_OF_WORDS.finditer(text):
            found = list(re.finditer(r"[A-Za-z]+", run.group(0)))
            plain = [_plain_word(m.group(0)) for m in found]
            for i in range(len(found)):
                for n in range(3, _MAX_INITIALS + 1):
                    span = [m.group(0) for m in found[i : i + n]]
                    if len(span) < n or not all(plain[i : i + n]) or not _one_case(span):
                        break
                    key = " ".join(span).lower()
                    counted.setdefault(_initials(span, True), Counter())[key] += 1
                    shown.setdefault(key, run.group(0)[found[i].start() : found[i + n - 1].end()])
    best: dict[str, str] = {}
    for letters, spans in counted.items():
        (first, count), *rest = spans.most_common(2)
        if not rest or count > rest[0][1]:
            best[letters] = shown[first]
    return best


# Words no name is made of, beyond the small words BM25 drops: "may stem from" is no "MSF"
_NOT_IN_A_NAME = frozenset(
    "could would should may might must can will shall from into onto upon over under after before between through "
    "during across against about within without among which that this these those there their other such also".split()
)


def _plain_word(word: str) -> bool:
    lower = word.lower()
    return (len(word) >= 3 and (word.islower() or word[1:].islower()) and bool(terms(word))
            and lower not in _FUNCTION_WORDS and lower not in _NOT_IN_A_NAME and not lower.endswith("ly"))


def _one_case(span: list[str]) -> bool:
    """All in lower case (the first word may open a sentence), or all capitalised."""
    return all(w.islower() for w in span[1:]) or all(w[:1].isupper() for w in span)


def defines(sentence: str, term: str) -> bool:
    """The sentence's subject is the term, or its initials, or what its initials stand for, and a defining verb follows
    it ("SSR is the political and technical process …" for "security sector reform", "The security sector is composed
    of …", "In such contexts, security sector reform (SSR) is the process …"); or it is the term as a label defined
    after a colon ("Migrant: Any person who …")."""
    return definition_strength(sentence, term) > 0


def definition_strength(sentence: str, term: str) -> int:
    """IDENTITY when the sentence says what the term is ("is the …", "means", "refers to", an enumeration, a label),
    KIND when it says what kind of thing it is ("is a …": a definition, or a trait such as "SSR is a long-term
    endeavour"), 0 when it does not define the term."""
    return max((strength for subject, strength in subjects(sentence) if _names(subject, term)), default=0)


@lru_cache(maxsize=65_536)  # asked of the same sentences for every definition question
def subjects(sentence: str) -> tuple[tuple[str, int], ...]:
    """What the sentence defines, if it reads as a definition, and how closely (definition_strength): the words before
    its first defining verb (after an opening clause), its label before a colon, or what it opens with before
    examples of it ("security providers, such as the armed forces, …": KIND); brackets and a leading article
    dropped."""
    found = []
    verbs = [(m.start(), strength) for pattern, strength in ((_IDENTITY, IDENTITY), (_KIND, KIND)) if (m := pattern.search(sentence))]
    if verbs:
        start, strength = min(verbs)
        found.append((sentence[:start].rsplit(",", 1)[-1], strength))
    label = _LABEL.match(sentence)
    if label is not None:
        found.append((label.group("subject"), IDENTITY))
    examples = _EXAMPLES.match(sentence)
    if examples is not None:
        found.append((examples.group("subject"), KIND))
    return tuple((_LEADING_ARTICLE.sub("", _BRACKETS.sub(" ", subject).strip()), strength) for subject, strength in found)


@lru_cache(maxsize=65_536)
def opens_with(sentence: str, term: str) -> bool:
    """Whether the sentence opens with the term (or its initials, or what they stand for), brackets and a leading
    article aside: "Better Migration Management (BMM) programme was set up in April 2016 …" opens with "the BMM
    programme". Such a sentence is about the term, though it does not define it; one opening with a longer name the
    term begins ("Refugee Convention and its 1967 Protocol …" for "refugee") is not."""
    words = _WORD.findall(_LEADING_ARTICLE.sub("", _BRACKETS.sub(" ", sentence[:MAX_QUESTION_CHARS]).strip()))
    return any(
        _names(" ".join(words[:n]), term) and not (n < len(words) and words[n][:1].isupper())  # not "Refugee Convention"
        for n in range(1, min(len(words), 2 * MAX_TERM_WORDS) + 1)
    )


def qualified_strength(sentence: str, term: str) -> int:
    """definition_strength of the term with one word before it in the subject: "Good SSG is a specific type of
    security governance …" says what good security sector governance is, which tells what SSG is when no sentence
    defines it bare."""
    return max(
        (strength for subject, strength in subjects(sentence)
         if len(words := _WORD.findall(subject)) >= 2 and _names(" ".join(words[1:]), term)),
        default=0,
    )


@lru_cache(maxsize=65_536)
def _names(subject: str, term: str) -> bool:
    wanted = terms(_spelt_out(term, subject))
    return any(terms(_spelt_out(variant, term)) == wanted for variant in _alternatives(subject))


MAX_SLASHES = 3  # readings double with each slash
_SLASHED = re.compile(r"([\w'’-]+)\s*/\s*([\w'’-]+)")


def _alternatives(subject: str) -> list[str]:
    """The subject, and each reading of its slashed alternatives: "National/ local ownership" names "national
    ownership" and "local ownership" as well. A subject of more than MAX_SLASHES slashes is read as it stands."""
    match = _SLASHED.search(subject)
    if match is None or subject.count("/") > MAX_SLASHES:
        return [subject]
    before, after = subject[: match.start()], subject[match.end() :]
    return [subject] + [v for word in match.groups() for v in _alternatives(before + word + after)]


def _spelt_out(text: str, other: str) -> str:
    """`text` with each short form spelt out as the words (of `text` or `other`) whose initials it is: "Good SSG"
    beside "good security sector governance" reads "Good security sector governance"."""
    words = _WORD.findall(text) + _WORD.findall(other)
    out = []
    for word in _WORD.findall(text):
        if not (word.isupper() or word[:-1].isupper()):
            out.append(word)
            continue
        out.append(next((span for span in _initial_spans(words, word) if stands_for(word, span)), word))
    return " ".join(out)


def _initial_spans(words: list[str], short: str) -> Iterator[str]:
    """The spans of `words` (two to eight words, in order) whose initials could be the letters of `short`: opening
    with its first letter or with a small word, with as many words as letters, or as many besides small words (a long
    subject has thousands of spans; stands_for decides among these few)."""
    letters = len(short_form_letters(short))
    for i, first in enumerate(words):
        if first[:1].upper() != short[:1] and first.lower() not in _FUNCTION_WORDS:
            continue
        content = 0
        for j in range(i + 1, min(len(words), i + 8) + 1):
            content += words[j - 1].lower() not in _FUNCTION_WORDS
            if content > letters and j - i > letters:
                break
            if j - i >= 2 and (j - i == letters or content == letters):
                yield " ".join(words[i:j])
