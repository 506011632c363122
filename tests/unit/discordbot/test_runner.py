"""The bot's log lines: coloured on a terminal only, never with escape codes in a pipe."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import discord.utils
import pytest

from bot.discordbot.runner import configure_logging
from bot.settings import BotSettings

SETTINGS = BotSettings(token="a.b.c", db_path=Path("unused.db"))


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, put back as it was (configure_logging sets its level)."""
    root = logging.getLogger()
    level = root.level
    yield root
    root.setLevel(level)


def log_through(root: logging.Logger, stream: TextIO) -> None:
    handler = configure_logging(SETTINGS, stream)
    try:
        logging.getLogger("factbot.test.colour").warning("a log line")
    finally:
        root.removeHandler(handler)


def test_colour_only_when_the_stream_is_a_terminal(
    root_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a Docker container discord.py would colour any stream (it finds /.dockerenv).
    monkeypatch.setattr(discord.utils, "is_docker", lambda: True)
    piped = io.StringIO()
    log_through(root_logger, piped)
    assert "a log line" in piped.getvalue() and "\x1b[" not in piped.getvalue()

    leader, follower = os.openpty()
    try:
        with os.fdopen(follower, "w") as terminal:
            log_through(root_logger, terminal)
        shown = os.read(leader, 4096)
    finally:
        os.close(leader)
    assert b"a log line" in shown and b"\x1b[" in shown
