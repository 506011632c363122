"""The running bot picks up what `python -m bot` writes, without a question to prompt it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.discordbot.client import FactBot
from bot.service import FactService
from tests.e2e.conftest import World

STATEMENT = "The yak parade drew four hundred people, organisers said."
QUESTION = "how many people came to the yak parade"


async def test_a_fact_the_cli_adds_reaches_the_running_bot_in_the_background(
    world: World, bot: FactBot, service: FactService, db_path: Path
) -> None:
    index = service.index
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "--db", str(db_path), "--guild", str(world.guild.id)),
        *("facts", "add", "--statement", STATEMENT, "--source", "AFP", "--questions", QUESTION),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, (stdout + stderr).decode()
    fact_id = stdout.decode().split()[-1]

    # No question is asked until the index has it: only the background refresh can bring it.
    await world.fake.wait_until(
        lambda: service.index.fact(fact_id) is not None, 30, "the CLI's fact in the index"
    )
    assert not service.refresh_on_read  # answers do not refresh: the refresher does
    reply = await world.ask(QUESTION)
    assert reply.embed is not None and reply.embed["description"] == STATEMENT
    assert service.index is index and service.full_rebuilds == 0
