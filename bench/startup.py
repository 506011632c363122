"""How long a process takes from its start to its first answer, with and without the saved
index, and how long one CLI edit takes, on a large base.

    python -m bench.startup                 # 100,000 synthetic facts (a few minutes)
    python -m bench.startup --size 10000

The database (the shipped facts plus `size` synthetic ones, each written with its audit
entry) is made once and kept in --db-dir. Each start runs in a fresh process, which times
its phases: importing the bot, opening the database, making the index (reading the facts
and building it, or loading the saved index and catching it up with the audit log) and
answering a first question. The script times the whole, from before the process is spawned
to its first answer, and checks that every start gives the same answers.

* cold, not saving: no saved index, and none written (the bot before saved indexes);
* cold: no saved index; the one built is saved for the next start, within the time shown;
* warm: the saved index is there and up to date;
* warm, behind: the saved index, then `--edits` facts edited elsewhere, which the start
  catches up with from the audit log;
* `python -m bot facts edit`: the whole command, as a moderator's shell runs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.refresh import ROOT, database
from bench.run import machine

# Set for the children by the parent: when it spawned them, on the same clock.
_SPAWNED = "FACTBOT_BENCH_SPAWNED"
_MIN_FACTS = "FACTBOT_SAVED_INDEX_MIN_FACTS"
NEVER = str(10**9)


def child(db: Path) -> None:
    """One start, timed phase by phase; prints one JSON object."""
    imported = time.perf_counter()
    from bench.synthetic import synthetic_facts, synthetic_questions
    from bot.service import FactService
    from bot.settings import BotSettings

    settings = BotSettings.from_env(dict(os.environ), db=db, discord=False)
    started = time.perf_counter()
    service = FactService.open(
        db, saved_index_min_facts=settings.saved_index_min_facts
    )  # as `python -m bot` opens it
    opened = time.perf_counter()
    made_from = service.prepare()
    indexed = time.perf_counter()
    questions = synthetic_questions(synthetic_facts(300), 40)
    first = service.ask(questions[0], log=False)
    answered = time.perf_counter()
    answers = [[first.outcome, [a.fact_id for a in first.answers]]]
    for question in questions[1:]:
        result = service.ask(question, log=False)
        answers.append([result.outcome, [a.fact_id for a in result.answers]])
    service.close()
    spawned = float(os.environ[_SPAWNED])
    print(
        json.dumps(
            {
                "made_from": made_from,
                "facts": len(service.index),
                "python_s": imported - spawned,
                "import_s": started - imported,
                "open_s": opened - started,
                "index_s": indexed - opened,
                "first_answer_s": answered - indexed,
                "total_s": answered - spawned,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "answers": answers,
            }
        )
    )


def start(db: Path, min_facts: str | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if min_facts is not None:
        env[_MIN_FACTS] = min_facts
    env[_SPAWNED] = repr(time.perf_counter())
    completed = subprocess.run(
        [sys.executable, "-m", "bench.startup", "--child", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr)
    result: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return result


def cli(db: Path, *args: str) -> float:
    """Seconds `python -m bot --db DB ARGS...` takes, from spawn to exit."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {completed.stdout}{completed.stderr}")
    return time.perf_counter() - started


def editable(db: Path, size: int, count: int) -> list[str]:
    """The last `count` facts of the base that an edit can keep as they are: no other fact
    has one of their phrasings (a large synthetic base repeats a few). No question of the
    check is about them."""
    from bot.models import GLOBAL
    from bot.store import Store
    from bot.text import fold

    store = Store(db)
    try:
        found: list[str] = []
        for number in range(size, 0, -1):
            fact = store.fact(f"syn-{number:06d}")
            if fact and not store.phrasing_owners(map(fold, fact.questions), GLOBAL, [fact.id]):
                found.append(fact.id)
                if len(found) == count:
                    break
        return found
    finally:
        store.close()


def edit_elsewhere(db: Path, fact_ids: list[str], stamp: str) -> None:
    """Edit facts through a service that, as `python -m bot facts edit`, never makes the
    index."""
    from bot.drafts import FactDraft
    from bot.service import FactService

    service = FactService.open(db)
    try:
        for number, fact_id in enumerate(fact_ids, start=1):
            fact = service.get_fact(fact_id)
            draft = FactDraft.from_fields(statement=f"Revised {stamp}-{number}: {fact.statement}")
            service.edit_fact(fact.id, draft, actor="bench")
    finally:
        service.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic facts")
    parser.add_argument("--edits", type=int, default=100, help="edits for the behind start")
    parser.add_argument("--cli-edits", type=int, default=3, help="timed `facts edit` runs")
    parser.add_argument(
        "--db-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "factbot-bench-refresh",
        help="where the databases are made once and kept",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return
    args.db_dir.mkdir(parents=True, exist_ok=True)
    db = database(args.size, args.db_dir)
    saved = Path(f"{db}.index")
    about = machine()
    print(
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {about['cpu']}, "
        f"{about['cores']} cores, {about['system']}, Python {about['python']} "
        f"(load average at start {', '.join(f'{x:.2f}' for x in os.getloadavg())}); "
        f"{args.size:,} synthetic facts."
    )
    stamp = time.strftime("%H%M%S")
    starts: list[tuple[str, dict[str, Any]]] = []
    saved.unlink(missing_ok=True)
    starts.append(("cold, not saving", start(db, NEVER)))
    starts.append(("cold", start(db)))
    size_mb = saved.stat().st_size / 1e6 if saved.exists() else 0.0
    starts.append(("warm", start(db)))
    targets = editable(db, args.size, args.edits + args.cli_edits)
    edit_elsewhere(db, targets[: args.edits], stamp)
    starts.append((f"warm, {args.edits} edits behind", start(db)))
    print(
        f"\n{'start':<26}{'made from':>10}{'python':>8}{'import':>8}{'open':>7}"
        f"{'index':>8}{'answer':>8}{'total (s)':>11}{'peak RSS (MB)':>15}"
    )
    for name, run in starts:
        print(
            f"{name:<26}{run['made_from']:>10}{run['python_s']:>8.2f}{run['import_s']:>8.2f}"
            f"{run['open_s']:>7.2f}{run['index_s']:>8.2f}{run['first_answer_s']:>8.2f}"
            f"{run['total_s']:>11.2f}{run['peak_rss_mb']:>15.0f}"
        )
    print(f"saved index: {size_mb:.0f} MB")
    # The edits change statements only: every start must pick the same facts.
    reference = starts[0][1]["answers"]
    same = all(
        [outcome, ids] == [o, i]
        for _, run in starts
        for (outcome, ids), (o, i) in zip(run["answers"], reference, strict=True)
    )
    print(f"same answers in every start: {same}")
    timings = [
        cli(db, "facts", "edit", fact_id, "--statement", f"Edited {stamp}-{number}.")
        for number, fact_id in enumerate(targets[args.edits :], start=1)
    ]
    print(
        f"`python -m bot facts edit`: median {statistics.median(timings):.2f} s "
        f"over {len(timings)} ({', '.join(f'{t:.2f}' for t in timings)})"
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
