"""The command line: ask, chat, check, eval, and every moderator operation.

Nothing here imports discord: `run` loads the Discord front end only when it is called,
so asking from the shell starts fast.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import update_wrapper
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.compressed import gunzip_within
from bot.document_cli import documents
from bot.errors import FactbotError, ValidationError
from bot.evaluation import QuestionSetError, evaluate, load_questions
from bot.knowledge import KnowledgeError, check_knowledge, default_knowledge_dir, split_points
from bot.models import DISCORD_ID_RANGE, GLOBAL, AskResult, AuditEntry, Fact
from bot.service import MAX_IMPORT_BYTES, FactDraft, FactService
from bot.settings import BotSettings, SettingsError, db_path, environment

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, db: Path | None, knowledge: Path | None, guild: int) -> None:
        self.db = db
        self.knowledge = knowledge
        self.guild = guild
        self._service: FactService | None = None

    @property
    def service(self) -> FactService:
        if self._service is None:
            path = self.db or db_path(environment())
            self._service = FactService.open(path, self.knowledge)
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


MAX_PROBLEMS_SHOWN = 10


def one_line(problems: list[str]) -> str:
    """Problems in one line, as many as a reader can act on at once."""
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    return f"{shown}; and {hidden} more" if hidden > 0 else shown


def friendly_errors(command: F) -> F:
    """Turn the errors a user can cause into one clear line and a non-zero exit."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationError as error:
            raise click.ClickException(one_line(error.problems)) from None
        except FactbotError as error:
            raise click.ClickException(str(error)) from None
        except KnowledgeError as error:
            raise click.ClickException(
                f"the knowledge files have {len(error.problems)} problem(s), the first: "
                f"{error.problems[0]}; `python -m bot check` lists them all"
            ) from None
        except SettingsError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(2)

    return update_wrapper(wrapper, command)  # type: ignore[return-value]


pass_context = click.make_pass_decorator(Context)


class GuildIdType(click.ParamType):  # type: ignore[type-arg]
    """0 for the shared, curated scope, or a Discord server id, as `run` will see them."""

    name = "server id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if not (text.isdigit() and (int(text) == GLOBAL or int(text) in DISCORD_ID_RANGE)):
            self.fail(f"{text!r} is not 0 or a Discord server id (15 to 21 digits)", param, ctx)
        return int(text)


GUILD = GuildIdType()


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


