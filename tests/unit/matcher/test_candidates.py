"""The candidate cursor: facts by overlap, most first, each once; and the bitmaps it reads
posting lists as."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import synthetic_facts
from bot.knowledge import Knowledge
from bot.matcher import MatchIndex
from bot.matcher.bitmaps import slots_of
from bot.matcher.candidates import _Cursor, bits_of
from bot.matcher.structures import _BITMAP_FROM, _SlotSet
from bot.models import GLOBAL

GUILD = 77

# Sparse and dense sets, as the two ways of making a bitmap take them, and sets long
# enough to keep their own, in one or two scopes.
slot_lists = st.lists(
    st.one_of(
        st.sets(st.integers(0, 5_000), max_size=40),
        st.sets(st.integers(0, 700), min_size=100, max_size=600),
        st.sets(st.integers(0, 3_000), min_size=_BITMAP_FROM, max_size=1_500),
    ),
    min_size=1,
    max_size=2,
)


@settings(max_examples=300, deadline=None)
@given(slot_lists)
def test_a_bitmap_holds_exactly_the_slots_it_was_made_from(lists: list[set[int]]) -> None:
    # Scopes never share a fact, as the snapshot's scopes never do.
    seen: set[int] = set()
    disjoint = []
    for slots in lists:
        disjoint.append(slots - seen)
        seen |= slots
    slot_sets = [s for s in (_SlotSet.of(slots) for slots in disjoint) if s is not None]
    bits = bits_of(slot_sets)
    assert slots_of(bits) == sorted(seen)
    assert bits.bit_count() == len(seen)


@pytest.fixture(scope="module")
def crowded(knowledge: Knowledge) -> MatchIndex:
    facts = [*knowledge.facts, *synthetic_facts(3_000, seed=5)]
    return MatchIndex(knowledge.lexicon, knowledge.sources, facts)


def test_the_cursor_gives_every_fact_sharing_a_term_once_by_overlap(
    crowded: MatchIndex,
) -> None:
    snapshot = crowded._snapshot
    common = sorted(snapshot.postings, key=lambda t: -len(snapshot.postings[t]))[:40]
    rng = random.Random(3)
    for _ in range(60):
        # Common terms and rare ones, with weights that tie often.
        terms = rng.sample(common, 4) + rng.sample(sorted(snapshot.postings), 2)
        weights = {term: rng.choice([0.5, 1.0, 1.5, 2.0]) for term in terms}
        cursor = _Cursor(snapshot, weights, (GLOBAL,))
        taken = []
        while (record := cursor.take()) is not None:
            taken.append(record)
        overlaps = [sum(w for t, w in weights.items() if t in r.terms) for r in taken]
        assert overlaps == sorted(overlaps, reverse=True)
        expected = {r.slot for r in snapshot.entries.records() if set(r.terms) & weights.keys()}
        assert sorted(r.slot for r in taken) == sorted(expected)
