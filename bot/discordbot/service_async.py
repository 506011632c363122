"""The FactService for the event loop: every call that may touch SQLite runs in a thread.

Writes run one at a time, in order, on one worker thread. Reads (answers, /about, lists,
autocomplete) run on a pool of their own, so they never queue behind a write that is
waiting for another process to let go of the database. A question nobody could answer is
counted by the write worker afterwards: the answer never waits for that write, nor fails
with it.

Before each write the worker waits for SQLite's write lock on a connection of its own,
holding none of the service's locks: the store keeps its one connection (and its lock,
which every read takes) while it waits in BEGIN IMMEDIATE, and reads must not wait then.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from bot.coverage import About
from bot.discordbot.refresh import Refresher
from bot.documents.library import DocumentDraft, Documents
from bot.documents.records import Document, DocumentInfo
from bot.drafting import Draft
from bot.drafts import FactDraft
from bot.errors import FactbotError
from bot.knowledge import Knowledge
from bot.models import GLOBAL, AskResult, AuditEntry, Citation, Fact, Source, UnansweredQuestion
from bot.review import Accepted, DraftReview
from bot.service import FactService
from bot.text import worth_reviewing
from bot.transfer import ImportReport

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

READ_THREADS = 4
# How long a write waits for another process (the CLI, a backup) to release the database.
# Moderators' interactions are deferred first, so this may exceed Discord's 3 seconds.
WRITE_WAIT = 10.0


class DatabaseBusy(FactbotError):
    """Another process kept the database's write lock for longer than a write may wait."""

    def __init__(self) -> None:
        super().__init__(
            "The database is busy: another program is writing to it. Nothing was changed; "
            "try again in a moment."
        )


