"""The real FactBot, on a real SQLite file, talking to the fake Discord in tests/fakediscord.

`bot` starts everything and fails the test on any ERROR log or unhandled task exception
(tests that expect one say so with `errors.allow(...)`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.discordbot.client import FactBot
from bot.discordbot.service_async import AsyncFactService
from bot.drafts import FactDraft
from bot.service import FactService
from bot.settings import BotSettings
from tests.fakediscord import (
    Channel,
    ErrorCapture,
    FakeDiscord,
    Guild,
    InteractionHandle,
    Member,
    Message,
    Role,
    capture_errors,
    running_bot,
)

# Shaped as a real bot token (three base64url parts) so BotSettings accepts it.
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.ZmFrZQ.ZTJlLWJvdC10b2tlbi1zaWduYXR1cmU"
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


@dataclass
class World:
    """One server: a plain member, a moderator (Manage Server), a member with the mod role."""

    fake: FakeDiscord
    guild: Guild
    general: Channel
    alice: Member
    mod: Member
    checker: Member
    checkers: Role

    async def ask(self, question: str, member: Member | None = None) -> Message:
        handle = await self.fake.slash(member or self.alice, self.general, "ask", question=question)
        return await handle.reply()

    async def fact(self, command: str, member: Member | None = None, **values: Any) -> Message:
        """Run `/fact <command>` as the moderator (by default); its final, visible reply."""
        handle = await self.fact_handle(command, member, **values)
        return await handle.reply()

    async def fact_handle(
        self, command: str, member: Member | None = None, **values: Any
    ) -> InteractionHandle:
        return await self.fake.slash(member or self.mod, self.general, f"fact {command}", **values)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, heartbeat_interval=5.0) as server:
        yield server


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    return peopled_world(fake)


def peopled_world(
    fake: FakeDiscord, name: str = "Aleppo readers", shard: tuple[int, int] | None = None
) -> World:
    """A server with a member, a moderator, and a member of the configured mod role; on
    the shard `shard` (id, count) owns, when given."""
    guild = fake.add_guild(name, shard=shard)
    moderators = fake.add_role(guild, "Moderators", MANAGE_GUILD)
    checkers = fake.add_role(guild, "Fact checkers")  # the configured mod role: no permissions
    return World(
        fake=fake,
        guild=guild,
        general=guild.channel("general"),
        alice=fake.add_member(guild, "alice"),
        mod=fake.add_member(guild, "mod", roles=[moderators]),
        checker=fake.add_member(guild, "checker", roles=[checkers]),
        checkers=checkers,
    )


@pytest.fixture
async def errors() -> AsyncIterator[ErrorCapture]:
    with capture_errors() as capture:
        yield capture


def settings_for(world: World, db_path: Path, **changes: Any) -> BotSettings:
    values: dict[str, Any] = {
        "token": TOKEN,
        "db_path": db_path,
        "guild_id": None,  # global sync, so every guild of a test has the commands
        "mod_role_id": world.checkers.id,
    }
    values.update(changes)
    return BotSettings(**values)


def make_bot(
    world: World,
    service: FactService,
    db_path: Path,
    *,
    write_wait: float | None = None,
    **changes: Any,
) -> FactBot:
    """The bot over `service` (through the async service it closes with itself)."""
    waits = {} if write_wait is None else {"write_wait": write_wait}
    return FactBot(
        settings=settings_for(world, db_path, **changes),
        service=AsyncFactService(service, **waits),
        guild_ready_timeout=0.05,
    )


@pytest.fixture
async def bot(
    fake: FakeDiscord,
    world: World,
    service: FactService,
    db_path: Path,
    errors: ErrorCapture,
) -> AsyncIterator[FactBot]:
    async with running_bot(fake, make_bot(world, service, db_path)) as client:
        await fake.wait_until_connected()
        yield client


# -- helpers for the tests ---------------------------------------------------------------


def add_fact(
    service: FactService,
    guild: Guild,
    statement: str,
    questions: tuple[str, ...],
    source: str = "AFP",
    **fields: Any,
) -> str:
    """A guild fact written straight through the service (set-up, not the thing tested)."""
    fact = service.add_fact(
        FactDraft(statement=statement, source=source, questions=questions, **fields),
        guild_id=guild.id,
        actor="test",
    )
    return fact.id


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()
