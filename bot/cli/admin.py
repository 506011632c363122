"""Keeping the bot: checking the knowledge, seeding, backups, and starting the Discord bot."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.context import Context, pass_context
from bot.documents.curated import curated_documents
from bot.knowledge import KnowledgeError, check_knowledge


@click.command()
@pass_context
def check(ctx: Context) -> None:
    """Validate the knowledge files and list every problem."""
    directory = ctx.settings.knowledge_dir
    knowledge, problems = check_knowledge(directory)
    documents = 0
    if knowledge is not None:
        try:
            documents = len(curated_documents(knowledge, added_at=""))
        except KnowledgeError as error:
            problems = [*problems, *error.problems]
    if problems or knowledge is None:
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        click.echo(f"check: {len(problems)} problem(s) in {directory}", err=True)
        sys.exit(1)
    phrasings = sum(len(f.questions) for f in knowledge.facts)
    click.echo(
        f"check: ok: {len(knowledge.facts)} facts, {phrasings} phrasings, "
        f"{len(knowledge.sources)} sources, {len(knowledge.lexicon.synonyms)} synonym groups, "
        f"{documents} document(s)"
    )


@click.command()
@click.option("--force", is_flag=True, help="Re-read every curated fact even if unchanged.")
@pass_context
def seed(ctx: Context, force: bool) -> None:
    """Bring the database in line with the knowledge files."""
    report = ctx.service.reseed(force=force)
    click.echo(
        f"seed: {report.added} added, {report.updated} updated, {report.retired} retired, "
        f"{report.unchanged} unchanged"
    )


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def backup(ctx: Context, target: Path) -> None:
    """Copy the live database to TARGET, consistently, while the bot runs."""
    if target.exists():
        raise click.ClickException(f"{target} already exists; choose a new file")
    ctx.service.backup(target)
    click.echo(f"backed up to {target}")


@click.command()
@click.option("--env-file", default=".env", show_default=True, help="Settings file to read.")
@pass_context
def run(ctx: Context, env_file: str) -> None:
    """Start the Discord bot (needs DISCORD_TOKEN)."""
    settings = ctx.bot_settings(env_file)
    from bot.discordbot.runner import run_bot  # deferred: discord.py is slow to import

    sys.exit(run_bot(settings))


@click.command()
@click.option("--env-file", default=".env", show_default=True, help="Settings file to read.")
@pass_context
def sync(ctx: Context, env_file: str) -> None:
    """Sync the slash commands to Discord now (`run` syncs only when they changed)."""
    settings = ctx.bot_settings(env_file)
    from bot.discordbot.runner import sync_bot  # deferred: discord.py is slow to import

    sys.exit(sync_bot(settings))
