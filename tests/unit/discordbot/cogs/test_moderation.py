"""The moderation cog's options, read into the service's draft."""

from __future__ import annotations

from bot.discordbot.cogs.moderation import draft


def test_the_discord_options_take_points_separated_by_commas() -> None:
    assert draft(point="a, b").point == ("a", "b")
    assert draft(point="-").point == ()
    assert draft().point is None


def test_phrasings_are_separated_by_bars_and_absent_options_stay_unset() -> None:
    assert draft(questions="is the bakery open|bread in aleppo?").questions == (
        "is the bakery open",
        "bread in aleppo?",
    )
    unset = draft()
    assert (unset.statement, unset.source, unset.questions, unset.quote) == (None,) * 4
