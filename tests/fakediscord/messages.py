"""Messages the bot creates, edits and deletes, stored as Discord stores them.

Discord keeps only the flags a route allows, resolves replies, works out whom a
message pings under ``allowed_mentions``, numbers components and fills in embed
defaults; ``MessageWriter`` does the same, then sends the gateway event the bot
would get for its own message.
"""

from __future__ import annotations

import json
import re

from .attachments import Attachments
from .interactions import APPLICATION_COMMAND, InteractionHandle
from .models import JSON, Channel, User, now_iso
from .records import (
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
    Message,
    UploadedFile,
    walk_components,
)
from .shards import Shards
from .state import DiscordState
from .validation import UNKNOWN_MESSAGE, FormErrors, check_message, not_found

# The flags a bot may set on a message, by route.
INTERACTION_FLAGS = (
    FLAG_SUPPRESS_EMBEDS | FLAG_EPHEMERAL | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_COMPONENTS_V2
)
CHANNEL_MESSAGE_FLAGS = FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS
EDITABLE_FLAGS = FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2

REPLY = 19
CHAT_INPUT_COMMAND = 20
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


class MessageWriter:
    def __init__(self, state: DiscordState, shards: Shards, attachments: Attachments) -> None:
        self.state = state
        self.shards = shards
        self.attachments = attachments

    def for_interaction(
        self,
        handle: InteractionHandle,
        data: JSON,
        files: list[UploadedFile],
        *,
        loading: bool,
    ) -> Message:
        """A response or followup; ``loading`` for a "thinking…" deferral."""
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
        return self.create(
            handle.channel,
            data,
            files,
            flags_mask=INTERACTION_FLAGS,
            origin="interaction",
            loading=loading,
            message_type=CHAT_INPUT_COMMAND if handle.type == APPLICATION_COMMAND else 0,
            interaction=handle,
            metadata=metadata,
        )

    def create(
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
        """A message by the bot (``origin`` "channel" or "interaction")."""
        state = self.state
        flags = int(payload.get("flags") or 0) & flags_mask
        if loading:
            flags = (flags & FLAG_EPHEMERAL) | FLAG_LOADING
        else:
            check_message(payload, new_files=len(files), keeps_attachments=False, creating=True)
        message = Message(
            state.snowflake(),
            channel,
            state.bot_user,
            flags=flags,
            type=message_type,
            origin=origin,
        )
        if not loading:
            self._reply_to(message, payload.get("message_reference"))
        if interaction is not None:
            message.webhook_id = state.application_id
            message.application_id = state.application_id
            message.interaction_id = interaction.id
            message.interaction_metadata = metadata
        message.attachments = self.attachments.for_message(
            channel, payload, files, [], ephemeral=bool(flags & FLAG_EPHEMERAL)
        )
        if not loading:
            message.content = payload.get("content") or ""
            message.embeds = normalize_embeds(payload.get("embeds") or [])
            message.components = with_component_ids(payload.get("components") or [])
            message.tts = bool(payload.get("tts"))
            message.nonce = payload.get("nonce")
            message.poll = payload.get("poll")
        message.allowed_mentions = payload.get("allowed_mentions")
        self.compute_mentions(message, message.allowed_mentions, bot_message=True)
        state.remember(message)
        if state.settings.echo_bot_messages:
            self.shards.message_event("MESSAGE_CREATE", message)
        return message

    def _reply_to(self, message: Message, reference: JSON | None) -> None:
        """Make ``message`` a reply, as its ``message_reference`` asks."""
        if not reference:
            return
        referenced = self.state.messages_by_id.get(int(reference.get("message_id") or 0))
        if referenced is None or referenced.deleted or referenced.ephemeral:
            if reference.get("fail_if_not_exists", True):
                errors = FormErrors()
                errors.add(
                    "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
                errors.raise_if_any()
            return
        message.message_reference = reference_to(referenced)
        message.referenced = referenced
        message.type = REPLY

    def edit(self, message: Message, payload: JSON, files: list[UploadedFile]) -> Message:
        """Apply an edit (REST, webhook, or an UPDATE_MESSAGE callback); fills in a deferral."""
        if message.deleted:
            raise not_found("Message", UNKNOWN_MESSAGE)
        content = (payload.get("content") or "") if "content" in payload else message.content
        embeds = (
            normalize_embeds(payload.get("embeds") or []) if "embeds" in payload else message.embeds
        )
        components = (
            with_component_ids(payload.get("components") or [])
            if "components" in payload
            else message.components
        )
        flags = message.flags & ~FLAG_LOADING
        if payload.get("flags") is not None:
            flags = (flags & ~EDITABLE_FLAGS) | (int(payload["flags"]) & EDITABLE_FLAGS)
        attachments = self.attachments.for_message(
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
        self.compute_mentions(message, message.allowed_mentions, bot_message=True)
        message.revision += 1
        self.state.touch(message)
        if self.state.settings.echo_bot_messages:
            self.shards.message_event("MESSAGE_UPDATE", message)
        return message

    def delete(self, message: Message) -> None:
        message.deleted = True
        self.state.touch(message)
        if self.state.settings.echo_bot_messages or message.author is not self.state.bot_user:
            self.shards.message_event("MESSAGE_DELETE", message)

    def compute_mentions(
        self, message: Message, allowed: JSON | None, *, bot_message: bool = False
    ) -> None:
        """Who the message pings, under ``allowed_mentions`` (absent: everything)."""
        parse = ["users", "roles", "everyone"] if allowed is None else allowed.get("parse") or []
        listed_users = set() if allowed is None else {str(u) for u in allowed.get("users") or []}
        listed_roles = set() if allowed is None else {str(r) for r in allowed.get("roles") or []}
        mentions: list[User] = []
        for raw in USER_MENTION.findall(message.content):
            user = self.state.users.get(int(raw))
            if (
                user is not None
                and user not in mentions
                and ("users" in parse or raw in listed_users)
            ):
                mentions.append(user)
        replied_user = True if allowed is None else bool(allowed.get("replied_user"))
        if message.referenced is not None and replied_user:
            author = message.referenced.author
            if author not in mentions and not (bot_message and author is self.state.bot_user):
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


def reference_to(message: Message) -> JSON:
    """The ``message_reference`` of a reply to ``message``."""
    reference: JSON = {
        "type": 0,
        "message_id": str(message.id),
        "channel_id": str(message.channel.id),
    }
    if message.guild_id is not None:
        reference["guild_id"] = str(message.guild_id)
    return reference


def normalize_embeds(embeds: list[JSON]) -> list[JSON]:
    """As Discord stores them: a type, and every field's inline flag."""
    normalized = []
    for embed in embeds:
        item = {"type": "rich", **embed}
        if "fields" in item:
            item["fields"] = [{"inline": False, **fld} for fld in item["fields"]]
        normalized.append(item)
    return normalized


def with_component_ids(components: list[JSON]) -> list[JSON]:
    """Discord numbers every component of a message that has no id yet."""
    copied: list[JSON] = json.loads(json.dumps(components))
    walked = list(walk_components(copied))
    next_id = max((c["id"] for c in walked if isinstance(c.get("id"), int)), default=0) + 1
    for component in walked:
        if component.get("id") is None:
            component["id"] = next_id
            next_id += 1
    return copied