class OneLineErrors(click.Group):
    """click, with a usage error said in one line (with where to find help) instead of
    the usage block, so every bad input to `python -m bot` is one line on stderr."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            outcome = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as error:
            where = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            click.echo(f"Error: {error.format_message()}{where}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        # Without standalone mode click returns an exit code only for an explicit exit
        # (--help, --version); a command that finished returns None.
        sys.exit(outcome if isinstance(outcome, int) else 0)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: $FACTBOT_DB, else ~/.local/share/factbot/factbot.db).",
)
@click.option(
    "--knowledge",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Knowledge folder (default: the shipped knowledge/).",
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
    """factbot: answers about the rebel offensive on Aleppo (AFP, 30 November 2024)."""
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
@friendly_errors
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
@friendly_errors
def chat(ctx: Context) -> None:
    """Talk to the bot in the terminal: line editing, history, `help`; `quit` to leave."""
    from bot.prompt import run_chat  # here, so other commands need not load the prompt

    run_chat(ctx.service, ctx.guild)


# -- checking and evaluating ----------------------------------------------------------


@main.command()
@pass_context
def check(ctx: Context) -> None:
    """Validate the knowledge files and list every problem."""
    directory = ctx.knowledge or default_knowledge_dir()
    knowledge, problems = check_knowledge(directory)
    if problems or knowledge is None:
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        click.echo(f"check: {len(problems)} problem(s) in {directory}", err=True)
        sys.exit(1)
    phrasings = sum(len(f.questions) for f in knowledge.facts)
    click.echo(
        f"check: ok: {len(knowledge.facts)} facts, {phrasings} phrasings, "
        f"{len(knowledge.sources)} sources, {len(knowledge.lexicon.synonyms)} synonym groups"
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
@friendly_errors
def eval_command(
    ctx: Context, questions_file: Path, answers_out: Path | None, max_phrasings: str | None
) -> None:
    """Score a question set (the shared/eval format): failures, then a summary line."""
    limit = _phrasing_limit(max_phrasings)
    try:
        questions = load_questions(questions_file)
    except QuestionSetError as error:
        raise click.ClickException(str(error)) from None
    if limit is None:
        service = ctx.service
    else:
        # A service of its own: the shared one indexes every phrasing.
        path = ctx.db or db_path(environment())
        service = FactService.open(path, ctx.knowledge, phrasing_limit=limit)
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


def _fact_line(fact: Fact) -> str:
    state = "" if fact.active else " [removed]"
    scope = "curated" if fact.origin == "curated" else f"guild {fact.guild_id}"
    return f"{fact.id}{state}  ({fact.source}, {scope})\n    {fact.statement}"


def _fact_details(service: FactService, fact: Fact, guild: int) -> str:
    lines = [
        f"id:          {fact.id}{'' if fact.active else '  [removed]'}",
        f"statement:   {fact.statement}",
        f"source:      {service.citation(fact, guild).line()}",
        f"quote:       {fact.quote or '-'}",
        f"topics:      {', '.join(fact.topics) or '-'}",
        f"point:       {', '.join(fact.points) or '-'}",
        f"scope:       {'every server' if fact.guild_id == GLOBAL else f'guild {fact.guild_id}'}",
        "questions:",
        *(f"  - {q}" for q in fact.questions),
    ]
    return "\n".join(lines)


@facts.command(name="list")
@click.option("--all", "include_retired", is_flag=True, help="Include removed facts.")
@click.option("--source", help="Only facts from this source (id, name or alias).")
@pass_context
@friendly_errors
def facts_list(ctx: Context, include_retired: bool, source: str | None) -> None:
    """List the facts this scope can see."""
    found = ctx.service.list_facts(ctx.guild, include_retired=include_retired, source=source)
    for fact in found:
        click.echo(_fact_line(fact))
    click.echo(f"{len(found)} fact(s)")


@facts.command(name="show")
@click.argument("fact_id")
@pass_context
@friendly_errors
def facts_show(ctx: Context, fact_id: str) -> None:
    """Show one fact in full."""
    click.echo(_fact_details(ctx.service, ctx.service.get_fact(fact_id, ctx.guild), ctx.guild))


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


def _draft(**values: str | None) -> FactDraft:
    questions = values.pop("questions")
    topics = values.pop("topics")
    point = values.pop("point")
    return FactDraft(
        questions=tuple(q for q in questions.split("|")) if questions is not None else None,
        topics=tuple(t for t in topics.split(",")) if topics is not None else None,
        point=split_points(point) if point is not None else None,
        **values,
    )


@facts.command(name="add")
@_draft_options
@pass_context
@friendly_errors
def facts_add(ctx: Context, /, **values: str | None) -> None:
    """Add a fact (needs --statement, --source and --questions)."""
    fact = ctx.service.add_fact(_draft(**values), guild_id=ctx.guild, actor=actor())
    click.echo(f"added {fact.id}")


@facts.command(name="edit")
@click.argument("fact_id")
@_draft_options
@pass_context
@friendly_errors
def facts_edit(ctx: Context, /, fact_id: str, **values: str | None) -> None:
    """Change some fields of a fact; --questions replaces all phrasings."""
    fact = ctx.service.edit_fact(fact_id, _draft(**values), guild_id=ctx.guild, actor=actor())
    click.echo(f"edited {fact.id}")


@facts.command(name="remove")
@click.argument("fact_id")
@pass_context
@friendly_errors
def facts_remove(ctx: Context, fact_id: str) -> None:
    """Retire a fact: the bot stops using it, and `restore` brings it back."""
    fact = ctx.service.remove_fact(fact_id, guild_id=ctx.guild, actor=actor())
    click.echo(f"removed {fact.id}")


@facts.command(name="restore")
@click.argument("fact_id")
@pass_context
@friendly_errors
def facts_restore(ctx: Context, fact_id: str) -> None:
    """Bring a removed fact back."""
    fact = ctx.service.restore_fact(fact_id, guild_id=ctx.guild, actor=actor())
    click.echo(f"restored {fact.id}")


def _history_line(entry: AuditEntry) -> str:
    return f"#{entry.id}  {entry.at}  {entry.action:<14} by {entry.actor}"


@facts.command(name="history")
@click.argument("fact_id")
@pass_context
@friendly_errors
def facts_history(ctx: Context, fact_id: str) -> None:
    """Every change to a fact, oldest first; `undo` takes a change's number."""
    for entry in ctx.service.history(fact_id, ctx.guild):
        click.echo(_history_line(entry))


