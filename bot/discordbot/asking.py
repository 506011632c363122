"""Replies to questions, and the "did you mean" buttons that keep working after a restart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.discordbot.client import FactBot, factbot
from bot.discordbot.replies import (
    BUTTON_LABEL_LIMIT,
    MESSAGE_LIMIT,
    NO_PINGS,
    Reply,
    answer_embed,
    clip,
    cooldown_text,
    echo,
    in_time,
    notice,
    related_embed,
)
from bot.discordbot.tree import FactView, report_error
from bot.models import GLOBAL, ArticleInfo, AskResult, Suggestion

MAX_SUGGESTIONS = 3
PICK_PREFIX = "factbot:pick:"


def ask_reply(result: AskResult, article: ArticleInfo) -> Reply:
    """The reply to a question, for each of the service's outcomes."""
    if result.outcome == "answered":
        return Reply(embed=answer_embed(result, article))
    if result.outcome == "suggest":
        text = f"I'm not sure what you mean by “{echo(result.question)}”. Did you mean…"
        return Reply(content=clip(text, MESSAGE_LIMIT), view=suggestion_view(result.suggestions))
    if result.outcome == "help":
        return Reply(content=pointed(result.message, "See `/help` for the commands."))
    if result.related:
        return Reply(embed=related_embed(result, article))
    return Reply(content=pointed(result.message, "See `/about` for what I cover."))


def pointed(message: str, pointer: str) -> str:
    """The service's message, escaped (it names the outlets of moderators' documents) and
    cut to leave room for `pointer` within Discord's 2,000 characters."""
    return f"{clip(echo(message), MESSAGE_LIMIT - len(pointer) - 1)} {pointer}"


def suggestion_view(suggestions: Sequence[Suggestion]) -> discord.ui.View:
    view = FactView(timeout=None)
    for suggestion in suggestions[:MAX_SUGGESTIONS]:
        view.add_item(PickButton(suggestion.fact_id, suggestion.question))
    return view


class PickButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    # The fact id lives in the custom_id, so any old message's buttons still work.
    template=re.escape(PICK_PREFIX) + r"(?P<fact_id>[a-z0-9][a-z0-9-]{0,79})",
):
    def __init__(self, fact_id: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PICK_PREFIX}{fact_id}",
            )
        )
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickButton:
        label = getattr(item, "label", None) or match["fact_id"]
        return cls(match["fact_id"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        # A dynamic item answers in a view discord.py makes, not a FactView: route its
        # errors to the tree here.
        try:
            await self._answer(interaction, factbot(interaction))
        except Exception as error:
            await report_error(interaction, error)

    async def _answer(self, interaction: discord.Interaction[Any], bot: FactBot) -> None:
        retry_after = bot.ask_limiter.retry_after(interaction.user.id)
        if retry_after is not None:
            await notice(interaction, cooldown_text(retry_after))
            return
        result = await in_time(
            interaction,
            bot.service.answer_fact(self.fact_id, interaction.guild_id or GLOBAL),
            ephemeral=False,
            thinking=False,  # a slow answer still replaces the question, not a new message
        )
        # Replace the question with its answer, so the channel keeps one message.
        answer = answer_embed(result, bot.service.knowledge.article)
        if interaction.response.is_done():
            await interaction.edit_original_response(
                content=None, embed=answer, view=None, allowed_mentions=NO_PINGS
            )
        else:
            await interaction.response.edit_message(
                content=None, embed=answer, view=None, allowed_mentions=NO_PINGS
            )
