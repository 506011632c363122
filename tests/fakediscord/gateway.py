"""The gateway side: one websocket per shard, sessions that survive a RESUME.

discord.py connects with ``?v=10&encoding=json&compress=zlib-stream`` (or
``zstd-stream`` when a zstd module is installed). zlib-stream is answered as
Discord does: one shared deflate stream, every message ending in a
Z_SYNC_FLUSH marker, sent as binary frames. For anything else the fake sends
plain JSON text frames, which discord.py always accepts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from .models import JSON

if TYPE_CHECKING:
    from .shards import Shards

_log = logging.getLogger(__name__)

# Opcodes.
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE_UPDATE = 3
VOICE_STATE_UPDATE = 4
RESUME = 6
RECONNECT = 7
REQUEST_GUILD_MEMBERS = 8
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

# Intents.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

# Which intent an event needs (events not listed are always sent).
EVENT_INTENTS: dict[str, int] = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
}


@dataclass(eq=False)
class GatewaySession:
    """What IDENTIFY starts and RESUME continues."""

    id: str
    identify: JSON
    shard: tuple[int, int]
    seq: int = 0
    log: list[JSON] = field(default_factory=list)
    connection: GatewayConnection | None = None
    resumed: int = 0
    ready: bool = False  # READY (or RESUMED) and what follows it are written

    @property
    def intents(self) -> int:
        return int(self.identify.get("intents") or 0)

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)

    @property
    def live(self) -> bool:
        return self.connection is not None and not self.connection.ws.closed

    def dispatch(self, event: str, data: Any) -> JSON:
        """Send an event (op 0) with the next sequence number; kept for a RESUME replay."""
        self.seq += 1
        payload: JSON = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.log.append(payload)
        del self.log[:-1000]
        if self.connection is not None:
            self.connection.send(payload)
        return payload


class GatewayConnection:
    """One websocket; writes go through a queue so they keep their order."""

    def __init__(self, shards: Shards, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.shards = shards
        self.settings = shards.settings
        self.ws = ws
        self.compress = compress
        self.session: GatewaySession | None = None
        self.received: list[JSON] = []
        self.heartbeats = 0
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._queue: asyncio.Queue[JSON | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write_loop(), name="fakediscord-gateway-writer")
        # A close asked for while `serve` reads is carried out by `serve` itself (see close).
        self._close_request: asyncio.Future[tuple[int, str]] = (
            asyncio.get_running_loop().create_future()
        )
        self._serving: asyncio.Task[Any] | None = None
        self._served = asyncio.Event()

    # --- sending -----------------------------------------------------------------

    def send(self, payload: JSON) -> None:
        self._queue.put_nowait(payload)

    async def drain(self) -> None:
        await self._queue.join()

    async def _write_loop(self) -> None:
        while True:
            payload = await self._queue.get()
            try:
                if payload is None:
                    return
                if self.ws.closed:
                    continue
                text = json.dumps(payload, separators=(",", ":"))
                try:
                    if self._zlib is not None:
                        data = self._zlib.compress(text.encode()) + self._zlib.flush(
                            zlib.Z_SYNC_FLUSH
                        )
                        await self.ws.send_bytes(data)
                    else:
                        await self.ws.send_str(text)
                except (ConnectionError, RuntimeError, aiohttp.ClientConnectionResetError):
                    _log.debug("gateway write failed; socket closing")
            finally:
                self._queue.task_done()

    async def close(self, code: int = 1000, message: str = "") -> None:
        """Close as Discord does: the Close frame, then the TCP connection once the client
        has answered it (or after the socket's timeout).

        aiohttp drops the connection at once when another task is in receive(); a client
        whose answer then fails reads the close as 1006, a network error it reconnects
        after, instead of the code sent. So the task reading (`serve`) does the closing.
        """
        serving = self._serving
        if serving is None or serving is asyncio.current_task() or self._served.is_set():
            await self._close_now(code, message)
            return
        if not self._close_request.done():
            self._close_request.set_result((code, message))
        await self._served.wait()

    async def _close_now(self, code: int, message: str) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.close(code=code, message=message.encode())

    async def shutdown(self) -> None:
        """Stop the writer task (the socket is closed or closing)."""
        if not self._writer.done():
            self._queue.put_nowait(None)
            try:
                await asyncio.wait_for(self._writer, timeout=1.0)
            except (TimeoutError, asyncio.CancelledError):
                self._writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._writer

    # --- receiving ---------------------------------------------------------------

    async def serve(self) -> None:
        self._serving = asyncio.current_task()
        try:
            self.send(
                {
                    "op": HELLO,
                    "d": {
                        "heartbeat_interval": int(self.settings.heartbeat_interval * 1000),
                        "_trace": ["fakediscord"],
                    },
                }
            )
            while (msg := await self._receive()) is not None:
                if msg.type is aiohttp.WSMsgType.TEXT:
                    await self._handle(json.loads(msg.data))
                elif msg.type is aiohttp.WSMsgType.BINARY:
                    await self.close(4002, "Decode error")
                else:  # closed, closing, or an error
                    break
        finally:
            self._served.set()

    async def _receive(self) -> aiohttp.WSMessage | None:
        """The next message, or None once a close asked for meanwhile is done."""
        receiving = asyncio.ensure_future(self.ws.receive())
        either: set[asyncio.Future[Any]] = {receiving, self._close_request}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if receiving.done():
            return receiving.result()
        receiving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await receiving
        # No receive() waits now, so aiohttp's close waits for the client's Close frame.
        await self._close_now(*self._close_request.result())
        return None

    async def _handle(self, payload: JSON) -> None:
        self.received.append(payload)
        self.shards.state.notify()
        op = payload.get("op")
        raw = payload.get("d")
        data: JSON = raw if isinstance(raw, dict) else {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            self.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._identify(data)
        elif op == RESUME:
            await self._resume(data)
        elif op == REQUEST_GUILD_MEMBERS:
            self._request_members(data)
        elif op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
            pass  # recorded in `received`
        else:
            await self.close(4001, "Unknown opcode")

    async def _identify(self, data: JSON) -> None:
        shard = await self._check_identify(data)
        if shard is None:
            return
        session = GatewaySession(id=secrets.token_hex(16), identify=data, shard=shard)
        self.shards.attach(session, self)
        self.session = session
        ready = self._ready_payload(session)
        if "shard" in data:
            ready["shard"] = list(shard)
        session.dispatch("READY", ready)
        if session.has(GUILDS):
            for guild in self.shards.state.guilds_for_shard(shard):
                session.dispatch("GUILD_CREATE", self.shards.guild_create_payload(guild, session))
        await self.drain()
        self.shards.mark_ready(session)

    async def _check_identify(self, data: JSON) -> tuple[int, int] | None:
        """The shard an IDENTIFY asks for, or None after closing as Discord would."""
        settings = self.settings
        if self.session is not None:
            await self.close(4005, "Already authenticated")
            return None
        if data.get("token") != settings.token:
            await self.close(4004, "Authentication failed")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int):
            await self.close(4013, "Invalid intent(s)")
            return None
        if intents & PRIVILEGED_INTENTS & ~settings.privileged_intents:
            await self.close(4014, "Disallowed intent(s)")
            return None
        raw_shard = data.get("shard") or [0, 1]
        shard = (int(raw_shard[0]), int(raw_shard[1]))
        if not 0 <= shard[0] < shard[1]:
            await self.close(4010, "Invalid shard")
            return None
        if len(self.shards.state.guilds_for_shard(shard)) > settings.guilds_per_shard_limit:
            await self.close(4011, "Sharding required")
            return None
        return shard

    def _ready_payload(self, session: GatewaySession) -> JSON:
        state = self.shards.state
        guilds = state.guilds_for_shard(session.shard)
        return {
            "v": 10,
            "user": state.bot_user_payload(),
            "user_settings": {},
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.settings.gateway_url,
            "application": {"id": str(state.application_id), "flags": state.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "_trace": ["fakediscord"],
        }

    async def _resume(self, data: JSON) -> None:
        session = self.shards.sessions_by_id.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.settings.token:
            self.send({"op": INVALID_SESSION, "d": False})
            return
        old = session.connection
        session.connection = self
        self.session = session
        if old is not None and old is not self:
            await old.close(4000, "Session resumed elsewhere")
        seq = int(data.get("seq") or 0)
        for event in list(session.log):
            if event["s"] > seq:
                self.send(event)
        session.resumed += 1
        session.dispatch("RESUMED", {"_trace": ["fakediscord"]})
        await self.drain()
        self.shards.mark_ready(session)

    def _request_members(self, data: JSON) -> None:
        guild = self.shards.state.guilds.get(int(data.get("guild_id") or 0))
        if guild is None or self.session is None:
            return
        query = data.get("query")
        user_ids = {int(user_id) for user_id in data.get("user_ids") or []}
        limit = int(data.get("limit") or 0)
        members = list(guild.members.values())
        if user_ids:
            members = [m for m in members if m.id in user_ids]
        elif query:
            lowered = str(query).lower()
            members = [
                m
                for m in members
                if m.user.username.lower().startswith(lowered)
                or (m.nick or "").lower().startswith(lowered)
            ]
        if limit:
            members = members[:limit]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [member.payload() for member in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if user_ids:
            chunk["not_found"] = [str(i) for i in user_ids - {m.id for m in members}]
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        self.session.dispatch("GUILD_MEMBERS_CHUNK", chunk)
