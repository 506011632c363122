"""Sharding: the bot follows Discord's recommended shard count, or runs a share of the
shards per process (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS) over one shared database.

The fake Discord sends each server's events only to the shard that owns it,
``(guild_id >> 22) % shard_count``, as Discord does: an answer from a server proves the
shard owning it is connected and served by the bot.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest

from bot.service import FactService
from tests.e2e.conftest import TOKEN, World, make_bot, peopled_world
from tests.e2e.test_scenarios import (
    ANSWERABLE,
    ZEBRA_QUESTION,
    ZEBRA_STATEMENT,
    answered,
    bot_env,
    command_syncs,
    fake_env,
    running_process,
    start_process,
)
from tests.fakediscord import ErrorCapture, FakeDiscord, capture_errors, running_bot

pytestmark = pytest.mark.e2e

PATIENCE = 30.0
GIRAFFE_STATEMENT = "A giraffe parade followed the zebras through the old souk."
GIRAFFE_QUESTION = "Did giraffes parade through the old souk?"


def shard_world(fake: FakeDiscord, name: str, shard: tuple[int, int]) -> World:
    """A server that shard `shard` (id, count) owns, peopled as the e2e `world` fixture."""
    return peopled_world(fake, name, shard)


def interactions_seen(fake: FakeDiscord, shard_id: int) -> set[str]:
    """The servers whose interactions the fake sent over shard `shard_id`'s connection."""
    (session,) = [s for s in fake.sessions if s.shard[0] == shard_id]
    return {
        str(event["d"].get("guild_id"))
        for event in session.log
        if event["t"] == "INTERACTION_CREATE"
    }


# -- one process: the recommended count ---------------------------------------------------


