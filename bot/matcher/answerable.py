"""Whether a fact on the topic of a question actually answers it.

Topic and answerability are two judgements. Scoring says a fact is about what the
question is about; this module says whether the fact supplies what is asked, and whether
it supports what the question takes for granted:

* what is asked: a figure for "how many", a calendar day for "what date", a time for
  "when", someone the question does not name for "who did it", a name for "what is it
  called", the words behind an abbreviation for "what does it stand for";
* what is assumed: a figure the asker states must be the fact's (unless the asker reports
  someone else's claim), and harm pinned on an actor must be pinned on that actor by the
  fact.

The checks read the fact's own words (statement and quote): a phrasing is a way to ask,
not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass

from bot.matcher.kinds import AskKind
from bot.models import Fact
from bot.text import fold

# "one" is left out: "was it one push" states no figure.
_NUMBER_WORDS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "fifty": "50",
    "hundred": "100",
    "thousand": "1000",
}
# Quantities without a figure: a fact saying "dozens of men were killed" answers "how many".
# Ordinals count too: "for a fourth day" says how many days.
_QUANTITIES = frozenset(
    {
        "dozens",
        "dozen",
        "hundreds",
        "thousands",
        "million",
        "millions",
        "several",
        "multiple",
        "numerous",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "tenth",
    }
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
_TIME_WORDS = frozenset(
    {
        "today",
        "yesterday",
        "tomorrow",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "since",
        "until",
        "later",
        "before",
        "after",
        "decade",
        "decades",
    }
)
_DAY_WORDS = _MONTHS | {"today", "yesterday", "tomorrow"}
_SPAN_WORDS = frozenset(
    {"since", "until", "years", "months", "weeks", "day", "days", "decades", "long"}
)
# Words that give a reason for what comes before them in a sentence: in "rebels overran
# the airport after government forces withdrew", the withdrawal explains the overrun.
_REASON = re.compile(
    r"\b(?:because|due to|after|following|in response to|in retaliation|so that|in order to)\b"
)
_SENTENCE = re.compile(r"[.;!?“”\"]")
# A purpose ("the offensive was to free the city") or a mood ("celebratory gunfire")
# gives a reason too.
_PURPOSE = re.compile(r"\b(?:was|is|were|are) to \w+|\bin order to\b|\bcelebrat\w*|\baimed\b")
# A moderator's phrasing that asks why says the fact gives a reason.
_ASKS_WHY = re.compile(r"^(?:why|how come)\b|\breason\b")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
# Words of a time itself: what "when" or "what year" asks for, never the event asked about.
WHEN_WORDS = _TIME_WORDS | _MONTHS | {"date", "dates", "time", "times", "exact", "exactly"}
# Where one claim in a sentence ends and the next begins: "100 troops…, while the rebels
# had lost 183"; "16 civilians were killed and 20 others wounded".
_CLAUSE = re.compile(r"[,;:.“”\"]|\s(?:while|whereas|but)\s|\s(?=and (?:\d+ )?others\b)")
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")


class FactFeatures:
    """What a fact's own words can supply.

    Built for each fact the scorer meets, so the costlier parts (the terms of each clause
    that gives a figure, the initials of names) are worked out only when a question asks
    for them.
    """

    __slots__ = (
        "_clauses",
        "_counted",
        "_explained",
        "_initials",
        "_measured",
        "_numbers",
        "_questions",
        "_terms_of",
        "_text",
        "_words",
        "terms",
    )

    def __init__(
        self,
        fact: Fact,
        terms_of: Callable[[list[str]], list[str]],
        terms: frozenset[str] | None = None,
    ) -> None:
        self._text = f"{fact.statement} {fact.quote or ''}"
        self._questions = fact.questions
        self._terms_of = terms_of
        self._words: list[str] | None = None
        # The terms of the statement and quote, without the phrasings or the source.
        self.terms = terms if terms is not None else frozenset(terms_of(self.words))
        self._counted: tuple[tuple[frozenset[str], frozenset[str]], ...] | None = None
        self._initials: frozenset[str] | None = None
        self._explained: frozenset[str] | None = None
        self._numbers: frozenset[str] | None = None
        self._clauses: tuple[list[str], ...] | None = None
        self._measured: frozenset[str] | None = None

    def __eq__(self, other: object) -> bool:
        # Everything else is worked out from these two.
        if not isinstance(other, FactFeatures):
            return NotImplemented
        return self._text == other._text and self.terms == other.terms

    def __hash__(self) -> int:
        return hash((self._text, self.terms))

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = fold(self._text).split()
        return self._words

    @property
    def numbers(self) -> frozenset[str]:
        if self._numbers is None:
            self._numbers = question_numbers(self.words)
        return self._numbers

    @property
    def day(self) -> bool:
        # "[today]" is the editor's way of giving the report's own date.
        return bool(_DAY_WORDS.intersection(self.words)) or "[today]" in self._text

    @property
    def clauses(self) -> tuple[list[str], ...]:
        """The folded words of each clause of the fact's own words."""
        if self._clauses is None:
            self._clauses = tuple(fold(clause).split() for clause in _CLAUSE.split(self._text))
        return self._clauses

    @property
    def counted(self) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """Each clause that gives a figure: the terms of what it counts, and its figures."""
        if self._counted is None:
            self._counted = tuple(
                (frozenset(self._terms_of(words)), question_numbers(words))
                for words in self.clauses
                if _quantity(words)
            )
        return self._counted

    @property
    def explained(self) -> frozenset[str]:
        """The terms of what the fact's sentences give a reason for: each sentence up to
        its first word of reason, or whole when it has none."""
        if self._explained is None:
            terms: set[str] = set()
            for sentence in _SENTENCE.split(self._text):
                folded = fold(sentence)
                reason = _REASON.search(folded)
                explained = folded[: reason.start()] if reason else folded
                terms.update(self._terms_of(explained.split()))
            self._explained = frozenset(terms)
        return self._explained

    def doers(self, deed: str) -> frozenset[str] | None:
        """The terms that can be the doer of `deed` in the fact's own words: those before
        it in its clause, and those after a "by" that follows it; None when the fact's
        own words never report the deed."""
        found: set[str] | None = None
        previous: list[str] = []
        for words in self.clauses:
            if deed not in self._terms_of(words):
                previous = words
                continue
            for at in range(len(words)):
                if deed in self._terms_of(words[: at + 1]):
                    found = found if found is not None else set()
                    before = words[:at]
                    if "who" in before:
                        # "Umm Khaled, a mother who fled": "who" is the clause before.
                        before = [*previous, *before]
                    found.update(self._terms_of(before))
                    rest = words[at + 1 :]
                    if "by" in rest:
                        found.update(self._terms_of(rest[rest.index("by") + 1 :]))
                    break
            previous = words
        return frozenset(found) if found is not None else None

    @property
    def reason(self) -> bool:
        """Whether the fact gives a reason: its own words say why or what for, or one of
        its phrasings asks why."""
        folded = fold(self._text)
        return bool(_REASON.search(folded) or _PURPOSE.search(folded)) or any(
            _ASKS_WHY.search(question) for question in self._questions
        )

    @property
    def quantity(self) -> bool:
        return bool(self.counted)

    @property
    def time(self) -> bool:
        words = self.words
        return (
            self.day or any(_YEAR.match(w) for w in words) or bool(_TIME_WORDS.intersection(words))
        )

    @property
    def age(self) -> bool:
        """Someone's age: "a 29-year-old", "aged 29"."""
        words = self.words
        return any(
            word.isdigit()
            and (
                words[index + 1 : index + 3] in (["year", "old"], ["years", "old"])
                or words[index - 1 : index] == ["aged"]
            )
            for index, word in enumerate(words)
        )

    @property
    def measured(self) -> frozenset[str]:
        """The terms of the clauses that give a span of time or a quantity."""
        if self._measured is None:
            self._measured = frozenset(
                term
                for words in self.clauses
                if _SPAN_WORDS.intersection(words) or _quantity(words)
                for term in self._terms_of(words)
            )
        return self._measured

    @property
    def span(self) -> bool:
        """A span of time ("for years", "since 2020"), not just a point in it."""
        return bool(_SPAN_WORDS.intersection(self.words))

    @property
    def initials(self) -> frozenset[str]:
        """Initials of each run of capitalised words ("Syrian Observatory for Human
        Rights" gives "sohr")."""
        if self._initials is None:
            self._initials = _initials(self._text)
        return self._initials


