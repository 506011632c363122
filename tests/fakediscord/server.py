"""FakeDiscord: a Discord REST API and gateway on 127.0.0.1 for the real discord.py client.

A test builds a small world (guilds, roles, channels, members), starts the bot
against the fake (see ``running_bot``), then acts as users would: slash
commands, autocomplete, buttons, selects, modals, messages mentioning the bot.
Everything the bot sends is recorded and turned into state the test can
assert on: interaction handles, stored messages, raw requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self, TypeVar

from aiohttp import web
from multidict import CIMultiDict

from . import errors as _errors
from .gateway import (
    DIRECT_MESSAGES,
    EVENT_INTENTS,
    GUILD_MEMBERS,
    GUILD_MESSAGES,
    GUILD_PRESENCES,
    MESSAGE_CONTENT,
    PRIVILEGED_INTENTS,
    RECONNECT,
    GatewayConnection,
    GatewaySession,
)
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
)
from .models import (
    ADMINISTRATOR,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM_CHANNEL,
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
    JSON,
    TEXT_CHANNEL,
    Channel,
    Guild,
    Member,
    Message,
    RecordedRequest,
    Role,
    Snowflakes,
    StoredAttachment,
    Upload,
    UploadedFile,
    User,
    guess_content_type,
    now_iso,
    walk_components,
)
from .options import (
    InvalidInput,
    Resolver,
    build_options,
    modal_components,
    select_values,
    walk_to_subcommand,
    wrap_in_subcommands,
)
from .rest import RestAPI
from .validation import (
    INVALID_FORM_BODY,
    UNKNOWN_MESSAGE,
    DiscordAPIError,
    FormErrors,
    check_message,
    not_found,
)

_log = logging.getLogger(__name__)

T = TypeVar("T")

API_PREFIX = "/api/v10"
POLL_INTERVAL = 0.01
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
INTERACTION_FLAGS = (
    FLAG_SUPPRESS_EMBEDS | FLAG_EPHEMERAL | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
)
CHANNEL_FLAGS = FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
DM_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


class CommandNotAvailable(InvalidInput):
    """Discord's client would not offer this command to this member (permissions, context)."""