@pytest.mark.slow  # discord.py waits 5 s between two IDENTIFYs, as Discord allows
async def test_the_bot_follows_the_recommended_count_and_answers_on_every_shard(
    service: FactService, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.discordbot.client")
    # One server a shard: a single connection for both is refused (4011), as past 2,500.
    async with FakeDiscord(
        token=TOKEN, heartbeat_interval=5.0, shard_count=2, guilds_per_shard_limit=1
    ) as fake:
        worlds = [shard_world(fake, f"Shard {n}", (n, 2)) for n in (0, 1)]
        expected = answered(service, ANSWERABLE, worlds[0].guild.id).answers[0].text
        with capture_errors():
            async with running_bot(fake, make_bot(worlds[0], service, db_path)) as bot:
                await fake.wait_until_connected(PATIENCE)
                assert fake.find_requests("GET", "/gateway/bot")
                assert bot.shard_count == 2
                assert sorted(s.shard for s in fake.sessions) == [(0, 2), (1, 2)]
                for n, world in enumerate(worlds):
                    guild = bot.get_guild(world.guild.id)
                    assert guild is not None and guild.shard_id == n
                    reply = await world.ask(ANSWERABLE)
                    assert reply.embed is not None and reply.embed["description"] == expected
                for n, world in enumerate(worlds):
                    assert interactions_seen(fake, n) == {str(world.guild.id)}
                await fake.wait_until(
                    lambda: "in 2 server(s), on shard(s) 0,1 of 2" in caplog.text,
                    PATIENCE,
                    "the bot to log its shards once ready",
                )


async def test_a_configured_gateway_is_kept_with_the_recommended_count(
    fake: FakeDiscord, world: World, service: FactService, db_path: Path, errors: ErrorCapture
) -> None:
    # GET /gateway/bot names another gateway (Discord's own, behind a gateway proxy).
    fake.settings.advertised_gateway_url = f"{fake.gateway_url}not-the-gateway"
    client = make_bot(world, service, db_path, gateway_url=fake.gateway_url)
    async with running_bot(fake, client):
        await fake.wait_until_connected()
        assert fake.find_requests("GET", "/gateway/bot")
    assert [r.raw_path for r in fake.unhandled_requests] == []
    assert len(fake.gateway_queries) == 1


async def test_too_few_configured_shards_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    async with FakeDiscord(token=TOKEN, shard_count=2, guilds_per_shard_limit=1) as fake:
        for n in (0, 1):
            fake.add_guild(f"Server {n}", shard=(n, 2))
        env = fake_env(fake, tmp_path, db="f.db", DISCORD_SHARD_COUNT="1", LOG_LEVEL="WARNING")
        process = await start_process(env, tmp_path)
        stdout, stderr = await asyncio.wait_for(process.communicate(), PATIENCE)
    output = (stdout + stderr).decode()
    assert process.returncode == 2, output
    (line,) = output.strip().splitlines()
    assert line.startswith("Error: Discord closed the gateway connection: sharding required")
    assert "raise DISCORD_SHARD_COUNT, or unset it" in line


# -- two processes: a share of the shards each, one database ------------------------------


@asynccontextmanager
async def shard_process(
    fake: FakeDiscord, tmp_path: Path, database: Path, shard_id: int
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run` holding shard `shard_id` of 2; stopped with SIGTERM after."""
    env = bot_env(
        tmp_path,
        DISCORD_TOKEN=TOKEN,
        FACTBOT_DB=str(database),
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_SHARD_COUNT="2",
        DISCORD_SHARD_IDS=str(shard_id),
        LOG_LEVEL="INFO",
    )
    async with running_process(env, tmp_path) as process:
        yield process


async def stop(process: asyncio.subprocess.Process) -> str:
    """SIGTERM, then what the process logged; it must have exited 0."""
    process.send_signal(signal.SIGTERM)
    stdout, stderr = await asyncio.wait_for(process.communicate(), PATIENCE)
    log = (stdout + stderr).decode()
    assert process.returncode == 0, log[-3000:]
    assert "Traceback" not in log and TOKEN not in log
    return log


@contextmanager
def opened(database: Path) -> Iterator[FactService]:
    service = FactService.open(database)
    try:
        yield service
    finally:
        service.close()


async def shell(database: Path, cwd: Path, *args: str) -> None:
    """`python -m bot ARGS` on the shared database, run to its end; it must succeed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=bot_env(cwd, FACTBOT_DB=str(database)),
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), PATIENCE)
    assert process.returncode == 0, (stdout + stderr).decode()


async def answers_in_time(world: World, question: str, statement: str) -> None:
    """Until the bot answers `question` with `statement`: a change made elsewhere may show
    a refresh later. A new member asks each time, so the asking rate never stops it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    for n in itertools.count():
        member = world.fake.add_member(world.guild, f"reader{n}")
        reply = await (
            await world.fake.slash(member, world.general, "ask", question=question)
        ).reply()
        if statement in reply.text():
            return
        assert loop.time() < deadline, f"still not answered: {reply.text()}"
        await asyncio.sleep(0.2)


@pytest.mark.slow
async def test_two_shard_processes_share_the_servers_and_the_database(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    async with FakeDiscord(token=TOKEN, heartbeat_interval=5.0, shard_count=2) as fake:
        first = shard_world(fake, "First", (0, 2))
        second = shard_world(fake, "Second", (1, 2))
        async with shard_process(fake, tmp_path, database, 1) as holding_one:
            # Alone, with no command hash in the database yet, it leaves the sync to the
            # process holding shard 0: both would overwrite the commands otherwise.
            await fake.wait_until_connected(PATIENCE, shards=[1])
            assert not fake.connected  # shard 0 is not running yet
            assert command_syncs(fake) == []
            async with shard_process(fake, tmp_path, database, 0) as holding_zero:
                await fake.wait_until_connected(PATIENCE)
                assert sorted(s.shard for s in fake.sessions) == [(0, 2), (1, 2)]
                assert len(command_syncs(fake)) == 1

                for world in (first, second):
                    reply = await world.ask(ANSWERABLE)
                    assert reply.embed is not None, reply.text()
                assert interactions_seen(fake, 0) == {str(first.guild.id)}
                assert interactions_seen(fake, 1) == {str(second.guild.id)}

                # A moderator's fact lands in the shared database through the process
                # serving the server, and stays that server's.
                added = await first.fact(
                    "add", statement=ZEBRA_STATEMENT, source="AFP", questions=ZEBRA_QUESTION
                )
                assert added.content.startswith("Added"), added.content
                assert ZEBRA_STATEMENT in (await first.ask(ZEBRA_QUESTION)).text()
                assert ZEBRA_STATEMENT not in (await second.ask(ZEBRA_QUESTION)).text()

                # A fact another process writes meanwhile (here the shell) is answered by
                # the running process serving its server, without a restart.
                await shell(
                    database,
                    tmp_path,
                    *("--guild", str(second.guild.id), "facts", "add"),
                    *("--statement", GIRAFFE_STATEMENT, "--source", "AFP"),
                    *("--questions", GIRAFFE_QUESTION),
                )
                await answers_in_time(second, GIRAFFE_QUESTION, GIRAFFE_STATEMENT)
                log_zero = await stop(holding_zero)
            log_one = await stop(holding_one)
    assert "Synced 5 command(s) globally" in log_zero and "Synced" not in log_one
    with opened(database) as service:
        statements = [f.statement for f in service.list_facts(first.guild.id)]
        assert statements.count(ZEBRA_STATEMENT) == 1


@pytest.mark.slow
async def test_two_shard_processes_started_together_on_a_new_database(tmp_path: Path) -> None:
    """As `docker compose up` starts them: both create the database at once, one syncs."""
    database = tmp_path / "new.db"
    async with FakeDiscord(token=TOKEN, heartbeat_interval=5.0, shard_count=2) as fake:
        worlds = [shard_world(fake, f"Shard {n}", (n, 2)) for n in (0, 1)]
        async with (
            shard_process(fake, tmp_path, database, 0) as holding_zero,
            shard_process(fake, tmp_path, database, 1) as holding_one,
        ):
            await fake.wait_until_connected(PATIENCE)
            assert len(command_syncs(fake)) == 1
            for world in worlds:
                reply = await world.ask(ANSWERABLE)
                assert reply.embed is not None, reply.text()
            for n, world in enumerate(worlds):
                assert interactions_seen(fake, n) == {str(world.guild.id)}
            await stop(holding_zero)
            await stop(holding_one)
