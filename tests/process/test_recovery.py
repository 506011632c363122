"""Recovering from mistakes and disasters: undo from the history, backups, exports.

Restoring a backup (what these tests do, and what an operator does):

1. stop the bot;
2. delete `factbot.db-wal` and `factbot.db-shm` beside the database if they exist: they
   belong to the database being replaced, and SQLite would replay an old WAL onto the
   restored file, bringing back the very writes the restore meant to undo;
3. copy the backup over the database file, or simply point `FACTBOT_DB` at the backup;
4. start the bot.

Restoring a server's facts from an export: re-create the server's own sources if it had
any (`sources add`, since exports name sources but do not carry them), then
`python -m bot --guild ID facts import FILE`. Exports hold the facts in use: removed
facts and the history stay behind, which is what a full backup is for.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.drafts import FactDraft
from bot.errors import FactbotError, NotFound, ValidationError
from bot.service import FactService
from tests.helpers import Cli, integrity

GUILD = 666666666666666666
MOD = "discord:7"


def draft(n: int = 0, **overrides: Any) -> FactDraft:
    values: dict[str, Any] = {
        "statement": f"The bakery on square {n} reopened.",
        "source": "afp",
        "questions": (f"is the bakery on square {n} open",),
        "quote": f"bakery {n} opened",
        "date": "2024-12-01",
    }
    values.update(overrides)
    return FactDraft(**values)


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables that matter, to compare two databases."""
    connection = sqlite3.connect(db)
    try:
        return {
            table: connection.execute(f"select * from {table} order by 1, 2").fetchall()
            for table in ("facts", "phrasings", "audit", "sources", "unanswered")
        }
    finally:
        connection.close()


def restore(backup: Path, live: Path) -> None:
    """The documented procedure, with the bot stopped."""
    for leftover in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, live)


# -- undo ---------------------------------------------------------------------------------


CHANGES: dict[str, Callable[[FactService, str], object]] = {
    "edit": lambda s, f: s.edit_fact(
        f, FactDraft(statement="The bakery closed again."), guild_id=GUILD, actor=MOD
    ),
    "remove": lambda s, f: s.remove_fact(f, guild_id=GUILD, actor=MOD),
    "attach": lambda s, f: s.attach_question(f, "any bread today", guild_id=GUILD, actor=MOD),
    "import-update": lambda s, f: s.import_jsonl(
        f'{{"id": "{f}", "statement": "Imported.", "source": "afp", "questions": ["bread"]}}',
        guild_id=GUILD,
        actor=MOD,
    ),
}


@pytest.mark.parametrize("action", sorted(CHANGES))
def test_every_change_can_be_undone_from_its_history(service: FactService, action: str) -> None:
    fact = service.add_fact(draft(), guild_id=GUILD, actor=MOD)
    CHANGES[action](service, fact.id)
    entry = service.history(fact.id, GUILD)[-1]
    assert entry.action == action and entry.before is not None

    undone = service.undo(entry.id, guild_id=GUILD, actor=MOD)
    assert undone == fact == service.get_fact(fact.id, GUILD)
    assert service.index.fact(fact.id) == fact  # and it answers again as before
    assert service.ask("is the bakery on square 0 open", GUILD).answers[0].text == fact.statement
    last = service.history(fact.id, GUILD)[-1]
    assert last.action == f"undo #{entry.id}" and last.actor == MOD
    # An undo is a change like any other: undoing it redoes the original change.
    redone = service.undo(last.id, guild_id=GUILD, actor=MOD)
    assert redone != fact
    with pytest.raises(FactbotError, match="already as it was"):
        service.undo(last.id, guild_id=GUILD, actor=MOD)


def test_undoing_a_restore_or_an_add_retires_the_fact(service: FactService) -> None:
    fact = service.add_fact(draft(), guild_id=GUILD, actor=MOD)
    service.remove_fact(fact.id, guild_id=GUILD, actor=MOD)
    service.restore_fact(fact.id, guild_id=GUILD, actor=MOD)
    add, _, restore_entry = service.history(fact.id, GUILD)
    assert not service.undo(restore_entry.id, guild_id=GUILD, actor=MOD).active
    service.restore_fact(fact.id, guild_id=GUILD, actor=MOD)
    assert not service.undo(add.id, guild_id=GUILD, actor=MOD).active
    assert not service.ask("is the bakery on square 0 open", GUILD).answered
    imported = service.import_jsonl(
        '{"id": "new-one", "statement": "New.", "source": "afp", "questions": ["new one"]}',
        guild_id=GUILD,
        actor=MOD,
    )
    assert imported.added == 1
    [entry] = service.history("new-one", GUILD)
    assert entry.action == "import-add"
    assert not service.undo(entry.id, guild_id=GUILD, actor=MOD).active


