"""Opening the SQLite database as the store uses it, and saying in one plain line why a
database cannot be opened or written: a full disk, a read-only file, a lock held too long.

The connection is plain sqlite3; sqlite-utils, which the store writes through, is put over
it when first needed (`sqlite_utils_over`): importing it takes about 0.1 s, and a start
that only reads to answer does without."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import DatabaseUnavailable
from bot.lean_imports import import_sqlite_utils

if TYPE_CHECKING:
    from sqlite_utils import Database


def open_database(path: str, busy_timeout_ms: int) -> sqlite3.Connection:
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
        raise unavailable(path, error, busy_timeout_ms) from None
    try:
        # As sqlite-utils sets up a connection it is given.
        connection.execute("PRAGMA recursive_triggers=on")
        connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        connection.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL loses no committed transaction when the process dies, only
        # possibly the last ones on power loss, and it saves a sync on every commit.
        connection.execute("PRAGMA synchronous=NORMAL")
        if path != ":memory:":
            _enable_wal(connection, busy_timeout_ms)
    except sqlite3.Error as error:
        connection.close()
        raise unavailable(path, error, busy_timeout_ms) from None
    return connection


def sqlite_utils_over(connection: sqlite3.Connection) -> Database:
    """sqlite-utils over the store's connection, set up by `open_database` already."""
    import_sqlite_utils()
    from sqlite_utils import Database

    # No sqlite-utils plugins: none may change how the store's connection behaves, and
    # finding them scans every installed package's entry points at each start.
    return Database(connection, execute_plugins=False, recursive_triggers=False)


def _enable_wal(connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    # Switching a new file to WAL needs it alone for a moment, and when other processes
    # are opening it too SQLite says "database is locked" at once instead of waiting: so
    # retry, for as long as the busy timeout, until one of them has switched it.
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = 0.001
    while True:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                # Outside any transaction: the journal mode cannot change inside one.
                connection.execute("PRAGMA journal_mode=wal")
            return
        except sqlite3.OperationalError as error:
            if _primary_code(error) != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def storage_problem(error: sqlite3.Error, busy_timeout_ms: int) -> str | None:
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


def unavailable(path: str, error: sqlite3.Error, busy_timeout_ms: int) -> DatabaseUnavailable:
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
        return DatabaseUnavailable(f"cannot open the database {path}: it is not a SQLite database")
    reason = storage_problem(error, busy_timeout_ms) or str(error)
    return DatabaseUnavailable(f"cannot open the database {path}: {reason}")
