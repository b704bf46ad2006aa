"""The embedded database: one SQLite file that every embedded adapter shares.

Connections come from a small pool (a server may run a thread per HTTP connection, and
opening a connection per thread costs more than the write). Writes take the database lock
up front (``BEGIN IMMEDIATE``) so a read-check-write sequence cannot interleave with another
writer. ``synchronous=FULL`` because an acknowledged submission must survive a power cut.

The intake records' tables (submissions, cases and their events, pending tasks) are created
here, since the adapters of several ports read them; an adapter that keeps tables of its own
creates them with ``script``.
"""

from __future__ import annotations

import json
import queue
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.adapters.local_files import private_file
from shared.ports.storage import StoreUnavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE, form TEXT NOT NULL,
    received_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    reference TEXT PRIMARY KEY, form TEXT NOT NULL, state TEXT NOT NULL,
    received_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_events (
    reference TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (reference, seq));
CREATE TABLE IF NOT EXISTS pending_tasks (
    key TEXT PRIMARY KEY, last_enqueued_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS pending_tasks_by_time ON pending_tasks (last_enqueued_at);
CREATE INDEX IF NOT EXISTS cases_by_state ON cases (state, received_at);
CREATE INDEX IF NOT EXISTS cases_by_referral_status
    ON cases (json_extract(doc, '$.referral_status'), received_at);
CREATE INDEX IF NOT EXISTS submissions_by_replay_until
    ON submissions (json_extract(doc, '$.replay_until'));
"""


def sortable(moment: datetime) -> str:
    """A UTC timestamp whose string order is its time order (fixed width)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def dump_doc(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"),
                      default=lambda value: sortable(value) if isinstance(value, datetime)
                      else _unserialisable(value))


def _unserialisable(value: Any) -> Any:
    raise TypeError(f"cannot store {type(value).__name__}")


class SqliteDatabase:
    """One SQLite database file: pooled connections, write transactions, error mapping."""

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self._path = str(path)
        self._timeout = timeout
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        # 0600 in a 0700 folder before SQLite opens it: its -wal and -shm files take the
        # database file's mode.
        private_file(Path(self._path))
        self.script(SCHEMA)

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for one operation, returned to the pool afterwards."""
        try:
            connection = self._pool.get_nowait()
        except queue.Empty:
            with self.guard():
                connection = sqlite3.connect(self._path, timeout=self._timeout,
                                             isolation_level=None, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=FULL")
                # Deleted content is overwritten, not left in free pages (retention).
                connection.execute("PRAGMA secure_delete=ON")
        try:
            yield connection
        finally:
            if connection.in_transaction:  # never hand on a connection mid-transaction
                connection.close()
            else:
                self._pool.put(connection)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Map SQLite's operational errors to StoreUnavailable."""
        try:
            yield
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.DatabaseError as error:  # locked, I/O error, unreadable file
            raise StoreUnavailable(f"sqlite: {error}") from error

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the database lock from its start."""
        with self.connection() as connection:
            try:
                with self.guard():
                    connection.execute("BEGIN IMMEDIATE")
                    yield connection
                    connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def script(self, sql: str) -> None:
        """Run a script of statements (an adapter's CREATE TABLE IF NOT EXISTS)."""
        with self.connection() as db, self.guard():
            db.executescript(sql)

    def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """The JSON documents of the first column of a query's rows."""
        with self.connection() as db, self.guard():
            rows = db.execute(sql, args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        """The document of a query's first row, if any."""
        rows = self.rows(sql, *args)
        return rows[0] if rows else None