def _quantity(words: list[str]) -> bool:
    """Whether the words give a figure: not a year, a day of a month or someone's age."""
    for index, word in enumerate(words):
        if word in _QUANTITIES or word in _NUMBER_WORDS:
            return True
        if word.isdigit() and not _YEAR.match(word):
            beside = set(words[max(0, index - 1) : index + 2])
            age = words[index + 1 : index + 3] in (["year", "old"], ["years", "old"])
            if not beside & _MONTHS and not age:
                return True
    return False


def is_number(word: str) -> bool:
    return word.isdigit() or word in _NUMBER_WORDS


def question_numbers(words: list[str]) -> frozenset[str]:
    return frozenset(_NUMBER_WORDS.get(w, w) for w in words if w.isdigit() or w in _NUMBER_WORDS)


@dataclass(frozen=True, slots=True)
class Premise:
    """What a question asks for and takes for granted, in terms the index uses.

    An actor or an outcome is given as the set of terms a fact may name it with: the term
    itself, the broader term it belongs to ("fighter" -> "rebel"), or the words a fact
    reports it in ("killed" -> "lost").
    """

    kind: AskKind
    # Figures the asker states as true (not someone else's claim).
    numbers: frozenset[str]
    # Content terms of the question that the base knows, and their weights.
    known_terms: frozenset[str]
    weights: Mapping[str, float]
    # Who the question names, which of them are names proper, and harm it pins on them.
    actors: tuple[frozenset[str], ...]
    named_actors: frozenset[str]
    harm: frozenset[str]
    # Harm done that the fact must report ("were any diplomats hurt").
    outcomes: tuple[frozenset[str], ...]
    # "what did X say": those named before the verb of saying, who must be the claimant.
    speakers: tuple[frozenset[str], ...]
    # Every term of harm done that a figure may count ("killed", "lost", "wounded").
    counted_harm: frozenset[str]
    # Words that could be abbreviations ("hts"), for "what does it stand for".
    short_words: frozenset[str]
    offers_choice: bool
    # Every term of a place word ("square", "airport"), for "where".
    places: frozenset[str] = frozenset()
    # "who commanded the siege": the deed the agent is asked for, which the fact must
    # report somewhere (a fact about the siege that names no commander does not answer).
    deed: str | None = None
    # "which faction is he with": a group by name (HTS), not "the rebels". The terms of
    # the groups known by name, when the question asks for one; else empty.
    named_groups: frozenset[str] = frozenset()
    # Rare words of a yes/no question that no fact uses: "did the president resign" asks
    # about something no fact reports, whatever else it shares with one.
    unsupported: frozenset[str] = frozenset()


