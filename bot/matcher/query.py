"""One question (an `Ask` from understand.py) into what scoring needs: a `_Query`.

Its terms are weighted by rarity among the facts the guild sees (IDF), and a term no fact
uses by how rare it is in English; the question's claimants, names, actors and speakers
make up the `Premise` that answerable.py checks a fact against.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from bot.knowledge import Chatter
from bot.matcher.analysis import Analyzer, _closest_word
from bot.matcher.answerable import WHEN_WORDS, Premise, is_number, question_numbers
from bot.matcher.chatter import STRETCHED
from bot.matcher.frequency import WordFrequency
from bot.matcher.kinds import AskKind
from bot.matcher.policy import MatchPolicy
from bot.matcher.structures import _scopes, _Snapshot
from bot.matcher.understand import PREPOSITIONS, Ask
from bot.models import Source
from bot.text import fold, stem


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    weights: dict[str, float]
    claimants: frozenset[str]
    names: frozenset[str]
    premise: Premise
    # The guild scopes whose facts the question sees (the curated base, and the guild's).
    scopes: tuple[int, ...] = (0,)
    # Worked out once: every phrasing fit divides by it.
    total_weight: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_weight", sum(self.weights.values()))


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


def _before_or(words: Sequence[str]) -> list[str]:
    """The words before an offered alternative: "did they take it or not"."""
    return list(words[: words.index("or")] if "or" in words else words)


# Words that ask for a group by name rather than a side.
_FACTION = frozenset({"faction", "factions"})

# Words that open a clause to the room: "…, if you get it", "…, so i can post it".
_ASIDE_JOINS = frozenset({"if", "so", "because", "cause", "cuz", "as", "and", "but", "or"})

# Phrases that set something aside: what follows is not part of the answer.
_SETTING_ASIDE = (
    ("apart", "from"),
    ("aside", "from"),
    ("other", "than"),
    ("besides",),
    ("except",),
    ("excluding",),
)

# Words that speak to the room: a tail holding one after the question is addressed to
# the reader ("enlighten me"), not part of what is asked.
_ADDRESSING = frozenset({"me", "you", "your", "yours", "i", "im", "my", "us"})

_WHAT_IS = (
    frozenset({"what", "which", "who", "whats", "whos"}),
    frozenset({"is", "are", "was", "were"}),
)


def _asks_what_is(words: Sequence[str]) -> bool:
    """Whether the question opens "what is (the) X" or "who are (the) X"."""
    return (
        bool(words)
        and words[0] in _WHAT_IS[0]
        and words[1:2] != []
        and (words[1] in _WHAT_IS[1] or words[1] in ("the", "a"))
    )


class QueryBuilder:
    """Turns each question a message asks into a `_Query`, against one snapshot."""

    def __init__(self, analyzer: Analyzer, chatter: Chatter, frequency: WordFrequency) -> None:
        self.analyzer = analyzer
        self.frequency = frequency
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
        self._world_places = frozenset(
            t for w in chatter.world_places for t in analyse(w.split())[0]
        )
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
        self._aliases: dict[tuple[str, ...], set[str]] = {}
        self._single_words: dict[str, tuple[str, ...]] = {}
        self._longest_alias = 0

    def use_sources(self, sources: Iterable[Source]) -> None:
        """Recognise the sources' names (and aliases) as claimants in questions."""
        aliases: dict[tuple[str, ...], set[str]] = {}
        sources = list(sources)
        for source in sources:
            for name in source.all_names():
                key = self.analyzer.key(name)
                # "the" alone, or any name made only of function words, names no one.
                if any(word not in self.analyzer.stopwords for word in key):
                    aliases.setdefault(key, set()).add(source.id)
        self._aliases = aliases
        self._longest_alias = max((len(key) for key in aliases), default=0)
        # Terms that name a claimant ("france", "observatory"), less the common nouns
        # some names contain ("government", "army").
        self._claimant_name_terms = (
            frozenset(
                t
                for source in sources
                for name in source.all_names()
                for t in self.analyzer.analyse(fold(name).split())[0]
            )
            - self.actor_terms
        )

    def build(self, snapshot: _Snapshot, ask: Ask, guild_id: int, policy: MatchPolicy) -> _Query:
        """The question's weighted terms, and the premise a fact must support to answer it."""
        words = self._asked_words(snapshot, ask, guild_id)
        content, function = self.analyzer.analyse(words)
        # What a yes/no question claims, read before the alternative it offers: "is
        # araghchi going to turkey or syria" names Araghchi and Turkey.
        polar = bool(words) and words[0] in _POLAR
        claim_terms = frozenset(self.analyzer.analyse(_before_or(words))[0]) if polar else None
        # "which other towns fell apart from the city": the city is set aside, not asked about.
        aside = self._set_aside(words)
        # Repeated words should not weigh twice.
        terms = [t for t in dict.fromkeys(content) if t not in aside] or list(
            dict.fromkeys(content)
        )
        weights, known = self._weights(snapshot, ask, words, terms, guild_id, policy)
        if all(is_number(term) for term in weights):
            # "20 for me": a figure alone names nothing to look up.
            weights = {}
        claimants = self._claimants(words)
        names = self._names(snapshot, terms, guild_id)
        named_actors = (names if claim_terms is None else names & claim_terms) - (
            self._common_actor_terms
        )
        # A figure to check and nothing else asked for: only a fact with figures answers
        # ("hammadi is like 35 right" wants his age, not his quote).
        kind: AskKind = ask.kind
        if ask.checking and kind == "other" and question_numbers(words):
            kind = "figure"
        premise = Premise(
            kind=kind,
            numbers=frozenset() if ask.checking else question_numbers(words),
            known_terms=frozenset(known - self.analyzer.light_terms),
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
                if ask.kind in ("time", "date", "reason")
                else None
            ),
            unsupported=(
                frozenset()
                if claim_terms is None
                else self._unsupported(words, claim_terms, known, policy)
            ),
        )
        return _Query(
            " ".join(terms + function), weights, claimants, names, premise, _scopes(guild_id)
        )

    def _asked_words(self, snapshot: _Snapshot, ask: Ask, guild_id: int) -> list[str]:
        """The question's words, spelling corrected, without the chatter around them."""
        words = [self._correct(snapshot, word, guild_id) for word in ask.text.split()]
        if ask.lead and not self.knows(snapshot, words[: ask.lead], guild_id):
            # "bonjour tout le monde, who took…": a lead-in the base shares nothing with.
            words = words[ask.lead :]
        words = self._without_address(snapshot, words, guild_id)
        if "or" in words:
            # "…, or is it all rumours on telegram": an alternative the base knows nothing
            # of is chatter, not part of what is asked.
            last_or = len(words) - 1 - words[::-1].index("or")
            if not self.knows(snapshot, words[last_or + 1 :], guild_id):
                words = words[:last_or]
        return words

    def _names(self, snapshot: _Snapshot, terms: Iterable[str], guild_id: int) -> frozenset[str]:
        """The terms that name someone or somewhere. A place elsewhere that no fact
        mentions is a name as much as one the facts use."""
        return frozenset(
            term
            for term in terms
            if self._is_name(snapshot, term, guild_id)
            or (term in self._world_places and not _uses(snapshot, term, guild_id))
        )

    def _weights(
        self,
        snapshot: _Snapshot,
        ask: Ask,
        words: Sequence[str],
        terms: Sequence[str],
        guild_id: int,
        policy: MatchPolicy,
    ) -> tuple[dict[str, float], set[str]]:
        """Each term's weight, and the terms some fact the guild sees uses."""
        # Rarity is counted among the facts this guild sees, so another server's facts
        # never change how a question here is weighed.
        scopes = _scopes(guild_id)
        total = sum(len(snapshot.scopes[s]) for s in scopes if s in snapshot.scopes) + 1
        spelled = {stem(word): word for word in words}
        # "what is the capital of France": the first content word after a question word is
        # the subject, and weighs in full however common it is in English.
        framing = self.analyzer.light_terms
        subject = (
            next((t for t in terms if t not in framing), None)
            if ask.kind in ("other", "identity") and _asks_what_is(words)
            else None
        )
        weights: dict[str, float] = {}
        known: set[str] = set()
        for term in terms:
            posting = snapshot.postings.get(term)
            frequency = (
                sum(len(posting.scopes[s]) for s in scopes if s in posting.scopes) if posting else 0
            )
            # Rare terms say more about what is asked; a term no fact uses says the most,
            # as much as it is rare in English.
            weight = math.log(total / (frequency + 0.5))
            if ask.checking and is_number(term):
                # Someone else's figure says what is asked about, not what is asked.
                continue
            if frequency:
                known.add(term)
            else:
                rarity = 1.0 if term == subject else self._rarity(term, spelled, policy)
                weight *= policy.unknown_word_factor * rarity
            if term in self.analyzer.light_terms:
                weight *= policy.light_word_factor
            weights[term] = weight
        return weights, known

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
        spelled = {stem(word): word for word in _before_or(words)}
        return frozenset(
            term
            for term in claimed
            if term not in known
            and term not in self.analyzer.light_terms
            and not is_number(term)
            and max(self.frequency.zipf(term), self.frequency.zipf(spelled.get(term, term)))
            <= policy.unsupported_zipf
        )

    def _actors(self, terms: Iterable[str], names: frozenset[str]) -> tuple[frozenset[str], ...]:
        """Each actor among the terms, with the broader term a fact may name it by."""
        broader = self.analyzer.broader
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
                before = self.analyzer.analyse(words[:position])[0]
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
                    if t not in known and t not in self.analyzer.light_terms
                )
                return actors + unknown
        return ()

    def _rarity(self, term: str, spelled: Mapping[str, str], policy: MatchPolicy) -> float:
        """1 for a word rare in English, down to common_word_factor for an everyday one."""
        zipf = max(self.frequency.zipf(term), self.frequency.zipf(spelled.get(term, term)))
        if zipf <= policy.rare_zipf:
            return 1.0
        share = (policy.common_zipf - zipf) / (policy.common_zipf - policy.rare_zipf)
        return max(policy.common_word_factor, min(1.0, share))

    def _is_name(self, snapshot: _Snapshot, term: str, guild_id: int) -> bool:
        # A few facts are enough to tell; a term spelled with a capital there is a name.
        posting = snapshot.postings.get(term)
        if posting is None:
            return False
        visible = [s for s in _scopes(guild_id) if s in posting.scopes]
        slots = chain.from_iterable(posting.scopes[scope] for scope in visible)
        for count, slot in enumerate(slots):
            if term in snapshot.entries.at(slot).names:
                return True
            if count >= 64:
                break
        return False

    def _claimants(self, words: Sequence[str]) -> frozenset[str]:
        stems = [stem(word) for word in words]
        found: set[str] = set()
        for length in range(1, min(self._longest_alias, len(stems)) + 1):
            for start in range(len(stems) - length + 1):
                found.update(self._aliases.get(tuple(stems[start : start + length]), ()))
        return frozenset(found)

    def _without_address(self, snapshot: _Snapshot, words: list[str], guild_id: int) -> list[str]:
        """The question without words to the room after its last word the base knows:
        "are shops open in the city, enlighten me", "who is hammadi, W bot if you get it"."""
        light = self.analyzer.light_terms
        last = -1
        for position, word in enumerate(words):
            if any(t not in light and _uses(snapshot, t, guild_id) for t in self._word_terms(word)):
                last = position
        tail = words[last + 1 :]
        if last < 0 or len(tail) < 2 or not _ADDRESSING.intersection(tail):
            return words
        # The words to the room start with the verb before the first pronoun ("enlighten
        # me", "if you get it"); a word before that still belongs to the question ("did
        # assad resign, tell me").
        spoken = next(i for i, word in enumerate(tail) if word in _ADDRESSING)
        if any(word in _ADDRESSING and tail[i - 1] in PREPOSITIONS for i, word in enumerate(tail)):
            # "help me with my chemistry homework": the pronoun belongs to the subject.
            return words
        keep = max(0, spoken - 1)
        if keep and not (tail[keep - 1] in self.analyzer.stopwords or tail[keep] in _ASIDE_JOINS):
            return words[: last + 1 + keep]
        return words[: last + 1]

    def _deed(self, words: Sequence[str], names: frozenset[str]) -> str | None:
        """What the agent asked for did: the first content word after an opening "who"
        ("who commanded the siege" -> command), if it names no one."""
        if not words or words[0] not in ("who", "whos"):
            return None
        for term in self.analyzer.analyse(list(words[1:]))[0]:
            if term in self.analyzer.light_terms:
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
            and term not in self.analyzer.light_terms
            and term not in WHEN_WORDS
        ]
        return max(events)[1] if events else None

    def _set_aside(self, words: Sequence[str]) -> frozenset[str]:
        """Terms the question excludes from its answer: "besides Damascus", "apart from
        the city itself", "other than the army"."""
        for position in range(len(words)):
            for phrase in _SETTING_ASIDE:
                if tuple(words[position : position + len(phrase)]) == phrase:
                    after = words[position + len(phrase) : position + len(phrase) + 3]
                    return frozenset(self.analyzer.analyse(list(after))[0])
        return frozenset()

    def _word_terms(self, word: str) -> tuple[str, ...]:
        """The terms of one word on its own, kept: the same words recur."""
        terms = self._single_words.get(word)
        if terms is None:
            terms = tuple(self.analyzer.analyse([word])[0])
            if len(self._single_words) >= 50_000:
                self._single_words.clear()
            self._single_words[word] = terms
        return terms

    def knows(self, snapshot: _Snapshot, words: Sequence[str], guild_id: int) -> bool:
        """Whether any content word among these, framing words aside, is one the facts
        the guild sees use. The words are corrected as a question's are."""
        content = self.analyzer.analyse([self._correct(snapshot, w, guild_id) for w in words])[0]
        light = self.analyzer.light_terms
        return any(term not in light and _uses(snapshot, term, guild_id) for term in content)

    def _correct(self, snapshot: _Snapshot, word: str, guild_id: int) -> str:
        """The word that `word` misspells among those of the facts the guild sees, or
        `word` itself."""
        counts = [snapshot.word_counts[s] for s in _scopes(guild_id) if s in snapshot.word_counts]
        if (
            len(word) < 5
            or word.isdigit()
            or any(word in seen for seen in counts)
            or word in self.analyzer.lexicon_words
            or stem(word) in self.analyzer.lexicon_words
        ):
            return word
        for plain in (STRETCHED.sub(r"\1\1", word), STRETCHED.sub(r"\1", word)):
            # "aleppppo": a stretched spelling of the base's own word.
            if plain != word and any(plain in seen for seen in counts):
                return plain
        known = snapshot.corrections.setdefault(guild_id, {})
        corrected = known.get(word)
        if corrected is None:
            vocabularies = [
                snapshot.vocabulary[s] for s in _scopes(guild_id) if s in snapshot.vocabulary
            ]
            corrected = _closest_word(word, *vocabularies)
            if len(known) < 50_000:
                known[word] = corrected
        return corrected


def _uses(snapshot: _Snapshot, term: str, guild_id: int) -> bool:
    """Whether a fact the guild sees uses the term."""
    posting = snapshot.postings.get(term)
    return posting is not None and any(s in posting.scopes for s in _scopes(guild_id))
