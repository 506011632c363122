"""The bot's gateway sessions, one per shard, and which session an event goes to.

Discord sends a guild's events to shard ``(guild_id >> 22) % shard_count`` and
DMs to shard 0, and leaves out events (or message content) the session's
intents do not cover; ``Shards`` does the same for every event the fake sends.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web

from .gateway import (
    DIRECT_MESSAGES,
    EVENT_INTENTS,
    GUILD_MESSAGES,
    GUILD_PRESENCES,
    MESSAGE_CONTENT,
    RECONNECT,
    GatewayConnection,
    GatewaySession,
)
from .models import JSON, Channel, Guild
from .records import Message
from .state import DiscordState

_log = logging.getLogger(__name__)


class Shards:
    """Every gateway connection and session the bot opened, and event routing."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state
        self.settings = state.settings
        self.connections: list[GatewayConnection] = []
        self.gateway_queries: list[dict[str, str]] = []  # each connection's query string
        self.sessions_by_id: dict[str, GatewaySession] = {}  # every session, for RESUME
        self._identified: list[GatewaySession] = []
        self._by_shard: dict[int, GatewaySession] = {}

    # --- connections -----------------------------------------------------------------

    async def accept(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one gateway websocket until it closes."""
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
            self.state.notify()
        return ws

    async def close_all(self, code: int, reason: str = "") -> None:
        for connection in list(self.connections):
            await connection.close(code, reason)

    async def flush(self) -> None:
        """Until everything queued on the gateway sockets is written."""
        for connection in list(self.connections):
            await connection.drain()

    async def reconnect(self, timeout: float) -> None:
        """Send every shard op 7; until each has RESUMEd."""
        before = {session.id: session.resumed for session in self.sessions}
        for session in self.sessions:
            if session.connection is not None:
                session.connection.send({"op": RECONNECT, "d": None})
        await self.state.wait_until(
            lambda: all(
                s.resumed > before.get(s.id, 0) and s.live and s.ready for s in self.sessions
            ),
            timeout,
            "the bot to resume its gateway session",
        )

    # --- sessions --------------------------------------------------------------------

    @property
    def sessions(self) -> list[GatewaySession]:
        """The current session of each shard."""
        return list(self._by_shard.values())

    @property
    def identify_payload(self) -> JSON | None:
        """The `d` of the latest IDENTIFY."""
        return self._identified[-1].identify if self._identified else None

    @property
    def all_connected(self) -> bool:
        sessions = self.sessions
        if not sessions:
            return False
        expected = sessions[0].shard[1]
        return len(sessions) == expected and all(s.live and s.ready for s in sessions)

    def shard_connected(self, shard_id: int) -> bool:
        session = self.for_shard(shard_id)
        return session is not None and session.live and session.ready

    async def wait_connected(self, timeout: float, shard_ids: Sequence[int] | None) -> None:
        """Until every shard (or each of ``shard_ids``) is connected."""
        if shard_ids is None:
            await self.state.wait_until(
                lambda: self.all_connected, timeout, "the bot to connect to the gateway"
            )
            return
        await self.state.wait_until(
            lambda: all(self.shard_connected(shard_id) for shard_id in shard_ids),
            timeout,
            f"shard(s) {list(shard_ids)} to connect to the gateway",
        )

    def attach(self, session: GatewaySession, connection: GatewayConnection) -> None:
        """A new session (IDENTIFY) takes over its shard."""
        session.connection = connection
        self.sessions_by_id[session.id] = session
        self._identified.append(session)
        old = self._by_shard.get(session.shard[0])
        if old is not None and old is not session:
            old.ready = False
        self._by_shard[session.shard[0]] = session

    def mark_ready(self, session: GatewaySession) -> None:
        session.ready = True
        self.state.notify()

    def for_shard(self, shard_id: int) -> GatewaySession | None:
        return self._by_shard.get(shard_id)

    def for_guild(self, guild_id: int) -> GatewaySession | None:
        sessions = self.sessions
        if not sessions:
            return None
        count = sessions[0].shard[1]
        return self.for_shard((guild_id >> 22) % count)

    def for_channel(self, channel: Channel) -> GatewaySession | None:
        if channel.guild is not None:
            return self.for_guild(channel.guild.id)
        return self.for_shard(0)

    def live_session_for(self, channel: Channel) -> GatewaySession:
        """The session a user's action in ``channel`` reaches the bot on."""
        session = self.for_channel(channel)
        if session is None or not session.live:
            raise RuntimeError("the bot is not connected to the fake gateway")
        return session

    # --- events ----------------------------------------------------------------------

    def dispatch(self, session: GatewaySession, event: str, data: JSON) -> bool:
        """Send ``event`` unless the session's intents leave it out."""
        needed = EVENT_INTENTS.get(event)
        if needed is not None and not session.has(needed):
            return False
        session.dispatch(event, data)
        return True

    def guild_event(self, guild: Guild, event: str, data: JSON) -> None:
        """A change in a guild the bot is in, to the shard that owns it."""
        if guild.id not in self.state.guilds:
            return
        session = self.for_guild(guild.id)
        if session is not None:
            self.dispatch(session, event, data)

    def guild_joined(self, guild: Guild) -> None:
        """GUILD_CREATE for a guild added while the bot is connected."""
        session = self.for_guild(guild.id)
        if session is not None:
            self.dispatch(session, "GUILD_CREATE", self.guild_create_payload(guild, session))

    def guild_create_payload(self, guild: Guild, session: GatewaySession) -> JSON:
        if session.has(GUILD_PRESENCES):
            members = list(guild.members.values())
        else:  # Discord sends only the bot itself; the rest comes by chunking
            members = [guild.members[self.state.bot_user.id]]
        return guild.create_payload(members)

    def message_event(self, event: str, message: Message) -> bool:
        """Send MESSAGE_CREATE/UPDATE/DELETE if the bot's intents let it see it."""
        if message.ephemeral:
            return False
        session = self.for_channel(message.channel)
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
            bot_user = self.state.bot_user
            hidden = (
                in_guild
                and message.author is not bot_user
                and not session.has(MESSAGE_CONTENT)
                and bot_user not in message.mentions
            )
            if hidden:
                data.update(content="", embeds=[], attachments=[], components=[])
                data.pop("poll", None)
        session.dispatch(event, data)
        return True
