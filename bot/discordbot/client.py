"""The bot: a commands.Bot that receives its services and loads the cogs that use them."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any, TypeAlias

import discord
from discord.ext import commands

from bot.discordbot.limits import AskLimiter
from bot.discordbot.replies import NO_PINGS
from bot.discordbot.service_async import AsyncFactService
from bot.discordbot.tree import FactTree
from bot.settings import BotSettings

log = logging.getLogger(__name__)

# The cogs a bot loads unless it is given others.
EXTENSIONS = (
    "bot.discordbot.cogs.ask",
    "bot.discordbot.cogs.about",
    "bot.discordbot.cogs.fact",
)


def bot_intents() -> discord.Intents:
    """Only what the bot uses: guilds (commands, roles) and guild messages (mentions).

    No message_content: Discord delivers the content of messages that mention the bot.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    return intents


class FactBot(commands.AutoShardedBot):
    """Sharded as Discord recommends (GET /gateway/bot), or as DISCORD_SHARD_COUNT and
    DISCORD_SHARD_IDS say: Discord refuses one connection for more than 2,500 servers.

    Everything it uses comes in through the constructor: the settings, the service, the
    cogs to load; errors of every interaction end in its tree's `on_error` (tree.py)."""

    def __init__(
        self,
        *,
        settings: BotSettings,
        service: AsyncFactService,
        ask_limiter: AskLimiter | None = None,
        extensions: tuple[str, ...] = EXTENSIONS,
        sync_on_start: bool = True,
        **options: Any,
    ) -> None:
        # A text-only bot: no voice, so no warnings about missing voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            # Never used for text commands (on_message below skips them); a mention
            # prefix keeps discord.py from warning about the message content intent.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            allowed_mentions=NO_PINGS,
            shard_count=settings.shard_count,
            tree_cls=FactTree,
            **options,
        )
        self.settings = settings
        # Every call the cogs make that may touch SQLite runs in a thread (service.sync is
        # the blocking service itself).
        self.service = service
        self.ask_limiter = ask_limiter or AskLimiter(settings.ask_rate, settings.ask_per_seconds)
        self.extensions_to_load = extensions
        self.sync_on_start = sync_on_start

    async def setup_hook(self) -> None:
        # Changes the CLI or other shard processes make reach the index off the answer path.
        self.service.start_refreshing()
        for extension in self.extensions_to_load:
            await self.load_extension(extension)
        # Only the process holding shard 0 syncs: shard processes started together would
        # each find no hash yet, and each overwrite the commands.
        if self.sync_on_start and (self.shard_ids is None or 0 in self.shard_ids):
            await self.sync_if_changed()

    async def launch_shards(self) -> None:
        if self.shard_count is None and self.settings.gateway_url is not None:
            # discord.py would connect to the URL GET /gateway/bot names, Discord's own:
            # take only the recommended count from it, and keep the configured gateway.
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        await super().launch_shards()

    @property
    def sync_scope(self) -> str:
        guild_id = self.settings.guild_id
        return "globally" if guild_id is None else f"to server {guild_id}"

    def _sync_guild(self) -> discord.Object | None:
        """The development server when one is set (given copies of the global commands, so
        they show at once), else None: global, which can take an hour to show."""
        if self.settings.guild_id is None:
            return None
        guild = discord.Object(id=self.settings.guild_id)
        self.tree.copy_global_to(guild=guild)
        return guild

    def _tree_hash(self, guild: discord.Object | None) -> str:
        """What a sync would send for this scope, and to which application."""
        commands = sorted(
            json.dumps(command.to_dict(self.tree), sort_keys=True)
            for command in self.tree.get_commands(guild=guild)
        )
        payload = json.dumps([self.application_id, commands])
        return hashlib.sha256(payload.encode()).hexdigest()

    @staticmethod
    def _hash_key(guild: discord.Object | None) -> str:
        return f"commands_hash:{'global' if guild is None else guild.id}"

    async def sync_if_changed(self) -> None:
        """Sync only a command tree Discord has not seen: Discord rate-limits syncs."""
        guild = self._sync_guild()
        synced_hash = await self.service.meta_value(self._hash_key(guild))
        if synced_hash == self._tree_hash(guild):
            log.info("Commands unchanged since the last sync %s; not syncing", self.sync_scope)
            return
        await self.sync_commands()

    async def sync_commands(self) -> list[discord.app_commands.AppCommand]:
        """Sync now, and remember the tree sent so that an unchanged one is not sent again."""
        guild = self._sync_guild()
        tree_hash = self._tree_hash(guild)
        synced = await self.tree.sync(guild=guild)
        await self.service.set_meta_value(self._hash_key(guild), tree_hash)
        log.info("Synced %d command(s) %s", len(synced), self.sync_scope)
        return synced

    async def close(self) -> None:
        await super().close()
        # Nothing new arrives now; let the writes already queued (unanswered questions)
        # finish, in a thread as the wait may be long.
        await asyncio.to_thread(self.service.close)

    async def on_ready(self) -> None:
        shards = ",".join(str(shard_id) for shard_id in sorted(self.shards))
        log.info(
            "Connected as %s, in %d server(s), on shard(s) %s of %s",
            self.user,
            len(self.guilds),
            shards,
            self.shard_count,
        )

    async def on_message(self, message: discord.Message, /) -> None:
        # Slash commands only: no text commands to process. Mentions are answered by
        # the ask cog's listener.
        return


FactInteraction: TypeAlias = discord.Interaction[FactBot]


def factbot(interaction: discord.Interaction[Any]) -> FactBot:
    """The bot behind an interaction, typed (views and checks get a plain Client)."""
    client = interaction.client
    if not isinstance(client, FactBot):
        raise TypeError("factbot interactions need a FactBot client")
    return client
