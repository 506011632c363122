"""The /fact group: moderators add, change, audit, export and import this server's facts.

Every command goes through `interaction_check` (default_permissions only hides the group
in Discord's UI, and is left off when a moderator role is set), replies privately, and
runs database writes on the async service's write worker behind a deferral: the event
loop never waits on SQLite.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import io
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.compressed import gunzip_within
from bot.discordbot.checks import NotModerator, is_moderator
from bot.discordbot.client import FactBot, FactInteraction
from bot.discordbot.forms import FactForm, OpenForms, is_form_submit, submitted_draft
from bot.discordbot.replies import (
    CHOICE_LIMIT,
    DESCRIPTION_LIMIT,
    NO_PINGS,
    NOTICE_COLOUR,
    Reply,
    clip,
    clip_lines,
    echo,
    fact_embed,
    fact_line,
    history_embed,
    in_time,
    notice,
    respond,
)
from bot.discordbot.tree import report_error
from bot.discordbot.views import Pages
from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.models import Fact
from bot.transfer import MAX_IMPORT_BYTES

QUESTIONS_HELP = "Question phrasings that lead to the fact, separated by |"
POINT_HELP = "Points shared with facts from other sources, separated by , (- for none)"
DOCUMENT_HELP = "The document the quote is checked against, verbatim"


# The fact options, in the order the commands take them.
DRAFT_OPTIONS = ("statement", "source", "questions", "reported_by", "quote", "date", "point")


def draft(*options: str | None, document: str | None = None, **named: str | None) -> FactDraft:
    """The options, in the order the commands take them or by name, as the service's
    draft; the service strips and validates them."""
    fields = {**dict(zip(DRAFT_OPTIONS, options, strict=False)), **named}
    return FactDraft.from_fields(**fields, document=document)


def export_upload(data: str, limit: int) -> tuple[str, bytes] | None:
    """The export as one file of at most `limit` bytes: as it is, else gzip-compressed;
    None when even that is too large."""
    raw = data.encode("utf-8")
    if len(raw) <= limit:
        return "facts.jsonl", raw
    packed = gzip.compress(raw)
    return ("facts.jsonl.gz", packed) if len(packed) <= limit else None


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.1f} KiB"


def actor(interaction: discord.Interaction[Any]) -> str:
    return f"discord:{interaction.user.id}"


def guild_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


Choices = list[app_commands.Choice[str]]
ChoicesCallback = Callable[["Moderation", FactInteraction, str], Coroutine[Any, Any, Choices]]


def moderators_only(callback: ChoicesCallback) -> ChoicesCallback:
    """An autocomplete that offers nothing to members who are not moderators: command
    checks do not run for autocomplete, and choices would show facts' ids and questions."""

    @functools.wraps(callback)
    async def offer(cog: Moderation, interaction: FactInteraction, current: str) -> Choices:
        if not is_moderator(interaction, cog.bot.settings.mod_role_id):
            return []
        return await callback(cog, interaction, current)

    return offer


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # when no moderator role is set
class Moderation(
    commands.GroupCog,
    group_name="fact",
    group_description="Moderate this server's facts (Manage Server or the moderator role)",
):
    def __init__(self, bot: FactBot) -> None:
        self.bot = bot
        self.service = bot.service
        self.forms = OpenForms()
        if bot.settings.mod_role_id is not None and self.app_command is not None:
            # The role's members may lack Manage Server, and Discord would hide /fact from
            # them: everyone sees it instead, and interaction_check refuses non-moderators.
            self.app_command.default_permissions = None

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        guild_of(interaction)
        if not is_moderator(interaction, self.bot.settings.mod_role_id):
            raise NotModerator()
        return True

    async def _thinking(self, interaction: discord.Interaction[Any]) -> None:
        """Defer before a write: it queues behind other writes and may wait for another
        process to let go of the database, longer than the 3 s Discord allows."""
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)

    async def _done(self, interaction: discord.Interaction[Any], text: str, fact: Fact) -> None:
        embed = await self._card(interaction, fact)
        await respond(interaction, Reply(content=text, embed=embed), ephemeral=True)

    async def _card(self, interaction: discord.Interaction[Any], fact: Fact) -> discord.Embed:
        citation = self.service.citation(fact, guild_of(interaction))
        document = await self.service.cited_document(fact, guild_of(interaction))
        return fact_embed(fact, citation, document)

    # -- writing -------------------------------------------------------------------------

    @app_commands.command(description="Add a fact to this server")
    @app_commands.describe(
        statement="The claim, one self-contained sentence",
        source="Who made the claim (a known source's name)",
        questions=QUESTIONS_HELP,
        reported_by="The outlet that reported it",
        quote="The verbatim words the fact rests on",
        date="When it was reported, YYYY-MM-DD (default: today)",
        document=DOCUMENT_HELP,
    )
    async def add(
        self,
        interaction: FactInteraction,
        statement: str,
        source: str,
        questions: str,
        reported_by: str | None = None,
        quote: str | None = None,
        date: str | None = None,
        document: str | None = None,
    ) -> None:
        fact_draft = draft(
            statement, source, questions, reported_by, quote, date, None, document=document
        )
        await self._add(interaction, fact_draft)

    @app_commands.command(description="Create a source, so facts can be attributed to it")
    @app_commands.describe(
        name="Who makes claims: an organisation, a government, a person, an outlet",
        aliases="Other names for it, separated by |",
        description="One line on who they are",
    )
    async def source(
        self,
        interaction: FactInteraction,
        name: app_commands.Range[str, 1, 100],
        aliases: str | None = None,
        description: app_commands.Range[str, 0, 200] | None = None,
    ) -> None:
        await self._thinking(interaction)
        created = await self.service.add_source(
            name,
            guild_id=guild_of(interaction),
            aliases=aliases.split("|") if aliases else [],
            description=description or "",
        )
        also = f" (also: {', '.join(created.aliases)})" if created.aliases else ""
        await respond(
            interaction,
            Reply(content=f"Added source `{created.id}`: {echo(created.name)}{echo(also)}."),
            ephemeral=True,
        )

    @app_commands.command(description="Add a fact with a form, for long text")
    @app_commands.describe(document=DOCUMENT_HELP)
    async def new(self, interaction: FactInteraction, document: str | None = None) -> None:
        custom_id = self.forms.open(interaction.user.id, guild_of(interaction), document)
        await interaction.response.send_modal(FactForm(custom_id))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if not is_form_submit(interaction):
            return
        # discord.py only logs errors from listeners; route them to the tree.
        try:
            await self._submit_form(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def _submit_form(self, interaction: discord.Interaction[Any]) -> None:
        # Checked again on submit: the form may have stayed open while roles changed.
        await self.interaction_check(interaction)
        data = dict(interaction.data or {})
        custom_id = str(data.get("custom_id"))
        document = self.forms.document(custom_id)
        refusal = self.forms.take(custom_id, interaction.user.id, guild_of(interaction))
        if refusal is not None:
            await notice(interaction, refusal)
            return
        await self._add(interaction, submitted_draft(data, document))

    async def _add(self, interaction: discord.Interaction[Any], fact_draft: FactDraft) -> None:
        await self._thinking(interaction)
        fact = await self.service.add_fact(
            fact_draft, guild_id=guild_of(interaction), actor=actor(interaction)
        )
        await self._done(interaction, f"Added `{fact.id}`.", fact)

    @app_commands.command(description="Change some fields of one of this server's facts")
    @app_commands.describe(
        fact_id="The fact to change",
        statement="The new claim",
        source="The new source",
        questions=QUESTIONS_HELP + " (replaces all phrasings)",
        reported_by="The outlet that reported it",
        quote="The verbatim words the fact rests on",
        date="When it was reported, YYYY-MM-DD",
        point=POINT_HELP,
        document=DOCUMENT_HELP + " (- for none)",
    )
    async def edit(
        self,
        interaction: FactInteraction,
        fact_id: str,
        statement: str | None = None,
        source: str | None = None,
        questions: str | None = None,
        reported_by: str | None = None,
        quote: str | None = None,
        date: str | None = None,
        point: str | None = None,
        document: str | None = None,
    ) -> None:
        await self._thinking(interaction)
        fact = await self.service.edit_fact(
            fact_id,
            draft(statement, source, questions, reported_by, quote, date, point, document=document),
            guild_id=guild_of(interaction),
            actor=actor(interaction),
        )
        await self._done(interaction, f"Saved `{fact.id}`.", fact)

    @app_commands.command(description="Stop using a fact (restore brings it back)")
    @app_commands.describe(fact_id="The fact to remove")
    async def remove(self, interaction: FactInteraction, fact_id: str) -> None:
        await self._thinking(interaction)
        fact = await self.service.remove_fact(
            fact_id, guild_id=guild_of(interaction), actor=actor(interaction)
        )
        await self._done(interaction, f"Removed `{fact.id}`.", fact)

    @app_commands.command(description="Bring a removed fact back")
    @app_commands.describe(fact_id="The fact to restore")
    async def restore(self, interaction: FactInteraction, fact_id: str) -> None:
        await self._thinking(interaction)
        fact = await self.service.restore_fact(
            fact_id, guild_id=guild_of(interaction), actor=actor(interaction)
        )
        await self._done(interaction, f"Restored `{fact.id}`.", fact)

    @app_commands.command(description="Put a fact back as it was before one change")
    @app_commands.describe(change="The change number, from /fact history")
    async def undo(self, interaction: FactInteraction, change: app_commands.Range[int, 1]) -> None:
        await self._thinking(interaction)
        fact = await self.service.undo(
            change, guild_id=guild_of(interaction), actor=actor(interaction)
        )
        await self._done(interaction, f"Undid change #{change} on `{fact.id}`.", fact)

    @app_commands.command(description="Add a question (say, an unanswered one) to a fact")
    @app_commands.describe(fact_id="The fact that answers it", question="The question to add")
    async def attach(self, interaction: FactInteraction, fact_id: str, question: str) -> None:
        await self._thinking(interaction)
        fact = await self.service.attach_question(
            fact_id,
            question,
            guild_id=guild_of(interaction),
            actor=actor(interaction),
        )
        await self._done(interaction, f"“{echo(question.strip())}” now leads to `{fact.id}`.", fact)

    # -- reading -------------------------------------------------------------------------

    @app_commands.command(description="Show one fact in full")
    @app_commands.describe(fact_id="The fact to show")
    async def show(self, interaction: FactInteraction, fact_id: str) -> None:
        fact = await in_time(
            interaction, self.service.get_fact(fact_id, guild_of(interaction)), ephemeral=True
        )
        await respond(interaction, Reply(embed=await self._card(interaction, fact)), ephemeral=True)

    @app_commands.command(description="Every change to a fact, with the numbers undo takes")
    @app_commands.describe(fact_id="The fact")
    async def history(self, interaction: FactInteraction, fact_id: str) -> None:
        entries = await in_time(
            interaction, self.service.history(fact_id, guild_of(interaction)), ephemeral=True
        )
        await respond(
            interaction, Reply(embed=history_embed(fact_id.strip(), entries)), ephemeral=True
        )

    @app_commands.command(name="list", description="The facts this server uses, 10 a page")
    @app_commands.describe(
        source="Only this source's facts", include_removed="Also list removed facts"
    )
    async def list_facts(
        self,
        interaction: FactInteraction,
        source: str | None = None,
        include_removed: bool = False,
    ) -> None:
        # Always deferred: the pages need a message to edit, which a followup gives.
        await interaction.response.defer(ephemeral=True, thinking=True)
        facts = await self.service.list_facts(
            guild_of(interaction), include_retired=include_removed, source=source
        )
        pages = Pages(interaction.user.id, f"Facts ({len(facts)})", [fact_line(f) for f in facts])
        pages.message = await interaction.followup.send(
            embed=pages.embed(), view=pages, ephemeral=True, wait=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(description="Questions I could not answer, most asked first")
    @app_commands.describe(limit="How many to show")
    async def unanswered(
        self, interaction: FactInteraction, limit: app_commands.Range[int, 1, 50] = 20
    ) -> None:
        rows = await in_time(
            interaction, self.service.unanswered(guild_of(interaction), limit), ephemeral=True
        )
        lines = [f"**{row.count}×** {echo(row.question)}" for row in rows]
        embed = discord.Embed(
            title="Unanswered questions",
            description=clip_lines(lines, DESCRIPTION_LIMIT) or "None so far.",
            colour=NOTICE_COLOUR,
        )
        embed.set_footer(text="Teach me one: /fact attach fact_id:<fact> question:<question>")
        await respond(interaction, Reply(embed=embed), ephemeral=True)

    # -- files ---------------------------------------------------------------------------

    @app_commands.command(description="Download this server's own facts as JSON Lines")
    async def export(self, interaction: FactInteraction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_of(interaction)
        data = await self.service.export_jsonl(guild_id)
        count = data.count("\n")
        text = f"{count} fact(s) of this server's own (the shared, curated facts are not included)."
        # Discord refuses a larger upload (413); compressing a large file is slow work.
        limit = interaction.filesize_limit
        upload = await asyncio.to_thread(export_upload, data, limit)
        if upload is None:
            text = (
                f"This server's {count} facts are too large for one upload here, even "
                f"compressed (at most {human_size(limit)}). Export them on the machine the "
                f"bot runs on: `python -m bot --guild {guild_id} facts export -o facts.jsonl`"
            )
            await respond(interaction, Reply(content=text), ephemeral=True)
            return
        filename, content = upload
        if filename.endswith(".gz"):
            text += (
                " Compressed with gzip to fit Discord's upload limit: /fact import takes the "
                ".jsonl.gz as it is."
            )
        file = discord.File(io.BytesIO(content), filename=filename)
        await respond(interaction, Reply(content=text), ephemeral=True, file=file)

    @app_commands.command(name="import", description="Add or update facts from a JSON Lines file")
    @app_commands.describe(
        file="A .jsonl (or .jsonl.gz) file, one fact per line (as /fact export writes)"
    )
    async def import_facts(self, interaction: FactInteraction, file: discord.Attachment) -> None:
        # Refuse before downloading; the service applies the same limit to what it reads.
        if file.size > MAX_IMPORT_BYTES:
            raise ValidationError([f"file: larger than {MAX_IMPORT_BYTES // 1000} kB"])
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await asyncio.to_thread(gunzip_within, await file.read(), MAX_IMPORT_BYTES)
        report = await self.service.import_jsonl(
            data,
            guild_id=guild_of(interaction),
            actor=actor(interaction),
        )
        text = (
            f"Imported {echo(file.filename)}: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        if report.documents_added:
            text += f" {report.documents_added} document(s) added."
        await respond(interaction, Reply(content=text), ephemeral=True)

    # -- autocomplete (checks don't run for it: moderators_only asks) --------------------

    @edit.autocomplete("fact_id")
    @remove.autocomplete("fact_id")
    @restore.autocomplete("fact_id")
    @attach.autocomplete("fact_id")
    @show.autocomplete("fact_id")
    @history.autocomplete("fact_id")
    @moderators_only
    async def fact_choices(self, interaction: FactInteraction, current: str) -> Choices:
        facts = await self.service.list_facts(guild_of(interaction), include_retired=True)
        return labelled_choices([(f.id, f"{f.id} — {f.statement}") for f in facts], current)

    @add.autocomplete("source")
    @edit.autocomplete("source")
    @list_facts.autocomplete("source")
    @moderators_only
    async def source_choices(self, interaction: FactInteraction, current: str) -> Choices:
        counts = await self.service.source_counts(guild_of(interaction))
        return text_choices([source.name for source, _ in counts], current)

    @add.autocomplete("document")
    @new.autocomplete("document")
    @edit.autocomplete("document")
    @moderators_only
    async def document_choices(self, interaction: FactInteraction, current: str) -> Choices:
        """The server's documents by title (the curated ones first); the value is the id."""
        documents = await self.service.documents(guild_of(interaction))
        labels = [(d.id, f"{d.title} ({d.outlet}, {d.date})") for d in documents]
        return labelled_choices(labels, current)

    @attach.autocomplete("question")
    @moderators_only
    async def unanswered_choices(self, interaction: FactInteraction, current: str) -> Choices:
        rows = await self.service.unanswered(guild_of(interaction), 100)
        return text_choices([row.question for row in rows], current)


def text_choices(texts: list[str], current: str) -> list[app_commands.Choice[str]]:
    """The first 25 of `texts` holding what was typed so far, as autocomplete choices."""
    wanted = current.strip().casefold()
    found = [text for text in texts if wanted in text.casefold()]
    return [app_commands.Choice(name=t[:CHOICE_LIMIT], value=t[:CHOICE_LIMIT]) for t in found[:25]]


def labelled_choices(
    choices: list[tuple[str, str]], current: str
) -> list[app_commands.Choice[str]]:
    """The first 25 (value, label) pairs whose value or label holds what was typed so far."""
    wanted = current.strip().casefold()
    found = [(v, label) for v, label in choices if wanted in f"{v} {label}".casefold()]
    return [app_commands.Choice(name=clip(label, CHOICE_LIMIT), value=v) for v, label in found[:25]]
