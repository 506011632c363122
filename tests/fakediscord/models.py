"""The fake Discord's world: users, guilds, roles, channels, members and their permissions.

Every object renders itself as the JSON payload Discord would send (``payload()``),
so the REST handlers and the gateway build their answers from one source of truth.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

import discord

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits, from discord.py so they can never drift from the library's.
ALL_PERMISSIONS: int = discord.Permissions.all().value
ADMINISTRATOR: int = discord.Permissions(administrator=True).value
VIEW_CHANNEL: int = discord.Permissions(view_channel=True).value
SEND_MESSAGES: int = discord.Permissions(send_messages=True).value
ATTACH_FILES: int = discord.Permissions(attach_files=True).value
READ_MESSAGE_HISTORY: int = discord.Permissions(read_message_history=True).value
MANAGE_MESSAGES: int = discord.Permissions(manage_messages=True).value

# The bot's managed role, unless a test gives it others (see FakeDiscord.add_guild).
DEFAULT_BOT_PERMISSIONS: int = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    use_external_emojis=True,
    use_application_commands=True,
).value

# @everyone by default: the bot's permissions, plus invites, nicknames and voice.
DEFAULT_EVERYONE_PERMISSIONS: int = (
    DEFAULT_BOT_PERMISSIONS
    | discord.Permissions(
        create_instant_invite=True, change_nickname=True, connect=True, speak=True
    ).value
)

# Channel types.
TEXT_CHANNEL = 0
DM_CHANNEL = 1
VOICE_CHANNEL = 2
CATEGORY_CHANNEL = 4
NEWS_CHANNEL = 5


def now_iso() -> str:
    """The current time as Discord writes timestamps."""
    return datetime.datetime.now(datetime.UTC).isoformat()


class Snowflakes:
    """Increasing Discord-style ids whose timestamp part is the current time."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, stamp)
        return self._last

    def on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id of a guild that shard ``shard_id`` of ``shard_count`` owns: Discord
        sends a guild's events to shard ``(guild_id >> 22) % shard_count``."""
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"there is no shard {shard_id} of {shard_count}")
        candidate = self()
        millis = candidate >> 22
        if millis % shard_count != shard_id:
            # A few milliseconds ahead: the ids after it stay increasing all the same.
            millis += (shard_id - millis) % shard_count
            candidate = millis << 22
            self._last = candidate
        return candidate


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "bot": self.bot,
        }


@dataclass(eq=False)
class Role:
    id: int
    guild: Guild
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>" if self.id != self.guild.id else "@everyone"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    type: int = TEXT_CHANNEL
    guild: Guild | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    recipients: list[User] = field(default_factory=list)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def guild_id(self) -> int | None:
        return None if self.guild is None else self.guild.id

    def payload(self) -> JSON:
        if self.type == DM_CHANNEL:
            return {
                "id": str(self.id),
                "type": DM_CHANNEL,
                "last_message_id": None,
                "flags": 0,
                "recipients": [user.payload() for user in self.recipients],
            }
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "nsfw": self.nsfw,
            "flags": 0,
        }
        if self.guild is not None:
            data["guild_id"] = str(self.guild.id)
        if self.type in (TEXT_CHANNEL, NEWS_CHANNEL):
            data.update(topic=self.topic, last_message_id=None, rate_limit_per_user=0)
        elif self.type == VOICE_CHANNEL:
            data.update(bitrate=64000, user_limit=0, rtc_region=None, last_message_id=None)
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    @property
    def permissions(self) -> int:
        """Guild-level permissions: @everyone and the member's roles; owners and admins get all."""
        if self.user.id == self.guild.owner_id:
            return ALL_PERMISSIONS
        value = self.guild.everyone.permissions
        for role in self.roles:
            value |= role.permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def has(self, permissions: int) -> bool:
        return self.permissions & permissions == permissions

    def payload(self, *, with_user: bool = True, with_permissions: bool = False) -> JSON:
        data: JSON = {
            "roles": [str(role.id) for role in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


def actor_user(actor: Member | User) -> User:
    """The user behind a member (or the user itself)."""
    return actor.user if isinstance(actor, Member) else actor


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int = 0
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"
    joined_at: str = field(default_factory=now_iso)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def owner(self) -> Member:
        return self.members[self.owner_id]

    def member(self, user_id: int) -> Member | None:
        return self.members.get(user_id)

    def channel(self, name: str) -> Channel:
        """The channel of that name (for readable tests)."""
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no channel named {name!r} in guild {self.name!r}")

    def role(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role named {name!r} in guild {self.name!r}")

    def partial_payload(self) -> JSON:
        """The short `guild` object carried by interactions."""
        return {"id": str(self.id), "locale": self.locale, "features": []}

    def create_payload(self, members: list[Member]) -> JSON:
        """The GUILD_CREATE payload, carrying the given members."""
        system_channel = next(iter(self.channels.values()), None)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale,
            "system_channel_id": None if system_channel is None else str(system_channel.id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [channel.payload() for channel in self.channels.values()],
            "threads": [],
            "members": [member.payload() for member in members],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "member_count": len(self.members),
            "large": len(self.members) >= 250,
            "unavailable": False,
            "lazy": True,
            "joined_at": self.joined_at,
        }
