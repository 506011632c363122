"""The one place errors become replies: the command tree's `on_error`, which the views,
modals, buttons and listeners the bot owns route their errors to as well."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import NotModerator
from bot.discordbot.failures import apology, log_unexpected
from bot.discordbot.replies import cooldown_text, echo, notice, problems_text
from bot.errors import FactbotError, ValidationError

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
    if isinstance(error, FactbotError):
        # The service writes these messages for users; echo() defuses what they typed.
        return echo(str(error))
    if isinstance(error, app_commands.TransformerError):
        return f"That value doesn't fit: {echo(str(error.value))[:100]}"
    return None


class FactTree(app_commands.CommandTree[discord.Client]):
    """The bot's command tree (`tree_cls`), whose `on_error` every error of an interaction
    reaches: commands' through discord.py, the others' through `report_error`."""

    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: Exception, /
    ) -> None:
        """Say what went wrong, in this order of precedence:

        1. an interaction Discord has already expired gets no reply (it cannot take one);
           a warning is logged;
        2. the ask rate: when the user may ask again;
        3. the moderator check: who may moderate;
        4. any other check (a server-only command in a DM, say): that it does not work here;
        5. the service's errors: validation problems listed, NotFound, Forbidden and any
           other FactbotError by their message; a value no transformer takes, as such;
        6. anything else is unexpected: logged with its traceback under an error id that
           the user also sees in a short apology.

        Autocomplete cannot show a message: there only an unexpected error is logged.
        """
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
            log.warning("Interaction %s expired before it was answered", interaction.id)
            return
        text = user_message(error)
        if interaction.type is discord.InteractionType.autocomplete:
            if text is None:
                log_unexpected(error, _where(interaction))
            return
        if text is None:
            text = apology(log_unexpected(error, _where(interaction)))
        try:
            await notice(interaction, text)
        except discord.HTTPException as reply_error:
            log.warning("Could not tell the user about an error: %s", reply_error)


async def report_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Send an error from outside a command (a view, a modal, a button, a listener) down
    the tree's one error path; discord.py would only log it."""
    client = interaction.client
    # BotBase: what commands.Bot and the AutoShardedBot the bot is have in common.
    tree = client.tree if isinstance(client, commands.bot.BotBase) else None
    if isinstance(tree, FactTree):
        await tree.on_error(interaction, error)
    else:
        log_unexpected(error, _where(interaction))


class FactView(discord.ui.View):
    """The base of the bot's views: their errors take the tree's path."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)


class FactModal(discord.ui.Modal):
    """The base of the bot's modals: their errors take the tree's path."""

    # discord.py's Modal drops the view's `item` argument; its stubs disagree with BaseView.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error)


def _where(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction {interaction.type.name}"
