"""Who may moderate: members with Manage Server, or the configured moderator role."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands


class NotModerator(app_commands.CheckFailure):
    """The member has neither Manage Server nor the moderator role."""


def is_moderator(interaction: discord.Interaction[Any], mod_role_id: int | None) -> bool:
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    # Discord resolves the member's permissions in the payload (administrators included).
    if interaction.permissions.manage_guild:
        return True
    return mod_role_id is not None and member.get_role(mod_role_id) is not None
