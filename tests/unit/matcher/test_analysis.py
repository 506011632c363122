"""Folding, stemming and spelling correction of a question's words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matcher.analysis import _closest_word


@settings(max_examples=300, deadline=None)
@given(
    words=st.sets(st.text("abcdez", min_size=1, max_size=12), max_size=80),
    word=st.text("abcdez", min_size=5, max_size=12),
)
def test_spelling_buckets_pick_what_one_sorted_list_would(words: set[str], word: str) -> None:
    # The old lookup: one sorted list of the words that share the first letter.
    limit = 2 if len(word) >= 9 else 1
    same_initial = sorted(w for w in words if w[0] == word[0])
    found = process.extractOne(word, same_initial, scorer=OSA.distance, score_cutoff=limit)
    expected = found[0] if found else word
    buckets: dict[tuple[str, int], list[str]] = {}
    for w in sorted(words):
        buckets.setdefault((w[0], len(w)), []).append(w)
    assert _closest_word(word, buckets) == expected
