"""The index's immutable data: fact records, posting lists and the snapshot that holds them.

The index is an immutable snapshot: writers build the next snapshot from the current one,
copying only the shards, chunks and posting lists a change touches, and swap it in with one
assignment, so a reader sees the old facts or the new ones, never a mix.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import ClassVar

from bot.matcher.answerable import FactFeatures
from bot.matcher.bitmaps import bitmap
from bot.models import GLOBAL, Fact, FactKey

# Slots per chunk, in posting lists and the slot table: a change copies one chunk.
_CHUNK = 1024
# A slot set this long keeps a bitmap of itself.
_BITMAP_FROM = 512
# Phrasing terms are stored as byte indices into the fact's term tuple; 255 separates them.
_SEPARATOR = 255


# Not frozen, though nothing changes one: a frozen dataclass sets each field through
# object.__setattr__, which made building an entry a third slower.
@dataclass(slots=True)
class _Entry:
    """A fact's record made ready for scoring (index._entry).

    The index keeps entries for the facts last scored, and the collector walks whatever is
    kept: so an entry holds its parts in containers it does not track (a dict of str to
    int, a tuple of bytes) wherever one serves.
    """

    fact: Fact
    # The fact's terms, each to its position in the record's term tuple; also the set of
    # the fact's terms (a dict the collector never walks, where a frozenset it would).
    positions: dict[str, int]
    # Each phrasing's terms as their positions in the fact's terms (`positions`): the
    # record's bytes as they are, or frozensets of positions for a fact with more terms
    # than a byte counts. Neither is turned back into strings to score a fact.
    phrasing_terms: tuple[bytes | frozenset[int], ...]
    # A position no phrasing holds, for a term the fact does not use.
    absent: int
    features: FactFeatures
    # What the entry was made from: the index keeps it only while the record stands.
    record: _Record = field(compare=False)
    # Where its record sits in the snapshot: a search tells the facts it scored by it.
    # The record's, kept as a field as it is read for every fact scored. Not part of what
    # the entry is: an index edited in place puts facts elsewhere.
    slot: int = field(compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Terms the fact spells with a capital inside a sentence: names of places and actors."""
        return self.record.names


class _SlotSet:
    """An immutable set of fact slots, kept as sorted int arrays of at most _CHUNK each,
    and, for a set of _BITMAP_FROM slots or more, as a bitmap too (bitmaps.py).

    An update copies only the chunks it falls in, so adding a fact to a term that 30,000
    facts use costs one chunk, not the whole list; int arrays take 4 bytes a fact where a
    frozenset of ids takes about 40. A search reads the long lists of common words as
    bitmaps, and making one costs more than the rest of the search: a long set keeps its
    own, a bit a fact, updated with it.
    """

    __slots__ = ("bits", "chunks", "size")

    def __init__(self, chunks: tuple[array[int], ...], size: int, bits: int | None) -> None:
        self.chunks = chunks
        self.size = size
        self.bits = bits

    def __reduce__(
        self,
    ) -> tuple[type[_SlotSet], tuple[tuple[array[int], ...], int, int | None]]:
        # By its constructor, as _Records is.
        return _SlotSet, (self.chunks, self.size, self.bits)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(self.chunks)

    @staticmethod
    def of(slots: Iterable[int]) -> _SlotSet | None:
        ordered = sorted(slots)
        if not ordered:
            return None
        size = len(ordered)
        bits = bitmap([ordered], size) if size >= _BITMAP_FROM else None
        return _SlotSet(_pieces(ordered), size, bits)

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
        if not size:
            return None
        result = _SlotSet(tuple(p for p in pieces if p), size, None)
        if size >= _BITMAP_FROM:
            if self.bits is None:
                result.bits = result.as_bitmap()
            else:
                removed = bitmap([sorted(dropped)], len(dropped))
                result.bits = (self.bits & ~removed) | bitmap([sorted(added)], len(added))
        return result

    def as_bitmap(self) -> int:
        """The set as a bitmap: its own, or made for the asking."""
        if self.bits is not None:
            return self.bits
        return bitmap([chunk.tolist() for chunk in self.chunks], self.size)


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

    def folded_phrasing(self, position: int) -> str:
        """The phrasing at `position`, folded as the question it is compared with."""
        folded = self.folded[position] if self.folded is not None else None
        # None where folding does no more than lower-casing.
        return folded if folded is not None else self.fact.questions[position].lower()


