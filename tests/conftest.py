"""Shared fixtures: real SQLite files in a temporary folder, the shipped knowledge."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.feed import FeedMark
from bot.knowledge import Knowledge, default_knowledge_dir, load_knowledge
from bot.service import FactService
from bot.store import Store

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