def test_any_older_version_can_be_brought_back(service: FactService) -> None:
    fact = service.add_fact(draft(), guild_id=GUILD, actor=MOD)
    for n in (1, 2, 3):
        service.edit_fact(fact.id, FactDraft(statement=f"Version {n}."), guild_id=GUILD, actor=MOD)
    edits = service.history(fact.id, GUILD)[1:]
    # Undoing the second edit puts back what the first edit wrote.
    assert service.undo(edits[1].id, guild_id=GUILD, actor=MOD).statement == "Version 1."
    assert service.undo(edits[0].id, guild_id=GUILD, actor=MOD) == fact


def test_an_undo_that_would_clash_is_refused(service: FactService) -> None:
    fact = service.add_fact(draft(), guild_id=GUILD, actor=MOD)
    service.remove_fact(fact.id, guild_id=GUILD, actor=MOD)
    other = service.add_fact(draft(1, questions=fact.questions), guild_id=GUILD, actor=MOD)
    removal = service.history(fact.id, GUILD)[-1]
    with pytest.raises(ValidationError, match=f"already belongs to fact '{other.id}'"):
        service.undo(removal.id, guild_id=GUILD, actor=MOD)
    with pytest.raises(NotFound):
        service.undo(10**9, guild_id=GUILD, actor=MOD)


def test_undo_from_the_shell(db_path: Path) -> None:
    shell = Cli(db_path, GUILD)
    added = shell.ok(
        "facts",
        "add",
        "--statement",
        "Bread is back.",
        "--source",
        "AFP",
        "--questions",
        "is there bread",
    )
    fact_id = added.split()[1]
    shell.ok("facts", "remove", fact_id)
    assert "(removed)" in shell.ok("facts", "show", fact_id)
    history = shell.ok("facts", "history", fact_id).splitlines()
    change = history[-1].split()[0].lstrip("#")
    assert shell.ok("facts", "undo", change) == f"undid #{change} on {fact_id}\n"
    assert "(removed)" not in shell.ok("facts", "show", fact_id)


# -- backups ------------------------------------------------------------------------------


def test_backup_is_consistent_while_the_bot_writes(db_path: Path, tmp_path: Path) -> None:
    bot_side = FactService.open(db_path)
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for n in range(1, 500):
                if done.is_set():
                    return
                bot_side.add_fact(draft(n), guild_id=GUILD, actor=MOD)
        except BaseException as error:
            errors.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = []
        for n in range(3):
            copies.append(tmp_path / f"backup-{n}.db")
            assert Cli(db_path, GUILD).ok("backup", str(copies[-1])).startswith("backed up to")
    finally:
        done.set()
        writer.join()
        bot_side.close()
    assert not errors
    counts = []
    for copy in copies:
        tables = dump(copy)
        connection = sqlite3.connect(copy)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
        # Each copy is one moment of the database: every fact with its audit and phrasings.
        audited = {row[5] for row in tables["audit"]}
        assert {row[0] for row in tables["facts"]} == audited
        assert {row[0] for row in tables["phrasings"]} == audited
        counts.append(len(tables["facts"]))
    assert counts == sorted(counts)


def test_python_m_bot_backup_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    FactService.open(db_path).close()
    target = tmp_path / "copy.db"
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "backup", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert dump(target) == dump(db_path)


def test_restoring_a_backup_brings_back_exactly_its_state(db_path: Path, tmp_path: Path) -> None:
    service = FactService.open(db_path)
    kept = service.add_fact(draft(1), guild_id=GUILD, actor=MOD)
    service.ask("a question nobody answered", GUILD)
    backup = tmp_path / "backup.db"
    service.backup(backup)
    saved = dump(backup)
    # A moderator's bad afternoon, after the backup.
    service.edit_fact(kept.id, FactDraft(statement="Wrong."), guild_id=GUILD, actor=MOD)
    service.remove_fact(kept.id, guild_id=GUILD, actor=MOD)
    late = service.add_fact(draft(2), guild_id=GUILD, actor=MOD)
    service.close()
    assert dump(db_path) != saved

    restore(backup, db_path)
    reopened = FactService.open(db_path)
    try:
        assert dump(db_path) == saved
        assert reopened.get_fact(kept.id, GUILD) == kept
        assert reopened.store.fact(late.id) is None
        assert reopened.ask("is the bakery on square 1 open", GUILD).answers[0].fact_id == kept.id
    finally:
        reopened.close()


