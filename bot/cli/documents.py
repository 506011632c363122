"""`python -m bot documents`: add, list and show the source texts facts quote, and draft
facts from one."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.cli.context import Context, actor
from bot.documents.library import DocumentDraft, Documents
from bot.documents.records import MAX_DOCUMENT_BYTES, DocumentInfo
from bot.models import GLOBAL

F = TypeVar("F", bound=Callable[..., Any])

# How much of the text `show` prints: enough to recognise the document.
SHOWN_CHARACTERS = 600


def _documents(ctx: Context) -> Documents:
    return Documents(ctx.service.store)


@click.group()
def documents() -> None:
    """The source texts facts quote: add, list, show, draft."""


@documents.command(name="add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="The document's headline or title.")
@click.option("--outlet", required=True, help="Who published it (a news agency, a ministry...).")
@click.option("--date", required=True, help="When it was published, YYYY-MM-DD.")
@click.option("--url", help="Where it was published, an http(s) address.")
@click.pass_obj
def documents_add(
    ctx: Context, file: Path, title: str, outlet: str, date: str, url: str | None
) -> None:
    """Store the plain-text FILE as a document of this server; prints its id."""
    with file.open("rb") as handle:
        # One byte past the limit is enough to say the file is too large.
        data = handle.read(MAX_DOCUMENT_BYTES + 1)
    draft = DocumentDraft(title=title, outlet=outlet, date=date, text=data, url=url)
    document = _documents(ctx).add(draft, guild_id=ctx.guild, actor=actor())
    click.echo(document.id)


def _scope(document: DocumentInfo) -> str:
    return "curated" if document.guild_id == GLOBAL else f"guild {document.guild_id}"


@documents.command(name="list")
@click.pass_obj
def documents_list(ctx: Context) -> None:
    """The documents this server sees: its own and the curated ones."""
    found = _documents(ctx).list(ctx.guild)
    for document in found:
        click.echo(
            f"{document.id}  {document.date}  {document.outlet}  ({_scope(document)})\n"
            f"    {document.title}"
        )
    click.echo(f"{len(found)} document(s)")


@documents.command(name="show")
@click.argument("document_id")
@click.pass_obj
def documents_show(ctx: Context, document_id: str) -> None:
    """A document's details and the start of its text."""
    document = _documents(ctx).show(ctx.guild, document_id)
    start = document.text[:SHOWN_CHARACTERS].rstrip()
    more = document.characters - SHOWN_CHARACTERS
    lines = [
        f"id:       {document.id}",
        f"title:    {document.title}",
        f"outlet:   {document.outlet}",
        f"date:     {document.date}",
        f"url:      {document.url or '-'}",
        f"scope:    {'every server' if document.guild_id == GLOBAL else _scope(document)}",
        f"added:    {document.added_at} by {document.added_by}",
        f"length:   {document.characters} characters",
        "",
        start + (f"\n… ({more} more characters)" if more > 0 else ""),
    ]
    click.echo("\n".join(lines))


@documents.command(name="draft")
@click.argument("document_id")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write (default: standard output).",
)
@click.pass_obj
def documents_draft(ctx: Context, document_id: str, output: Any) -> None:
    """Draft a fact from every attributed claim in a document, as JSON Lines that
    `facts import` takes; claims already facts here, or rejected, are left out.

    A draft whose claimant is not yet a source names it; the `sources add` commands to
    run before the import are printed on standard error."""
    # Here, not at the top: the drafter is needed by this command alone, and `ask` starts
    # faster without it.
    from bot.review import DraftReview, draft_record

    drafts = DraftReview(ctx.service).pending(ctx.guild, document_id)
    for draft in drafts:
        output.write(json.dumps(draft_record(draft, document_id), ensure_ascii=False) + "\n")
    new_sources = dict.fromkeys(draft.source_name for draft in drafts if draft.new_source)
    # The same database as this command, when it was named.
    database = f"--db {shlex.quote(str(ctx.db))} " if ctx.db is not None else ""
    for name in new_sources:
        command = f"python -m bot {database}--guild {ctx.guild} sources add {shlex.quote(name)}"
        click.echo(f"new source, create it first: {command}", err=True)
    click.echo(f"{len(drafts)} draft(s), {len(new_sources)} new source(s)", err=True)
