"""Failing a test on errors discord.py only logs.

discord.py catches exceptions raised by event handlers, app commands and views,
logs them at ERROR level and carries on; an asyncio task that dies with an
exception nobody retrieves only reaches the loop's exception handler. Inside
``capture_errors()`` both are collected, and leaving the block fails the test
if any were seen (except those matching ``allow``). While a capture is active,
``FakeDiscord.wait_*`` calls fail at once on a new error instead of timing out.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CapturedError:
    source: str  # "log" or "asyncio"
    message: str
    exception: BaseException | None = None

    def describe(self) -> str:
        text = f"[{self.source}] {self.message}"
        if self.exception is not None:
            formatted = traceback.format_exception(self.exception)
            text += "\n" + "".join(formatted).rstrip()
        return text


class ErrorCapture:
    """The errors seen so far; ``allow`` patterns (regexes) are searched in each message."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self._allow = [re.compile(pattern) for pattern in allow]
        self._lock = threading.Lock()
        self._errors: list[CapturedError] = []
        self.allowed: list[CapturedError] = []

    @property
    def errors(self) -> list[CapturedError]:
        with self._lock:
            return list(self._errors)

    def allow(self, pattern: str) -> None:
        self._allow.append(re.compile(pattern))

    def add(self, error: CapturedError) -> None:
        text = error.describe()
        with self._lock:
            if any(pattern.search(text) for pattern in self._allow):
                self.allowed.append(error)
                return
            self._errors.append(error)
        for wake in list(_WAKERS):
            wake()

    def take(self) -> list[CapturedError]:
        """The errors so far, forgetting them (for tests that expect an error)."""
        with self._lock:
            taken, self._errors = self._errors, []
        return taken

    def clear(self) -> None:
        self.take()

    def check(self) -> None:
        errors = self.errors
        if errors:
            details = "\n\n".join(error.describe() for error in errors)
            raise AssertionError(f"{len(errors)} error(s) logged during the test:\n\n{details}")


class _Handler(logging.Handler):
    def __init__(self, capture: ErrorCapture, level: int) -> None:
        super().__init__(level)
        self.capture = capture

    def emit(self, record: logging.LogRecord) -> None:
        exception = record.exc_info[1] if record.exc_info else None
        try:
            message = f"{record.name}: {record.getMessage()}"
        except Exception:  # a broken format string is an error too
            message = f"{record.name}: {record.msg!r}"
        self.capture.add(CapturedError("log", message, exception))


_ACTIVE: list[ErrorCapture] = []
_WAKERS: set[Callable[[], None]] = set()


def active_errors() -> list[CapturedError]:
    """Unallowed errors of every capture now active (FakeDiscord fails waits on them)."""
    return [error for capture in _ACTIVE for error in capture.errors]


def add_waker(wake: Callable[[], None]) -> None:
    _WAKERS.add(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    _WAKERS.discard(wake)


@contextmanager
def capture_errors(
    *, allow: Iterable[str] = (), level: int = logging.ERROR
) -> Iterator[ErrorCapture]:
    """Collect ERROR log records and unhandled asyncio exceptions; fail on leaving if any.

    Use inside a running event loop (an async test or fixture)::

        with capture_errors() as errors:
            ...
        # AssertionError here if discord.py logged an exception
    """
    loop = asyncio.get_running_loop()
    capture = ErrorCapture(allow)
    handler = _Handler(capture, level)
    root = logging.getLogger()
    previous_handler = loop.get_exception_handler()

    def on_loop_error(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exception = context.get("exception")
        capture.add(CapturedError("asyncio", str(context.get("message")), exception))

    root.addHandler(handler)
    loop.set_exception_handler(on_loop_error)
    _ACTIVE.append(capture)
    try:
        yield capture
    finally:
        gc.collect()  # surfaces "Task exception was never retrieved" now, not later
        _ACTIVE.remove(capture)
        loop.set_exception_handler(previous_handler)
        root.removeHandler(handler)
    capture.check()
