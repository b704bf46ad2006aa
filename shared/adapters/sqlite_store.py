"""The intake store on the embedded SQLite database: documents as JSON, one write
transaction per change."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

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
from shared.adapters.sqlite_database import SqliteDatabase, dump_doc, sortable
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
    matches,
)
from shared.domain.retention import content_free
from shared.ports.storage import IntakeStore, ReferenceTaken, SubmissionExists


class SqliteStore(IntakeStore):
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    @classmethod
    def open(cls, path: Path, *, timeout: float = 10.0) -> SqliteStore:
        """A store on its own database file (tools and tests)."""
        return cls(SqliteDatabase(path, timeout=timeout))

    @property
    def database(self) -> SqliteDatabase:
        """The database this store shares with the other embedded adapters."""
        return self._db

    def forget_request_digests(self, at: datetime, limit: int) -> int:
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT id FROM submissions WHERE json_extract(doc, '$.replay_until') <= ? "
                "LIMIT ?", (sortable(at), limit)).fetchall()
            for (submission_id,) in rows:
                db.execute("UPDATE submissions SET doc = json_remove(json_set(doc, "
                           "'$.request_digest', ''), '$.replay_until') WHERE id = ?",
                           (submission_id,))
            return len(rows)

    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        try:
            with self._db.transaction() as db:
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
        doc = self._db.one("SELECT doc FROM submissions WHERE id = ?", submission_id)
        return submission_from_doc(doc) if doc else None

    def get_case(self, reference: str) -> Case | None:
        doc = self._db.one("SELECT doc FROM cases WHERE reference = ?", reference)
        return case_from_doc(doc) if doc else None

    def case_events(self, reference: str) -> list[CaseEvent]:
        return [event_from_doc(doc) for doc in self._db.rows(
            "SELECT doc FROM case_events WHERE reference = ? ORDER BY seq", reference)]

    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        with self._db.transaction() as db:  # the write lock is held: decide runs once
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
            if change.purge:
                _purge_content(db, reference, change.case.submission_id)
            db.executemany("DELETE FROM pending_tasks WHERE key = ?",
                           [(key,) for key in change.remove_pending])
            db.executemany("INSERT OR REPLACE INTO pending_tasks VALUES (?, ?, ?)",
                           [(p.key, sortable(p.last_enqueued_at), dump_doc(pending_doc(p)))
                            for p in change.add_pending])
            return change

    def list_cases(self, query: CaseQuery) -> list[Case]:
        if query.purge_before is not None:  # the first due, narrowed (CaseQuery.purge_before)
            due = [case_from_doc(doc) for doc in self._db.rows(
                "SELECT doc FROM cases WHERE json_extract(doc, '$.purge_due') < ? "
                "ORDER BY json_extract(doc, '$.purge_due') LIMIT ?",
                sortable(query.purge_before), query.limit)]
            return [case for case in due if matches(case, query)]
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
        if query.rekey:
            clauses.append("json_extract(doc, '$.rekey_needed') = 1")
        if query.feedback_due_before is not None:
            clauses.append("json_extract(doc, '$.feedback_due') < ?")
            args.append(sortable(query.feedback_due_before))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = ("json_extract(doc, '$.next_deadline'), received_at DESC"
                 if query.due_before is not None else
                 "json_extract(doc, '$.feedback_due'), received_at DESC"
                 if query.feedback_due_before is not None else "received_at DESC")
        return [case_from_doc(doc) for doc in self._db.rows(
            f"SELECT doc FROM cases {where} ORDER BY {order} LIMIT ?",  # noqa: S608
            *args, query.limit)]

    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        return [pending_from_doc(doc) for doc in self._db.rows(
            "SELECT doc FROM pending_tasks WHERE last_enqueued_at < ? "
            "ORDER BY last_enqueued_at LIMIT ?", sortable(enqueued_before), limit)]

    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM pending_tasks WHERE key = ?",
                             (pending.key,)).fetchone()
            if row is None:
                return
            doc = json.loads(row[0])
            doc.update(generation=max(generation, int(doc["generation"])),
                       last_enqueued_at=sortable(at))
            db.execute("UPDATE pending_tasks SET last_enqueued_at = ?, doc = ? WHERE key = ?",
                       (sortable(at), json.dumps(doc), pending.key))


def _purge_content(db: sqlite3.Connection, reference: str, submission_id: str) -> None:
    """Delete a purged case's content in the caller's transaction: its submission's sealed
    values, and the content of its history's details (``retention.content_free``). The
    database overwrites what it frees (``secure_delete``), so the old pages hold no copy."""
    db.execute("UPDATE submissions SET doc = json_set(doc, '$.sealed', json('{}')) "
               "WHERE id = ?", (submission_id,))
    rows = db.execute("SELECT seq, doc FROM case_events WHERE reference = ?",
                      (reference,)).fetchall()
    for seq, raw in rows:
        event = event_from_doc(json.loads(raw))
        details = content_free(event.details)
        if details != event.details:
            db.execute("UPDATE case_events SET doc = ? WHERE reference = ? AND seq = ?",
                       (dump_doc(event_doc(replace(event, details=details))), reference, seq))
