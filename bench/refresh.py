"""How soon a change the CLI makes shows in a running bot's answers, and whether any answer
stalls meanwhile.

    python -m bench.refresh                  # 10,000 and 100,000 facts (several minutes)
    python -m bench.refresh --sizes 1000 --edits 1

For each size, a database with the shipped facts plus that many synthetic ones (made once,
then kept in --db-dir) is opened by a FactService that refreshes in the background as the
bot's does (bot/discordbot/refresh.py). One thread answers questions in a loop while
another process (`python -m bot facts edit`, `facts add`, `sources add`) changes the
database. For each change the script prints the time from that process's exit until the
change shows (in an answer, or for a source, in the service), and the longest any single
answer took in that window, and from the process's start on (it competes for the CPU).
A new source is caught up by a rebuild off to the side, so its row shows the worst case;
the time to build the whole index is printed for reference. --gc-freeze shows what
`gc.freeze()` after the first build would change (full collections walk the index).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench.run import machine
from bench.synthetic import synthetic_facts, synthetic_questions
from bot.discordbot.refresh import REFRESH_EVERY, Refresher
from bot.errors import ValidationError
from bot.models import GLOBAL
from bot.service import FactService
from bot.text import fold

VISIBLE_TARGET_S = 1.0
ANSWER_TARGET_S = 0.5
ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def database(size: int, folder: Path) -> Path:
    """A database with the shipped facts and `size` synthetic ones, each written with its
    audit entry as a moderator's would be; made once per size and folder."""
    path = folder / f"refresh-{size}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in folder.glob(f"{partial.name}*"):
        leftover.unlink()
    service = FactService.open(partial)
    try:
        with service.store.transaction() as db:
            for fact in synthetic_facts(size):
                service.store.put_fact(db, fact, actor="bench", action="add", before=None)
    finally:
        service.close()
    partial.rename(path)
    for leftover in folder.glob(f"{partial.name}-*"):  # -wal, -shm of a closed database
        leftover.unlink()
    return path


