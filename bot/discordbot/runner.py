"""`python -m bot run`: logging, endpoints, the database, the bot, and a clean stop.

SIGTERM (what `docker stop` sends) and SIGINT close the gateway connection and then the
database, and the process exits 0. A rejected token, and a gateway close Discord allows no
reconnecting after (4004, 4010 to 4014), are one line on stderr and exit 2.
`python -m bot sync` logs in over HTTP only, syncs the commands and stops.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import signal
import sqlite3
import sys
import time
from collections.abc import Coroutine
from typing import Any, TextIO

import aiohttp
import discord

from bot.discordbot import endpoints
from bot.discordbot.client import FactBot
from bot.discordbot.service_async import AsyncFactService
from bot.errors import DatabaseUnavailable
from bot.knowledge import KnowledgeError
from bot.service import FactService
from bot.settings import BotSettings

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_TOKEN = 2
# Like a refused token: a setting to fix, not a crash for a supervisor to retry.
EXIT_FATAL_CLOSE = 2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

# The gateway closes Discord does not let a bot reconnect after, and what to do about each.
FATAL_CLOSES = {
    4004: (
        "authentication failed: the token was reset or is wrong; check DISCORD_TOKEN, or "
        "reset it in the developer portal (Bot > Reset Token)"
    ),
    4010: (
        "invalid shard: the shard id or count the bot sent is wrong; check "
        "DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS"
    ),
    4011: (
        "sharding required: the bot is in too many servers for its shards; raise "
        "DISCORD_SHARD_COUNT, or unset it to run as many shards as Discord recommends"
    ),
    4012: "invalid API version: this discord.py is too old for Discord's gateway; upgrade it",
    4013: "invalid intents: the gateway intents the bot asked for are not valid",
    4014: (
        "privileged intents not enabled: enable the intents the bot asks for in the "
        "developer portal (Bot > Privileged Gateway Intents)"
    ),
}


# Interaction tokens (each lets anyone answer or edit as the bot for 15 minutes), in the
# URLs discord.py logs at DEBUG and in the payloads it logs: REST bodies as JSON, gateway
# events as Python dicts.
INTERACTION_SECRETS = (
    (re.compile(r"(/webhooks/\d+/)[^/\s?#'\"]+"), r"\1[token]"),
    (re.compile(r"(/interactions/\d+/)[^/\s?#'\"]+"), r"\1[token]"),
    (re.compile(r"""(["']token["']\s*:\s*)(["'])(?:(?!\2).)*\2"""), r"\1\2[token]\2"),
)


def redact(text: str, secret: str) -> str:
    """`text` without the bot token, interaction tokens and webhook tokens."""
    text = text.replace(secret, "[token]")
    for pattern, replacement in INTERACTION_SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecret(logging.Filter):
    """No log line, at any level, shows the bot token, an interaction's token or a webhook's:
    discord.py logs URLs and payloads that hold them at DEBUG."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message, self.secret)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            clean = redact(trace, self.secret)
            if clean != trace:
                # A formatter prints exc_info as it finds it: carry the redacted trace instead.
                record.msg = f"{record.getMessage()}\n{clean}"
                record.args = None
                record.exc_info = None
                record.exc_text = None
        return True


def configure_logging(
    settings: BotSettings, stream: TextIO | None = None, level: int | None = None
) -> logging.StreamHandler[TextIO]:
    """Log to `stream` (stderr by default) from the root logger; the handler, to remove."""
    handler: logging.StreamHandler[TextIO] = logging.StreamHandler(stream)
    handler.addFilter(RedactSecret(settings.token))
    level = settings.log_level_number if level is None else level
    if handler.stream.isatty():
        discord.utils.setup_logging(handler=handler, level=level, root=True)
    else:
        # discord.py also colours when /.dockerenv exists, so `docker logs` and files would
        # get escape codes: outside a terminal, pass its plain format explicitly.
        plain = logging.Formatter(
            "[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{"
        )
        discord.utils.setup_logging(handler=handler, formatter=plain, level=level, root=True)
    return handler


def fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)


