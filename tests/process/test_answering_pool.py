"""`ask --json -` answered by several processes (bot/cli/pool.py): the same bytes out as
one process, in the order asked, the same questions logged, and a clean end when a
process dies or the reader of the answers leaves.

These run the real `python -m bot` and the processes it starts."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from bot.cli.pool import MAX_JOBS, default_jobs
from tests.helpers import REPO, VALIDATION_QUESTIONS, bot_process, questions_in

QUESTIONS = questions_in(VALIDATION_QUESTIONS)[:40]
# Lines one process skips (blank, or only spaces of any kind), and lines it answers that a
# careless hand-off would split, merge or re-encode: CRLF ends, a byte that is not UTF-8,
# emoji, a line longer than a pipe's buffer.
AWKWARD = [
    b"",
    b"   \t",
    "\u00a0\u3000".encode(),
    b"who took the airport\r",
    b"who took \xff the airport",
    "how many civilians died \U0001f622\U0001f622".encode(),
    b"what happened in aleppo " * 4_000,
]


def stream_input() -> bytes:
    lines = [q.encode() for q in QUESTIONS]
    for at, line in enumerate(AWKWARD):
        lines.insert(at * 5, line)
    return b"\n".join(lines) + b"\n"


def ask_stream(db: Path, jobs: int, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "ask", "--json", "--jobs", str(jobs), "-"],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def seeded(path: Path) -> Path:
    bot_process(path, "seed")
    return path


def test_several_processes_answer_as_one_does(tmp_path: Path) -> None:
    alone, shared = seeded(tmp_path / "alone.db"), tmp_path / "shared.db"
    shutil.copy(alone, shared)
    one, three = ask_stream(alone, 1, stream_input()), ask_stream(shared, 3, stream_input())
    assert one.returncode == 0 and three.returncode == 0, three.stderr
    assert three.stdout == one.stdout
    answers = [json.loads(line) for line in three.stdout.splitlines()]
    # In the order asked (the byte that is not UTF-8 reads as "?", as in one process).
    text = stream_input().decode("utf-8", "replace").replace("\ufffd", "?")
    asked = [q.strip() for q in text.splitlines() if q.strip()]
    assert [a["question"] for a in answers] == asked
    assert len(asked) == len(QUESTIONS) + 4
    # Each process logged what it could not answer: together, what one process logs.
    log = [bot_process(db, "unanswered", "--limit", "100").stdout for db in (alone, shared)]
    assert log[0] == log[1] and "No unanswered" not in log[0]


def test_each_answer_comes_before_the_next_question(tmp_path: Path, start: Start) -> None:
    """A program that writes a question, then waits for its answer, gets each answer from
    whichever process has the question, with nothing held back for a batch."""
    process = start(seeded(tmp_path / "factbot.db"), jobs=2)
    assert process.stdin is not None and process.stdout is not None
    answers = _lines(process.stdout)
    for question in QUESTIONS[:6]:
        process.stdin.write(question.encode() + b"\n")
        process.stdin.flush()
        assert json.loads(answers.get(timeout=60))["question"] == question
    process.stdin.close()
    assert process.wait(timeout=60) == 0


def test_a_process_killed_midway_is_said_in_one_line(tmp_path: Path, start: Start) -> None:
    process = start(seeded(tmp_path / "factbot.db"), jobs=2)
    assert process.stdin is not None and process.stdout is not None
    answers = _lines(process.stdout)
    for question in QUESTIONS[:2]:  # both processes are up and answering
        process.stdin.write(question.encode() + b"\n")
        process.stdin.flush()
        answers.get(timeout=60)
    workers = _children(process.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    with contextlib.suppress(BrokenPipeError):  # it may have stopped reading already
        for question in QUESTIONS[2:20]:
            process.stdin.write(question.encode() + b"\n")
            process.stdin.flush()
        process.stdin.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr is not None
    said = process.stderr.read().decode().strip()
    assert said == "Error: an answering process stopped by signal 9", said
    assert not _alive(workers)


def test_a_reader_that_leaves_early_stops_every_process(tmp_path: Path, start: Start) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_bytes(stream_input() * 4)
    process = start(db := seeded(tmp_path / "factbot.db"), jobs=2, stdin=questions)
    assert process.stdout is not None and process.stderr is not None
    workers = _wait_for_children(process.pid, 2)
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""
    assert not _alive(workers)
    # They were stopped as one process stops when its reader leaves, not killed: each
    # logged the questions it had not answered and had not logged yet.
    assert "No unanswered" not in bot_process(db, "unanswered").stdout


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_under_the_answers_is_one_line(tmp_path: Path, jobs: int) -> None:
    db = seeded(tmp_path / "factbot.db")
    with Path("/dev/full").open("wb") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "bot", "--db", str(db), "ask", "--json", f"--jobs={jobs}", "-"],
            input=stream_input(),
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=REPO,
            timeout=120,
            check=False,
        )
    assert completed.returncode == 1
    assert completed.stderr.decode().strip() == "Error: No space left on device"


def test_jobs_is_only_for_a_json_stream(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "f.db"), "ask", "--jobs", "2", "-"],
        input=b"who took the airport\n",
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.decode().startswith("Error: --jobs above 1 needs --json and '-'")
    assert not (tmp_path / "f.db").exists()


def test_default_jobs() -> None:
    assert default_jobs(typed=True, cpus=8, encoding="utf-8") == 1
    assert default_jobs(typed=False, cpus=2, encoding="UTF8") == 2
    assert default_jobs(typed=False, cpus=1, encoding="utf-8") == 1
    assert default_jobs(typed=False, cpus=512, encoding="utf-8") == MAX_JOBS
    # Answers pass between the processes as UTF-8, which this output could not take.
    assert default_jobs(typed=False, cpus=8, encoding="latin-1") == 1


Start = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def start() -> Iterator[Start]:
    """Starts `ask --json --jobs JOBS -` on a database, its questions from a file or
    written by the test; whatever a failed test left running is killed after it."""
    started: list[subprocess.Popen[bytes]] = []

    def run(db: Path, jobs: int, stdin: Path | None = None) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "bot", "--db", str(db), "ask", "--json"]
        with (stdin or Path(os.devnull)).open("rb") as given:
            process = subprocess.Popen(
                [*command, "--jobs", str(jobs), "-"],
                stdin=given if stdin else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=REPO,
            )
        started.append(process)
        return process

    yield run
    for process in started:
        for pid in [*_children(process.pid), process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def _lines(stream: IO[bytes]) -> queue.Queue[bytes]:
    """The lines of a stream as they come, read by a thread of their own: a test waits
    for the next one with a timeout, and fails instead of hanging."""
    lines: queue.Queue[bytes] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def _wait_for_children(pid: int, count: int) -> list[int]:
    deadline = time.monotonic() + 60
    while len(found := _children(pid)) < count:
        assert time.monotonic() < deadline, "the answering processes never started"
        time.sleep(0.01)
    return found


def _alive(pids: list[int]) -> bool:
    """Whether any of these processes still runs (a zombie has ended: only its exit status
    waits to be read)."""
    for pid in pids:
        status = Path(f"/proc/{pid}/stat")
        try:
            if status.read_text().rsplit(")", 1)[1].split()[0] != "Z":
                return True
        except (FileNotFoundError, ProcessLookupError):
            continue
    return False
