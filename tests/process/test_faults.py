"""Faults from outside the bot: a hostile import, a full disk, a read-only database, a
write lock held by another process, several processes creating one database at once.

Each is the real fault, made real: SQLite itself reports the disk full (a page limit on
the store's own connection), the file's mode refuses writes (to root too, whose power to
ignore it is dropped for the child process), another connection holds the write lock as
another process would.
A write the fault stops is refused whole, in one line that names the fault; the database
and the index the answers come from are left as they were; asking still answers.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.errors import StorageUnavailable, ValidationError
from bot.knowledge import Knowledge
from bot.service import FactService
from bot.store import Store
from tests.helpers import integrity, last_change

GUILD = 888888888888888888
MOD = "discord:13"
UNANSWERABLE = "what colour is the sky on mars"
READ_ONLY = "the database is read-only (check the permissions of the file and its folder)"
# Linux: prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE).
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1


def draft(n: int) -> FactDraft:
    return FactDraft(
        statement=f"The bakery on square {n} reopened.",
        source="afp",
        questions=(f"is the bakery on square {n} open",),
        quote=f"bakery {n} opened",
        date="2024-12-01",
    )


def import_line(n: int) -> str:
    record = {
        "id": f"bakery-{n}",
        "statement": f"The bakery on square {n} reopened.",
        "source": "afp",
        "questions": [f"is the bakery on square {n} open"],
        "date": "2024-12-01",
    }
    return json.dumps(record) + "\n"


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables that matter, read through a connection of its own."""
    connection = sqlite3.connect(db)
    try:
        return {
            table: connection.execute(f"select * from {table} order by 1, 2").fetchall()
            for table in ("facts", "phrasings", "audit", "sources", "unanswered", "meta")
        }
    finally:
        connection.close()


def assert_index_matches_store(service: FactService) -> None:
    stored = service.store.facts()
    for fact in stored:
        assert service.index.fact(fact.id) == (fact if fact.active else None), fact.id
    assert len(service.index) == sum(fact.active for fact in stored)


def bot_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}


# -- an import nested too deeply ----------------------------------------------------------


def test_an_import_line_nested_too_deeply_is_one_bad_line(
    service: FactService, db_path: Path, tmp_path: Path
) -> None:
    data = import_line(1) + "[" * 400_000 + "\n"
    before = dump(db_path)
    with pytest.raises(ValidationError) as raised:
        service.import_jsonl(data, guild_id=GUILD, actor=MOD)
    assert raised.value.problems == ["line 2: not valid JSON (nested too deeply)"]
    assert service.index.fact("bakery-1") is None
    # The same from the shell: one line, a failing exit, nothing written.
    file = tmp_path / "deep.jsonl"
    file.write_text(data)
    import_args = ["facts", "import", str(file)]
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "--guild", str(GUILD), *import_args],
        capture_output=True,
        text=True,
        env=bot_env(),
        timeout=120,
    )
    assert completed.returncode == 1
    assert completed.stderr == "Error: line 2: not valid JSON (nested too deeply)\n"
    assert dump(db_path) == before


# -- a write lock another process does not let go of --------------------------------------


@pytest.fixture
def impatient(db_path: Path, knowledge: Knowledge) -> Iterator[FactService]:
    """A service that waits 0.1 s, not 5 s, for another process's write lock."""
    store = Store(db_path, busy_timeout_ms=100)
    store.seed(knowledge)
    service = FactService(store, knowledge)
    yield service
    service.close()


