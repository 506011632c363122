"""Asking from the shell: one question, a stream of them, a chat, a scored question set."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from bot.cli.context import Context, pass_context
from bot.cli.pool import (
    MAX_JOBS,
    WorkerStopped,
    answer_in_processes,
    available_cpus,
    default_jobs,
    worker_command,
)
from bot.models import AskResult


def _print_result(result: AskResult) -> None:
    click.echo(result.message)


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per question).")
@click.option(
    "--jobs",
    type=click.IntRange(1, MAX_JOBS),
    help="Processes answering `--json -`, answers kept in order "
    "(default: one per CPU when the questions are piped in, one when typed).",
)
@pass_context
def ask(ctx: Context, question: str, as_json: bool, jobs: int | None) -> None:
    """Answer QUESTION; with '-', answer each line of standard input."""
    streaming = question == "-"
    if jobs is not None and jobs > 1 and not (streaming and as_json):
        raise click.UsageError("--jobs above 1 needs --json and '-' (questions on stdin)")
    if streaming and as_json:
        jobs = jobs or default_jobs(
            typed=sys.stdin.isatty(), cpus=available_cpus(), encoding=sys.stdout.encoding
        )
        if jobs > 1:
            _answer_in_processes(ctx, jobs)
            return
    questions = _stdin_questions() if streaming else [question]
    for result in ctx.service.ask_stream(questions, ctx.guild):
        if as_json:
            # One line per question as it is answered, so a pipe gets answers as it goes.
            # color=True: JSON escapes every control character, so there are no terminal
            # codes to strip, and looking for them cost as much as encoding the line.
            click.echo(json.dumps(result.to_json(), ensure_ascii=False), color=True)
            sys.stdout.flush()
        else:
            _print_result(result)
            if streaming:
                click.echo()


def _answer_in_processes(ctx: Context, jobs: int) -> None:
    settings = ctx.settings  # read here, so a bad setting is said once, not by each process
    command = worker_command(settings.db_path, settings.knowledge_dir, ctx.guild)
    try:
        answer_in_processes(_stdin_questions(), command, jobs, sys.stdout.buffer, sys.stderr.buffer)
    except WorkerStopped as error:
        if not error.explained:
            raise click.ClickException(str(error)) from None
        # It said why, in one line, as this process would have: exit as it did.
        click.get_current_context().exit(error.code if error.code > 0 else 1)


def _stdin_questions() -> Iterator[str]:
    return (line.rstrip("\n") for line in sys.stdin if line.strip())


@click.command()
@pass_context
def chat(ctx: Context) -> None:
    """Talk to the bot in the terminal: line editing, history, `help`; `quit` to leave."""
    from bot.prompt import run_chat  # here, so other commands need not load the prompt

    run_chat(ctx.service, ctx.guild)


@click.command(name="eval")
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
    from bot.evaluation import evaluate, load_questions  # here: `ask` does without

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
