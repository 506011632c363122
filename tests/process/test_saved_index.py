"""`python -m bot` with the saved match index beside its database: asking saves it and the
next command starts from it, a write never makes it, and a command still answers as before
when it is deleted or garbled."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import bot_process

QUESTION = "who took aleppo"


def run(db: Path, *args: str, min_facts: str = "1") -> subprocess.CompletedProcess[str]:
    return bot_process(db, *args, env={"FACTBOT_SAVED_INDEX_MIN_FACTS": min_facts})


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "factbot.db"
    run(path, "seed", min_facts="5000")
    return path


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    """The test's own copy of a seeded database, with no saved index yet."""
    path = tmp_path / "factbot.db"
    shutil.copy(seeded, path)
    return path


def test_the_cli_answers_the_same_with_its_saved_index_deleted_or_garbled(db: Path) -> None:
    saved = Path(f"{db}.index")
    first = run(db, "ask", "--json", QUESTION).stdout
    assert saved.is_file()
    assert run(db, "ask", "--json", QUESTION).stdout == first  # from the saved index
    data = bytearray(saved.read_bytes())
    data[len(data) // 2 :] = bytes(len(data) - len(data) // 2)
    saved.write_bytes(bytes(data))
    assert run(db, "ask", "--json", QUESTION).stdout == first
    assert saved.read_bytes() != bytes(data)  # rebuilt and saved anew
    saved.unlink()
    assert run(db, "ask", "--json", QUESTION).stdout == first
    assert saved.is_file()


def test_a_cli_write_does_not_make_the_index(db: Path) -> None:
    saved = Path(f"{db}.index")
    added = run(
        db,
        "facts",
        "add",
        "--statement",
        "The ferry to Arwad runs again.",
        "--source",
        "afp",
        "--questions",
        "is the arwad ferry running",
    ).stdout
    assert added.startswith("added ")
    assert not saved.exists()
    assert "ferry to Arwad" in run(db, "ask", "is the arwad ferry running").stdout
    assert saved.is_file()


def test_below_the_threshold_the_cli_saves_nothing(db: Path) -> None:
    run(db, "ask", QUESTION, min_facts="5000")
    assert not Path(f"{db}.index").exists()
