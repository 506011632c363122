"""Asking from the shell: one question, a stream of them, a chat, a scored question set."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from bot.cli.context import Context, pass_context
from bot.models import AskResult


def _print_result(result: AskResult) -> None:
    click.echo(result.message)


@click.command()
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
            # color=True: JSON escapes every control character, so there are no terminal
            # codes to strip, and looking for them cost as much as encoding the line.
            click.echo(json.dumps(result.to_json(), ensure_ascii=False), color=True)
            sys.stdout.flush()
        else:
            _print_result(result)
            if streaming:
                click.echo()


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
