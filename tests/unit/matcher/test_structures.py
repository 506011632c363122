"""The index's snapshot structures."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matcher.structures import _SlotSet


@settings(max_examples=200, deadline=None)
@given(
    start=st.sets(st.integers(0, 5_000), max_size=3_000),
    steps=st.lists(
        st.tuples(st.sets(st.integers(0, 6_000), max_size=300), st.integers(0, 400)), max_size=6
    ),
)
def test_slot_sets_behave_as_sets(start: set[int], steps: list[tuple[set[int], int]]) -> None:
    model = set(start)
    slots = _SlotSet.of(start)
    for added, drop_count in steps:
        dropped = set(sorted(model)[:drop_count:2]) - added
        model = (model - dropped) | added
        slots = _SlotSet.of(added) if slots is None else slots.updated(added, dropped)
        assert (list(slots) if slots else []) == sorted(model)
        assert (len(slots) if slots else 0) == len(model)
