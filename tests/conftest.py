"""Shared fixtures: real SQLite files in a temporary folder, the shipped knowledge, the CLI.

The tests mirror the package: tests/unit/<module path> holds the tests of one module
(tests/unit/test_store.py for bot/store.py, tests/unit/matcher/test_understand.py for
bot/matcher/understand.py; a module with more to test than one file holds gets
test_<module>_<aspect>.py). tests/process runs the bot as processes (`python -m bot`,
kills, concurrent writers, faults, question-set scores); tests/project checks the
repository as a whole; tests/e2e runs the Discord bot against tests/fakediscord.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import Knowledge, default_knowledge_dir, load_knowledge
from bot.service import FactService
from tests.helpers import Cli


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(default_knowledge_dir())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "factbot.db"


@pytest.fixture
def service(db_path: Path) -> Iterator[FactService]:
    opened = FactService.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of knowledge/ that a test may edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target


@pytest.fixture
def cli(db_path: Path) -> Cli:
    """The CLI on the test's database, as no server in particular."""
    return Cli(db_path)
