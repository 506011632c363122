"""The words of the bot's replies (bot.compose), on small hand-made answers."""

from __future__ import annotations

import pytest

from bot.compose import (
    answers_text,
    citation_text,
    help_text,
    human_date,
    not_said_heading,
    quoted,
    related_text,
    suggestions_text,
    unknown_text,
)
from bot.models import Answer, ArticleInfo, Citation, Suggestion

ARTICLE = ArticleInfo(
    id="aleppo",
    title="Rebels enter Aleppo",
    outlet="AFP",
    date="2024-11-30",
    summary="A summary.",
    text="The article.",
    topic="the offensive on Aleppo",
)


def answer(
    text: str = "Rebels took the airport.",
    source: str = "Syrian Observatory for Human Rights",
    reported_by: str | None = "AFP",
    quote: str | None = None,
    date: str | None = "2024-11-30",
    verified: bool = True,
) -> Answer:
    citation = Citation("sohr", source, reported_by, date)
    return Answer("airport", text, citation, quote, 0.9, quote_verified=verified)


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2024-11-30", "30 November 2024"),
        ("2024-12-01", "1 December 2024"),
        (None, "undated"),
        ("", "undated"),
        ("late November", "late November"),  # not a date: shown as written
    ],
)
def test_dates_read_as_people_write_them(iso: str | None, shown: str) -> None:
    assert human_date(iso) == shown


def test_a_citation_names_the_source_who_reported_it_and_when() -> None:
    assert citation_text(answer().citation) == (
        "Syrian Observatory for Human Rights, reported by AFP, 30 November 2024"
    )


@pytest.mark.parametrize("reported_by", [None, "AFP"])
def test_a_source_that_reported_its_own_claim_is_named_once(reported_by: str | None) -> None:
    own = answer(source="AFP", reported_by=reported_by, date=None)
    assert citation_text(own.citation) == "AFP, undated"


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("reported fierce battles “over a strip”", "“reported fierce battles ‘over a strip’”"),
        ("“dozens of men were killed”", "“dozens of men were killed”"),
        ("“at least 16” in fresh strikes", "“‘at least 16’ in fresh strikes”"),
        ('the "jihadists" advanced', "“the 'jihadists' advanced”"),
    ],
)
def test_quotes_are_shown_with_balanced_nested_marks(quote: str, shown: str) -> None:
    assert quoted(quote) == shown
    opened = shown.count("“") + shown.count("‘")
    assert opened == shown.count("”") + shown.count("’")


def test_each_answer_is_a_block_with_its_citation_and_quote_if_any() -> None:
    first = answer(quote="rebels seized the airport")
    second = answer("Fighting went on in the east.", source="AFP", reported_by=None)
    assert answers_text([first, second]) == (
        "Rebels took the airport.\n"
        "  Source: Syrian Observatory for Human Rights, reported by AFP, 30 November 2024\n"
        "  Quote: “rebels seized the airport”\n"
        "\n"
        "Fighting went on in the east.\n"
        "  Source: AFP, 30 November 2024"
    )


def test_a_quote_not_checked_against_a_document_is_marked_unverified() -> None:
    unchecked = answer(quote="rebels seized the airport", verified=False)
    assert answers_text([unchecked]).splitlines()[-1] == (
        "  Quote (unverified): “rebels seized the airport”"
    )


def test_choices_are_numbered_from_one() -> None:
    shown = suggestions_text([Suggestion("a", "who took the airport"), Suggestion("b", "when")])
    assert shown == "I'm not sure which of these you mean:\n  1. who took the airport\n  2. when"


def test_an_unknown_question_is_told_what_the_bot_knows_about() -> None:
    assert unknown_text(ARTICLE) == (
        "The article doesn't say. I only know what AFP reported on 30 November 2024 about "
        "the offensive on Aleppo."
    )


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("count", "The article doesn't give that figure."),
        ("time", "The article doesn't say when."),
        ("reason", "The article doesn't say why."),
        ("other", "The article doesn't say that."),
    ],
)
def test_what_is_not_said_is_named_by_what_was_asked(kind: str, heading: str) -> None:
    assert not_said_heading(kind) == heading


def test_related_facts_follow_the_heading() -> None:
    shown = related_text(not_said_heading("count"), [answer()])
    assert shown.startswith("The article doesn't give that figure. What it does say:\n\n")
    assert shown.endswith(answers_text([answer()]))


def test_help_names_the_story_and_how_many_facts_the_bot_knows() -> None:
    shown = help_text(ARTICLE, 57)
    assert "what AFP reported on 30 November 2024 about the offensive on Aleppo" in shown
    assert "I know 57 facts, each with who claimed it." in shown
