"""`python -m bot facts ...`: moderating the facts, and the questions left unanswered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from bot import compose
from bot.cli.context import Context, actor, pass_context
from bot.compressed import gunzip_within
from bot.drafts import FactDraft
from bot.transfer import MAX_IMPORT_BYTES

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def facts() -> None:
    """Moderate the facts: list, show, add, edit, remove, restore, history, undo..."""


@facts.command(name="list")
@click.option("--all", "include_retired", is_flag=True, help="Include removed facts.")
@click.option("--source", help="Only facts from this source (id, name or alias).")
@pass_context
def facts_list(ctx: Context, include_retired: bool, source: str | None) -> None:
    """List the facts this scope can see."""
    found = ctx.service.list_facts(ctx.guild, include_retired=include_retired, source=source)
    for fact in found:
        click.echo(compose.fact_entry(fact))
    click.echo(f"{len(found)} fact(s)")


@facts.command(name="show")
@click.argument("fact_id")
@pass_context
def facts_show(ctx: Context, fact_id: str) -> None:
    """Show one fact in full."""
    fact = ctx.service.get_fact(fact_id, ctx.guild)
    citation = ctx.service.citation(fact, ctx.guild)
    document = ctx.service.cited_document(fact, ctx.guild)
    click.echo(compose.card_text(compose.fact_card(fact, citation, document)))


def _draft_options(command: F) -> F:
    options = [
        click.option("--statement", help="The claim, one self-contained sentence."),
        click.option("--source", help="Who made the claim: a source id, name or alias."),
        click.option(
            "--questions", help="Question phrasings that lead to the fact, separated by '|'."
        ),
        click.option("--reported-by", help="The outlet that reported it."),
        click.option("--quote", help="The verbatim words the fact rests on."),
        click.option(
            "--document",
            help="The document the quote is checked against (see `documents list`); '-' for none.",
        ),
        click.option("--date", help="When it was reported, YYYY-MM-DD."),
        click.option("--topics", help="Topic words, separated by ','."),
        click.option(
            "--point",
            help="Points shared with facts from other sources, separated by ','; '-' for none.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@facts.command(name="add")
@_draft_options
@pass_context
def facts_add(ctx: Context, /, **values: str | None) -> None:
    """Add a fact (needs --statement, --source and --questions)."""
    fact = ctx.service.add_fact(FactDraft.from_fields(**values), guild_id=ctx.guild, actor=actor())
    click.echo(f"added {fact.id}")


@facts.command(name="edit")
@click.argument("fact_id")
@_draft_options
@pass_context
def facts_edit(ctx: Context, /, fact_id: str, **values: str | None) -> None:
    """Change some fields of a fact; --questions replaces all phrasings."""
    fact = ctx.service.edit_fact(
        fact_id, FactDraft.from_fields(**values), guild_id=ctx.guild, actor=actor()
    )
    click.echo(f"edited {fact.id}")


@facts.command(name="remove")
@click.argument("fact_id")
@pass_context
def facts_remove(ctx: Context, fact_id: str) -> None:
    """Retire a fact: the bot stops using it, and `restore` brings it back."""
    fact = ctx.service.remove_fact(fact_id, guild_id=ctx.guild, actor=actor())
    click.echo(f"removed {fact.id}")


@facts.command(name="restore")
@click.argument("fact_id")
@pass_context
def facts_restore(ctx: Context, fact_id: str) -> None:
    """Bring a removed fact back."""
    fact = ctx.service.restore_fact(fact_id, guild_id=ctx.guild, actor=actor())
    click.echo(f"restored {fact.id}")


@facts.command(name="history")
@click.argument("fact_id")
@pass_context
def facts_history(ctx: Context, fact_id: str) -> None:
    """Every change to a fact, oldest first; `undo` takes a change's number."""
    for entry in ctx.service.history(fact_id, ctx.guild):
        click.echo(compose.change_entry(entry))


@facts.command(name="undo")
@click.argument("change", type=int)
@pass_context
def facts_undo(ctx: Context, change: int) -> None:
    """Put a fact back as it was before change number CHANGE (see `history`)."""
    fact = ctx.service.undo(change, guild_id=ctx.guild, actor=actor())
    click.echo(f"undid #{change} on {fact.id}")


@facts.command(name="attach")
@click.argument("fact_id")
@click.argument("question")
@pass_context
def facts_attach(ctx: Context, fact_id: str, question: str) -> None:
    """Add QUESTION (say, one from `unanswered`) as a phrasing of a fact."""
    fact = ctx.service.attach_question(fact_id, question, guild_id=ctx.guild, actor=actor())
    click.echo(f"attached to {fact.id}")


@facts.command(name="export")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write (default: standard output).",
)
@pass_context
def facts_export(ctx: Context, output: Any) -> None:
    """Write this scope's facts as JSON Lines."""
    output.write(ctx.service.export_jsonl(ctx.guild))


@facts.command(name="import")
@click.argument("file", type=click.File("rb"))
@pass_context
def facts_import(ctx: Context, file: Any) -> None:
    """Add or update facts from a JSON Lines FILE ('-' for stdin), all or nothing.

    A gzip-compressed file (the .jsonl.gz /fact export sends) is read as it is."""
    data = gunzip_within(file.read(), MAX_IMPORT_BYTES)
    report = ctx.service.import_jsonl(data, guild_id=ctx.guild, actor=actor())
    click.echo(
        f"imported: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        + (f"; {report.documents_added} document(s) added" if report.documents_added else "")
    )


@click.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@pass_context
def unanswered(ctx: Context, limit: int) -> None:
    """Questions the bot could not answer, most asked first."""
    rows = ctx.service.unanswered(ctx.guild, limit)
    for row in rows:
        click.echo(f"{row.count:>4}  {row.question}")
    if not rows:
        click.echo("no unanswered questions")
