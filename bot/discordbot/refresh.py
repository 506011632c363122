"""Catching up with what other processes write, in the background, off the answer path.

The CLI (or another shard process) may change facts while the bot runs. The bot's service
refreshes on a thread of its own every REFRESH_EVERY seconds, and answers never refresh:
they use the index as it is, and a change shows within a refresh or two.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading

from bot.errors import DatabaseUnavailable
from bot.service import FactService

log = logging.getLogger(__name__)

REFRESH_EVERY = 0.3
# How long closing waits for a refresh under way (a rebuild of a large base takes longer);
# the thread is a daemon, so it cannot keep the process alive.
STOP_WAIT = 10.0


class Refresher:
    def __init__(self, service: FactService, every: float = REFRESH_EVERY) -> None:
        self.service = service
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing: str | None = None  # the problem last reported, said once

    def start(self) -> None:
        if self._thread is not None:
            return
        self.service.refresh_on_read = False
        self._thread = threading.Thread(target=self._run, name="factbot-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop refreshing (blocks for the refresh under way, up to STOP_WAIT)."""
        self._stop.set()
        if self._thread is None:
            return
        self._thread.join(STOP_WAIT)
        if self._thread.is_alive():
            log.info("A refresh of the index is still running; not waiting for it")
        self.service.refresh_on_read = True

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                outcome = self.service.refresh()
            except Exception as error:
                if self._stop.is_set():
                    return  # the database closed under a refresh that outlived STOP_WAIT
                # The answers go on from the index as it is, and the next round tries
                # again; a problem that lasts is reported once, not every round.
                reason = f"{type(error).__name__}: {error}"
                if reason != self._failing:
                    if isinstance(error, (DatabaseUnavailable, sqlite3.OperationalError)):
                        log.warning("Cannot read changes made elsewhere: %s", error)
                    else:
                        log.exception("Refreshing the index failed")
                self._failing = reason
                continue
            if outcome == "rebuilt":
                # A new index is long-lived, as the first was (see runner.run_bot): keep
                # the collector from rescanning it, which paused answers at 100k facts
                # for up to 0.7 s a full collection.
                gc.freeze()
            if self._failing is not None:
                log.info("Reading changes made elsewhere works again")
                self._failing = None
