"""Re-sealing on the embedded SQLite database: pages of submissions and cases, and
compare-and-set replacement of one envelope, each in one write transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared.adapters.documents import submission_from_doc
from shared.adapters.sqlite_database import SqliteDatabase, dump_doc
from shared.domain.records import Submission
from shared.ports.sealing import SealedRecords


def _holder(details: dict[str, Any], field: str) -> dict[str, Any] | None:
    holder = details.get(field) if field else details
    return holder if isinstance(holder, dict) else None


class SqliteSealedRecords(SealedRecords):
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def submissions_after(self, submission_id: str, limit: int) -> list[Submission]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT doc FROM submissions WHERE id > ? ORDER BY id LIMIT ?",
                              (submission_id, limit)).fetchall()
        return [submission_from_doc(json.loads(row[0])) for row in rows]

    def references_after(self, reference: str, limit: int) -> list[str]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT reference FROM cases WHERE reference > ? "
                              "ORDER BY reference LIMIT ?", (reference, limit)).fetchall()
        return [str(row[0]) for row in rows]

    def replace_submission_seal(self, submission_id: str, *, expected: Mapping[str, Any],
                                sealed: Mapping[str, Any], request_digest: str) -> bool:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM submissions WHERE id = ?",
                             (submission_id,)).fetchone()
            if row is None:
                return False
            doc = json.loads(row[0])
            if doc.get("sealed") != dict(expected):
                return False
            doc.update(sealed=dict(sealed), request_digest=request_digest)
            db.execute("UPDATE submissions SET doc = ? WHERE id = ?",
                       (dump_doc(doc), submission_id))
            return True

    def replace_event_seal(self, reference: str, seq: int, field: str, *,
                           expected: Mapping[str, Any], sealed: Mapping[str, Any]) -> bool:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM case_events WHERE reference = ? AND seq = ?",
                             (reference, seq)).fetchone()
            if row is None:
                return False
            doc = json.loads(row[0])
            holder = _holder(doc.get("details") or {}, field)
            if holder is None or holder.get("sealed") != dict(expected):
                return False
            holder["sealed"] = dict(sealed)  # holder is part of doc
            db.execute("UPDATE case_events SET doc = ? WHERE reference = ? AND seq = ?",
                       (dump_doc(doc), reference, seq))
            return True
