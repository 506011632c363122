"""A process that writes facts is killed with SIGKILL at random moments, 20 times.

After every kill the database must open, pass SQLite's integrity check, and hold every
write the process had reported as committed, each with its audit entry. No fact may be
stored without the audit entry that records it, or the other way round.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.service import FactService
from tests.helpers import integrity

GUILD = 444444444444444444
KILLS = 20
BATCH = 30  # facts per import, in one transaction

# Reports each write on stdout only after the service returned, i.e. after the commit.
WRITER = r"""
import json
import sys
from bot.service import FactService
from bot.drafts import FactDraft

db, run, guild, batch_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
service = FactService.open(db)
print("ready", flush=True)
previous = None
for n in range(1_000_000):
    # A made-up word per fact (digits as letters), so each question has one answer.
    word = "".join(chr(ord("a") + int(digit)) for digit in f"{run:02d}{n:05d}")
    fact = service.add_fact(
        FactDraft(
            statement=f"Crash run {run} wrote fact {n}.",
            source="afp",
            questions=(f"what did the crash writer say about {word}",),
        ),
        guild_id=guild,
        actor="crash",
    )
    print("add", fact.id, flush=True)
    if previous is not None:
        statement = f"Crash run {run} edited fact {n - 1}."
        service.edit_fact(previous, FactDraft(statement=statement), guild_id=guild, actor="crash")
        print("edit", previous, statement, flush=True)
    if n % 5 == 4:
        service.remove_fact(fact.id, guild_id=guild, actor="crash")
        print("remove", fact.id, flush=True)
    if n % 3 == 0:
        # A long transaction, so that many kills land in the middle of one.
        batch = "".join(
            json.dumps({
                "id": f"batch-{run}-{n}-{k}",
                "statement": f"Batch {run} {n} fact {k}.",
                "source": "afp",
                "questions": [f"batch question {word} {k}"],
            }) + "\n"
            for k in range(batch_size)
        )
        service.import_jsonl(batch, guild_id=guild, actor="crash")
        print("import", f"batch-{run}-{n}", flush=True)
    service.ask(f"something nobody knows {run} {n}", guild)  # a write to the unanswered log
    previous = fact.id
"""


def kill_at_random(db: Path, run: int, rng: random.Random) -> list[list[str]]:
    """Start a writer, SIGKILL it at a random moment, and return the writes it reported."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(run), str(GUILD), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if run % 4 == 0:
        # Now and then mid start-up: migrations, seeding (on the first run), indexing.
        time.sleep(rng.uniform(0.0, 0.3))
    else:
        assert process.stdout.readline() == "ready\n", process.communicate()[1]
        time.sleep(rng.uniform(0.0, 0.15))
    process.send_signal(signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, stderr
    # A line cut short by the kill was never completely reported.
    complete = stdout.split("\n")[:-1]
    return [line.split(" ", 2) for line in complete if line != "ready"]


def check_database(db: Path, reported: list[list[str]]) -> None:
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in connection.execute("select name from sqlite_master")}
        if "facts" not in tables:
            # Killed before its first migration committed: nothing can have been reported.
            assert not reported
            return
        facts = {
            row[0]: (row[1], bool(row[2]))
            for row in connection.execute("select id, statement, active from facts")
        }
        audit: dict[str, list[tuple[str, dict[str, object]]]] = {}
        for fact_id, action, after in connection.execute(
            "select fact_id, action, after from audit order by id"
        ):
            audit.setdefault(fact_id, []).append((action, json.loads(after)))
        phrased = {row[0] for row in connection.execute("select fact_id from phrasings")}
    finally:
        connection.close()
    # An import lands whole or not at all, reported or not.
    batches: dict[str, int] = {}
    for fact_id in facts:
        if fact_id.startswith("batch-"):
            prefix = fact_id.rsplit("-", 1)[0]
            batches[prefix] = batches.get(prefix, 0) + 1
    assert all(count == BATCH for count in batches.values()), batches
    # Each reported write is there, with its audit entry.
    for kind, fact_id, *rest in reported:
        if kind == "import":
            assert batches.get(fact_id) == BATCH, fact_id
            continue
        assert fact_id in facts, (kind, fact_id)
        actions = [(action, after) for action, after in audit.get(fact_id, [])]
        if kind == "add":
            assert any(action == "add" for action, _ in actions), fact_id
        elif kind == "edit":
            assert ("edit", rest[0]) in [(a, after["statement"]) for a, after in actions]
        else:
            assert any(action == "remove" for action, _ in actions), fact_id
    # No half-written change: each fact is as its latest audit entry says, with phrasings.
    for fact_id, (statement, active) in facts.items():
        assert fact_id in audit, f"{fact_id} has no audit entry"
        _, latest = audit[fact_id][-1]
        assert (latest["statement"], latest["active"]) == (statement, active), fact_id
        assert fact_id in phrased, fact_id


@pytest.mark.slow
def test_killed_writers_lose_nothing_they_reported(tmp_path: Path) -> None:
    db = tmp_path / "factbot.db"
    rng = random.Random(5)
    reported: list[list[str]] = []
    for run in range(KILLS):
        reported += kill_at_random(db, run, rng)
        # Checked after every kill, so an early loss cannot be hidden by a later run.
        check_database(db, reported)
    assert sum(kind == "add" for kind, *_ in reported) >= KILLS // 4, "too few writes to judge"

    # The bot starts on the database afterwards, and answers from what was written.
    service = FactService.open(db)
    try:
        for kind, fact_id, *_ in reported:
            if kind == "import":
                continue
            fact = service.get_fact(fact_id, GUILD)
            if kind == "add" and fact.active:
                answer = service.ask(fact.questions[0], GUILD, log=False)
                assert answer.answered and answer.answers[0].fact_id == fact_id
        assert integrity(service.store) == "ok"
    finally:
        service.close()
