"""Shared fixtures: real SQLite files in a temporary folder, the shipped knowledge."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import Knowledge, default_knowledge_dir, load_knowledge
from bot.service import FactService

REPO = Path(__file__).resolve().parent.parent
SHARED_EVAL = REPO.parent / "shared" / "eval"


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
