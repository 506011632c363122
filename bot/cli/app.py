"""The top command: its global options, its help, and every command registered on it."""

from __future__ import annotations

from pathlib import Path

import click

from bot import compose
from bot.cli import admin, asking
from bot.cli.context import GUILD, Context
from bot.cli.documents import documents
from bot.cli.errors import OneLineErrors
from bot.cli.facts import facts, unanswered
from bot.cli.sources import sources
from bot.knowledge import read_article
from bot.models import GLOBAL


class ArticleHelp(OneLineErrors):
    """The top command, whose help names the article in the knowledge folder: read from
    article.toml alone, as loading every fact would slow `--help` down."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.help = compose.program_description(read_article(ctx.params.get("knowledge")))
        super().format_help_text(ctx, formatter)


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


for command in (
    asking.ask,
    asking.chat,
    asking.eval_command,
    facts,
    unanswered,
    sources,
    documents,
    admin.check,
    admin.seed,
    admin.backup,
    admin.run,
    admin.sync,
):
    main.add_command(command)