class FakeDiscord:
    """A fake Discord for one bot. Use ``async with FakeDiscord(...) as fake:``.

    Args:
        token: the bot token the fake accepts (``Authorization: Bot <token>`` and IDENTIFY).
        heartbeat_interval: seconds, sent in HELLO.
        interaction_deadline: seconds the bot has for its first callback (Discord: 3).
        privileged_intents: the privileged intents "enabled in the developer portal";
            an IDENTIFY asking for others is closed with 4014 as on Discord.
        shard_count: what GET /gateway/bot recommends (for AutoShardedClient).
        advertised_gateway_url: the URL GET /gateway and /gateway/bot name; by default
            the fake's own gateway (another one shows whether a client keeps a gateway
            URL it was configured with).
        guilds_per_shard_limit: the most guilds one shard may hold (Discord: 2,500); an
            IDENTIFY for a shard that would hold more is closed with 4011, as on Discord.
        echo_bot_messages: send the bot MESSAGE_CREATE/UPDATE/DELETE for its own
            non-ephemeral messages, as Discord does.
        command_wait: seconds ``slash``/``autocomplete`` wait for a command the bot
            has not registered yet (bots that sync in on_ready).
        attachment_size_limit: bytes a message's files may total (``attachment_size_limit``
            in interactions); more is refused with 413, as on Discord.
    """

    def __init__(
        self,
        token: str = "fake-bot-token",
        *,
        bot_name: str = "FakeBot",
        host: str = "127.0.0.1",
        port: int = 0,
        heartbeat_interval: float = 1.0,
        interaction_deadline: float = 3.0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        shard_count: int = 1,
        advertised_gateway_url: str | None = None,
        guilds_per_shard_limit: int = 2500,
        echo_bot_messages: bool = True,
        command_wait: float = 2.0,
        attachment_size_limit: int = ATTACHMENT_SIZE_LIMIT,
    ) -> None:
        self.token = token
        self.host = host
        self.heartbeat_interval = heartbeat_interval
        self.interaction_deadline = interaction_deadline
        self.privileged_intents = privileged_intents
        self.shard_count = shard_count
        self.advertised_gateway_url = advertised_gateway_url
        self.guilds_per_shard_limit = guilds_per_shard_limit
        self.echo_bot_messages = echo_bot_messages
        self.command_wait = command_wait
        self.attachment_size_limit = attachment_size_limit
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
        self.messages_by_id: dict[int, Message] = {}
        self.attachments: dict[int, StoredAttachment] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.requests: list[RecordedRequest] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self.gateway_queries: list[dict[str, str]] = []
        self.connections: list[GatewayConnection] = []

        self._interactions_by_token: dict[str, InteractionHandle] = {}
        self._dm_channels: dict[int, Channel] = {}
        self._messages: list[Message] = []
        self._consumed_requests: set[int] = set()
        self._consumed_messages: set[int] = set()
        self._sessions: dict[str, GatewaySession] = {}
        self._identified: list[GatewaySession] = []
        self._active_sessions: dict[int, GatewaySession] = {}
        self._stamp = 0
        self._changed = asyncio.Event()
        self._rest = RestAPI(self)
        self._runner: web.AppRunner | None = None
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> Self:
        self._loop = asyncio.get_running_loop()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._on_request)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        _errors.add_waker(self._wake_threadsafe)
        return self

    async def stop(self) -> None:
        """Close the gateway sockets and the server (stop the bot first)."""
        _errors.remove_waker(self._wake_threadsafe)
        for connection in list(self.connections):
            await connection.close(1001, "Fake Discord stopping")
        for connection in list(self.connections):
            await connection.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def api_base(self) -> str:
        """For ``point_at`` / DISCORD_API_BASE."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """For ``point_at`` / DISCORD_GATEWAY_URL."""
        return f"ws://{self.host}:{self._port}/"

    # --- world building --------------------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False, global_name: str | None = None) -> User:
        user = User(self.snowflake(), username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

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
        guild_id = self.snowflake() if shard is None else self.snowflake.on_shard(*shard)
        guild = Guild(guild_id, name, locale=locale)
        guild.roles[guild.id] = Role(guild.id, guild, "@everyone", everyone_permissions)
        owner_member = self._join(guild, self.add_user(owner), [])
        guild.owner_id = owner_member.id
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
        self._join(guild, self.bot_user, [bot_role])
        for channel_name in channels:
            self._new_channel(guild, channel_name, TEXT_CHANNEL, None)
        self.guilds[guild.id] = guild
        session = self._session_for_guild(guild.id)
        if session is not None:
            self._dispatch(session, "GUILD_CREATE", self._guild_create_payload(guild, session))
        return guild

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> Role:
        role = Role(
            self.snowflake(),
            guild,
            name,
            int(permissions),
            position=len(guild.roles),
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        self._guild_event(
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
        channel = self._new_channel(guild, name, type, topic)
        self._guild_event(guild, "CHANNEL_CREATE", channel.payload())
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
        member = self._join(guild, user, member_roles, nick=nick)
        data = member.payload()
        data["guild_id"] = str(guild.id)
        self._guild_event(guild, "GUILD_MEMBER_ADD", data)
        return member

    def dm_channel(self, user: User | Member) -> Channel:
        """The bot's DM channel with a user (made on first use, as POST /users/@me/channels)."""
        target = user.user if isinstance(user, Member) else user
        channel = self._dm_channels.get(target.id)
        if channel is None:
            channel = Channel(self.snowflake(), "", DM_CHANNEL, recipients=[target])
            self._dm_channels[target.id] = channel
            self.channels[channel.id] = channel
        return channel

    def _join(
        self, guild: Guild, user: User, roles: list[Role], *, nick: str | None = None
    ) -> Member:
        member = Member(user, guild, roles, nick=nick)
        guild.members[user.id] = member
        return member

    def _new_channel(self, guild: Guild, name: str, type: int, topic: str | None) -> Channel:
        channel = Channel(
            self.snowflake(), name, type, guild, position=len(guild.channels), topic=topic
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def _guild_event(self, guild: Guild, event: str, data: JSON) -> None:
        if guild.id not in self.guilds:
            return
        session = self._session_for_guild(guild.id)
        if session is not None:
            self._dispatch(session, event, data)

    # --- gateway ---------------------------------------------------------------------

    @property
    def sessions(self) -> list[GatewaySession]:
        """The current session of each shard."""
        return list(self._active_sessions.values())

    @property
    def identify_payload(self) -> JSON | None:
        """The `d` of the latest IDENTIFY (token, intents, properties, shard…)."""
        return self._identified[-1].identify if self._identified else None

    @property
    def intents(self) -> int | None:
        payload = self.identify_payload
        return None if payload is None else int(payload.get("intents") or 0)

    @property
    def connected(self) -> bool:
        sessions = self.sessions
        if not sessions:
            return False
        expected = sessions[0].shard[1]
        return len(sessions) == expected and all(s.live and s.ready for s in sessions)

    def shard_connected(self, shard_id: int) -> bool:
        """Whether shard ``shard_id`` has a live session that got READY and its guilds."""
        session = self._session_for_shard(shard_id)
        return session is not None and session.live and session.ready

    async def wait_until_connected(
        self, timeout: float = 10.0, *, shards: Sequence[int] | None = None
    ) -> None:
        """Until every shard (or each of ``shards``: a process running only some) has
        identified and got READY and its GUILD_CREATEs."""
        if shards is None:
            await self.wait_until(
                lambda: self.connected, timeout, "the bot to connect to the gateway"
            )
            return
        await self.wait_until(
            lambda: all(self.shard_connected(shard_id) for shard_id in shards),
            timeout,
            f"shard(s) {list(shards)} to connect to the gateway",
        )

    def dispatch(self, event: str, data: JSON, *, guild: Guild | None = None) -> None:
        """Send any gateway event to the bot (to the shard of ``guild``, else shard 0)."""
        session = self._session_for_guild(guild.id) if guild else self._session_for_shard(0)
        if session is None:
            raise RuntimeError("the bot is not connected to the fake gateway")
        self._dispatch(session, event, data)

    async def flush(self) -> None:
        """Until everything queued on the gateway sockets is written."""
        for connection in list(self.connections):
            await connection.drain()

    async def reconnect_bot(self, timeout: float = 10.0) -> None:
        """Ask every shard to reconnect (op 7) and wait until each has RESUMEd."""
        before = {session.id: session.resumed for session in self.sessions}
        for session in self.sessions:
            if session.connection is not None:
                session.connection.send({"op": RECONNECT, "d": None})
        await self.wait_until(
            lambda: all(
                s.resumed > before.get(s.id, 0) and s.live and s.ready for s in self.sessions
            ),
            timeout,
            "the bot to resume its gateway session",
        )

    async def close_gateway(self, code: int, reason: str = "") -> None:
        """Close the bot's gateway sockets with ``code``, as Discord does mid-run on a
        fatal error (4004 when the token is reset, 4014 for disallowed intents…)."""
        for connection in list(self.connections):
            await connection.close(code, reason)

    def _attach_session(self, session: GatewaySession, connection: GatewayConnection) -> None:
        session.connection = connection
        self._sessions[session.id] = session
        self._identified.append(session)
        old = self._active_sessions.get(session.shard[0])
        if old is not None and old is not session:
            old.ready = False
        self._active_sessions[session.shard[0]] = session

    def _session_ready(self, session: GatewaySession) -> None:
        session.ready = True
        self._notify()

    def _session_for_shard(self, shard_id: int) -> GatewaySession | None:
        return self._active_sessions.get(shard_id)

    def _session_for_guild(self, guild_id: int) -> GatewaySession | None:
        sessions = self.sessions
        if not sessions:
            return None
        count = sessions[0].shard[1]
        return self._session_for_shard((guild_id >> 22) % count)

    def _session_for_channel(self, channel: Channel) -> GatewaySession | None:
        if channel.guild is not None:
            return self._session_for_guild(channel.guild.id)
        return self._session_for_shard(0)

    def _guilds_for_shard(self, shard: tuple[int, int]) -> list[Guild]:
        return [g for g in self.guilds.values() if (g.id >> 22) % shard[1] == shard[0]]

    def _dispatch(self, session: GatewaySession, event: str, data: JSON) -> bool:
        needed = EVENT_INTENTS.get(event)
        if needed is not None and not session.has(needed):
            return False
        session.dispatch(event, data)
        return True

    def _guild_create_payload(self, guild: Guild, session: GatewaySession) -> JSON:
        if session.has(GUILD_PRESENCES):
            members = list(guild.members.values())
        else:  # Discord sends only the bot itself; the rest comes by chunking
            members = [guild.members[self.bot_user.id]]
        return guild.create_payload(members)

    def _bot_user_payload(self) -> JSON:
        data = self.bot_user.payload()
        data.update(verified=True, mfa_enabled=False, flags=0, email=None, locale="en-US")
        return data

    @property
    def application_flags(self) -> int:
        flags = 1 << 23  # APPLICATION_COMMAND_BADGE
        if self.privileged_intents & GUILD_PRESENCES:
            flags |= 1 << 12
        if self.privileged_intents & GUILD_MEMBERS:
            flags |= 1 << 14
        if self.privileged_intents & MESSAGE_CONTENT:
            flags |= 1 << 18
        return flags

    def _application_payload(self) -> JSON:
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

    def _wake_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._notify)

    # --- application commands --------------------------------------------------------

    def commands(self, guild: Guild | None = None) -> list[JSON]:
        """The commands the bot registered, globally or for ``guild``."""
        return list(self._command_list(None if guild is None else guild.id))

    def command(self, name: str, guild: Guild | None = None) -> JSON:
        """A registered chat-input command: the guild's first, then the global one."""
        found = self._find_command(name, guild)
        if found is None:
            raise LookupError(f"no command /{name} registered (guild: {guild and guild.name})")
        return found

    def _command_list(self, guild_id: int | None) -> list[JSON]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.get(guild_id, [])

    def _store_commands(self, payload: list[JSON], guild_id: int | None) -> list[JSON]:
        previous = {(c["name"], c.get("type", 1)): c for c in self._command_list(guild_id)}
        stored: list[JSON] = []
        for command in payload:
            old = previous.get((command["name"], command.get("type", 1)))
            item: JSON = {
                "type": 1,
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                "integration_types": [0],
                "contexts": None,
                **command,
                "id": old["id"] if old else str(self.snowflake()),
                "application_id": str(self.application_id),
                "version": str(self.snowflake()),
            }
            if item["default_member_permissions"] is not None:  # Discord answers a string
                item["default_member_permissions"] = str(int(item["default_member_permissions"]))
            if guild_id is not None:
                item["guild_id"] = str(guild_id)
            stored.append(item)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        self._notify()
        return stored

    def _find_command(self, name: str, guild: Guild | None) -> JSON | None:
        pools = [self.guild_commands.get(guild.id, [])] if guild is not None else []
        pools.append(self.global_commands)
        for pool in pools:
            for command in pool:
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return None

    async def _command_for(self, name: str, channel: Channel, force: bool) -> JSON:
        try:
            return await self.wait_until(
                lambda: self._find_command(name, channel.guild),
                self.command_wait,
                f"the bot to register /{name}",
            )
        except TimeoutError:
            if not force:
                raise LookupError(
                    f"/{name} is not registered (global: "
                    f"{[c['name'] for c in self.global_commands]}, guild: "
                    f"{[c['name'] for c in self._command_list(channel.guild_id)]})"
                ) from None
            return {"id": str(self.snowflake()), "name": name, "options": []}

    def _check_available(self, command: JSON, actor: Member | User, channel: Channel) -> None:
        """What Discord's client enforces before a member can send a command."""
        contexts = command.get("contexts")
        name = command["name"]
        if channel.guild is None:
            if (contexts is not None and 1 not in contexts) or command.get(
                "dm_permission"
            ) is False:
                raise CommandNotAvailable(f"/{name} is not available in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise CommandNotAvailable(f"/{name} is not available in guilds")
        required = command.get("default_member_permissions")
        if required is None or not isinstance(actor, Member):
            return
        permissions = actor.permissions
        if permissions & ADMINISTRATOR:
            return
        needed = int(required)
        if needed == 0 or permissions & needed != needed:
            raise CommandNotAvailable(
                f"{actor.user.username} lacks permissions {needed:#x} for /{name} "
                f"(has {permissions:#x}); pass force=True to send it anyway"
            )

    # --- driving the bot: interactions -----------------------------------------------

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
        words = command.lstrip("/").split()
        name, path = words[0], words[1:]
        actor = self._actor(member, channel)
        definition = await self._command_for(name, channel, force)
        if not force:
            self._check_available(definition, actor, channel)
        all_values = {**(options or {}), **values}
        resolver = self._resolver(actor)
        if definition.get("options") or not force:
            leaves, nesting = walk_to_subcommand(definition, path)
        else:
            leaves, nesting = [], [(2, w) for w in path[:-1]] + [(1, w) for w in path[-1:]]
        built = build_options(leaves, all_values, resolver, force=force)
        data = self._command_data(definition, wrap_in_subcommands(built, nesting), resolver)
        return await self._send_interaction(
            APPLICATION_COMMAND, actor, channel, data, name=" ".join(words), locale=locale
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
        words = command.lstrip("/").split()
        actor = self._actor(member, channel)
        definition = await self._command_for(words[0], channel, force)
        if not force:
            self._check_available(definition, actor, channel)
        resolver = self._resolver(actor)
        leaves, nesting = walk_to_subcommand(definition, words[1:])
        all_values = {**(options or {}), **values, option: value}
        built = build_options(leaves, all_values, resolver, focused=option, force=force)
        data = self._command_data(definition, wrap_in_subcommands(built, nesting), resolver)
        handle = await self._send_interaction(
            AUTOCOMPLETE, actor, channel, data, name=" ".join(words)
        )
        await handle.response(timeout)
        return list(handle.choices or [])

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
        target = self._message_for_component(message)
        actor = self._actor(member, target.channel)
        component = self._component(target, custom_id, actor, force)
        if component.get("type") != 2 and not force:
            raise InvalidInput(f"{custom_id!r} is not a button (type {component.get('type')})")
        if not force and component.get("style") in (5, 6):
            raise InvalidInput(f"button {custom_id!r} is a link button; it sends no interaction")
        data: JSON = {"custom_id": custom_id, "component_type": 2}
        if component.get("id") is not None:
            data["id"] = component["id"]
        return await self._send_interaction(
            MESSAGE_COMPONENT, actor, target.channel, data, name=custom_id, source_message=target
        )

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
        target = self._message_for_component(message)
        actor = self._actor(member, target.channel)
        component = self._component(target, custom_id, actor, force)
        if component.get("type") not in (3, 5, 6, 7, 8):
            raise InvalidInput(f"{custom_id!r} is not a select menu")
        resolver = self._resolver(actor)
        data: JSON = {
            "custom_id": custom_id,
            "component_type": component["type"],
            "values": select_values(component, values, resolver, force=force),
        }
        if component.get("id") is not None:
            data["id"] = component["id"]
        if resolver.resolved:
            data["resolved"] = resolver.resolved
        return await self._send_interaction(
            MESSAGE_COMPONENT, actor, target.channel, data, name=custom_id, source_message=target
        )

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
        modal = await handle.modal_opened(timeout)
        actor = self._actor(member, handle.channel)
        if actor_user(actor) is not handle.user and not force:
            raise InvalidInput("only the user who opened a modal can submit it")
        if custom_id is not None and not force:
            raise InvalidInput("a modal is submitted under its own custom_id (use force)")
        resolver = self._resolver(actor)
        data: JSON = {
            "custom_id": modal["custom_id"] if custom_id is None else custom_id,
            "components": modal_components(modal, values, resolver, force=force),
        }
        if resolver.resolved:
            data["resolved"] = resolver.resolved
        return await self._send_interaction(
            MODAL_SUBMIT,
            actor,
            handle.channel,
            data,
            name=data["custom_id"],
            source_message=handle.source_message,
        )

    def _command_data(self, definition: JSON, options: list[JSON], resolver: Resolver) -> JSON:
        data: JSON = {
            "id": definition["id"],
            "name": definition["name"],
            "type": 1,
            "options": options,
        }
        if resolver.resolved:
            data["resolved"] = resolver.resolved
        if definition.get("guild_id"):
            data["guild_id"] = definition["guild_id"]
        return data

    def _actor(self, member: Member | User, channel: Channel) -> Member | User:
        guild = channel.guild
        if guild is None:
            return actor_user(member)
        if isinstance(member, Member):
            if member.guild is not guild:
                raise InvalidInput(f"{member.user.username} is not a member of {guild.name}")
            return member
        found = guild.member(member.id)
        if found is None:
            raise InvalidInput(f"{member.username} is not a member of {guild.name}")
        return found

    def _resolver(self, actor: Member | User) -> Resolver:
        return Resolver(
            store_upload=self._store_user_upload,
            permissions_in=self._permissions_in,
            actor=actor,
        )

    def _permissions_in(self, actor: Member | User, channel: Channel) -> int:
        if channel.guild is None:
            return DM_PERMISSIONS
        member = actor if isinstance(actor, Member) else channel.guild.member(actor.id)
        return 0 if member is None else member.permissions

    def _message_for_component(self, message: Message | int) -> Message:
        found = self.messages_by_id.get(message if isinstance(message, int) else message.id)
        if found is None or found.deleted:
            raise InvalidInput(f"message {message!r} does not exist (or was deleted)")
        return found

    def _component(
        self, message: Message, custom_id: str, actor: Member | User, force: bool
    ) -> JSON:
        try:
            component = message.component(custom_id)
        except KeyError:
            raise InvalidInput(
                f"message {message.id} has no component {custom_id!r}; it has "
                f"{message.custom_ids()}"
            ) from None
        if force:
            return component
        if component.get("disabled"):
            raise InvalidInput(f"component {custom_id!r} is disabled")
        if message.ephemeral:
            handle = self.interactions.get(message.interaction_id or 0)
            if handle is None or handle.user is not actor_user(actor):
                raise InvalidInput("an ephemeral message is only visible to its user")
        return component

    async def _send_interaction(
        self,
        type: int,
        actor: Member | User,
        channel: Channel,
        data: JSON,
        *,
        name: str | None = None,
        source_message: Message | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        session = self._session_for_channel(channel)
        if session is None or not session.live:
            raise RuntimeError("the bot is not connected to the fake gateway")
        user = actor_user(actor)
        interaction_id = self.snowflake()
        token = "fake-interaction-" + secrets.token_urlsafe(32)
        channel_data = channel.payload()
        guild = channel.guild
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": type,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "channel": channel_data,
            "channel_id": str(channel.id),
            "entitlements": [],
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild is not None:
            assert isinstance(actor, Member)
            channel_data["permissions"] = str(actor.permissions)
            payload.update(
                guild_id=str(guild.id),
                guild=guild.partial_payload(),
                guild_locale=guild.locale,
                member=actor.payload(with_permissions=True),
                app_permissions=str(guild.members[self.bot_user.id].permissions),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                app_permissions=str(DM_PERMISSIONS),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if source_message is not None:
            payload["message"] = source_message.payload()
        handle = InteractionHandle(
            fake=self,
            id=interaction_id,
            token=token,
            type=type,
            user=user,
            member=actor if isinstance(actor, Member) else None,
            channel=channel,
            payload=payload,
            name=name,
            source_message=source_message,
            created_at=self._loop_time(),
        )
        self.interactions[interaction_id] = handle
        self._interactions_by_token[token] = handle
        session.dispatch("INTERACTION_CREATE", payload)
        if session.connection is not None:
            await session.connection.drain()
        return handle

    # --- driving the bot: messages ---------------------------------------------------

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
        session = self._session_for_channel(channel)
        if session is None or not session.live:
            raise RuntimeError("the bot is not connected to the fake gateway")
        actor = self._actor(author, channel)
        user = actor_user(actor)
        if mention_bot and not re.search(rf"<@!?{self.bot_user.id}>", content):
            content = f"{self.bot_user.mention} {content}".rstrip()
        message = Message(
            self.snowflake(),
            channel,
            user,
            content=content,
            embeds=list(embeds),
            member=actor if isinstance(actor, Member) else None,
            type=19 if reply_to is not None else 0,
            origin="user",
            nonce=str(self.snowflake()),
        )
        if reply_to is not None:
            message.message_reference = self._reference(reply_to)
            message.referenced = reply_to
        message.attachments = [self._store_user_upload(u, channel) for u in attachments]
        self._compute_mentions(message, None)
        self._remember(message)
        self._message_event("MESSAGE_CREATE", message)
        await self.flush()
        return message

    def _reference(self, message: Message) -> JSON:
        reference: JSON = {
            "type": 0,
            "message_id": str(message.id),
            "channel_id": str(message.channel.id),
        }
        if message.guild_id is not None:
            reference["guild_id"] = str(message.guild_id)
        return reference

    # --- observing -------------------------------------------------------------------

    def messages(
        self,
        channel: Channel | None = None,
        *,
        author: User | Member | None = None,
        include_deleted: bool = False,
    ) -> list[Message]:
        """Stored messages in creation order (ephemeral ones included)."""
        found = self._messages
        if channel is not None:
            found = [m for m in found if m.channel is channel]
        if author is not None:
            user = actor_user(author)
            found = [m for m in found if m.author is user]
        if not include_deleted:
            found = [m for m in found if not m.deleted]
        return list(found)

    def bot_messages(self, channel: Channel | None = None) -> list[Message]:
        return self.messages(channel, author=self.bot_user)

    def get_message(self, message_id: int) -> Message:
        return self.messages_by_id[message_id]

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

        def find() -> Message | None:
            for message in self._messages:
                if message.id in self._consumed_messages or message.author is not self.bot_user:
                    continue
                if message.origin == "interaction" and not include_interactions:
                    continue
                if message.loading or (channel is not None and message.channel is not channel):
                    continue
                if predicate is None or predicate(message):
                    return message
            return None

        message = await self.wait_until(find, timeout, "a message from the bot")
        self._consumed_messages.add(message.id)
        return message

    def find_requests(
        self,
        method: str | None = None,
        path: str | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests; ``path`` is a regex matched against the whole API path."""
        pattern = None if path is None else re.compile(path)
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.fullmatch(r.path))
            and (predicate is None or predicate(r))
        ]

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

        def find() -> RecordedRequest | None:
            for request in self.find_requests(method, path_regex, predicate):
                if request.index not in self._consumed_requests and request.status:
                    return request
            return None

        request = await self.wait_until(find, timeout, f"{method} {path_regex}")
        self._consumed_requests.add(request.index)
        return request

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

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _loop_time(self) -> float:
        return asyncio.get_running_loop().time()

    # --- messages the bot sends ------------------------------------------------------

    def _remember(self, message: Message) -> None:
        self.messages_by_id[message.id] = message
        self._messages.append(message)
        self._touch(message)

    def _touch(self, message: Message) -> None:
        self._stamp += 1
        message.stamp = self._stamp
        self._notify()

    def _interaction_message(
        self,
        handle: InteractionHandle,
        data: JSON,
        files: list[UploadedFile],
        *,
        loading: bool,
    ) -> Message:
        metadata: JSON = {
            "id": str(handle.id),
            "type": handle.type,
            "user": handle.user.payload(),
            "authorizing_integration_owners": handle.payload["authorizing_integration_owners"],
        }
        if handle.original is not None and handle.original is not handle.source_message:
            metadata["original_response_message_id"] = str(handle.original.id)
        if handle.source_message is not None:
            metadata["interacted_message_id"] = str(handle.source_message.id)
        if handle.type == APPLICATION_COMMAND:
            metadata["name"] = handle.name
            metadata["command_type"] = 1
        return self._create_message(
            handle.channel,
            data,
            files,
            flags_mask=INTERACTION_FLAGS,
            origin="interaction",
            loading=loading,
            message_type=20 if handle.type == APPLICATION_COMMAND else 0,
            interaction=handle,
            metadata=metadata,
        )

    def _create_message(
        self,
        channel: Channel,
        payload: JSON,
        files: list[UploadedFile],
        *,
        flags_mask: int,
        origin: str,
        loading: bool = False,
        message_type: int = 0,
        interaction: InteractionHandle | None = None,
        metadata: JSON | None = None,
    ) -> Message:
        flags = int(payload.get("flags") or 0) & flags_mask
        if loading:
            flags = (flags & FLAG_EPHEMERAL) | FLAG_LOADING
        else:
            check_message(payload, new_files=len(files), keeps_attachments=False, creating=True)
        message = Message(
            self.snowflake(), channel, self.bot_user, flags=flags, type=message_type, origin=origin
        )
        reference = payload.get("message_reference")
        if reference and not loading:
            referenced = self.messages_by_id.get(int(reference.get("message_id") or 0))
            if referenced is None or referenced.deleted or referenced.ephemeral:
                if reference.get("fail_if_not_exists", True):
                    errors = FormErrors()
                    errors.add(
                        "message_reference",
                        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                        "Unknown message",
                    )
                    errors.raise_if_any()
            else:
                message.message_reference = self._reference(referenced)
                message.referenced = referenced
                message.type = 19
        if interaction is not None:
            message.webhook_id = self.application_id
            message.application_id = self.application_id
            message.interaction_id = interaction.id
            message.interaction_metadata = metadata
        message.attachments = self._attachments(
            channel, payload, files, [], ephemeral=bool(flags & FLAG_EPHEMERAL)
        )
        if not loading:
            message.content = payload.get("content") or ""
            message.embeds = _normalize_embeds(payload.get("embeds") or [])
            message.components = _with_component_ids(payload.get("components") or [])
            message.tts = bool(payload.get("tts"))
            message.nonce = payload.get("nonce")
            message.poll = payload.get("poll")
        message.allowed_mentions = payload.get("allowed_mentions")
        self._compute_mentions(message, message.allowed_mentions, bot_message=True)
        self._remember(message)
        if self.echo_bot_messages:
            self._message_event("MESSAGE_CREATE", message)
        return message

    def _edit_message(self, message: Message, payload: JSON, files: list[UploadedFile]) -> Message:
        if message.deleted:
            raise not_found("Message", UNKNOWN_MESSAGE)
        content = (payload.get("content") or "") if "content" in payload else message.content
        embeds = (
            _normalize_embeds(payload.get("embeds") or [])
            if "embeds" in payload
            else message.embeds
        )
        components = (
            _with_component_ids(payload.get("components") or [])
            if "components" in payload
            else message.components
        )
        flags = message.flags & ~FLAG_LOADING
        if payload.get("flags") is not None:
            changeable = FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2
            flags = (flags & ~changeable) | (int(payload["flags"]) & changeable)
        attachments = self._attachments(
            message.channel, payload, files, message.attachments, ephemeral=message.ephemeral
        )
        check_message(
            {"content": content, "embeds": embeds, "components": components, "flags": flags},
            new_files=0,
            keeps_attachments=bool(attachments),
            creating=True,
        )
        if not message.loading:
            message.edited_timestamp = now_iso()
        message.content, message.embeds, message.components = content, embeds, components
        message.flags = flags
        message.attachments = attachments
        if "allowed_mentions" in payload:
            message.allowed_mentions = payload["allowed_mentions"]
        self._compute_mentions(message, message.allowed_mentions, bot_message=True)
        message.revision += 1
        self._touch(message)
        if self.echo_bot_messages:
            self._message_event("MESSAGE_UPDATE", message)
        return message

    def _delete_message(self, message: Message) -> None:
        message.deleted = True
        self._touch(message)
        if self.echo_bot_messages or message.author is not self.bot_user:
            self._message_event("MESSAGE_DELETE", message)

    def _message_event(self, event: str, message: Message) -> bool:
        """Send MESSAGE_CREATE/UPDATE/DELETE if the bot's intents let it see it."""
        if message.ephemeral:
            return False
        session = self._session_for_channel(message.channel)
        if session is None:
            return False
        in_guild = message.channel.guild is not None
        if not session.has(GUILD_MESSAGES if in_guild else DIRECT_MESSAGES):
            if message.origin == "user":
                _log.warning("the bot's intents do not let it receive %s in this channel", event)
            return False
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": str(message.id), "channel_id": str(message.channel.id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
        else:
            data = message.payload(gateway=True)
            hidden = (
                in_guild
                and message.author is not self.bot_user
                and not session.has(MESSAGE_CONTENT)
                and self.bot_user not in message.mentions
            )
            if hidden:
                data.update(content="", embeds=[], attachments=[], components=[])
                data.pop("poll", None)
        session.dispatch(event, data)
        return True

    def _compute_mentions(
        self, message: Message, allowed: JSON | None, *, bot_message: bool = False
    ) -> None:
        """Who the message pings, under ``allowed_mentions`` (absent: everything)."""
        parse = ["users", "roles", "everyone"] if allowed is None else allowed.get("parse") or []
        listed_users = set() if allowed is None else {str(u) for u in allowed.get("users") or []}
        listed_roles = set() if allowed is None else {str(r) for r in allowed.get("roles") or []}
        mentions: list[User] = []
        for raw in USER_MENTION.findall(message.content):
            user = self.users.get(int(raw))
            if (
                user is not None
                and user not in mentions
                and ("users" in parse or raw in listed_users)
            ):
                mentions.append(user)
        replied_user = True if allowed is None else bool(allowed.get("replied_user"))
        if message.referenced is not None and replied_user:
            author = message.referenced.author
            if author not in mentions and not (bot_message and author is self.bot_user):
                mentions.append(author)
        guild = message.channel.guild
        roles: list[int] = []
        for raw in ROLE_MENTION.findall(message.content):
            if guild is not None and int(raw) in guild.roles and int(raw) not in roles:
                if "roles" in parse or raw in listed_roles:
                    roles.append(int(raw))
        message.mentions = mentions
        message.mention_roles = roles
        message.mention_everyone = "everyone" in parse and bool(
            re.search(r"@(everyone|here)\b", message.content)
        )

    def _attachments(
        self,
        channel: Channel,
        payload: JSON,
        files: list[UploadedFile],
        existing: list[StoredAttachment],
        *,
        ephemeral: bool,
    ) -> list[StoredAttachment]:
        if sum(len(f.data) for f in files) > self.attachment_size_limit:
            raise DiscordAPIError(413, 40005, "Request entity too large")
        uploads = {f.index: f for f in files if f.index is not None}
        described = payload.get("attachments")
        used: set[int] = set()
        result: list[StoredAttachment] = []
        if described is None:
            result = list(existing)
        else:
            by_id = {str(a.id): a for a in existing}
            errors = FormErrors()
            for i, item in enumerate(described):
                key = str(item.get("id"))
                if key in by_id:
                    result.append(by_id[key])
                elif key.isdigit() and int(key) in uploads:
                    upload = uploads[int(key)]
                    used.add(int(key))
                    result.append(
                        self._store(
                            channel,
                            item.get("filename") or upload.filename,
                            upload.data,
                            upload.content_type,
                            description=item.get("description"),
                            ephemeral=ephemeral,
                        )
                    )
                else:
                    errors.add(f"attachments.{i}.id", "ATTACHMENT_NOT_FOUND", "Unknown attachment")
            errors.raise_if_any()
        for upload in files:
            if upload.index not in used:
                result.append(
                    self._store(
                        channel,
                        upload.filename,
                        upload.data,
                        upload.content_type,
                        ephemeral=ephemeral,
                    )
                )
        if len(result) > 10:
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body")
        return result

    def _store(
        self,
        channel: Channel,
        filename: str,
        data: bytes,
        content_type: str | None,
        *,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> StoredAttachment:
        attachment_id = self.snowflake()
        if content_type in (None, "application/octet-stream"):
            content_type = guess_content_type(filename) or content_type
        attachment = StoredAttachment(
            id=attachment_id,
            filename=filename,
            data=data,
            url=f"{self.base_url}/attachments/{channel.id}/{attachment_id}/{filename}",
            content_type=content_type,
            description=description,
            ephemeral=ephemeral,
        )
        self.attachments[attachment_id] = attachment
        return attachment

    def _store_user_upload(
        self, upload: Upload, channel: Channel | None = None
    ) -> StoredAttachment:
        return self._store(
            channel or Channel(0, "uploads"),
            upload.filename,
            upload.data,
            upload.content_type,
            ephemeral=channel is None,
        )

    # --- HTTP ------------------------------------------------------------------------

    async def _on_request(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/" and request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._gateway(request)
        record = await self._record(request)
        status: int = 404
        body: Any = {"message": "Unknown", "code": 0}
        try:
            if request.path.startswith(API_PREFIX + "/"):
                status, body = await self._api(record)
            elif request.method == "GET" and request.path.startswith("/attachments/"):
                return self._attachment_response(record)
            else:
                record.handled = False
        except DiscordAPIError as error:
            status, body = error.status, error.body()
        except Exception as error:  # a bug in the fake: fail loudly, and not with a 5xx
            _log.exception("fakediscord: %s %s crashed", record.method, record.path)
            status, body = 400, {"message": f"fakediscord crashed: {error!r}", "code": 0}
        if not record.handled:
            _log.warning("fakediscord: no endpoint for %s %s", record.method, record.raw_path)
        record.status, record.response = status, body
        self._notify()
        if body is None and status < 300:
            return web.Response(status=204)
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )

    async def _api(self, record: RecordedRequest) -> tuple[int, Any]:
        found = self._rest.match(record.method, record.path)
        if found is None:
            record.handled = False
            return 404, {"message": "Unknown", "code": 0}
        route, args = found
        if route.auth and record.headers.get("Authorization") != f"Bot {self.token}":
            return 401, {"message": "401: Unauthorized", "code": 0}
        result = await route.handler(record, args)
        return (200 if result is not None else 204), result

    def _attachment_response(self, record: RecordedRequest) -> web.Response:
        parts = record.raw_path.split("/")
        attachment = None
        if len(parts) >= 4 and parts[3].isdigit():
            attachment = self.attachments.get(int(parts[3]))
        if attachment is None:
            record.status = 404
            return web.Response(status=404, text="Not Found")
        record.status = 200
        self._notify()
        return web.Response(
            body=attachment.data,
            headers={"Content-Type": attachment.content_type or "application/octet-stream"},
        )

    async def _record(self, request: web.Request) -> RecordedRequest:
        raw_path = request.path
        path = raw_path[len(API_PREFIX) :] if raw_path.startswith(API_PREFIX + "/") else raw_path
        body: Any = None
        files: list[UploadedFile] = []
        multipart = request.content_type.startswith("multipart/")
        if multipart:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files.append(
                        UploadedFile(name, value.filename, value.content_type, value.file.read())
                    )
                elif name == "payload_json":
                    body = json.loads(str(value))
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
        record = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path=path,
            raw_path=raw_path,
            query=dict(request.query),
            headers=CIMultiDict(request.headers),
            json=body,
            files=files,
            multipart=multipart,
        )
        self.requests.append(record)
        return record

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, timeout=2.0)
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        connection = GatewayConnection(self, ws, request.query.get("compress"))
        self.connections.append(connection)
        try:
            if request.query.get("encoding", "json") != "json":
                await connection.close(4002, "Only encoding=json is supported by the fake")
            else:
                await connection.serve()
        finally:
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
            await connection.shutdown()
            self.connections.remove(connection)
            self._notify()
        return ws


def actor_user(actor: Member | User) -> User:
    return actor.user if isinstance(actor, Member) else actor


def _normalize_embeds(embeds: list[JSON]) -> list[JSON]:
    """As Discord stores them: a type, and every field's inline flag."""
    normalized = []
    for embed in embeds:
        item = {"type": "rich", **embed}
        if "fields" in item:
            item["fields"] = [{"inline": False, **fld} for fld in item["fields"]]
        normalized.append(item)
    return normalized


def _with_component_ids(components: list[JSON]) -> list[JSON]:
    """Discord numbers every component of a message that has no id yet."""
    copied: list[JSON] = json.loads(json.dumps(components))
    walked = list(walk_components(copied))
    next_id = max((c["id"] for c in walked if isinstance(c.get("id"), int)), default=0) + 1
    for component in walked:
        if component.get("id") is None:
            component["id"] = next_id
            next_id += 1
    return copied
