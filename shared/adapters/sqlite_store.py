"""The embedded document store: one SQLite file, documents as JSON, durable commits.

Connections come from a small pool (a server may run a thread per HTTP connection, and
opening a connection per thread costs more than the write). Writes take the database lock
up front (``BEGIN IMMEDIATE``) so a read-check-write sequence cannot interleave with another
writer. ``synchronous=FULL`` because an acknowledged submission must survive a power cut.
"""

from __future__ import annotations

import json
import queue
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.adapters.documents import (
    case_doc,
    case_from_doc,
    event_doc,
    event_from_doc,
    pending_doc,
    pending_from_doc,
    submission_doc,
    submission_from_doc,
)
from shared.adapters.local_files import private_file
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
)
from shared.ports.storage import IntakeStore, ReferenceTaken, StoreUnavailable, SubmissionExists

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


class SqliteStore(IntakeStore):
    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self._path = str(path)
        self._timeout = timeout
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        # 0600 in a 0700 folder before SQLite opens it: its -wal and -shm files take the
        # database file's mode.
        private_file(Path(self._path))
        with self.connection() as db, self.guard():
            db.executescript(SCHEMA)

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
        try:
            yield connection
        finally:
            if connection.in_transaction:  # never hand on a connection mid-transaction
                connection.close()
            else:
                self._pool.put(connection)

    # connection(), guard() and transaction() are also for sibling adapters of other ports
    # that keep their own tables in this database file.

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

    def _rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        with self.connection() as db, self.guard():
            rows = db.execute(sql, args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def _one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = self._rows(sql, *args)
        return rows[0] if rows else None

    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        try:
            with self.transaction() as db:
                db.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?)",
                           (submission.id, submission.reference, submission.form,
                            sortable(submission.received_at),
                            dump_doc(submission_doc(submission))))
                db.execute("INSERT INTO cases VALUES (?, ?, ?, ?, ?)",
                           (case.reference, case.form, case.state, sortable(case.received_at),
                            dump_doc(case_doc(case))))
                db.execute("INSERT INTO case_events VALUES (?, ?, ?)",
                           (case.reference, first_event.seq, dump_doc(event_doc(first_event))))
                db.execute("INSERT INTO pending_tasks VALUES (?, ?, ?)",
                           (pending.key, sortable(pending.last_enqueued_at),
                            dump_doc(pending_doc(pending))))
        except sqlite3.IntegrityError as error:
            # Nothing was written. A stored submission with this id means a retry whose
            # first attempt landed; otherwise the random reference collided.
            if self.get_submission(submission.id) is not None:
                raise SubmissionExists(submission.id) from error
            raise ReferenceTaken(case.reference) from error

    def get_submission(self, submission_id: str) -> Submission | None:
        doc = self._one("SELECT doc FROM submissions WHERE id = ?", submission_id)
        return submission_from_doc(doc) if doc else None

    def get_case(self, reference: str) -> Case | None:
        doc = self._one("SELECT doc FROM cases WHERE reference = ?", reference)
        return case_from_doc(doc) if doc else None

    def case_events(self, reference: str) -> list[CaseEvent]:
        return [event_from_doc(doc) for doc in self._rows(
            "SELECT doc FROM case_events WHERE reference = ? ORDER BY seq", reference)]

    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        with self.transaction() as db:  # the write lock is held: decide runs once
            row = db.execute("SELECT doc FROM cases WHERE reference = ?", (reference,)).fetchone()
            if row is None:
                raise LookupError(f"no case {reference}")
            change = decide(case_from_doc(json.loads(row[0])))
            if change is None:
                return None
            if change.write_case:
                db.execute("UPDATE cases SET state = ?, doc = ? WHERE reference = ?",
                           (change.case.state, dump_doc(case_doc(change.case)), reference))
                db.executemany("INSERT INTO case_events VALUES (?, ?, ?)",
                               [(reference, e.seq, dump_doc(event_doc(e))) for e in change.events])
            db.executemany("DELETE FROM pending_tasks WHERE key = ?",
                           [(key,) for key in change.remove_pending])
            db.executemany("INSERT OR REPLACE INTO pending_tasks VALUES (?, ?, ?)",
                           [(p.key, sortable(p.last_enqueued_at), dump_doc(pending_doc(p)))
                            for p in change.add_pending])
            return change

    def list_cases(self, query: CaseQuery) -> list[Case]:
        clauses, args = [], []
        for column, value in (("form", query.form), ("state", query.state)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if query.assignee is not None:
            clauses.append("json_extract(doc, '$.assignee') = ?")
            args.append(query.assignee)
        if query.referral is not None:
            clauses.append("json_extract(doc, '$.referral_status') = ?")
            args.append(query.referral)
        if query.due_before is not None:
            clauses.append("json_extract(doc, '$.next_deadline') < ?")
            args.append(sortable(query.due_before))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = ("json_extract(doc, '$.next_deadline'), received_at DESC"
                 if query.due_before is not None else "received_at DESC")
        return [case_from_doc(doc) for doc in self._rows(
            f"SELECT doc FROM cases {where} ORDER BY {order} LIMIT ?",  # noqa: S608
            *args, query.limit)]

    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        return [pending_from_doc(doc) for doc in self._rows(
            "SELECT doc FROM pending_tasks WHERE last_enqueued_at < ? "
            "ORDER BY last_enqueued_at LIMIT ?", sortable(enqueued_before), limit)]

    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        with self.transaction() as db:
            row = db.execute("SELECT doc FROM pending_tasks WHERE key = ?",
                             (pending.key,)).fetchone()
            if row is None:
                return
            doc = json.loads(row[0])
            doc.update(generation=max(generation, int(doc["generation"])),
                       last_enqueued_at=sortable(at))
            db.execute("UPDATE pending_tasks SET last_enqueued_at = ?, doc = ? WHERE key = ?",
                       (sortable(at), json.dumps(doc), pending.key))
