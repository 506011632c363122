"""A fake Discord (REST + gateway on 127.0.0.1) for end-to-end tests of the real discord.py bot.

The unmodified discord.py client logs in, connects to the gateway, syncs its
commands and answers interactions over real HTTP and websockets; the test
drives it as users would and asserts on what it sent::

    async with FakeDiscord(token="t") as fake:
        guild = fake.add_guild("Test")  # with #general, an owner and the bot
        alice = fake.add_member(guild, "alice")
        client = make_bot(guild_ready_timeout=0.05)  # else READY waits 2 s
        with capture_errors():  # fail on anything discord.py only logs
            async with running_bot(fake, client):
                handle = await fake.slash(alice, guild.channel("general"), "ask", question="?")
                reply = await handle.reply()
                assert reply.embed["title"] == "Answer"

See ``FakeDiscord`` for the driving and observing API, ``InteractionHandle`` for
what one interaction produced, ``Message`` for a stored message.

Where each concern lives:

- ``fake``: ``FakeDiscord``, the test's handle; it owns the parts below and
  holds the public API (world building, driving, observing).
- ``state``: ``Settings``, and ``DiscordState``: the world, stored messages,
  interactions, recorded requests, and ``wait_until`` on any change.
- ``models``: users, guilds, roles, channels, members, and the JSON payload each
  renders.
- ``records``: stored messages, attachments, users' uploads, recorded requests.
- ``server``: the aiohttp server; records every request and routes it to the
  gateway, the REST API or the attachment files.
- ``gateway``: one websocket (HELLO, IDENTIFY, RESUME, heartbeats, compression).
- ``shards``: the gateway sessions by shard, and which one gets an event
  (intents, message content).
- ``rest``: the REST routes under /api/v10 and their handlers.
- ``commands``: registered application commands, the registration rules, and
  whether a user may send a command.
- ``interactions``: interaction and callback types, ``InteractionHandle``.
- ``actions``: what test users do (slash commands, components, modals, messages).
- ``messages``: creating, editing and deleting the bot's messages as Discord does.
- ``attachments``: files the fake stores and serves.
- ``options``: typing a user's option values, select values and modal fields.
- ``validation``: Discord's limits on what a bot sends, and its error answers.
- ``errors``: failing a test on errors discord.py only logs.
- ``runner``: ``running_bot``, a discord.py client started against the fake.
- ``harness_bot``: the small discord.py bot ``test_fakediscord.py`` proves the
  fake with.
"""

from .commands import CommandNotAvailable
from .errors import CapturedError, ErrorCapture, capture_errors
from .fake import FakeDiscord
from .gateway import GatewaySession
from .interactions import Callback, InteractionHandle
from .models import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    Channel,
    Guild,
    Member,
    Role,
    User,
)
from .options import InvalidInput
from .records import Message, RecordedRequest, StoredAttachment, Upload, UploadedFile
from .runner import running_bot
from .validation import DiscordAPIError

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "Callback",
    "CapturedError",
    "Channel",
    "CommandNotAvailable",
    "DiscordAPIError",
    "ErrorCapture",
    "FakeDiscord",
    "GatewaySession",
    "Guild",
    "InteractionHandle",
    "InvalidInput",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "StoredAttachment",
    "Upload",
    "UploadedFile",
    "User",
    "capture_errors",
    "running_bot",
]
