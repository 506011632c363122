"""Questions a person might type to reach a claim, drafted from its statement.

By what the claim answers: a figure gives "how many …", a named place "where …", a time
"when …", a doer "who …", the claimant "what did X say about <the claim's subject>", and
the claim itself "did X …"; then one or two asks in key words made of whole noun phrases
("idlib air strikes death toll"), and a question or an ask again with a lexicon synonym
where it keeps the grammar. Every phrasing is complete: lower case, without the final
question mark, the way people type in chat, and never stopping mid-phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.drafting.clause import AUXILIARIES, IRREGULAR, base_form
from bot.drafting.question_claim import (
    NUMBER,
    SECOND_PREDICATE,
    ClaimReading,
    asked_of,
    names_in,
    places_in,
    read_claim,
    same_party,
)
from bot.drafting.question_words import (
    is_noun_phrase_ask,
    is_question,
    noun_phrase,
    object_phrase,
    tidy,
    unhedged,
    well_formed,
    whole_phrase,
)
from bot.drafting.thesaurus import Thesaurus, swapped, swapped_ask
from bot.text import fold

MIN_PHRASINGS = 3

MAX_PHRASINGS = 8

MAX_ASKS = 2

_OBJECT_WORDS = 9

_BETWEEN_WORDS = 3

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"

_FIGURE = re.compile(
    rf"\b(?!(?:1[89]|20)\d\d\b)(?:{NUMBER})(?: (?:million|thousand|hundred))?(?: of)? "
    rf"(?P<noun>(?!(?:{_MONTHS}|of|the|a|an|to|in|on|at|for|from|were|was|and|or|others?)\b)"
    r"[a-z][\w-]*(?: (?:and )?(?![a-z]+ed\b)(?!(?:from|of|in|on|at|to|for|with|without|"
    r"across|were|was|and|or|who|which|that|have|has|had|been|are|is)\b)[a-z][\w-]*){0,2})"
    r"(?: (?P<aux>were|was|have been|had been) (?P<participle>[a-z]+(?:ed|en|wn)))?",
    re.IGNORECASE,
)

_TIME = re.compile(
    r"\b(?:this week|last week|on the day of the report|overnight|on (?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)|(?:since|until|in) (?:19|20)\d\d|"
    r"for (?:a|the) (?:first|second|third|fourth|fifth|sixth) day)\b",
    re.IGNORECASE,
)

_COPULAS = frozenset({"is", "are", "was", "were"})

_MODALS = frozenset({"will", "would", "could", "can", "may", "might", "should"})

_DEADLY = frozenset({"kill", "die", "dead"})

# Where a noun phrase with its determiner starts: "the rebel alliance", "this moment".
_DETERMINED = re.compile(r"\b(?:the|a|an|this|these|their|its)\s(?=[a-z])", re.IGNORECASE)

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def phrasings(
    statement: str,
    speaker: str,
    thesaurus: Thesaurus,
    *,
    taken: set[str],
) -> tuple[str, ...]:
    """At least MIN_PHRASINGS complete questions for `statement`, and up to MAX_ASKS asks in
    key words. `taken` holds the folded forms of phrasings other facts have; none is
    reused, and the new ones join it."""
    claim = read_claim(statement)
    yes_no = _yes_no(claim)
    questions = [
        *_by_figure(claim),
        *_by_place(claim),
        *_by_time(claim),
        *_by_doer(claim),
        yes_no,
        *_by_claimant(claim, speaker),
    ]
    # Names keep their own words: the lexicon's "moscow" for Russia is for matching.
    names = {fold(word) for word in re.findall(r"[\w'’-]+", claim.text) if word[:1].isupper()}
    verb = {fold(word) for word in claim.verb.split()} | {
        base_form(word) for word in claim.verb.split()
    }
    questions.append(swapped(yes_no, thesaurus, names, verb))
    ask_phrases = _asks(claim)
    asks: list[str | None] = [" ".join(ask) for ask in ask_phrases]
    if ask_phrases:
        asks.insert(1, swapped_ask(ask_phrases[0], thesaurus, names))
    chosen = _choose(questions, taken, MAX_PHRASINGS - MAX_ASKS, is_question)
    if len(chosen) < MIN_PHRASINGS:
        chosen += _choose(_fallbacks(claim, speaker), taken, MIN_PHRASINGS - len(chosen))
    chosen += _choose(asks, taken, MAX_ASKS, is_noun_phrase_ask)
    return tuple(chosen[:MAX_PHRASINGS])


def _choose(
    candidates: Iterable[str | None],
    taken: set[str],
    limit: int,
    kind: Callable[[str], bool] = well_formed,
) -> list[str]:
    chosen: list[str] = []
    for candidate in candidates:
        if candidate is None or len(chosen) >= limit:
            continue
        question = tidy(candidate)
        key = fold(question)
        if not key or key in taken or not well_formed(question) or not kind(question):
            continue
        taken.add(key)
        chosen.append(question)
    return chosen


def _question_of(claim: ClaimReading, rest: str) -> str | None:
    """A yes/no question: "did the rebels take …", "was hama …", "would araghchi …"."""
    if claim.clause is None or claim.subject is None:
        return None
    verbs = claim.verb.split()
    first, others = verbs[0], " ".join(verbs[1:])
    subject = claim.subject
    if first in _COPULAS or first in _MODALS:
        return f"{first} {subject} {others} {rest}"
    if first in {"has", "have", "had"} and len(verbs) > 1:
        if verbs[1] == "been":
            return f"{first} {subject} {others} {rest}"
        return f"did {subject} {base_form(verbs[-1])} {rest}"
    if len(verbs) > 1 and not set(verbs[1:]) <= {"to", "not"}:
        return None  # "appears to have been abandoned"
    if len(verbs) > 1:
        return f"did {subject} {base_form(first)} {others} {rest}"  # "pushed to within …"
    if (
        first in {"has", "have"}
        or (first.endswith("s") and first not in IRREGULAR)
        or (first in IRREGULAR and first.endswith("s") and first not in {"has", "was"})
    ):
        return f"{'does' if first != 'have' else 'do'} {subject} {_present_base(first)} {rest}"
    return f"did {subject} {base_form(first)} {rest}"


def _present_base(verb: str) -> str:
    """ "relies" -> "rely", "pushes" -> "push", "controls" -> "control", "has" -> "have"."""
    if verb in {"has", "have"}:
        return "have"
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x|z)es$", verb):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") and not verb.endswith("ss") else verb


def _after_verb(claim: ClaimReading, stop: int | None = None) -> str | None:
    """What follows the verb up to `stop`, as a whole phrase ("" when nothing does)."""
    if claim.clause is None:
        return None
    verb_at = claim.text.find(claim.clause.verb)
    if verb_at < 0:
        return None
    words = claim.text[verb_at + len(claim.clause.verb) : stop]
    if not unhedged(words).strip():
        return ""
    return whole_phrase(words, _OBJECT_WORDS)


def _by_figure(claim: ClaimReading) -> list[str]:
    match = _FIGURE.search(claim.text)
    if match is None:
        return []
    noun = match.group("noun").lower()
    if match.group("participle"):
        verb = "were" if match.group("aux") in ("were", "have been", "had been") else "was"
        return [f"how many {noun} {verb} {match.group('participle').lower()}"]
    if claim.clause is None or claim.subject is None:
        return []
    verb_at = claim.text.find(claim.clause.verb)
    if not verb_at < match.start():
        # The figure is in the subject: "dozens of men … were killed".
        verbs = claim.verb.split()
        if "," in claim.clause.subject or verbs[-1] in _COPULAS or verbs[0] in {"is", "was", "has"}:
            return []
        if len(verbs) == 1 and verbs[0].endswith("s"):
            return []  # "how many people lies"
        return [f"how many {noun} {claim.verb}"]
    # The hedge goes with the figure: "killed at least 15" asks "how many … kill".
    figure_at = claim.text[verb_at + len(claim.clause.verb) : match.end()]
    between = unhedged(figure_at).removesuffix(unhedged(match.group(0))).strip()
    if len(between.split()) > _BETWEEN_WORDS:
        return []
    if between and whole_phrase(between, _BETWEEN_WORDS) != between.lower():
        return []  # "took control of five districts" is not asked "… take control of"
    question = _question_of(claim, between.lower())
    return [f"how many {noun} {question}"] if question else []


def _by_place(claim: ClaimReading) -> list[str]:
    places = places_in(claim)
    if not places:
        return []
    place = places[0]
    asked = [f"what happened in {place.group('place').lower()}"]
    clause = claim.clause
    verb_at = claim.text.find(clause.verb) if clause else -1
    if clause is None or verb_at < 0 or verb_at > place.start():
        return asked
    # Only where all that comes between the verb and the place is asked with it.
    between = unhedged(claim.text[verb_at + len(clause.verb) : place.start()])
    phrase = _after_verb(claim, place.start())
    if phrase is None or fold(phrase) != fold(between) or SECOND_PREDICATE.search(between):
        return asked
    question = _question_of(claim, phrase)
    copular = question is not None and question.split()[0] in _COPULAS
    if question is None or (copular and not clause.passive):
        return asked
    return [f"where {question}", *asked]


def _by_time(claim: ClaimReading) -> list[str]:
    if claim.clause is None or not _TIME.search(claim.text):
        return []
    rest = whole_phrase(_TIME.sub("", claim.clause.rest), _OBJECT_WORDS)
    question = _question_of(claim, rest or "")
    return [f"when {question}"] if question else []


def _by_doer(claim: ClaimReading) -> list[str]:
    """ "who took the airport": for a claim that says who did something to something."""
    if claim.clause is None or claim.subject is None or claim.clause.passive:
        return []
    verbs = claim.verb.split()
    if verbs[0] in _COPULAS:
        # "what is hts" only where the claim says what it is ("HTS is an alliance …").
        if re.match(r"(?:a|an|the)\s", claim.clause.rest) and len(verbs) == 1:
            return [f"what {verbs[0]} {claim.subject}"]
        return []
    if {"been", "be"} & set(verbs) or base_form(verbs[-1]) == "show":
        return []  # "who appears to have been abandoned"; pictures show, they do not do
    if object_phrase(claim.clause.rest) is None:
        return []  # "who raged for a fourth day"
    rest = whole_phrase(claim.clause.rest, _OBJECT_WORDS)
    return [f"who {claim.verb} {rest}"] if rest else []


def _yes_no(claim: ClaimReading) -> str | None:
    if claim.clause is None:
        return None
    return _question_of(claim, whole_phrase(claim.clause.rest, _OBJECT_WORDS) or "")


def _by_claimant(claim: ClaimReading, speaker: str) -> list[str]:
    """ "what did sohr say about the air strikes": about the claim's subject, or, when the
    subject is the speaker or a pronoun, about the place, name or thing the claim is about."""
    topic = claim.subject
    if topic is None or same_party(topic, speaker):
        names = [m.group("place") for m in places_in(claim)] + names_in(claim)
        names = [name for name in names if not same_party(name, speaker)]
        rest = claim.clause.rest if claim.clause else ""
        thing = whole_phrase(rest, 3) if re.match(r"(?:the|a|an)\s", rest) else None
        topic = names[0].lower() if names else thing
    return [f"what did {speaker} say about {topic}"] if topic else []


def _asks(claim: ClaimReading) -> list[tuple[str, ...]]:
    """Key words made of whole noun phrases: "idlib air strikes", "air strikes death toll",
    "civilians killed", "russia airstrikes"; else the claim's subject with another of its
    noun phrases ("fighting fourth day"), or two of them."""
    asks: list[tuple[str, ...]] = []
    figure = _FIGURE.search(claim.text)
    if figure is not None and figure.group("participle"):
        asks.append((figure.group("noun").lower(), figure.group("participle").lower()))
    phrases = _noun_phrases(claim)
    head = claim.head or (phrases[0] if phrases else None)
    others = [phrase for phrase in phrases if head is None or not _overlaps(phrase, head)]
    if head is None:
        return asks
    passive = claim.clause is not None and claim.clause.passive
    if {base_form(word) for word in claim.verb.split()} & _DEADLY and figure and not passive:
        asks.append((head, "death toll"))
    places = [match.group("place").lower() for match in places_in(claim)]
    if places and not _overlaps(places[0], head):
        asks.append((places[0], head))
    thing = _object(claim)
    if thing is not None and not _overlaps(thing, head):
        asks.append((head, thing))
    if not asks and others:
        asks.append((head, others[0]))
    if not asks and len(head.split()) > 1:
        asks.append((head,))
    return asks


def _object(claim: ClaimReading) -> str | None:
    """What the verb does to: "airstrikes" of "carried out airstrikes in …"."""
    clause = claim.clause
    verbs = claim.verb.split()
    if clause is None or not verbs or clause.passive or {"been", "be"} & set(verbs):
        return None
    if verbs[-1] in AUXILIARIES | {"not", "to"} and verbs[0] not in _COPULAS:
        return None  # "would not tolerate": a verb follows, not its object
    if verbs[0] in _COPULAS and not re.match(r"(?:a|an|the|[A-Z][\w-]*['’]s)\s", clause.rest):
        return None  # "russia's air support decisive"
    return object_phrase(clause.rest)


def _noun_phrases(claim: ClaimReading) -> list[str]:
    """The claim's names and the noun phrases it gives a determiner, in its order."""
    found = [noun_phrase(claim.text[m.start() :]) for m in _DETERMINED.finditer(claim.text)]
    found += [name.lower() for name in names_in(claim)]
    return [phrase for phrase in dict.fromkeys(found) if phrase]


def _overlaps(phrase: str, other: str) -> bool:
    return bool(set(phrase.split()) & set(other.split()))


def _fallbacks(claim: ClaimReading, speaker: str) -> list[str]:
    """Plain questions about the claim's subject and names, when its shape gives too few."""
    found = [claim.subject, *[name.lower() for name in names_in(claim)]]
    found += [
        whole_phrase(claim.text[match.start() :], 4) for match in _DETERMINED.finditer(claim.text)
    ]
    phrases = [phrase for phrase in dict.fromkeys(found) if phrase and len(phrase.split()) > 1]
    phrases = [p for p in phrases if asked_of(p) and not same_party(p, speaker)] + [
        name.lower() for name in names_in(claim) if " " not in name
    ]
    questions = [f"what did {speaker} say about {phrase}" for phrase in phrases]
    questions += [f"what happened with {phrase}" for phrase in phrases]
    questions += [f"what is known about {phrase}" for phrase in phrases]
    questions.append(f"what did {speaker} say")
    questions += [f"what was the {ordinal} thing {speaker} said" for ordinal in _ORDINALS]
    return questions
