"""Two Discord servers each create a source and add a fact of the same id through /fact;
each sees, shows, answers with and presses buttons for its own only."""

from __future__ import annotations

import re

import pytest

from bot.discordbot.client import FactBot
from bot.service import FactService
from tests.e2e.conftest import World, add_fact, peopled_world
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.e2e

FACT_ID = "zebra-parade-crossed-citadel-square-noon"
# The same first words, so the same id, in each server; what follows tells them apart.
STATEMENTS = (
    "A zebra parade crossed the citadel square at noon.",
    "A zebra parade crossed the citadel square at noon, with drums.",
)
QUESTION = "Did a zebra parade cross the citadel square?"


async def test_two_servers_each_have_a_fact_of_one_id_and_see_only_their_own(
    fake: FakeDiscord, world: World, bot: FactBot, service: FactService
) -> None:
    other = peopled_world(fake, "Idlib readers")
    await fake.wait_until(lambda: bot.get_guild(other.guild.id) is not None, 5, "the second guild")
    servers = (world, other)
    for server, statement in zip(servers, STATEMENTS, strict=True):
        made = await server.fact("source", name="Local Monitor")
        assert made.content.startswith("Added source `local-monitor`")
        added = await server.fact(
            "add", statement=statement, source="Local Monitor", questions=QUESTION
        )
        assert added.content == f"Added `{FACT_ID}`."
        # A second parade fact, so a vague question is a "did you mean" between the two.
        add_fact(
            service,
            server.guild,
            "A zebra parade crossed the old souk at dusk.",
            ("Did a zebra parade cross the old souk?",),
        )

    for server, statement in zip(servers, STATEMENTS, strict=True):
        shown = await server.fact("show", fact_id=FACT_ID)
        assert shown.embed is not None and shown.embed["description"] == statement
        assert "Local Monitor" in shown.text()
        answer = await server.ask(QUESTION)
        assert answer.embed is not None and answer.embed["description"] == statement
        history = await server.fact("history", fact_id=FACT_ID)
        assert history.embed is not None
        description = history.embed["description"]
        assert re.findall(r"\*\*(.+?)\*\*", description) == ["add"]
        assert f"<@{server.mod.id}>" in description

        # The button carries the plain id; pressed here, it answers with this server's fact.
        unsure = await server.ask("zebras")
        pick = f"factbot:pick:{FACT_ID}"
        assert pick in [button["custom_id"] for button in unsure.buttons()], unsure.text()
        picked = await (await fake.press_button(server.alice, unsure, pick)).reply()
        assert picked.embed is not None and picked.embed["description"] == statement

    # Removing one server's fact leaves the other's answering.
    removed = await world.fact("remove", fact_id=FACT_ID)
    assert removed.content == f"Removed `{FACT_ID}`."
    assert STATEMENTS[0] not in (await world.ask(QUESTION)).text()
    still = await other.ask(QUESTION)
    assert still.embed is not None and still.embed["description"] == STATEMENTS[1]
    assert service.get_fact(FACT_ID, other.guild.id).active
