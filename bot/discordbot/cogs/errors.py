"""The one place errors become replies: commands, autocomplete, buttons and views.

Precedence: an interaction Discord has already expired gets no reply (it cannot); then,
most specific first, the rate limit, the moderator check, other check failures, the
service's errors (validation problems listed; NotFound, Forbidden and any other
FactbotError by their message); anything else is unexpected: logged with its traceback
under an error id that the user also sees in a short apology.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import NotModerator
from bot.discordbot.client import INTERACTION_ERROR_EVENT, FactBot
from bot.discordbot.failures import apology, log_unexpected
from bot.discordbot.replies import cooldown_text, echo, notice, problems_text
from bot.errors import FactbotError, Forbidden, NotFound, ValidationError

log = logging.getLogger(__name__)

# Discord's code for an interaction answered too late (after 3 s) or twice.
UNKNOWN_INTERACTION = 10062


def user_message(error: Exception) -> str | None:
    """The short message for an error the user can understand, else None."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return cooldown_text(error.retry_after)
    if isinstance(error, NotModerator):
        return "Only moderators can do that: members with Manage Server or the moderator role."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    if isinstance(error, ValidationError):
        return problems_text(error.problems)
    if isinstance(error, NotFound | Forbidden | FactbotError):
        # The service writes these messages for users; echo() defuses what they typed.
        return echo(str(error))
    if isinstance(error, app_commands.TransformerError):
        return f"That value doesn't fit: {echo(str(error.value))[:100]}"
    return None


class ErrorHandler(commands.Cog):
    def __init__(self, bot: FactBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        tree = self.bot.tree
        self._previous_handler = tree.on_error
        tree.error(self.on_app_command_error)

    async def cog_unload(self) -> None:
        self.bot.tree.error(self._previous_handler)

    async def on_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        await self.handle(interaction, error)

    @commands.Cog.listener(f"on_{INTERACTION_ERROR_EVENT}")
    async def on_interaction_error(
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        await self.handle(interaction, error)

    async def handle(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
            log.warning("Interaction %s expired before it was answered", interaction.id)
            return
        text = user_message(error)
        if interaction.type is discord.InteractionType.autocomplete:
            # Autocomplete cannot show a message; the user just sees no choices.
            if text is None:
                log_unexpected(error, _where(interaction))
            return
        if text is None:
            text = apology(log_unexpected(error, _where(interaction)))
        try:
            await notice(interaction, text)
        except discord.HTTPException as reply_error:
            log.warning("Could not tell the user about an error: %s", reply_error)


def _where(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction {interaction.type.name}"


async def setup(bot: FactBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
