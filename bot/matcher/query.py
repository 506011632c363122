"""One question (an `Ask` from understand.py) into what scoring needs: a `_Query`.

The question's words are corrected against the facts the guild sees (vocabulary.py) and
lose the lead-ins and words to the room the base knows nothing of. Its terms are weighted
by rarity among those facts (IDF), and a term no fact uses by how rare it is in English;
premise.py reads what the question takes as given into its `Premise`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.knowledge import Chatter
from bot.matcher.analysis import Analyzer
from bot.matcher.answerable import Premise, is_number
from bot.matcher.frequency import WordFrequency
from bot.matcher.policy import MatchPolicy
from bot.matcher.premise import PremiseReader
from bot.matcher.structures import _scopes, _Snapshot
from bot.matcher.understand import PREPOSITIONS, Ask
from bot.matcher.vocabulary import Vocabulary, is_name, uses
from bot.models import Source
from bot.text import stem


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
_SETTING_ASIDE_STARTS = frozenset(phrase[0] for phrase in _SETTING_ASIDE)

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
        self.premises = PremiseReader(analyzer, chatter, frequency)
        self.actor_terms = self.premises.actor_terms
        self.vocabulary = Vocabulary(analyzer)
        self._world_places = frozenset(
            t for w in chatter.world_places for t in analyzer.analyse(w.split())[0]
        )
        # "what's their reason", "the motive behind it": in a question that asks why,
        # the words for a reason say what is asked, not what it is about.
        self._reason_terms = frozenset(
            t for w in chatter.kinds.get("reason", ()) for t in analyzer.analyse(w.split())[0]
        )
        self._aliases: dict[str, list[tuple[tuple[str, ...], set[str]]]] = {}

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
        # By first stem: a question's words are looked up once each.
        by_first: dict[str, list[tuple[tuple[str, ...], set[str]]]] = {}
        for key, ids in aliases.items():
            by_first.setdefault(key[0], []).append((key, ids))
        self._aliases = by_first
        self.premises.use_sources(sources)

    def build(self, snapshot: _Snapshot, ask: Ask, guild_id: int, policy: MatchPolicy) -> _Query:
        """The question's weighted terms, and the premise a fact must support to answer it."""
        words = self._asked_words(snapshot, ask, guild_id)
        content, function = self.analyzer.analyse(words)
        # "which other towns fell apart from the city": the city is set aside, not asked about.
        aside = self._set_aside(words)
        # Repeated words should not weigh twice.
        terms = [t for t in dict.fromkeys(content) if t not in aside] or list(
            dict.fromkeys(content)
        )
        if ask.kind == "reason":
            terms = [t for t in terms if t not in self._reason_terms] or terms
        weights, known = self._weights(snapshot, ask, words, terms, guild_id, policy)
        if all(is_number(term) for term in weights):
            # "20 for me": a figure alone names nothing to look up.
            weights = {}
        claimants = self._claimants(words)
        names = self._names(snapshot, terms, guild_id)
        premise = self.premises.read(ask, words, terms, names, weights, known, policy)
        return _Query(
            " ".join(terms + function), weights, claimants, names, premise, _scopes(guild_id)
        )

    def _asked_words(self, snapshot: _Snapshot, ask: Ask, guild_id: int) -> list[str]:
        """The question's words, spelling corrected, without the chatter around them."""
        words = [self.vocabulary.correct(snapshot, word, guild_id) for word in ask.text.split()]
        if ask.lead and not self.vocabulary.knows(snapshot, words[: ask.lead], guild_id):
            # "bonjour tout le monde, who took…": a lead-in the base shares nothing with.
            words = words[ask.lead :]
        words = self._without_address(snapshot, words, guild_id)
        if "or" in words:
            # "…, or is it all rumours on telegram": an alternative the base knows nothing
            # of is chatter, not part of what is asked.
            last_or = len(words) - 1 - words[::-1].index("or")
            if not self.vocabulary.knows(snapshot, words[last_or + 1 :], guild_id):
                words = words[:last_or]
        return words

    def _names(self, snapshot: _Snapshot, terms: Iterable[str], guild_id: int) -> frozenset[str]:
        """The terms that name someone or somewhere. A place elsewhere that no fact
        mentions is a name as much as one the facts use."""
        return frozenset(
            term
            for term in terms
            if is_name(snapshot, term, guild_id)
            or (term in self._world_places and not uses(snapshot, term, guild_id))
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

    def _rarity(self, term: str, spelled: Mapping[str, str], policy: MatchPolicy) -> float:
        """1 for a word rare in English, down to common_word_factor for an everyday one."""
        zipf = max(self.frequency.zipf(term), self.frequency.zipf(spelled.get(term, term)))
        if zipf <= policy.rare_zipf:
            return 1.0
        share = (policy.common_zipf - zipf) / (policy.common_zipf - policy.rare_zipf)
        return max(policy.common_word_factor, min(1.0, share))

    def _claimants(self, words: Sequence[str]) -> frozenset[str]:
        stems = [stem(word) for word in words]
        found: set[str] = set()
        for start, first in enumerate(stems):
            for key, ids in self._aliases.get(first, ()):
                if tuple(stems[start : start + len(key)]) == key:
                    found.update(ids)
        return frozenset(found)

    def _without_address(self, snapshot: _Snapshot, words: list[str], guild_id: int) -> list[str]:
        """The question without words to the room after its last word the base knows:
        "are shops open in the city, enlighten me", "who is hammadi, W bot if you get it"."""
        light = self.analyzer.light_terms
        last = -1
        for position, word in enumerate(words):
            if any(
                t not in light and uses(snapshot, t, guild_id)
                for t in self.vocabulary.word_terms(word)
            ):
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

    def _set_aside(self, words: Sequence[str]) -> frozenset[str]:
        """Terms the question excludes from its answer: "besides Damascus", "apart from
        the city itself", "other than the army"."""
        if _SETTING_ASIDE_STARTS.isdisjoint(words):
            return frozenset()
        for position in range(len(words)):
            for phrase in _SETTING_ASIDE:
                if tuple(words[position : position + len(phrase)]) == phrase:
                    after = words[position + len(phrase) : position + len(phrase) + 3]
                    return frozenset(self.analyzer.analyse(list(after))[0])
        return frozenset()
