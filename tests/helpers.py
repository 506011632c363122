"""What several test modules share: where the repository and the question sets are, the
question sets' questions, the real click CLI run on one database (in this process or in
one of its own), and looks at a store from outside it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli import main
from bot.feed import FeedMark
from bot.models import Fact
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
VALIDATION_QUESTIONS = DATA / "validation-questions.jsonl"
# The shared development and chat sets live beside the checkout, when they are there.
SHARED_EVAL = REPO.parent / "shared" / "eval"


def questions_in(path: Path) -> list[str]:
    """The `q` of every item of a question set."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


class Cli:
    """`python -m bot --db <database> [--guild <server>] ...` through click's runner, so a
    test sees the exit code and the output a user would."""

    def __init__(self, db_path: Path, guild: int | None = None) -> None:
        self.db_path = db_path
        self.guild = guild
        self.runner = CliRunner()

    def __call__(
        self, *args: str, input: str | bytes | None = None, guild: int | None = None
    ) -> Result:
        server = self.guild if guild is None else guild
        prefix = ["--db", str(self.db_path)]
        if server is not None:
            prefix += ["--guild", str(server)]
        return self.runner.invoke(main, [*prefix, *args], input=input, catch_exceptions=False)

    def ok(self, *args: str, input: str | bytes | None = None, guild: int | None = None) -> str:
        """The output of a command that must succeed."""
        result = self(*args, input=input, guild=guild)
        assert result.exit_code == 0, result.output
        return result.output


def bot_process(
    db: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot --db DB ARGS` run to the end in a process of its own, which must
    succeed without a traceback."""
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    return completed


def moderator_fact(points: tuple[str, ...], fact_id: str = "a-fact", guild_id: int = 0) -> Fact:
    """A moderator's fact with two phrasings, a quote-less AFP report and these points."""
    return Fact(
        fact_id,
        "A statement.",
        "afp",
        ("first phrasing", "second phrasing"),
        reported_by="AFP",
        quote=None,
        date="2024-11-30",
        topics=("territory",),
        points=points,
        guild_id=guild_id,
        origin="moderator",
    )


def last_change(store: Store) -> FeedMark:
    """The latest entry of the audit log, as the change feed names it: the same after a
    refused write as before it, since every write is audited in its transaction."""
    return store.feed.index_state().mark


def integrity(store: Store) -> str:
    """SQLite's own check of the store's file, through a connection of its own."""
    connection = sqlite3.connect(store.path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()
