"""What the bot knows and how to use it: /about, /sources and /help."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import compose
from bot.discordbot.client import FactBot, FactInteraction
from bot.discordbot.replies import (
    CHOICE_LIMIT,
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    MESSAGE_LIMIT,
    NOTICE_COLOUR,
    TITLE_LIMIT,
    Reply,
    clip,
    clip_lines,
    echo,
    in_time,
    respond,
)
from bot.models import GLOBAL, ArticleInfo, Reach

COMMANDS_TEXT = """\
`/about` — what I know, from which article and which sources.
`/sources [name]` — the sources, or what one source said.

**Moderators** (Manage Server, or the moderator role)
`/fact add` (or `/fact new` for a form), `/fact edit`, `/fact remove`, `/fact restore`, \
`/fact show`, `/fact list`, `/fact history`, `/fact undo`, `/fact unanswered`, \
`/fact attach`, `/fact export`, `/fact import`
"""


def help_text(article: ArticleInfo, reach: Reach | None = None) -> str:
    """/help's text; the line naming the server's outlets (moderators name a document's) is
    escaped, and cut so the whole fits in a message."""

    def text(known: str) -> str:
        return (
            f"**Asking**\n`/ask question:<text>` — ask about {article.topic}. {known}. You "
            f"can also mention me with a question.\n{COMMANDS_TEXT}"
        )

    known = echo(compose.reach_line(reach or Reach.of_article(article)))
    return text(clip(known, MESSAGE_LIMIT - len(text(""))))


class About(commands.Cog):
    def __init__(self, bot: FactBot) -> None:
        self.service = bot.service

    @app_commands.command(description="What I know: the article, its date and the sources")
    async def about(self, interaction: FactInteraction) -> None:
        about = await in_time(
            interaction, self.service.about(interaction.guild_id or GLOBAL), ephemeral=True
        )
        reach = about.reach or Reach.of_article(self.service.knowledge.article)
        embed = discord.Embed(
            title=clip(about.title, TITLE_LIMIT),
            description=clip(about.summary, DESCRIPTION_LIMIT),
            colour=NOTICE_COLOUR,
        )
        embed.add_field(name="Outlet", value=about.outlet, inline=True)
        embed.add_field(name="Date", value=compose.human_date(about.date), inline=True)
        embed.add_field(name="Facts", value=str(about.fact_count), inline=True)
        embed.add_field(
            name="From",
            value=clip(echo(compose.reach_line(reach)), FIELD_VALUE_LIMIT),
            inline=False,
        )
        documents = [
            f"{echo(d.title)} ({echo(d.outlet)}, {compose.human_date(d.date)})"
            for d in about.documents
        ]
        if documents:
            embed.add_field(
                name="Documents", value=clip_lines(documents, FIELD_VALUE_LIMIT), inline=False
            )
        sources = [f"{echo(source.name)} ({count})" for source, count in about.sources]
        embed.add_field(
            name="Sources",
            value=clip_lines(sources, FIELD_VALUE_LIMIT) or "None yet.",
            inline=False,
        )
        embed.add_field(
            name="Keep in mind",
            value=clip(echo(compose.caveat(reach)), FIELD_VALUE_LIMIT),
            inline=False,
        )
        await respond(interaction, Reply(embed=embed), ephemeral=True)

    @app_commands.command(description="The sources and how many facts each; or one source's facts")
    @app_commands.describe(name="A source's name, to see what it said")
    async def sources(self, interaction: FactInteraction, name: str | None = None) -> None:
        guild_id = interaction.guild_id or GLOBAL
        if name is None:
            counts = await in_time(
                interaction, self.service.source_counts(guild_id), ephemeral=True
            )
            lines = [f"**{echo(source.name)}** — {count} fact(s)" for source, count in counts]
            title = "Sources"
        else:
            source, facts = await in_time(
                interaction, self.service.source_facts(name, guild_id), ephemeral=True
            )
            lines = [f"• {echo(fact.statement)}" for fact in facts]
            title = f"What {echo(source.name)} said"
        embed = discord.Embed(
            title=clip(title, TITLE_LIMIT),
            description=clip_lines(lines, DESCRIPTION_LIMIT) or "Nothing yet.",
            colour=NOTICE_COLOUR,
        )
        await respond(interaction, Reply(embed=embed), ephemeral=True)

    @sources.autocomplete("name")
    async def source_choices(
        self, interaction: FactInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.casefold()
        counts = await self.service.source_counts(interaction.guild_id or GLOBAL)
        names = [source.name for source, _ in counts if wanted in source.name.casefold()]
        return [app_commands.Choice(name=n[:CHOICE_LIMIT], value=n[:CHOICE_LIMIT]) for n in names][
            :25
        ]

    @app_commands.command(name="help", description="How to use me")
    async def help_command(self, interaction: FactInteraction) -> None:
        about = await in_time(
            interaction, self.service.about(interaction.guild_id or GLOBAL), ephemeral=True
        )
        text = help_text(self.service.knowledge.article, about.reach)
        await respond(interaction, Reply(content=text), ephemeral=True)


async def setup(bot: FactBot) -> None:
    await bot.add_cog(About(bot))
