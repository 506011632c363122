"""Quotes and statements: verbatim slices of the report, and neutral statements that keep
every hedge and drop the attribution."""

from __future__ import annotations

import pytest

from bot.models import Source
from tests.unit.drafting.support import SOURCES, drafts_of


def test_every_quote_is_a_verbatim_slice_of_the_report() -> None:
    text = "“At least 16 civilians were killed,” the Observatory said. Photo / AFP"
    drafts = drafts_of(text)
    assert drafts
    for draft in drafts:
        assert text[draft.start : draft.end] == draft.quote
    assert not any("Photo" in draft.quote for draft in drafts)


def test_headlines_subheadings_and_credits_are_no_claims() -> None:
    text = (
        "Rebels advance on Hama\n\nBEIRUT (AFP) - Rebels took two towns, the Observatory "
        "said. Photo / AFP\n\nGunfire\n\nThe army said it had pulled back"
    )
    drafts = drafts_of(text)
    quotes = [draft.quote for draft in drafts]
    assert quotes == [
        "BEIRUT (AFP)",
        "Rebels took two towns, the Observatory said",
        "The army said it had pulled back",
    ]
    assert drafts[0].statement == "The report was filed from Beirut."
    assert drafts[0].source == "afp"


def test_a_statement_keeps_every_hedge_and_drops_the_attribution() -> None:
    text = (
        "The Observatory said “at least 16 civilians were killed” and the regime appears "
        "to have lost dozens of towns."
    )
    [draft] = drafts_of(text)
    assert "at least 16" in draft.statement.lower()
    assert "appears to" in draft.statement
    assert "dozens" in draft.statement
    assert "Observatory" not in draft.statement
    assert "“" not in draft.statement


def test_a_leading_pronoun_is_resolved_from_the_claim_before() -> None:
    text = (
        "Islamic fighters took five districts, a war monitor said. "
        "They also overran the airport, it added."
    )
    second = drafts_of(text)[-1]
    assert second.statement == "Islamic fighters also overran the airport."


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "HTS claimed responsibility for the attack.",
            "HTS claimed responsibility for the attack.",
        ),
        ("Tehran warned of a wider war.", "Tehran warned of a wider war."),
        ("The army told residents to stay indoors.", "The army told residents to stay indoors."),
        ("Tehran told reporters in Geneva the talks failed.", "The talks failed."),
        ("The Kremlin said on Monday it was in contact.", "On Monday the Kremlin was in contact."),
        ("It is not clear how many died, the Observatory said.", "It is not clear how many died."),
    ],
)
def test_a_statement_says_what_the_claimant_said_or_did(text: str, statement: str) -> None:
    sources = (*SOURCES, Source("russia", "Russian government", ("the Kremlin",)))
    drafts = [draft for draft in drafts_of(text, sources) if draft.claimant_words]
    assert [draft.statement for draft in drafts] == [statement]


def test_first_person_words_stay_in_the_claimants_mouth() -> None:
    [draft] = drafts_of("“We are going to clear all of Syria,” Rami Abdel Rahman said.")
    assert draft.statement == "Rami Abdel Rahman said: “We are going to clear all of Syria.”"


def test_background_inside_a_claim_goes_to_the_outlet() -> None:
    text = "Rebels took Aleppo, Syria's second city, the Observatory said."
    drafts = drafts_of(text)
    background = [draft for draft in drafts if draft.source == "afp"]
    assert [draft.statement for draft in background] == ["Aleppo is Syria's second city."]
