"""What the fake holds: its settings, the world, and every message, interaction and request.

``DiscordState`` is the one place that changes; each change wakes the tests'
``wait_until`` (see ``notify``).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from . import errors as _errors
from .gateway import GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT, PRIVILEGED_INTENTS
from .interactions import InteractionHandle
from .models import DM_CHANNEL, JSON, Channel, Guild, Member, Role, Snowflakes, User
from .records import Message, RecordedRequest, StoredAttachment

T = TypeVar("T")

API_PREFIX = "/api/v10"
POLL_INTERVAL = 0.01
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass
class Settings:
    """How the fake behaves and where it listens.

    A test may change a setting while the bot runs (a smaller attachment limit, a
    gateway URL the bot should ignore); every part reads it when it needs it.
    """

    # The bot token the fake accepts (``Authorization: Bot <token>`` and IDENTIFY).
    token: str = "fake-bot-token"
    host: str = "127.0.0.1"
    port: int = 0  # 0 until started: the server then picks a free port
    # Seconds, sent in HELLO.
    heartbeat_interval: float = 1.0
    # Seconds the bot has for its first callback (Discord: 3).
    interaction_deadline: float = 3.0
    # The privileged intents "enabled in the developer portal"; an IDENTIFY asking
    # for others is closed with 4014, as on Discord.
    privileged_intents: int = PRIVILEGED_INTENTS
    # What GET /gateway/bot recommends (for AutoShardedClient).
    shard_count: int = 1
    # The URL GET /gateway and /gateway/bot name; by default the fake's own gateway
    # (another one shows whether a client keeps a gateway URL it was configured with).
    advertised_gateway_url: str | None = None
    # The most guilds one shard may hold (Discord: 2,500); an IDENTIFY for a shard
    # that would hold more is closed with 4011, as on Discord.
    guilds_per_shard_limit: int = 2500
    # Send the bot MESSAGE_CREATE/UPDATE/DELETE for its own non-ephemeral messages,
    # as Discord does.
    echo_bot_messages: bool = True
    # Seconds ``slash``/``autocomplete`` wait for a command the bot has not
    # registered yet (bots that sync in on_ready).
    command_wait: float = 2.0
    # Bytes a message's files may total (``attachment_size_limit`` in interactions);
    # more is refused with 413, as on Discord.
    attachment_size_limit: int = ATTACHMENT_SIZE_LIMIT

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/"


class DiscordState:
    """The world (users, guilds, channels), the stored messages, attachments,
    interactions and recorded requests, and the signal that any of them changed."""

    def __init__(self, settings: Settings, bot_name: str) -> None:
        self.settings = settings
        self.snowflake = Snowflakes()
        self.bot_user = User(self.snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.application_owner = User(self.snowflake(), "app-owner")
        self.users: dict[int, User] = {
            self.bot_user.id: self.bot_user,
            self.application_owner.id: self.application_owner,
        }
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages: list[Message] = []  # in creation order
        self.messages_by_id: dict[int, Message] = {}
        self.attachments: dict[int, StoredAttachment] = {}
        self.interactions: dict[int, InteractionHandle] = {}
        self.interactions_by_token: dict[str, InteractionHandle] = {}
        self.requests: list[RecordedRequest] = []
        # What next_bot_message / next_request returned already.
        self._returned_messages: set[int] = set()
        self._returned_requests: set[int] = set()
        self._stamp = 0
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- the world -------------------------------------------------------------------

    def new_user(self, username: str, *, bot: bool = False, global_name: str | None = None) -> User:
        user = User(self.snowflake(), username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def new_guild(
        self,
        name: str,
        owner: str,
        bot_permissions: int,
        everyone_permissions: int,
        locale: str,
        guild_id: int | None,
    ) -> Guild:
        """A guild with @everyone, an owner and the bot (with its managed role)."""
        guild = Guild(guild_id or self.snowflake(), name, locale=locale)
        guild.roles[guild.id] = Role(guild.id, guild, "@everyone", everyone_permissions)
        guild.owner_id = self.join(guild, self.new_user(owner), []).id
        bot_role = Role(
            self.snowflake(),
            guild,
            self.bot_user.username,
            bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        self.join(guild, self.bot_user, [bot_role])
        self.guilds[guild.id] = guild
        return guild

    def new_role(self, guild: Guild, name: str, permissions: int, mentionable: bool) -> Role:
        role = Role(
            self.snowflake(),
            guild,
            name,
            permissions,
            position=len(guild.roles),
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        return role

    def join(
        self, guild: Guild, user: User, roles: list[Role], *, nick: str | None = None
    ) -> Member:
        member = Member(user, guild, roles, nick=nick)
        guild.members[user.id] = member
        return member

    def new_channel(self, guild: Guild, name: str, type: int, topic: str | None) -> Channel:
        channel = Channel(
            self.snowflake(), name, type, guild, position=len(guild.channels), topic=topic
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user``, made on first use."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.snowflake(), "", DM_CHANNEL, recipients=[user])
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def guilds_for_shard(self, shard: tuple[int, int]) -> list[Guild]:
        """The guilds shard ``shard[0]`` of ``shard[1]`` owns, as Discord assigns them."""
        return [g for g in self.guilds.values() if (g.id >> 22) % shard[1] == shard[0]]

    # --- the application -------------------------------------------------------------

    def bot_user_payload(self) -> JSON:
        data = self.bot_user.payload()
        data.update(verified=True, mfa_enabled=False, flags=0, email=None, locale="en-US")
        return data

    @property
    def application_flags(self) -> int:
        privileged = self.settings.privileged_intents
        flags = 1 << 23  # APPLICATION_COMMAND_BADGE
        if privileged & GUILD_PRESENCES:
            flags |= 1 << 12
        if privileged & GUILD_MEMBERS:
            flags |= 1 << 14
        if privileged & MESSAGE_CONTENT:
            flags |= 1 << 18
        return flags

    def application_payload(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": self.application_flags,
            "owner": self.application_owner.payload(),
            "team": None,
            "bot": self.bot_user.payload(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}},
            "approximate_guild_count": len(self.guilds),
            "tags": [],
        }

    # --- messages and requests -------------------------------------------------------

    def remember(self, message: Message) -> None:
        self.messages_by_id[message.id] = message
        self.messages.append(message)
        self.touch(message)

    def touch(self, message: Message) -> None:
        """Mark ``message`` as the latest change (``final_message`` picks by this order)."""
        self._stamp += 1
        message.stamp = self._stamp
        self.notify()

    def find_messages(
        self, channel: Channel | None, author: User | None, include_deleted: bool
    ) -> list[Message]:
        found = self.messages
        if channel is not None:
            found = [m for m in found if m.channel is channel]
        if author is not None:
            found = [m for m in found if m.author is author]
        if not include_deleted:
            found = [m for m in found if not m.deleted]
        return list(found)

    async def next_bot_message(
        self,
        channel: Channel | None,
        predicate: Callable[[Message], bool] | None,
        include_interactions: bool,
        timeout: float,
    ) -> Message:
        """The first bot message not returned before that the caller wants."""

        def wanted(message: Message) -> bool:
            if message.id in self._returned_messages or message.author is not self.bot_user:
                return False
            if message.origin == "interaction" and not include_interactions:
                return False
            if message.loading or (channel is not None and message.channel is not channel):
                return False
            return predicate is None or predicate(message)

        message = await self.wait_until(
            lambda: next(filter(wanted, self.messages), None), timeout, "a message from the bot"
        )
        self._returned_messages.add(message.id)
        return message

    def find_requests(
        self,
        method: str | None,
        path: str | None,
        predicate: Callable[[RecordedRequest], bool] | None,
    ) -> list[RecordedRequest]:
        pattern = None if path is None else re.compile(path)
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.fullmatch(r.path))
            and (predicate is None or predicate(r))
        ]

    async def next_request(
        self,
        method: str,
        path_regex: str,
        predicate: Callable[[RecordedRequest], bool] | None,
        timeout: float,
    ) -> RecordedRequest:
        """The first answered matching request not returned before."""

        def find() -> RecordedRequest | None:
            for request in self.find_requests(method, path_regex, predicate):
                if request.index not in self._returned_requests and request.status:
                    return request
            return None

        request = await self.wait_until(find, timeout, f"{method} {path_regex}")
        self._returned_requests.add(request.index)
        return request

    # --- waiting for changes ---------------------------------------------------------

    def notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def loop_time(self) -> float:
        return asyncio.get_running_loop().time()

    def watch_errors(self) -> None:
        """Wake waits when ``capture_errors`` sees an error, from whatever thread logs it."""
        self._loop = asyncio.get_running_loop()
        _errors.add_waker(self._wake_threadsafe)

    def unwatch_errors(self) -> None:
        _errors.remove_waker(self._wake_threadsafe)

    def _wake_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.notify)

    async def wait_until(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, what: str = "a condition"
    ) -> T:
        """Until ``predicate()`` is truthy; returns its value.

        Checked after every change the fake sees, and every 10 ms besides (so a
        predicate may look at the bot's state too). Fails at once if an active
        ``capture_errors()`` has seen an error.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            errors = _errors.active_errors()
            if errors:
                details = "\n\n".join(error.describe() for error in errors)
                raise AssertionError(f"while waiting for {what}, an error was logged:\n{details}")
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(repr(r) for r in self.requests[-8:])
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {what}; latest requests: {recent}"
                )
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, POLL_INTERVAL))
