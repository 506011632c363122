"""SQLite storage for facts, sources, phrasings, the audit log and unanswered questions.

One connection serves the process, guarded by a lock: the answer path reads the in-memory
index, not the database, so the lock is only taken by writes and moderator reads. WAL
mode lets other processes (the CLI while the bot runs, a backup) read and write beside it,
`changed_elsewhere` tells the service when they did, and `feed` (feed.py) what they wrote.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.connection import open_database, sqlite_utils_over, storage_problem, unavailable
from bot.documents.records import Document
from bot.documents.table import curated_documents_seeded, insert_document, seed_curated_documents
from bot.errors import DatabaseUnavailable, StorageUnavailable
from bot.feed import ChangeFeed
from bot.knowledge import Knowledge, KnowledgeError
from bot.models import GLOBAL, AuditEntry, Fact, FactKey, Source, UnansweredQuestion
from bot.records import fact_from_row, fact_record, fact_row, fact_snapshot
from bot.schema import is_current
from bot.text import fold, is_unicode

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000
# Audit actions of the curated knowledge being loaded: seed-add, seed-update, seed-retire.
SEED_ACTION_PREFIX = "seed-"
# Phrasings with the fact they belong to: a fact is named by its guild scope and its id.
_OWN_FACT = "join facts f on f.guild_id = p.guild_id and f.id = p.fact_id"


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    skipped: bool = False


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class FactChange:
    """One audited write of a fact: `after` replaces `before` (None: a new fact)."""

    before: Fact | None
    after: Fact
    action: str
    actor: str


class Store:
    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._lock = threading.RLock()
        self.feed = ChangeFeed(self)
        # The reads answering needs go to the connection itself; writes and the moderators'
        # reads go through sqlite-utils (`db`), loaded when first needed.
        self.conn = open_database(self.path, busy_timeout_ms)
        self._db: Database | None = None
        try:
            self._migrate()
            self._data_version = self._read_data_version()
        except StorageUnavailable as error:
            self.conn.close()
            raise DatabaseUnavailable(
                f"cannot open the database {self.path}: {error.reason}"
            ) from None
        except sqlite3.Error as error:
            self.conn.close()
            raise unavailable(self.path, error, busy_timeout_ms) from None

    @property
    def db(self) -> Database:
        """sqlite-utils over the store's connection."""
        with self._lock:
            if self._db is None:
                self._db = sqlite_utils_over(self.conn)
            return self._db

    def _migrate(self) -> None:
        with self._lock:
            if is_current(self.conn):
                return  # the usual case, and no write: a read-only database opens too
            from bot.migrations import migrations  # sqlite-utils applies the steps

            if not migrations.pending(self.db):
                return
            # Under the write lock, so processes opening a new file at once take turns;
            # `apply` reads what is pending again, and the later ones find nothing to do.
            with self.transaction():
                migrations.apply(self.db)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def query(self, sql: str, params: Sequence[object] = ()) -> Iterator[dict[str, Any]]:
        """The rows a read returns, each a dict by column name, straight from the
        connection: the reads that answering needs do without sqlite-utils."""
        cursor = self.conn.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return (dict(zip(columns, row, strict=True)) for row in cursor)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic write; nothing of it lands unless all of it does. A write the disk or
        another process refuses raises StorageUnavailable, once it is rolled back."""
        with self._immediate():
            yield self.db

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """`transaction` on the plain connection, for writes that need no sqlite-utils."""
        # data_version is not re-read here: it never moves for this connection's own
        # commits, and a re-read would swallow a commit another connection made meanwhile.
        with self._lock:
            try:
                # IMMEDIATE takes the write lock first, waiting (busy timeout) for another
                # process's write to finish. A plain BEGIN reads first and then fails at
                # once with "database is locked" if another connection wrote meanwhile.
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.conn.rollback()
                    raise
            except sqlite3.Error as error:
                # Rolled back by now. A full disk, a read-only file, a lock held too long
                # or a failing disk is the user's to fix: say which, in one line.
                reason = storage_problem(error, self.busy_timeout_ms)
                if reason is None:
                    raise
                raise StorageUnavailable(reason) from error

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Several reads that see one committed state, whatever other connections write."""
        with self._lock:
            if self.conn.in_transaction:
                yield
                return
            self.conn.execute("BEGIN")
            try:
                yield
            finally:
                self.conn.rollback()

    def _read_data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """Whether another connection (say the CLI) committed since this one last looked."""
        with self._lock:
            version = self._read_data_version()
            changed = version != self._data_version
            self._data_version = version
            return changed

    # -- facts ------------------------------------------------------------------------

    def facts(self, *, guild_id: int | None = None, include_retired: bool = True) -> list[Fact]:
        """Facts of one guild scope (None: every scope), phrasings included."""
        conditions: dict[str, int] = {}
        if guild_id is not None:
            conditions["guild_id"] = guild_id
        if not include_retired:
            conditions["active"] = 1
        params = list(conditions.values())
        where = " and ".join(f"f.{column} = ?" for column in conditions) or "1"
        # One snapshot, or a fact could come with the phrasings of its next version.
        with self.reading():
            rows = list(self.query(f"select * from facts f where {where} order by f.rowid", params))
            phrasings: dict[FactKey, list[str]] = {}
            for row in self.query(
                f"select p.guild_id, p.fact_id, p.text from phrasings p {_OWN_FACT}"
                f" where {where} order by p.position",
                params,
            ):
                key = FactKey(row["guild_id"], row["fact_id"])
                phrasings.setdefault(key, []).append(row["text"])
        return [
            fact_from_row(row, phrasings.get(FactKey(row["guild_id"], row["id"]), []))
            for row in rows
        ]

    def fact(self, fact_id: str, guild_id: int | None = None) -> Fact | None:
        """The fact a guild sees by this id: its own, else a curated one. None for the
        guild: whichever scope has it, the curated first (a database of one server)."""
        if not is_unicode(fact_id):
            return None  # no stored id has a lone surrogate, and SQLite cannot be asked
        query = "select * from facts where id = ?"
        params: list[str | int] = [fact_id]
        if guild_id is None:
            query += " order by guild_id"
        else:
            query += " and guild_id in (?, ?) order by guild_id = ? desc"
            params += [GLOBAL, guild_id, guild_id]
        with self.reading():
            rows = list(self.db.query(f"{query} limit 1", params))
            if not rows:
                return None
            questions = [
                r["text"]
                for r in self.db.table("phrasings").rows_where(
                    "guild_id = ? and fact_id = ?",
                    [rows[0]["guild_id"], fact_id],
                    order_by="position",
                )
            ]
        return fact_from_row(rows[0], questions)

    def phrasing_owners(
        self, keys: Iterable[str], guild_id: int, exclude: Iterable[str]
    ) -> dict[str, str]:
        """Which active fact a guild can see owns each folded phrasing, facts in `exclude`
        aside (by id: the ids a guild sees are unique among them)."""
        wanted = sorted(set(keys))
        excluded = set(exclude)
        owners: dict[str, str] = {}
        with self.reading():
            # In slices, well under SQLite's limit on bound parameters.
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ", ".join("?" * len(batch))
                rows = self.db.query(
                    # `+p.guild_id`: the phrasings are found by their key's index, not by
                    # every phrasing of the scopes the guild filter would otherwise imply.
                    "select p.key, p.fact_id from phrasings p"
                    " join facts f on f.guild_id = +p.guild_id and f.id = p.fact_id"
                    f" where p.key in ({marks}) and f.active = 1 and f.guild_id in (?, ?)",
                    [*batch, GLOBAL, guild_id],
                )
                for row in rows:
                    if row["fact_id"] not in excluded:
                        owners.setdefault(row["key"], row["fact_id"])
        return owners

    def fact_ids(self, guild_id: int) -> set[str]:
        """The ids a new fact of the guild may not take: those it sees, retired or not. The
        curated scope's may shadow no server's, so it is kept from every id in use."""
        with self._lock:
            if guild_id == GLOBAL:
                rows = self.db.query("select id from facts")
            else:
                rows = self.db.query(
                    "select id from facts where guild_id in (?, ?)", [GLOBAL, guild_id]
                )
            return {row["id"] for row in rows}

    def put_fact(
        self,
        db: Database,
        fact: Fact,
        *,
        actor: str,
        action: str,
        before: Fact | None,
        curated_hash: str | None = None,
    ) -> int:
        """Write a fact, its phrasings and its audit entry; call inside `transaction`."""
        stamp = now()
        existing = list(
            db.table("facts").rows_where("guild_id = ? and id = ?", [fact.guild_id, fact.id])
        )
        created_at = existing[0]["created_at"] if existing else stamp
        if curated_hash is None and existing:
            curated_hash = existing[0]["curated_hash"]
        db.table("facts").upsert(
            {
                **fact_row(fact),
                "curated_hash": curated_hash,
                "created_at": created_at,
                "updated_at": stamp,
            },
            pk=("guild_id", "id"),
        )
        db.execute(
            "delete from phrasings where guild_id = ? and fact_id = ?", [fact.guild_id, fact.id]
        )
        db.table("phrasings").insert_all(
            {
                "guild_id": fact.guild_id,
                "fact_id": fact.id,
                "position": position,
                "text": text,
                "key": fold(text),
            }
            for position, text in enumerate(fact.questions)
        )
        return self._audit(db, actor, fact, action, before, fact, stamp)

    def _audit(
        self,
        db: Database,
        actor: str,
        fact: Fact,
        action: str,
        before: Fact | None,
        after: Fact | None,
        stamp: str,
    ) -> int:
        table = db.table("audit")
        table.insert(
            {
                "at": stamp,
                "actor": actor,
                "guild_id": fact.guild_id,
                "action": action,
                "fact_id": fact.id,
                "before": json.dumps(fact_snapshot(before)) if before else None,
                "after": json.dumps(fact_snapshot(after)) if after else None,
            }
        )
        assert table.last_pk is not None
        return int(table.last_pk)

    def history(self, fact_id: str, guild_id: int | None = None) -> list[AuditEntry]:
        """The audit entries of the guild's fact of this id (None: of every scope's)."""
        where = "fact_id = ?"
        params: list[str | int] = [fact_id]
        if guild_id is not None:
            where, params = "guild_id = ? and fact_id = ?", [guild_id, fact_id]
        with self._lock:
            rows = list(self.db.table("audit").rows_where(where, params, order_by="id"))
        return [_audit_from_row(row) for row in rows]

    def audit_entry(self, entry_id: int) -> AuditEntry | None:
        with self._lock:
            rows = list(self.db.table("audit").rows_where("id = ?", [entry_id]))
        return _audit_from_row(rows[0]) if rows else None

    # -- sources ----------------------------------------------------------------------

    def sources(self) -> list[Source]:
        with self._lock:
            rows = list(self.query("select * from sources order by rowid"))
        return [
            Source(
                id=row["id"],
                name=row["name"],
                aliases=tuple(json.loads(row["aliases"] or "[]")),
                description=row["description"] or "",
                part_of=row["part_of"],
                guild_id=row["guild_id"],
            )
            for row in rows
        ]

    def put_source(self, db: Database, source: Source, origin: str) -> None:
        db.table("sources").upsert(
            {
                "guild_id": source.guild_id,
                "id": source.id,
                "name": source.name,
                "aliases": json.dumps(list(source.aliases)),
                "description": source.description,
                "part_of": source.part_of,
                "origin": origin,
            },
            pk=("guild_id", "id"),
        )

    def commit(
        self,
        changes: Sequence[FactChange] = (),
        source: Source | None = None,
        answered: tuple[int, str] | None = None,
        documents: Sequence[Document] = (),
        writes: Sequence[Callable[[Database], None]] = (),
    ) -> None:
        """Write them all in one transaction, or none: documents, a source, facts with
        their audit entries, the unanswered question a fact now answers, other rows."""
        with self.transaction() as db:
            for document in documents:
                insert_document(db, document, action="import-add")
            if source is not None:
                self.put_source(db, source, "moderator")
            for change in changes:
                self.put_fact(
                    db, change.after, actor=change.actor, action=change.action, before=change.before
                )
            if answered is not None:
                self.forget_unanswered(db, *answered)
            for write in writes:
                write(db)

    # -- unanswered questions ---------------------------------------------------------

    def record_unanswered(self, guild_id: int, questions: Iterable[str]) -> None:
        """Count questions the bot could not answer, in one transaction of their own on the
        plain connection: a process that only answers never loads sqlite-utils."""
        with self._immediate() as conn:
            _count_unanswered(conn, guild_id, questions)

    def count_unanswered(self, db: Database, guild_id: int, questions: Iterable[str]) -> None:
        """Count questions the bot could not answer; inside the caller's transaction."""
        _count_unanswered(db.conn, guild_id, questions)

    def unanswered(self, guild_id: int | None, limit: int = 20) -> list[UnansweredQuestion]:
        clause, params = ("guild_id = ?", [guild_id]) if guild_id is not None else (None, [])
        with self._lock:
            rows = self.db.table("unanswered").rows_where(
                clause, params, order_by="count desc, last_at desc", limit=limit
            )
            return [
                UnansweredQuestion(r["question"], r["count"], r["first_at"], r["last_at"])
                for r in rows
            ]

    def forget_unanswered(self, db: Database, guild_id: int, question: str) -> None:
        db.execute(
            "delete from unanswered where guild_id = ? and key = ?", [guild_id, fold(question)]
        )

    # -- seeding ----------------------------------------------------------------------

    def seed(self, knowledge: Knowledge, *, force: bool = False) -> SeedReport:
        """Bring the curated facts and sources in line with the knowledge files.

        Facts whose curated record is unchanged are left alone, so a moderator's edit to a
        curated fact survives until the curators change that fact in the files. Facts
        moderators added are never touched.
        """
        # A read first: every process opening the database comes here, and most find
        # nothing to do, without waiting for the write lock.
        facts_seeded = self.meta_value("knowledge") == knowledge_fingerprint(knowledge)
        if facts_seeded and curated_documents_seeded(self, knowledge) and not force:
            return SeedReport(skipped=True)
        reports: list[SeedReport] = []
        self.commit(writes=[lambda db: reports.append(self.seed_in(db, knowledge, force=force))])
        return reports[0]

    def seed_in(self, db: Database, knowledge: Knowledge, *, force: bool = False) -> SeedReport:
        """`seed`, inside the caller's transaction: checked again under the write lock, as
        another process opening the same new database may have seeded it meanwhile."""
        seed_curated_documents(db, knowledge, now(), force=force)
        fingerprint = knowledge_fingerprint(knowledge)
        added = updated = retired = unchanged = 0
        stored = db.execute("select value from meta where key = 'knowledge'").fetchone()
        if stored and stored[0] == fingerprint and not force:
            return SeedReport(skipped=True)
        for source in knowledge.sources:
            self.put_source(db, source, "curated")
        current = {
            row["id"]: row
            for row in db.query(
                "select id, curated_hash, active from facts"
                " where origin = 'curated' and guild_id = ?",
                [GLOBAL],
            )
        }
        for fact in knowledge.facts:
            digest = _fact_hash(fact)
            row = current.pop(fact.id, None)
            if row is None and self._server_has(db, fact.id):
                # Every server sees the curated base: its new fact may shadow no server's.
                raise KnowledgeError([f"facts: the id '{fact.id}' already names a server's fact"])
            if row is not None and row["curated_hash"] == digest:
                unchanged += 1
                continue
            before = self.fact(fact.id, GLOBAL) if row is not None else None
            action = f"{SEED_ACTION_PREFIX}{'add' if before is None else 'update'}"
            self.put_fact(
                db, fact, actor="knowledge", action=action, before=before, curated_hash=digest
            )
            added += before is None
            updated += before is not None
        for fact_id, row in current.items():
            if row["active"]:
                before = self.fact(fact_id, GLOBAL)
                if before is not None:
                    gone = dataclasses.replace(before, active=False)
                    self.put_fact(
                        db,
                        gone,
                        actor="knowledge",
                        action=f"{SEED_ACTION_PREFIX}retire",
                        before=before,
                    )
                    retired += 1
        db.table("meta").upsert({"key": "knowledge", "value": fingerprint}, pk="key")
        return SeedReport(added, updated, retired, unchanged)

    @staticmethod
    def _server_has(db: Database, fact_id: str) -> bool:
        row = db.execute(
            "select 1 from facts where id = ? and guild_id != ? limit 1", [fact_id, GLOBAL]
        ).fetchone()
        return row is not None

    # -- maintenance ------------------------------------------------------------------

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the live database, through SQLite's online backup."""
        folder = Path(target).parent
        if not folder.is_dir():
            raise DatabaseUnavailable(f"cannot back up to {target}: there is no folder {folder}")
        try:
            destination = sqlite3.connect(str(target))
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"cannot back up to {target}: {error}") from None
        try:
            with self._lock:
                self.conn.backup(destination)
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"cannot back up to {target}: {error}") from None
        finally:
            destination.close()

    # -- small values the front ends keep (e.g. the hash of the last command sync) ----

    def meta_value(self, key: str) -> str | None:
        with self._lock:
            row = self.conn.execute("select value from meta where key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def put_meta_value(self, db: Database, key: str, value: str) -> None:
        db.table("meta").upsert({"key": key, "value": value}, pk="key")


def knowledge_fingerprint(knowledge: Knowledge) -> str:
    digest = hashlib.sha256()
    for fact in knowledge.facts:
        digest.update(_fact_hash(fact).encode())
    for source in knowledge.sources:
        digest.update(
            json.dumps(
                [source.id, source.name, source.aliases, source.description, source.part_of]
            ).encode()
        )
    return digest.hexdigest()


def _fact_hash(fact: Fact) -> str:
    payload = json.dumps(fact_record(fact), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _audit_from_row(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        guild_id=row["guild_id"],
        action=row["action"],
        fact_id=row["fact_id"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
    )


def _count_unanswered(conn: sqlite3.Connection, guild_id: int, questions: Iterable[str]) -> None:
    stamp = now()
    rows = [
        [guild_id, key, question[:300], stamp, stamp]
        for question in questions
        if (key := fold(question)[:300])
    ]
    conn.executemany(
        """
        insert into unanswered (guild_id, key, question, count, first_at, last_at)
        values (?, ?, ?, 1, ?, ?)
        on conflict (guild_id, key) do update set
            count = count + 1, question = excluded.question, last_at = excluded.last_at
        """,
        rows,
    )