@facts.command(name="undo")
@click.argument("change", type=int)
@pass_context
@friendly_errors
def facts_undo(ctx: Context, change: int) -> None:
    """Put a fact back as it was before change number CHANGE (see `history`)."""
    fact = ctx.service.undo(change, guild_id=ctx.guild, actor=actor())
    click.echo(f"undid #{change} on {fact.id}")


@facts.command(name="attach")
@click.argument("fact_id")
@click.argument("question")
@pass_context
@friendly_errors
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
@friendly_errors
def facts_export(ctx: Context, output: Any) -> None:
    """Write this scope's facts as JSON Lines."""
    output.write(ctx.service.export_jsonl(ctx.guild))


@facts.command(name="import")
@click.argument("file", type=click.File("rb"))
@pass_context
@friendly_errors
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
@friendly_errors
def sources_list(ctx: Context) -> None:
    """Sources with the number of facts each."""
    for source, count in ctx.service.source_counts(ctx.guild):
        click.echo(f"{count:>3}  {source.name}  [{source.id}]")


@sources.command(name="add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name for it (repeatable).")
@click.option("--description", default="", help="One line on who they are.")
@pass_context
@friendly_errors
def sources_add(ctx: Context, name: str, aliases: tuple[str, ...], description: str) -> None:
    """Create a source, so facts can be attributed to it."""
    source = ctx.service.add_source(
        name, guild_id=ctx.guild, aliases=aliases, description=description
    )
    click.echo(f"added source {source.id}")


@main.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@pass_context
@friendly_errors
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
@friendly_errors
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
@friendly_errors
def backup(ctx: Context, target: Path) -> None:
    """Copy the live database to TARGET, consistently, while the bot runs."""
    if target.exists():
        raise click.ClickException(f"{target} already exists; choose a new file")
    ctx.service.backup(target)
    click.echo(f"backed up to {target}")


@main.command()
@click.option("--env-file", default=".env", show_default=True, help="Settings file to read.")
def run(env_file: str) -> None:
    """Start the Discord bot (needs DISCORD_TOKEN)."""
    settings = _bot_settings(env_file)
    from bot.discordbot.runner import run_bot  # deferred: discord.py is slow to import

    sys.exit(run_bot(settings))


def _bot_settings(env_file: str) -> BotSettings:
    """The settings `run` and `sync` need; a missing or malformed one is one line, exit 2."""
    try:
        return BotSettings.from_env(environment(env_file))
    except SettingsError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


@main.command()
@click.option("--env-file", default=".env", show_default=True, help="Settings file to read.")
def sync(env_file: str) -> None:
    """Sync the slash commands to Discord now (`run` syncs only when they changed)."""
    settings = _bot_settings(env_file)
    from bot.discordbot.runner import sync_bot  # deferred: discord.py is slow to import

    sys.exit(sync_bot(settings))
