"""Asking: /ask with autocomplete, and questions put to the bot by mentioning it."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.asking import PickButton, ask_reply
from bot.discordbot.client import FactBot, FactInteraction, factbot
from bot.discordbot.failures import apology, log_unexpected
from bot.discordbot.replies import (
    CHOICE_LIMIT,
    NO_PINGS,
    Reply,
    ask_description,
    cooldown_text,
    in_time,
    mention_help,
    respond,
)
from bot.models import GLOBAL
from bot.settings import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)


def within_ask_rate(interaction: discord.Interaction[discord.Client]) -> bool:
    """The shared per-user rate, as an app command check (its error is CommandOnCooldown)."""
    limiter = factbot(interaction).ask_limiter
    retry_after = limiter.retry_after(interaction.user.id)
    if retry_after is not None:
        raise app_commands.CommandOnCooldown(limiter.cooldown, retry_after)
    return True


class Ask(commands.Cog):
    def __init__(self, bot: FactBot) -> None:
        self.bot = bot
        self.service = bot.service
        # Which article is asked about is known once the knowledge is loaded, not before.
        self.ask.description = ask_description(bot.service.knowledge.article)
        self.max_question_chars = bot.settings.max_question_chars
        # The option's length as the settings say (the declared one is the default); a
        # new parameter, as the class's command shares its parameters with this copy.
        parameters = self.ask._params
        parameters["question"] = dataclasses.replace(
            parameters["question"], max_value=self.max_question_chars
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PickButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PickButton)

    @app_commands.command(description="Ask about the article")
    @app_commands.describe(question="Your question about the article, in your own words")
    @app_commands.check(within_ask_rate)
    async def ask(
        self,
        interaction: FactInteraction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        result = await in_time(
            interaction, self.service.ask(question, interaction.guild_id or GLOBAL), ephemeral=False
        )
        await respond(
            interaction, ask_reply(result, self.service.knowledge.article), ephemeral=False
        )

    @ask.autocomplete("question")
    async def question_choices(
        self, interaction: FactInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        questions = await self.service.suggest_questions(
            current, interaction.guild_id or GLOBAL, 25
        )
        return [
            app_commands.Choice(name=q[:CHOICE_LIMIT], value=q[:CHOICE_LIMIT])
            for q in questions
            if q.strip()
        ]

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or me not in message.mentions:
            return
        try:
            reply = await self._mention_reply(message, me)
            await message.reply(mention_author=False, **reply.kwargs())
        except discord.HTTPException as error:
            # Typically no permission to send in that channel: nothing more to do.
            log.warning("Could not answer a mention in channel %s: %s", message.channel.id, error)
        except Exception as error:
            error_id = log_unexpected(error, "a mention")
            with contextlib.suppress(discord.HTTPException):
                await message.reply(
                    apology(error_id), mention_author=False, allowed_mentions=NO_PINGS
                )

    async def _mention_reply(self, message: discord.Message, me: discord.ClientUser) -> Reply:
        article = self.service.knowledge.article
        question = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        if not question:
            return Reply(content=mention_help(article))
        retry_after = self.bot.ask_limiter.retry_after(message.author.id)
        if retry_after is not None:
            return Reply(content=cooldown_text(retry_after))
        guild_id = message.guild.id if message.guild else GLOBAL
        result = await self.service.ask(question[: self.max_question_chars], guild_id)
        return ask_reply(result, article)


async def setup(bot: FactBot) -> None:
    await bot.add_cog(Ask(bot))
