"""Fuzzy matching of questions to facts, and the confidence rule that decides what to say.

A question is turned into *terms*: folded, lightly stemmed words, with misspellings of the
fact base's own words corrected and synonyms from the lexicon mapped onto one canonical
word. Function words are kept aside: they help compare phrasings literally but never
count as content.

Each fact is scored on three things:

* coverage: how much of the question's content (weighted by rarity) the fact's own
  words account for. A question about something the base never mentions ("the mayor of
  Aleppo") leaves its rare words uncovered, and the bot declines;
* phrasing match: how well the question lines up with the fact's best question phrasing,
  in both directions, so that a phrasing that says much more than the question counts less;
* literal similarity: rapidfuzz's token-sort ratio against the phrasings, which rewards
  the same question shape ("how many", "who").

An inverted index from terms to facts gives the candidates. Facts are scored in full from
the most shared content down, and only until no fact left could change the decision, so
the answer is the one scoring every fact would give, at a cost that follows how common the
question's words are rather than the size of the base (see `MatchIndex._search`).

The index is an immutable snapshot: writers build the next snapshot from the current one,
copying only the shards, chunks and posting lists a change touches, and swap it in with one
assignment, so a reader sees the old facts or the new ones, never a mix.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import ClassVar

from rapidfuzz import fuzz, process
from rapidfuzz import utils as fuzz_utils
from rapidfuzz.distance import OSA

from bot.knowledge import Lexicon
from bot.models import GLOBAL, Fact, Source
from bot.text import fold, stem


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """The weights and thresholds of the confidence rule."""

    coverage_weight: float = 0.45
    phrasing_weight: float = 0.40
    literal_weight: float = 0.15
    # Below this share of the question's content, the base does not cover the question.
    min_coverage: float = 0.72
    # A fact is answered from this score when it clearly beats the runner-up...
    answer_score: float = 0.62
    margin: float = 0.06
    # ...and from this score whatever the runner-up does.
    sure_score: float = 0.80
    # A question whose content weighs less than this ("rebels", "aleppo") says too little
    # to pick one fact: the bot offers choices instead of answering.
    min_information: float = 1.0
    # ...unless it is, near enough word for word, one of a fact's phrasings.
    verbatim_score: float = 0.97
    # Between suggest_score and an answer, the bot offers "did you mean".
    suggest_score: float = 0.45
    # Other facts this close to the best are answered alongside it.
    alongside: float = 0.05
    max_answers: int = 3
    max_suggestions: int = 3
    candidate_limit: int = 60
    # A question about a narrower term ("hts") is partly answered by the broader one ("rebel").
    narrow_credit: float = 0.6
    # Naming who said something ("what did the war monitor say") favours that source's facts.
    claimant_bonus: float = 0.05
    # How much a content word that no fact uses counts, against a rare word some fact uses.
    unknown_word_factor: float = 1.0
    # How much more a place or actor named in the question counts when the fact never
    # mentions it: "how many people live in Ankara" is not answered by Aleppo's population.
    conflict_factor: float = 2.0
    # Words that frame a question ("held", "latest", "serious") count this much.
    light_word_factor: float = 0.35


MAX_COMPLETE_CHARS = 100
# The search scores at most this many times candidate_limit facts for one question.
_BUDGET_FACTOR = 1
_FIRST_BATCH = 2
# Working out one fact's overlap from its terms costs about as much as this many set
# operations on posting lists (measured, CPython 3.11).
_PER_FACT = 40
# Rounding between the overlap bound and the score itself.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Match:
    fact: Fact
    score: float
    coverage: float
    best_phrasing: str


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str  # "answered" | "suggest" | "unknown"
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class _Phrasing:
    text: str
    folded: str
    terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Entry:
    fact: Fact
    terms: frozenset[str]
    phrasings: tuple[_Phrasing, ...]
    # Terms the fact spells with a capital inside a sentence: names of places and actors.
    names: frozenset[str] = frozenset()


class Analyzer:
    """Turns text into content terms and function words, using the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.stopwords = frozenset(stem(word) for word in lexicon.stopwords) | lexicon.stopwords
        phrases: dict[tuple[str, ...], str] = {}
        self.broader = {g.canonical: g.broader for g in lexicon.synonyms if g.broader}
        for group in lexicon.synonyms:
            for variant in (group.canonical, *group.variants):
                key = tuple(stem(word) for word in fold(variant).split())
                if key:
                    phrases[key] = group.canonical
        self.phrases = phrases
        self.longest_phrase = max((len(key) for key in phrases), default=1)
        self.lexicon_words = frozenset(word for key in phrases for word in key) | frozenset(
            lexicon.stopwords
        )
        self.lexicon_words |= lexicon.light_words
        self.light_terms = frozenset(
            term for word in lexicon.light_words for term in self.analyse(word.split())[0]
        )

    def analyse(self, words: Sequence[str]) -> tuple[list[str], list[str]]:
        """(content terms, function words) of already folded and corrected words."""
        stems = [stem(word) for word in words]
        content: list[str] = []
        function: list[str] = []
        index = 0
        while index < len(stems):
            for length in range(min(self.longest_phrase, len(stems) - index), 0, -1):
                canonical = self.phrases.get(tuple(stems[index : index + length]))
                if canonical is not None:
                    content.append(canonical)
                    index += length
                    break
            else:
                word, stemmed = words[index], stems[index]
                if word in self.stopwords or stemmed in self.stopwords:
                    function.append(word)
                else:
                    content.append(stemmed)
                index += 1
        return content, function

    def key(self, text: str) -> tuple[str, ...]:
        """Stemmed words, as alias phrases are compared."""
        return tuple(stem(word) for word in fold(text).split())


