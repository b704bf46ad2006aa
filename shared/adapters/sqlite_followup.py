"""The follow-up store on the embedded SQLite database, beside the intake store's tables.

A message is one write transaction: the case row (its ``event_count``), the new history
event and a marker that makes a repeated ``message_id`` a no-op.
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
from shared.adapters.followup_docs import lockout_doc, lockout_from_doc
from shared.adapters.sqlite_store import SqliteStore, dump_doc, sortable
from shared.domain.follow_up import MESSAGE_KINDS, Lockout
from shared.domain.records import CaseEvent, PendingTask
from shared.ports import FollowUpStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS follow_up_messages (
    message_id TEXT PRIMARY KEY, reference TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS follow_up_lockouts (
    reference TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""


class SqliteFollowUpStore(FollowUpStore):
    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        with store.connection() as db, store.guard():
            db.executescript(SCHEMA)

    def messages(self, reference: str) -> list[CaseEvent]:
        with self._store.connection() as db, self._store.guard():
            rows = db.execute("SELECT doc FROM case_events WHERE reference = ? ORDER BY seq",
                              (reference,)).fetchall()
        events = [event_from_doc(json.loads(row[0])) for row in rows]
        return [e for e in events if e.kind in MESSAGE_KINDS]

    def append_message(self, reference: str, *, kind: str, actor: str, message_id: str,
                       sealed: Mapping[str, Any], at: datetime,
                       pending: Sequence[PendingTask] = ()) -> CaseEvent:
        with self._store.transaction() as db:
            seen = db.execute("SELECT reference, seq FROM follow_up_messages "
                              "WHERE message_id = ?", (message_id,)).fetchone()
            if seen is not None:
                return _event(db, seen[0], int(seen[1]))
            row = db.execute("SELECT doc FROM cases WHERE reference = ?",
                             (reference,)).fetchone()
            if row is None:
                raise LookupError(f"no case {reference}")
            case = case_from_doc(json.loads(row[0]))
            event = CaseEvent(seq=case.event_count + 1, at=at, kind=kind, actor=actor,
                              details={"message_id": message_id, "sealed": dict(sealed)})
            updated = replace(case, event_count=event.seq, updated_at=at)
            db.execute("UPDATE cases SET doc = ? WHERE reference = ?",
                       (dump_doc(case_doc(updated)), reference))
            db.execute("INSERT INTO case_events VALUES (?, ?, ?)",
                       (reference, event.seq, dump_doc(event_doc(event))))
            db.execute("INSERT INTO follow_up_messages VALUES (?, ?, ?)",
                       (message_id, reference, event.seq))
            db.executemany("INSERT OR REPLACE INTO pending_tasks VALUES (?, ?, ?)",
                           [(p.key, sortable(p.last_enqueued_at), dump_doc(pending_doc(p)))
                            for p in pending])
            return event

    def lockout(self, reference: str) -> Lockout:
        with self._store.connection() as db, self._store.guard():
            row = db.execute("SELECT doc FROM follow_up_lockouts WHERE reference = ?",
                             (reference,)).fetchone()
        return lockout_from_doc(json.loads(row[0])) if row else Lockout()

    def record_failure(self, reference: str, *, at: datetime, limit: int,
                       lock_for: timedelta) -> Lockout:
        with self._store.transaction() as db:
            row = db.execute("SELECT doc FROM follow_up_lockouts WHERE reference = ?",
                             (reference,)).fetchone()
            current = lockout_from_doc(json.loads(row[0])) if row else Lockout()
            updated = current.after_failure(at, limit, lock_for)
            db.execute("INSERT INTO follow_up_lockouts VALUES (?, ?) ON CONFLICT (reference) "
                       "DO UPDATE SET doc = excluded.doc",
                       (reference, dump_doc(lockout_doc(updated, lock_for))))
            return updated

    def clear_failures(self, reference: str) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM follow_up_lockouts WHERE reference = ?", (reference,))


def _event(db: sqlite3.Connection, reference: str, seq: int) -> CaseEvent:
    row = db.execute("SELECT doc FROM case_events WHERE reference = ? AND seq = ?",
                     (reference, seq)).fetchone()
    return event_from_doc(json.loads(row[0]))
