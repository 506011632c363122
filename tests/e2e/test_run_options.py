"""The settings reach the bot: its limits, and in `python -m bot --db X --knowledge Y run`
the database and the knowledge folder the command line names, over FACTBOT_DB and
FACTBOT_KNOWLEDGE."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.service import FactService
from tests.e2e.conftest import TOKEN, World, make_bot
from tests.fakediscord import FakeDiscord, running_bot

pytestmark = pytest.mark.e2e

ANSWERABLE = "Who took Aleppo airport?"
TITLE = "Rebels take control of parts of Aleppo"
RETITLED = "A knowledge folder named on the command line"


async def test_run_uses_the_db_and_knowledge_options(
    fake: FakeDiscord, world: World, tmp_path: Path, knowledge_copy: Path
) -> None:
    article = knowledge_copy / "article.toml"
    article.write_text(article.read_text(encoding="utf-8").replace(TITLE, RETITLED))
    chosen_db = tmp_path / "chosen.db"
    configured_db = tmp_path / "configured.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
    env.update(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        FACTBOT_DB=str(configured_db),
        FACTBOT_KNOWLEDGE=str(tmp_path / "no-such-knowledge"),
        LOG_LEVEL="WARNING",
    )
    args = ("--db", str(chosen_db), "--knowledge", str(knowledge_copy), "run")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_until_connected(timeout=20)
        about = await (await fake.slash(world.alice, world.general, "about")).reply()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, (stdout + stderr).decode()
    assert about.embed is not None and about.embed["title"] == RETITLED
    assert chosen_db.is_file() and not configured_db.exists()


async def test_the_bot_takes_its_limits_from_the_settings(
    fake: FakeDiscord, world: World, service: FactService, db_path: Path
) -> None:
    bot = make_bot(world, service, db_path, max_question_chars=120, ask_rate=1)
    async with running_bot(fake, bot):
        await fake.wait_until_connected()
        (question,) = fake.command("ask")["options"]
        assert question["max_length"] == 120
        first = await world.ask(ANSWERABLE)
        second = await world.ask(ANSWERABLE)
    assert first.embed is not None
    assert second.ephemeral and "Try again in" in second.content
