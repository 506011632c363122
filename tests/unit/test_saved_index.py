"""The saved match index: a start from it answers as a fresh build does, catches up with
what was written since, and a file it cannot trust is rebuilt, never loaded."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.synthetic import synthetic_facts, synthetic_questions
from bot.drafts import FactDraft
from bot.feed import FeedMark
from bot.following import RESAVE_AFTER
from bot.indexing import IndexBuilder
from bot.knowledge import Knowledge
from bot.matcher import Decision, MatchIndex
from bot.models import GLOBAL
from bot.saved_index import SavedIndex
from bot.service import FactService
from bot.signed_pickle import Pickler, Unpickler
from bot.store import Store
from tests.helpers import VALIDATION_QUESTIONS, questions_in

SYNTHETIC = 300
MOD = "cli:test"


def make_base(path: Path) -> None:
    """A database of the shipped facts and some synthetic ones, each audited."""
    service = FactService.open(path)
    with service.store.transaction() as db:
        for fact in synthetic_facts(SYNTHETIC):
            service.store.put_fact(db, fact, actor="test", action="add", before=None)
    service.close()  # the last connection: the WAL is checkpointed into the file


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base, made once."""
    path = tmp_path_factory.mktemp("template") / "factbot.db"
    make_base(path)
    return path


@pytest.fixture
def base(template: Path, db_path: Path) -> Path:
    """The test's own copy of the template database."""
    shutil.copy(template, db_path)
    return db_path


def saved_path(db: Path) -> Path:
    return Path(f"{db}.index")


def start(db: Path, min_facts: int = 1) -> tuple[str, FactService]:
    """A service as a new process opens it, with its index made."""
    service = FactService.open(db, saved_index_min_facts=min_facts)
    return service.prepare(), service


def questions() -> list[str]:
    return questions_in(VALIDATION_QUESTIONS) + synthetic_questions(synthetic_facts(SYNTHETIC), 120)


def outcome(decision: Decision) -> tuple[object, ...]:
    return (
        decision.outcome,
        decision.kind,
        [(m.fact.id, round(m.score, 9), m.best_phrasing) for m in decision.matches],
        [(m.fact.id, round(m.score, 9)) for m in decision.related],
    )


def save_in_another_process(db: Path) -> None:
    """Save the index as `python -m bot ask` does: in a process whose str hashes differ."""
    subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "ask", "who took aleppo"],
        env={**os.environ, "FACTBOT_SAVED_INDEX_MIN_FACTS": "1"},
        capture_output=True,
        check=True,
        timeout=120,
    )


def test_a_start_from_the_saved_index_answers_as_a_fresh_build(
    base: Path, knowledge: Knowledge
) -> None:
    save_in_another_process(base)
    assert saved_path(base).is_file()
    made, service = start(base)
    store = Store(base)
    try:
        assert made == "saved"
        fresh = MatchIndex(knowledge.lexicon, store.sources(), store.facts(include_retired=False))
        assert len(service.index) == len(fresh) == 45 + SYNTHETIC
        for fact in store.facts(include_retired=False):
            assert service.index.fact(fact.id) == fact
        for question in questions():
            assert outcome(service.index.match(question)) == outcome(fresh.match(question))
        assert service.index.complete("who") == fresh.complete("who")
        # It goes on taking writes as a built index does.
        fact = service.add_fact(
            FactDraft(statement="The zoo reopened.", source="afp", questions=("is the zoo open",)),
            actor=MOD,
        )
        assert service.ask("is the zoo open").answers[0].fact_id == fact.id
    finally:
        store.close()
        service.close()


def test_a_small_index_is_not_saved_and_one_at_the_threshold_is(base: Path) -> None:
    facts = 45 + SYNTHETIC
    made, service = start(base, min_facts=facts + 1)
    service.close()
    assert made == "built" and not saved_path(base).exists()
    made, service = start(base, min_facts=facts)
    service.close()
    assert made == "built" and saved_path(base).is_file()


