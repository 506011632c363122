"""`python -m bot run`: logging, endpoints, the database, the bot, and a clean stop.

SIGTERM (what `docker stop` sends) and SIGINT close the gateway connection and then the
database, and the process exits 0. A rejected token is one line on stderr and exit 2.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sqlite3
import sys
from typing import Any

import aiohttp
import discord

from bot.discordbot import endpoints
from bot.discordbot.client import FactBot
from bot.knowledge import KnowledgeError
from bot.service import FactService
from bot.settings import BotSettings

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_TOKEN = 2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class RedactSecret(logging.Filter):
    """Belt and braces: should any log line ever contain the token, it never shows."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "[token]")
            record.args = None
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            if self.secret in trace:
                # A formatter prints exc_info as it finds it: carry the redacted trace instead.
                record.msg = f"{record.getMessage()}\n{trace.replace(self.secret, '[token]')}"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


def configure_logging(settings: BotSettings) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecret(settings.token))
    discord.utils.setup_logging(handler=handler, level=settings.log_level_number, root=True)


def fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)


def run_bot(settings: BotSettings) -> int:
    configure_logging(settings)
    endpoints.point_at(settings.api_base, settings.gateway_url)
    try:
        service = FactService.open(settings.db_path)
    except KnowledgeError as error:
        fail(f"the knowledge files have problems: {'; '.join(error.problems)}")
        return EXIT_FAILED
    except (OSError, sqlite3.Error) as error:
        fail(f"cannot open the database {settings.db_path}: {error}")
        return EXIT_FAILED
    log.info("Database %s opened", settings.db_path)
    # The index is long-lived: keep the collector from rescanning it on every full pass,
    # which pauses answers for a large base.
    gc.freeze()
    try:
        return asyncio.run(serve(settings, service))
    finally:
        # After asyncio.run, which waits for writes still running in worker threads.
        service.close()
        log.info("Database closed")


async def serve(settings: BotSettings, service: FactService, **options: Any) -> int:
    """Run the bot until it stops by itself or a stop signal arrives."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        async with FactBot(settings=settings, service=service, **options) as bot:
            running = asyncio.create_task(bot.start(settings.token), name="factbot")
            stopping = asyncio.create_task(stop.wait(), name="factbot-stop")
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if running.done():
                running.result()  # it stopped by itself: raise what stopped it
            else:
                log.info("Stop signal received; closing the gateway connection")
                await bot.close()
                await _finish_interrupted(running)
    except discord.LoginFailure:
        fail("Discord refused the token in DISCORD_TOKEN; check it in the developer portal.")
        return EXIT_BAD_TOKEN
    except discord.HTTPException as error:
        # Say, syncing commands to a DISCORD_GUILD_ID the bot is not in (403).
        fail(f"Discord refused a start-up request: {error}")
        return EXIT_FAILED
    except (discord.GatewayNotFound, aiohttp.ClientError, OSError) as error:
        fail(f"could not reach Discord: {error}")
        return EXIT_FAILED
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
    return EXIT_OK


async def _finish_interrupted(running: asyncio.Task[None]) -> None:
    """Wait for the closed bot's task; a start-up cut short by the signal is no error."""
    try:
        await running
    except (discord.DiscordException, aiohttp.ClientError, OSError) as error:
        log.debug("Start-up interrupted by the stop signal: %s", error)
