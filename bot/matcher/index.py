"""MatchIndex: the facts, indexed for matching, and what the rest of the bot calls.

Writing (`apply`, `set_sources`) turns facts into records and publishes the next snapshot
(update.py). Reading (`match`, `rank`, `complete`) works from one snapshot: it reads the
message's questions (understand.py, query.py), takes candidates most shared content first
(candidates.py), scores them (score.py) until the decision is settled, and decides
(decide.py).
"""

from __future__ import annotations

import dataclasses
import math
import sys
import threading
from collections.abc import Iterable, Sequence
from typing import TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz import utils as fuzz_utils

from bot.knowledge import Lexicon
from bot.matcher.analysis import Analyzer, _capitalised_words
from bot.matcher.answerable import FactFeatures
from bot.matcher.candidates import _Cursor, contributions, score_bound
from bot.matcher.decide import (
    Decision,
    Judge,
    as_scored,
    combined,
    decide,
    settled,
    weighed_floor,
    window,
)
from bot.matcher.frequency import WordFrequency
from bot.matcher.policy import MatchPolicy
from bot.matcher.query import QueryBuilder, _Query
from bot.matcher.score import Match, Scorer, SortedForms
from bot.matcher.structures import (
    _SEPARATOR,
    _Entry,
    _Names,
    _Record,
    _scopes,
    _Snapshot,
    _visibility,
)
from bot.matcher.understand import Ask, Reader
from bot.matcher.update import _Change
from bot.models import GLOBAL, Fact, FactKey, Source
from bot.text import fold

MAX_COMPLETE_CHARS = 100
# The search scores at most this many times candidate_limit facts for one question.
_BUDGET_FACTOR = 1
_FIRST_BATCH = 2
# Facts whose scoring entries are kept, rebuilt from their records (see _entry).
_MATERIALISED = 2_048
_SEPARATOR_BYTE = bytes([_SEPARATOR])
# Verdicts and look-ups kept for the current snapshot, of each kind (see _Worked).
_KEPT = 4_096
_K = TypeVar("_K")
_V = TypeVar("_V")


