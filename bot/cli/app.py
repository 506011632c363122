"""The top command: its global options, its help, and every command registered on it."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from bot.cli.context import GUILD, Context
from bot.cli.errors import OneLineErrors
from bot.knowledge import read_article
from bot.models import GLOBAL

# Every command, as "module:name" of where it is made. A command loads its own module
# only: `ask` starts without the moderators' commands and what they import.
COMMANDS = {
    "ask": "bot.cli.asking:ask",
    "chat": "bot.cli.asking:chat",
    "eval": "bot.cli.asking:eval_command",
    "facts": "bot.cli.facts:facts",
    "unanswered": "bot.cli.facts:unanswered",
    "sources": "bot.cli.sources:sources",
    "documents": "bot.cli.documents:documents",
    "check": "bot.cli.admin:check",
    "seed": "bot.cli.admin:seed",
    "backup": "bot.cli.admin:backup",
    "run": "bot.cli.admin:run",
    "sync": "bot.cli.admin:sync",
}


class ArticleHelp(OneLineErrors):
    """The top command, whose help names the article in the knowledge folder: read from
    article.toml alone, as loading every fact would slow `--help` down. Its commands are
    loaded when named (COMMANDS)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from bot.compose import program_description  # here: only help needs it

        self.help = program_description(read_article(ctx.params.get("knowledge")))
        super().format_help_text(ctx, formatter)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, _, name = where.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command) and command.name == cmd_name, where
        return command


@click.group(cls=ArticleHelp, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: $FACTBOT_DB, else ~/.local/share/factbot/factbot.db).",
)
@click.option(
    "--knowledge",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    # Eager, so a `--help` after it describes the article in this folder.
    is_eager=True,
    help="Knowledge folder (default: $FACTBOT_KNOWLEDGE, else the shipped knowledge/).",
)
@click.option(
    "--guild",
    type=GUILD,
    default=GLOBAL,
    show_default=True,
    help="Act as this Discord server id; 0 is the shared, curated scope.",
)
@click.version_option(package_name="factbot")
@click.pass_context
def main(ctx: click.Context, db: Path | None, knowledge: Path | None, guild: int) -> None:
    """factbot: attributed answers about one news article."""
    ctx.obj = Context(db, knowledge, guild)
    ctx.call_on_close(ctx.obj.close)
