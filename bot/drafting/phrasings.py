"""Questions a person might type to reach a claim, drafted from its statement.

By what the claim answers: a figure gives "how many …", a named place "where …", a time
"when …", a subject "who …", the claimant "what did X say about …"; and by its key words,
one of them swapped for a synonym from the lexicon ("did the insurgents overrun …").
All lower case, without the final question mark, the way people type in chat.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Set as AbstractSet

from rapidfuzz.distance import Levenshtein

from bot.drafting.clause import IRREGULAR, Clause, base_form, read_clause
from bot.knowledge import Lexicon, SynonymGroup
from bot.text import fold, stem

MIN_PHRASINGS = 3
MAX_PHRASINGS = 8
_MAX_OBJECT_WORDS = 5
_MAX_SUBJECT_WORDS = 7
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMBER = (
    r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|a hundred|hundreds|thousands|dozens|scores|millions"
)
_FIGURE = re.compile(
    rf"\b(?!(?:1[89]|20)\d\d\b)(?:{_NUMBER})(?: (?:million|thousand|hundred))?(?: of)? "
    rf"(?P<noun>(?!(?:{_MONTHS}|of|the|a|an|to|in|on|at|for|from|were|was|and|or|others?)\b)"
    r"[a-z][\w-]*(?: (?:and )?(?![a-z]+ed\b)(?!(?:from|of|in|on|at|to|for|with|without|"
    r"across|were|was|and|or|who|which|that|have|has|had|been|are|is)\b)[a-z][\w-]*){0,2})"
    r"(?: (?P<aux>were|was|have been|had been) (?P<participle>[a-z]+(?:ed|en|wn)))?",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?P<prep>in|at|to|from|outside|near|across|into|inside|around|towards) "
    r"(?:the )?(?:(?:city|town|province|region|village) of )?"
    r"(?P<place>[A-Z][\w'’-]*(?: (?:al-|el-)?[A-Z][\w'’-]*)*)"
)
_TIME = re.compile(
    r"\b(?:this week|last week|on the day of the report|overnight|on (?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)|(?:since|until|in) (?:19|20)\d\d|"
    r"for (?:a|the) (?:first|second|third|fourth|fifth|sixth) day)\b",
    re.IGNORECASE,
)
_SAID = re.compile(r"^(?P<who>.+?) said: “(?P<words>.+)”$")
_COPULAS = frozenset({"is", "are", "was", "were"})
_MODALS = frozenset({"will", "would", "could", "can", "may", "might", "should"})
_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "this", "that"})
_STOP = frozenset(
    {"the", "a", "an", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
     "but", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "that",
     "this", "these", "those", "it", "its", "their", "his", "her", "they", "he", "she", "we",
     "our", "us", "i", "my", "will", "would", "could", "can", "may", "might", "said", "says",
     "after", "before", "into", "over", "until", "since", "while", "also", "about", "than",
     "all", "any", "other", "others", "some", "who", "which", "whose", "where", "when", "not",
     "no", "there", "so", "up", "out", "during", "day", "report", "least", "around", "now",
     "dozens", "one", "two", "three", "four", "five", "more", "most", "later", "ve", "re",
     "weve", "theyre", "ive", "im", "dont", "cant", "wont", "youre", "thats"}
)  # fmt: skip


def thesaurus(lexicon: Lexicon) -> Thesaurus:
    return _thesaurus(lexicon.synonyms)


@functools.lru_cache(maxsize=8)
def _thesaurus(synonyms: tuple[SynonymGroup, ...]) -> Thesaurus:
    # Built once per lexicon: folding its thousand-odd words is most of a draft's time.
    return Thesaurus(synonyms)


class Thesaurus:
    """Another way to say a word, from the lexicon's synonym groups."""

    def __init__(self, synonyms: tuple[SynonymGroup, ...]) -> None:
        self._other: dict[str, str] = {}
        for group in synonyms:
            words = [fold(word) for word in (group.canonical, *group.variants)]
            for word in words:
                if word in self._other:
                    continue
                other = next((v for v in words if _fits(v, word, group.canonical)), None)
                if other is not None:
                    self._other[word] = other

    def other(self, word: str) -> str | None:
        return self._other.get(word)