def test_every_write_refused_by_a_held_lock_says_so_and_changes_nothing(
    impatient: FactService, db_path: Path
) -> None:
    service = impatient
    own = service.add_fact(draft(1), guild_id=GUILD, actor=MOD)
    own = service.edit_fact(
        own.id, FactDraft(statement="The bakery on square 1 reopened at dawn."),
        guild_id=GUILD, actor=MOD,
    )  # fmt: skip
    edit = service.history(own.id, GUILD)[-1].id
    writes: dict[str, Callable[[], object]] = {
        "add": lambda: service.add_fact(draft(2), guild_id=GUILD, actor=MOD),
        "edit": lambda: service.edit_fact(
            own.id, FactDraft(statement="The bakery shut."), guild_id=GUILD, actor=MOD
        ),
        "remove": lambda: service.remove_fact(own.id, guild_id=GUILD, actor=MOD),
        "attach": lambda: service.attach_question(
            own.id, "did the bakery reopen", guild_id=GUILD, actor=MOD
        ),
        "undo": lambda: service.undo(edit, guild_id=GUILD, actor=MOD),
        "import": lambda: service.import_jsonl(import_line(3), guild_id=GUILD, actor=MOD),
        "add source": lambda: service.add_source("Local paper", guild_id=GUILD),
        "reseed": lambda: service.reseed(force=True),
        "meta": lambda: service.set_meta_value("synced", "yes"),
    }
    before = dump(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for name, write in writes.items():
            with pytest.raises(StorageUnavailable) as raised:
                write()
            assert str(raised.value) == (
                "Nothing was changed: another process holds the database's write lock and "
                "did not let go within 0.1 seconds; try again in a moment."
            ), name
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert dump(db_path) == before
    assert service.index.fact(own.id) == own
    assert service.index.fact("bakery-3") is None
    assert_index_matches_store(service)
    with pytest.raises(ValidationError):
        service.resolve_source("Local paper", GUILD)
    # Once the other process lets go, writing works again.
    attached = service.attach_question(own.id, "did the bakery reopen", guild_id=GUILD, actor=MOD)
    assert service.index.fact(own.id) == attached == service.store.fact(own.id)


def test_asking_answers_when_the_question_cannot_be_logged(
    impatient: FactService, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = impatient
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.WARNING, logger="bot.service"):
            asked = service.ask(UNANSWERABLE, GUILD)
            streamed = list(
                service.ask_stream([UNANSWERABLE, "how tall is the tower on pluto"], GUILD)
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert asked.outcome == "unknown" and asked.message
    assert [result.outcome for result in streamed] == ["unknown", "unknown"]
    warnings = [record for record in caplog.records if record.name == "bot.service"]
    # One warning per failed attempt (the ask, then the stream's one batch), no traceback.
    assert [record.levelno for record in warnings] == [logging.WARNING] * 2
    assert [record.getMessage().split(":")[0] for record in warnings] == [
        "1 unanswered question(s) not recorded",
        "2 unanswered question(s) not recorded",
    ]
    assert "another process holds the database's write lock" in warnings[0].getMessage()
    assert not any(record.exc_info for record in warnings)
    assert service.unanswered(GUILD) == []


# -- a full disk --------------------------------------------------------------------------


def test_a_full_disk_refuses_a_write_whole_and_says_so(service: FactService, db_path: Path) -> None:
    db = service.store.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    # SQLite itself reports SQLITE_FULL ("database or disk is full") past this many pages.
    db.execute(f"PRAGMA max_page_count = {pages}")
    audited = last_change(service.store)
    added = []
    for n in range(1, 500):
        try:
            added.append(service.add_fact(draft(n), guild_id=GUILD, actor=MOD))
        except StorageUnavailable as error:
            assert str(error) == "Nothing was changed: the disk is full."
            refused = draft(n)
            break
    else:
        pytest.fail("the database never filled up")
    # The refused fact is nowhere; every fact added before it is there, with its audit.
    assert [fact for fact in service.list_facts(GUILD) if fact.guild_id == GUILD] == added
    changed = service.store.feed.changes_since(audited, 1000)
    assert changed is not None and set(changed.facts) == {f.key for f in added}
    assert refused.statement not in {fact.statement for fact in service.store.facts()}
    assert_index_matches_store(service)
    # A long import fails whole.
    before = dump(db_path)
    batch = "".join(import_line(1000 + n) for n in range(50))
    with pytest.raises(StorageUnavailable):
        service.import_jsonl(batch, guild_id=GUILD, actor=MOD)
    assert dump(db_path) == before
    assert_index_matches_store(service)
    assert integrity(service.store) == "ok"
    # Once there is room again, the same write goes through.
    db.execute("PRAGMA max_page_count = 1073741823")
    added_later = service.add_fact(refused, guild_id=GUILD, actor=MOD)
    assert service.index.fact(added_later.id) == added_later == service.store.fact(added_later.id)


# -- a read-only database -----------------------------------------------------------------


def _obey_file_modes() -> None:
    """Run in the child before exec: root writes any file whatever its mode, unless
    CAP_DAC_OVERRIDE is gone from the bounding set, and then the exec'd program lacks it."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)")


def run_as_a_user(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=bot_env(),
        timeout=120,
        preexec_fn=_obey_file_modes if os.geteuid() == 0 else None,
    )


def test_a_read_only_database_refuses_writes_in_one_line_and_still_answers(
    db_path: Path, knowledge_copy: Path
) -> None:
    FactService.open(db_path).close()
    # Curated knowledge the database does not hold yet: opening would have to seed it.
    facts = knowledge_copy / "facts.toml"
    text = facts.read_text()
    facts.write_text(text.replace("without any significant pushback", "without pushback", 1))
    before = dump(db_path)
    db_path.chmod(0o444)
    try:
        try:
            probe = run_as_a_user("-c", f"open({str(db_path)!r}, 'r+b')")
        except subprocess.SubprocessError:
            pytest.skip("cannot drop root's power to write read-only files here")
        if probe.returncode == 0:
            pytest.skip("this user can write a read-only file")
        bot = ["-m", "bot", "--db", str(db_path), "--guild", str(GUILD)]
        added = run_as_a_user(
            *bot, "facts", "add", "--statement", "The bakery on square 1 reopened.",
            "--source", "afp", "--questions", "is the bakery on square 1 open",
        )  # fmt: skip
        asked = run_as_a_user(*bot, "ask", UNANSWERABLE)
        reseeding = run_as_a_user(*bot, "--knowledge", str(knowledge_copy), "ask", UNANSWERABLE)
    finally:
        # SQLite gives the -wal and -shm files it made the database's mode.
        for file in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            if file.exists():
                file.chmod(0o644)
    assert (added.returncode, added.stdout) == (1, "")
    assert added.stderr == f"Error: Nothing was changed: {READ_ONLY}.\n"
    assert asked.returncode == 0, asked.stderr
    assert "The article doesn't say" in asked.stdout
    assert asked.stderr == f"1 unanswered question(s) not recorded: {READ_ONLY}\n"
    assert (reseeding.returncode, reseeding.stdout) == (1, "")
    assert reseeding.stderr == f"Error: cannot open the database {db_path}: {READ_ONLY}\n"
    assert dump(db_path) == before


# -- processes creating one database at once ----------------------------------------------

OPENERS = 6
# `python -m bot ARGS`, once the slow imports are done and standard input says go, so the
# processes really open the database together.
LAUNCH = """
import runpy, sys
import bot.cli
from tests.helpers import REPO
print("ready", flush=True)
sys.stdin.readline()
sys.argv = ["bot", *sys.argv[1:]]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


def test_processes_creating_one_database_at_once_all_succeed_and_seed_it_once(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    db = tmp_path / "new.db"
    args = ["--db", str(db), "ask", "did the rebels take the airport"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=bot_env(),
        )
        for _ in range(OPENERS)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert err == ""
    assert len({out for out, _ in results}) == 1
    curated = [fact.id for fact in knowledge.facts]
    connection = sqlite3.connect(db)
    try:
        stored = [row[0] for row in connection.execute("select id from facts order by rowid")]
        audited = Counter(
            (action, fact_id)
            for action, fact_id in connection.execute("select action, fact_id from audit")
        )
        migrated = Counter(
            row[0] for row in connection.execute("select name from _sqlite_migrations")
        )
        sources = connection.execute("select count(*) from sources").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
    assert stored == curated
    assert audited == Counter(("seed-add", fact_id) for fact_id in curated)
    assert set(migrated.values()) == {1}
    assert sources == len(knowledge.sources)
    assert integrity == "ok"