class _Records(Mapping[FactKey, _Record]):
    """(Guild scope, fact id) -> record, in shards, plus a slot table in the order facts
    were added.

    Both are copied on write one shard or chunk at a time, so a change does not copy the
    whole base.
    """

    __slots__ = ("_shards", "_size", "_table", "next_slot")
    _SHARDS: ClassVar[int] = 64
    EMPTY: ClassVar[_Records]

    def __init__(
        self,
        shards: tuple[dict[FactKey, _Record], ...] | None,
        table: tuple[tuple[_Record | None, ...], ...],
        size: int,
        next_slot: int,
    ) -> None:
        """`shards` None: shard the table's records here."""
        self._table = table
        self._size = size
        self.next_slot = next_slot
        if shards is None:
            shards = tuple({} for _ in range(self._SHARDS))
            for record in self.records():
                key = record.fact.key
                shards[hash(key) % self._SHARDS][key] = record
        self._shards = shards

    def __reduce__(
        self,
    ) -> tuple[type[_Records], tuple[None, tuple[tuple[_Record | None, ...], ...], int, int]]:
        # By its constructor, without the shards: they follow str hashes, which differ
        # from process to process, so the process that unpickles shards the records again.
        return _Records, (None, self._table, self._size, self.next_slot)

    def __getitem__(self, key: FactKey) -> _Record:
        return self._shards[hash(key) % self._SHARDS][key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and key in self._shards[hash(key) % self._SHARDS]

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[FactKey]:
        return (record.fact.key for record in self.records())

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

    def edited(self, changes: Mapping[FactKey, _Record | None], removed: Iterable[int]) -> _Records:
        """A copy with `changes` applied (None drops the fact) and the `removed` slots freed."""
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
        for key, record in changes.items():
            shard = hash(key) % self._SHARDS
            if shard not in copied:
                shards[shard] = dict(shards[shard])
                copied.add(shard)
            had = key in shards[shard]
            if record is None:
                shards[shard].pop(key, None)
                size -= had
                continue
            shards[shard][key] = record
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


@dataclass(frozen=True, slots=True)
class _Snapshot:
    entries: _Records = field(default_factory=lambda: _Records.EMPTY)
    postings: dict[str, _Posting] = field(default_factory=dict)
    # Guild scope -> the slots of its facts.
    scopes: dict[int, _SlotSet] = field(default_factory=dict)
    # Point -> the facts that answer it (every scope).
    points: dict[str, frozenset[FactKey]] = field(default_factory=dict)
    # Guild scope -> how many of its facts use each folded word. Spelling is per scope, so
    # one server's words never change how another server's questions are read.
    word_counts: dict[int, dict[str, int]] = field(default_factory=dict)
    # Guild scope -> (first letter, length) -> its words, sorted: what a misspelling is
    # checked against.
    vocabulary: dict[int, dict[tuple[str, int], tuple[str, ...]]] = field(default_factory=dict)
    # Guild -> spelling corrections already worked out against the words it sees.
    corrections: dict[int, dict[str, str]] = field(default_factory=dict)
    # Guild -> whether the facts it sees spell a term as a name, for the terms already asked.
    spelled_as_names: dict[int, dict[str, bool]] = field(default_factory=dict)


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


def _visibility(guild_id: int) -> Callable[[Fact], bool]:
    return lambda fact: fact.guild_id == GLOBAL or fact.guild_id == guild_id
