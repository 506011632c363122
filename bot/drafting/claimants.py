"""Who a claimant's words in the report name: a known source, or a new one to propose.

The words are matched against each source's name and aliases, then against the words
the lexicon treats as the same ("the Britain-based monitor"), then fuzzily (rapidfuzz),
then against what the report has just said ("it added", "he said", "the 29-year-old",
"his ministry"). A match on a plain common word ("military") does not stand when the
words also carry a proper name the source does not ("a Turkish military source").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.drafting.claimant_names import full_name, person_name, proposed_name
from bot.drafting.claimant_words import (
    AGE,
    DETERMINERS,
    ROLES,
    content_words,
    names_a_person,
    proper_words,
    stems_of,
)
from bot.drafting.source_aliases import STRONG, WEAK, find_run, plural_of, source_aliases
from bot.knowledge import Lexicon
from bot.models import Source
from bot.text import fold, stem

_POSSESSIVES = frozenset({"his", "her", "its", "their"})

_ROLE_STEMS = frozenset(stem(role) for role in ROLES)

_SPOKESPEOPLE = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "official", "officials", "source", "sources",
     "representative", "envoy"}
)  # fmt: skip

_CONJUNCTION = re.compile(r"\s+and\s+")

# Words that refer back to an organisation already quoted rather than name a new one.
_ANAPHORIC = frozenset(
    stem(word)
    for word in ("group", "organisation", "organization", "agency", "body", "ministry",
                 "monitor", "watchdog", "charity", "movement", "alliance", "coalition",
                 "outlet", "broadcaster", "channel", "station", "network", "office",
                 "institute", "committee", "council", "statement", "report", "communique",
                 "readout", "organisation", "NGO", "ngo")
)  # fmt: skip

# Bodies that speak for themselves, apart from the government or group they belong to.
_INSTITUTIONS = frozenset(
    stem(word)
    for word in ("ministry", "office", "embassy", "consulate", "agency", "council",
                 "parliament", "presidency", "television", "tv", "media", "radio",
                 "broadcaster", "newspaper", "mission", "delegation", "committee", "commission")
)  # fmt: skip

# Where the words naming a claimant give way to an aside about them.
_HEAD_END = re.compile(r",|\s(?:who|which|whose)\s")

_FUZZY_CUTOFF = 88.0


@dataclass(frozen=True, slots=True)
class Claimant:
    source_id: str | None  # a known source's id; None when the source is to be added
    name: str

    @property
    def proposed(self) -> bool:
        return self.source_id is None


@dataclass(frozen=True, slots=True)
class _Mention:
    claimant: Claimant
    person: bool
    words: frozenset[str]


class ClaimantResolver:
    """Resolves claimants' words in order of the report, remembering whom it has met."""

    def __init__(self, sources: Sequence[Source], lexicon: Lexicon, outlet: str) -> None:
        self._sources = {source.id: source for source in sources}
        self._aliases = source_aliases(tuple(sources), lexicon.synonyms)
        self._vocabulary = {
            source.id: frozenset(
                stem(word)
                for alias in self._aliases
                if alias.source_id == source.id
                for word in alias.words
            )
            for source in sources
        }
        # What each source is, by the last word of its names ("monitor" of "war monitor")
        # and the first words of its description ("Rescue group working in …"): "the
        # monitor", "the group" may name it.
        self._kinds = {
            source.id: frozenset(
                stem(alias.words[-1]) for alias in self._aliases if alias.source_id == source.id
            )
            | _what_it_is(source.description)
            for source in sources
        }
        self._described = {
            source.id: frozenset(stem(word) for word in fold(source.description).split())
            for source in sources
        }
        self._choices = {
            index: " ".join(alias.words)
            for index, alias in enumerate(self._aliases)
            if alias.weight == STRONG and len(" ".join(alias.words)) >= 5
        }
        self._history: list[_Mention] = []
        self.outlet = self._known(outlet, outlet) or Claimant(None, outlet)

    def resolve(self, who: str, context: str, earlier: str = "") -> Claimant:
        """The source that `who` names, in a sentence reading `context` after the text
        `earlier`; remembered."""
        claimant, person = self._resolve(who, context, earlier)
        self._history.append(_Mention(claimant, person, frozenset(stems_of(who))))
        return claimant

    def known(self, who: str, context: str) -> Claimant | None:
        """The known source `who` names, if any; not remembered as a speaker."""
        return self._known(who, context)

    def short_name(self, claimant: Claimant) -> str:
        """How a person would name the claimant in a question: "sohr", "the syrian army"."""
        name = re.sub(r"\s*\(.*?\)", "", claimant.name).strip()
        source = self._sources.get(claimant.source_id or "")
        if source is not None and len(name.split()) > 3:
            short = [alias for alias in source.aliases if len(alias.split()) <= 3]
            named = [alias for alias in short if alias != alias.lower()]
            name = (named or short or [name])[0]
        return name.lower()

    def introduce(self, name: str) -> None:
        """A person the report introduces in its own voice ("Fatima, 60, clutched …"), whom
        a following "she said" may mean."""
        claimant, _ = self._resolve(name, name, "")
        self._history.append(_Mention(claimant, True, frozenset(stems_of(name))))

    def last(self) -> Claimant | None:
        """The last claimant met, for a quotation that carries on without attribution."""
        return self._history[-1].claimant if self._history else None

    def is_person(self, claimant: Claimant) -> bool:
        if claimant.source_id is None:
            return names_a_person(claimant.name)
        source = self._sources[claimant.source_id]
        return source.part_of is not None or names_a_person(source.name)

    def _resolve(self, who: str, context: str, earlier: str) -> tuple[Claimant, bool]:
        words = content_words(who)
        person = names_a_person(who)
        if not words:
            return self.outlet, False
        if len(words) == 1 and words[0] in {"he", "she", "him", "her"}:
            return self._recent(person=True), True
        if len(words) == 1 and words[0] == "it":
            return self._recent(person=False), False
        if len(words) == 1 and words[0] in {"they", "we"}:
            return self._recent(person=None), False
        if AGE.search(who) and len(words) <= 3:
            return self._recent(person=True), True
        if words[0] in _POSSESSIVES:
            rest = " ".join(words[1:])
            found = self._known(rest, context) or self._by_head(words[1:], context, who)
            if found is not None:
                return found, person
        head_words = content_words(_HEAD_END.split(who, maxsplit=1)[0])
        definite = re.match(r"\s*the\s", who, re.IGNORECASE) is not None
        if definite and head_words and stem(head_words[-1]) in _ROLE_STEMS:
            # "the doctor", "the official": the one the report has just introduced.
            for mention in reversed(self._history):
                if stem(head_words[-1]) in mention.words:
                    return mention.claimant, mention.person
        named = person_name(who)
        if named is None and len(head_words) > 1 and head_words[-1] in _SPOKESPEOPLE:
            # "a ministry spokesman", "an army official": whom they speak for.
            body = " ".join(head_words[:-1])
            found = self._known(body, context) or self._by_head(head_words[:-1], context, body)
            if found is not None:
                return found, True
        if named is not None:
            # "Kremlin spokesman Dmitry Peskov": the person speaks, for whomever they work.
            found = self._known_as(named)
            if found is not None:
                return found, self.is_person(found)
            return Claimant(None, named), True
        found = self._known(who, context)
        if found is not None:
            return found, person or self.is_person(found)
        if words[-1] not in ROLES or len(words) == 1:
            found = self._by_head(words, context, who)
            if found is not None:
                return found, person
        anaphoric = head_words and stem(head_words[-1]) in _ANAPHORIC
        owned = re.search(r"\w['’]s\b", who) is not None  # "the kingdom's interior ministry"
        if definite and anaphoric and not owned and not proper_words(who) and self._history:
            # "the aid group", "the statement": the organisation the report just quoted.
            return self._recent(person=False), False
        proposed = full_name(proposed_name(who), earlier)
        for mention in reversed(self._history):
            # "Peskov said" after "Kremlin spokesman Dmitry Peskov": the one proposed before.
            met = mention.claimant
            if met.proposed and set(content_words(proposed)) <= set(content_words(met.name)):
                return met, mention.person
        return Claimant(None, proposed), person

    def _recent(self, person: bool | None) -> Claimant:
        for mention in reversed(self._history):
            if person is None or mention.person == person:
                return mention.claimant
        return self._history[-1].claimant if self._history else self.outlet

    def _known(self, who: str, context: str) -> Claimant | None:
        """The known source the words name, by its names and aliases: those in the name
        itself before any in an aside after it ("…, a mother of four who fled …")."""
        head = _HEAD_END.split(who, maxsplit=1)[0]
        conjuncts = _CONJUNCTION.split(head)
        if len(conjuncts) > 1:
            # "a war monitor and a Kurdish official": each names its own; the first known.
            for conjunct in conjuncts:
                found = self._known(conjunct, context)
                if found is not None:
                    return found
            return None
        proper = proper_words(who)
        capitals = {fold(word) for word in re.findall(r"[\w'’-]+", who) if word.isupper()}
        # The aside after a name ("Ahmed, an engineer in exile in Turkey") is searched only
        # when the name itself is no name ("a spokesman, …").
        readings = [content_words(head)]
        if not proper_words(head):
            readings.append(content_words(who))
        for words in readings:
            stems = [stem(word) for word in words]
            scores: dict[str, float] = {}
            for alias in self._aliases:
                if alias.acronyms - capitals:
                    continue  # "WHO" names the organisation; "who" does not
                at = find_run(stems, alias.stems)
                if at < 0 or (alias.generic and proper - self._vocabulary[alias.source_id]):
                    continue
                if alias.weight == WEAK and plural_of(words[at + len(alias.words) - 1], alias):
                    continue  # "rights groups say" are many groups, not the one
                score = alias.weight * len(alias.words)
                scores[alias.source_id] = max(scores.get(alias.source_id, 0.0), score)
            if scores:
                best = max(scores.values())
                tied = [source_id for source_id, score in scores.items() if score == best]
                found = self._claimant(self._prefer(tied, context, who))
                institution = stems[-1] if stems and stems[-1] in _INSTITUTIONS else None
                if institution and institution not in self._vocabulary[found.source_id or ""]:
                    # "Russia's defence ministry" is not the Russian government itself.
                    return None
                return found
        return self._fuzzy(" ".join(content_words(head)), proper)

    def _known_as(self, name: str) -> Claimant | None:
        """The known source a person's whole name is ("Rami Abdel Rahman"), not one a word
        of it names ("Israel" in "Israel Katz")."""
        words = content_words(name)
        for alias in self._aliases:
            if alias.weight != STRONG:
                continue
            if len(alias.words) >= 2 and find_run(words, alias.words) >= 0:
                return self._claimant(alias.source_id)
        return self._fuzzy(" ".join(words), set())

    def _fuzzy(self, words: str, proper: set[str]) -> Claimant | None:
        if len(words) < 5:
            return None
        match = process.extractOne(
            words, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if match is None:
            return None
        alias = self._aliases[match[2]]
        if alias.generic and proper - self._vocabulary[alias.source_id]:
            return None
        return self._claimant(alias.source_id)

    def _by_head(self, words: Sequence[str], context: str, written: str) -> Claimant | None:
        """For "the ministry", "the monitor": a source whose names or description have the
        word, preferring one the report has just quoted or the sentence names."""
        head = stem(words[-1])
        if head in _ROLE_STEMS or (words[-1] != head and words[-1].endswith("s")):
            return None  # a person, or many bodies ("rights groups say"), not a source
        proper = proper_words(written)
        candidates = {source_id for source_id in self._sources if head in self._kinds[source_id]}
        described = {stem(word) for word in words if word not in DETERMINERS}
        mentioned = [m.claimant for m in self._history if described <= m.words]
        candidates.update(c.source_id for c in mentioned if c.source_id is not None)
        # Every word must fit: "Russia's defence ministry" is not the foreign ministry.
        candidates = {
            c
            for c in candidates
            if not proper - self._vocabulary[c]
            and not described - self._vocabulary[c] - self._described[c]
        }
        known = (
            self._claimant(self._prefer(sorted(candidates), context, written))
            if candidates
            else None
        )
        proposed = [c for c in mentioned if c.source_id is None]
        if proposed and (known is None or self._met_after(proposed[-1], known, context, written)):
            # "the agency" after "state news agency SANA": the one the report just named.
            return proposed[-1]
        return known

    def _met_after(self, proposed: Claimant, known: Claimant, context: str, who: str) -> bool:
        """Whether the report met a proposed source after a known one the sentence does
        not name (other than by the words `who` that are being resolved)."""
        context_stems = set(stems_of(context)) - set(stems_of(who))
        if known.source_id is not None and self._vocabulary[known.source_id] & context_stems:
            return False
        order = [mention.claimant for mention in self._history]
        last_known = max((i for i, c in enumerate(order) if c == known), default=-1)
        return max(i for i, c in enumerate(order) if c == proposed) > last_known

    def _prefer(self, candidates: Sequence[str], context: str, who: str = "") -> str:
        """Of equally good sources, the one the sentence says most of, then the latest met."""
        if len(candidates) == 1:
            return candidates[0]
        context_stems = set(stems_of(context)) - set(stems_of(who))
        recency = {mention.claimant.source_id: index for index, mention in enumerate(self._history)}

        def key(source_id: str) -> tuple[int, int]:
            overlap = len(self._vocabulary[source_id] & context_stems)
            return overlap, recency.get(source_id, -1)

        return max(candidates, key=key)

    def _claimant(self, source_id: str) -> Claimant:
        return Claimant(source_id, self._sources[source_id].name)


def _what_it_is(description: str) -> frozenset[str]:
    """The head of a description's first phrase: "group" of "Rescue group working in …",
    "monitor" of "War monitor quoted …", "agency" of "The news agency whose report …"."""
    first = re.split(
        r"[;,.(]|\s(?:of|in|for|with|on|at|who|whose|which|that|and)\s|\s\w+ed\b",
        description,
        maxsplit=1,
    )[0]
    words = fold(first).split()
    return frozenset({stem(words[-1])}) if words else frozenset()
