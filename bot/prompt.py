"""The terminal chat (`python -m bot chat`): one conversation with the bot, line by line.

On a terminal, lines are read through readline: line editing, and a history of questions
kept across sessions. From a pipe, lines are read plainly, with no prompt, so the output
holds only the replies.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TextIO

import click

from bot import compose
from bot.errors import FactbotError
from bot.models import AskResult, Suggestion
from bot.service import FactService

PROMPT = "you> "
# Lines kept in the history file; older ones are dropped when it is written.
HISTORY_LENGTH = 1000
QUIT_WORDS = frozenset({"quit", "exit"})
HELP_WORD = "help"
CHOICE_NUMBER = re.compile(r"[0-9]+")


def history_path(env: Mapping[str, str] = os.environ) -> Path | None:
    """`$XDG_STATE_HOME/factbot/chat_history`, i.e. `~/.local/state/factbot/chat_history`;
    None when there is no home to keep it in."""
    state_home = env.get("XDG_STATE_HOME", "").strip()
    # The XDG spec says a relative path is invalid and must be ignored.
    if state_home and Path(state_home).is_absolute():
        base = Path(state_home)
    else:
        try:
            base = Path.home() / ".local" / "state"
        except RuntimeError:
            return None
    return base / "factbot" / "chat_history"


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    # Whether the line was put to the bot as a question (and so belongs in the history).
    asked: bool = False


class Chat:
    """What the bot replies to each line: an answer, the chosen suggestion, or a command's
    reply. It remembers the "did you mean" choices last offered, so a number can pick one."""

    def __init__(self, service: FactService, guild_id: int) -> None:
        self.service = service
        self.guild_id = guild_id
        self.pending: tuple[Suggestion, ...] = ()

    def banner(self) -> str:
        count = self.service.about(self.guild_id).fact_count
        article = self.service.knowledge.article
        return (
            f"factbot: ask about {compose.article_description(article)}. {count} facts. "
            "Type help for help; quit, Ctrl-D or an empty line to leave."
        )

    def help(self) -> str:
        about = self.service.about(self.guild_id)
        article = self.service.knowledge.article
        return (
            f"{compose.help_text(article, about.fact_count, about.reach)}\n\n"
            "When I offer numbered “did you mean” choices, type a number to pick one.\n"
            "Up and Down arrows bring back your earlier questions.\n"
            "Commands: help (this text); quit or exit, Ctrl-D or an empty line to leave."
        )

    def respond(self, line: str) -> Reply | None:
        """The reply to one line, or None when the line asks to leave."""
        text = line.strip()
        word = text.lower()
        if not text or word in QUIT_WORDS:
            return None
        if word == HELP_WORD:
            return Reply(self.help())
        if CHOICE_NUMBER.fullmatch(text):
            # A bare number is a choice, never a question: it would only be logged as
            # unanswered for moderators to puzzle over.
            return Reply(self._choose(int(text)))
        result = self.service.ask(text, self.guild_id)
        self.pending = result.suggestions
        return Reply(self._shown(result), asked=True)

    def _choose(self, number: int) -> str:
        if not self.pending:
            return "No choices to pick from: ask a question first."
        if not 1 <= number <= len(self.pending):
            return f"Choose {self._range()}, or ask a question."
        fact_id = self.pending[number - 1].fact_id
        try:
            result = self.service.answer_fact(fact_id, self.guild_id)
        except FactbotError as error:  # a moderator removed the fact meanwhile
            return str(error)
        self.pending = ()
        return result.message

    def _shown(self, result: AskResult) -> str:
        if not result.suggestions:
            return result.message
        return f"{result.message}\n  (type {self._range()} to choose)"

    def _range(self) -> str:
        return "1" if len(self.pending) == 1 else f"1 to {len(self.pending)}"


class History:
    """The readline history of questions, kept in a file across sessions. A file that
    cannot be read or written costs the history, never the chat."""

    def __init__(self, readline: ModuleType, path: Path | None, err: TextIO) -> None:
        self.readline = readline
        self.path = path
        self.err = err
        self._loaded = 0
        # Only questions go in; commands and choice numbers would be noise to recall.
        readline.set_auto_history(False)

    def load(self) -> None:
        if self.path is None:
            return
        try:
            self.readline.read_history_file(str(self.path))
        except FileNotFoundError:
            pass
        except OSError as error:
            self._warn("read", error)
        self._loaded = self.readline.get_current_history_length()

    def add(self, line: str) -> None:
        length = self.readline.get_current_history_length()
        if length and self.readline.get_history_item(length) == line:
            return  # the same question again: one entry is enough to recall it
        self.readline.add_history(line)

    def save(self) -> None:
        if self.path is None:
            return
        self.readline.set_history_length(HISTORY_LENGTH)
        new = self.readline.get_current_history_length() - self._loaded
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Appending keeps what another session wrote meanwhile (and trims the file);
            # some readline builds lack it, and it needs the file to exist.
            append = getattr(self.readline, "append_history_file", None)
            if append is not None and self.path.exists():
                append(new, str(self.path))
            else:
                self.readline.write_history_file(str(self.path))
        except OSError as error:
            self._warn("save", error)

    def _warn(self, verb: str, error: OSError) -> None:
        reason = error.strerror or type(error).__name__
        click.echo(f"(could not {verb} the chat history {self.path}: {reason})", file=self.err)


def run_chat(
    service: FactService,
    guild_id: int,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> None:
    """Converse until the user leaves: with editing and history on a terminal, plainly
    from a pipe. On a terminal, lines are read with input(), so through the process's own
    standard input and output."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    chat = Chat(service, guild_id)
    if stdin.isatty():
        _converse_on_terminal(chat, out, stderr or sys.stderr)
    else:
        _converse_on_stream(chat, stdin, out)


def _converse_on_terminal(chat: Chat, out: TextIO, err: TextIO) -> None:
    readline = _readline()
    history = History(readline, history_path(), err) if readline else None
    if history:
        history.load()
    click.echo(chat.banner(), file=out)
    try:
        while True:
            try:
                line = input(PROMPT)
                reply = chat.respond(line)
            except KeyboardInterrupt:
                # Ctrl-C drops the line being typed (or the answer being sought): start afresh.
                click.echo(file=out)
                continue
            except EOFError:
                click.echo(file=out)  # Ctrl-D: end the prompt's line before the shell's
                return
            except UnicodeDecodeError:
                click.echo("That line is not valid text; please type it again.", file=out)
                continue
            if reply is None:
                return
            if history and reply.asked:
                history.add(line.strip())
            click.echo(f"{reply.text}\n", file=out)
    finally:
        if history:
            history.save()


def _converse_on_stream(chat: Chat, stdin: TextIO, out: TextIO) -> None:
    try:
        for line in _lines(stdin):
            reply = chat.respond(line)
            if reply is None:
                return
            click.echo(f"{reply.text}\n", file=out)
    except KeyboardInterrupt:
        return  # nobody is typing: Ctrl-C means stop


def _lines(stdin: TextIO) -> Iterator[str]:
    """Each line of a piped stdin; bytes that are not valid text do not stop the chat."""
    raw = getattr(stdin, "buffer", None)
    if raw is None:
        yield from stdin
        return
    encoding = stdin.encoding or "utf-8"
    for line in iter(raw.readline, b""):
        yield line.decode(encoding, "replace")


def _readline() -> ModuleType | None:
    """The readline module, or None where Python has none (Windows): input() then still
    reads lines, with whatever editing the console itself offers."""
    try:
        import readline
    except ImportError:
        return None
    return readline