class AsyncFactService:
    def __init__(
        self,
        service: FactService,
        *,
        read_threads: int = READ_THREADS,
        write_wait: float = WRITE_WAIT,
    ) -> None:
        # The blocking service, for code that is already off the event loop.
        self.sync = service
        self._reads = ThreadPoolExecutor(read_threads, thread_name_prefix="factbot-read")
        self._writes = ThreadPoolExecutor(1, thread_name_prefix="factbot-write")
        self._write_wait = write_wait
        self._gate: sqlite3.Connection | None = None  # used on the write thread only
        self._closed = False
        self._close_lock = threading.Lock()
        self._refresher = Refresher(service)
        self._documents = Documents(service.store)
        self._review = DraftReview(service)

    # -- plumbing -----------------------------------------------------------------------

    async def _read(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        future = self._reads.submit(work, *args, **kwargs)
        return await asyncio.wrap_future(future)

    def _submit_write(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return self._writes.submit(self._write_now, functools.partial(work, *args, **kwargs))

    async def _write(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await asyncio.wrap_future(self._submit_write(work, *args, **kwargs))

    def _write_now(self, work: Callable[[], T]) -> T:
        self._wait_until_writable()
        try:
            return work()
        except sqlite3.OperationalError as error:
            # Another process took the lock back between the wait and the write.
            if _busy(error):
                raise DatabaseBusy() from error
            raise

    def _wait_until_writable(self) -> None:
        path = self.sync.store.path
        if path == ":memory:":
            return  # no other process can hold it
        if self._gate is None:
            self._gate = sqlite3.connect(
                path, timeout=self._write_wait, isolation_level=None, check_same_thread=False
            )
        try:
            # Waits (the timeout above) while another connection writes; taking the lock
            # and letting go again changes nothing, so the bot's index is not rebuilt.
            self._gate.execute("BEGIN IMMEDIATE")
            self._gate.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            if _busy(error):
                raise DatabaseBusy() from error
            raise

    def start_refreshing(self) -> None:
        """From now on catch up with other processes' changes in the background, so that
        no answer waits for it (see refresh.py)."""
        self._refresher.start()

    def close(self) -> None:
        """Finish the writes already queued (unanswered questions included), then stop.

        Blocks: call it off the event loop."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._refresher.stop()
        self._reads.shutdown(wait=True)
        self._writes.shutdown(wait=True)
        if self._gate is not None:
            self._gate.close()

    # -- in memory: no thread needed ------------------------------------------------------

    @property
    def knowledge(self) -> Knowledge:
        return self.sync.knowledge

    def citation(self, fact: Fact, guild_id: int = GLOBAL) -> Citation:
        return self.sync.citation(fact, guild_id)

    # -- asking ---------------------------------------------------------------------------

    async def ask(self, question: str, guild_id: int = GLOBAL) -> AskResult:
        """The answer; an unanswered question is counted later, on the write worker."""
        result = await self._read(self.sync.ask, question, guild_id, log=False)
        if result.outcome == "unknown" and worth_reviewing(result.question):
            logged = self._submit_write(self.sync.log_unanswered, guild_id, [result.question])
            logged.add_done_callback(_report_unlogged)
        return result

    async def answer_fact(self, fact_id: str, guild_id: int = GLOBAL) -> AskResult:
        return await self._read(self.sync.answer_fact, fact_id, guild_id)

    async def suggest_questions(
        self, partial: str, guild_id: int = GLOBAL, limit: int = 25
    ) -> list[str]:
        return await self._read(self.sync.suggest_questions, partial, guild_id, limit)

    # -- reading --------------------------------------------------------------------------

    async def about(self, guild_id: int = GLOBAL) -> About:
        return await self._read(self.sync.about, guild_id)

    async def documents(self, guild_id: int = GLOBAL) -> list[DocumentInfo]:
        """The documents the server sees, curated ones first."""
        return await self._read(self._documents.list, guild_id)

    async def cited_document(self, fact: Fact, guild_id: int = GLOBAL) -> DocumentInfo | None:
        return await self._read(self.sync.cited_document, fact, guild_id)

    async def source_counts(self, guild_id: int = GLOBAL) -> list[tuple[Source, int]]:
        return await self._read(self.sync.source_counts, guild_id)

    async def source_facts(self, name: str, guild_id: int = GLOBAL) -> tuple[Source, list[Fact]]:
        """A source by name or alias, and its facts this guild sees."""

        def work() -> tuple[Source, list[Fact]]:
            source = self.sync.resolve_source(name, guild_id)
            return source, self.sync.list_facts(guild_id, source=source.id)

        return await self._read(work)

    async def list_facts(
        self, guild_id: int = GLOBAL, *, include_retired: bool = False, source: str | None = None
    ) -> list[Fact]:
        return await self._read(
            self.sync.list_facts, guild_id, include_retired=include_retired, source=source
        )

    async def get_fact(self, fact_id: str, guild_id: int = GLOBAL) -> Fact:
        return await self._read(self.sync.get_fact, fact_id, guild_id)

    async def history(self, fact_id: str, guild_id: int = GLOBAL) -> list[AuditEntry]:
        return await self._read(self.sync.history, fact_id, guild_id)

    async def unanswered(self, guild_id: int = GLOBAL, limit: int = 20) -> list[UnansweredQuestion]:
        return await self._read(self.sync.unanswered, guild_id, limit)

    async def export_jsonl(self, guild_id: int = GLOBAL) -> str:
        return await self._read(self.sync.export_jsonl, guild_id)

    async def meta_value(self, key: str) -> str | None:
        return await self._read(self.sync.meta_value, key)

    async def pending_drafts(self, guild_id: int, document_id: str) -> list[Draft]:
        return await self._read(self._review.pending, guild_id, document_id)

    # -- writing, in order, on the write worker --------------------------------------------

    async def set_meta_value(self, key: str, value: str) -> None:
        await self._write(self.sync.set_meta_value, key, value)

    async def add_source(
        self, name: str, *, guild_id: int, aliases: list[str], description: str
    ) -> Source:
        return await self._write(
            self.sync.add_source, name, guild_id=guild_id, aliases=aliases, description=description
        )

    async def add_fact(self, draft: FactDraft, *, guild_id: int, actor: str) -> Fact:
        return await self._write(self.sync.add_fact, draft, guild_id=guild_id, actor=actor)

    async def edit_fact(self, fact_id: str, draft: FactDraft, *, guild_id: int, actor: str) -> Fact:
        return await self._write(
            self.sync.edit_fact, fact_id, draft, guild_id=guild_id, actor=actor
        )

    async def remove_fact(self, fact_id: str, *, guild_id: int, actor: str) -> Fact:
        return await self._write(self.sync.remove_fact, fact_id, guild_id=guild_id, actor=actor)

    async def restore_fact(self, fact_id: str, *, guild_id: int, actor: str) -> Fact:
        return await self._write(self.sync.restore_fact, fact_id, guild_id=guild_id, actor=actor)

    async def undo(self, entry_id: int, *, guild_id: int, actor: str) -> Fact:
        return await self._write(self.sync.undo, entry_id, guild_id=guild_id, actor=actor)

    async def attach_question(
        self, fact_id: str, question: str, *, guild_id: int, actor: str
    ) -> Fact:
        return await self._write(
            self.sync.attach_question, fact_id, question, guild_id=guild_id, actor=actor
        )

    async def add_document(self, draft: DocumentDraft, *, guild_id: int, actor: str) -> Document:
        return await self._write(self._documents.add, draft, guild_id=guild_id, actor=actor)

    async def accept_draft(
        self,
        guild_id: int,
        document_id: str,
        draft: Draft,
        *,
        actor: str,
        fields: FactDraft | None = None,
    ) -> Accepted:
        return await self._write(
            self._review.accept, guild_id, document_id, draft, actor=actor, fields=fields
        )

    async def reject_draft(
        self, guild_id: int, document_id: str, draft: Draft, *, actor: str
    ) -> None:
        await self._write(self._review.reject, guild_id, document_id, draft, actor=actor)

    async def import_jsonl(self, data: bytes, *, guild_id: int, actor: str) -> ImportReport:
        return await self._write(self.sync.import_jsonl, data, guild_id=guild_id, actor=actor)


def _busy(error: sqlite3.Error) -> bool:
    """Whether SQLite gave up waiting for another connection's lock ("database is locked")."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _report_unlogged(future: Future[None]) -> None:
    """Counting an unanswered question is for moderators; its failure is only logged."""
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        log.warning("An unanswered question was not recorded: %s", error)