def test_writes_elsewhere_after_the_save_are_caught_up_from_the_audit_log(base: Path) -> None:
    start(base)[1].close()
    # Another process edits, adds and removes facts; it never makes an index of its own.
    other = FactService.open(base, saved_index_min_facts=1)
    edited = other.edit_fact("syn-000001", FactDraft(statement="Changed since."), actor=MOD)
    added = other.add_fact(
        FactDraft(statement="A new pier opened.", source="afp", questions=("is the pier open",)),
        actor=MOD,
    )
    other.remove_fact("syn-000002", actor=MOD)
    assert other.index_made_from is None
    other.close()
    made, service = start(base)
    try:
        assert made == "saved"
        assert service.index.fact(edited.id) == edited
        assert service.index.fact(added.id) == added
        assert service.index.fact("syn-000002") is None
        assert service.ask("is the pier open").answers[0].fact_id == added.id
    finally:
        service.close()


def garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(255 - b for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def not_an_index(path: Path) -> None:
    path.write_text("hello", encoding="utf-8")


@pytest.mark.parametrize("damage", [garble, truncate, empty, not_an_index])
def test_a_damaged_saved_index_is_rebuilt_and_saved_anew(base: Path, damage: object) -> None:
    start(base)[1].close()
    assert callable(damage)
    damage(saved_path(base))
    made, service = start(base)
    service.close()
    assert made == "built"
    made, service = start(base)
    try:
        assert made == "saved"  # the rebuilt one was saved in its place
        assert len(service.index) == 45 + SYNTHETIC
    finally:
        service.close()


def test_the_saved_index_of_another_database_is_not_loaded(base: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "factbot.db"
    other.parent.mkdir()
    make_base(other)  # the same facts, but not the same database (a copy of the file is)
    start(other)[1].close()
    shutil.copy(saved_path(other), saved_path(base))
    made, service = start(base)
    service.close()
    assert made == "built"


def test_an_index_saved_by_other_settings_is_not_loaded(base: Path, knowledge: Knowledge) -> None:
    start(base)[1].close()
    store = Store(base)
    try:
        sources = store.sources()
        same = SavedIndex(store, IndexBuilder(knowledge.lexicon), 1)
        assert same.load(sources) is not None
        lexicon = dataclasses.replace(
            knowledge.lexicon, stopwords=knowledge.lexicon.stopwords | {"market"}
        )
        assert SavedIndex(store, IndexBuilder(lexicon), 1).load(sources) is None
        limited = SavedIndex(store, IndexBuilder(knowledge.lexicon, None, 2), 1)
        assert limited.load(sources) is None
        # Sources other than those it was built with: one renamed, one gone.
        renamed = dataclasses.replace(sources[0], aliases=(*sources[0].aliases, "Another"))
        assert same.load([renamed, *sources[1:]]) is None
        assert same.load(sources[1:]) is None
    finally:
        store.close()


def test_a_source_added_elsewhere_since_the_save_is_taken_in(base: Path) -> None:
    start(base)[1].close()
    other = FactService.open(base)
    source = other.add_source("Harbour Gazette", aliases=("the Gazette",))
    fact = other.add_fact(
        FactDraft(
            statement="The lighthouse was relit.",
            source="the Gazette",
            questions=("was the lighthouse relit",),
        ),
        actor=MOD,
    )
    other.close()
    made, service = start(base)
    try:
        assert made == "saved"
        assert service.resolve_source("Harbour Gazette") == source
        answer = service.ask("what did the gazette say about the lighthouse").answers[0]
        assert answer.fact_id == fact.id and answer.citation.source == "Harbour Gazette"
    finally:
        service.close()


def test_a_source_changed_elsewhere_since_the_save_is_rebuilt_with(base: Path) -> None:
    start(base)[1].close()
    store = Store(base)
    afp = next(s for s in store.sources() if s.id == "afp")
    with store.transaction() as db:
        store.put_source(db, dataclasses.replace(afp, aliases=("Agence Gazette",)), "curated")
    store.close()
    made, service = start(base)
    try:
        assert made == "built"
        assert service.resolve_source("Agence Gazette").id == "afp"
    finally:
        service.close()


def test_a_database_restored_from_an_older_backup_is_rebuilt(base: Path, tmp_path: Path) -> None:
    start(base)[1].close()  # signs with the database's key, which the backup keeps
    made, service = start(base)
    backup = tmp_path / "backup.db"
    service.backup(backup)
    service.edit_fact("syn-000003", FactDraft(statement="After the backup."), actor=MOD)
    service.close()
    saved_path(base).unlink()
    start(base)[1].close()  # saved after the edit
    for suffix in ("-wal", "-shm"):
        Path(f"{base}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, base)
    made, service = start(base)
    try:
        assert made == "built"  # the log no longer holds the entry the file is up to
        fact = service.index.fact("syn-000003")
        assert fact is not None and fact.statement != "After the backup."
    finally:
        service.close()


def test_only_a_process_that_asks_makes_the_index(base: Path) -> None:
    service = FactService.open(base, saved_index_min_facts=1)
    try:
        service.edit_fact("syn-000004", FactDraft(statement="Edited without an index."), actor=MOD)
        assert service.index_made_from is None and not saved_path(base).exists()
        assert service.ask("who struck the market").outcome in {"answered", "suggest", "unknown"}
        assert service.index_made_from == "built" and saved_path(base).is_file()
    finally:
        service.close()


def test_the_saved_index_has_the_database_permissions(base: Path) -> None:
    base.chmod(0o600)
    start(base)[1].close()
    assert saved_path(base).stat().st_mode & 0o777 == 0o600
    assert [p.name for p in base.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_unpickling_makes_only_the_index_classes() -> None:
    buffer = io.BytesIO()
    pickle.dump(os.getcwd, buffer)
    with pytest.raises(pickle.UnpicklingError):
        Unpickler(io.BytesIO(buffer.getvalue())).load()
    mark = FeedMark(3, "digest")
    buffer = io.BytesIO()
    Pickler(buffer).dump(mark)
    assert Unpickler(io.BytesIO(buffer.getvalue())).load() == mark


def test_a_guild_fact_survives_the_round_trip(base: Path) -> None:
    guild = 123456789012345678
    service = FactService.open(base, saved_index_min_facts=1)
    fact = service.add_fact(
        FactDraft(statement="The ferry runs again.", source="afp", questions=("is the ferry on",)),
        guild_id=guild,
        actor=MOD,
    )
    service.close()
    made, service = start(base)
    service.close()
    made, service = start(base)
    try:
        assert made == "saved"
        assert service.index.visible_count(guild) == service.index.visible_count(GLOBAL) + 1
        assert service.ask("is the ferry on", guild).answers[0].fact_id == fact.id
        assert service.ask("is the ferry on").outcome != "answered" or all(
            a.fact_id != fact.id for a in service.ask("is the ferry on").answers
        )
    finally:
        service.close()


def saved_mark(db: Path) -> int:
    """The audit entry the saved index says it is up to."""
    with saved_path(db).open("rb") as file:
        file.readline()  # the format's name
        return int(json.loads(file.readline())["mark"]["id"])


def test_a_start_far_behind_its_saved_index_saves_it_anew(base: Path) -> None:
    start(base)[1].close()
    before = saved_mark(base)
    other = FactService.open(base)
    lines = [
        json.dumps(
            {
                "id": f"kite-{n}",
                "statement": f"Kite {n} flew.",
                "source": "afp",
                "questions": [f"where did kite number {n} fly"],
            }
        )
        for n in range(RESAVE_AFTER)
    ]
    other.import_jsonl("\n".join(lines), actor=MOD)
    other.close()
    made, service = start(base)
    service.close()
    assert made == "saved" and saved_mark(base) >= before + RESAVE_AFTER
    # A few entries behind is not worth a save.
    other = FactService.open(base)
    other.edit_fact("kite-1", FactDraft(statement="Kite 1 flew far."), actor=MOD)
    other.close()
    behind = saved_mark(base)
    made, service = start(base)
    try:
        assert made == "saved" and saved_mark(base) == behind
        kite = service.index.fact("kite-1")
        assert kite is not None and kite.statement == "Kite 1 flew far."
    finally:
        service.close()


def test_by_default_even_the_shipped_base_starts_from_its_saved_index(db_path: Path) -> None:
    # Loading the 45 shipped facts' index beats building it, as a cold `ask` measures.
    made = []
    for _ in range(2):
        service = FactService.open(db_path)
        made.append(service.prepare())
        service.close()
    assert made == ["built", "saved"]
    assert saved_path(db_path).is_file()
