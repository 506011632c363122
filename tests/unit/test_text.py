"""Folding, stemming and the other plain-text rules every part of the bot shares."""

from __future__ import annotations

import pytest

from bot.text import fold, loose_quote_form, slug, stem, unenclosed, words


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
