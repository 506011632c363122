"""The candidate facts for a question, most shared content first, and how high they can score.

An inverted index from terms to facts gives the candidates. Facts are scored in full from
the most shared content down, and only until no fact left could change the decision, so
the answer is the one scoring every fact would give, at a cost that follows how common the
question's words are rather than the size of the base (see `MatchIndex._search`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping

from bot.matcher.bitmaps import slots_of
from bot.matcher.policy import MatchPolicy
from bot.matcher.query import _Query
from bot.matcher.structures import _Record, _SlotSet, _Snapshot

# Working out one fact's overlap from its terms costs about as much as this many set
# operations on posting lists (measured, CPython 3.11).
_PER_FACT = 40
# Rounding between the overlap bound and the score itself.
_SLACK = 1e-9


class _Cursor:
    """The visible facts that share terms with a question, most overlap first.

    MaxScore-style: posting lists are read from the most telling term down, and a list is
    read only when a fact found nowhere else could still outrank the facts found so far, so
    the long list of a common word is often never read. The facts a list brings in are
    sorted by exact overlap either at once, against the lists still unread, or, when those
    lists are long and the new facts few, one by one from their terms as they come near
    the top.

    Sets of facts are bitmaps (bitmaps.py).
    """

    def __init__(
        self,
        snapshot: _Snapshot,
        contributions: Mapping[str, float],
        scopes: tuple[int, ...],
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
        self._bits: dict[int, int] = {}
        # _remaining[k]: the most overlap a fact absent from the first k lists can have.
        self._remaining = [0.0] * (len(lists) + 1)
        for k in range(len(lists) - 1, -1, -1):
            self._remaining[k] = self._remaining[k + 1] + lists[k][0]
        self._read = 0
        self._found = 0
        # Facts waiting, by group, in slot order; a bitmap is listed when its group is
        # first reached.
        self._groups: list[list[int] | int] = []
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
        if isinstance(members, int):
            # Most groups are never reached; they are listed only if they are.
            members = self._groups[group] = slots_of(members)
        taken = self._taken[group]
        return members[taken] if taken < len(members) else None

    def _push(self, overlap: float, kind: int, slots: list[int] | int) -> None:
        self._groups.append(slots)
        self._taken.append(0)
        heapq.heappush(self._heap, (-overlap, kind, len(self._groups) - 1))

    def _list_bits(self, k: int) -> int:
        bits = self._bits.get(k)
        if bits is None:
            bits = self._bits[k] = bits_of(self._lists[k][2])
        return bits

    def _expand(self) -> None:
        k = self._read
        self._read += 1
        fresh = self._list_bits(k) & ~self._found
        self._found |= fresh
        self._bits.pop(k, None)
        if not fresh:
            return
        later = range(k + 1, len(self._lists))
        # Splitting reads the later lists once; one by one costs about as much per fact
        # as reading _PER_FACT list elements.
        count = fresh.bit_count()
        reads = sum(self._lists[j][1] for j in later if j not in self._bits)
        if reads + count * len(later) > count * _PER_FACT:
            # A fact first found here is in none of the lists read before.
            self._push(self._remaining[k], 1, fresh)
            return
        groups = [(self._lists[k][0], fresh)]
        for j in later:
            weight, inside_j = self._lists[j][0], self._list_bits(j)
            split = []
            for overlap, members in groups:
                inside = members & inside_j
                if inside:
                    split.append((overlap + weight, inside))
                    members ^= inside
                if members:
                    split.append((overlap, members))
            groups = split
        for overlap, members in groups:
            self._push(overlap, 0, members)


def bits_of(slot_sets: list[_SlotSet]) -> int:
    """The slots of these sets (one per scope) as one bitmap."""
    bits = 0
    for slot_set in slot_sets:
        bits |= slot_set.as_bitmap()
    return bits


def score_bound(
    query: _Query, policy: MatchPolicy
) -> Callable[[float], tuple[float, float]] | None:
    """The most a fact can score, and its most coverage, given its overlap with the question.

    A fact's overlap c (what `contributions` add up over its terms) is at least the
    weight its terms cover. With W the question's total weight: coverage is at most
    c / (c + (W - c) * min(1, conflict_factor)), the phrasing F1 at most that of recall
    c / W with perfect precision, and literal similarity at most 1. None when the
    policy's values would make that reasoning unsound (the search then scores all).
    """
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


def contributions(
    query: _Query, broader_terms: Mapping[str, str], policy: MatchPolicy
) -> dict[str, float]:
    """What each indexed term adds to a fact's overlap with the question."""
    contributions: dict[str, float] = {}
    for term, weight in query.weights.items():
        contributions[term] = contributions.get(term, 0.0) + weight
        broader = broader_terms.get(term)
        if broader is not None:
            partial = weight * policy.narrow_credit
            contributions[broader] = contributions.get(broader, 0.0) + partial
    return contributions
