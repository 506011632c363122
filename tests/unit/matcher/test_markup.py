"""Discord syntax out of a message, and where its sentences break."""

from __future__ import annotations

import pytest

from bot.matcher.markup import clean_markup, split_sentences


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("<@123456789012345678> did they take it", " did they take it"),
        ("<@!123456789012345678> hi <@&98765432101234567> <#55555555555555555>", "  hi  "),
        ("@everyone @here airport?", "  airport?"),
        ("see https://example.com/x?y=1 airport", "see   airport"),
        (
            "**bold** __under__ ~~gone~~ ||spoiler|| `code`",
            " bold   under   gone   spoiler   code ",
        ),
        ("<:pepe:123456789012345678>airport", "\nairport"),
        ("airport 😭😭 now", "airport \n now"),
    ],
)
def test_discord_markup_goes(message: str, cleaned: str) -> None:
    # Spacing is free; what matters is which words survive and where sentences break.
    assert clean_markup(message).split() == cleaned.split()
    assert clean_markup(message).count("\n") == cleaned.count("\n")


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("how many died :) thx", "how many died \n thx"),
        ("ty <3 bye", "ty \n bye"),
        ("ugh (╯°□°)╯︵ ┻━┻ ok", "ugh \n \n ok"),
        ("¯\\_(ツ)_/¯ who", "\n who"),
        ("hi ^_^ who", "hi \n who"),
        # Punctuation that ends a sentence, "&" and brackets around words are not faces.
        ("what?! really...", "what?! really..."),
        ("russia & iran", "russia & iran"),
        # A remark in brackets stands apart, as a sentence of its own.
        ("who took it (asking for real)", "who took it \n asking for real \n"),
    ],
)
def test_emoticons_break_a_sentence(message: str, cleaned: str) -> None:
    assert clean_markup(message).split() == cleaned.split()
    assert clean_markup(message).count("\n") == cleaned.count("\n")


def test_sentences_end_at_dashes_and_say_which_ask() -> None:
    sentences = split_sentences("who took it\u2014the rebels? ok")
    assert [(text.strip(), asks) for text, asks in sentences] == [
        ("who took it", False),
        ("the rebels", True),
        ("ok", False),
    ]
