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
"""

from .errors import CapturedError, ErrorCapture, capture_errors
from .gateway import GatewaySession
from .interactions import Callback, InteractionHandle
from .models import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    Channel,
    Guild,
    Member,
    Message,
    RecordedRequest,
    Role,
    StoredAttachment,
    Upload,
    UploadedFile,
    User,
)
from .options import InvalidInput
from .runner import running_bot
from .server import CommandNotAvailable, FakeDiscord
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