class MatchIndex:
    """The facts, indexed for matching. Safe for many readers and one writer at a time."""

    def __init__(
        self,
        lexicon: Lexicon,
        sources: Iterable[Source] = (),
        facts: Iterable[Fact] = (),
        policy: MatchPolicy | None = None,
        phrasing_limit: int | None = None,
    ) -> None:
        """`phrasing_limit`: index only each fact's first K phrasings, of every fact that
        comes in (`eval --max-phrasings` measures how facts with few phrasings fare)."""
        self.phrasing_limit = phrasing_limit
        self.analyzer = Analyzer(lexicon)
        # Phrasings as the literal similarity compares them, for the phrasings last compared.
        self._sorted_forms = SortedForms()
        # One bound method for every entry's features, not one made per entry.
        self._terms_of = self.analyzer.terms_of
        self.policy = policy or MatchPolicy()
        self._write_lock = threading.Lock()
        self._snapshot = _Snapshot()
        # Slot -> entry for the facts scored last; see _entry.
        self._materialised: dict[int, _Entry] = {}
        self._names_cache: dict[tuple[int, str], _Names] = {}
        self._short_texts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # Searches that hit the scoring budget before proving their decision (diagnostic).
        self.capped_searches = 0
        chatter = lexicon.chatter
        self.reader = Reader(chatter, lexicon.stopwords | lexicon.light_words)
        self.frequency = WordFrequency()
        self._queries = QueryBuilder(self.analyzer, chatter, self.frequency)
        self._use_sources(sources)
        self.apply(upserts=facts)

    # -- writing ----------------------------------------------------------------------

    def set_sources(self, sources: Iterable[Source]) -> None:
        """Replace the source records used for fact vocabulary, and re-index the facts
        whose claimant, or what it is part of, was added, changed or removed: a new
        source changes no fact yet, so taking one in does not re-index the base."""
        with self._write_lock:
            before = self._sources
            self._use_sources(sources)
            after = self._sources
            changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
            if not changed:
                return
            touched = [
                record.fact
                for record in self._snapshot.entries.records()
                if not changed.isdisjoint(
                    _claimant_chain(before, record.fact) | _claimant_chain(after, record.fact)
                )
            ]
        if touched:
            self.apply(upserts=touched)

    def _use_sources(self, sources: Iterable[Source]) -> None:
        # By (scope, id): two servers may each have a source of one id.
        self._sources = {(source.guild_id, source.id): source for source in sources}
        self._names_cache = {}
        self._claimants_cache: dict[tuple[int, str, str | None], frozenset[str]] = {}
        # What questions came to against one snapshot; it follows the sources too.
        self._worked = _Worked(None)
        # Who can do things: the actors of chat language and everyone who makes claims.
        self._agent_terms = self._queries.actor_terms.union(
            *(self._source_names(*key).terms for key in self._sources)
        )
        self._queries.use_sources(self._sources.values())

    def apply(self, upserts: Iterable[Fact] = (), removals: Iterable[FactKey] = ()) -> None:
        """Add, replace or drop facts (a removal names a fact by scope and id, `Fact.key`),
        then publish the new snapshot in one assignment.

        Only the shards, chunks and postings the changed facts touch are copied, so the
        cost follows the size of the change, not the size of the base.
        """
        limit = self.phrasing_limit
        if limit is not None:
            upserts = [_first_phrasings(fact, limit) for fact in upserts]
        with self._write_lock:
            old = self._snapshot
            # Where each named fact ends up (None: out of the index); the last word wins.
            final: dict[FactKey, Fact | None] = dict.fromkeys(map(FactKey._make, removals))
            final.update((fact.key, fact if fact.active else None) for fact in upserts)
            change = _Change(old)
            for key, fact in final.items():
                previous = old.entries.get(key)
                if fact is not None:
                    record, words = self._record(fact, change.slot(previous))
                    change.add(key, previous, record, words)
                elif previous is not None:
                    change.add(key, previous, None, ())
            self._snapshot = change.snapshot()

    def saved_state(self) -> _Snapshot:
        """The facts as indexed now, for `restore` in another process (saved_index.py).

        Immutable (writes publish a new snapshot), so it can be written out while answers
        and writes go on; left out are the spelling corrections answers have cached, the
        one part answers write to.
        """
        return dataclasses.replace(self._snapshot, corrections={})

    def restore(self, state: object) -> None:
        """Answer from a state `saved_state` gave, built with the same lexicon and sources,
        in place of the facts indexed so far."""
        if not isinstance(state, _Snapshot):
            raise TypeError(f"not a saved match index: {type(state).__name__}")
        with self._write_lock:
            self._materialised = {}
            self._snapshot = state

    def _record(self, fact: Fact, slot: int) -> tuple[_Record, set[str]]:
        """The fact's record, and the folded words it adds to the spelling vocabulary."""
        analyse = self.analyzer.analyse
        words: set[str] = set()
        terms: set[str] = set()
        phrasing_sets: list[frozenset[str]] = []
        folded_forms: list[str | None] = []
        for question in fact.questions:
            folded = fold(question)
            split = folded.split()
            words.update(split)
            phrasing = frozenset(map(sys.intern, analyse(split)[0]))
            terms.update(phrasing)
            phrasing_sets.append(phrasing)
            folded_forms.append(None if folded == question.lower() else folded)
        told: set[str] = set()
        for text in (fact.statement, fact.quote):
            if text:
                split = fold(text).split()
                words.update(split)
                told.update(analyse(split)[0])
        broader = self.analyzer.broader
        told.update(broader[t] for t in list(told) if t in broader)
        terms.update(told)
        # The fact's own words are kept as one more group after the phrasings: what the
        # fact itself says, apart from how people ask for it (see answerable.py).
        phrasing_sets.append(frozenset(map(sys.intern, told)))
        for topic in fact.topics:
            topic_words, topic_terms = self._short_text(topic)
            words.update(topic_words)
            terms.update(topic_terms)
        source_names = self._source_names(fact.guild_id, fact.source)
        words.update(source_names.words)
        terms.update(source_names.terms)
        # A fact about HTS is also a fact about the rebels.
        terms.update(self.analyzer.broader[t] for t in list(terms) if t in self.analyzer.broader)
        ordered = tuple(sorted(map(sys.intern, terms)))
        phrasing_terms: bytes | tuple[frozenset[str], ...]
        if len(ordered) < _SEPARATOR:
            position = {term: index for index, term in enumerate(ordered)}
            phrasing_terms = bytes([_SEPARATOR]).join(
                bytes(position[term] for term in phrasing) for phrasing in phrasing_sets
            )
        else:
            phrasing_terms = tuple(phrasing_sets)
        names = tuple(
            sys.intern(term)
            for term in dict.fromkeys(
                term
                for text in (fact.statement, fact.quote or "")
                for word in _capitalised_words(text)
                for term in self._short_text(word)[1]
            )
        )
        folded_phrasings = tuple(folded_forms) if any(folded_forms) else None
        record = _Record(fact, slot, ordered, phrasing_terms, folded_phrasings, source_names, names)
        return record, words

    def _short_text(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Folded words and terms of a topic or a name: they recur from fact to fact."""
        known = self._short_texts.get(text)
        if known is None:
            split = fold(text).split()
            known = (tuple(split), tuple(map(sys.intern, self.analyzer.analyse(split)[0])))
            if len(self._short_texts) >= 100_000:
                self._short_texts.clear()
            self._short_texts[text] = known
        return known

    def _entry(self, record: _Record) -> _Entry:
        """The record with its phrasings rebuilt for scoring (kept for the facts last used)."""
        # By slot: a fact's key would be made anew at each look-up. A slot freed and taken
        # by another fact holds another record.
        cached = self._materialised.get(record.slot)
        if cached is not None and cached.record is record:
            return cached
        terms = record.terms
        positions = {term: position for position, term in enumerate(terms)}
        groups: list[bytes] | list[frozenset[int]]
        if isinstance(record.phrasing_terms, bytes):
            groups = record.phrasing_terms.split(_SEPARATOR_BYTE)
            told = frozenset([terms[i] for i in groups.pop()])
            absent = _SEPARATOR  # in no group: it separates them
        else:
            sets = list(record.phrasing_terms)
            told = sets.pop()
            groups = [frozenset([positions[term] for term in group]) for group in sets]
            absent = -1
        entry = _Entry(
            record.fact,
            positions,
            tuple(groups),
            absent,
            FactFeatures(record.fact, self._terms_of, told),
            record,
            record.slot,
        )
        if len(self._materialised) >= _MATERIALISED:
            # Starting afresh is simpler than LRU bookkeeping and as safe for readers.
            self._materialised.clear()
        self._materialised[record.slot] = entry
        return entry

    def _source_names(self, guild_id: int, source_id: str) -> _Names:
        """The names of the source of this id a guild sees (and of its parents)."""
        names = self._names_cache.get((guild_id, source_id))
        if names is None:
            words: set[str] = set()
            terms: set[str] = set()
            for name in self._names(guild_id, source_id):
                split = fold(name).split()
                words.update(split)
                # With broader terms: France speaks for "a European government".
                terms.update(map(sys.intern, self.analyzer.terms_of(split)))
            names = _Names(frozenset(words), frozenset(terms))
            self._names_cache[(guild_id, source_id)] = names
        return names

    def _names(self, guild_id: int, source_id: str) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        source = self._source(guild_id, source_id)
        while source is not None and source.id not in seen:
            seen.add(source.id)
            names.extend(source.all_names())
            source = self._source(guild_id, source.part_of or "")
        return names

    def _source(self, guild_id: int, source_id: str) -> Source | None:
        """The source of this id a guild sees: its own, else a curated one."""
        return self._sources.get((guild_id, source_id)) or self._sources.get((GLOBAL, source_id))

    def _fact_source(self, fact: Fact) -> Source | None:
        return self._source(fact.guild_id, fact.source)

    def _claimant_terms(self, fact: Fact) -> frozenset[str]:
        """The terms of the fact's claimant and of the outlet that reported the claim."""
        # Kept: scoring asks it of every candidate, and facts share a few sources.
        key = (fact.guild_id, fact.source, fact.reported_by)
        terms = self._claimants_cache.get(key)
        if terms is None:
            names = self._source_names(fact.guild_id, fact.source)
            terms = names.terms | self._reporter_terms(fact)
            if len(self._claimants_cache) >= 100_000:
                self._claimants_cache.clear()
            self._claimants_cache[key] = terms
        return terms

    def _reporter_terms(self, fact: Fact) -> frozenset[str]:
        return frozenset(self._short_text(fact.reported_by)[1]) if fact.reported_by else frozenset()

    # -- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._snapshot.entries)

    def visible_count(self, guild_id: int = GLOBAL) -> int:
        """How many facts the guild sees, from the index rather than the database."""
        scopes = self._snapshot.scopes
        return sum(len(scopes[s]) for s in _scopes(guild_id) if s in scopes)

    def fact(self, fact_id: str, guild_id: int | None = None) -> Fact | None:
        """The fact a guild sees by this id: its own, else a curated one. None for the guild:
        whichever scope holds it, the curated first (an index of one server's facts)."""
        entries = self._snapshot.entries
        if guild_id is None:
            scopes: Iterable[int] = sorted(self._snapshot.scopes)
        else:
            scopes = (guild_id, GLOBAL)
        for scope in scopes:
            record = entries.get(FactKey(scope, fact_id))
            if record is not None:
                return record.fact
        return None

    def match(self, question: str, guild_id: int = GLOBAL, *, exact: bool = False) -> Decision:
        """Read the message, score each question it asks against the guild's facts, decide.

        `exact` scores every visible fact instead of the index's candidates; tests use it
        to prove the index changes no answer.
        """
        snapshot = self._snapshot
        worked = self._worked_for(snapshot)
        asks = self._read(snapshot, question, guild_id, worked)
        answered = [
            self._answer(snapshot, ask, guild_id, exact, worked)
            for ask in asks
            if ask.kind != "help"
        ]
        verdict = combined([decision for _, decision in answered], self.policy.max_answers)
        if any(ask.kind == "help" for ask in asks) and not any(known for known, _ in answered):
            # "help" alone, or beside words the base does not know: how to use the bot.
            return Decision("help", (), kind="help")
        return verdict

    def _worked_for(self, snapshot: _Snapshot) -> _Worked:
        """What was worked out against this snapshot, started afresh when it is new."""
        worked = self._worked
        if worked.snapshot is not snapshot:
            worked = self._worked = _Worked(snapshot)
        return worked

    def _read(
        self, snapshot: _Snapshot, message: str, guild_id: int, worked: _Worked
    ) -> tuple[Ask, ...]:
        """The questions a message asks, told from chatter by what the guild's facts know."""

        def knows(words: Sequence[str]) -> bool:
            key = (tuple(words), guild_id)
            known = worked.known.get(key)
            if known is None:
                known = self._queries.vocabulary.knows(snapshot, words, guild_id)
                worked.keep(worked.known, key, known)
            return known

        asks = worked.asked.get((message, guild_id))
        if asks is None:
            asks = self.reader.read(message, knows)
            worked.keep(worked.asked, (message, guild_id), asks)
        return asks

    def _answer(
        self, snapshot: _Snapshot, ask: Ask, guild_id: int, exact: bool, worked: _Worked
    ) -> tuple[bool, Decision]:
        """One question weighed and decided against the snapshot's facts, and whether it
        uses any term the facts know.

        Kept for as long as the snapshot is the one read: the same questions come back,
        and the verdict depends only on the question, the guild, the snapshot and the
        sources. Only what is read again is kept (not the query), as the collector walks
        whatever is. A kept search that hit its budget counts again when asked again.
        """
        key = (ask, guild_id, exact)
        kept = worked.answers.get(key)
        if kept is None:
            query = self._query(snapshot, ask, guild_id)
            capped = self.capped_searches
            ranked = self._rank(snapshot, query, guild_id, exact)
            decision = self._decide(ranked, query, self._judge(snapshot, query))
            kept = (bool(query.premise.known_terms), decision, self.capped_searches > capped)
            worked.keep(worked.answers, key, kept)
        elif kept[2]:
            self.capped_searches += 1
        return kept[0], kept[1]

    def _query(self, snapshot: _Snapshot, ask: Ask, guild_id: int) -> _Query:
        """One question, weighed against the snapshot's facts (see query.py)."""
        return self._queries.build(snapshot, ask, guild_id, self.policy)

    def _rank(self, snapshot: _Snapshot, query: _Query, guild_id: int, exact: bool) -> list[Match]:
        """The facts scored, best first; whether each answers is left to `_judge`."""
        if not query.weights:
            return []
        if exact:
            visible = _visibility(guild_id)
            records = snapshot.entries.records()
            candidates = [self._entry(r) for r in records if visible(r.fact)]
            return self._score(candidates, query) if candidates else []
        return self._search(snapshot, query, guild_id)

    def _judge(self, snapshot: _Snapshot, query: _Query) -> Judge:
        """Works out, once each, whether the facts the decision reads answer the question."""
        scorer = self._scorer()
        judged: dict[int, Match] = {}

        def judge(match: Match) -> Match:
            found = judged.get(id(match))
            if found is None:
                entry = self._entry(snapshot.entries[match.fact.key])
                found = judged[id(match)] = scorer.judge(match, entry, query)
            return found

        return judge

    def _search(self, snapshot: _Snapshot, query: _Query, guild_id: int) -> list[Match]:
        """Score facts, most shared content first, until no fact left could change the decision.

        Every fact not scored is bounded from above by how much of the question it shares
        (`score_bound`), so the search stops as soon as `settled` proves the decision is
        the one scoring every visible fact would give. A question whose words are all common
        can need thousands of facts for that proof; past a budget of scored facts the search
        stops with the best it has, and `capped_searches` counts it.
        """
        bound = score_bound(query, self.policy)
        if bound is None:
            return self._rank(snapshot, query, guild_id, exact=True)
        scopes = _scopes(guild_id)
        visible_count = sum(len(snapshot.scopes[s]) for s in scopes if s in snapshot.scopes)
        overlaps = contributions(query, self.analyzer.broader, self.policy)
        cursor = _Cursor(snapshot, overlaps, scopes)
        budget = _BUDGET_FACTOR * max(self.policy.candidate_limit, 1)
        scored: set[int] = set()  # slots
        ranked: list[Match] = []
        batch_size = _FIRST_BATCH
        while True:
            overlap = cursor.ceiling()
            if overlap is not None:
                ceiling, coverage = bound(overlap)
            elif len(scored) < visible_count:
                ceiling, coverage = bound(0.0)  # facts sharing no term with the question
            else:
                ceiling, coverage = -math.inf, -math.inf
            if self._settled(ranked, ceiling, coverage, query):
                return ranked
            if len(scored) >= budget:
                self.capped_searches += 1
                return ranked
            batch = self._take(cursor, min(batch_size, budget - len(scored)), scored)
            if not batch:
                # Only facts that share no term are left: affordable in a small base only.
                if visible_count > budget:
                    self.capped_searches += 1
                    return ranked
                batch = [
                    self._entry(snapshot.entries.at(slot))
                    for scope in scopes
                    if scope in snapshot.scopes
                    for slot in snapshot.scopes[scope]
                    if slot not in scored
                ]
            batch_size *= 2
            # Facts the decision cannot weigh are left out (Scorer.score).
            ranked = self._merge(ranked, batch, query, scored, weighed_floor(ranked, self.policy))
            ranked = self._with_siblings(snapshot, ranked, query, scopes, scored)

    def _take(self, cursor: _Cursor, limit: int, scored: set[int]) -> list[_Entry]:
        """The next facts by overlap, at most `limit`, skipping those already scored."""
        batch: list[_Entry] = []
        while len(batch) < limit:
            record = cursor.take()
            if record is None:
                break
            if record.slot not in scored:
                batch.append(self._entry(record))
        return batch

    def _with_siblings(
        self,
        snapshot: _Snapshot,
        ranked: list[Match],
        query: _Query,
        scopes: tuple[int, ...],
        scored: set[int],
    ) -> list[Match]:
        """`ranked` with the same-point siblings of the facts the decision weighs, scored."""
        # An answer takes its facts' same-point siblings whatever their score.
        records = [
            snapshot.entries[key]
            for match in window(ranked, self.policy)
            for point in match.fact.points
            for key in snapshot.points.get(point, ())
            if key.guild_id in scopes
        ]
        unique = {r.slot: r for r in records if r.slot not in scored}
        if not unique:
            return ranked
        siblings = [self._entry(record) for record in unique.values()]
        return self._merge(ranked, siblings, query, scored)

    def _merge(
        self,
        ranked: list[Match],
        batch: list[_Entry],
        query: _Query,
        scored: set[int],
        floor: float | None = None,
    ) -> list[Match]:
        scored.update(entry.slot for entry in batch)
        merged = ranked + self._score(batch, query, floor)
        merged.sort(key=lambda m: (-m.score, m.fact.id))  # as _score orders
        return merged

    def _score(
        self, candidates: list[_Entry], query: _Query, floor: float | None = None
    ) -> list[Match]:
        """The candidates scored against what the index holds now (see score.py)."""
        return self._scorer().score(candidates, query, floor)

    def _scorer(self) -> Scorer:
        return Scorer(
            self.policy,
            self.analyzer,
            self._fact_source,
            self._snapshot.postings,
            self._agent_terms,
            self._claimant_terms,
            self.frequency,
            self._sorted_forms,
        )

    def _decide(self, matches: list[Match], query: _Query, judge: Judge = as_scored) -> Decision:
        """The verdict for one question under the index's policy (see decide.py)."""
        return decide(matches, query, self.policy, judge)

    def _settled(self, ranked: list[Match], ceiling: float, coverage: float, query: _Query) -> bool:
        """Whether the facts scored so far settle the verdict (see decide.settled)."""
        return settled(ranked, ceiling, coverage, query, self.policy)

    def complete(self, partial: str, guild_id: int = GLOBAL, limit: int = 25) -> list[str]:
        """Known phrasings that fit what has been typed so far, for autocomplete."""
        snapshot = self._snapshot
        visible = _visibility(guild_id)
        folded = fold(partial)[:MAX_COMPLETE_CHARS]
        if not folded:
            records = [r for r in snapshot.entries.records() if visible(r.fact)]
            return [r.fact.questions[0] for r in records if r.fact.questions][:limit]
        query = self._query(snapshot, Ask(folded), guild_id)
        entries = self._candidates(snapshot, query, guild_id) if query.weights else []
        if not entries and len(snapshot.entries) <= 2_000:
            everything = snapshot.entries.records()
            entries = [self._entry(r) for r in everything if visible(r.fact)]
        phrasings = {
            text: e.record.folded_phrasing(at)
            for e in entries
            for at, text in enumerate(e.fact.questions)
        }
        ranked = process.extract(
            folded,
            phrasings,
            scorer=fuzz.WRatio,
            processor=fuzz_utils.default_process,
            limit=limit,
            score_cutoff=50,
        )
        return [text for _, _, text in ranked]

    def _candidates(self, snapshot: _Snapshot, query: _Query, guild_id: int) -> list[_Entry]:
        """The visible facts that share most with the query (for autocomplete)."""
        overlaps = contributions(query, self.analyzer.broader, self.policy)
        cursor = _Cursor(snapshot, overlaps, _scopes(guild_id))
        entries: list[_Entry] = []
        while len(entries) < self.policy.candidate_limit:
            record = cursor.take()
            if record is None:
                break
            entries.append(self._entry(record))
        return entries


class _Worked:
    """What questions came to against one snapshot: the questions each message asks,
    whether the facts know a sentence's words, and each question's verdict. A snapshot
    never changes, so neither does any of this; the index starts a new one with each
    snapshot (and new sources)."""

    __slots__ = ("answers", "asked", "known", "snapshot")

    def __init__(self, snapshot: _Snapshot | None) -> None:
        self.snapshot = snapshot
        self.asked: dict[tuple[str, int], tuple[Ask, ...]] = {}
        self.known: dict[tuple[tuple[str, ...], int], bool] = {}
        self.answers: dict[tuple[Ask, int, bool], tuple[bool, Decision, bool]] = {}

    @staticmethod
    def keep(kept: dict[_K, _V], key: _K, value: _V) -> None:
        if len(kept) >= _KEPT:
            # Starting afresh is simpler than LRU bookkeeping and as safe for readers.
            kept.clear()
        kept[key] = value


def _claimant_chain(sources: dict[tuple[int, str], Source], fact: Fact) -> set[tuple[int, str]]:
    """The keys of the fact's claimant and of what it is part of, as `sources` resolve
    them (a guild's own source, else a curated one); a name they lack counts both ways."""
    keys: set[tuple[int, str]] = set()
    source_id: str | None = fact.source
    while source_id:
        source = sources.get((fact.guild_id, source_id)) or sources.get((GLOBAL, source_id))
        if source is None:
            keys.update({(fact.guild_id, source_id), (GLOBAL, source_id)})
            break
        key = (source.guild_id, source.id)
        if key in keys:
            break
        keys.add(key)
        source_id = source.part_of
    return keys


def _first_phrasings(fact: Fact, limit: int) -> Fact:
    if len(fact.questions) <= limit:
        return fact
    return dataclasses.replace(fact, questions=fact.questions[:limit])
