"""`ask --json -` in several processes: each answers every Nth question, and the answers
are written in the order the questions came.

Each process is `python -m bot ask --json --jobs 1 -` on the same database and knowledge.
It opens the database itself (an SQLite connection must not cross a fork), catches up with
other processes' writes and logs the questions it could not answer, as a single process
does. This process only hands out lines and passes answers on, so its own work per
question is two pipe writes and a read.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from typing import IO

# Past this, more processes only add start-up: answering is bound by the CPUs.
MAX_JOBS = 8
# How long a process whose input is closed may take to end before it is killed.
STOP_WAIT_S = 10.0


class WorkerStopped(Exception):
    """An answering process failed: `code` is its exit code (negative: the signal that
    stopped it), and `explained` whether it said why on stderr (passed on already)."""

    def __init__(self, code: int, *, explained: bool) -> None:
        why = f"stopped by signal {-code}" if code < 0 else f"stopped with exit code {code}"
        super().__init__(f"an answering process {why}")
        self.code = code
        self.explained = explained


def available_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's in a container)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs(*, typed: bool, cpus: int, encoding: str) -> int:
    """How many processes answer standard input.

    One for a person typing: each line is answered as it comes either way, and starting
    more would only cost start-up. One where output is not UTF-8, the one encoding the
    processes pass answers on in. Otherwise one per CPU, up to MAX_JOBS.
    """
    if typed or codecs.lookup(encoding).name != "utf-8":
        return 1
    return max(1, min(cpus, MAX_JOBS))


def answer_in_processes(
    questions: Iterable[str], command: Sequence[str], jobs: int, out: IO[bytes], err: IO[bytes]
) -> None:
    """Answer `questions` with `jobs` processes running `command`, writing each answer
    line to `out` as soon as the ones before it are written.

    What the processes say on stderr is passed on, each distinct line once: the same
    failure in every process (a database that cannot be opened) is said once. Raises
    WorkerStopped if a process fails.
    """
    # The processes read and write UTF-8 whatever the locale, and a line that was not
    # UTF-8 (a lone surrogate here) reaches them as the bytes it was.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape"}
    workers = [
        subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(jobs)
    ]
    said = _Said(err)
    threads = [
        threading.Thread(target=_feed, args=(questions, workers), daemon=True),
        *(threading.Thread(target=said.pass_on, args=(w,), daemon=True) for w in workers),
    ]
    for thread in threads:
        thread.start()
    try:
        _collect(workers, out)
    except BaseException:
        # Interrupted, or the reader of `out` went away: no more answers are wanted, and
        # the processes stop at their next one (as a single process would).
        said.mute()
        for worker in workers:
            _close(worker.stdout)
        raise
    finally:
        for worker in workers:
            _stop(worker)
        for thread in threads[1:]:
            thread.join(timeout=5)
    failed = [w.returncode for w in workers if w.returncode != 0]
    if failed:
        raise WorkerStopped(failed[0], explained=said.spoke)


def _feed(questions: Iterable[str], workers: list[subprocess.Popen[bytes]]) -> None:
    """Hand question N to process N mod jobs, each line at once (a co-process waits for
    its answer before it writes the next), then close their input."""
    try:
        for worker, question in zip(itertools.cycle(workers), questions):
            assert worker.stdin is not None
            worker.stdin.write(question.encode("utf-8", "surrogateescape") + b"\n")
            worker.stdin.flush()
    except (BrokenPipeError, ValueError):
        pass  # a process ended: _collect sees it and says so
    finally:
        for worker in workers:
            _close(worker.stdin)


def _collect(workers: list[subprocess.Popen[bytes]], out: IO[bytes]) -> None:
    """Pass the answers on in the order asked: answer N is process N mod jobs's next line.
    The first process with nothing more to say ends the stream; every process was handed
    its last question by then, as questions are handed out in turn."""
    for worker in itertools.cycle(workers):
        assert worker.stdout is not None
        line = worker.stdout.readline()
        if not line:
            return
        out.write(line)
        out.flush()


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Let a process finish once its input is closed (it logs what it could not answer
    as it ends), or end it if it hangs."""
    _close(worker.stdin)
    try:
        worker.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    _close(worker.stdout)


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        # An error here means its reader is gone: nothing was waiting for what it held.
        with contextlib.suppress(OSError):
            stream.close()


class _Said:
    """The processes' stderr, passed on a line at a time, each distinct line once."""

    def __init__(self, err: IO[bytes]) -> None:
        self._err = err
        self._seen: set[bytes] = set()
        self._lock = threading.Lock()
        self._muted = False
        # Whether any line was passed on.
        self.spoke = False

    def mute(self) -> None:
        """Pass nothing more on: the stream was stopped here, which says why itself."""
        with self._lock:
            self._muted = True

    def pass_on(self, worker: subprocess.Popen[bytes]) -> None:
        assert worker.stderr is not None
        for line in worker.stderr:
            with self._lock:
                if self._muted or line in self._seen:
                    continue
                self._seen.add(line)
                self.spoke = True
                try:
                    self._err.write(line)
                    self._err.flush()
                except (OSError, ValueError):
                    return
        worker.stderr.close()


def worker_command(db: os.PathLike[str], knowledge: os.PathLike[str], guild: int) -> list[str]:
    """The command of one answering process: this bot, on the same files and server."""
    return [
        sys.executable,
        "-m",
        "bot",
        "--db",
        os.fspath(db),
        "--knowledge",
        os.fspath(knowledge),
        "--guild",
        str(guild),
        "ask",
        "--json",
        "--jobs",
        "1",
        "-",
    ]
