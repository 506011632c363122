"""`python -m bot --db X --knowledge Y run`: the bot process uses the database and the
knowledge folder the command line names, over FACTBOT_DB and FACTBOT_KNOWLEDGE."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN, World
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.e2e

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
