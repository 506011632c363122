"""Finding where a claim ends before its attribution ("…, the Army said")."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.drafting.document import Document
from bot.drafting.drafter import MAX_SENTENCE, draft_facts
from bot.drafting.segment import in_quote
from bot.drafting.speaker_after import _separator_before
from bot.knowledge import Lexicon
from tests.unit.drafting.support import SOURCES


def stepping_back(
    sentence: str, start: int, position: int, regions: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The search as first written: one character at a time, back from the position."""
    for index in range(position - 1, start - 1, -1):
        if sentence[index] == "," and not in_quote(regions, index):
            return (index, index + 1)
        if any(stop - 1 == index for _, stop in regions):
            return (index + 1, index + 1)
    return None


@settings(max_examples=400, deadline=None)
@given(
    sentence=st.text(alphabet="ab ,“”", min_size=1, max_size=40),
    data=st.data(),
)
def test_the_separator_is_what_stepping_back_finds(sentence: str, data: st.DataObject) -> None:
    bounds = st.integers(min_value=0, max_value=len(sentence))
    start, position = sorted((data.draw(bounds), data.draw(bounds)))
    spans = data.draw(st.lists(st.tuples(bounds, bounds), max_size=3))
    regions = sorted((min(a, b), max(a, b)) for a, b in spans if a != b)
    expected = stepping_back(sentence, start, position, regions)
    assert _separator_before(sentence, start, position, regions) == expected


def test_text_without_sentence_breaks_is_not_read_for_claims() -> None:
    endless = "He said " * (MAX_SENTENCE // 8 + 1)
    document = Document("x", "A report", "AFP", "2024-12-01", endless)
    assert draft_facts(document, SOURCES, Lexicon()) == []
    # The same words in sentences are read.
    sentences = "The Army said rebels entered the city. " * 3
    document = Document("x", "A report", "AFP", "2024-12-01", sentences)
    assert draft_facts(document, SOURCES, Lexicon())
