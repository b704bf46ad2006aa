"""The follow-up store on the embedded SQLite database, beside the intake store's tables.

A message is one write transaction: the case row (its ``event_count``), the new history
event and a marker that makes the same ``message_id`` on the same case a no-op. A receipt
check is counted, and refunded, in a write transaction of its own.

Databases written before message ids were scoped to their case keep a
``follow_up_messages`` table keyed by the id alone: its rows move to
``follow_up_message_ids`` the first time the store opens the file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.documents import (
    case_doc,
    case_from_doc,
    event_doc,
    event_from_doc,
    pending_doc,
)
from shared.adapters.followup_docs import (
    lockout_doc,
    lockout_from_doc,
    refund_fields,
    visit_doc,
    visit_from_doc,
)
from shared.adapters.sqlite_database import SqliteDatabase, dump_doc, sortable
from shared.domain.follow_up import MESSAGE_KINDS, Attempt, Lockout, Visit, message_details, visited
from shared.domain.records import CaseEvent, PendingTask
from shared.ports.follow_up import FollowUpStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS follow_up_message_ids (
    reference TEXT NOT NULL, message_id TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (reference, message_id));
CREATE TABLE IF NOT EXISTS follow_up_lockouts (
    reference TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS follow_up_visits (
    reference TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS follow_up_lockouts_by_expiry
    ON follow_up_lockouts (json_extract(doc, '$.expires_at'));
"""
LEGACY = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'follow_up_messages'"
MIGRATE = """
INSERT OR IGNORE INTO follow_up_message_ids
    SELECT reference, message_id, seq FROM follow_up_messages;
DROP TABLE follow_up_messages;
"""


class SqliteFollowUpStore(FollowUpStore):
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        with database.connection() as db, database.guard():
            db.executescript(SCHEMA)
            legacy = db.execute(LEGACY).fetchone() is not None
        if legacy:
            with database.transaction() as db:
                if db.execute(LEGACY).fetchone() is not None:  # not moved meanwhile
                    for statement in filter(str.strip, MIGRATE.split(";")):
                        db.execute(statement)

    def messages(self, reference: str) -> list[CaseEvent]:
        return [e for e in self.events(reference) if e.kind in MESSAGE_KINDS]

    def events(self, reference: str) -> list[CaseEvent]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT doc FROM case_events WHERE reference = ? ORDER BY seq",
                              (reference,)).fetchall()
        return [event_from_doc(json.loads(row[0])) for row in rows]

    def record_visit(self, reference: str, at: datetime) -> Visit:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM follow_up_visits WHERE reference = ?",
                             (reference,)).fetchone()
            visit = visited(visit_from_doc(json.loads(row[0])) if row else None, at)
            db.execute("INSERT INTO follow_up_visits VALUES (?, ?) ON CONFLICT (reference) "
                       "DO UPDATE SET doc = excluded.doc", (reference, dump_doc(visit_doc(visit))))
            return visit

    def forget_visit(self, reference: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM follow_up_visits WHERE reference = ?", (reference,))

    def visit(self, reference: str) -> Visit | None:
        with self._db.connection() as db, self._db.guard():
            row = db.execute("SELECT doc FROM follow_up_visits WHERE reference = ?",
                             (reference,)).fetchone()
        return visit_from_doc(json.loads(row[0])) if row else None

    def append_message(self, reference: str, *, kind: str, actor: str, message_id: str,
                       sealed: Mapping[str, Any], at: datetime,
                       pending: Sequence[PendingTask] = (),
                       attachments: Sequence[Mapping[str, Any]] = ()) -> CaseEvent:
        with self._db.transaction() as db:
            seen = db.execute("SELECT seq FROM follow_up_message_ids "
                              "WHERE reference = ? AND message_id = ?",
                              (reference, message_id)).fetchone()
            if seen is not None:
                return _event(db, reference, int(seen[0]))
            row = db.execute("SELECT doc FROM cases WHERE reference = ?",
                             (reference,)).fetchone()
            if row is None:
                raise LookupError(f"no case {reference}")
            case = case_from_doc(json.loads(row[0]))
            event = CaseEvent(seq=case.event_count + 1, at=at, kind=kind, actor=actor,
                              details=message_details(message_id, sealed, attachments))
            updated = replace(case, event_count=event.seq, updated_at=at)
            db.execute("UPDATE cases SET doc = ? WHERE reference = ?",
                       (dump_doc(case_doc(updated)), reference))
            db.execute("INSERT INTO case_events VALUES (?, ?, ?)",
                       (reference, event.seq, dump_doc(event_doc(event))))
            db.execute("INSERT INTO follow_up_message_ids VALUES (?, ?, ?)",
                       (reference, message_id, event.seq))
            db.executemany("INSERT OR REPLACE INTO pending_tasks VALUES (?, ?, ?)",
                           [(p.key, sortable(p.last_enqueued_at), dump_doc(pending_doc(p)))
                            for p in pending])
            return event

    def lockout(self, reference: str) -> Lockout:
        with self._db.connection() as db, self._db.guard():
            row = db.execute("SELECT doc FROM follow_up_lockouts WHERE reference = ?",
                             (reference,)).fetchone()
        return lockout_from_doc(json.loads(row[0])) if row else Lockout()

    def _read_lockout(self, db: sqlite3.Connection, reference: str) -> dict[str, Any] | None:
        row = db.execute("SELECT doc FROM follow_up_lockouts WHERE reference = ?",
                         (reference,)).fetchone()
        return json.loads(row[0]) if row else None

    def reserve_attempt(self, reference: str, *, at: datetime, limit: int,
                        lock_for: timedelta, pause: timedelta | None = None,
                        keep_for: timedelta = timedelta(0)) -> Attempt:
        with self._db.transaction() as db:
            doc = self._read_lockout(db, reference)
            current = lockout_from_doc(doc) if doc is not None else Lockout()
            counted = current.reserve(at, limit, lock_for, pause=pause)
            if counted is None:
                return Attempt(False, current)
            db.execute("INSERT INTO follow_up_lockouts VALUES (?, ?) ON CONFLICT (reference) "
                       "DO UPDATE SET doc = excluded.doc",
                       (reference, dump_doc(lockout_doc(counted, lock_for, keep_for))))
            return Attempt(True, counted)

    def forget_lockouts(self, at: datetime) -> int:
        with self._db.transaction() as db:
            gone = db.execute(
                "DELETE FROM follow_up_lockouts WHERE json_extract(doc, '$.expires_at') <= ?",
                (sortable(at),))
            return gone.rowcount

    def refund_attempt(self, reference: str, attempt: Attempt, *, limit: int) -> None:
        if not attempt.granted:
            return
        with self._db.transaction() as db:
            doc = self._read_lockout(db, reference)
            if doc is None:
                return
            current = lockout_from_doc(doc)
            refunded = current.refund(attempt.lockout, limit)
            if refunded != current:
                db.execute("UPDATE follow_up_lockouts SET doc = ? WHERE reference = ?",
                           (dump_doc({**doc, **refund_fields(refunded)}), reference))


def _event(db: sqlite3.Connection, reference: str, seq: int) -> CaseEvent:
    row = db.execute("SELECT doc FROM case_events WHERE reference = ? AND seq = ?",
                     (reference, seq)).fetchone()
    return event_from_doc(json.loads(row[0]))
