"""SQLite storage for facts, sources, phrasings, the audit log and unanswered questions.

One connection serves the process, guarded by a lock: the answer path reads the in-memory
index, not the database, so the lock is only taken by writes and moderator reads. WAL
mode lets other processes (the CLI while the bot runs, a backup) read and write beside it,
and `changed_elsewhere` tells the service when they did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.document_table import m003_documents, seed_curated_documents
from bot.errors import DatabaseUnavailable, StorageUnavailable
from bot.knowledge import Knowledge, record_points
from bot.models import GLOBAL, AuditEntry, Fact, Source, UnansweredQuestion
from bot.text import fold

BUSY_TIMEOUT_MS = 5000
# Audit actions of the curated knowledge being loaded: seed-add, seed-update, seed-retire.
SEED_ACTION_PREFIX = "seed-"
migrations = Migrations("factbot")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("sources").create(
        {
            "guild_id": int,
            "id": str,
            "name": str,
            "aliases": str,
            "description": str,
            "part_of": str,
            "origin": str,
        },
        pk=("guild_id", "id"),
        not_null={"name", "origin"},
    )
    db.table("facts").create(
        {
            "id": str,
            "guild_id": int,
            "statement": str,
            "source_id": str,
            "reported_by": str,
            "quote": str,
            "date": str,
            "topics": str,
            "point": str,
            "origin": str,
            "active": int,
            "curated_hash": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"guild_id", "statement", "source_id", "origin", "active"},
    )
    db.table("facts").create_index(["guild_id", "active"])
    db.table("phrasings").create(
        {"fact_id": str, "position": int, "text": str},
        pk=("fact_id", "position"),
        foreign_keys=[("fact_id", "facts", "id")],
    )
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "guild_id": int,
            "action": str,
            "fact_id": str,
            "before": str,
            "after": str,
        },
        pk="id",
    )
    db.table("audit").create_index(["fact_id"])
    db.table("unanswered").create(
        {
            "guild_id": int,
            "key": str,
            "question": str,
            "count": int,
            "first_at": str,
            "last_at": str,
        },
        pk=("guild_id", "key"),
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")


@migrations()
def m002_phrasing_keys(db: Database) -> None:
    # The folded form of each phrasing, indexed, so a clash check asks SQLite for the
    # few phrasings in question instead of loading every fact.
    db.table("phrasings").add_column("key", str)
    for row in list(db.query("select fact_id, position, text from phrasings")):
        db.execute(
            "update phrasings set key = ? where fact_id = ? and position = ?",
            [fold(row["text"]), row["fact_id"], row["position"]],
        )
    db.table("phrasings").create_index(["key"])


migrations()(m003_documents)


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    skipped: bool = False


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def fact_snapshot(fact: Fact) -> dict[str, Any]:
    """Everything about a fact, as the audit log keeps it."""
    record = fact.to_record()
    record.update(guild_id=fact.guild_id, origin=fact.origin, active=fact.active)
    return record


def fact_from_snapshot(snapshot: dict[str, Any]) -> Fact:
    return Fact(
        id=snapshot["id"],
        statement=snapshot["statement"],
        source=snapshot["source"],
        questions=tuple(snapshot["questions"]),
        reported_by=snapshot.get("reported_by"),
        quote=snapshot.get("quote"),
        date=snapshot.get("date"),
        topics=tuple(snapshot.get("topics", ())),
        # Older entries hold one point as a string, newer ones a list when there are more.
        points=record_points(snapshot.get("point")),
        guild_id=snapshot.get("guild_id", GLOBAL),
        origin=snapshot.get("origin", "moderator"),
        active=snapshot.get("active", True),
    )


def _open(path: str, busy_timeout_ms: int) -> Database:
    """A connection set up for this store, or a one-line reason why there is none."""
    if path != ":memory:":
        file = Path(path)
        if file.is_dir():
            raise DatabaseUnavailable(f"cannot open the database {path}: it is a folder")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"cannot create the folder {file.parent} for the database: {error.strerror}"
            ) from None
    try:
        # The timeout is the busy timeout, set before the first statement: every step of
        # opening waits for another process opening the same file rather than failing.
        connection = sqlite3.connect(path, check_same_thread=False, timeout=busy_timeout_ms / 1000)
    except sqlite3.Error as error:
        raise _unavailable(path, error, busy_timeout_ms) from None
    db = Database(connection)
    try:
        db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        db.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL loses no committed transaction when the process dies, only
        # possibly the last ones on power loss, and it saves a sync on every commit.
        db.execute("PRAGMA synchronous=NORMAL")
        if path != ":memory:":
            _enable_wal(db, busy_timeout_ms)
    except sqlite3.Error as error:
        db.close()
        raise _unavailable(path, error, busy_timeout_ms) from None
    return db


def _enable_wal(db: Database, busy_timeout_ms: int) -> None:
    # Switching a new file to WAL needs it alone for a moment, and when other processes
    # are opening it too SQLite says "database is locked" at once instead of waiting: so
    # retry, for as long as the busy timeout, until one of them has switched it.
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = 0.001
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as error:
            if _primary_code(error) != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _storage_problem(error: sqlite3.Error, busy_timeout_ms: int) -> str | None:
    """In plain words, a fault of the disk or of another process; None for anything else,
    which is a bug and should surface as one."""
    code = _primary_code(error)
    if code == sqlite3.SQLITE_FULL:
        return "the disk is full"
    if code == sqlite3.SQLITE_READONLY:
        return "the database is read-only (check the permissions of the file and its folder)"
    if code == sqlite3.SQLITE_BUSY:
        return (
            "another process holds the database's write lock and did not let go within "
            f"{busy_timeout_ms / 1000:g} seconds; try again in a moment"
        )
    if code == sqlite3.SQLITE_IOERR:
        return "the disk could not be read or written"
    if code == sqlite3.SQLITE_CANTOPEN:
        return "the database's files could not be opened (check the permissions of its folder)"
    return None


def _unavailable(path: str, error: sqlite3.Error, busy_timeout_ms: int) -> DatabaseUnavailable:
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
        return DatabaseUnavailable(f"cannot open the database {path}: it is not a SQLite database")
    reason = _storage_problem(error, busy_timeout_ms) or str(error)
    return DatabaseUnavailable(f"cannot open the database {path}: {reason}")


class Store:
    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._lock = threading.RLock()
        self.db = _open(self.path, busy_timeout_ms)
        try:
            self._migrate()
            self._data_version = self._read_data_version()
        except StorageUnavailable as error:
            self.db.close()
            raise DatabaseUnavailable(
                f"cannot open the database {self.path}: {error.reason}"
            ) from None
        except sqlite3.Error as error:
            self.db.close()
            raise _unavailable(self.path, error, busy_timeout_ms) from None

    def _migrate(self) -> None:
        with self._lock:
            if not migrations.pending(self.db):
                return  # the usual case, and no write: a read-only database opens too
            # Under the write lock, so processes opening a new file at once take turns;
            # `apply` reads what is pending again, and the later ones find nothing to do.
            with self.transaction():
                migrations.apply(self.db)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic write; nothing of it lands unless all of it does. A write the disk or
        another process refuses raises StorageUnavailable, once it is rolled back."""
        # data_version is not re-read here: it never moves for this connection's own
        # commits, and a re-read would swallow a commit another connection made meanwhile.
        with self._lock:
            try:
                # IMMEDIATE takes the write lock first, waiting (busy timeout) for another
                # process's write to finish. A plain BEGIN reads first and then fails at
                # once with "database is locked" if another connection wrote meanwhile.
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.conn.rollback()
                    raise
            except sqlite3.Error as error:
                # Rolled back by now. A full disk, a read-only file, a lock held too long
                # or a failing disk is the user's to fix: say which, in one line.
                reason = _storage_problem(error, self.busy_timeout_ms)
                if reason is None:
                    raise
                raise StorageUnavailable(reason) from error

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Several reads that see one committed state, whatever other connections write."""
        with self._lock:
            if self.db.conn.in_transaction:
                yield
                return
            self.db.execute("BEGIN")
            try:
                yield
            finally:
                self.db.conn.rollback()

    def _read_data_version(self) -> int:
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

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
        with self._reading():
            rows = list(
                self.db.query(f"select * from facts f where {where} order by f.rowid", params)
            )
            phrasings: dict[str, list[str]] = {}
            for row in self.db.query(
                "select p.fact_id, p.text from phrasings p join facts f on f.id = p.fact_id"
                f" where {where} order by p.position",
                params,
            ):
                phrasings.setdefault(row["fact_id"], []).append(row["text"])
        return [_fact_from_row(row, phrasings.get(row["id"], [])) for row in rows]

    def fact(self, fact_id: str) -> Fact | None:
        with self._reading():
            rows = list(self.db.table("facts").rows_where("id = ?", [fact_id]))
            if not rows:
                return None
            questions = [
                r["text"]
                for r in self.db.table("phrasings").rows_where(
                    "fact_id = ?", [fact_id], order_by="position"
                )
            ]
        return _fact_from_row(rows[0], questions)

    def phrasing_owners(
        self, keys: Iterable[str], guild_id: int, exclude: Iterable[str]
    ) -> dict[str, str]:
        """Which active fact a guild can see owns each folded phrasing, facts in `exclude` aside."""
        wanted = sorted(set(keys))
        excluded = set(exclude)
        owners: dict[str, str] = {}
        with self._reading():
            # In slices, well under SQLite's limit on bound parameters.
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ", ".join("?" * len(batch))
                rows = self.db.query(
                    "select p.key, p.fact_id from phrasings p join facts f on f.id = p.fact_id"
                    f" where p.key in ({marks}) and f.active = 1 and f.guild_id in (?, ?)",
                    [*batch, GLOBAL, guild_id],
                )
                for row in rows:
                    if row["fact_id"] not in excluded:
                        owners.setdefault(row["key"], row["fact_id"])
        return owners

    def fact_ids(self) -> set[str]:
        with self._lock:
            return {row["id"] for row in self.db.query("select id from facts")}

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
        existing = list(db.table("facts").rows_where("id = ?", [fact.id]))
        created_at = existing[0]["created_at"] if existing else stamp
        if curated_hash is None and existing:
            curated_hash = existing[0]["curated_hash"]
        db.table("facts").upsert(
            {
                "id": fact.id,
                "guild_id": fact.guild_id,
                "statement": fact.statement,
                "source_id": fact.source,
                "reported_by": fact.reported_by,
                "quote": fact.quote,
                "date": fact.date,
                "topics": json.dumps(list(fact.topics)),
                "point": _point_column(fact.points),
                "origin": fact.origin,
                "active": int(fact.active),
                "curated_hash": curated_hash,
                "created_at": created_at,
                "updated_at": stamp,
            },
            pk="id",
        )
        db.execute("delete from phrasings where fact_id = ?", [fact.id])
        db.table("phrasings").insert_all(
            {"fact_id": fact.id, "position": position, "text": text, "key": fold(text)}
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

    def history(self, fact_id: str) -> list[AuditEntry]:
        with self._lock:
            rows = list(self.db.table("audit").rows_where("fact_id = ?", [fact_id], order_by="id"))
        return [_audit_from_row(row) for row in rows]

    def audit_entry(self, entry_id: int) -> AuditEntry | None:
        with self._lock:
            rows = list(self.db.table("audit").rows_where("id = ?", [entry_id]))
        return _audit_from_row(rows[0]) if rows else None

    def audit_count(self) -> int:
        with self._lock:
            return int(self.db.execute("select count(*) from audit").fetchone()[0])

    # -- sources ----------------------------------------------------------------------

    def sources(self) -> list[Source]:
        with self._lock:
            rows = list(self.db.table("sources").rows_where(order_by="rowid"))
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

    # -- unanswered questions ---------------------------------------------------------

    def log_unanswered(self, guild_id: int, *questions: str) -> None:
        """Count questions the bot could not answer, in one transaction however many."""
        stamp = now()
        rows = [
            [guild_id, key, question[:300], stamp, stamp]
            for question in questions
            if (key := fold(question)[:300])
        ]
        if not rows:
            return
        with self.transaction() as db:
            db.conn.executemany(
                """
                insert into unanswered (guild_id, key, question, count, first_at, last_at)
                values (?, ?, ?, 1, ?, ?)
                on conflict (guild_id, key) do update set
                    count = count + 1, question = excluded.question, last_at = excluded.last_at
                """,
                rows,
            )

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
        seed_curated_documents(self, knowledge, now(), force=force)
        fingerprint = knowledge_fingerprint(knowledge)
        with self._lock:
            stored = self.db.execute("select value from meta where key = 'knowledge'").fetchone()
        if stored and stored[0] == fingerprint and not force:
            return SeedReport(skipped=True)
        added = updated = retired = unchanged = 0
        with self.transaction() as db:
            # Again under the write lock: another process opening the same new database
            # may have seeded it while this one waited.
            stored = db.execute("select value from meta where key = 'knowledge'").fetchone()
            if stored and stored[0] == fingerprint and not force:
                return SeedReport(skipped=True)
            for source in knowledge.sources:
                self.put_source(db, source, "curated")
            current = {
                row["id"]: row
                for row in db.query(
                    "select id, curated_hash, active from facts where origin = 'curated'"
                )
            }
            for fact in knowledge.facts:
                digest = _fact_hash(fact)
                row = current.pop(fact.id, None)
                if row is not None and row["curated_hash"] == digest:
                    unchanged += 1
                    continue
                before = self._fact_in(db, fact.id) if row is not None else None
                action = f"{SEED_ACTION_PREFIX}{'add' if before is None else 'update'}"
                self.put_fact(
                    db, fact, actor="knowledge", action=action, before=before, curated_hash=digest
                )
                added += before is None
                updated += before is not None
            for fact_id, row in current.items():
                if row["active"]:
                    before = self._fact_in(db, fact_id)
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

    def _fact_in(self, db: Database, fact_id: str) -> Fact | None:
        rows = list(db.table("facts").rows_where("id = ?", [fact_id]))
        if not rows:
            return None
        questions = [
            r["text"]
            for r in db.table("phrasings").rows_where("fact_id = ?", [fact_id], order_by="position")
        ]
        return _fact_from_row(rows[0], questions)

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
                self.db.conn.backup(destination)
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"cannot back up to {target}: {error}") from None
        finally:
            destination.close()

    def integrity(self) -> str:
        with self._lock:
            return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # -- small values the front ends keep (e.g. the hash of the last command sync) ----

    def meta_value(self, key: str) -> str | None:
        with self._lock:
            row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta_value(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.table("meta").upsert({"key": key, "value": value}, pk="key")

    # -- the change feed: what other connections wrote, for the service's index -------
    #
    # Few statements, each returning few rows: every row SQLite steps through lets go of
    # the GIL, and with answers running on other threads each may take a switch interval
    # (5 ms) to get it back.

    def index_state(self) -> IndexState:
        """What the index is built from, and the audit entry it is up to, as of one moment."""
        with self._reading():
            facts = self.facts(include_retired=False)
            digest, sources = self.sources_state()
            return IndexState(self._latest_mark(), facts, sources, digest)

    def sources_state(self) -> tuple[str, list[Source]]:
        """The sources, and a digest of them that `changes_since` reports too."""
        with self._reading():
            return self._sources_digest(), self.sources()

    def changes_since(self, mark: FeedMark, limit: int) -> FeedBatch | None:
        """The facts the next `limit` audit entries after `mark` changed, as they are now.

        None when the entry `mark` names is gone or different (the audit log was truncated,
        the database restored from a backup or replaced): the log no longer says what
        changed since, and only a rebuild can.
        """
        with self._reading():
            if mark.id and self._mark_at(mark.id) != mark:
                return None
            rows = self.db.execute(
                "select id, fact_id from audit where id > ? order by id limit ?", [mark.id, limit]
            ).fetchall()
            fact_ids = list(dict.fromkeys(str(fact_id) for _, fact_id in rows))
            facts: dict[str, Fact | None] = dict.fromkeys(fact_ids)
            facts.update((fact.id, fact) for fact in self._facts_by_id(fact_ids))
            last = self._mark_at(int(rows[-1][0])) if rows else mark
            assert last is not None  # read in this same transaction
            return FeedBatch(last, facts, self._sources_digest(), complete=len(rows) < limit)

    def _facts_by_id(self, fact_ids: list[str]) -> list[Fact]:
        facts: list[Fact] = []
        # In slices, well under SQLite's limit on bound parameters; a fact's phrasings come
        # in its own row, as [position, text] pairs.
        for start in range(0, len(fact_ids), 500):
            batch = fact_ids[start : start + 500]
            marks = ", ".join("?" * len(batch))
            for row in self.db.query(
                "select f.*, (select json_group_array(json_array(p.position, p.text))"
                " from phrasings p where p.fact_id = f.id) as phrasings_json"
                f" from facts f where f.id in ({marks})",
                batch,
            ):
                pairs = sorted(json.loads(row["phrasings_json"]))
                facts.append(_fact_from_row(row, [text for _, text in pairs]))
        return facts

    def _sources_digest(self) -> str:
        row = self.db.execute(
            "select group_concat(line, char(10)) from (select json_array(guild_id, id, name,"
            " aliases, description, part_of) as line from sources order by guild_id, id)"
        ).fetchone()
        return hashlib.sha256((row[0] or "").encode()).hexdigest()

    def _latest_mark(self) -> FeedMark:
        row = self.db.execute("select max(id) from audit").fetchone()
        if row[0] is None:
            return FeedMark(0, "")
        mark = self._mark_at(int(row[0]))
        assert mark is not None
        return mark

    def _mark_at(self, entry_id: int) -> FeedMark | None:
        row = self.db.execute(
            "select at, actor, action, fact_id, after from audit where id = ?", [entry_id]
        ).fetchone()
        if row is None:
            return None
        return FeedMark(entry_id, hashlib.sha256(json.dumps(list(row)).encode()).hexdigest())


@dataclass(frozen=True, slots=True)
class FeedMark:
    """An audit entry, by id and by content: after a restore or a rewrite of the log, the
    same id can name a different entry."""

    id: int  # 0: before the first entry
    digest: str


@dataclass(frozen=True, slots=True)
class FeedBatch:
    mark: FeedMark  # the last entry read
    facts: dict[str, Fact | None]  # None: no longer in the database
    sources_digest: str  # of the sources table as it is now (see sources_state)
    complete: bool  # no entry after `mark` yet


@dataclass(frozen=True, slots=True)
class IndexState:
    mark: FeedMark
    facts: list[Fact]
    sources: list[Source]
    sources_digest: str


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
    payload = json.dumps(fact.to_record(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _fact_from_row(row: dict[str, Any], questions: list[str]) -> Fact:
    return Fact(
        id=row["id"],
        statement=row["statement"],
        source=row["source_id"],
        questions=tuple(questions),
        reported_by=row["reported_by"],
        quote=row["quote"],
        date=row["date"],
        topics=tuple(json.loads(row["topics"] or "[]")),
        points=_points_from_column(row["point"]),
        guild_id=row["guild_id"],
        origin=row["origin"],
        active=bool(row["active"]),
    )


def _point_column(points: tuple[str, ...]) -> str | None:
    """The `point` column: the fact's points joined by commas (an id never has one), so a
    database written before facts could have several reads the same way."""
    return ",".join(points) or None


def _points_from_column(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").split(",") if part)


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
