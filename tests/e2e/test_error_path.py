"""The one error path: whatever fails in a command, a view, a button or the form listener
ends in the tree's `on_error`, which answers by the precedence its docstring gives."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.discordbot.checks import NotModerator
from bot.discordbot.client import FactBot
from bot.discordbot.tree import FactTree, FactView, user_message
from bot.errors import FactbotError, NotFound, ValidationError
from bot.models import GLOBAL
from bot.service import FactService
from tests.e2e.conftest import World
from tests.fakediscord import ErrorCapture, FakeDiscord

pytestmark = pytest.mark.e2e

BOOM = "factbot:test:boom"


class Boom(FactView):
    """A view of the bot's kind whose one button fails as no code of the bot expects."""

    @discord.ui.button(label="Boom", custom_id=BOOM)
    async def boom(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Boom]) -> None:
        raise RuntimeError("the button is on fire")


async def test_the_bot_is_built_with_the_tree_that_handles_errors(bot: FactBot) -> None:
    assert isinstance(bot.tree, FactTree)


async def test_an_unexpected_error_in_a_view_is_an_apology_with_a_logged_id(
    world: World, bot: FactBot, errors: ErrorCapture
) -> None:
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("Press it", view=Boom(timeout=None))
    (message,) = [m for m in world.fake.bot_messages(world.general) if m.id == sent.id]
    errors.allow("Unexpected error")

    pressed = await world.fake.press_button(world.alice, message, BOOM)
    reply = await pressed.reply()

    assert reply.ephemeral and "Sorry" in reply.content
    match = re.search(r"error id `([0-9a-f]{8})`", reply.content)
    assert match is not None
    (logged,) = errors.allowed
    assert match.group(1) in logged.message and f"component {BOOM}" in logged.message
    assert isinstance(logged.exception, RuntimeError)


async def test_a_service_error_from_a_button_is_said_to_the_user(
    world: World, bot: FactBot, service: FactService
) -> None:
    """The pick button is a dynamic item, answered in a view discord.py makes: it routes
    its errors to the tree itself."""
    unsure = _suggesting(service, world.guild.id)
    reply = await world.ask(unsure)
    (first, *_) = reply.buttons()
    fact_id = first["custom_id"].removeprefix("factbot:pick:")
    service.remove_fact(fact_id, guild_id=GLOBAL, actor="test")

    pressed = await world.fake.press_button(world.alice, reply, first["custom_id"])
    said = await pressed.reply()

    assert said is not reply and said.ephemeral
    assert "no fact" in said.content and fact_id in said.content
    assert reply.buttons(), "the question stays as it was"


async def test_a_form_the_service_refuses_is_answered_with_its_problems(
    world: World, bot: FactBot, service: FactService
) -> None:
    """Form submits are answered by a listener, whose errors go down the same path."""
    opened = await world.fact_handle("new")
    await opened.modal_opened()
    values = {
        "factbot:new:statement": "A claim from nobody anyone knows.",
        "factbot:new:source": "Nobody Anyone Knows",
        "factbot:new:questions": "Who said a claim from nobody?",
    }
    submitted = await world.fake.submit_modal(world.mod, opened, values)
    said = await submitted.reply()
    assert said.ephemeral and "Nobody Anyone Knows" in said.content
    assert "Sorry" not in said.content
    statements = [fact.statement for fact in service.list_facts(world.guild.id)]
    assert "A claim from nobody anyone knows." not in statements


async def test_an_expired_interaction_gets_no_reply_and_only_a_warning(
    fake: FakeDiscord, world: World, bot: FactBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.discordbot.tree")
    fake.settings.interaction_deadline = -1.0  # every first callback comes too late
    handle = await fake.slash(world.alice, world.general, "help")
    await fake.wait_until(lambda: handle.rejected, what="the late callback")
    await fake.wait_until(
        lambda: any("expired before it was answered" in r.message for r in caplog.records),
        what="the bot's warning",
    )
    assert handle.callback is None and [e.code for e in handle.rejected] == [10062]
    assert fake.bot_messages(world.general) == []


# -- the precedence, most specific first ---------------------------------------------------


def test_the_moderator_check_is_said_before_the_other_checks() -> None:
    said = user_message(NotModerator())
    assert said is not None and said.startswith("Only moderators")
    assert user_message(app_commands.CheckFailure()) == "You can't use that here."
    assert user_message(app_commands.NoPrivateMessage()) == "That only works in a server."


def test_the_rate_limit_says_when_to_ask_again() -> None:
    cooldown = app_commands.Cooldown(1, 30.0)
    said = user_message(app_commands.CommandOnCooldown(cooldown, 12.0))
    assert said is not None and re.search(r"Try again in \d+ s", said)


def test_the_services_errors_are_said_by_their_message_and_problems_listed() -> None:
    problems = user_message(ValidationError(["statement: empty", "source: unknown"]))
    assert problems is not None and "statement: empty" in problems and "source: unknown" in problems
    assert user_message(NotFound("There is no fact x here.")) == "There is no fact x here."
    assert user_message(FactbotError("The database is busy.")) == "The database is busy."


def test_anything_else_is_unexpected() -> None:
    assert user_message(RuntimeError("on fire")) is None
    assert user_message(KeyError("x")) is None


def _suggesting(service: FactService, guild_id: int) -> str:
    """A question the service answers with "did you mean" buttons."""
    for fact in service.list_facts(guild_id):
        for word in re.findall(r"[a-z']+", " ".join(fact.questions).lower()):
            if service.ask(word, guild_id, log=False).outcome == "suggest":
                return word
    pytest.fail("no question makes the service suggest; the button path is untested")