def open_service(settings: BotSettings) -> FactService | None:
    """The database, or None once the reason it cannot be opened is said in one line."""
    try:
        service = FactService.open(
            settings.db_path,
            settings.knowledge_dir,
            max_question_chars=settings.max_question_chars,
            saved_index_min_facts=settings.saved_index_min_facts,
        )
    except KnowledgeError as error:
        fail(f"the knowledge files have problems: {'; '.join(error.problems)}")
        return None
    except DatabaseUnavailable as error:
        fail(str(error))
        return None
    except (OSError, sqlite3.Error) as error:
        fail(f"cannot open the database {settings.db_path}: {error}")
        return None
    log.info("Database %s opened", settings.db_path)
    return service


def run_bot(settings: BotSettings) -> int:
    configure_logging(settings)
    endpoints.point_at(settings.api_base, settings.gateway_url)
    service = open_service(settings)
    if service is None:
        return EXIT_FAILED
    # Indexed before connecting, so the first question is answered as fast as any other.
    started = time.perf_counter()
    how = {"saved": "loaded from the saved index", "built": "built"}[service.prepare()]
    log.info(
        "Index of %d facts %s in %.1f s", len(service.index), how, time.perf_counter() - started
    )
    # The index is long-lived: keep the collector from rescanning it on every full pass,
    # which pauses answers for a large base.
    gc.freeze()
    try:
        return asyncio.run(serve(settings, service))
    finally:
        # After asyncio.run: the bot closed its async service, finishing the queued writes.
        service.close()
        log.info("Database closed")


async def serve(settings: BotSettings, service: FactService, **options: Any) -> int:
    """Run the bot until it stops by itself or a stop signal arrives."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        return await _saying_failures(_serve_until_stopped(settings, service, stop, options))
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def _serve_until_stopped(
    settings: BotSettings, service: FactService, stop: asyncio.Event, options: dict[str, Any]
) -> int:
    # The bot closes the async service with itself, finishing its queued writes.
    async with FactBot(settings=settings, service=AsyncFactService(service), **options) as bot:
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
    return EXIT_OK


async def _saying_failures(work: Coroutine[Any, Any, int]) -> int:
    """Run `work`; Discord's refusals and network failures become one line and an exit code."""
    try:
        return await work
    except discord.LoginFailure:
        fail(
            "the token was refused by Discord; check DISCORD_TOKEN, or reset it in the "
            "developer portal (Bot > Reset Token)."
        )
        return EXIT_BAD_TOKEN
    except discord.PrivilegedIntentsRequired:
        # discord.py's own exception for a 4014 close.
        fail(f"Discord closed the gateway connection: {FATAL_CLOSES[4014]}.")
        return EXIT_FATAL_CLOSE
    except discord.ConnectionClosed as error:
        if error.code not in FATAL_CLOSES:
            raise
        fail(f"Discord closed the gateway connection: {FATAL_CLOSES[error.code]}.")
        return EXIT_FATAL_CLOSE
    except discord.HTTPException as error:
        # Say, syncing commands to a DISCORD_GUILD_ID the bot is not in (403).
        fail(f"Discord refused a start-up request: {error}")
        return EXIT_FAILED
    except (discord.GatewayNotFound, aiohttp.ClientError, OSError) as error:
        fail(f"could not reach Discord: {error}")
        return EXIT_FAILED


def sync_bot(settings: BotSettings) -> int:
    """`python -m bot sync`: sync the commands now, whether or not they changed."""
    # One line on stdout is the result; discord.py's INFO lines would only repeat it.
    quiet = logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    configure_logging(settings, level=max(settings.log_level_number, quiet))
    endpoints.point_at(settings.api_base, settings.gateway_url)
    service = open_service(settings)
    if service is None:
        return EXIT_FAILED
    try:
        return asyncio.run(_saying_failures(_sync_over_http(settings, service)))
    finally:
        service.close()


async def _sync_over_http(settings: BotSettings, service: FactService) -> int:
    # login() loads the cogs (setup_hook) and needs no gateway; the sync is a REST call.
    async with FactBot(
        settings=settings, service=AsyncFactService(service), sync_on_start=False
    ) as bot:
        await bot.login(settings.token)
        synced = await bot.sync_commands()
        print(f"synced {len(synced)} commands {bot.sync_scope}")
    return EXIT_OK


async def _finish_interrupted(running: asyncio.Task[None]) -> None:
    """Wait for the closed bot's task; a start-up cut short by the signal is no error."""
    try:
        await running
    except (discord.DiscordException, aiohttp.ClientError, OSError) as error:
        log.debug("Start-up interrupted by the stop signal: %s", error)
