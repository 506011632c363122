"""The REST API under /api/v10: the endpoints a bot built on discord.py calls.

Each handler gets the recorded request and the path's named groups and returns
the JSON to answer with (``None`` for 204), or raises ``DiscordAPIError``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from .models import (
    ATTACH_FILES,
    DM_CHANNEL,
    FLAG_LOADING,
    JSON,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Message,
    RecordedRequest,
)
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

if TYPE_CHECKING:
    from .server import FakeDiscord

Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[Any]]

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool = True


class RestAPI:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        snowflake = r"(?P<{}>\d+)"
        token = r"(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler, bool]] = [
            ("GET", "/users/@me", self.get_me, True),
            ("GET", f"/users/{snowflake.format('user_id')}", self.get_user, True),
            ("POST", "/users/@me/channels", self.create_dm, True),
            ("GET", "/gateway", self.get_gateway, False),
            ("GET", "/gateway/bot", self.get_gateway_bot, True),
            ("GET", "/oauth2/applications/@me", self.get_application, True),
            ("GET", "/applications/@me", self.get_application, True),
            (
                "GET",
                f"/applications/{snowflake.format('app_id')}/commands",
                self.get_commands,
                True,
            ),
            (
                "PUT",
                f"/applications/{snowflake.format('app_id')}/commands",
                self.put_commands,
                True,
            ),
            (
                "GET",
                f"/applications/{snowflake.format('app_id')}/guilds/"
                f"{snowflake.format('guild_id')}/commands",
                self.get_commands,
                True,
            ),
            (
                "PUT",
                f"/applications/{snowflake.format('app_id')}/guilds/"
                f"{snowflake.format('guild_id')}/commands",
                self.put_commands,
                True,
            ),
            (
                "POST",
                f"/interactions/{snowflake.format('interaction_id')}/{token}/callback",
                self.interaction_callback,
                False,
            ),
            (
                "GET",
                f"/webhooks/{snowflake.format('app_id')}/{token}/messages/(?P<message_id>@original|\\d+)",
                self.get_webhook_message,
                False,
            ),
            (
                "PATCH",
                f"/webhooks/{snowflake.format('app_id')}/{token}/messages/(?P<message_id>@original|\\d+)",
                self.edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                f"/webhooks/{snowflake.format('app_id')}/{token}/messages/(?P<message_id>@original|\\d+)",
                self.delete_webhook_message,
                False,
            ),
            (
                "POST",
                f"/webhooks/{snowflake.format('app_id')}/{token}",
                self.create_followup,
                False,
            ),
            ("GET", f"/channels/{snowflake.format('channel_id')}", self.get_channel, True),
            (
                "POST",
                f"/channels/{snowflake.format('channel_id')}/messages",
                self.create_message,
                True,
            ),
            (
                "GET",
                f"/channels/{snowflake.format('channel_id')}/messages/{snowflake.format('message_id')}",
                self.get_message,
                True,
            ),
            (
                "PATCH",
                f"/channels/{snowflake.format('channel_id')}/messages/{snowflake.format('message_id')}",
                self.edit_message,
                True,
            ),
            (
                "DELETE",
                f"/channels/{snowflake.format('channel_id')}/messages/{snowflake.format('message_id')}",
                self.delete_message,
                True,
            ),
            (
                "PUT",
                f"/channels/{snowflake.format('channel_id')}/messages/"
                f"{snowflake.format('message_id')}/reactions/(?P<emoji>[^/]+)/@me",
                self.add_reaction,
                True,
            ),
            ("POST", f"/channels/{snowflake.format('channel_id')}/typing", self.typing, True),
            ("GET", f"/guilds/{snowflake.format('guild_id')}", self.get_guild, True),
            (
                "GET",
                f"/guilds/{snowflake.format('guild_id')}/members/{snowflake.format('user_id')}",
                self.get_member,
                True,
            ),
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
        return self.fake._bot_user_payload()

    async def get_user(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        user = self.fake.users.get(int(args["user_id"]))
        if user is None:
            raise not_found("User", 10013)
        return user.payload()

    async def create_dm(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        user = self.fake.users.get(int((req.json or {}).get("recipient_id") or 0))
        if user is None:
            raise not_found("User", 10013)
        return self.fake.dm_channel(user).payload()

    async def get_gateway(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        return {"url": self.fake.advertised_gateway_url or self.fake.gateway_url}

    async def get_gateway_bot(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        return {
            "url": self.fake.advertised_gateway_url or self.fake.gateway_url,
            "shards": self.fake.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    async def get_application(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        return self.fake._application_payload()

    # --- application commands -------------------------------------------------------

    def _check_app(self, args: dict[str, str]) -> int | None:
        if int(args["app_id"]) != self.fake.application_id:
            raise not_found("Application", 10002)
        guild_id = args.get("guild_id")
        if guild_id is None:
            return None
        if int(guild_id) not in self.fake.guilds:
            raise DiscordAPIError(403, 50001, "Missing Access")
        return int(guild_id)

    async def get_commands(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild_id = self._check_app(args)
        return self.fake._command_list(guild_id)

    async def put_commands(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild_id = self._check_app(args)
        payload = req.json
        if not isinstance(payload, list):
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body")
        _check_commands(payload)
        return self.fake._store_commands(payload, guild_id)

    # --- interactions ---------------------------------------------------------------

    def _handle(self, token: str) -> InteractionHandle:
        handle = self.fake._interactions_by_token.get(token)
        if handle is None:
            raise not_found("Webhook", UNKNOWN_WEBHOOK)
        return handle

    async def interaction_callback(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        handle = self.fake.interactions.get(int(args["interaction_id"]))
        if handle is None or handle.token != args["token"]:
            raise not_found("interaction", UNKNOWN_INTERACTION)
        try:
            return self._callback(handle, req)
        except DiscordAPIError as error:
            handle.rejected.append(error)
            raise

    def _callback(self, handle: InteractionHandle, req: RecordedRequest) -> Any:
        fake = self.fake
        if handle.callback is not None:
            raise DiscordAPIError(
                400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
            )
        if fake._loop_time() - handle.created_at > fake.interaction_deadline:
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
            message = fake._interaction_message(handle, data, req.files, loading=False)
            handle.original = message
        elif callback_type == DEFERRED_CHANNEL_MESSAGE:
            message = fake._interaction_message(handle, data, [], loading=True)
            handle.original = message
        elif callback_type == DEFERRED_UPDATE_MESSAGE:
            handle.original = handle.source_message
        elif callback_type == UPDATE_MESSAGE:
            assert handle.source_message is not None
            message = fake._edit_message(handle.source_message, data, req.files)
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
        message = self.fake.messages_by_id.get(int(message_id))
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
        return self.fake._edit_message(message, body, req.files).payload()

    async def delete_webhook_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        handle = self._handle(args["token"])
        self.fake._delete_message(self._webhook_target(handle, args["message_id"]))
        return None

    async def create_followup(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        if int(args["app_id"]) != self.fake.application_id:
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
            message = self.fake._edit_message(original, body, req.files)
        else:
            message = self.fake._interaction_message(handle, body, req.files, loading=False)
        handle.followup_messages.append(message)
        if req.query.get("wait") in ("1", "true", "True"):
            return message.payload()
        return None

    # --- channels and messages ------------------------------------------------------

    def _channel(self, args: dict[str, str]) -> Channel:
        channel = self.fake.channels.get(int(args["channel_id"]))
        if channel is None:
            raise not_found("Channel", UNKNOWN_CHANNEL)
        return channel

    def _message(self, channel: Channel, args: dict[str, str]) -> Message:
        message = self.fake.messages_by_id.get(int(args["message_id"]))
        if message is None or message.deleted or message.channel is not channel:
            raise not_found("Message", UNKNOWN_MESSAGE)
        if message.ephemeral:
            raise not_found("Message", UNKNOWN_MESSAGE)
        return message

    def _require(self, channel: Channel, permissions: int, code: int = MISSING_PERMISSIONS) -> None:
        if channel.guild is None:
            return
        me = channel.guild.member(self.fake.bot_user.id)
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
        message = self.fake._create_message(
            channel, body, req.files, flags_mask=(1 << 2) | (1 << 12), origin="channel"
        )
        return message.payload()

    async def get_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        self._require(channel, VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        return self._message(channel, args).payload()

    async def edit_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        message = self._message(channel, args)
        if message.author is not self.fake.bot_user:
            raise DiscordAPIError(403, 50005, "Cannot edit a message authored by another user")
        body = req.json if isinstance(req.json, dict) else {}
        return self.fake._edit_message(message, body, req.files).payload()

    async def delete_message(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        channel = self._channel(args)
        message = self._message(channel, args)
        if message.author is not self.fake.bot_user:
            self._require(channel, MANAGE_MESSAGES)
        self.fake._delete_message(message)
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
        guild = self.fake.guilds.get(int(args["guild_id"]))
        if guild is None:
            raise not_found("Guild", 10004)
        data = guild.create_payload([])
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            data.pop(key, None)
        return data

    async def get_member(self, req: RecordedRequest, args: dict[str, str]) -> Any:
        guild = self.fake.guilds.get(int(args["guild_id"]))
        if guild is None:
            raise not_found("Guild", 10004)
        member = guild.member(int(args["user_id"]))
        if member is None:
            raise not_found("Member", 10007)
        return member.payload()


def _check_commands(commands: list[Any]) -> None:
    """The registration rules Discord enforces and discord.py does not check itself."""
    errors = FormErrors()
    seen: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        if not isinstance(command, dict):
            errors.add(str(i), "DICT_TYPE_CONVERT", "Only dictionaries may be used")
            continue
        command_type = command.get("type", 1)
        name = command.get("name") or ""
        key = (name, command_type)
        if key in seen:
            errors.add(f"{i}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
        seen.add(key)
        if command_type == 1:
            if not COMMAND_NAME.match(name) or name != name.lower():
                errors.add(f"{i}.name", "APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
            description = command.get("description") or ""
            if not 1 <= len(description) <= 100:
                errors.add(f"{i}.description", "BASE_TYPE_BAD_LENGTH", "Must be 1 to 100")
            _check_options(errors, f"{i}.options", command.get("options") or [])
    errors.raise_if_any()


def _check_options(errors: FormErrors, path: str, options: list[JSON]) -> None:
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    optional_seen = False
    for j, option in enumerate(options):
        name = option.get("name") or ""
        if not COMMAND_NAME.match(name) or name != name.lower():
            errors.add(f"{path}.{j}.name", "APPLICATION_COMMAND_INVALID_NAME", "Invalid name")
        if not 1 <= len(option.get("description") or "") <= 100:
            errors.add(f"{path}.{j}.description", "BASE_TYPE_BAD_LENGTH", "Must be 1 to 100")
        if option.get("type") in (1, 2):
            _check_options(errors, f"{path}.{j}.options", option.get("options") or [])
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(
                    f"{path}.{j}.required",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        if len(option.get("choices") or []) > 25:
            errors.add(f"{path}.{j}.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
        if option.get("choices") and option.get("autocomplete"):
            errors.add(f"{path}.{j}.autocomplete", "AUTOCOMPLETE_CHOICES", "Not with choices")
