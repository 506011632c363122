"""Many questions while moderators write, through the one FactService the bot shares.

Readers must never fail, never see a fact half edited (a statement of one version with the
quote, reporter or source of another), and never see a fact go back to an older version.
Every write a moderator was told had succeeded must be in the database with its audit
entry, and in the index the answers come from.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.models import Fact
from bot.service import FactService
from bot.store import BUSY_TIMEOUT_MS
from tests.helpers import REPO

GUILD = 333333333333333333
MOD = "discord:42"
READERS = 8
VERSIONS = 20
PROBES = ("alpha", "bravo", "charlie")
VERSION = re.compile(r"^Probe (?P<name>[a-z]+) is at version (?P<n>\d+)\.$")


def probe_question(name: str) -> str:
    return f"what is the status of the {name} probe"


def probe_draft(name: str, n: int) -> FactDraft:
    """Version n of a probe: every field that reaches an answer says which version it is."""
    return FactDraft(
        statement=f"Probe {name} is at version {n}.",
        source="afp" if n % 2 == 0 else "sohr",
        questions=(probe_question(name), f"which version is {name} probe {n}"),
        quote=f"{name} quote {n}",
        reported_by=f"Desk {n}",
        date=f"2024-12-{n % 28 + 1:02d}",
    )


@dataclass
class Run:
    """What the threads share: their failures, when to stop, and how many reads were made."""

    errors: list[str] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    reads: int = 0

    def guarded(self, body: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                body()
            except BaseException:
                self.errors.append(traceback.format_exc())
                self.done.set()

        return run


def start(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), f"{thread.name} did not finish"


def assert_index_matches_store(service: FactService) -> None:
    """The in-memory index holds exactly the active facts of the database."""
    stored = service.store.facts()
    for fact in stored:
        assert service.index.fact(fact.id) == (fact if fact.active else None), fact.id
    assert len(service.index) == sum(fact.active for fact in stored)


def version_of(statement: str) -> int:
    match = VERSION.match(statement)
    assert match, statement
    return int(match["n"])


def assert_whole(answer_text: str, quote: str | None, reported_by: str | None, source: str) -> int:
    """The version an answer shows, after checking all its parts show the same one."""
    match = VERSION.match(answer_text)
    assert match, answer_text
    name, n = match["name"], int(match["n"])
    assert quote == f"{name} quote {n}", (answer_text, quote)
    assert reported_by == f"Desk {n}", (answer_text, reported_by)
    expected_source = "AFP" if n % 2 == 0 else "Syrian Observatory for Human Rights"
    assert source == expected_source, (answer_text, source)
    return n


def test_readers_see_whole_versions_while_moderators_write(service: FactService) -> None:
    probes = {
        name: service.add_fact(probe_draft(name, 0), guild_id=GUILD, actor=MOD).id
        for name in PROBES
    }
    for name in PROBES:
        assert service.ask(probe_question(name), GUILD).answered
    run = Run()
    edited: list[tuple[str, int]] = []
    added: dict[str, bool] = {}  # fact id -> whether it should be active now
    barrier = threading.Barrier(READERS + 3, timeout=60)  # everyone starts at once

    def editor() -> None:
        barrier.wait()
        for n in range(1, VERSIONS + 1):
            for name in PROBES:
                service.edit_fact(probes[name], probe_draft(name, n), guild_id=GUILD, actor=MOD)
                edited.append((probes[name], n))

    def adder() -> None:
        barrier.wait()
        for n in range(VERSIONS * 2):
            fact = service.add_fact(
                FactDraft(
                    statement=f"Extra fact number {n} about the market.",
                    source="AFP",
                    questions=(f"what about market stall {n}",),
                ),
                guild_id=GUILD,
                actor=MOD,
            )
            added[fact.id] = True
            if n % 3 == 0:
                service.remove_fact(fact.id, guild_id=GUILD, actor=MOD)
                added[fact.id] = False
            if n % 6 == 0:
                service.restore_fact(fact.id, guild_id=GUILD, actor=MOD)
                added[fact.id] = True

    def source_maker() -> None:
        barrier.wait()
        for n in range(10):
            service.add_source(f"Local paper {n}", guild_id=GUILD, aliases=[f"paper {n}"])

    def reader(number: int) -> None:
        barrier.wait()
        last_seen = dict.fromkeys(PROBES, -1)
        while not run.done.is_set():
            name = PROBES[run.reads % len(PROBES)]
            result = service.ask(probe_question(name), GUILD)
            assert result.answered, result
            [answer] = [a for a in result.answers if a.fact_id == probes[name]]
            n = assert_whole(
                answer.text, answer.quote, answer.citation.reported_by, answer.citation.source
            )
            assert n >= last_seen[name], f"{name} went back from {last_seen[name]} to {n}"
            last_seen[name] = n
            # Moderator reads come from the database; they must be whole too.
            fact = service.get_fact(probes[name], GUILD)
            version = VERSION.match(fact.statement)
            assert version and fact.questions[1].endswith(f" {version['n']}"), fact
            # Questions no fact answers get logged: readers write too.
            service.ask(f"reader {number} wonders about the weather {run.reads}", GUILD)
            if run.reads % 10 == 0:
                service.about(GUILD)  # iterates the sources while new ones are added
            run.reads += 1

    writers = [
        threading.Thread(target=run.guarded(body), name=body.__name__)
        for body in (editor, adder, source_maker)
    ]
    readers = [
        threading.Thread(target=run.guarded(partial(reader, n)), name=f"reader-{n}")
        for n in range(READERS)
    ]
    start(readers + writers)
    join(writers)
    run.done.set()
    join(readers)

    assert run.errors == [], run.errors[0]
    assert run.reads > READERS
    # Every acknowledged edit is in the history, in order, and the last one is current.
    for name, fact_id in probes.items():
        history = service.history(fact_id, GUILD)
        versions = [
            version_of(entry.after["statement"])
            for entry in history
            if entry.action in {"add", "edit"} and entry.after
        ]
        assert versions == list(range(VERSIONS + 1)), name
        assert [n for fid, n in edited if fid == fact_id] == list(range(1, VERSIONS + 1))
        final = service.ask(probe_question(name), GUILD).answers[0]
        assert final.text == f"Probe {name} is at version {VERSIONS}."
    # Every acknowledged add, removal and restore is stored and audited.
    for fact_id, active in added.items():
        stored = service.store.fact(fact_id)
        assert stored is not None and stored.active == active, fact_id
        actions = [entry.action for entry in service.history(fact_id, GUILD)]
        assert actions[0] == "add"
        assert actions.count("remove") - actions.count("restore") == (0 if active else 1)
    assert len(added) == VERSIONS * 2
    for n in range(10):
        assert service.resolve_source(f"paper {n}", GUILD).name == f"Local paper {n}"
    assert_index_matches_store(service)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(service: FactService) -> None:
    db = service.store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS > 0


def test_the_bot_and_the_cli_write_at_once(db_path: Path) -> None:
    """Two connections to one file, as when a moderator uses the CLI while the bot runs."""
    bot_side = FactService.open(db_path)
    cli_side = FactService.open(db_path)
    run = Run()
    written: dict[str, list[Fact]] = {"bot": [], "cli": []}
    probe = bot_side.add_fact(probe_draft("delta", 0), guild_id=GUILD, actor=MOD).id

    def writer(name: str, service: FactService) -> None:
        for n in range(30):
            fact = service.add_fact(
                FactDraft(
                    statement=f"The {name} wrote fact {n}.",
                    source="afp",
                    questions=(f"what did the {name} write as number {n}",),
                ),
                guild_id=GUILD,
                actor=name,
            )
            written[name].append(fact)

    def editor() -> None:
        for n in range(1, 60):
            cli_side.edit_fact(probe, probe_draft("delta", n), guild_id=GUILD, actor="cli:mod")

    def reader() -> None:
        while not run.done.is_set():
            result = bot_side.ask(probe_question("delta"), GUILD)
            answer = result.answers[0]
            assert_whole(
                answer.text, answer.quote, answer.citation.reported_by, answer.citation.source
            )
            # Read from the database while the other connection writes: one state, not two.
            for _ in range(5):
                fact = bot_side.get_fact(probe, GUILD)
                version = VERSION.match(fact.statement)
                assert version and fact.questions[1].endswith(f" {version['n']}"), fact

    threads = [
        threading.Thread(target=run.guarded(lambda: writer("bot", bot_side))),
        threading.Thread(target=run.guarded(lambda: writer("cli", cli_side))),
        threading.Thread(target=run.guarded(editor)),
    ]
    readers = [threading.Thread(target=run.guarded(reader)) for _ in range(4)]
    try:
        start(readers + threads)
        join(threads)
        run.done.set()
        join(readers)
        assert run.errors == [], run.errors[0]
        # The bot answers from every fact, whichever side wrote it.
        for fact in written["bot"] + written["cli"]:
            result = bot_side.ask(fact.questions[0], GUILD)
            assert result.answered and result.answers[0].fact_id == fact.id, fact.id
            assert bot_side.history(fact.id, GUILD)[0].action == "add"
        assert_index_matches_store(bot_side)
    finally:
        bot_side.close()
        cli_side.close()


def test_a_write_here_does_not_hide_a_write_made_elsewhere(db_path: Path) -> None:
    bot_side = FactService.open(db_path)
    cli_side = FactService.open(db_path)
    try:
        from_cli = cli_side.add_fact(
            FactDraft(statement="The bakery reopened.", source="afp", questions=("bakery open",)),
            guild_id=GUILD,
            actor="cli:mod",
        )
        # The bot writes before anyone asks: its own commit must not mask the CLI's.
        bot_side.add_fact(
            FactDraft(statement="The water was cut.", source="afp", questions=("water cut",)),
            guild_id=GUILD,
            actor=MOD,
        )
        result = bot_side.ask("bakery open", GUILD)
        assert result.answered and result.answers[0].fact_id == from_cli.id
    finally:
        bot_side.close()
        cli_side.close()


def test_a_fact_read_while_another_process_edits_it_is_whole(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministically, what the threads above only catch now and then: the CLI commits
    an edit between the two queries that read a fact (its row, then its phrasings)."""
    bot_side = FactService.open(db_path)
    cli_side = FactService.open(db_path)
    try:
        probe = cli_side.add_fact(probe_draft("echo", 0), guild_id=GUILD, actor="cli:mod").id
        table = bot_side.store.db.table
        edited: list[Fact] = []

        def edit_between_queries(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "phrasings" and not edited:
                edit = probe_draft("echo", 1)
                edited.append(cli_side.edit_fact(probe, edit, guild_id=GUILD, actor="cli:mod"))
            return table(name, *args, **kwargs)

        monkeypatch.setattr(bot_side.store.db, "table", edit_between_queries)
        during = bot_side.get_fact(probe, GUILD)
        assert edited, "the edit did not land between the two queries"
        assert during.statement == "Probe echo is at version 0."
        assert during.questions[1] == "which version is echo probe 0"
        after = bot_side.get_fact(probe, GUILD)
        assert after == edited[0]
    finally:
        bot_side.close()
        cli_side.close()


def test_a_write_during_an_index_rebuild_is_not_lost(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot rebuilds its index after the CLI added a source; a moderator's write through
    the bot at that moment must end up in the index, not in the index being replaced."""
    bot_side = FactService.open(db_path)
    cli_side = FactService.open(db_path)
    try:
        cli_side.add_fact(probe_draft("foxtrot", 0), guild_id=GUILD, actor="cli:mod")
        # A source added elsewhere is what still rebuilds the whole index (a fact is
        # applied from the audit log in place).
        cli_side.add_source("Foxtrot Desk", guild_id=GUILD)
        facts = bot_side.store.facts
        rebuild_read = threading.Event()
        write_done = threading.Event()

        def slow_facts(**kwargs: Any) -> list[Fact]:
            read = facts(**kwargs)
            if threading.current_thread().name == "rebuilder" and not rebuild_read.is_set():
                # The rebuild has read the database; give a write the chance to land now.
                rebuild_read.set()
                write_done.wait(timeout=1)
            return read

        monkeypatch.setattr(bot_side.store, "facts", slow_facts)
        rebuilder = threading.Thread(
            target=lambda: bot_side.ask(probe_question("foxtrot"), GUILD), name="rebuilder"
        )
        rebuilder.start()
        assert rebuild_read.wait(timeout=30)
        written = bot_side.add_fact(probe_draft("golf", 0), guild_id=GUILD, actor=MOD)
        write_done.set()
        rebuilder.join(timeout=30)
        assert bot_side.index.fact(written.id) == written
        assert bot_side.ask(probe_question("golf"), GUILD).answers[0].fact_id == written.id
    finally:
        bot_side.close()
        cli_side.close()


def test_the_stress_script_runs_clean(tmp_path: Path) -> None:
    """bench/stress.py at a small scale, so it keeps working; the full run is in the README."""
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "stress.py"),
            *("--questions", "400", "--writes", "40", "--readers", "4"),
            *("--db", str(tmp_path / "stress.db")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr

    def figure(name: str) -> str:
        found = re.search(rf"^{name}\s+(\S+)", completed.stdout, re.MULTILINE)
        assert found, completed.stdout
        return found[1]

    assert (figure("errors"), figure("lost writes"), figure("integrity")) == ("0", "0", "ok")
    assert (figure("questions"), figure("writes")) == ("400", "40")
