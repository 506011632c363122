"""The parsed knowledge kept beside the database: a start reads it back while the files it
was read from are unchanged, parses them again as soon as one changes, and never unpickles
a copy it cannot trust."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.indexing import IndexBuilder
from bot.knowledge import Knowledge, load_knowledge
from bot.knowledge_cache import KnowledgeCache
from bot.saved_index import fingerprint
from bot.service import FactService


def kept_path(db: Path) -> Path:
    return Path(f"{db}.knowledge")


def open_with(db: Path, folder: Path) -> Knowledge:
    service = FactService.open(db, folder)
    service.close()
    return service.knowledge


def made_and_opened(db: Path, folder: Path) -> Knowledge:
    """A new database's knowledge, from its second start: the first parses and keeps none."""
    made = open_with(db, folder)
    assert not kept_path(db).exists()
    assert open_with(db, folder) == made
    return made


def kept_version(db: Path) -> int:
    """Which copy is kept: each is written to a new file, moved into place."""
    return kept_path(db).stat().st_ino


def test_a_second_start_reads_the_kept_knowledge_instead_of_parsing(
    db_path: Path, knowledge_copy: Path
) -> None:
    first = made_and_opened(db_path, knowledge_copy)
    kept = kept_version(db_path)
    second = open_with(db_path, knowledge_copy)
    assert kept_version(db_path) == kept  # read back, not parsed and kept anew
    assert second == first
    assert second.lexicon.files_digest == first.lexicon.files_digest != ""
    assert second.directory == knowledge_copy


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        ("lexicon.toml", lambda text: text.replace("stopwords = [", 'stopwords = ["zzz", ', 1)),
        ("facts.toml", lambda text: text + "# one more line\n"),
        ("article.txt", lambda text: text + "\n"),
    ],
)
def test_a_changed_file_is_parsed_again_and_kept_anew(
    db_path: Path, knowledge_copy: Path, name: str, edit: Callable[[str], str]
) -> None:
    first = made_and_opened(db_path, knowledge_copy)
    kept = kept_version(db_path)
    path = knowledge_copy / name
    changed = edit(path.read_text(encoding="utf-8"))
    assert changed != path.read_text(encoding="utf-8")
    path.write_text(changed, encoding="utf-8")
    second = open_with(db_path, knowledge_copy)
    assert kept_version(db_path) != kept
    assert second == load_knowledge(knowledge_copy)
    assert second.files[name] != first.files[name]
    assert second.lexicon.files_digest == load_knowledge(knowledge_copy).lexicon.files_digest
    # Kept anew: the start after reads the changed knowledge back.
    kept = kept_version(db_path)
    assert open_with(db_path, knowledge_copy) == second
    assert kept_version(db_path) == kept


def test_only_the_lexicon_files_tell_the_saved_index_apart(knowledge_copy: Path) -> None:
    before = load_knowledge(knowledge_copy)
    facts = knowledge_copy / "facts.toml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_facts = load_knowledge(knowledge_copy)
    chatter = knowledge_copy / "chatter.toml"
    chatter.write_text(chatter.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_chatter = load_knowledge(knowledge_copy)
    assert fingerprint(IndexBuilder(after_facts.lexicon)) == fingerprint(
        IndexBuilder(before.lexicon)
    )
    assert fingerprint(IndexBuilder(after_chatter.lexicon)) != fingerprint(
        IndexBuilder(before.lexicon)
    )


def test_a_lexicon_changed_in_code_is_told_by_what_it_holds(knowledge: Knowledge) -> None:
    changed = dataclasses.replace(
        knowledge.lexicon, stopwords=knowledge.lexicon.stopwords | {"market"}
    )
    assert changed.files_digest == ""
    assert fingerprint(IndexBuilder(changed)) != fingerprint(IndexBuilder(knowledge.lexicon))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10],
        lambda data: data[:-200] + bytes([data[-200] ^ 1]) + data[-199:],
        lambda data: b"garbage",
    ],
)
def test_a_damaged_copy_is_parsed_again(
    db_path: Path, knowledge_copy: Path, damage: Callable[[bytes], bytes]
) -> None:
    first = made_and_opened(db_path, knowledge_copy)
    kept_path(db_path).write_bytes(damage(kept_path(db_path).read_bytes()))
    damaged = kept_version(db_path)
    assert open_with(db_path, knowledge_copy) == first
    assert kept_version(db_path) != damaged


def test_the_copy_of_another_database_is_not_unpickled(
    db_path: Path, knowledge_copy: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    made_and_opened(other, knowledge_copy)
    made_and_opened(db_path, knowledge_copy)
    shutil.copy(kept_path(other), kept_path(db_path))
    foreign = kept_version(db_path)
    assert open_with(db_path, knowledge_copy) == load_knowledge(knowledge_copy)
    assert kept_version(db_path) != foreign


def test_a_copy_that_cannot_be_kept_only_costs_a_parse(db_path: Path, knowledge_copy: Path) -> None:
    made_and_opened(db_path, knowledge_copy)
    kept_path(db_path).unlink()
    kept_path(db_path).mkdir()  # cannot be read as a file, nor replaced by one
    assert open_with(db_path, knowledge_copy) == load_knowledge(knowledge_copy)
    assert kept_path(db_path).is_dir()


def test_the_copy_has_the_database_permissions(db_path: Path, knowledge_copy: Path) -> None:
    made_and_opened(db_path, knowledge_copy)
    db_path.chmod(0o600)
    kept_path(db_path).unlink()
    open_with(db_path, knowledge_copy)
    assert kept_path(db_path).stat().st_mode & 0o777 == 0o600


def test_an_in_memory_database_keeps_nothing(knowledge_copy: Path) -> None:
    service = FactService.open(":memory:", knowledge_copy)
    service.close()
    assert service.knowledge == load_knowledge(knowledge_copy)
    assert KnowledgeCache(service.store).path.name == ":memory:.knowledge"
    assert not Path(":memory:.knowledge").exists()


def test_keeping_the_copy_writes_nothing_to_the_database(
    db_path: Path, knowledge_copy: Path
) -> None:
    # The key the copy is signed with is made with the database, not by the start that
    # first keeps a copy.
    open_with(db_path, knowledge_copy)
    before = meta_rows(db_path)
    open_with(db_path, knowledge_copy)
    assert kept_path(db_path).is_file()
    assert meta_rows(db_path) == before


def meta_rows(db: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute("select key, value from meta order by key").fetchall()
    finally:
        connection.close()
