"""What was sent: messages, their attachments, users' uploads, and the HTTP requests.

Like the world's models, each renders the JSON payload Discord would send (``payload()``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import discord

from .models import JSON, Channel, Member, User, now_iso

# Message flags.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15


@dataclass(eq=False)
class StoredAttachment:
    """A file the fake holds and serves at ``url`` (uploads by the bot or by test users)."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type is not None:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


def guess_content_type(filename: str) -> str | None:
    guessed, _ = mimetypes.guess_type(filename)
    if guessed is not None and guessed.startswith("text/"):
        return f"{guessed}; charset=utf-8"
    return guessed


@dataclass(frozen=True)
class Upload:
    """A file a test user attaches (an attachment option, a message attachment, a modal upload)."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(eq=False)
class Message:
    """A message as the fake stores it; bot messages record everything the bot asked for."""

    id: int
    channel: Channel
    author: User
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    allowed_mentions: JSON | None = None
    message_reference: JSON | None = None
    referenced: Message | None = None
    mentions: list[User] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    member: Member | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    interaction_id: int | None = None
    reactions: list[str] = field(default_factory=list)  # emoji the bot added
    origin: str = "user"  # "user" (posted by a test), "channel" (bot, REST), "interaction"
    nonce: str | int | None = None
    poll: JSON | None = None
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    deleted: bool = False
    revision: int = 0  # bumped on every edit; see FakeDiscord's change order in `stamp`
    stamp: int = 0

    @property
    def channel_id(self) -> int:
        return self.channel.id

    @property
    def guild_id(self) -> int | None:
        return self.channel.guild_id

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred ("thinking…") interaction response not yet filled in."""
        return bool(self.flags & FLAG_LOADING)

    @property
    def embed(self) -> JSON | None:
        return self.embeds[0] if self.embeds else None

    def discord_embeds(self) -> list[discord.Embed]:
        return [discord.Embed.from_dict(embed) for embed in self.embeds]

    def text(self) -> str:
        """Content plus every embed's visible text, for loose assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts.append(embed.get("title") or "")
            parts.append(embed.get("description") or "")
            for fld in embed.get("fields") or []:
                parts.append(fld.get("name") or "")
                parts.append(fld.get("value") or "")
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        for component in self.walk_components():
            if component.get("type") == 10:
                parts.append(component.get("content") or "")
        return "\n".join(part for part in parts if part)

    def walk_components(self) -> Iterator[JSON]:
        yield from walk_components(self.components)

    def component(self, custom_id: str) -> JSON:
        for component in self.walk_components():
            if component.get("custom_id") == custom_id:
                return component
        raise KeyError(f"message {self.id} has no component with custom_id {custom_id!r}")

    def buttons(self) -> list[JSON]:
        return [c for c in self.walk_components() if c.get("type") == 2]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.walk_components() if "custom_id" in c]

    def attachment(self, filename: str) -> StoredAttachment:
        for attachment in self.attachments:
            if attachment.filename == filename:
                return attachment
        raise KeyError(f"message {self.id} has no attachment named {filename!r}")

    def payload(self, *, gateway: bool = False) -> JSON:
        """The message object; gateway events also carry guild_id and the author's member."""
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel.id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [self._mention_payload(user) for user in self.mentions],
            "mention_roles": [str(role_id) for role_id in self.mention_roles],
            "attachments": [attachment.payload() for attachment in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.poll is not None:
            data["poll"] = self.poll
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
            if self.referenced is not None:
                data["referenced_message"] = (
                    None if self.referenced.deleted else self.referenced.payload()
                )
        if gateway and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            if self.member is not None:
                data["member"] = self.member.payload(with_user=False)
        return data

    def _mention_payload(self, user: User) -> JSON:
        data = user.payload()
        guild = self.channel.guild
        member = None if guild is None else guild.member(user.id)
        if member is not None:
            data["member"] = member.payload(with_user=False)
        return data


def walk_components(components: list[JSON]) -> Iterator[JSON]:
    """Every component, depth first, through action rows, sections, containers and labels."""
    for component in components:
        yield component
        children = list(component.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                children.append(component[key])
        yield from walk_components(children)


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    field: str
    filename: str
    content_type: str | None
    data: bytes

    @property
    def index(self) -> int | None:
        """N for a part named ``files[N]``."""
        if self.field.startswith("files[") and self.field.endswith("]"):
            try:
                return int(self.field[6:-1])
            except ValueError:
                return None
        return None


@dataclass(eq=False)
class RecordedRequest:
    """One HTTP request the fake received, with what it answered."""

    index: int
    method: str
    path: str  # without the /api/v10 prefix for API calls
    raw_path: str
    query: dict[str, str]
    headers: Mapping[str, str]  # case-insensitive
    json: Any = None  # the JSON body, or the parsed payload_json of a multipart body
    files: list[UploadedFile] = field(default_factory=list)
    multipart: bool = False
    status: int = 0
    response: Any = None
    handled: bool = True

    @property
    def authorization(self) -> str | None:
        return self.headers.get("Authorization")

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"
