"""The small real discord.py bot the fake's own tests drive (test_fakediscord.py).

It uses what a bot like factbot uses: slash commands with typed options,
autocomplete, a permission-gated group, buttons, selects, a modal, deferrals,
followups with files, edits, DMs, replies to mentions, and a few failures.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

TOPICS = ["water supply", "power cuts", "road closures", "hospital status", "weather"]


class MoreView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="More", custom_id="ask:more", style=discord.ButtonStyle.primary)
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message("More details", ephemeral=True)

    @discord.ui.button(label="Close", custom_id="ask:close")
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="Closed", embed=None, view=None)


class PickView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id="pick:topic",
        options=[discord.SelectOption(label=t, value=t) for t in TOPICS],
        max_values=2,
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.edit_message(
            content=f"Picked {', '.join(select.values)}", view=None
        )


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    comment: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Comment", custom_id="feedback:comment", max_length=200
    )
    contact: discord.ui.Label[Any] = discord.ui.Label(
        text="Contact",
        component=discord.ui.TextInput(custom_id="feedback:contact", required=False),
    )
    topic: discord.ui.Label[Any] = discord.ui.Label(
        text="Topic",
        component=discord.ui.Select(
            custom_id="feedback:topic", options=[discord.SelectOption(label=t) for t in TOPICS]
        ),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        contact = self.contact.component
        topic = self.topic.component
        assert isinstance(contact, discord.ui.TextInput)
        assert isinstance(topic, discord.ui.Select)
        await interaction.response.send_message(
            f"Thanks: {self.comment.value} ({contact.value or 'anonymous'}) on {topic.values[0]}",
            ephemeral=True,
        )


class HarnessBot(commands.Bot):
    def __init__(self, guild_id: int, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True
        options.setdefault("intents", intents)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            guild_ready_timeout=0.05,
            **options,
        )
        self.guild_id = guild_id
        self.tree.on_error = self.on_tree_error  # type: ignore[method-assign]
        self.ready_events = 0

    async def setup_hook(self) -> None:
        self._add_question_commands()
        self._add_reply_commands()
        self._add_failing_commands()
        guild = discord.Object(id=self.guild_id)
        self.tree.copy_global_to(guild=guild)
        self.tree.clear_commands(guild=None)
        await self.tree.sync(guild=guild)

    def _add_question_commands(self) -> None:
        """Autocomplete, a permission-gated group, a modal."""
        tree = self.tree

        @tree.command(description="Ask a question")
        @app_commands.describe(question="What you want to know")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            embed = discord.Embed(title="Answer", description=f"You asked: {question}")
            embed.add_field(name="Source", value="AFP")
            await interaction.response.send_message(embed=embed, view=MoreView())

        @ask.autocomplete("question")
        async def ask_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [
                app_commands.Choice(name=topic.title(), value=topic)
                for topic in TOPICS
                if current.lower() in topic
            ]

        fact = app_commands.Group(
            name="fact",
            description="Manage facts",
            default_permissions=discord.Permissions(manage_guild=True),
        )

        @fact.command(name="add", description="Add a fact")
        @app_commands.checks.has_permissions(manage_guild=True)
        async def fact_add(interaction: discord.Interaction, statement: str, source: str) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = f"{statement}\n-- {source}\n".encode()
            await interaction.followup.send(
                f"Added: {statement}", file=discord.File(io.BytesIO(data), "fact.txt")
            )

        tree.add_command(fact)

        @tree.command(description="Send feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

    def _add_reply_commands(self) -> None:
        """Typed options, attachments, selects, edits and followups, DMs."""
        tree = self.tree

        @tree.command(description="Typed options")
        async def typed(
            interaction: discord.Interaction,
            number: app_commands.Range[int, 1, 10],
            flag: bool,
            user: discord.Member,
            role: discord.Role,
            channel: discord.TextChannel,
            ratio: float = 0.5,
        ) -> None:
            await interaction.response.send_message(
                f"{number} {flag} {user.name} {role.name} {channel.name} {ratio}"
            )

        @tree.command(description="Read an attachment")
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(
                f"{file.filename}: {len(data)} bytes: {data.decode()}",
                file=discord.File(io.BytesIO(data.upper()), f"echo-{file.filename}"),
            )

        @tree.command(description="Pick topics")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Pick one", view=PickView())

        @tree.command(description="Edit, follow up, delete")
        async def lifecycle(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("first")
            await interaction.edit_original_response(content="edited")
            extra = await interaction.followup.send("extra", wait=True)
            await extra.delete()
            await interaction.followup.send("kept", ephemeral=True)

        @tree.command(description="A private word")
        async def whisper(interaction: discord.Interaction) -> None:
            await interaction.user.send("psst")
            await interaction.response.send_message("Sent you a DM", ephemeral=True)

    def _add_failing_commands(self) -> None:
        """An exception, a message Discord refuses, an answer too late."""
        tree = self.tree

        @tree.command(description="Fails")
        async def boom(interaction: discord.Interaction) -> None:
            raise RuntimeError("boom")

        @tree.command(description="Too long")
        async def long(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("x" * 2001)

        @tree.command(description="Slow")
        async def slow(interaction: discord.Interaction, seconds: float) -> None:
            await asyncio.sleep(seconds)
            await interaction.response.send_message("late")

    async def on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.MissingPermissions):
            await interaction.response.send_message("You may not do that.", ephemeral=True)
            return
        logging.getLogger("harness.bot").error("command failed", exc_info=error)

    async def on_ready(self) -> None:
        self.ready_events += 1

    async def on_message(self, message: discord.Message, /) -> None:
        if message.author.bot or self.user is None:
            return
        if self.user in message.mentions:
            await message.reply(f"Heard: {message.content!r}", mention_author=False)


class FastShardedBot(commands.AutoShardedBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # the default waits 5 s before each IDENTIFY but the first
