"""What every command of the CLI shares: the global options, the settings read with them,
and the service opened with those settings."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.models import DISCORD_ID_RANGE, GLOBAL
from bot.settings import NUMBER, BotSettings, environment

if TYPE_CHECKING:
    from bot.service import FactService


class Context:
    """What every command shares: the global options, the settings read with them (once,
    when a command first needs them) and the service opened with those settings."""

    def __init__(self, db: Path | None, knowledge: Path | None, guild: int) -> None:
        self.db = db
        self.knowledge = knowledge
        self.guild = guild
        self._settings: BotSettings | None = None
        self._service: FactService | None = None

    @property
    def settings(self) -> BotSettings:
        """The environment and `.env`, with --db and --knowledge over them; no Discord
        settings: the commands that reach Discord read their own, from their --env-file."""
        if self._settings is None:
            self._settings = self.bot_settings(discord=False)
        return self._settings

    def bot_settings(self, env_file: str = ".env", *, discord: bool = True) -> BotSettings:
        return BotSettings.from_env(
            environment(env_file), db=self.db, knowledge=self.knowledge, discord=discord
        )

    @property
    def service(self) -> FactService:
        if self._service is None:
            self._service = self.open_service()
        return self._service

    def open_service(self, phrasing_limit: int | None = None) -> FactService:
        # Imported here: `ask --json -` in several processes only hands questions out.
        from bot.service import FactService

        settings = self.settings
        return FactService.open(
            settings.db_path,
            settings.knowledge_dir,
            phrasing_limit=phrasing_limit,
            max_question_chars=settings.max_question_chars,
            saved_index_min_facts=settings.saved_index_min_facts,
        )

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


class GuildIdType(click.ParamType):  # type: ignore[type-arg]
    """0 for the shared, curated scope, or a Discord server id, as `run` will see them."""

    name = "server id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if not (NUMBER.fullmatch(text) and (int(text) == GLOBAL or int(text) in DISCORD_ID_RANGE)):
            self.fail(f"{text!r} is not 0 or a Discord server id (15 to 21 digits)", param, ctx)
        return int(text)


GUILD = GuildIdType()


def actor() -> str:
    """Who the audit log names for a change made from this shell."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


pass_context = click.make_pass_decorator(Context)