@dataclass(frozen=True, slots=True)
class _Snapshot:
    entries: _Records = field(default_factory=lambda: _Records.EMPTY)
    postings: dict[str, _Posting] = field(default_factory=dict)
    # Guild scope -> the slots of its facts.
    scopes: dict[int, _SlotSet] = field(default_factory=dict)
    # Point -> the ids of the facts that answer it (every scope).
    points: dict[str, frozenset[str]] = field(default_factory=dict)
    word_counts: dict[str, int] = field(default_factory=dict)
    # (first letter, length) -> the base's words, sorted: what a misspelling is checked against.
    vocabulary: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)
    # Spelling corrections already worked out against this snapshot's words.
    corrections: dict[str, str] = field(default_factory=dict)


# Slots per chunk, in posting lists and the slot table: a change copies one chunk.
_CHUNK = 1024
# Phrasing terms are stored as byte indices into the fact's term tuple; 255 separates them.
_SEPARATOR = 255
_MATERIALISED = 2_048


class _SlotSet:
    """An immutable set of fact slots, kept as sorted int arrays of at most _CHUNK each.

    An update copies only the chunks it falls in, so adding a fact to a term that 30,000
    facts use costs one chunk, not the whole list; int arrays take 4 bytes a fact where a
    frozenset of ids takes about 40.
    """

    __slots__ = ("chunks", "size")

    def __init__(self, chunks: tuple[array[int], ...], size: int) -> None:
        self.chunks = chunks
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(self.chunks)

    @staticmethod
    def of(slots: Iterable[int]) -> _SlotSet | None:
        ordered = sorted(slots)
        return _SlotSet(_pieces(ordered), len(ordered)) if ordered else None

    def updated(self, added: set[int], dropped: set[int]) -> _SlotSet | None:
        """This set with `added` in and `dropped` out (a slot in both stays in)."""
        dropped = dropped - added
        chunks = self.chunks
        firsts = [chunk[0] for chunk in chunks]
        touched: dict[int, tuple[set[int], set[int]]] = {}
        for group, slots in ((0, added), (1, dropped)):
            for slot in slots:
                position = max(bisect_right(firsts, slot) - 1, 0)
                touched.setdefault(position, (set(), set()))[group].add(slot)
        if not touched:
            return self
        pieces: list[array[int]] = []
        for position, chunk in enumerate(chunks):
            change = touched.get(position)
            if change is None:
                pieces.append(chunk)
                continue
            came, went = change
            merged = array("i", chunk)
            if came and min(came) > chunk[-1]:
                # New facts take the highest slots: usually a plain append.
                merged.extend(sorted(came))
            elif came:
                merged = array("i", sorted(set(chunk).union(came)))
            if len(went) > 8:
                merged = array("i", [slot for slot in merged if slot not in went])
            else:
                for slot in went:
                    if slot in merged:
                        merged.remove(slot)
            pieces.extend(_pieces(merged.tolist()) if len(merged) > _CHUNK else [merged])
        size = self.size + sum(len(p) for p in pieces) - sum(len(c) for c in chunks)
        return _SlotSet(tuple(p for p in pieces if p), size) if size else None


