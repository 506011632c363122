"""Interactive messages for moderators: views on one message, and a list paged with
Previous/Next."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import discord

from bot.discordbot.replies import (
    DESCRIPTION_LIMIT,
    NO_PINGS,
    NOTICE_COLOUR,
    TITLE_LIMIT,
    clip,
    clip_lines,
    notice,
)
from bot.discordbot.tree import FactView

log = logging.getLogger(__name__)

PAGE_SIZE = 10
# Interaction tokens last 15 minutes; stop listening before ours can no longer edit.
PAGES_TIMEOUT = 600.0


class MessageView(FactView):
    """A view on one message of the bot's, whose buttons are taken off when it times out
    (the interaction token that could edit it is about to expire)."""

    message: discord.WebhookMessage | discord.InteractionMessage | None = None

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        try:
            await self.message.edit(view=None, allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            log.debug("Could not remove the buttons of %s: %s", type(self).__name__, error)


class Pages(MessageView):
    """Lines shown PAGE_SIZE at a time; only the member who asked can turn the pages."""

    def __init__(self, owner_id: int, title: str, lines: Sequence[str]) -> None:
        super().__init__(timeout=PAGES_TIMEOUT)
        self.owner_id = owner_id
        self.title = title
        self.lines = list(lines)
        self.page = 0
        self.page_count = max(1, math.ceil(len(self.lines) / PAGE_SIZE))
        self._sync_buttons()

    def embed(self) -> discord.Embed:
        start = self.page * PAGE_SIZE
        shown = self.lines[start : start + PAGE_SIZE]
        embed = discord.Embed(
            title=clip(self.title, TITLE_LIMIT),
            description=clip_lines(shown, DESCRIPTION_LIMIT) or "Nothing to show.",
            colour=NOTICE_COLOUR,
        )
        embed.set_footer(text=f"Page {self.page + 1}/{self.page_count} · {len(self.lines)} in all")
        return embed

    def _sync_buttons(self) -> None:
        self.previous_page.disabled = self.page == 0
        self.next_page.disabled = self.page >= self.page_count - 1

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id != self.owner_id:
            await notice(interaction, "Only the member who asked for this list can page it.")
            return False
        return True

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous_page(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Pages]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next_page(
        self, interaction: discord.Interaction[Any], _: discord.ui.Button[Pages]
    ) -> None:
        await self._turn(interaction, +1)

    async def _turn(self, interaction: discord.Interaction[Any], step: int) -> None:
        self.page = min(max(self.page + step, 0), self.page_count - 1)
        self._sync_buttons()
        await interaction.response.edit_message(
            embed=self.embed(), view=self, allowed_mentions=NO_PINGS
        )
