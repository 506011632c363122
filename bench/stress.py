"""Stress the real FactService: many askers while a moderator writes, then check nothing was lost.

    python bench/stress.py [--questions 10000] [--writes 1000] [--readers 8] [--seconds 120]

Reader threads ask the validation questions, noise (markdown, mentions, emoji, RTL text,
SQL, pasted essays) and the questions of the facts being edited, through the same
FactService the bot uses, while one moderator thread adds, edits, removes and restores
facts in a server. The questions keep pace with the writes, so they span all of them.

Every answer about an edited fact must be whole: its statement, quote, reporter and source
all of one version. Afterwards every write the moderator was told had succeeded must be in
the database, in order, each with its audit entry. The script prints the counts, the
latencies and the machine, and exits 1 if there was any error or lost write, or if the load
did not finish within --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.drafts import FactDraft
from bot.service import FactService

GUILD = 424242424242424242
ACTOR = "discord:stress"
HOT = 5
QUESTIONS_FILE = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "validation-questions.jsonl"
)
VERSION = re.compile(r"^Stress fact (?P<fact>\d+) is at version (?P<version>\d+)\.$")
NOISE = [
    "",
    "?",
    "@everyone who took the airport",
    "<@123456789012345678> **how many** died?",
    "```sql\n'; DROP TABLE facts; --\n```",
    "حلب مطار من سيطر",
    "מי כבש את שדה התעופה",
    "😀😀😀 rebels?? 🇸🇾",
    "a\u200bi\u200br\u200bp\u200bo\u200br\u200bt",
    "Z\u0351\u0358\u0337leppo",
    "||spoiler|| ~~strike~~ __under__ [x](https://example.com)",
    ("Did the rebels take the airport? " * 400)[:10_000],
]


def fact_draft(number: int, version: int) -> FactDraft:
    """Every part of an answer names the version, so a torn read shows."""
    return FactDraft(
        statement=f"Stress fact {number} is at version {version}.",
        source="afp" if version % 2 == 0 else "sohr",
        questions=(
            f"what does stress fact {code(number)} say",
            f"stress {code(number)} v{version}",
        ),
        quote=f"stress quote {number} {version}",
        reported_by=f"Desk {version}",
    )


def code(number: int) -> str:
    # A made-up word per fact (digits as letters), so each fact's question has one answer.
    return "".join(chr(ord("a") + int(digit)) for digit in f"{number:05d}")


@dataclass
class Tally:
    errors: list[str] = field(default_factory=list)
    ask_seconds: list[float] = field(default_factory=list)
    write_seconds: list[float] = field(default_factory=list)
    # What the moderator was told had succeeded: fact id -> actions, in order.
    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    expected: dict[str, tuple[str, bool]] = field(default_factory=dict)
    questions_asked: int = 0
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self) -> None:
        with self.lock:
            self.errors.append(traceback.format_exc())


@contextmanager
def timed(into: list[float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into.append(time.perf_counter() - start)  # list.append is atomic under the GIL


def moderator(
    service: FactService, tally: Tally, writes: int, deadline: float, rng: random.Random
) -> None:
    """Adds, edits, removes and restores, like a moderator cleaning up a busy server."""
    versions: dict[int, int] = {}
    ids: dict[int, str] = {}
    removed: set[int] = set()

    def acknowledge(number: int, action: str) -> None:
        fact_id = ids[number]
        tally.acknowledged.setdefault(fact_id, []).append(action)
        statement = f"Stress fact {number} is at version {versions[number]}."
        tally.expected[fact_id] = (statement, number not in removed)

    for _ in range(writes):
        if time.monotonic() > deadline:
            return
        roll = rng.random()
        in_use = [n for n in ids if n not in removed]
        if not in_use or roll < 0.3:
            action, number = "add", len(ids)
        elif roll < 0.75 or (roll >= 0.9 and not removed):
            # Half the edits go to a few busy facts, which the askers ask about most.
            action, number = "edit", rng.choice(in_use[:HOT] if rng.random() < 0.5 else in_use)
        elif roll < 0.9:
            action, number = "remove", rng.choice(in_use)
        else:
            action, number = "restore", rng.choice(sorted(removed))
        try:
            with timed(tally.write_seconds):
                if action == "add":
                    versions[number] = 0
                    fact = service.add_fact(fact_draft(number, 0), guild_id=GUILD, actor=ACTOR)
                    ids[number] = fact.id
                elif action == "edit":
                    draft = fact_draft(number, versions[number] + 1)
                    service.edit_fact(ids[number], draft, guild_id=GUILD, actor=ACTOR)
                    versions[number] += 1
                elif action == "remove":
                    service.remove_fact(ids[number], guild_id=GUILD, actor=ACTOR)
                    removed.add(number)
                else:
                    service.restore_fact(ids[number], guild_id=GUILD, actor=ACTOR)
                    removed.discard(number)
            acknowledge(number, action)
        except Exception:
            tally.fail()


def asker(
    service: FactService,
    tally: Tally,
    questions: list[str],
    target: int,
    writes: int,
    writer: threading.Thread,
    deadline: float,
    seed: int,
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        with tally.lock:
            ticket = tally.questions_asked
            if ticket >= target:
                return
            tally.questions_asked += 1
        # Keep pace with the moderator, so the questions span the writes instead of all
        # coming first: question k waits for write k * writes / target.
        while (
            len(tally.write_seconds) * target < ticket * writes
            and writer.is_alive()
            and time.monotonic() < deadline
        ):
            time.sleep(0.001)
        roll = rng.random()
        if roll < 0.4:
            question = rng.choice(questions)
        elif roll < 0.6:
            question = rng.choice(NOISE)
        else:
            question = f"what does stress fact {code(rng.randrange(HOT))} say"
        try:
            with timed(tally.ask_seconds):
                result = service.ask(question, GUILD)
            if result.answered:
                with tally.lock:
                    tally.answered += 1
            for answer in result.answers:
                check_whole(answer.text, answer.quote, answer.citation.reported_by)
        except Exception:
            tally.fail()


def check_whole(statement: str, quote: str | None, reported_by: str | None) -> None:
    match = VERSION.match(statement)
    if match is None:
        return  # a curated fact
    number, version = match["fact"], match["version"]
    if quote != f"stress quote {number} {version}" or reported_by != f"Desk {version}":
        raise AssertionError(f"torn answer: {statement!r} with {quote!r} by {reported_by!r}")


def lost_writes(db: Path, tally: Tally) -> list[str]:
    """Acknowledged writes missing from the database or its audit log, read afresh."""
    connection = sqlite3.connect(db)
    try:
        lost = []
        for fact_id, actions in tally.acknowledged.items():
            logged = [
                row[0]
                for row in connection.execute(
                    "select action from audit where fact_id = ? and actor = ? order by id",
                    [fact_id, ACTOR],
                )
            ]
            if logged != actions:
                lost.append(f"{fact_id}: acknowledged {actions}, audit has {logged}")
            row = connection.execute(
                "select statement, active from facts where id = ?", [fact_id]
            ).fetchone()
            statement, active = tally.expected[fact_id]
            if row is None or (row[0], bool(row[1])) != (statement, active):
                lost.append(f"{fact_id}: expected {(statement, active)}, stored {row}")
        return lost
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpus} CPU(s), {model}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}"
    )


def run(args: argparse.Namespace, db: Path) -> int:
    questions = [
        json.loads(line)["q"]
        for line in QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    service = FactService.open(db)
    tally = Tally()
    started = time.monotonic()
    deadline = started + args.seconds
    writer = threading.Thread(
        target=moderator,
        args=(service, tally, args.writes, deadline, random.Random(args.seed)),
        name="moderator",
    )
    readers = [
        threading.Thread(
            target=asker,
            args=(
                service,
                tally,
                questions,
                args.questions,
                args.writes,
                writer,
                deadline,
                args.seed + n,
            ),
            name=f"asker-{n}",
        )
        for n in range(args.readers)
    ]
    writer.start()
    for thread in readers:
        thread.start()
    for thread in [writer, *readers]:
        thread.join()
    elapsed = time.monotonic() - started
    with sqlite3.connect(service.store.path) as check:
        integrity = str(check.execute("PRAGMA integrity_check").fetchone()[0])
    service.close()

    lost = lost_writes(db, tally)
    writes = sum(len(actions) for actions in tally.acknowledged.values())
    complete = len(tally.ask_seconds) >= args.questions and len(tally.write_seconds) >= args.writes
    print(
        f"questions        {len(tally.ask_seconds)} from {args.readers} threads, "
        f"{tally.answered} answered"
    )
    print(f"writes           {writes} acknowledged ({len(tally.write_seconds)} attempted)")
    print(f"errors           {len(tally.errors)}")
    print(f"lost writes      {len(lost)}")
    print(f"integrity        {integrity}")
    print(
        f"ask latency      p50 {percentile(tally.ask_seconds, 0.5) * 1000:.2f} ms, "
        f"p99 {percentile(tally.ask_seconds, 0.99) * 1000:.2f} ms"
    )
    print(
        f"write latency    p50 {percentile(tally.write_seconds, 0.5) * 1000:.2f} ms, "
        f"p99 {percentile(tally.write_seconds, 0.99) * 1000:.2f} ms"
    )
    print(f"elapsed          {elapsed:.1f} s")
    print(f"machine          {machine()}")
    for problem in (tally.errors + lost)[:5]:
        print(f"\n{problem}", file=sys.stderr)
    if not complete:
        print(f"\nthe load did not finish within {args.seconds} s", file=sys.stderr)
    return 0 if complete and not tally.errors and not lost and integrity == "ok" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=1_000)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120.0, help="give up after this long")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="database file to use (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.db is not None:
        return run(args, args.db)
    with tempfile.TemporaryDirectory(prefix="factbot-stress-") as folder:
        return run(args, Path(folder) / "factbot.db")


if __name__ == "__main__":
    sys.exit(main())
