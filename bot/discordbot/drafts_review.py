"""/fact drafts: a document's drafted facts, one at a time, with Accept, Edit, Reject and
Skip; only the moderator who asked can press them.

Each decision edits the message to show the next draft. Edit opens the fact form filled
in with the draft; submitting it accepts the draft as edited.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from typing import Any

import discord

from bot import compose
from bot.discordbot.checks import NotModerator, is_moderator
from bot.discordbot.forms import FactForm, submitted_draft
from bot.discordbot.replies import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    NO_PINGS,
    NOTICE_COLOUR,
    TITLE_LIMIT,
    clip,
    echo,
    notice,
    quote_line,
)
from bot.discordbot.service_async import AsyncFactService
from bot.discordbot.views import MessageView
from bot.drafting import Draft
from bot.drafts import FactDraft
from bot.review import draft_fields

# Interaction tokens last 15 minutes; stop listening before ours can no longer edit.
REVIEW_TIMEOUT = 840.0
BUTTON_ID = "factbot:drafts:{}"
EDIT_FORM_PREFIX = "factbot:drafts:form"
# Discord's limit on a text field's value, prefilled or typed.
FIELD_TEXT_LIMIT = 4000


def draft_embed(draft: Draft, position: int, total: int, document_title: str) -> discord.Embed:
    """One draft as a moderator weighs it: the statement, who claimed it, the quote."""
    embed = discord.Embed(
        title=clip(f"Draft {position} of {total} · {document_title}", TITLE_LIMIT),
        description=clip(echo(draft.statement), DESCRIPTION_LIMIT),
        colour=NOTICE_COLOUR,
    )
    claimant = echo(draft.source_name)
    if draft.new_source:
        claimant += " (a new source: Accept creates it)"
    embed.add_field(name="Source", value=clip(claimant, FIELD_VALUE_LIMIT), inline=True)
    embed.add_field(name="Date", value=draft.date or compose.NOTHING, inline=True)
    embed.add_field(name="Reported by", value=echo(draft.reported_by) or compose.NOTHING)
    embed.add_field(
        name="Quote", value=clip(quote_line(draft.quote), FIELD_VALUE_LIMIT), inline=False
    )
    questions = "\n".join(f"• {echo(q)}" for q in draft.questions) or compose.NOTHING
    embed.add_field(name=compose.QUESTIONS, value=clip(questions, FIELD_VALUE_LIMIT), inline=False)
    if draft.points:
        embed.add_field(name="Point", value=echo(", ".join(draft.points)), inline=False)
    embed.set_footer(
        text="Accept adds it as a fact · Edit changes it first · Reject drops it for good · "
        "Skip leaves it for later"
    )
    return embed


def done_embed(document_title: str) -> discord.Embed:
    return discord.Embed(
        title=clip(f"No drafts left · {document_title}", TITLE_LIMIT),
        description="Every draft of this document has been reviewed or skipped. "
        "Skipped ones come back with the next /fact drafts.",
        colour=NOTICE_COLOUR,
    )


class DraftReview(MessageView):
    """The drafts of one document, one at a time, for the moderator who asked."""

    def __init__(
        self,
        service: AsyncFactService,
        *,
        mod_role_id: int | None,
        owner_id: int,
        guild_id: int,
        document_id: str,
        document_title: str,
        drafts: Sequence[Draft],
    ) -> None:
        super().__init__(timeout=REVIEW_TIMEOUT)
        self.service = service
        self.mod_role_id = mod_role_id
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.document_id = document_id
        self.document_title = document_title
        self.drafts = list(drafts)
        self.position = 0

    @property
    def current(self) -> Draft | None:
        return self.drafts[self.position] if self.position < len(self.drafts) else None

    def embed(self) -> discord.Embed:
        draft = self.current
        if draft is None:
            return done_embed(self.document_title)
        return draft_embed(draft, self.position + 1, len(self.drafts), self.document_title)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id != self.owner_id:
            await notice(
                interaction, "Only the moderator who opened these drafts can review them here."
            )
            return False
        # Roles may have changed since the drafts were opened.
        if not is_moderator(interaction, self.mod_role_id):
            raise NotModerator()
        return True

    @discord.ui.button(
        label="Accept", style=discord.ButtonStyle.success, custom_id=BUTTON_ID.format("accept")
    )
    async def accept_button(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[DraftReview]
    ) -> None:
        draft = self._showing()
        await interaction.response.defer()
        await self.accept(interaction, draft, draft_fields(draft))

    @discord.ui.button(
        label="Edit", style=discord.ButtonStyle.primary, custom_id=BUTTON_ID.format("edit")
    )
    async def edit_button(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[DraftReview]
    ) -> None:
        await interaction.response.send_modal(DraftForm(self, self._showing()))

    @discord.ui.button(
        label="Reject", style=discord.ButtonStyle.danger, custom_id=BUTTON_ID.format("reject")
    )
    async def reject_button(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[DraftReview]
    ) -> None:
        draft = self._showing()
        await interaction.response.defer()
        await self.service.reject_draft(
            self.guild_id, self.document_id, draft, actor=f"discord:{interaction.user.id}"
        )
        await self._next(interaction, draft, "Rejected: it will not be offered again.")

    @discord.ui.button(
        label="Skip", style=discord.ButtonStyle.secondary, custom_id=BUTTON_ID.format("skip")
    )
    async def skip_button(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[DraftReview]
    ) -> None:
        draft = self._showing()
        await interaction.response.defer()
        await self._next(interaction, draft, "Skipped: it comes back with the next /fact drafts.")

    async def accept(
        self, interaction: discord.Interaction[Any], draft: Draft, fields: FactDraft
    ) -> None:
        """Add the draft as `fields` say, then show the next one; the interaction is
        deferred already."""
        accepted = await self.service.accept_draft(
            self.guild_id,
            self.document_id,
            draft,
            actor=f"discord:{interaction.user.id}",
            fields=fields,
        )
        created = accepted.created_source
        also = f" and source `{created.id}` ({echo(created.name)})" if created else ""
        await self._next(interaction, draft, f"Accepted: added fact `{accepted.fact.id}`{also}.")

    def _showing(self) -> Draft:
        draft = self.current
        if draft is None:  # the buttons are gone by then; a stale client may still press
            raise LookupError("no draft is shown")
        return draft

    async def _next(self, interaction: discord.Interaction[Any], decided: Draft, text: str) -> None:
        # A form submitted after Skip was pressed decides a draft no longer shown.
        if self.current is decided:
            self.position += 1
        done = self.current is None
        if done:
            self.stop()
        await interaction.edit_original_response(
            content=text, embed=self.embed(), view=None if done else self, allowed_mentions=NO_PINGS
        )


class DraftForm(FactForm):
    """The fact form, filled in with a draft; submitting it accepts the draft as edited."""

    def __init__(self, review: DraftReview, draft: Draft) -> None:
        fields = draft_fields(draft)
        values = {
            "statement": fields.statement or "",
            # By name, as moderators know sources; it resolves on submit.
            "source": draft.source_name,
            "questions": "\n".join(fields.questions or ()),
            "quote": fields.quote or "",
            "date": fields.date or "",
        }
        super().__init__(
            f"{EDIT_FORM_PREFIX}:{secrets.token_hex(8)}",
            title="Edit the draft, then accept it",
            values={name: value[:FIELD_TEXT_LIMIT] for name, value in values.items()},
        )
        self.review = review
        self.draft = draft

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if not is_moderator(interaction, self.review.mod_role_id):
            raise NotModerator()
        return True

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        typed = submitted_draft(dict(interaction.data or {}))
        fields = dataclasses.replace(
            draft_fields(self.draft),
            statement=typed.statement,
            source=typed.source,
            questions=typed.questions,
            quote=typed.quote,
            date=typed.date,
        )
        await interaction.response.defer()
        await self.review.accept(interaction, self.draft, fields)