def answers(
    premise: Premise,
    features: FactFeatures,
    fact_terms: Set[str],
    claimant_terms: Set[str],
    actor_terms: Set[str],
    rare_names: Set[str],
    places: Set[str] = frozenset(),
) -> bool:
    """Whether a fact with these features and terms answers a question with this premise.

    `fact_terms` is everything the fact is indexed by (phrasings included): a relation
    between named actors is checked against it; harm, figures and what is asked only
    against the fact's own words.
    """
    said = features.terms
    if premise.unsupported:
        return False
    if premise.numbers and not premise.numbers <= features.numbers:
        return False
    # Harm done ("were diplomats hurt") must be reported by the fact itself.
    if not all(ways & said for ways in premise.outcomes):
        return False
    # Harm pinned on actors ("so the rebels were bombing civilians") needs those actors.
    by = said | claimant_terms
    if premise.harm & said and not all(ways & by for ways in premise.actors):
        return False
    # "did Russia take the airport", "does Turkey back HTS": whoever the question names
    # must be part of the fact.
    if not premise.named_actors <= fact_terms | claimant_terms:
        return False
    # "what did Tehran announce": said by Tehran, not merely about it; "what did Moscow
    # and Tehran say": by either, each fact answering for its own claimant.
    if premise.speakers and not any(ways & claimant_terms for ways in premise.speakers):
        return False
    return _supplies(premise, features, fact_terms, claimant_terms, actor_terms, rare_names, places)


