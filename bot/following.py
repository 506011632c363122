"""The index answers read, kept up with what other processes (the CLI, other shards)
write to the database, by following the change feed (feed.py).

Answers read `index` without a lock; the index and the sources it was built with are
replaced together, with one assignment each, under the service's write lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.feed import FeedMark, IndexState
from bot.matcher import MatchIndex
from bot.models import Fact, Source
from bot.sources import SourceRegistry
from bot.store import Store

# Audit entries a refresh applies per hold of the write lock: a write of this process waits
# for one such batch at most, not for a whole import made elsewhere.
FEED_BATCH = 100
# Builds off to the side before one is made holding writes off (see LiveIndex._rebuild).
REBUILD_ATTEMPTS = 3

BuildIndex = Callable[[Iterable[Source], list[Fact]], MatchIndex]


@dataclass(frozen=True, slots=True)
class _Position:
    """How far an index has followed the change feed."""

    mark: FeedMark  # the last audit entry applied
    sources_digest: str  # of the sources table the index's sources match

    @classmethod
    def of(cls, state: IndexState) -> _Position:
        return cls(state.mark, state.sources_digest)


@dataclass(frozen=True, slots=True)
class _Step:
    position: _Position
    complete: bool  # nothing after it in the log yet
    changed: bool  # some fact was applied


class LiveIndex:
    def __init__(self, store: Store, build: BuildIndex, write_lock: threading.Lock) -> None:
        self._store = store
        self._build = build
        self._write_lock = write_lock
        # One refresh at a time; a reader that finds one running answers from the index as is.
        self._refresh_lock = threading.Lock()
        # Rebuilds because the audit log could not say what changed (restored database).
        self.full_rebuilds = 0
        self._stale = False  # a refresh failed part way: look again, new commits or not
        self.install()

    def install(self) -> None:
        """Build the index afresh from the database; call holding the write lock (or
        before anyone else can write)."""
        state = self._store.feed.index_state()
        self.sources = SourceRegistry(state.sources)
        self.index = self._build(state.sources, state.facts)
        self._position = _Position.of(state)

    def add_source(self, source: Source) -> None:
        """Take in a source this process wrote; call holding the write lock."""
        self.sources = self.sources.adding(source)
        self.index.set_sources(self.sources.all())

    def refresh(self) -> str:
        """Catch the index up with what other processes wrote: "unchanged", "applied" (the
        changed facts, from the audit log), "rebuilt" (the log could not say, or the
        sources changed), or "busy" (another thread is refreshing).

        Answers keep using the current index meanwhile: they take no lock the refresh holds.
        """
        if not self._refresh_lock.acquire(blocking=False):
            return "busy"
        try:
            if not self._store.changed_elsewhere() and not self._stale:
                return "unchanged"
            self._stale = True
            outcome = self._follow_feed()
            self._stale = False
            return outcome
        finally:
            self._refresh_lock.release()

    def _follow_feed(self) -> str:
        applied = False
        while True:
            # Under the write lock a batch at a time: a write of ours cannot land between
            # reading a fact's state and applying it (and be undone by the older state),
            # and waits for one batch at most. Our own writes come back in the feed: applying
            # a fact's current state again changes nothing.
            with self._write_lock:
                step = self._feed_step(self.index, self.sources, self._position)
                if step is None:
                    break
                self._position = step.position
                applied = applied or step.changed
            if step.complete:
                return "applied" if applied else "unchanged"
        self._rebuild()
        return "rebuilt"

    def _feed_step(
        self, index: MatchIndex, sources: SourceRegistry, position: _Position
    ) -> _Step | None:
        """Apply the next batch of the feed to `index` (whose sources are `sources`); None
        if only a rebuild can catch up."""
        batch = self._store.feed.changes_since(position.mark, FEED_BATCH)
        if batch is None:
            return None
        digest = position.sources_digest
        if batch.sources_digest != digest:
            # Our own new sources change the table too; a source we lack (new elsewhere)
            # needs a rebuild: `set_sources` would re-index every fact holding our writes
            # off, where a rebuild off to the side holds nothing.
            digest, current = self._store.feed.sources_state()
            if SourceRegistry(current) != sources:
                return None
        if batch.facts:
            index.apply(
                upserts=[fact for fact in batch.facts.values() if fact is not None],
                removals=[key for key, fact in batch.facts.items() if fact is None],
            )
        return _Step(_Position(batch.mark, digest), batch.complete, bool(batch.facts))

    def _rebuild(self) -> None:
        """A new index built off to the side, brought up to the feed, and swapped in with one
        assignment: answers use the old one meanwhile, and writes wait for the last step."""
        for _ in range(REBUILD_ATTEMPTS):
            state = self._store.feed.index_state()
            sources = SourceRegistry(state.sources)
            index = self._build(state.sources, state.facts)
            # No lock for most of the catching up: only this thread knows the new index,
            # and our own writes meanwhile went to the old one, and are in the feed.
            position = self._caught_up(index, sources, _Position.of(state))
            if position is None:
                continue  # the sources or the log changed again during the build
            with self._write_lock:
                position = self._caught_up(index, sources, position)
                if position is not None:
                    self.index, self.sources, self._position = index, sources, position
                    self.full_rebuilds += 1
                    return
        # Changes kept outrunning the builds: build once more holding our writes off.
        with self._write_lock:
            self.install()
            self.full_rebuilds += 1

    def _caught_up(
        self, index: MatchIndex, sources: SourceRegistry, position: _Position
    ) -> _Position | None:
        while True:
            step = self._feed_step(index, sources, position)
            if step is None:
                return None
            position = step.position
            if step.complete:
                return position
