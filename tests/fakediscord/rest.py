"""The REST API under /api/v10: the endpoints a bot built on discord.py calls.

Each handler gets the recorded request and the path's named groups and returns
the JSON to answer with (``None`` for 204), or raises ``DiscordAPIError``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .commands import CommandRegistry, check_registration
from .interactions import (
    ALLOWED_CALLBACKS,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MODAL,
    UPDATE_MESSAGE,
    Callback,
    InteractionHandle,
)
from .messages import CHANNEL_MESSAGE_FLAGS, MessageWriter
from .models import (
    ATTACH_FILES,
    DM_CHANNEL,
    JSON,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
)
from .records import FLAG_LOADING, Message, RecordedRequest
from .state import DiscordState
from .validation import (
    ALREADY_ACKNOWLEDGED,
    INVALID_FORM_BODY,
    MISSING_PERMISSIONS,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordAPIError,
    FormErrors,
    check_choices,
    check_modal,
    not_found,
)

Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[Any]]

# Path patterns; the named groups reach the handlers as ``args``.
APPLICATION = r"/applications/(?P<app_id>\d+)"
GUILD_APPLICATION = APPLICATION + r"/guilds/(?P<guild_id>\d+)"
WEBHOOK = r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)"
WEBHOOK_MESSAGE = WEBHOOK + r"/messages/(?P<message_id>@original|\d+)"
CHANNEL = r"/channels/(?P<channel_id>\d+)"
CHANNEL_MESSAGE_PATH = CHANNEL + r"/messages/(?P<message_id>\d+)"
GUILD = r"/guilds/(?P<guild_id>\d+)"

# Whether a route needs ``Authorization: Bot <token>`` (webhooks and callbacks use theirs).
BOT, PUBLIC = True, False


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool = True


class RestAPI:
    def __init__(
        self, state: DiscordState, commands: CommandRegistry, writer: MessageWriter
    ) -> None:
        self.state = state
        self.commands = commands
        self.writer = writer
        table: list[tuple[str, str, Handler, bool]] = [
            ("GET", "/users/@me", self.get_me, BOT),
            ("GET", r"/users/(?P<user_id>\d+)", self.get_user, BOT),
            ("POST", "/users/@me/channels", self.create_dm, BOT),
            ("GET", "/gateway", self.get_gateway, PUBLIC),
            ("GET", "/gateway/bot", self.get_gateway_bot, BOT),
            ("GET", "/oauth2/applications/@me", self.get_application, BOT),
            ("GET", "/applications/@me", self.get_application, BOT),
            ("GET", APPLICATION + "/commands", self.get_commands, BOT),
            ("PUT", APPLICATION + "/commands", self.put_commands, BOT),
            ("GET", GUILD_APPLICATION + "/commands", self.get_commands, BOT),
            ("PUT", GUILD_APPLICATION + "/commands", self.put_commands, BOT),
            (
                "POST",
                r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback",
                self.interaction_callback,
                PUBLIC,
            ),
            ("GET", WEBHOOK_MESSAGE, self.get_webhook_message, PUBLIC),
            ("PATCH", WEBHOOK_MESSAGE, self.edit_webhook_message, PUBLIC),
            ("DELETE", WEBHOOK_MESSAGE, self.delete_webhook_message, PUBLIC),
            ("POST", WEBHOOK, self.create_followup, PUBLIC),
            ("GET", CHANNEL, self.get_channel, BOT),
            ("POST", CHANNEL + "/messages", self.create_message, BOT),
            ("GET", CHANNEL_MESSAGE_PATH, self.get_message, BOT),
            ("PATCH", CHANNEL_MESSAGE_PATH, self.edit_message, BOT),
            ("DELETE", CHANNEL_MESSAGE_PATH, self.delete_message, BOT),
            (
                "PUT",
                CHANNEL_MESSAGE_PATH + r"/reactions/(?P<emoji>[^/]+)/@me",
                self.add_reaction,
                BOT,
            ),
            ("POST", CHANNEL + "/typing", self.typing, BOT),
            ("GET", GUILD, self.get_guild, BOT),
            ("GET", GUILD + r"/members/(?P<user_id>\d+)", self.get_member, BOT),
        ]
        self.routes = [
            Route(method, re.compile(pattern), handler, auth)
            for method, pattern, handler, auth in table
        ]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method == method and (found := route.pattern.fullmatch(path)):
                return route, found.groupdict()
        return None

    # --- login, gateway, application ------------------------------------------

    async def get_me(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        return self.state.bot_user_payload()

    async def get_user(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        user = self.state.users.get(int(args["user_id"]))
        if user is None:
            raise not_found("User", 10013)
        return user.payload()

    async def create_dm(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        user = self.state.users.get(int((req.json or {}).get("recipient_id") or 0))
        if user is None:
            raise not_found("User", 10013)
        return self.state.dm_channel(user).payload()

    async def get_gateway(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        settings = self.state.settings
        return {"url": settings.advertised_gateway_url or settings.gateway_url}

    async def get_gateway_bot(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        settings = self.state.settings
        return {
            "url": settings.advertised_gateway_url or settings.gateway_url,
            "shards": settings.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    async def get_application(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        return self.state.application_payload()

    # --- application commands -------------------------------------------------------

    def _check_app(self, args: dict[str, str]) -> int | None:
        if int(args["app_id"]) != self.state.application_id:
            raise not_found("Application", 10002)
        guild_id = args.get("guild_id")
        if guild_id is None:
            return None
        if int(guild_id) not in self.state.guilds:
            raise DiscordAPIError(403, 50001, "Missing Access")
        return int(guild_id)

    async def get_commands(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild_id = self._check_app(args)
        return self.commands.registered(guild_id)

    async def put_commands(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild_id = self._check_app(args)
        payload = req.json
        if not isinstance(payload, list):
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body")
        check_registration(payload)
        return self.commands.store(payload, guild_id)

    # --- interactions ---------------------------------------------------------------

    def _handle(self, token: str) -> InteractionHandle:
        handle = self.state.interactions_by_token.get(token)
        if handle is None:
            raise not_found("Webhook", UNKNOWN_WEBHOOK)
        return handle

    async def interaction_callback(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        handle = self.state.interactions.get(int(args["interaction_id"]))
        if handle is None or handle.token != args["token"]:
            raise not_found("interaction", UNKNOWN_INTERACTION)
        try:
            return self._callback(handle, req)
        except DiscordAPIError as error:
            handle.rejected.append(error)
            raise

    def _callback(self, handle: InteractionHandle, req: RecordedRequest) -> Any:
        state = self.state
        if handle.callback is not None:
            raise DiscordAPIError(
                400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
            )
        if state.loop_time() - handle.created_at > state.settings.interaction_deadline:
            raise not_found("interaction", UNKNOWN_INTERACTION)
        body = req.json if isinstance(req.json, dict) else {}
        callback_type = int(body.get("type") or 0)
        data: JSON = body.get("data") or {}
        allowed = set(ALLOWED_CALLBACKS.get(handle.type, set()))
        if handle.source_message is None:
            allowed -= {DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}
        if callback_type not in allowed:
            errors = FormErrors()
            errors.add("type", "INTERACTION_CALLBACK_TYPE_INVALID", "Invalid callback type")
            errors.raise_if_any()
        message: Message | None = None
        if callback_type == CHANNEL_MESSAGE:
            message = self.writer.for_interaction(handle, data, req.files, loading=False)
            handle.original = message
        elif callback_type == DEFERRED_CHANNEL_MESSAGE:
            message = self.writer.for_interaction(handle, data, [], loading=True)
            handle.original = message
        elif callback_type == DEFERRED_UPDATE_MESSAGE:
            handle.original = handle.source_message
        elif callback_type == UPDATE_MESSAGE:
            assert handle.source_message is not None
            message = self.writer.edit(handle.source_message, data, req.files)
            handle.original = message
        elif callback_type == AUTOCOMPLETE_RESULT:
            check_choices(data)
            handle.choices = list(data["choices"])
        elif callback_type == MODAL:
            check_modal(data)
            handle.modal = data
        handle.callback = Callback(type=callback_type, data=data, message=message)
        if req.query.get("with_response") not in ("1", "true", "True"):
            return None
        original = handle.original
        result: JSON = {
            "interaction": {
                "id": str(handle.id),
                "type": handle.type,
                "activity_instance_id": None,
                "response_message_id": None if original is None else str(original.id),
                "response_message_loading": callback_type == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(original is not None and original.ephemeral),
            }
        }
        if message is not None:
            result["resource"] = {"type": callback_type, "message": message.payload()}
        return result

    def _webhook_target(self, handle: InteractionHandle, message_id: str) -> Message:
        if handle.callback is None:
            raise not_found("Webhook", UNKNOWN_WEBHOOK)
        if message_id == "@original":
            if handle.original is None or handle.original.deleted:
                raise not_found("Message", UNKNOWN_MESSAGE)
            return handle.original
        message = self.state.messages_by_id.get(int(message_id))
        if message is None or message.deleted:
            raise not_found("Message", UNKNOWN_MESSAGE)
        if message.interaction_id != handle.id and message is not handle.source_message:
            raise not_found("Message", UNKNOWN_MESSAGE)
        return message

    async def get_webhook_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        handle = self._handle(args["token"])
        return self._webhook_target(handle, args["message_id"]).payload()

    async def edit_webhook_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        handle = self._handle(args["token"])
        message = self._webhook_target(handle, args["message_id"])
        body = req.json if isinstance(req.json, dict) else {}
        return self.writer.edit(message, body, req.files).payload()

    async def delete_webhook_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        handle = self._handle(args["token"])
        self.writer.delete(self._webhook_target(handle, args["message_id"]))
        return None

    async def create_followup(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        if int(args["app_id"]) != self.state.application_id:
            raise not_found("Webhook", UNKNOWN_WEBHOOK)
        handle = self._handle(args["token"])
        if handle.callback is None:
            raise not_found("Webhook", UNKNOWN_WEBHOOK)
        body = req.json if isinstance(req.json, dict) else {}
        original = handle.original
        if (
            handle.callback.type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.flags & FLAG_LOADING
            and not original.deleted
        ):
            # The first followup after a "thinking" deferral fills in the deferred message.
            message = self.writer.edit(original, body, req.files)
        else:
            message = self.writer.for_interaction(handle, body, req.files, loading=False)
        handle.followup_messages.append(message)
        if req.query.get("wait") in ("1", "true", "True"):
            return message.payload()
        return None

    # --- channels and messages ------------------------------------------------------

    def _channel(self, args: dict[str, str]) -> Channel:
        channel = self.state.channels.get(int(args["channel_id"]))
        if channel is None:
            raise not_found("Channel", UNKNOWN_CHANNEL)
        return channel

    def _message(self, channel: Channel, args: dict[str, str]) -> Message:
        message = self.state.messages_by_id.get(int(args["message_id"]))
        if message is None or message.deleted or message.channel is not channel:
            raise not_found("Message", UNKNOWN_MESSAGE)
        if message.ephemeral:
            raise not_found("Message", UNKNOWN_MESSAGE)
        return message

    def _require(self, channel: Channel, permissions: int, code: int = MISSING_PERMISSIONS) -> None:
        if channel.guild is None:
            return
        me = channel.guild.member(self.state.bot_user.id)
        if me is None or not me.has(permissions):
            raise DiscordAPIError(403, code, "Missing Permissions")

    async def get_channel(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        return self._channel(args).payload()

    async def create_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        body = req.json if isinstance(req.json, dict) else {}
        needed = VIEW_CHANNEL | SEND_MESSAGES
        if req.files:
            needed |= ATTACH_FILES
        self._require(channel, needed)
        if body.get("message_reference"):
            self._require(channel, READ_MESSAGE_HISTORY, 160002)
        if channel.type == DM_CHANNEL and not channel.recipients:
            raise DiscordAPIError(403, 50007, "Cannot send messages to this user")
        message = self.writer.create(
            channel, body, req.files, flags_mask=CHANNEL_MESSAGE_FLAGS, origin="channel"
        )
        return message.payload()

    async def get_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        self._require(channel, VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        return self._message(channel, args).payload()

    async def edit_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        message = self._message(channel, args)
        if message.author is not self.state.bot_user:
            raise DiscordAPIError(403, 50005, "Cannot edit a message authored by another user")
        body = req.json if isinstance(req.json, dict) else {}
        return self.writer.edit(message, body, req.files).payload()

    async def delete_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        message = self._message(channel, args)
        if message.author is not self.state.bot_user:
            self._require(channel, MANAGE_MESSAGES)
        self.writer.delete(message)
        return None

    async def add_reaction(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        message = self._message(channel, args)
        message.reactions.append(args["emoji"])
        return None

    async def typing(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        self._channel(args)
        return None

    # --- guilds ---------------------------------------------------------------------

    async def get_guild(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild = self.state.guilds.get(int(args["guild_id"]))
        if guild is None:
            raise not_found("Guild", 10004)
        data = guild.create_payload([])
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            data.pop(key, None)
        return data

    async def get_member(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild = self.state.guilds.get(int(args["guild_id"]))
        if guild is None:
            raise not_found("Guild", 10004)
        member = guild.member(int(args["user_id"]))
        if member is None:
            raise not_found("Member", 10007)
        return member.payload()