WRITE_FOREVER = """
import sys
from bot.service import FactService
from bot.drafts import FactDraft
service = FactService.open(sys.argv[1])
for n in range(1_000_000):
    service.add_fact(
        FactDraft(statement=f"Late fact {n}.", source="afp", questions=(f"late {n} zz",)),
        guild_id=int(sys.argv[2]),
        actor="crash",
    )
    if n == 20:
        print("writing", flush=True)
"""


def test_restoring_after_a_crash_ignores_the_dead_process_wal(
    db_path: Path, tmp_path: Path
) -> None:
    FactService.open(db_path).close()
    backup = tmp_path / "backup.db"
    Cli(db_path, GUILD).ok("backup", str(backup))
    saved = dump(backup)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITE_FOREVER, str(db_path), str(GUILD)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert Path(f"{db_path}-wal").exists()  # the killed process left its WAL behind

    restore(backup, db_path)
    assert dump(db_path) == saved
    reopened = FactService.open(db_path)
    try:
        assert integrity(reopened.store) == "ok"
        assert not [fact for fact in reopened.list_facts(GUILD) if fact.guild_id == GUILD]
    finally:
        reopened.close()


def test_pointing_factbot_db_at_a_backup(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = FactService.open(db_path)
    fact = service.add_fact(draft(), guild_id=GUILD, actor=MOD)
    backup = tmp_path / "backup.db"
    service.backup(backup)
    service.remove_fact(fact.id, guild_id=GUILD, actor=MOD)
    service.close()
    monkeypatch.setenv("FACTBOT_DB", str(backup))
    result = CliRunner().invoke(
        main, ["--guild", str(GUILD), "ask", "is the bakery on square 0 open"]
    )
    assert result.exit_code == 0 and fact.statement in result.output


# -- exports ------------------------------------------------------------------------------


def test_restoring_a_server_from_its_export(db_path: Path, tmp_path: Path) -> None:
    service = FactService.open(db_path)
    # Another server named a source the same way first: ids are each server's own, so this
    # one's is "local-radio" all the same, as a fresh database gives it.
    service.add_source("Local Radio", guild_id=GUILD + 1)
    own = service.add_source("Local Radio", guild_id=GUILD, aliases=["the radio"])
    assert own.id == "local-radio"
    for n in range(5):
        service.add_fact(
            draft(n, source="the radio" if n % 2 else "afp"), guild_id=GUILD, actor=MOD
        )
    service.remove_fact(service.list_facts(GUILD)[-1].id, guild_id=GUILD, actor=MOD)
    in_use = sorted(f.id for f in service.list_facts(GUILD) if f.guild_id)
    exported = sorted(service.export_jsonl(GUILD).splitlines())
    service.close()
    export = tmp_path / "facts.jsonl"
    Cli(db_path, GUILD).ok("facts", "export", "-o", str(export))

    fresh = tmp_path / "fresh.db"
    # The server's own source must exist first; the import says so, and writes nothing.
    on_fresh = Cli(fresh, GUILD)
    refused = on_fresh("facts", "import", str(export))
    assert refused.exit_code == 1 and "'Local Radio' is not a known source" in refused.output
    on_fresh.ok("sources", "add", "Local Radio", "--alias", "the radio")
    assert "4 added, 0 updated, 0 unchanged" in on_fresh.ok("facts", "import", str(export))
    assert "0 added, 0 updated, 4 unchanged" in on_fresh.ok("facts", "import", str(export))

    restored = FactService.open(fresh)
    try:
        facts = [f for f in restored.list_facts(GUILD) if f.guild_id]
        assert sorted(f.id for f in facts) == in_use
        # Fact for fact as exported, the source found by its name.
        assert sorted(restored.export_jsonl(GUILD).splitlines()) == exported
        assert {f.source for f in facts} == {"afp", "local-radio"}
        radio = restored.ask("is the bakery on square 1 open", GUILD).answers[0]
        assert radio.citation.source == "Local Radio"
    finally:
        restored.close()
