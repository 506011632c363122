"""How the CLI says what went wrong: every error a user can cause and fix is one
`Error: ...` line on stderr and a non-zero exit, said in one place, the group's class."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from bot.errors import FactbotError, QuestionSetError, ValidationError
from bot.knowledge import KnowledgeError
from bot.settings import SettingsError

MAX_PROBLEMS_SHOWN = 10


class BadSetting(click.ClickException):
    """A setting to fix: exit 2, as click's own usage errors, not a failed command's 1."""

    exit_code = 2


def one_line(problems: list[str]) -> str:
    """Problems in one line, as many as a reader can act on at once."""
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    return f"{shown}; and {hidden} more" if hidden > 0 else shown


def known_error(error: Exception) -> click.ClickException | None:
    """The one line (and exit code) for an error a user can cause and fix, else None."""
    if isinstance(error, ValidationError):
        return click.ClickException(one_line(error.problems))
    if isinstance(error, FactbotError | QuestionSetError):
        return click.ClickException(str(error))
    if isinstance(error, KnowledgeError):
        return click.ClickException(
            f"the knowledge files have {len(error.problems)} problem(s), the first: "
            f"{error.problems[0]}; `python -m bot check` lists them all"
        )
    if isinstance(error, SettingsError):
        return BadSetting(str(error))
    return None


class OneLineErrors(click.Group):
    """click, with every error a user can cause said in one line on stderr, and a non-zero
    exit: a usage error (with where to find help) instead of the usage block, and the
    service's, the knowledge files' and the settings' errors (see `known_error`)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            said = known_error(error)
            if said is None:
                raise
            raise said from None

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
        except OSError as error:
            # The system refused (a full disk under the output, a device gone): one line.
            # click has already ended a closed pipe quietly, as a reader like `head` wants.
            where = f": {error.filename}" if error.filename else ""
            click.echo(f"Error: {error.strerror or error}{where}", err=True)
            sys.exit(1)
        # Without standalone mode click returns an exit code only for an explicit exit
        # (--help, --version); a command that finished returns None.
        sys.exit(outcome if isinstance(outcome, int) else 0)