def _pieces(ordered: list[int]) -> tuple[array[int], ...]:
    count = -(-len(ordered) // _CHUNK)
    step = -(-len(ordered) // count) if count else 0
    return tuple(
        array("i", ordered[start : start + step]) for start in range(0, len(ordered), step or 1)
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Posting:
    """The facts that use one term, by guild scope.

    len() counts every scope: it is the term's document frequency, as the weights use it.
    """

    size: int
    scopes: dict[int, _SlotSet]

    def __len__(self) -> int:
        return self.size


@dataclass(frozen=True, slots=True, eq=False)
class _Names:
    """The words and terms of a source's names (and its parents'), shared by its facts."""

    words: frozenset[str]
    terms: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class _Record:
    """What the index keeps of a fact: little more than its terms.

    Scoring needs each phrasing's folded text and terms (an _Entry); those are rebuilt from
    here when a fact becomes a candidate, which costs microseconds, while keeping them for
    every fact would cost kilobytes each.
    """

    fact: Fact
    slot: int
    # Interned, so each distinct term is stored once however many facts use it.
    terms: tuple[str, ...]
    # Per phrasing, indices into `terms` (separated by _SEPARATOR), or the sets themselves
    # for a fact with 255 terms or more.
    phrasing_terms: bytes | tuple[frozenset[str], ...]
    # Folded phrasings, only where folding does more than lower-casing.
    folded: tuple[str | None, ...] | None
    source_names: _Names
    # Terms the fact spells with a capital inside a sentence: names of places and actors.
    names: tuple[str, ...]


class _Records(Mapping[str, _Record]):
    """Fact id -> record, in shards, plus a slot table in the order facts were added.

    Both are copied on write one shard or chunk at a time, so a change does not copy the
    whole base.
    """

    __slots__ = ("_shards", "_size", "_table", "next_slot")
    _SHARDS = 64
    EMPTY: ClassVar[_Records]

    def __init__(
        self,
        shards: tuple[dict[str, _Record], ...],
        table: tuple[tuple[_Record | None, ...], ...],
        size: int,
        next_slot: int,
    ) -> None:
        self._shards = shards
        self._table = table
        self._size = size
        self.next_slot = next_slot

    def __getitem__(self, fact_id: str) -> _Record:
        return self._shards[hash(fact_id) % self._SHARDS][fact_id]

    def __contains__(self, fact_id: object) -> bool:
        return isinstance(fact_id, str) and fact_id in self._shards[hash(fact_id) % self._SHARDS]

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[str]:
        return (record.fact.id for record in self.records())

    def records(self) -> Iterator[_Record]:
        """Every record, in the order the facts were added."""
        for chunk in self._table:
            for record in chunk:
                if record is not None:
                    yield record

    def at(self, slot: int) -> _Record:
        record = self._table[slot // _CHUNK][slot % _CHUNK]
        assert record is not None, slot
        return record

    def edited(self, changes: Mapping[str, _Record | None], removed: Iterable[int]) -> _Records:
        """A copy with `changes` applied (None drops the id) and the `removed` slots freed."""
        shards = list(self._shards)
        copied: set[int] = set()
        size = self._size
        table = list(self._table)
        copied_chunks: dict[int, list[_Record | None]] = {}

        def chunk(slot: int) -> list[_Record | None]:
            number = slot // _CHUNK
            if number not in copied_chunks:
                copied_chunks[number] = list(table[number]) if number < len(table) else []
            return copied_chunks[number]

        for slot in removed:
            chunk(slot)[slot % _CHUNK] = None
        next_slot = self.next_slot
        for fact_id, record in changes.items():
            shard = hash(fact_id) % self._SHARDS
            if shard not in copied:
                shards[shard] = dict(shards[shard])
                copied.add(shard)
            had = fact_id in shards[shard]
            if record is None:
                shards[shard].pop(fact_id, None)
                size -= had
                continue
            shards[shard][fact_id] = record
            size += not had
            cells = chunk(record.slot)
            cells.extend([None] * (record.slot % _CHUNK + 1 - len(cells)))
            cells[record.slot % _CHUNK] = record
            next_slot = max(next_slot, record.slot + 1)
        for number in sorted(copied_chunks):
            while len(table) <= number:
                table.append(())
            table[number] = tuple(copied_chunks[number])
        return _Records(tuple(shards), tuple(table), size, next_slot)


_Records.EMPTY = _Records(tuple({} for _ in range(_Records._SHARDS)), (), 0, 0)


class MatchIndex:
    """The facts, indexed for matching. Safe for many readers and one writer at a time."""

    def __init__(
        self,
        lexicon: Lexicon,
        sources: Iterable[Source] = (),
        facts: Iterable[Fact] = (),
        policy: MatchPolicy | None = None,
    ) -> None:
        self.analyzer = Analyzer(lexicon)
        self.policy = policy or MatchPolicy()
        self._write_lock = threading.Lock()
        self._snapshot = _Snapshot()
        # Fact id -> (record, entry) for the facts scored last; see _entry.
        self._materialised: dict[str, tuple[_Record, _Entry]] = {}
        self._names_cache: dict[str, _Names] = {}
        self._short_texts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # Searches that hit the scoring budget before proving their decision (diagnostic).
        self.capped_searches = 0
        self._use_sources(sources)
        self.apply(upserts=facts)

    # -- writing ----------------------------------------------------------------------

    def set_sources(self, sources: Iterable[Source]) -> None:
        """Replace the source records used for fact vocabulary (re-index touched facts)."""
        with self._write_lock:
            self._use_sources(sources)
        self.apply(upserts=[record.fact for record in self._snapshot.entries.records()])

    def _use_sources(self, sources: Iterable[Source]) -> None:
        self._sources = {source.id: source for source in sources}
        self._names_cache = {}
        aliases: dict[tuple[str, ...], set[str]] = {}
        for source in self._sources.values():
            for name in source.all_names():
                key = self.analyzer.key(name)
                # "the" alone, or any name made only of function words, names no one.
                if any(word not in self.analyzer.stopwords for word in key):
                    aliases.setdefault(key, set()).add(source.id)
        self._aliases = aliases
        self._longest_alias = max((len(key) for key in aliases), default=0)

    def apply(self, upserts: Iterable[Fact] = (), removals: Iterable[str] = ()) -> None:
        """Add, replace or drop facts, then publish the new snapshot in one assignment.

        Only the shards, chunks and postings the changed facts touch are copied, so the
        cost follows the size of the change, not the size of the base.
        """
        with self._write_lock:
            old = self._snapshot
            # Where each named fact ends up (None: out of the index); the last word wins.
            final: dict[str, Fact | None] = dict.fromkeys(removals)
            final.update((fact.id, fact if fact.active else None) for fact in upserts)
            changes: dict[str, _Record | None] = {}
            freed: list[int] = []
            next_slot = old.entries.next_slot
            # term -> scope -> (slots in, slots out); likewise for scopes and points.
            touched_terms: dict[str, dict[int, tuple[list[int], list[int]]]] = {}
            touched_scopes: dict[int, tuple[list[int], list[int]]] = {}
            touched_points: dict[str, tuple[list[str], list[str]]] = {}
            word_delta: dict[str, int] = {}

            def move(record: _Record, terms: Iterable[str], direction: int) -> None:
                scope, slot = record.fact.guild_id, record.slot
                for term in terms:
                    touched_terms.setdefault(term, {}).setdefault(scope, ([], []))[
                        direction
                    ].append(slot)

            for fact_id, fact in final.items():
                previous = old.entries.get(fact_id)
                record: _Record | None = None
                if fact is not None:
                    # An edited fact keeps its place; a new one goes at the end.
                    if previous is not None:
                        slot = previous.slot
                    else:
                        slot, next_slot = next_slot, next_slot + 1
                    record, words = self._record(fact, slot)
                    for word in words:
                        word_delta[word] = word_delta.get(word, 0) + 1
                elif previous is None:
                    continue
                changes[fact_id] = record
                if previous is not None:
                    for word in self._words(previous):
                        word_delta[word] = word_delta.get(word, 0) - 1
                same_scope = (
                    previous is not None
                    and record is not None
                    and previous.fact.guild_id == record.fact.guild_id
                )
                if previous is not None and record is not None and same_scope:
                    # Only the terms that came or went touch a posting list.
                    move(record, set(record.terms).difference(previous.terms), 0)
                    move(previous, set(previous.terms).difference(record.terms), 1)
                else:
                    if previous is not None:
                        move(previous, previous.terms, 1)
                        freed.append(previous.slot)
                        scope_changes = touched_scopes.setdefault(previous.fact.guild_id, ([], []))
                        scope_changes[1].append(previous.slot)
                    if record is not None:
                        move(record, record.terms, 0)
                        touched_scopes.setdefault(record.fact.guild_id, ([], []))[0].append(
                            record.slot
                        )
                for member, direction in ((previous, 1), (record, 0)):
                    for point in member.fact.points if member is not None else ():
                        moves = touched_points.setdefault(point, ([], []))
                        moves[direction].append(fact_id)

            live = {record.slot for record in changes.values() if record is not None}
            entries = old.entries.edited(changes, [s for s in freed if s not in live])
            postings = dict(old.postings)
            for term, by_scope in touched_terms.items():
                posting = postings.get(term)
                sets = _updated_scopes(posting.scopes if posting else {}, by_scope)
                if sets:
                    postings[term] = _Posting(sum(len(s) for s in sets.values()), sets)
                else:
                    postings.pop(term, None)
            scopes = _updated_scopes(old.scopes, touched_scopes)
            points = dict(old.points)
            for point, (came, went) in touched_points.items():
                # A fact both in and out of a point (an edit) stays in.
                ids = set(points.get(point, ())).difference(went).union(came)
                if ids:
                    points[point] = frozenset(ids)
                else:
                    points.pop(point, None)
            word_counts = dict(old.word_counts)
            arrived: set[str] = set()
            left: set[str] = set()
            for word, delta in word_delta.items():
                if not delta:
                    continue
                before = word_counts.get(word, 0)
                after = before + delta
                if after > 0:
                    word_counts[word] = after
                else:
                    word_counts.pop(word, None)
                if before <= 0 < after:
                    arrived.add(word)
                elif after <= 0 < before:
                    left.add(word)
            # Only the (initial, length) buckets whose words came or went are rebuilt.
            vocabulary = dict(old.vocabulary)
            for key in {(w[0], len(w)) for w in arrived | left}:
                bucket = set(vocabulary.get(key, ()))
                bucket.difference_update(w for w in left if (w[0], len(w)) == key)
                bucket.update(w for w in arrived if (w[0], len(w)) == key)
                if bucket:
                    vocabulary[key] = tuple(sorted(bucket))
                else:
                    vocabulary.pop(key, None)
            self._snapshot = _Snapshot(
                entries, postings, scopes, points, word_counts, vocabulary, corrections={}
            )

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
        for text in (fact.statement, fact.quote):
            if text:
                split = fold(text).split()
                words.update(split)
                terms.update(analyse(split)[0])
        for topic in fact.topics:
            topic_words, topic_terms = self._short_text(topic)
            words.update(topic_words)
            terms.update(topic_terms)
        source_names = self._source_names(fact.source)
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

    def _words(self, record: _Record) -> set[str]:
        """The folded words a record added to the vocabulary, worked out again."""
        fact = record.fact
        words = set(record.source_names.words)
        for text in (*fact.questions, fact.statement, fact.quote or "", *fact.topics):
            words.update(fold(text).split())
        return words

    def _entry(self, record: _Record) -> _Entry:
        """The record with its phrasings rebuilt for scoring (kept for the facts last used)."""
        cached = self._materialised.get(record.fact.id)
        if cached is not None and cached[0] is record:
            return cached[1]
        terms = record.terms
        if isinstance(record.phrasing_terms, bytes):
            sets = [
                frozenset([terms[i] for i in group])
                for group in record.phrasing_terms.split(bytes([_SEPARATOR]))
            ]
        else:
            sets = list(record.phrasing_terms)
        folded = record.folded or (None,) * len(sets)
        phrasings = tuple(
            _Phrasing(question, form or question.lower(), phrasing)
            for question, form, phrasing in zip(record.fact.questions, folded, sets, strict=True)
        )
        entry = _Entry(record.fact, frozenset(terms), phrasings, frozenset(record.names))
        if len(self._materialised) >= _MATERIALISED:
            # Starting afresh is simpler than LRU bookkeeping and as safe for readers.
            self._materialised.clear()
        self._materialised[record.fact.id] = (record, entry)
        return entry

    def _source_names(self, source_id: str) -> _Names:
        names = self._names_cache.get(source_id)
        if names is None:
            words: set[str] = set()
            terms: set[str] = set()
            for name in self._names(source_id):
                split = fold(name).split()
                words.update(split)
                terms.update(map(sys.intern, self.analyzer.analyse(split)[0]))
            names = _Names(frozenset(words), frozenset(terms))
            self._names_cache[source_id] = names
        return names

    def _names(self, source_id: str) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        while source_id in self._sources and source_id not in seen:
            seen.add(source_id)
            source = self._sources[source_id]
            names.extend(source.all_names())
            source_id = source.part_of or ""
        return names

    # -- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._snapshot.entries)

    def fact(self, fact_id: str) -> Fact | None:
        record = self._snapshot.entries.get(fact_id)
        return record.fact if record else None

    def match(self, question: str, guild_id: int = GLOBAL, *, exact: bool = False) -> Decision:
        """Score the question against the facts visible in the guild and decide.

        `exact` scores every visible fact instead of the index's candidates; tests use it
        to prove the index changes no answer.
        """
        snapshot = self._snapshot
        query = self._query(snapshot, question, guild_id)
        return self._decide(self._rank(snapshot, query, guild_id, exact), query)

    def rank(self, question: str, guild_id: int = GLOBAL, *, exact: bool = False) -> list[Match]:
        """The candidate facts for a question, scored, best first."""
        snapshot = self._snapshot
        return self._rank(snapshot, self._query(snapshot, question, guild_id), guild_id, exact)

    def _rank(self, snapshot: _Snapshot, query: _Query, guild_id: int, exact: bool) -> list[Match]:
        if not query.weights:
            return []
        if exact:
            visible = _visibility(guild_id)
            records = snapshot.entries.records()
            candidates = [self._entry(r) for r in records if visible(r.fact)]
            return self._score(candidates, query) if candidates else []
        return self._search(snapshot, query, guild_id)

    def _search(self, snapshot: _Snapshot, query: _Query, guild_id: int) -> list[Match]:
        """Score facts, most shared content first, until no fact left could change the decision.

        Every fact not scored is bounded from above by how much of the question it shares
        (`_score_bound`), so the search stops as soon as `_settled` proves the decision is
        the one scoring every visible fact would give. A question whose words are all common
        can need thousands of facts for that proof; past a budget of scored facts the search
        stops with the best it has, and `capped_searches` counts it.
        """
        bound = self._score_bound(query)
        if bound is None:
            return self._rank(snapshot, query, guild_id, exact=True)
        scopes = _scopes(guild_id)
        visible_count = sum(len(snapshot.scopes[s]) for s in scopes if s in snapshot.scopes)
        cursor = _Cursor(snapshot, self._contributions(query), scopes)
        budget = _BUDGET_FACTOR * max(self.policy.candidate_limit, 1)
        scored: set[str] = set()
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
            batch: list[_Entry] = []
            while len(batch) < min(batch_size, budget - len(scored)):
                record = cursor.take()
                if record is None:
                    break
                if record.fact.id not in scored:
                    batch.append(self._entry(record))
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
                    if snapshot.entries.at(slot).fact.id not in scored
                ]
            batch_size *= 2
            ranked = self._merge(ranked, batch, query, scored)
            # The answer set takes the best fact's same-point siblings whatever their score.
            points = ranked[0].fact.points if ranked else ()
            siblings = {
                fact_id: self._entry(snapshot.entries[fact_id])
                for point in points
                for fact_id in snapshot.points.get(point, ())
                if fact_id not in scored and snapshot.entries[fact_id].fact.guild_id in scopes
            }
            if siblings:
                ranked = self._merge(ranked, list(siblings.values()), query, scored)

    def _merge(
        self, ranked: list[Match], batch: list[_Entry], query: _Query, scored: set[str]
    ) -> list[Match]:
        scored.update(entry.fact.id for entry in batch)
        merged = ranked + self._score(batch, query)
        merged.sort(key=lambda m: (-m.score, m.fact.id))  # as _score orders
        return merged

    def _settled(self, ranked: list[Match], ceiling: float, coverage: float, query: _Query) -> bool:
        """Whether _decide gives the same verdict on `ranked` as on every visible fact, when
        each fact missing from `ranked` scores at most `ceiling`, with at most `coverage`.

        It follows _decide branch by branch: a change there needs the same change here (the
        index-equivalence tests catch a mismatch). Facts above the ceiling are all in
        `ranked`, in the order a full ranking would put them.
        """
        policy = self.policy
        if ceiling == -math.inf:
            return True
        if coverage < policy.min_coverage and (
            not ranked
            or ranked[0].coverage < policy.min_coverage
            or ranked[0].score < policy.suggest_score
        ):
            # Whichever fact is best, it covers too little of the question: nobody answers.
            return True
        if not ranked or ranked[0].score <= ceiling:
            # The best may be unknown, but if nothing reaches suggest_score, no one answers.
            top = ranked[0].score if ranked else -math.inf
            return max(top, ceiling) < policy.suggest_score
        best = ranked[0]
        if best.coverage < policy.min_coverage or best.score < policy.suggest_score:
            return True
        rivals = [m for m in ranked[1:] if not _same_point(m.fact, best.fact)]
        known = [m for m in rivals if m.score > ceiling]
        needed = policy.max_suggestions - 1
        vague = sum(query.weights.values()) < policy.min_information
        if vague and best.score < policy.verbatim_score:
            # Choices if any rival exists; with none scored yet, one may still be unscored.
            return bool(rivals) and len(known) >= needed
        if best.score >= policy.sure_score:
            answered = True
        elif best.score >= policy.answer_score:
            if known:
                answered = best.score - known[0].score >= policy.margin
            elif best.score - ceiling >= policy.margin:
                answered = True  # whoever the runner-up is, it is far enough behind
            elif rivals and best.score - rivals[0].score < policy.margin:
                answered = False  # the true runner-up is at least this close
            else:
                return False
        else:
            answered = False
        if not answered:
            return len(known) >= needed
        chosen = 1
        for match in ranked[1:]:
            if chosen >= policy.max_answers or match.score <= ceiling:
                break
            close = (
                best.score - match.score <= policy.alongside
                and match.coverage >= policy.min_coverage
            )
            if close or _same_point(match.fact, best.fact):
                chosen += 1
        # Past the known facts, only same-point siblings (all scored) could join the answer,
        # unless an unscored fact could be close enough to the best to be answered alongside.
        return chosen >= policy.max_answers or best.score - ceiling > policy.alongside

    def _score_bound(self, query: _Query) -> Callable[[float], tuple[float, float]] | None:
        """The most a fact can score, and its most coverage, given its overlap with the question.

        A fact's overlap c (what _contributions add up over its terms) is at least the
        weight its terms cover. With W the question's total weight: coverage is at most
        c / (c + (W - c) * min(1, conflict_factor)), the phrasing F1 at most that of recall
        c / W with perfect precision, and literal similarity at most 1. None when the
        policy's values would make that reasoning unsound (the search then scores all).
        """
        policy = self.policy
        weights = query.weights.values()
        factors = (
            policy.coverage_weight,
            policy.phrasing_weight,
            policy.literal_weight,
            policy.claimant_bonus,
            policy.narrow_credit,
            1.0 - policy.narrow_credit,
            policy.conflict_factor,
        )
        if min(factors) < 0 or min(weights) < 0:
            return None
        total = sum(weights)
        # A missing term counts at least this much of its weight against coverage.
        floor = min(1.0, policy.conflict_factor)
        extra = policy.literal_weight + (policy.claimant_bonus if query.claimants else 0.0)

        def bound(overlap: float) -> tuple[float, float]:
            shared = min(overlap, total)
            if shared <= 0 or total <= 0:
                return extra + _SLACK, _SLACK
            coverage = shared / (shared + (total - shared) * floor)
            recall = shared / total
            fit = 2 * recall / (1 + recall)
            score = policy.coverage_weight * coverage + policy.phrasing_weight * fit + extra
            return score + _SLACK, coverage + _SLACK

        return bound

    def _contributions(self, query: _Query) -> dict[str, float]:
        """What each indexed term adds to a fact's overlap with the question."""
        contributions: dict[str, float] = {}
        for term, weight in query.weights.items():
            contributions[term] = contributions.get(term, 0.0) + weight
            broader = self.analyzer.broader.get(term)
            if broader is not None:
                partial = weight * self.policy.narrow_credit
                contributions[broader] = contributions.get(broader, 0.0) + partial
        return contributions

    def complete(self, partial: str, guild_id: int = GLOBAL, limit: int = 25) -> list[str]:
        """Known phrasings that fit what has been typed so far, for autocomplete."""
        snapshot = self._snapshot
        visible = _visibility(guild_id)
        folded = fold(partial)[:MAX_COMPLETE_CHARS]
        if not folded:
            records = [r for r in snapshot.entries.records() if visible(r.fact)]
            return [r.fact.questions[0] for r in records if r.fact.questions][:limit]
        query = self._query(snapshot, folded, guild_id)
        entries = self._candidates(snapshot, query, guild_id) if query.weights else []
        if not entries and len(snapshot.entries) <= 2_000:
            everything = snapshot.entries.records()
            entries = [self._entry(r) for r in everything if visible(r.fact)]
        phrasings = {p.text: p.folded for e in entries for p in e.phrasings}
        ranked = process.extract(
            folded,
            phrasings,
            scorer=fuzz.WRatio,
            processor=fuzz_utils.default_process,
            limit=limit,
            score_cutoff=50,
        )
        return [text for _, _, text in ranked]

    def _query(self, snapshot: _Snapshot, question: str, guild_id: int) -> _Query:
        words = [self._correct(snapshot, word) for word in fold(question).split()]
        content, function = self.analyzer.analyse(words)
        # Repeated words should not weigh twice.
        terms = list(dict.fromkeys(content))
        # Rarity is counted among the facts this guild sees, so another server's facts
        # never change how a question here is weighed.
        scopes = _scopes(guild_id)
        total = sum(len(snapshot.scopes[s]) for s in scopes if s in snapshot.scopes) + 1
        weights = {}
        for term in terms:
            posting = snapshot.postings.get(term)
            frequency = (
                sum(len(posting.scopes[s]) for s in scopes if s in posting.scopes) if posting else 0
            )
            # Rare terms say more about what is asked; a term no fact uses says the most.
            weight = math.log(total / (frequency + 0.5))
            if not frequency:
                weight *= self.policy.unknown_word_factor
            if term in self.analyzer.light_terms:
                weight *= self.policy.light_word_factor
            weights[term] = weight
        claimants = self._claimants(words)
        names = frozenset(term for term in terms if self._is_name(snapshot, term))
        return _Query(" ".join(terms + function), weights, claimants, names)

    def _is_name(self, snapshot: _Snapshot, term: str) -> bool:
        # A few facts are enough to tell; a term spelled with a capital there is a name.
        posting = snapshot.postings.get(term)
        if posting is None:
            return False
        slots = chain.from_iterable(posting.scopes[scope] for scope in sorted(posting.scopes))
        for count, slot in enumerate(slots):
            if term in snapshot.entries.at(slot).names:
                return True
            if count >= 8:
                break
        return False

    def _claimants(self, words: Sequence[str]) -> frozenset[str]:
        stems = [stem(word) for word in words]
        found: set[str] = set()
        for length in range(1, min(self._longest_alias, len(stems)) + 1):
            for start in range(len(stems) - length + 1):
                found.update(self._aliases.get(tuple(stems[start : start + length]), ()))
        return frozenset(found)

    def _correct(self, snapshot: _Snapshot, word: str) -> str:
        """The fact base's own word that `word` misspells, or `word` itself."""
        if (
            len(word) < 5
            or word.isdigit()
            or word in snapshot.word_counts
            or word in self.analyzer.lexicon_words
            or stem(word) in self.analyzer.lexicon_words
        ):
            return word
        corrected = snapshot.corrections.get(word)
        if corrected is None:
            corrected = _closest_word(word, snapshot.vocabulary)
            if len(snapshot.corrections) < 50_000:
                snapshot.corrections[word] = corrected
        return corrected

    def _covered(self, term: str, terms: frozenset[str]) -> float:
        """How far a set of terms accounts for one question term (1, partly, or 0)."""
        if term in terms:
            return 1.0
        broader = self.analyzer.broader.get(term)
        return self.policy.narrow_credit if broader in terms else 0.0

    def _candidates(self, snapshot: _Snapshot, query: _Query, guild_id: int) -> list[_Entry]:
        """The visible facts that share most with the query (for autocomplete)."""
        cursor = _Cursor(snapshot, self._contributions(query), _scopes(guild_id))
        entries: list[_Entry] = []
        while len(entries) < self.policy.candidate_limit:
            record = cursor.take()
            if record is None:
                break
            entries.append(self._entry(record))
        return entries

    def _score(self, candidates: list[_Entry], query: _Query) -> list[Match]:
        policy = self.policy
        all_phrasings = [p.folded for entry in candidates for p in entry.phrasings]
        # One batch call rather than a call per phrasing (cdist would need numpy).
        literal = [0.0] * len(all_phrasings)
        for _, similarity, position in process.extract(
            query.text,
            all_phrasings,
            scorer=fuzz.token_sort_ratio,
            processor=fuzz_utils.default_process,
            limit=None,
        ):
            literal[position] = similarity
        matches: list[Match] = []
        offset = 0
        for entry in candidates:
            coverage = self._coverage(query, entry.terms)
            best_fit, best_literal, best_text = 0.0, 0.0, entry.fact.statement
            for position, phrasing in enumerate(entry.phrasings):
                fit = self._phrasing_fit(query, phrasing.terms)
                lit = float(literal[offset + position]) / 100.0
                if fit + lit * 0.5 > best_fit + best_literal * 0.5:
                    best_fit, best_literal, best_text = fit, lit, phrasing.text
            offset += len(entry.phrasings)
            score = (
                policy.coverage_weight * coverage
                + policy.phrasing_weight * best_fit
                + policy.literal_weight * best_literal
            )
            if query.claimants and self._claimed_by(entry.fact, query.claimants):
                score += policy.claimant_bonus
            matches.append(Match(entry.fact, score, coverage, best_text))
        matches.sort(key=lambda m: (-m.score, m.fact.id))
        return matches

    def _coverage(self, query: _Query, terms: frozenset[str]) -> float:
        """The weighted share of the question's content that a fact's words account for."""
        covered = missing = 0.0
        for term, weight in query.weights.items():
            credit = self._covered(term, terms)
            covered += weight * credit
            if credit == 0.0 and term in query.names:
                # The question names a place or actor the base knows and this fact never
                # mentions: it is most likely about something else.
                missing += weight * self.policy.conflict_factor
            else:
                missing += weight * (1.0 - credit)
        return covered / (covered + missing) if covered + missing else 0.0

    def _phrasing_fit(self, query: _Query, terms: frozenset[str]) -> float:
        """F1 of the question's weighted terms against one phrasing's terms."""
        if not terms:
            return 0.0
        weights = query.weights
        shared = sum(w * self._covered(term, terms) for term, w in weights.items())
        if shared <= 0:
            return 0.0
        recall = shared / query.total_weight
        # Phrasing terms the question does not mention count at the weight of a common term,
        # so a long phrasing is not punished much for detail the question left out.
        missing = len(terms - weights.keys())
        precision = shared / (shared + 0.5 * missing)
        return 2 * recall * precision / (recall + precision)

    def _claimed_by(self, fact: Fact, claimants: frozenset[str]) -> bool:
        source = self._sources.get(fact.source)
        return fact.source in claimants or (
            source is not None and source.part_of is not None and source.part_of in claimants
        )

    def _decide(self, matches: list[Match], query: _Query) -> Decision:
        policy = self.policy
        if not matches:
            return Decision("unknown", ())
        best = matches[0]
        if best.coverage < policy.min_coverage or best.score < policy.suggest_score:
            return Decision("unknown", ())
        rivals = [m for m in matches[1:] if not _same_point(m.fact, best.fact)]
        runner_up = rivals[0].score if rivals else 0.0
        clear = best.score - runner_up >= policy.margin
        vague = sum(query.weights.values()) < policy.min_information
        if vague and rivals and best.score < policy.verbatim_score:
            return Decision("suggest", (best, *rivals[: policy.max_suggestions - 1]))
        if best.score >= policy.sure_score or (best.score >= policy.answer_score and clear):
            return Decision("answered", tuple(self._answer_set(best, matches)))
        suggestions = [best, *rivals[: policy.max_suggestions - 1]]
        return Decision("suggest", tuple(suggestions))

    def _answer_set(self, best: Match, matches: list[Match]) -> list[Match]:
        policy = self.policy
        chosen = [best]
        for match in matches[1:]:
            if len(chosen) >= policy.max_answers:
                break
            same_point = _same_point(match.fact, best.fact)
            close = (
                best.score - match.score <= policy.alongside
                and match.coverage >= policy.min_coverage
            )
            if same_point or close:
                chosen.append(match)
        return chosen


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    weights: dict[str, float]
    claimants: frozenset[str]
    names: frozenset[str]
    # Worked out once: every phrasing fit divides by it.
    total_weight: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_weight", sum(self.weights.values()))


_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?:;\"“”‘’'(]\s*$")


def _capitalised_words(text: str) -> list[str]:
    """Words written with a capital that do not start a sentence: most likely names."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        # Only the few characters before the word matter; slicing more would be quadratic.
        before = text[max(0, match.start() - 4) : match.start()]
        if word[0].isupper() and match.start() > 0 and not _SENTENCE_END.search(before):
            found.append(word)
    return found


def _same_point(a: Fact, b: Fact) -> bool:
    return not set(a.points).isdisjoint(b.points)


def _visibility(guild_id: int) -> Callable[[Fact], bool]:
    return lambda fact: fact.guild_id == GLOBAL or fact.guild_id == guild_id


class _Cursor:
    """The visible facts that share terms with a question, most overlap first.

    MaxScore-style: posting lists are read from the most telling term down, and a list is
    read only when a fact found nowhere else could still outrank the facts found so far, so
    the long list of a common word is often never read. The facts a list brings in are
    sorted by exact overlap either at once, with set operations (which run in C) against
    the lists still unread, or, when those lists are long and the new facts few, one by
    one from their terms as they come near the top.
    """

    def __init__(
        self, snapshot: _Snapshot, contributions: Mapping[str, float], scopes: tuple[int, ...]
    ) -> None:
        self._entries = snapshot.entries
        self._contributions = [(t, w) for t, w in contributions.items() if w > 0]
        self._terms = frozenset(t for t, _ in self._contributions)
        lists: list[tuple[float, int, list[_SlotSet]]] = []
        for term, weight in self._contributions:
            posting = snapshot.postings.get(term)
            sets = [posting.scopes[s] for s in scopes if s in posting.scopes] if posting else []
            if sets:
                lists.append((weight, sum(len(s) for s in sets), sets))
        # Most telling first; between equals, the shorter list.
        lists.sort(key=lambda item: (-item[0], item[1]))
        self._lists = lists
        self._sets: dict[int, set[int]] = {}
        # _remaining[k]: the most overlap a fact absent from the first k lists can have.
        self._remaining = [0.0] * (len(lists) + 1)
        for k in range(len(lists) - 1, -1, -1):
            self._remaining[k] = self._remaining[k + 1] + lists[k][0]
        self._read = 0
        self._found: set[int] = set()
        # Facts waiting, by group; a set is sorted when its group is first reached.
        self._groups: list[list[int] | set[int]] = []
        self._taken: list[int] = []  # per group, how many were taken
        # (-overlap, kind, group): kind 0 is a group of facts with exactly that overlap,
        # kind 1 a group only bounded by it, whose facts are worked out one at a time. On a
        # tie, known facts go first.
        self._heap: list[tuple[float, int, int]] = []

    def ceiling(self) -> float | None:
        """The most overlap a fact not taken yet can have; None if none shares a term."""
        while self._heap and self._peek(self._heap[0][2]) is None:
            heapq.heappop(self._heap)
        top = -self._heap[0][0] if self._heap else None
        if self._read < len(self._lists):
            rest = self._remaining[self._read]
            return rest if top is None else max(top, rest)
        return top

    def take(self) -> _Record | None:
        """The next fact by overlap, or None when every fact sharing a term was taken."""
        heap = self._heap
        while True:
            top = -heap[0][0] if heap else -math.inf
            if self._read < len(self._lists) and self._remaining[self._read] > top:
                self._expand()
                continue
            if not heap:
                return None
            _, kind, group = heap[0]
            slot = self._peek(group)
            if slot is None:
                heapq.heappop(heap)
                continue
            self._taken[group] += 1
            record = self._entries.at(slot)
            if kind == 0:
                return record
            common = self._terms.intersection(record.terms)
            overlap = sum(w for term, w in self._contributions if term in common)
            self._push(overlap, 0, [slot])

    def _peek(self, group: int) -> int | None:
        members = self._groups[group]
        if isinstance(members, set):
            # Most groups are never reached; they are sorted only if they are.
            members = self._groups[group] = sorted(members)
        taken = self._taken[group]
        return members[taken] if taken < len(members) else None

    def _push(self, overlap: float, kind: int, slots: list[int] | set[int]) -> None:
        self._groups.append(slots)
        self._taken.append(0)
        heapq.heappush(self._heap, (-overlap, kind, len(self._groups) - 1))

    def _slots(self, k: int) -> set[int]:
        if k not in self._sets:
            chunks = (chunk for slot_set in self._lists[k][2] for chunk in slot_set.chunks)
            self._sets[k] = set(chain.from_iterable(chunks))
        return self._sets[k]

    def _expand(self) -> None:
        k = self._read
        self._read += 1
        fresh = self._slots(k) - self._found
        self._found |= fresh
        self._sets.pop(k, None)
        if not fresh:
            return
        later = range(k + 1, len(self._lists))
        # Splitting in C reads the later lists once; one by one costs about as much per
        # fact as reading _PER_FACT set elements.
        reads = sum(self._lists[j][1] for j in later if j not in self._sets)
        if reads + len(fresh) * len(later) > len(fresh) * _PER_FACT:
            # A fact first found here is in none of the lists read before.
            self._push(self._remaining[k], 1, fresh)
            return
        groups = [(self._lists[k][0], fresh)]
        for j in later:
            weight, inside_j = self._lists[j][0], self._slots(j)
            split = []
            for overlap, members in groups:
                inside = members & inside_j
                if inside:
                    split.append((overlap + weight, inside))
                    members -= inside
                if members:
                    split.append((overlap, members))
            groups = split
        for overlap, members in groups:
            self._push(overlap, 0, members)


def _updated_scopes(
    sets: Mapping[int, _SlotSet], changes: Mapping[int, tuple[list[int], list[int]]]
) -> dict[int, _SlotSet]:
    """Per-scope slot sets with the first list of each change put in, the second taken out."""
    result = dict(sets)
    for scope, (came, went) in changes.items():
        current = result.get(scope)
        updated = current.updated(set(came), set(went)) if current else _SlotSet.of(came)
        if updated is None:
            result.pop(scope, None)
        else:
            result[scope] = updated
    return result


def _scopes(guild_id: int) -> tuple[int, ...]:
    """The guild scopes whose facts a guild sees."""
    return (GLOBAL,) if guild_id == GLOBAL else (GLOBAL, guild_id)


def _closest_word(word: str, vocabulary: Mapping[tuple[str, int], Sequence[str]]) -> str:
    # One slip (a wrong, missing, extra or swapped letter) in a short word, two in a long
    # one. The first letter must agree: people rarely get it wrong, and allowing it turns
    # real words the base never uses ("live") into ones it does ("five").
    limit = 2 if len(word) >= 9 else 1
    # A word within `limit` slips is within `limit` letters of the same length, so only
    # those buckets are read. Ties go to the first word in sorted order, as one sorted list
    # of all the words would give.
    best: tuple[int, str] | None = None
    for length in range(len(word) - limit, len(word) + limit + 1):
        bucket = vocabulary.get((word[0], length))
        if bucket:
            found = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=limit)
            if found is not None and (best is None or (found[1], found[0]) < best):
                best = (found[1], found[0])
    return best[1] if best else word
