"""Whole phrases for questions, cut from a claim's words.

A question is only as good as the phrase it ends with: "who controlled most of the city
of" and "how many civilians did the strikes kill at least" are no questions anyone
types. Phrases are cut before a preposition or a conjunction, never after one, hedges
("at least", "also") are left to the answer, and a phrase that cannot end on a word of
its own is not used.
"""

from __future__ import annotations

import itertools
import re

from bot.drafting.clause import IRREGULAR

PREPOSITIONS = frozenset(
    {"in", "on", "at", "to", "for", "from", "by", "with", "of", "into", "onto", "over",
     "under", "across", "near", "outside", "inside", "around", "towards", "toward",
     "against", "about", "after", "before", "during", "since", "until", "without", "through",
     "between", "among", "amid", "within", "along", "behind", "beyond", "below", "above",
     "via", "per", "despite", "like", "off", "out", "up", "down", "including", "upon",
     "alongside", "throughout", "beside", "besides", "amongst", "past"}
)  # fmt: skip
DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
     "my", "your", "some", "any", "each", "every", "all", "both", "many", "much", "more",
     "most", "few", "several", "other", "another", "such", "no", "whose", "which", "what"}
)  # fmt: skip
CONJUNCTIONS = frozenset(
    {"and", "or", "but", "nor", "so", "yet", "as", "than", "while", "when", "where", "who",
     "whom", "if", "because", "although", "though", "whether", "once", "unless"}
)  # fmt: skip
# Verbs that cannot end a question: "how many people were".
_LINKING = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "will", "would", "can", "could",
     "may", "might", "should", "shall", "must", "not", "least", "even", "just", "very"}
)  # fmt: skip
BAD_ENDINGS = PREPOSITIONS | DETERMINERS | CONJUNCTIONS | _LINKING
QUESTION_WORDS = frozenset({"how", "what", "where", "when", "who", "which", "why", "did",
                            "does", "do", "is", "are", "was", "were", "has", "have", "had",
                            "will", "would", "could", "can", "may", "might", "should"})  # fmt: skip
PRONOUNS = frozenset(
    {"it", "they", "he", "she", "we", "i", "you", "this", "that", "these", "those", "there",
     "them", "us", "him", "one", "others", "some", "many", "most", "all", "both"}
)  # fmt: skip
# Hedges belong in the answer: "at least 16" is asked as "how many".
_HEDGE = re.compile(
    r"\b(?:at least|at most|more than|less than|fewer than|up to|as many as|nearly|almost|"
    r"roughly|approximately|an estimated|some|around|about|over)\s+(?=\d|(?:one|two|three|"
    r"four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands|scores)\b)"
    r"|\b(?:also|reportedly|allegedly|apparently|now|still|already|even|just)\s+",
    re.IGNORECASE,
)
_ADVERB = re.compile(
    r"\b(?:also|reportedly|allegedly|apparently|now|still|already|even|just)\s+", re.IGNORECASE
)
_NUMBER = re.compile(
    r"^(?:\d[\d,.]*\w*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|dozen|"
    r"dozens|scores)$"
)
_STOP_AT = re.compile(r",(?!\d{3})|[;:()“”\"]|\s[-–—]\s")
_MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"}
)  # fmt: skip
# Verbs and adverbs that end a noun phrase: "local groups have", "forces overnight".
_NOT_NOUNS = frozenset(
    {"have", "has", "had", "do", "does", "did", "overnight", "yesterday", "today", "tonight",
     "earlier", "later", "again", "deeper", "further", "here", "there", "too"}
)  # fmt: skip
# Words that go with the verb before its object: "carried out airstrikes".
_PARTICLES = frozenset({"out", "up", "off", "down", "back"})


def unhedged(text: str) -> str:
    return re.sub(r"\s+", " ", _HEDGE.sub("", text)).strip()


def without_adverbs(text: str) -> str:
    """`text` without "also", "reportedly" and the like (figures keep their hedges)."""
    return re.sub(r"\s+", " ", _ADVERB.sub("", text)).strip()


def content_word(word: str) -> bool:
    """Not a function word: "military" in "the Syrian military", not "and" or "on"."""
    return word.lower().strip(",;:.") not in BAD_ENDINGS


def ends_well(words: list[str]) -> bool:
    return bool(words) and words[-1].lower().strip("'’") not in BAD_ENDINGS


