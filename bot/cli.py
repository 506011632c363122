"""The command line: ask, chat, check, eval, and every moderator operation.

Nothing here imports discord: `run` loads the Discord front end only when it is called,
so asking from the shell starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from bot import compose
from bot.cli_context import GUILD, Context, actor
from bot.cli_errors import OneLineErrors
from bot.compressed import gunzip_within
from bot.curated_documents import curated_documents
from bot.document_cli import documents
from bot.drafts import FactDraft
from bot.evaluation import evaluate, load_questions
from bot.knowledge import KnowledgeError, check_knowledge, read_article
from bot.models import GLOBAL, AskResult
from bot.transfer import MAX_IMPORT_BYTES

F = TypeVar("F", bound=Callable[..., Any])


pass_context = click.make_pass_decorator(Context)


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


main.add_command(documents)


# -- asking ---------------------------------------------------------------------------


def _print_result(result: AskResult) -> None:
    click.echo(result.message)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per question).")
@pass_context
def ask(ctx: Context, question: str, as_json: bool) -> None:
    """Answer QUESTION; with '-', answer each line of standard input."""
    streaming = question == "-"
    questions = _stdin_questions() if streaming else [question]
    for result in ctx.service.ask_stream(questions, ctx.guild):
        if as_json:
            # One line per question as it is answered, so a pipe gets answers as it goes.
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
            sys.stdout.flush()
        else:
            _print_result(result)
            if streaming:
                click.echo()


def _stdin_questions() -> Iterator[str]:
    return (line.rstrip("\n") for line in sys.stdin if line.strip())


@main.command()
@pass_context
def chat(ctx: Context) -> None:
    """Talk to the bot in the terminal: line editing, history, `help`; `quit` to leave."""
    from bot.prompt import run_chat  # here, so other commands need not load the prompt

    run_chat(ctx.service, ctx.guild)


# -- checking and evaluating ----------------------------------------------------------


@main.command()
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


@main.command(name="eval")
@click.argument("questions_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--answers-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the ask --json objects here, one per line.",
)
@click.option(
    "--max-phrasings",
    metavar="K",
    help="Index only each fact's first K phrasings (K >= 1); the database is not changed.",
)
@pass_context
def eval_command(
    ctx: Context, questions_file: Path, answers_out: Path | None, max_phrasings: str | None
) -> None:
    """Score a question set (the shared/eval format): failures, then a summary line."""
    limit = _phrasing_limit(max_phrasings)
    questions = load_questions(questions_file)
    if limit is None:
        service = ctx.service
    else:
        # A service of its own: the shared one indexes every phrasing.
        service = ctx.open_service(phrasing_limit=limit)
        click.echo(f"eval: facts cut to their first {limit} phrasing(s)", err=True)
    outputs: list[dict[str, Any]] = []

    def ask_one(question: str) -> dict[str, Any]:
        result = service.ask(question, ctx.guild, log=False).to_json()
        outputs.append(result)
        return result

    try:
        tally = evaluate(questions, ask_one)
    finally:
        if limit is not None:
            service.close()
    for failure in tally.failures:
        click.echo(failure)
    if answers_out:
        answers_out.write_text(
            "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in outputs), encoding="utf-8"
        )
    click.echo(tally.summary())


def _phrasing_limit(value: str | None) -> int | None:
    """`--max-phrasings` as a number, or one clear line saying what is wrong with it."""
    if value is None:
        return None
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 1:
        raise click.ClickException(f"--max-phrasings must be a whole number >= 1, not {value!r}")
    return limit


# -- moderating -----------------------------------------------------------------------


@main.group()
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
    click.echo(compose.card_text(compose.fact_card(fact, ctx.service.citation(fact, ctx.guild))))


def _draft_options(command: F) -> F:
    options = [
        click.option("--statement", help="The claim, one self-contained sentence."),
        click.option("--source", help="Who made the claim: a source id, name or alias."),
        click.option(
            "--questions", help="Question phrasings that lead to the fact, separated by '|'."
        ),
        click.option("--reported-by", help="The outlet that reported it."),
        click.option("--quote", help="The verbatim words the fact rests on."),
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
    )


@main.group()
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


@main.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@pass_context
def unanswered(ctx: Context, limit: int) -> None:
    """Questions the bot could not answer, most asked first."""
    rows = ctx.service.unanswered(ctx.guild, limit)
    for row in rows:
        click.echo(f"{row.count:>4}  {row.question}")
    if not rows:
        click.echo("no unanswered questions")


@main.command()
@click.option("--force", is_flag=True, help="Re-read every curated fact even if unchanged.")
@pass_context
def seed(ctx: Context, force: bool) -> None:
    """Bring the database in line with the knowledge files."""
    report = ctx.service.reseed(force=force)
    click.echo(
        f"seed: {report.added} added, {report.updated} updated, {report.retired} retired, "
        f"{report.unchanged} unchanged"
    )


@main.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def backup(ctx: Context, target: Path) -> None:
    """Copy the live database to TARGET, consistently, while the bot runs."""
    if target.exists():
        raise click.ClickException(f"{target} already exists; choose a new file")
    ctx.service.backup(target)
    click.echo(f"backed up to {target}")


@main.command()
@click.option("--env-file", default=".env", show_default=True, help="Settings file to read.")
@pass_context
def run(ctx: Context, env_file: str) -> None:
    """Start the Discord bot (needs DISCORD_TOKEN)."""
    settings = ctx.bot_settings(env_file)
    from bot.discordbot.runner import run_bot  # deferred: discord.py is slow to import

    sys.exit(run_bot(settings))


@main.command()
@click.option("--env-file", default=".env", show_default=True, help="Settings file to read.")
@pass_context
def sync(ctx: Context, env_file: str) -> None:
    """Sync the slash commands to Discord now (`run` syncs only when they changed)."""
    settings = ctx.bot_settings(env_file)
    from bot.discordbot.runner import sync_bot  # deferred: discord.py is slow to import

    sys.exit(sync_bot(settings))
