"""FakeDiscord: a Discord REST API and gateway on 127.0.0.1 for the real discord.py client.

A test builds a small world (guilds, roles, channels, members), starts the bot
against the fake (see ``running_bot``), then acts as users would: slash
commands, autocomplete, buttons, selects, modals, messages mentioning the bot.
Everything the bot sends is recorded and turned into state the test can
assert on: interaction handles, stored messages, raw requests.

``FakeDiscord`` is the test's one handle on all of it; the work is done by the
parts it owns (see the package docstring for which module holds what).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self, TypeVar

from .actions import UserActions
from .attachments import Attachments
from .commands import CommandRegistry
from .gateway import GatewayConnection, GatewaySession
from .interactions import InteractionHandle
from .messages import MessageWriter
from .models import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    JSON,
    TEXT_CHANNEL,
    Channel,
    Guild,
    Member,
    Role,
    User,
    actor_user,
)
from .records import Message, RecordedRequest, Upload
from .rest import RestAPI
from .server import HttpServer
from .shards import Shards
from .state import DiscordState, Settings

T = TypeVar("T")


class FakeDiscord:
    """A fake Discord for one bot. Use ``async with FakeDiscord(...) as fake:``.

    Besides the bot's name, the arguments are fields of ``Settings`` (documented
    there): ``FakeDiscord(token=..., heartbeat_interval=0.5, shard_count=2)``. They
    stay in ``fake.settings``, where a test may change them while the bot runs.
    """

    def __init__(
        self, token: str = "fake-bot-token", *, bot_name: str = "FakeBot", **settings: Any
    ) -> None:
        self.settings = Settings(token=token, **settings)
        self.state = DiscordState(self.settings, bot_name)
        self.bot_user = self.state.bot_user
        self.application_id = self.state.application_id
        self.shards = Shards(self.state)
        self.app_commands = CommandRegistry(self.state)
        self.attachments = Attachments(self.state)
        self.writer = MessageWriter(self.state, self.shards, self.attachments)
        self.user_actions = UserActions(
            self.state, self.shards, self.app_commands, self.writer, self.attachments
        )
        rest = RestAPI(self.state, self.app_commands, self.writer)
        self.server = HttpServer(self.state, self.shards, rest)

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> Self:
        await self.server.start()
        self.state.watch_errors()
        return self

    async def stop(self) -> None:
        """Close the gateway sockets and the server (stop the bot first)."""
        self.state.unwatch_errors()
        await self.shards.close_all(1001, "Fake Discord stopping")
        for connection in list(self.shards.connections):
            await connection.shutdown()
        await self.server.stop()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """For ``point_at`` / DISCORD_API_BASE."""
        return self.settings.api_base

    # --- world building --------------------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False, global_name: str | None = None) -> User:
        return self.state.new_user(username, bot=bot, global_name=global_name)

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        owner: str = "owner",
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        channels: Sequence[str] = ("general",),
        locale: str = "en-US",
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild with @everyone, an owner, the bot (with its managed role) and channels.

        Added after the bot connected, it is sent as GUILD_CREATE (the bot joined it).
        ``shard=(id, count)`` gives it an id that shard ``id`` of ``count`` owns.
        """
        guild_id = None if shard is None else self.state.snowflake.on_shard(*shard)
        guild = self.state.new_guild(
            name, owner, bot_permissions, everyone_permissions, locale, guild_id
        )
        for channel_name in channels:
            self.state.new_channel(guild, channel_name, TEXT_CHANNEL, None)
        self.shards.guild_joined(guild)
        return guild

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> Role:
        role = self.state.new_role(guild, name, int(permissions), mentionable)
        self.shards.guild_event(
            guild, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return role

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = TEXT_CHANNEL,
        topic: str | None = None,
    ) -> Channel:
        channel = self.state.new_channel(guild, name, type, topic)
        self.shards.guild_event(guild, "CHANNEL_CREATE", channel.payload())
        return channel

    def add_member(
        self,
        guild: Guild,
        username: str | User,
        permissions: int = 0,
        roles: Sequence[Role] = (),
        *,
        nick: str | None = None,
    ) -> Member:
        """A member; ``permissions`` other than 0 come from a role of its own ("<name> perms")."""
        user = username if isinstance(username, User) else self.add_user(username)
        member_roles = list(roles)
        if permissions:
            member_roles.append(self.add_role(guild, f"{user.username} perms", int(permissions)))
        member = self.state.join(guild, user, member_roles, nick=nick)
        data = member.payload()
        data["guild_id"] = str(guild.id)
        self.shards.guild_event(guild, "GUILD_MEMBER_ADD", data)
        return member

    def dm_channel(self, user: User | Member) -> Channel:
        """The bot's DM channel with a user (made on first use, as POST /users/@me/channels)."""
        return self.state.dm_channel(actor_user(user))

    # --- gateway ---------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        """For ``point_at`` / DISCORD_GATEWAY_URL."""
        return self.settings.gateway_url

    @property
    def sessions(self) -> list[GatewaySession]:
        """The current session of each shard."""
        return self.shards.sessions

    @property
    def connections(self) -> list[GatewayConnection]:
        """The open gateway websockets."""
        return self.shards.connections

    @property
    def gateway_queries(self) -> list[dict[str, str]]:
        """The query string of every gateway connection, in order."""
        return self.shards.gateway_queries

    @property
    def identify_payload(self) -> JSON | None:
        """The `d` of the latest IDENTIFY (token, intents, properties, shard…)."""
        return self.shards.identify_payload

    @property
    def intents(self) -> int | None:
        payload = self.identify_payload
        return None if payload is None else int(payload.get("intents") or 0)

    @property
    def connected(self) -> bool:
        """Whether every shard has a live session that got READY and its guilds."""
        return self.shards.all_connected

    def shard_connected(self, shard_id: int) -> bool:
        """Whether shard ``shard_id`` has a live session that got READY and its guilds."""
        return self.shards.shard_connected(shard_id)

    async def wait_until_connected(
        self, timeout: float = 10.0, *, shards: Sequence[int] | None = None
    ) -> None:
        """Until every shard (or each of ``shards``: a process running only some) has
        identified and got READY and its GUILD_CREATEs."""
        await self.shards.wait_connected(timeout, shards)

    def dispatch(self, event: str, data: JSON, *, guild: Guild | None = None) -> None:
        """Send any gateway event to the bot (to the shard of ``guild``, else shard 0)."""
        shards = self.shards
        session = shards.for_guild(guild.id) if guild else shards.for_shard(0)
        if session is None:
            raise RuntimeError("the bot is not connected to the fake gateway")
        shards.dispatch(session, event, data)

    async def flush(self) -> None:
        """Until everything queued on the gateway sockets is written."""
        await self.shards.flush()

    async def reconnect_bot(self, timeout: float = 10.0) -> None:
        """Ask every shard to reconnect (op 7) and wait until each has RESUMEd."""
        await self.shards.reconnect(timeout)

    async def close_gateway(self, code: int, reason: str = "") -> None:
        """Close the bot's gateway sockets with ``code``, as Discord does mid-run on a
        fatal error (4004 when the token is reset, 4014 for disallowed intents…)."""
        await self.shards.close_all(code, reason)

    # --- application commands --------------------------------------------------------

    def commands(self, guild: Guild | None = None) -> list[JSON]:
        """The commands the bot registered, globally or for ``guild``."""
        return list(self.app_commands.registered(None if guild is None else guild.id))

    def command(self, name: str, guild: Guild | None = None) -> JSON:
        """A registered chat-input command: the guild's first, then the global one."""
        found = self.app_commands.find(name, guild)
        if found is None:
            raise LookupError(f"no command /{name} registered (guild: {guild and guild.name})")
        return found

    # --- driving the bot -------------------------------------------------------------

    async def slash(
        self,
        member: Member | User,
        channel: Channel,
        command: str,
        /,
        *,
        force: bool = False,
        options: Mapping[str, Any] | None = None,
        locale: str = "en-US",
        **values: Any,
    ) -> InteractionHandle:
        """Invoke ``/command`` ("name", "group sub" or "group subgroup sub") as ``member``.

        Option values are typed from the registered definition: str, int, float,
        bool, Member/User, Role, Channel, and for attachments an ``Upload`` or a
        ``(filename, bytes[, content_type])`` tuple. Use ``options={...}`` for an
        option named like a keyword of this method.
        """
        all_values = {**(options or {}), **values}
        return await self.user_actions.slash(
            member, channel, command, all_values, force=force, locale=locale
        )

    async def autocomplete(
        self,
        member: Member | User,
        channel: Channel,
        command: str,
        option: str,
        value: str,
        /,
        *,
        force: bool = False,
        options: Mapping[str, Any] | None = None,
        timeout: float = 5.0,
        **values: Any,
    ) -> list[JSON]:
        """The choices the bot offers while ``member`` types ``value`` into ``option``."""
        all_values = {**(options or {}), **values, option: value}
        return await self.user_actions.autocomplete(
            member, channel, command, option, all_values, force=force, timeout=timeout
        )

    async def press_button(
        self,
        member: Member | User,
        message: Message | int,
        custom_id: str,
        /,
        *,
        force: bool = False,
    ) -> InteractionHandle:
        """Click a button of a message the bot sent."""
        return await self.user_actions.press_button(member, message, custom_id, force=force)

    async def select(
        self,
        member: Member | User,
        message: Message | int,
        custom_id: str,
        values: Sequence[Any],
        /,
        *,
        force: bool = False,
    ) -> InteractionHandle:
        """Pick ``values`` in a select menu (strings; Members/Roles/Channels for entity selects)."""
        return await self.user_actions.select(member, message, custom_id, values, force=force)

    async def submit_modal(
        self,
        member: Member | User,
        handle: InteractionHandle,
        values: Mapping[str, Any],
        /,
        *,
        force: bool = False,
        timeout: float = 5.0,
        custom_id: str | None = None,
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened in answer to ``handle``.

        ``values`` maps the fields' custom_ids to text (lists for selects, bools
        for checkboxes); fields left out keep their pre-filled value. With
        ``force``, ``custom_id`` submits it under another id, as a tampered
        client could (a form the bot never opened).
        """
        return await self.user_actions.submit_modal(
            member, handle, values, force=force, timeout=timeout, custom_id=custom_id
        )

    async def post_message(
        self,
        author: Member | User,
        channel: Channel,
        content: str = "",
        /,
        *,
        mention_bot: bool = True,
        reply_to: Message | None = None,
        attachments: Sequence[Upload] = (),
        embeds: Sequence[JSON] = (),
    ) -> Message:
        """A user posts a message (MESSAGE_CREATE); by default it starts with <@bot>.

        As on Discord, a bot without the message content intent gets the content only
        of messages that mention it (or DMs).
        """
        return await self.user_actions.post_message(
            author,
            channel,
            content,
            mention_bot=mention_bot,
            reply_to=reply_to,
            attachments=attachments,
            embeds=embeds,
        )

    # --- observing -------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every HTTP request the fake received, in order."""
        return self.state.requests

    def messages(
        self,
        channel: Channel | None = None,
        *,
        author: User | Member | None = None,
        include_deleted: bool = False,
    ) -> list[Message]:
        """Stored messages in creation order (ephemeral ones included)."""
        user = None if author is None else actor_user(author)
        return self.state.find_messages(channel, user, include_deleted)

    def bot_messages(self, channel: Channel | None = None) -> list[Message]:
        return self.messages(channel, author=self.bot_user)

    def get_message(self, message_id: int) -> Message:
        return self.state.messages_by_id[message_id]

    async def wait_for_message(
        self,
        channel: Channel | None = None,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float = 5.0,
        *,
        include_interactions: bool = False,
    ) -> Message:
        """The next message the bot posted (not yet returned by this method).

        Only messages sent through POST /channels/{id}/messages unless
        ``include_interactions``; interaction replies are on their handles.
        """
        return await self.state.next_bot_message(channel, predicate, include_interactions, timeout)

    def find_requests(
        self,
        method: str | None = None,
        path: str | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests; ``path`` is a regex matched against the whole API path."""
        return self.state.find_requests(method, path, predicate)

    @property
    def unhandled_requests(self) -> list[RecordedRequest]:
        """Requests the fake has no endpoint for (answered 404)."""
        return [r for r in self.requests if not r.handled]

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
    ) -> RecordedRequest:
        """The next matching request not yet returned by this method (earlier ones count).

        ``path_regex`` must match the whole path without /api/v10, e.g. r"/channels/\\d+/messages".
        """
        return await self.state.next_request(method, path_regex, predicate, timeout)

    async def wait_until(
        self, predicate: Callable[[], T | None], timeout: float = 5.0, what: str = "a condition"
    ) -> T:
        """Until ``predicate()`` is truthy; returns its value.

        Checked after every change the fake sees, and every 10 ms besides (so a
        predicate may look at the bot's state too). Fails at once if an active
        ``capture_errors()`` has seen an error.
        """
        return await self.state.wait_until(predicate, timeout, what)
