"""The /fact group, one cog made of its parts by concern: the facts themselves
(moderation.py) and documents with their drafts (documents.py). Discord sees one group;
every part shares its moderator check and its settings."""

from __future__ import annotations

from discord import app_commands

from bot.discordbot.client import FactBot
from bot.discordbot.cogs.documents import DocumentCommands
from bot.discordbot.cogs.moderation import Moderation


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # when no moderator role is set
class FactCommands(
    DocumentCommands,
    Moderation,
    group_name="fact",
    group_description=Moderation.__cog_group_description__,
):
    """/fact: every moderator command."""


async def setup(bot: FactBot) -> None:
    await bot.add_cog(FactCommands(bot))
