"""Phrasings: questions a person might type to reach a claim."""

from __future__ import annotations

from tests.unit.drafting.support import drafts_of


def test_phrasings_ask_by_figure_place_and_claimant() -> None:
    text = "At least 16 civilians were killed in Aleppo, the Observatory said."
    [draft] = drafts_of(text)
    assert len(draft.questions) >= 3
    assert all(question == question.lower() for question in draft.questions)
    assert "how many civilians were killed" in draft.questions
    assert any(question.startswith("where") for question in draft.questions)
    assert any(question.startswith("what did sohr say about") for question in draft.questions)


def test_phrasings_take_synonyms_from_the_lexicon() -> None:
    [draft] = drafts_of("The rebels took the airport, the Observatory said.")
    # The lexicon has "insurgent" for rebels and "airfield" for airport.
    assert any("insurgent" in question for question in draft.questions)
    assert any("airfield" in question for question in draft.questions)
