"""Folding, stemming and the other plain-text rules every part of the bot shares."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.text import fold, loose_quote_form, slug, stem, unenclosed, words
from tests.strategies import (
    ESSAY,
    PROPERTY_SETTINGS,
    ZERO_WIDTH,
    user_text,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Syria’s second city", "syria second city"),
        ("ALEPPO Airport?!", "aleppo airport"),
        ("Maaret al-Numan", "maaret al numan"),
        ("Khan Sheikhūn", "khan sheikhun"),
        ("a 100km strip", "a 100 km strip"),
        ("don’t", "dont"),
        ("zero\u200bwidth", "zerowidth"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("", ""),
        ("?!…", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_loose_quote_form_evens_out_quotes_dashes_and_spaces_only() -> None:
    assert loose_quote_form("“a  big” – ‘deal’\n") == "\"a big\" - 'deal'"
    # Letters and case are not touched: quotes are checked verbatim.
    assert loose_quote_form("Aleppo") != loose_quote_form("aleppo")


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("strikes", "strike"),
        ("killed", "kill"),
        ("withdrawing", "withdraw"),
        ("stopped", "stop"),
        ("casualties", "casualty"),
        ("losses", "loss"),
        ("airports", "airport"),
        ("bus", "bus"),
        ("isis", "isis"),
        ("100", "100"),
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_words_and_slug() -> None:
    assert words("Rebels took Aleppo's airport.") == ["rebels", "took", "aleppo", "airport"]
    assert slug("Rebels took Aleppo's airport on Friday", 3) == "rebels-took-aleppo"
    assert slug("!!!") == "fact"


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        ("“dozens of men were killed”", "dozens of men were killed"),
        ('"dozens of men were killed"', "dozens of men were killed"),
        ("reported fierce battles “over a strip”", "reported fierce battles “over a strip”"),
        ("“at least 16” in fresh strikes", "“at least 16” in fresh strikes"),
        ("“large parts” and “districts”", "“large parts” and “districts”"),
        ("al-Qaeda’s former Syria branch", "al-Qaeda’s former Syria branch"),
    ],
)
def test_unenclosed_drops_only_marks_around_the_whole_quote(quote: str, words: str) -> None:
    assert unenclosed(quote) == words


def test_slug_keeps_whole_content_words() -> None:
    assert slug("The rebels reached the outskirts of Aleppo") == "rebels-reached-outskirts-aleppo"
    assert slug("A local council said schools in Aleppo are closed", 4) == (
        "local-council-said-schools"
    )
    assert len(slug("word " * 40)) <= 60 and not slug("word " * 40).endswith("-")


# -- properties: whatever a Discord user types -----------------------------------------


@PROPERTY_SETTINGS
@given(user_text)
@example("")
@example(ESSAY)
@example("İstanbul ǅ ﬁ ß Ⅻ ²")
def test_fold_gives_plain_lowercase_words(text: str) -> None:
    folded = fold(text)
    assert folded == folded.strip() and "  " not in folded
    assert all(char.isalnum() or char == " " for char in folded), folded
    assert folded == folded.lower()
    # Folding twice changes nothing, so folded text can be compared with folded text.
    assert fold(folded) == folded
    assert words(text) == folded.split()


# Accents and other marks that sit on a letter ("cre\u0300me" is "crème").
COMBINING = ["\u0300", "\u0301", "\u0308", "\u0327", "\u0331", "\u0337", "\u0358"]


@PROPERTY_SETTINGS
@given(
    user_text,
    st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(ZERO_WIDTH + COMBINING))),
)
@example("creme brulee", [(3, "\u0300"), (9, "\u0301"), (5, "\u200b")])
def test_invisible_characters_and_accents_never_change_the_words(
    text: str, insertions: list[tuple[int, str]]
) -> None:
    pasted = text
    for position, char in insertions:
        at = position % (len(pasted) + 1)
        pasted = pasted[:at] + char + pasted[at:]
    assert fold(pasted) == fold(text)


@PROPERTY_SETTINGS
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ '?!.,"))
def test_case_and_punctuation_never_matter(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@PROPERTY_SETTINGS
@given(user_text)
def test_stem_keeps_every_word_a_word(text: str) -> None:
    for word in words(text):
        stemmed = stem(word)
        assert stemmed and len(stemmed) <= len(word)
        assert stem(word) == stemmed
