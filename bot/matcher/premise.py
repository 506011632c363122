"""What a question takes as given: the `Premise` answerable.py checks a fact against.

Who the question names (actors, named groups, claimants), who it says spoke, what a "who"
or "when" question asks about, and the rare words of a yes/no question's claim that no
fact uses: a false premise ("did Syria's president resign").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.knowledge import Chatter
from bot.matcher.analysis import Analyzer
from bot.matcher.answerable import WHEN_WORDS, Premise, is_number, question_numbers
from bot.matcher.frequency import WordFrequency
from bot.matcher.kinds import AskKind
from bot.matcher.policy import MatchPolicy
from bot.matcher.understand import Ask
from bot.models import Source
from bot.text import fold, stem

# Openers of a yes/no question: "did…", "is…", "has…".
_POLAR = frozenset(
    [
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
    ]
)


def before_or(words: Sequence[str]) -> list[str]:
    """The words before an offered alternative: "did they take it or not"."""
    return list(words[: words.index("or")] if "or" in words else words)


# Words that ask for a group by name rather than a side.
_FACTION = frozenset({"faction", "factions"})


# "what colour", "which airline", "what is the population of": the thing asked for.
_WHAT = frozenset({"what", "whats", "which"})
_BEFORE_THE_THING = frozenset(
    {"is", "was", "are", "were", "s", "the", "a", "an", "kind", "sort", "type", "of"}
)


class PremiseReader:
    """Reads the premise of each question, with the actors, places and outcomes of the
    chatter knowledge and the names of the sources."""

    def __init__(self, analyzer: Analyzer, chatter: Chatter, frequency: WordFrequency) -> None:
        self._analyzer = analyzer
        self._frequency = frequency
        analyse = analyzer.analyse
        self.actor_terms = frozenset(t for w in chatter.actors for t in analyse(w.split())[0])
        # Groups known by name (HTS); "army" is capitalised in "Syrian Army" but names no
        # one in particular.
        self._named_groups = frozenset(
            t for w in chatter.named_actors for t in analyse(w.split())[0]
        )
        self._common_actor_terms = self.actor_terms - self._named_groups
        self._harm_terms = frozenset(t for w in chatter.harm for t in analyse(w.split())[0])
        self._place_terms = frozenset(t for w in chatter.places for t in analyse(w.split())[0])
        self._speech = chatter.speech
        # Words of the phrases that ask for an agent ("who is behind", "which side").
        self._agent_words = frozenset(
            t for phrase in chatter.kinds.get("agent", ()) for t in analyse(phrase.split())[0]
        )
        # Outcome term -> the terms a fact may report it with (itself included).
        groups = [
            frozenset(t for word in group for t in analyse([word])[0])
            for group in chatter.outcome_equivalents
        ]
        self._outcomes = {
            term: frozenset({term}).union(*(g for g in groups if term in g))
            for word in chatter.outcomes
            for term in analyse([word])[0]
        }
        self._counted_harm = frozenset().union(*self._outcomes.values())
        self._claimant_name_terms: frozenset[str] = frozenset()

    def use_sources(self, sources: Iterable[Source]) -> None:
        """Recognise the sources' names as speakers in questions."""
        # Terms that name a claimant ("france", "observatory"), less the common nouns
        # some names contain ("government", "army").
        self._claimant_name_terms = (
            frozenset(
                t
                for source in sources
                for name in source.all_names()
                for t in self._analyzer.terms_of(fold(name).split())
            )
            - self.actor_terms
        )

    def read(
        self,
        ask: Ask,
        words: list[str],
        terms: Sequence[str],
        names: frozenset[str],
        weights: dict[str, float],
        known: set[str],
        policy: MatchPolicy,
    ) -> Premise:
        """The premise a fact must support to answer the question: `words` as asked,
        `terms` weighed as `weights`, of which `names` name someone and `known` are used
        by some fact."""
        # What a yes/no question claims, read before the alternative it offers: "is
        # araghchi going to turkey or syria" names Araghchi and Turkey.
        polar = bool(words) and words[0] in _POLAR
        claim_terms = frozenset(self._analyzer.analyse(before_or(words))[0]) if polar else None
        named_actors = (names if claim_terms is None else names & claim_terms) - (
            self._common_actor_terms
        )
        # A figure to check and nothing else asked for: only a fact with figures answers
        # ("hammadi is like 35 right" wants his age, not his quote).
        kind: AskKind = ask.kind
        if ask.checking and kind == "other" and question_numbers(words):
            kind = "figure"
        return Premise(
            kind=kind,
            numbers=frozenset() if ask.checking else question_numbers(words),
            known_terms=frozenset(known - self._analyzer.light_terms),
            weights=weights,
            actors=self._actors(terms, names),
            named_actors=named_actors,
            harm=frozenset(terms).intersection(self._harm_terms),
            outcomes=tuple(self._outcomes[term] for term in terms if term in self._outcomes),
            # "who said that" asks for the speaker; what comes before is what was said.
            speakers=() if ask.kind == "claimant" else self._speakers(words, names, known),
            counted_harm=self._counted_harm,
            short_words=frozenset(w for w in words if 2 <= len(w) <= 5 and w.isalpha()),
            offers_choice="or" in words,
            places=self._place_terms,
            named_groups=self._named_groups if _FACTION.intersection(words) else frozenset(),
            deed=(
                self._deed(words, names)
                if ask.kind == "agent"
                else self._event(weights, names)
                if ask.kind in ("time", "date", "reason", "duration")
                else None
            ),
            unsupported=(
                self._unknown_asked(words, known, policy)
                if claim_terms is None
                else self._unsupported(words, claim_terms, known, policy)
            ),
        )

    def _unsupported(
        self,
        words: Sequence[str],
        claimed: frozenset[str],
        known: set[str],
        policy: MatchPolicy,
    ) -> frozenset[str]:
        """The rare words of a yes/no question's claim that no fact uses: what it asks to
        confirm and no fact reports ("did Syria's president resign"). Words after "or"
        offer an alternative ("…or did they dip"), not a premise."""
        spelled = {stem(word): word for word in before_or(words)}
        return frozenset(
            term
            for term in claimed
            if term not in known
            and term not in self._analyzer.light_terms
            and not is_number(term)
            and max(self._frequency.zipf(term), self._frequency.zipf(spelled.get(term, term)))
            <= policy.unsupported_zipf
        )

    def _unknown_asked(
        self, words: Sequence[str], known: set[str], policy: MatchPolicy
    ) -> frozenset[str]:
        """What "what colour is the flag" asks for, when no fact uses the word: the noun
        after "what" or "which" (past "is the", "kind of"). A fact on the flag does not
        give its colour."""
        rest = list(words[1:]) if words and words[0] in _WHAT else []
        while rest and rest[0] in _BEFORE_THE_THING:
            rest = rest[1:]
        if not rest or rest[0] in self._analyzer.stopwords:
            return frozenset()
        word = rest[0]
        # Read in place: "sham fm" and "pro-government radio" are one name.
        return frozenset(
            term
            for term in self._analyzer.analyse(rest)[0][:1]
            if term not in known
            and term not in self._analyzer.light_terms
            and not is_number(term)
            and self._frequency.zipf(word) <= policy.asked_zipf
        )

    def _actors(self, terms: Iterable[str], names: frozenset[str]) -> tuple[frozenset[str], ...]:
        """Each actor among the terms, with the broader term a fact may name it by."""
        broader = self._analyzer.broader
        return tuple(
            frozenset({term, broader[term]} if term in broader else {term})
            for term in terms
            if term in self.actor_terms or term in names
        )

    def _speakers(
        self, words: Sequence[str], names: frozenset[str], known: set[str]
    ) -> tuple[frozenset[str], ...]:
        """Who is named before the first verb of saying: "what did Assad say".

        A speaker the base has never heard of ("what did Washington say") can be no fact's
        claimant, so it stays in as a term no fact has.
        """
        for position, word in enumerate(words):
            if word in self._speech:
                before = self._analyzer.analyse(words[:position])[0]
                actors = self._actors(before, names)
                named = (names - self._common_actor_terms) | self._claimant_name_terms
                claimants = tuple(frozenset({t}) for t in before if t in self._claimant_name_terms)
                speakers = tuple(dict.fromkeys(actors + claimants))
                if "or" in words[:position]:
                    # "did paris or any other government react": any one of them will do.
                    speakers = (frozenset().union(*speakers),) if speakers else ()
                if any(actor & named for actor in actors) or claimants:
                    # "the british-based monitor says", "did paris or any european country
                    # react": a speaker named, and described.
                    return speakers
                # "any european govts react": who they are is in the unknown word.
                unknown = tuple(
                    frozenset({t})
                    for t in before
                    if t not in known and t not in self._analyzer.light_terms
                )
                return actors + unknown
        return ()

    def _deed(self, words: Sequence[str], names: frozenset[str]) -> str | None:
        """What the agent asked for did: the first content word after an opening "who"
        ("who commanded the siege" -> command), if it names no one."""
        if not words or words[0] not in ("who", "whos"):
            return None
        for term in self._analyzer.analyse(list(words[1:]))[0]:
            if term in self._analyzer.light_terms:
                continue
            if term in self._agent_words or term in self.actor_terms or term in names:
                # "who is behind the offensive" asks the relation itself; "who, the army?"
                # names someone.
                return None
            return term
        return None

    def _event(self, weights: Mapping[str, float], names: frozenset[str]) -> str | None:
        """What "when" asks the time of: the weightiest term that names no one ("when did
        he leave" -> withdraw). A fact that gives a time for something else does not say."""
        events = [
            (weight, term)
            for term, weight in weights.items()
            if term not in names
            and term not in self.actor_terms
            and term not in self._analyzer.light_terms
            and term not in WHEN_WORDS
        ]
        return max(events)[1] if events else None