def whole_phrase(text: str, limit: int) -> str | None:
    """The longest start of `text` (to its first comma) of at most `limit` words that ends
    before a preposition, conjunction or determiner and on a word of its own; None when
    there is none. "control of five districts of Syria's second city" -> "control of five
    districts"."""
    words = unhedged(_STOP_AT.split(text, maxsplit=1)[0]).split()
    if not words:
        return None
    if len(words) <= limit and ends_well(words):
        return " ".join(words).lower()
    # Before a preposition or a determiner first: "homes and public" is no phrase.
    for boundaries in (PREPOSITIONS | DETERMINERS, CONJUNCTIONS):
        for size in range(min(limit, len(words) - 1), 0, -1):
            if words[size].lower() not in boundaries or not ends_well(words[:size]):
                continue
            if _participle(words[size - 1]):
                continue  # "a militant alliance led" needs what it was led by
            return " ".join(words[:size]).lower()
    return None


def noun_phrase(text: str, limit: int = 4) -> str | None:
    """The first noun phrase of `text`, without its determiner, figure or hedge: "air
    strikes" of "Air strikes on a crowded market", "airstrikes" of "out airstrikes in …"."""
    skip = PREPOSITIONS | DETERMINERS | CONJUNCTIONS | _LINKING | PRONOUNS | _MONTHS | _NOT_NOUNS
    phrase: list[str] = []
    previous = ""
    for word in unhedged(text).split():
        clean = word.lower().strip(',;:.!?“”"()')
        if clean in skip or _NUMBER.match(clean) or not clean:
            if phrase:
                break
            continue
        if clean.endswith("-") or (clean.endswith("ly") and len(clean) > 4):
            break  # "turkish- and russian-brokered", "mainly"
        lower = word[:1].islower()
        if phrase and lower and (_participle(clean) or clean.endswith("ing")):
            break  # "a statement calling", "an alliance led"
        if phrase and word[:1].isupper() and not previous[:1].isupper():
            break  # "reporters Moscow": a name starts another phrase
        phrase.append(clean)
        previous = word
        if clean != word.lower().rstrip('“”"') or len(phrase) == limit:
            break  # a comma or a full stop ends the phrase
    while phrase and not ends_well(phrase):
        phrase.pop()
    return " ".join(phrase) or None


def object_phrase(rest: str, limit: int = 4) -> str | None:
    """The noun phrase a verb takes as its object ("airstrikes" of "out airstrikes in
    parts of Hama"); None when the verb takes none ("for a fourth day", "to liberate")."""
    words = unhedged(rest).split()
    if words and words[0].lower() in _PARTICLES:
        words = words[1:]
    if not words or words[0].lower() in PREPOSITIONS | CONJUNCTIONS | _LINKING | {"to", "that"}:
        return None
    if words[0].islower() and (_participle(words[0]) or words[0].endswith("ing")):
        return None  # "encircling Damascus": the verb goes on, no object yet
    return noun_phrase(" ".join(words), limit)


def _participle(word: str) -> bool:
    return word.lower().endswith("ed") or word.lower() in IRREGULAR


def repeats_a_word(question: str) -> bool:
    words = question.split()
    return any(first == second for first, second in itertools.pairwise(words))


def is_noun_phrase_ask(question: str) -> bool:
    """Key words a person might type instead of a question: "idlib air strikes death
    toll". No verb of its own, and neither first nor last word a function word."""
    words = question.split()
    return (
        1 <= len(words) <= 6
        and words[0] not in QUESTION_WORDS | PREPOSITIONS | DETERMINERS | CONJUNCTIONS
        and ends_well(words)
        and not any(word in _LINKING for word in words)
    )


def is_question(question: str) -> bool:
    """A complete question: opens with a question word and does not stop mid-phrase."""
    words = question.split()
    return len(words) >= 3 and words[0] in QUESTION_WORDS and ends_well(words)


def well_formed(question: str) -> bool:
    """A phrasing worth keeping: a complete question or a noun-phrase ask, lower case,
    with no word twice in a row."""
    return (
        question == question.lower()
        and not repeats_a_word(question)
        and (is_question(question) or is_noun_phrase_ask(question))
    )


def tidy(question: str) -> str:
    """A phrasing as people type it: lower case, plain quotes, no final punctuation."""
    question = without_adverbs(question).lower().replace("’", "'")
    question = re.sub(r"[“”\"]", "", question)
    question = re.sub(r"[.,;:!?]+$", "", question.strip())
    return re.sub(r"\s+", " ", question).strip()
