"""Running a real discord.py client against a FakeDiscord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord
import discord.gateway
import discord.http

from bot.discordbot.endpoints import point_at

from .fake import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    client: ClientT,
    *,
    token: str | None = None,
    ready_timeout: float = 10.0,
    close_timeout: float = 5.0,
) -> AsyncIterator[ClientT]:
    """Start ``client`` against ``fake``; yield once it is ready (on_ready ran); close it after.

    discord.py is pointed at the fake with ``point_at`` for the duration and put
    back afterwards. Give the client ``guild_ready_timeout=0.05`` (or so), or
    READY waits two seconds for more guilds.
    """
    saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    point_at(fake.api_base, fake.gateway_url)
    task = asyncio.create_task(client.start(token or fake.settings.token), name="fakediscord-bot")
    try:
        await _wait_ready(client, task, ready_timeout)
        yield client
    except BaseException:
        await _shutdown(client, task, close_timeout, saved)
        raise
    error = await _shutdown(client, task, close_timeout, saved)
    if error is not None:
        raise error


async def _wait_ready(client: discord.Client, task: asyncio.Task[None], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not client.is_ready():
        if task.done():
            task.result()  # raises what stopped the client (LoginFailure, …)
            raise RuntimeError("the client stopped before it was ready")
        if loop.time() > deadline:
            raise TimeoutError(f"the client was not ready after {timeout}s")
        await asyncio.sleep(0.01)


async def _shutdown(
    client: discord.Client,
    task: asyncio.Task[None],
    timeout: float,
    saved: tuple[str, object],
) -> BaseException | None:
    """Close the client and wait for its task; what the task died of, if anything."""
    error: BaseException | None = None
    try:
        await asyncio.wait_for(client.close(), timeout)
        await asyncio.wait_for(asyncio.shield(task), timeout)
    except Exception as exc:
        error = exc
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        discord.http.Route.BASE = saved[0]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved[1]  # type: ignore[assignment]
    return error