def _fits(variant: str, word: str, canonical: str) -> bool:
    # Not an inflection or a misspelling of the word ("govts", "goverment").
    return (
        stem(variant) != stem(word)
        and len(variant) >= 5
        and " " not in variant
        and variant.replace(" ", "").isalpha()
        and Levenshtein.distance(variant, word) > 2
        and (variant == canonical or Levenshtein.distance(variant, canonical) > 2)
    )


def phrasings(
    statement: str,
    speaker: str,
    thesaurus: Thesaurus,
    *,
    taken: set[str],
) -> tuple[str, ...]:
    """At least MIN_PHRASINGS questions for `statement`. `taken` holds the folded forms of
    phrasings other facts have; none is reused, and the new ones join it."""
    said = _SAID.match(statement)
    core = said.group("words") if said else statement
    core = re.split(r"(?<=[.!?])\s+(?=[A-Z])", core)[0]  # the first sentence of a long quote
    clause = read_clause(core)
    speaker_words = set(fold(speaker).split())
    keywords = [word for word in key_words(core) if word not in speaker_words]
    topic = " ".join(keywords[:3]) or "it"
    asked: list[str] = []
    asked.extend(_by_figure(core, clause))
    asked.extend(_by_place(core, clause))
    asked.extend(_by_time(core, clause))
    asked.extend(_by_subject(clause))
    asked.append(f"what did {speaker} say about {topic}")
    # Names keep their own words: the lexicon's "moscow" for Russia is for matching.
    names = {fold(word) for word in re.findall(r"[\w'’-]+", core) if word[:1].isupper()}
    asked.extend(_by_synonyms(clause, keywords, thesaurus, names))
    asked.append(f"what happened with {topic}")
    asked.append(f"any news on {' '.join(keywords[:2]) or topic}")
    seen = taken
    chosen: list[str] = []
    for question in asked:
        question = _tidy(question)
        key = fold(question)
        if key and key not in seen and len(key.split()) >= 2:
            seen.add(key)
            chosen.append(question)
    extra = 1
    while len(chosen) < MIN_PHRASINGS:
        words = keywords[extra : extra + 3] or [topic, str(extra)]
        question = _tidy(f"what was said about {' '.join(words)}")
        if fold(question) not in seen:
            seen.add(fold(question))
            chosen.append(question)
        extra += 1
    return tuple(chosen[:MAX_PHRASINGS])


def key_words(statement: str) -> list[str]:
    """The content words of `statement` in order, each once."""
    found: list[str] = []
    for word in fold(statement).split():
        if word in _STOP or len(word) < 3 or word.isdigit() or word in found:
            continue
        found.append(word)
    return found


def _subject(clause: Clause | None) -> str | None:
    if clause is None:
        return None
    words = clause.subject.split()
    if not words or len(words) > _MAX_SUBJECT_WORDS or "," in clause.subject:
        return None
    return clause.subject.lower()


def _object(text: str, limit: int = _MAX_OBJECT_WORDS) -> str:
    """The first few words of `text`, up to a comma."""
    head = text.split(",")[0]
    return " ".join(head.split()[:limit]).lower()


def _question_of(clause: Clause, subject: str, rest: str) -> str | None:
    """A yes/no question: "did the rebels take …", "was aleppo …", "would araghchi …"."""
    verbs = clause.verb.split()
    first = verbs[0].lower()
    if first in _COPULAS:
        return f"{first} {subject} {' '.join(verbs[1:])} {rest}"
    if first in _MODALS:
        return f"{first} {subject} {' '.join(verbs[1:])} {rest}"
    if first in {"has", "have", "had"} and len(verbs) > 1:
        if verbs[1].lower() == "been":
            return f"{first} {subject} {' '.join(verbs[1:])} {rest}"
        return f"did {subject} {base_form(verbs[-1])} {rest}"
    if len(verbs) == 1:
        return f"did {subject} {base_form(first)} {rest}"
    return None


