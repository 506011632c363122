"""The next snapshot, from the current one and the facts one `MatchIndex.apply` changes.

Only the shards, chunks and postings the changed facts touch are copied, so the cost
follows the size of the change, not the size of the base.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.matcher.structures import _Posting, _Record, _Snapshot, _updated_scopes
from bot.models import FactKey
from bot.text import fold


class _Change:
    """The facts one apply() adds, replaces or drops, gathered one by one, then published."""

    def __init__(self, old: _Snapshot) -> None:
        self.old = old
        self.records: dict[FactKey, _Record | None] = {}
        self.freed: list[int] = []
        self.next_slot = old.entries.next_slot
        # term -> scope -> (slots in, slots out); likewise for scopes and points.
        self.terms: dict[str, dict[int, tuple[list[int], list[int]]]] = {}
        self.scopes: dict[int, tuple[list[int], list[int]]] = {}
        self.points: dict[str, tuple[list[FactKey], list[FactKey]]] = {}
        # scope -> word -> change in how many of the scope's facts use it.
        self.word_delta: dict[int, dict[str, int]] = {}

    def slot(self, previous: _Record | None) -> int:
        """Where a fact goes: an edited fact keeps its place; a new one goes at the end."""
        if previous is not None:
            return previous.slot
        slot, self.next_slot = self.next_slot, self.next_slot + 1
        return slot

    def add(
        self,
        key: FactKey,
        previous: _Record | None,
        record: _Record | None,
        words: Iterable[str],
    ) -> None:
        """`record` (None: out of the index), with the folded words it adds, in place of
        `previous` (None: a fact new to the index)."""
        if record is not None:
            word_delta = self.word_delta.setdefault(record.fact.guild_id, {})
            for word in words:
                word_delta[word] = word_delta.get(word, 0) + 1
        self.records[key] = record
        if previous is not None:
            word_delta = self.word_delta.setdefault(previous.fact.guild_id, {})
            for word in _words(previous):
                word_delta[word] = word_delta.get(word, 0) - 1
        same_scope = (
            previous is not None
            and record is not None
            and previous.fact.guild_id == record.fact.guild_id
        )
        if previous is not None and record is not None and same_scope:
            # Only the terms that came or went touch a posting list.
            self._move(record, set(record.terms).difference(previous.terms), 0)
            self._move(previous, set(previous.terms).difference(record.terms), 1)
        else:
            if previous is not None:
                self._move(previous, previous.terms, 1)
                self.freed.append(previous.slot)
                scope_changes = self.scopes.setdefault(previous.fact.guild_id, ([], []))
                scope_changes[1].append(previous.slot)
            if record is not None:
                self._move(record, record.terms, 0)
                self.scopes.setdefault(record.fact.guild_id, ([], []))[0].append(record.slot)
        for member, direction in ((previous, 1), (record, 0)):
            for point in member.fact.points if member is not None else ():
                moves = self.points.setdefault(point, ([], []))
                moves[direction].append(key)

    def _move(self, record: _Record, terms: Iterable[str], direction: int) -> None:
        scope, slot = record.fact.guild_id, record.slot
        for term in terms:
            self.terms.setdefault(term, {}).setdefault(scope, ([], []))[direction].append(slot)

    def snapshot(self) -> _Snapshot:
        """The old snapshot with every change gathered so far."""
        old = self.old
        live = {record.slot for record in self.records.values() if record is not None}
        entries = old.entries.edited(self.records, [s for s in self.freed if s not in live])
        postings = dict(old.postings)
        for term, by_scope in self.terms.items():
            posting = postings.get(term)
            sets = _updated_scopes(posting.scopes if posting else {}, by_scope)
            if sets:
                postings[term] = _Posting(sum(len(s) for s in sets.values()), sets)
            else:
                postings.pop(term, None)
        scopes = _updated_scopes(old.scopes, self.scopes)
        points = dict(old.points)
        for point, (came, went) in self.points.items():
            # A fact both in and out of a point (an edit) stays in.
            keys = set(points.get(point, ())).difference(went).union(came)
            if keys:
                points[point] = frozenset(keys)
            else:
                points.pop(point, None)
        word_counts = dict(old.word_counts)
        vocabulary = dict(old.vocabulary)
        for scope, delta in self.word_delta.items():
            counts, arrived, left = _counted(old.word_counts.get(scope, {}), delta)
            words = _vocabulary(old.vocabulary.get(scope, {}), arrived, left)
            if counts:
                word_counts[scope], vocabulary[scope] = counts, words
            else:
                word_counts.pop(scope, None)
                vocabulary.pop(scope, None)
        return _Snapshot(entries, postings, scopes, points, word_counts, vocabulary, corrections={})


def _counted(
    counts: Mapping[str, int], delta: Mapping[str, int]
) -> tuple[dict[str, int], set[str], set[str]]:
    """The word counts after `delta`, with the words that arrived and the words that left."""
    word_counts = dict(counts)
    arrived: set[str] = set()
    left: set[str] = set()
    for word, change in delta.items():
        if not change:
            continue
        before = word_counts.get(word, 0)
        after = before + change
        if after > 0:
            word_counts[word] = after
        else:
            word_counts.pop(word, None)
        if before <= 0 < after:
            arrived.add(word)
        elif after <= 0 < before:
            left.add(word)
    return word_counts, arrived, left


def _vocabulary(
    old: Mapping[tuple[str, int], tuple[str, ...]], arrived: set[str], left: set[str]
) -> dict[tuple[str, int], tuple[str, ...]]:
    """The spelling vocabulary with the words that arrived in and those that left out."""
    # Only the (initial, length) buckets whose words came or went are rebuilt.
    vocabulary = dict(old)
    came: dict[tuple[str, int], list[str]] = {}
    went: dict[tuple[str, int], list[str]] = {}
    for words, by_key in ((arrived, came), (left, went)):
        for word in words:
            by_key.setdefault((word[0], len(word)), []).append(word)
    for key in came.keys() | went.keys():
        bucket = set(vocabulary.get(key, ()))
        bucket.difference_update(went.get(key, ()))
        bucket.update(came.get(key, ()))
        if bucket:
            vocabulary[key] = tuple(sorted(bucket))
        else:
            vocabulary.pop(key, None)
    return vocabulary


def _words(record: _Record) -> set[str]:
    """The folded words a record added to the vocabulary, worked out again."""
    fact = record.fact
    words = set(record.source_names.words)
    for text in (*fact.questions, fact.statement, fact.quote or "", *fact.topics):
        words.update(fold(text).split())
    return words