@dataclass
class Asker:
    """Answers in a loop on one thread, as the bot's read pool would, timing each."""

    service: FactService
    questions: list[str]
    # (started, finished) of every answer, in perf_counter seconds.
    spans: list[tuple[float, float]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    # What the change being waited for looks like, and when it was first seen.
    probe: Callable[[], bool] | None = None
    seen_at: float | None = None

    def run(self) -> None:
        number = 0
        while not self.done.is_set():
            question = self.questions[number % len(self.questions)]
            # Unanswered questions are counted on the bot's write worker, not here.
            self.timed(lambda q=question: self.service.ask(q, GLOBAL, log=False))
            number += 1
            probe = self.probe
            if probe is not None and self.seen_at is None and probe():
                self.seen_at = time.perf_counter()

    def timed(self, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = work()
        self.spans.append((started, time.perf_counter()))
        return result

    def answers(self, question: str) -> str | None:
        """The first answer's statement, timed as any other answer."""
        result = self.timed(lambda: self.service.ask(question, GLOBAL, log=False))
        return result.answers[0].text if result.answers else None


@dataclass(frozen=True)
class Change:
    kind: str
    cli_s: float  # how long the other process ran
    # From its exit until the change showed; below 0 when it showed before the process
    # had quite exited (its commit comes before its teardown).
    visible_s: float
    longest_window_ms: float  # of the answers between the exit and the change showing
    longest_overall_ms: float  # of the answers from the process's start on
    answers: int  # from the process's start until the change showed


def change(asker: Asker, command: Sequence[str], probe: Callable[[], bool], kind: str) -> Change:
    asker.seen_at = None
    asker.probe = probe
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "bot", *command], cwd=ROOT, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {completed.stdout}{completed.stderr}")
    exited = time.perf_counter()
    deadline = exited + 600
    while asker.seen_at is None:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the {kind} did not show within 600 s")
        time.sleep(0.005)
    seen = asker.seen_at
    asker.probe = None
    spans = list(asker.spans)
    overall = [end - start for start, end in spans if end >= started and start <= seen]
    window = [end - start for start, end in spans if end >= exited and start <= seen]
    return Change(
        kind=kind,
        cli_s=exited - started,
        visible_s=seen - exited,
        longest_window_ms=max(window, default=0.0) * 1000,
        longest_overall_ms=max(overall, default=0.0) * 1000,
        answers=len(overall),
    )


def measure(
    size: int, folder: Path, edits: int, freeze: bool
) -> tuple[str, float, list[Change], float]:
    """How the index was made ("saved": loaded from the saved index, or "built"), the time
    to open the service and make it, each change, and the median answer time over the
    whole run."""
    path = database(size, folder)
    started = time.perf_counter()
    service = FactService.open(path)
    made_from = service.prepare()  # as the bot does before it connects
    build_s = time.perf_counter() - started
    if freeze:
        # What the bot could do once its index is built: the full collections no longer
        # walk the index (0.7 s each at 100,000 facts, measured; about one in 400 answers).
        gc.freeze()
    refresher = Refresher(service)
    facts = service.store.facts(include_retired=False)
    synthetic = [fact for fact in facts if fact.id.startswith("syn-")]
    asker = Asker(service, synthetic_questions(synthetic, 500))
    # Facts that their own first phrasing answers, so an edit shows in that answer, and that
    # share no phrasing with another (a large synthetic base repeats a few), or the edit
    # would be refused.
    sample = synthetic[:: max(len(synthetic) // 200, 1)]
    targets = [
        fact
        for fact in sample
        if asker.answers(fact.questions[0]) == fact.statement
        and not service.store.phrasing_owners(map(fold, fact.questions), GLOBAL, [fact.id])
    ][:edits]
    asker.spans.clear()
    refresher.start()
    thread = threading.Thread(target=asker.run, name="asker")
    thread.start()
    changes: list[Change] = []
    db = ("--db", str(path))
    stamp = time.strftime("%H%M%S")
    try:
        for number, fact in enumerate(targets, start=1):
            statement = f"Revised {stamp}-{number}: {fact.statement}"
            changes.append(
                change(
                    asker,
                    [*db, "facts", "edit", fact.id, "--statement", statement],
                    lambda fact=fact, statement=statement: (
                        asker.answers(fact.questions[0]) == statement
                    ),
                    "edit",
                )
            )
        statement = f"The bench parade {stamp} drew a crowd."
        question = f"what happened at the bench parade {stamp}"
        fields = ("--statement", statement, "--source", "AFP", "--questions", question)
        changes.append(
            change(
                asker,
                [*db, "facts", "add", *fields],
                lambda: asker.answers(question) == statement,
                "add",
            )
        )
        name = f"Bench Desk {stamp}"
        changes.append(
            change(
                asker,
                [*db, "sources", "add", name],
                lambda: known_source(service, name),
                "source (rebuild)",
            )
        )
    finally:
        asker.done.set()
        thread.join()
        refresher.stop()
        service.close()
    median_ms = statistics.median(end - start for start, end in asker.spans) * 1000
    return made_from, build_s, changes, median_ms


def known_source(service: FactService, name: str) -> bool:
    try:
        service.resolve_source(name)
    except ValidationError:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--edits", type=int, default=3, help="CLI edits per size")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() once the index is built"
    )
    parser.add_argument(
        "--db-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "factbot-bench-refresh",
        help="where the databases are made once and kept",
    )
    args = parser.parse_args(argv)
    args.db_dir.mkdir(parents=True, exist_ok=True)
    about = machine()
    print(
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {about['cpu']}, "
        f"{about['cores']} cores, {about['system']}, Python {about['python']} "
        f"(load average at start {', '.join(f'{x:.2f}' for x in os.getloadavg())}); "
        f"background refresh every {REFRESH_EVERY} s"
        f"{', gc.freeze() after the first build' if args.gc_freeze else ''}."
    )
    worst_visible = worst_answer = 0.0
    for size in args.sizes:
        made_from, build_s, changes, median_ms = measure(
            size, args.db_dir, args.edits, args.gc_freeze
        )
        how = "load the saved index" if made_from == "saved" else "build the whole index"
        print(f"\n{size:,} synthetic facts: open and {how} {build_s:.1f} s")
        print(
            f"{'change':<18}{'CLI ran (s)':>12}{'shown after exit (s)':>22}"
            f"{'longest answer, exit to shown (ms)':>36}{'longest from CLI start (ms)':>29}"
            f"{'answers':>9}"
        )
        for item in changes:
            print(
                f"{item.kind:<18}{item.cli_s:>12.1f}{item.visible_s:>22.3f}"
                f"{item.longest_window_ms:>36.1f}{item.longest_overall_ms:>29.1f}"
                f"{item.answers:>9}"
            )
            if item.kind in ("edit", "add"):
                worst_visible = max(worst_visible, item.visible_s)
            worst_answer = max(worst_answer, item.longest_overall_ms / 1000)
        print(f"median answer over the run: {median_ms:.2f} ms")
    print(
        f"\nworst edit/add shown after exit: {worst_visible:.3f} s "
        f"(target <= {VISIBLE_TARGET_S:g} s: {met(worst_visible <= VISIBLE_TARGET_S)})"
    )
    print(
        f"longest single answer from any CLI start on: {worst_answer * 1000:.1f} ms "
        f"(target <= {ANSWER_TARGET_S * 1000:g} ms: {met(worst_answer <= ANSWER_TARGET_S)})"
    )


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
