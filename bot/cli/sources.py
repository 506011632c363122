"""`python -m bot sources ...`: who facts are attributed to."""

from __future__ import annotations

import click

from bot.cli.context import Context, pass_context


@click.group()
def sources() -> None:
    """The sources facts are attributed to."""


@sources.command(name="list")
@pass_context
def sources_list(ctx: Context) -> None:
    """Sources with the number of facts each."""
    for source, count in ctx.service.source_counts(ctx.guild):
        click.echo(f"{count:>3}  {source.name}  [{source.id}]")


@sources.command(name="add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name for it (repeatable).")
@click.option("--description", default="", help="One line on who they are.")
@pass_context
def sources_add(ctx: Context, name: str, aliases: tuple[str, ...], description: str) -> None:
    """Create a source, so facts can be attributed to it."""
    source = ctx.service.add_source(
        name, guild_id=ctx.guild, aliases=aliases, description=description
    )
    click.echo(f"added source {source.id}")
