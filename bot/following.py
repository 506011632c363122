"""The index answers read, kept up with what other processes (the CLI, other shards)
write to the database, by following the change feed (feed.py).

Answers read `index` without a lock; the index and the sources it was built with are
replaced together, with one assignment each, under the service's write lock.

The index is made when first needed, so a process that only writes (a CLI command that
edits one fact) never indexes 100,000 facts: from the saved index (saved_index.py) caught
up with the feed when there is one to trust, else built from the database and saved.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from bot.feed import FeedMark, IndexState
from bot.matcher import MatchIndex
from bot.models import Fact, Source
from bot.saved_index import SavedIndex
from bot.sources import SourceRegistry
from bot.store import Store

logger = logging.getLogger(__name__)

# Audit entries a refresh applies per hold of the write lock: a write of this process waits
# for one such batch at most, not for a whole import made elsewhere.
FEED_BATCH = 100
# Builds off to the side before one is made holding writes off (see LiveIndex._rebuild).
REBUILD_ATTEMPTS = 3
# Audit entries a saved index may lag behind before a start that caught up saves anew.
RESAVE_AFTER = 1_000

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
    sources: SourceRegistry  # the sources the index now has


class LiveIndex:
    def __init__(
        self,
        store: Store,
        build: BuildIndex,
        write_lock: threading.Lock,
        saved: SavedIndex | None = None,
    ) -> None:
        self._store = store
        self._build = build
        self._write_lock = write_lock
        self._saved = saved
        # One refresh at a time; a reader that finds one running answers from the index as is.
        self._refresh_lock = threading.Lock()
        # Rebuilds because the audit log could not say what changed (restored database).
        self.full_rebuilds = 0
        self._stale = False  # a refresh failed part way: look again, new commits or not
        # How the index was made: from the saved one, or built; None until it is needed.
        self.made_from: Literal["saved", "built"] | None = None
        self._index: MatchIndex | None = None
        self._position = _Position(FeedMark(0, ""), "")
        self.sources = SourceRegistry(store.feed.sources_state()[1])

    @property
    def index(self) -> MatchIndex:
        """The index, made on first use; never call holding the write lock."""
        index = self._index
        if index is None:
            with self._write_lock:
                index = self._index if self._index is not None else self._make()
        return index

    def ready(self) -> Literal["saved", "built"]:
        """Make the index if it is not made yet; how it was made."""
        made_from = self.made_from
        if made_from is None:
            with self._write_lock:
                if self._index is None:
                    self._make()
                made_from = self.made_from
        assert made_from is not None
        return made_from

    def _make(self) -> MatchIndex:
        """The saved index caught up with the feed, or else one built and saved; call
        holding the write lock."""
        digest, sources = self._store.feed.sources_state()
        loaded = self._saved.load(sources) if self._saved else None
        if loaded is not None:
            index, stamp = loaded
            registry = SourceRegistry(sources)
            caught = self._caught_up(index, registry, _Position(stamp.mark, digest))
            if caught is not None:
                position, registry = caught
                self._index, self.sources, self._position = index, registry, position
                self.made_from = "saved"
                if position.mark.id - stamp.mark.id >= RESAVE_AFTER:
                    self._save(index, position, registry)
                return index
            logger.info("The audit log cannot say what changed since the index was saved")
        index = self._install()
        self.made_from = "built"
        return index

    def install(self) -> None:
        """Build the index afresh from the database, if it was made (else only read the
        sources again: it will read the facts when made); call holding the write lock."""
        if self._index is None:
            self.sources = SourceRegistry(self._store.feed.sources_state()[1])
        else:
            self._install()

    def _install(self) -> MatchIndex:
        state = self._store.feed.index_state()
        self.sources = SourceRegistry(state.sources)
        self._index = index = self._build(state.sources, state.facts)
        self._position = _Position.of(state)
        self._save(index, self._position, self.sources)
        return index

    def _save(self, index: MatchIndex, position: _Position, sources: SourceRegistry) -> None:
        """Save an index built with `sources` that holds every change up to `position`
        (later ones too, maybe: the feed applies them again at the next start, which
        changes nothing)."""
        if self._saved is not None:
            self._saved.save(index, position.mark, sources.all())

    def apply(self, facts: list[Fact]) -> None:
        """Take in facts this process wrote; call holding the write lock. Until the index is
        made there is nothing to update: it will read them from the database."""
        if self._index is not None:
            self._index.apply(upserts=facts)

    def add_source(self, source: Source) -> None:
        """Take in a source this process wrote; call holding the write lock."""
        self.sources = self.sources.adding(source)
        if self._index is not None:
            self._index.set_sources(self.sources.all())

    def refresh(self) -> str:
        """Catch the index up with what other processes wrote: "unchanged", "applied" (the
        changed facts and sources, from the audit log), "rebuilt" (the log could not
        say), or "busy" (another thread is refreshing).

        Answers keep using the current index meanwhile: they take no lock the refresh holds.
        """
        if not self._refresh_lock.acquire(blocking=False):
            return "busy"
        try:
            if self._index is None:
                # Nothing to catch up: the index will read the database when it is made.
                if self._store.changed_elsewhere():
                    with self._write_lock:
                        self.install()
                return "unchanged"
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
                assert self._index is not None  # refresh follows only an index it made
                step = self._feed_step(self._index, self.sources, self._position)
                if step is None:
                    break
                self._position, self.sources = step.position, step.sources
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
            # Our own new sources change the table too; sources changed elsewhere are taken
            # in, re-indexing only the facts that cite them (none, for a new source).
            digest, current = self._store.feed.sources_state()
            if SourceRegistry(current) != sources:
                sources = SourceRegistry(current)
                index.set_sources(sources.all())
        if batch.facts:
            index.apply(
                upserts=[fact for fact in batch.facts.values() if fact is not None],
                removals=[key for key, fact in batch.facts.items() if fact is None],
            )
        return _Step(_Position(batch.mark, digest), batch.complete, bool(batch.facts), sources)

    def _rebuild(self) -> None:
        """A new index built off to the side, brought up to the feed, and swapped in with one
        assignment: answers use the old one meanwhile, and writes wait for the last step."""
        for _ in range(REBUILD_ATTEMPTS):
            state = self._store.feed.index_state()
            sources = SourceRegistry(state.sources)
            index = self._build(state.sources, state.facts)
            # No lock for most of the catching up: only this thread knows the new index,
            # and our own writes meanwhile went to the old one, and are in the feed.
            caught = self._caught_up(index, sources, _Position.of(state))
            if caught is None:
                continue  # the log no longer holds where the build started
            with self._write_lock:
                position, sources = caught
                caught = self._caught_up(index, sources, position)
                if caught is not None:
                    self._position, self.sources = caught
                    self._index = index
                    self.full_rebuilds += 1
            if caught is not None:
                # Off the lock: the index's state is taken at once, and is this position's
                # or later (see _save).
                self._save(index, *caught)
                return
        # Changes kept outrunning the builds: build once more holding our writes off.
        with self._write_lock:
            self._install()
            self.full_rebuilds += 1

    def _caught_up(
        self, index: MatchIndex, sources: SourceRegistry, position: _Position
    ) -> tuple[_Position, SourceRegistry] | None:
        while True:
            step = self._feed_step(index, sources, position)
            if step is None:
                return None
            position, sources = step.position, step.sources
            if step.complete:
                return position, sources
