"""/fact document and /fact drafts: moderators add a document and review the facts
drafted from it. A part of the /fact cog (cogs/fact.py), which checks every command is a
moderator's; the review itself is drafts_review.py's."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import is_moderator
from bot.discordbot.client import FactBot, FactInteraction
from bot.discordbot.drafts_review import DraftReview
from bot.discordbot.replies import CHOICE_LIMIT, NO_PINGS, Reply, clip, echo, respond
from bot.discordbot.service_async import AsyncFactService
from bot.documents.library import DocumentDraft
from bot.documents.records import MAX_DOCUMENT_BYTES, MAX_OUTLET, MAX_TITLE
from bot.errors import NotFound, ValidationError

DOCUMENT_SUFFIXES = (".txt", ".md")


def attachment_problems(filename: str, size: int) -> list[str]:
    """What is wrong with an attachment before it is downloaded (its text is checked
    after: binary, empty, not UTF-8)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        return [f"file: a document is a .txt or .md file of plain text, not '{filename}'"]
    if size > MAX_DOCUMENT_BYTES:
        return [f"file: at most {MAX_DOCUMENT_BYTES // 1000} kB (got {size / 1000:.0f} kB)"]
    return []


def _guild(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


class DocumentCommands(commands.Cog):
    """The /fact cog's commands for documents and their drafts (a part, not a cog of
    its own: fact.py registers the whole)."""

    bot: FactBot
    service: AsyncFactService

    @app_commands.command(description="Add a document (a .txt or .md file) to draft facts from")
    @app_commands.describe(
        file="The text: a .txt or .md file, UTF-8, at most 200 kB",
        title="Its headline or title",
        outlet="Who published it (a news agency, a ministry...)",
        date="When it was published, YYYY-MM-DD",
        url="Where it was published, an http(s) address",
    )
    async def document(
        self,
        interaction: FactInteraction,
        file: discord.Attachment,
        title: app_commands.Range[str, 1, MAX_TITLE],
        outlet: app_commands.Range[str, 1, MAX_OUTLET],
        date: str,
        url: str | None = None,
    ) -> None:
        # Refused before downloading; the library checks the text itself.
        problems = attachment_problems(file.filename, file.size)
        if problems:
            raise ValidationError(problems)
        await interaction.response.defer(ephemeral=True, thinking=True)
        draft = DocumentDraft(
            title=title, outlet=outlet, date=date, text=await file.read(), url=url
        )
        added = await self.service.add_document(
            draft, guild_id=_guild(interaction), actor=f"discord:{interaction.user.id}"
        )
        text = (
            f"Added document `{added.id}`: {echo(added.title)} ({added.characters} characters). "
            f"Review the facts drafted from it: /fact drafts document:{added.id}"
        )
        await respond(interaction, Reply(content=text), ephemeral=True)

    @app_commands.command(description="Review the facts drafted from a document, one at a time")
    @app_commands.describe(document="The document (its id, as /fact document said)")
    async def drafts(self, interaction: FactInteraction, document: str) -> None:
        # Always deferred: drafting takes a moment, and the review edits the followup.
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = _guild(interaction)
        try:
            found = await self.service.pending_drafts(guild_id, document)
        except NotFound:
            # The library's wording names the shell's command.
            raise NotFound(
                f"There is no document '{document.strip()}' here; /fact drafts lists the "
                "ones there are as you type."
            ) from None
        titles = {d.id: d.title for d in await self.service.documents(guild_id)}
        document_id = document.strip()
        review = DraftReview(
            self.service,
            mod_role_id=self.bot.settings.mod_role_id,
            owner_id=interaction.user.id,
            guild_id=guild_id,
            document_id=document_id,
            document_title=titles.get(document_id, document_id),
            drafts=found,
        )
        if not found:
            text = (
                f"No drafts of `{echo(document_id)}` wait for review: each is a fact or rejected."
            )
            await respond(interaction, Reply(content=text), ephemeral=True)
            return
        review.message = await interaction.followup.send(
            embed=review.embed(), view=review, ephemeral=True, wait=True, allowed_mentions=NO_PINGS
        )

    @drafts.autocomplete("document")
    async def document_choices(
        self, interaction: FactInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not is_moderator(interaction, self.bot.settings.mod_role_id):
            return []
        wanted = current.strip().casefold()
        found = [
            d
            for d in await self.service.documents(_guild(interaction))
            if wanted in d.id or wanted in d.title.casefold()
        ]
        return [
            app_commands.Choice(name=clip(f"{d.id} — {d.title}", CHOICE_LIMIT), value=d.id)
            for d in found[:25]
        ]
