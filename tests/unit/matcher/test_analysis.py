"""Folding, stemming and spelling correction of a question's words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge import Lexicon, SynonymGroup
from bot.matcher.analysis import Analyzer, _closest_word


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


def words(text: str) -> list[str]:
    return text.split(" ")


def gap_analyzer() -> Analyzer:
    return Analyzer(
        Lexicon(
            stopwords=frozenset({"the", "to", "what", "is", "do", "you"}),
            light_words=frozenset(),
            synonyms=(
                SynonymGroup("urge", ("ask * to", "call for"), None),
                SynonymGroup("russia", ("moscow",), None),
            ),
        )
    )


def test_a_gap_takes_one_content_word_which_stays_a_term() -> None:
    terms, _ = gap_analyzer().analyse(words("what is turkey asking moscow to do"))
    # The request, and the gap's word read through the lexicon like any other.
    assert terms == ["turkey", "urge", "russia"]


def test_a_gap_is_never_filled_by_a_function_word_or_left_empty() -> None:
    analyzer = gap_analyzer()
    assert "urge" not in analyzer.analyse(words("can i ask you to help"))[0]
    assert "urge" not in analyzer.analyse(words("ask to leave"))[0]
    assert "urge" not in analyzer.analyse(words("ask the army to"))[0]
