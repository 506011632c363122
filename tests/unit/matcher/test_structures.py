"""The index's snapshot structures."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matcher.bitmaps import slots_of
from bot.matcher.structures import _BITMAP_FROM, _SlotSet


@settings(max_examples=200, deadline=None)
@given(
    start=st.sets(st.integers(0, 5_000), max_size=3_000),
    steps=st.lists(
        st.tuples(st.sets(st.integers(0, 6_000), max_size=300), st.integers(0, 1_200)),
        max_size=6,
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
        # A long set keeps its bitmap up to date, in and out of being long.
        if slots is not None and len(slots) >= _BITMAP_FROM:
            assert slots.bits is not None and slots_of(slots.bits) == sorted(model)
        elif slots is not None:
            assert slots.bits is None
