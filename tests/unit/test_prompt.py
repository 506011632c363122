"""`python -m bot chat`: on a real pseudo-terminal (line editing, history, Ctrl-C) and from
a pipe, against real SQLite files and a history file under a temporary home."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.service import FactService

UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_D = "\x04"
PROMPT = "you> "
# Generous, so a slow shared machine never hangs a test; a healthy run takes a second.
READ_TIMEOUT = 60.0
CTRL_C_TRIES = 6
UNANSWERABLE = "Who is the mayor of Aleppo?"


def chat_env(home: Path, state: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FACTBOT_DB", "XDG_STATE_HOME")}
    env.update(HOME=str(home), TERM="xterm", INPUTRC=os.devnull)
    if state is not None:
        env["XDG_STATE_HOME"] = str(state)
    return env


class Terminal:
    """`python -m bot --db DB chat` with a pseudo-terminal as its controlling terminal, so
    readline is used and Ctrl-C sends SIGINT, as when a person runs it."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        argv = [sys.executable, "-m", "bot", "--db", str(db), "chat"]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the chat at once
            try:
                # As in a person's shell: a test runner started in the background may
                # have inherited SIGINT ignored, and Ctrl-C would then do nothing.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.chdir(db.parent)  # away from the repository's .env
                os.execve(sys.executable, argv, env)
            finally:
                os._exit(127)
        self.output = ""  # everything read so far
        self._seen = 0  # where the next expect() starts looking

    def expect(self, text: str, timeout: float = READ_TIMEOUT) -> str:
        """Read until `text` appears; the output up to and including it."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(text, self._seen)) < 0:
            if not self._read(deadline):
                raise AssertionError(f"never saw {text!r}; the output was:\n{self.output}")
        start, self._seen = self._seen, found + len(text)
        return self.output[start : self._seen]

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def ask(self, keys: str) -> str:
        """Wait for the prompt, type `keys` and Enter; the reply, up to the next prompt."""
        self.expect(PROMPT)
        self.type(keys + "\r")
        reply = self.expect(PROMPT)
        self._seen -= len(PROMPT)  # leave that prompt for the next ask
        return reply

    def interrupt(self) -> None:
        """Press Ctrl-C, again if need be, until the chat shows a fresh prompt.

        A SIGINT that lands just before CPython's readline loop starts waiting for a key
        is only acted on at the next key; a person would press Ctrl-C again."""
        for _ in range(CTRL_C_TRIES):
            self.type(CTRL_C)
            try:
                self.expect(PROMPT, timeout=READ_TIMEOUT / CTRL_C_TRIES)
            except AssertionError:
                continue
            self._seen -= len(PROMPT)  # leave that prompt for the next ask
            return
        raise AssertionError(f"Ctrl-C never gave a fresh prompt; the output was:\n{self.output}")

    def leave(self, keys: str) -> int:
        """Wait for the prompt, type `keys` (which should end the chat); its exit code."""
        self.expect(PROMPT)
        self.type(keys)
        return self.exit_code()

    def exit_code(self) -> int:
        """Read to the end, then wait for the chat to exit."""
        deadline = time.monotonic() + READ_TIMEOUT
        while self._read(deadline):
            pass
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # Linux says EIO once the child has closed the terminal
            return False
        self.output += data.decode("utf-8", "replace")
        return bool(data)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


class OpenChat(Protocol):
    """Opens a chat on a terminal of its own, in the test's home unless given another
    environment."""

    def __call__(self, env: dict[str, str] | None = None) -> Terminal: ...


@pytest.fixture
def terminal(db_path: Path, home: Path, state: Path) -> Iterator[OpenChat]:
    """Opens chats on terminals of their own; each is killed at the end if still running."""
    opened: list[Terminal] = []

    class Opened(Terminal):
        def __init__(self, env: dict[str, str] | None = None) -> None:
            super().__init__(db_path, env or chat_env(home, state))
            opened.append(self)

    home.mkdir()
    yield Opened
    for chat in opened:
        chat.close()


def unanswered(db_path: Path) -> str:
    result = CliRunner().invoke(main, ["--db", str(db_path), "unanswered"])
    assert result.exit_code == 0, result.output
    return result.output


def test_up_arrow_recalls_the_previous_question(terminal: OpenChat, db_path: Path) -> None:
    chat = terminal()
    assert "doesn't say" in chat.ask(UNANSWERABLE)
    assert "doesn't say" in chat.ask(UP)  # asked again, not "^[[A"
    assert chat.leave("quit\r") == 0
    logged = unanswered(db_path)
    assert f"2  {UNANSWERABLE}" in logged
    assert "[A" not in logged


def test_history_lasts_into_the_next_session(terminal: OpenChat, db_path: Path, home: Path) -> None:
    env = chat_env(home, state=None)  # no XDG_STATE_HOME: the file goes under ~/.local/state
    first = terminal(env)
    first.ask(UNANSWERABLE)
    first.ask("help")
    assert first.leave("exit\r") == 0
    history = home / ".local" / "state" / "factbot" / "chat_history"
    # Only questions are kept: commands would be noise to recall.
    assert history.read_text().splitlines() == [UNANSWERABLE]

    second = terminal(env)
    assert "doesn't say" in second.ask(UP)
    assert second.leave("\r") == 0  # an empty line leaves too
    assert f"2  {UNANSWERABLE}" in unanswered(db_path)


def test_the_history_file_is_capped(terminal: OpenChat, state: Path) -> None:
    history = state / "factbot" / "chat_history"
    history.parent.mkdir(parents=True)
    history.write_text("".join(f"old question {n}\n" for n in range(1500)))
    chat = terminal()
    chat.ask(UNANSWERABLE)
    assert chat.leave("quit\r") == 0
    lines = history.read_text().splitlines()
    assert len(lines) == 1000
    assert lines[-2:] == ["old question 1499", UNANSWERABLE]


def test_a_history_file_that_cannot_be_used_does_not_break_the_chat(
    terminal: OpenChat, state: Path, db_path: Path
) -> None:
    (state / "factbot" / "chat_history").mkdir(parents=True)  # neither readable nor writable
    chat = terminal()
    assert "Syrian Observatory" in chat.ask("Did the rebels take the airport?")
    assert chat.leave("quit\r") == 0
    assert "could not read the chat history" in chat.output
    assert "could not save the chat history" in chat.output
    assert "Traceback" not in chat.output


def test_help_explains_and_quit_leaves(terminal: OpenChat, db_path: Path) -> None:
    chat = terminal()
    reply = chat.ask("help")
    assert "each with who claimed it" in reply  # what the bot knows
    assert "type a number" in reply and "quit" in reply  # how to choose, and to leave
    assert chat.leave("quit\r") == 0
    assert "no unanswered questions" in unanswered(db_path)


def test_ctrl_c_clears_the_line_and_ctrl_d_leaves(terminal: OpenChat, db_path: Path) -> None:
    chat = terminal()
    chat.expect(PROMPT)
    chat.type("Who is the mayor")
    chat.expect("mayor")  # readline has the text on its line
    chat.interrupt()
    # The chat goes on, and the half-typed line was dropped, not asked nor kept.
    assert "Syrian Observatory" in chat.ask("Did the rebels take the airport?")
    assert chat.leave(CTRL_D) == 0
    assert "Traceback" not in chat.output
    assert "no unanswered questions" in unanswered(db_path)


def test_choice_numbers_out_of_range_are_neither_asked_nor_logged(db_path: Path) -> None:
    service = FactService.open(db_path)
    try:
        offered = service.ask("rebels", log=False).suggestions
        assert len(offered) >= 2, "the test needs a question that gets several choices"
        chosen = service.answer_fact(offered[1].fact_id).message
    finally:
        service.close()
    lines = ["7", "rebels", "9", "0", "2", "3", ""]
    result = CliRunner().invoke(main, ["--db", str(db_path), "chat"], input="\n".join(lines))
    assert result.exit_code == 0, result.output
    assert "No choices to pick from" in result.output
    assert result.output.count(f"Choose 1 to {len(offered)}") == 2  # for 9 and for 0
    assert chosen in result.output
    # Once chosen, the choices are spent: 3 picks nothing.
    assert result.output.count("No choices to pick from") == 2
    assert "no unanswered questions" in unanswered(db_path)


def test_piped_questions_are_answered_line_by_line_without_prompts(db_path: Path) -> None:
    piped = b"Did the rebels take the airport?\n\xff\xfe garbled bytes\n" + UNANSWERABLE.encode()
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "chat"],
        input=piped,
        capture_output=True,
        timeout=READ_TIMEOUT,
        cwd=db_path.parent,
    )
    out = completed.stdout.decode()
    assert completed.returncode == 0, completed.stderr.decode()
    # Replies only: no banner, no prompts.
    assert "factbot:" not in out and PROMPT.strip() not in out
    assert "Syrian Observatory" in out and "doesn't say" in out
    assert completed.stderr == b""
    assert f"1  {UNANSWERABLE}" in unanswered(db_path)