def _by_figure(statement: str, clause: Clause | None) -> list[str]:
    match = _FIGURE.search(statement)
    if match is None:
        return []
    noun = match.group("noun").lower()
    if match.group("participle"):
        verb = "were" if match.group("aux") in ("were", "have been", "had been") else "was"
        return [f"how many {noun} {verb} {match.group('participle').lower()}"]
    subject = _subject(clause)
    if clause is None or subject is None:
        return [f"how many {noun}"]
    verb_at = statement.find(clause.verb)
    if not verb_at < match.start():
        # The figure is in the subject: "dozens of men … were killed".
        return [f"how many {noun} {clause.verb.lower()}"]
    between = statement[verb_at + len(clause.verb) : match.start()]
    between = " ".join(word for word in between.split() if word.lower() != "also").lower()
    if len(between.split()) > 3:
        return [f"how many {noun}"]
    question = _question_of(clause, subject, between)
    return [f"how many {noun} {question}"] if question else [f"how many {noun}"]


def _by_place(statement: str, clause: Clause | None) -> list[str]:
    subject = _subject(clause)
    for match in _PLACE.finditer(statement):
        place = match.group("place")
        if (subject and fold(place) in fold(subject)) or re.search(r"['’]s$", place):
            continue  # "in the Government’s favour" is no place
        if clause is None or subject is None:
            return [f"what happened in {place.lower()}"]
        verb_at = statement.find(clause.verb)
        if verb_at < 0 or verb_at > match.start():
            return [f"what happened in {place.lower()}"]
        before_place = statement[verb_at + len(clause.verb) : match.start()]
        obj = _object(before_place, 4)
        question = _question_of(clause, subject, obj)
        copular = question is not None and question.startswith(("is ", "are ", "was ", "were "))
        if question is None or (copular and not clause.passive):
            return [f"what happened in {place.lower()}"]
        return [f"where {question}"]
    return []


def _by_time(statement: str, clause: Clause | None) -> list[str]:
    subject = _subject(clause)
    if clause is None or subject is None or not _TIME.search(statement):
        return []
    question = _question_of(clause, subject, _object(_TIME.sub("", clause.rest), 4))
    return [f"when {question}"] if question else []


def _by_subject(clause: Clause | None) -> list[str]:
    subject = _subject(clause)
    if clause is None or subject is None or subject.split()[0] in _PRONOUNS:
        return []
    first = clause.verb.split()[0].lower()
    if clause.passive:
        return []  # "who were killed" asks for the agent the claim does not name
    if first in _COPULAS:
        # "what is hts" only where the claim says what it is ("HTS is an alliance …").
        if re.match(r"(?:a|an|the)\s", clause.rest) and len(clause.verb.split()) == 1:
            return [f"what {first} {subject}"]
        return []
    return [f"who {clause.verb.lower()} {_object(clause.rest)}"]


def _by_synonyms(
    clause: Clause | None, keywords: list[str], thesaurus: Thesaurus, names: set[str]
) -> list[str]:
    """The claim as a yes/no question, and as key words, with one word in other words."""
    questions: list[str] = []
    subject = _subject(clause)
    if clause is not None and subject is not None:
        question = _question_of(clause, subject, _object(clause.rest))
        if question is not None:
            keep = {word.lower() for word in clause.verb.split()} | names
            keep.add(base_form(clause.verb.split()[-1]))
            questions.append(_swap(question, thesaurus, keep=keep))
    if len(keywords) >= 2:
        questions.append(_swap(" ".join(keywords[:3]), thesaurus, from_start=True, keep=names))
    return questions


def _swap(
    question: str,
    thesaurus: Thesaurus,
    *,
    from_start: bool = False,
    keep: AbstractSet[str] = frozenset(),
) -> str:
    """`question` with one word in other words: the last that has a synonym (so "did"
    and the subject stay), or with `from_start` the first; never a word of `keep` (the
    verb, whose synonym would not fit the sentence)."""
    words = question.split()
    order = range(len(words)) if from_start else range(len(words) - 1, 0, -1)
    for index in order:
        if fold(words[index]) in keep or words[index] in keep or _verb_form(words[index]):
            continue
        other = thesaurus.other(fold(words[index]))
        if other is not None:
            words[index] = other
            break
    return " ".join(words)


def _verb_form(word: str) -> bool:
    """A participle or past tense, whose synonym from the lexicon would not fit in."""
    return word.endswith(("ed", "ing")) or word in IRREGULAR


def _tidy(question: str) -> str:
    question = question.lower().replace("’", "'")
    question = re.sub(r"[“”\"]", "", question)
    question = re.sub(r"[.,;:!?]+$", "", question.strip())
    return re.sub(r"\s+", " ", question).strip()