def _supplies(
    premise: Premise,
    features: FactFeatures,
    fact_terms: Set[str],
    claimant_terms: Set[str],
    actor_terms: Set[str],
    rare_names: Set[str],
    places: Set[str],
) -> bool:
    """Whether the fact supplies the kind of thing the question asks for."""
    kind = premise.kind
    if kind == "count":
        return any(
            _counts(premise, clause, features.terms, claimant_terms)
            for clause, figures in features.counted
            # "of the 100 dead, how many were militiamen": a figure the asker already
            # gave is not the count asked for.
            if not (figures and figures <= premise.numbers)
        )
    if kind == "identity":
        # "who is the HTS leader": everything the question says about whom it means must
        # be in the fact's own words (not its claimant's name); "the rebels' leader" does
        # not say who leads HTS.
        return premise.known_terms <= features.terms
    if kind == "place":
        # "where did the governor go after leaving the city centre": somewhere else.
        offered = (features.terms & premise.places) | (places & features.terms)
        # difference(), not `-`: a dict's keys on the right make `-` give a set.
        return bool(offered.difference(premise.weights))
    if (
        kind in ("date", "time", "reason")
        and premise.deed is not None
        and premise.deed not in fact_terms
    ):
        # "when did Assad leave", "why did the soldiers abandon the airport": a time or a
        # reason for some other event is no answer.
        return False
    if (
        kind == "reason"
        and premise.deed in features.terms
        and premise.deed not in features.explained
    ):
        # An event the fact's own words give only as the reason for another: "the airport
        # fell after government forces withdrew" does not say why they withdrew.
        return False
    if kind == "reason":
        return features.reason
    if kind == "date":
        return features.day
    if kind == "time":
        return features.time
    if kind == "age":
        return features.age
    if kind == "figure":
        return bool(features.numbers) or features.quantity or features.age
    if kind == "duration":
        if premise.deed is not None and premise.deed in features.terms:
            # "how long did the siege last": a span or size in the clause that tells of
            # the siege, not the years of rebel control beside it.
            return premise.deed in features.measured
        return features.quantity or features.span
    if kind == "expansion":
        return bool(premise.short_words & features.initials)
    if kind == "name":
        return bool(rare_names - premise.known_terms)
    if kind == "agent":
        if premise.deed is not None and premise.deed not in fact_terms:
            return False
        # Someone: an actor ("the rebels", "Russia") or a person's name ("Hakan Fidan").
        named = (actor_terms | rare_names) & features.terms
        if premise.deed is not None:
            # Who did it, as the fact's own words tell it: "the consulate came under
            # attack during the rebel assault" does not say who attacked the consulate.
            # A deed that opens its clause ("Western districts…", when "who held the
            # western districts" reads "western" as the deed) leaves nothing to tell from.
            doers = features.doers(premise.deed)
            if doers:
                named &= doers
        if premise.named_groups:
            named &= premise.named_groups
        return bool(named) and (premise.offers_choice or bool(named - premise.known_terms))
    return True


def _counts(
    premise: Premise, clause: frozenset[str], said: Set[str], claimant_terms: Set[str]
) -> bool:
    """Whether the figure in this clause counts what the question asks to count.

    The clause must hold the harm asked about and the actors counted ("how many rebels
    were wounded" is not answered by "20 others wounded" among civilians), and a third
    of the weight of what else the question asks that the fact's words mention at all:
    "in fresh strikes" describes both figures of "16 killed and 20 others wounded in
    fresh strikes", though a clause holds it only once.
    """
    # The harm counted must be the clause's; other harm the question names is context
    # ("how many injured besides the 16 dead").
    if premise.outcomes and not any(ways & clause for ways in premise.outcomes):
        return False
    # "how many rebels are there" is not answered by how many rebels were lost.
    if clause & premise.counted_harm and not premise.counted_harm.intersection(premise.weights):
        return False
    if not all(ways & (clause | claimant_terms) for ways in premise.actors):
        return False
    # The asker's own figures and the claimant are context, not what is counted.
    asked = {t for t in premise.known_terms & said if not is_number(t)} - claimant_terms
    total = sum(premise.weights.get(term, 0.0) for term in asked)
    inside = sum(premise.weights.get(term, 0.0) for term in asked & clause)
    return inside >= total / 3


def _initials(text: str) -> frozenset[str]:
    """Initials of every stretch of two or more capitalised words ("The Syrian Observatory
    for Human Rights" gives "sohr" among others); "for", "of", "and" may sit inside."""
    found: set[str] = set()
    run: list[str] = []

    def close() -> None:
        letters = "".join(word[0] for word in run).lower()
        found.update(
            letters[start:end]
            for start in range(len(letters))
            for end in range(start + 2, len(letters) + 1)
        )
        run.clear()

    for token in re.split(r"[\s,.;:“”\"()]+", text):
        if _CAPITALISED.fullmatch(token):
            run.append(token)
        elif run and token not in ("for", "of", "al", "and"):
            close()
    if run:
        close()
    return frozenset(found)
