"""Application commands: what the bot registers, and what Discord's client lets a user send.

``PUT .../commands`` is checked against the registration rules Discord enforces
(and discord.py does not check itself), then stored with the ids Discord adds.
"""

from __future__ import annotations

import re
from typing import Any

from .models import ADMINISTRATOR, JSON, Channel, Guild, Member, User
from .options import InvalidInput
from .state import DiscordState
from .validation import FormErrors

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
CHAT_INPUT = 1


class CommandNotAvailable(InvalidInput):
    """Discord's client would not offer this command to this member (permissions, context)."""


class CommandRegistry:
    """The global commands and each guild's, as the bot last registered them."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}

    def registered(self, guild_id: int | None) -> list[JSON]:
        """The global commands (``guild_id`` None) or a guild's."""
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.get(guild_id, [])

    def store(self, payload: list[JSON], guild_id: int | None) -> list[JSON]:
        """Replace the global or a guild's commands (a bulk overwrite); what Discord answers."""
        previous = {(c["name"], c.get("type", CHAT_INPUT)): c for c in self.registered(guild_id)}
        stored = [
            self._stored(
                command, previous.get((command["name"], command.get("type", CHAT_INPUT))), guild_id
            )
            for command in payload
        ]
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        self.state.notify()
        return stored

    def _stored(self, command: JSON, old: JSON | None, guild_id: int | None) -> JSON:
        """One command as Discord stores it: defaults filled in, ids kept across updates."""
        snowflake = self.state.snowflake
        item: JSON = {
            "type": CHAT_INPUT,
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "integration_types": [0],
            "contexts": None,
            **command,
            "id": old["id"] if old else str(snowflake()),
            "application_id": str(self.state.application_id),
            "version": str(snowflake()),
        }
        if item["default_member_permissions"] is not None:  # Discord answers a string
            item["default_member_permissions"] = str(int(item["default_member_permissions"]))
        if guild_id is not None:
            item["guild_id"] = str(guild_id)
        return item

    def find(self, name: str, guild: Guild | None) -> JSON | None:
        """A chat-input command: the guild's first, then the global one."""
        pools = [self.guild_commands.get(guild.id, [])] if guild is not None else []
        pools.append(self.global_commands)
        for pool in pools:
            for command in pool:
                if command["name"] == name and command.get("type", CHAT_INPUT) == CHAT_INPUT:
                    return command
        return None

    async def wait_for(self, name: str, channel: Channel, force: bool) -> JSON:
        """The command a user in ``channel`` would send, once the bot has registered it.

        With ``force``, a command the bot never registered is sent all the same.
        """
        try:
            return await self.state.wait_until(
                lambda: self.find(name, channel.guild),
                self.state.settings.command_wait,
                f"the bot to register /{name}",
            )
        except TimeoutError:
            if not force:
                raise LookupError(
                    f"/{name} is not registered (global: "
                    f"{[c['name'] for c in self.global_commands]}, guild: "
                    f"{[c['name'] for c in self.registered(channel.guild_id)]})"
                ) from None
            return {"id": str(self.state.snowflake()), "name": name, "options": []}


def check_available(command: JSON, actor: Member | User, channel: Channel) -> None:
    """What Discord's client enforces before a member can send a command."""
    contexts = command.get("contexts")
    name = command["name"]
    if channel.guild is None:
        if (contexts is not None and 1 not in contexts) or command.get("dm_permission") is False:
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


def check_registration(commands: list[Any]) -> None:
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
