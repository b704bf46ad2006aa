"""The statistics store in the embedded SQLite database, beside the intake store's tables.

Each count is one ``SELECT COUNT(*)`` (or ``SUM``) answered from an index: the records'
table is indexed by (year, category, sub-category), (year, category, outcome) and (year,
category, code) for each code the report counts by or adds up (partial indexes over the
records that give the code); submissions and cases get
indexes by form and reception time (submissions also by advice sub-category), cases by the
time the investigations office accepted their referral, and by form and last update for
reading the retaliation cases' histories.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from shared.adapters.documents import event_from_doc, named_index_from_doc
from shared.adapters.sqlite_database import SqliteDatabase, sortable
from shared.adapters.statistics_documents import (
    disclosure_doc,
    disclosure_from_doc,
    manifest_doc,
    manifest_from_doc,
    record_doc,
    record_from_doc,
)
from shared.domain.handling_times import CaseFacts
from shared.domain.records import CaseEvent
from shared.domain.statistics import (
    CaseCount,
    CaseHistory,
    CountQuery,
    DisclosureYear,
    ForwardedCount,
    ImportManifest,
    ImportProgress,
    RecordCount,
    RecordSum,
    StatRecord,
    SubmissionCount,
    year_bounds,
)
from shared.ports.statistics import ImportMismatch, LoggedServiceConflict, StatisticsStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS stat_records (
    id TEXT PRIMARY KEY, year INTEGER NOT NULL, category TEXT NOT NULL,
    subcategory TEXT, outcome TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stat_records_by_subcategory
    ON stat_records (year, category, subcategory);
CREATE INDEX IF NOT EXISTS stat_records_by_outcome ON stat_records (year, category, outcome);
CREATE INDEX IF NOT EXISTS stat_records_by_duty_station
    ON stat_records (year, category, json_extract(doc, '$.codes.duty_station'))
    WHERE json_extract(doc, '$.codes.duty_station') IS NOT NULL;
CREATE INDEX IF NOT EXISTS stat_records_by_requester_type
    ON stat_records (year, category, json_extract(doc, '$.codes.requester_type'))
    WHERE json_extract(doc, '$.codes.requester_type') IS NOT NULL;
CREATE INDEX IF NOT EXISTS stat_records_by_anonymous
    ON stat_records (year, category, json_extract(doc, '$.codes.anonymous'))
    WHERE json_extract(doc, '$.codes.anonymous') IS NOT NULL;
CREATE INDEX IF NOT EXISTS stat_records_by_protective_measures
    ON stat_records (year, category, json_extract(doc, '$.codes.protective_measures'))
    WHERE json_extract(doc, '$.codes.protective_measures') IS NOT NULL;
CREATE INDEX IF NOT EXISTS stat_records_participants
    ON stat_records (year, category, json_extract(doc, '$.codes.participants'))
    WHERE json_extract(doc, '$.codes.participants') IS NOT NULL;
CREATE TABLE IF NOT EXISTS logged_service_claims (id TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS disclosure_years (year INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stat_imports (
    id TEXT PRIMARY KEY, complete INTEGER NOT NULL, started_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stat_import_chunks (
    import_id TEXT NOT NULL, chunk INTEGER NOT NULL, PRIMARY KEY (import_id, chunk));
CREATE INDEX IF NOT EXISTS submissions_by_form_time ON submissions (form, received_at);
CREATE INDEX IF NOT EXISTS submissions_by_advice_subcategory
    ON submissions (form, json_extract(doc, '$.clear.subcategory'), received_at);
DROP INDEX IF EXISTS cases_by_form_state_time;
DROP INDEX IF EXISTS cases_by_form_outcome_time;
CREATE INDEX IF NOT EXISTS cases_by_form_updated
    ON cases (form, json_extract(doc, '$.updated_at'));
CREATE INDEX IF NOT EXISTS cases_by_forwarded_time
    ON cases (json_extract(doc, '$.forwarding.forwarded_at'));
CREATE INDEX IF NOT EXISTS cases_by_form_time ON cases (form, received_at);
"""

CHUNK_SIZE = 2000

# One count per counted code (statistics.COUNTED_CODES) and one sum per summed code
# (SUMMED_CODES), each written out so that it is answered from its partial index above.
_COUNT_BY_CODE = {
    "duty_station": "SELECT COUNT(*) FROM stat_records WHERE year = ? AND category = ? "
                    "AND json_extract(doc, '$.codes.duty_station') = ?",
    "requester_type": "SELECT COUNT(*) FROM stat_records WHERE year = ? AND category = ? "
                      "AND json_extract(doc, '$.codes.requester_type') = ?",
    "anonymous": "SELECT COUNT(*) FROM stat_records WHERE year = ? AND category = ? "
                 "AND json_extract(doc, '$.codes.anonymous') = ?",
    "protective_measures": "SELECT COUNT(*) FROM stat_records WHERE year = ? "
                           "AND category = ? "
                           "AND json_extract(doc, '$.codes.protective_measures') = ?",
}
_SUM_BY_CODE = {
    "participants": "SELECT COALESCE(SUM(json_extract(doc, '$.codes.participants')), 0) "
                    "FROM stat_records WHERE year = ? AND category = ? "
                    "AND json_extract(doc, '$.codes.participants') IS NOT NULL",
}


def _dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"),
                      default=lambda v: sortable(v) if isinstance(v, datetime) else str(v))


class SqliteStatistics(StatisticsStore):
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        with database.connection() as db, database.guard():
            db.executescript(SCHEMA)

    @property
    def chunk_size(self) -> int:
        return CHUNK_SIZE

    def add_logged_service(self, record: StatRecord, request_digest: str) -> tuple[StatRecord,
                                                                                   bool]:
        with self._db.transaction() as db:
            claimed = db.execute("SELECT digest FROM logged_service_claims WHERE id = ?",
                                 (record.id,)).fetchone()
            if claimed is None:
                db.execute("INSERT INTO logged_service_claims VALUES (?, ?)",
                           (record.id, request_digest))
                self._put_record(db, record)
                return record, True
            if claimed[0] != request_digest:
                raise LoggedServiceConflict(record.id)
            row = db.execute("SELECT doc FROM stat_records WHERE id = ?",
                             (record.id,)).fetchone()
            return record_from_doc(json.loads(row[0])), False

    @staticmethod
    def _put_record(db: sqlite3.Connection, r: StatRecord) -> None:
        db.execute("INSERT OR REPLACE INTO stat_records VALUES (?, ?, ?, ?, ?, ?)",
                   (r.id, r.year, r.category, r.subcategory, r.outcome,
                    _dumps(record_doc(r))))

    def begin_import(self, manifest: ImportManifest) -> ImportProgress:
        with self._db.transaction() as db:
            db.execute("INSERT OR IGNORE INTO stat_imports VALUES (?, 0, ?, ?)",
                       (manifest.id, sortable(manifest.started_at),
                        _dumps(manifest_doc(manifest))))
            return self._progress(db, manifest.id)

    def _progress(self, db: sqlite3.Connection, import_id: str) -> ImportProgress:
        row = db.execute("SELECT doc FROM stat_imports WHERE id = ?", (import_id,)).fetchone()
        if row is None:
            raise ImportMismatch(f"no import {import_id}")
        chunks = db.execute("SELECT chunk FROM stat_import_chunks WHERE import_id = ?",
                            (import_id,)).fetchall()
        return ImportProgress(manifest_from_doc(json.loads(row[0])),
                              frozenset(c[0] for c in chunks))

    def write_import_chunk(self, import_id: str, chunk: int, records: Sequence[StatRecord],
                           disclosures: Sequence[DisclosureYear]) -> None:
        if len(records) + len(disclosures) > CHUNK_SIZE:
            raise ValueError(f"a chunk holds at most {CHUNK_SIZE} items")
        with self._db.transaction() as db:
            manifest = self._progress(db, import_id).manifest
            if not 0 <= chunk < manifest.chunks:
                raise ImportMismatch(f"import {import_id} has no chunk {chunk}")
            for record in records:
                self._put_record(db, record)
            db.executemany("INSERT OR REPLACE INTO disclosure_years VALUES (?, ?)",
                           [(d.year, _dumps(disclosure_doc(d))) for d in disclosures])
            db.execute("INSERT OR IGNORE INTO stat_import_chunks VALUES (?, ?)",
                       (import_id, chunk))

    def finish_import(self, import_id: str, at: datetime) -> ImportManifest:
        with self._db.transaction() as db:
            progress = self._progress(db, import_id)
            manifest = progress.manifest
            if manifest.complete:
                return manifest
            if len(progress.written_chunks) != manifest.chunks:
                raise ImportMismatch(f"import {import_id} has unwritten chunks")
            done = ImportManifest(manifest.id, manifest.records, manifest.chunks,
                                  manifest.chunk_size, manifest.started_at, at)
            db.execute("UPDATE stat_imports SET complete = 1, doc = ? WHERE id = ?",
                       (_dumps(manifest_doc(done)), import_id))
            return done

    def incomplete_imports(self) -> list[ImportManifest]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT doc FROM stat_imports WHERE complete = 0 "
                              "ORDER BY started_at").fetchall()
        return [manifest_from_doc(json.loads(r[0])) for r in rows]

    def disclosure_years(self) -> list[DisclosureYear]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT doc FROM disclosure_years ORDER BY year").fetchall()
        return [disclosure_from_doc(json.loads(r[0])) for r in rows]

    def count(self, queries: Sequence[CountQuery]) -> list[int]:
        with self._db.connection() as db, self._db.guard():
            return [int(db.execute(*_sql(q)).fetchone()[0]) for q in queries]

    def case_histories(self, form: str, *, received_before: datetime,
                       active_since: datetime) -> list[CaseHistory]:
        with self._db.connection() as db, self._db.guard():
            cases = db.execute(
                "SELECT reference, received_at FROM cases WHERE form = ? "
                "AND json_extract(doc, '$.updated_at') >= ? AND received_at < ?",
                (form, sortable(active_since), sortable(received_before))).fetchall()
            histories = []
            for reference, received_at in cases:
                events = db.execute("SELECT doc FROM case_events WHERE reference = ? "
                                    "ORDER BY seq", (reference,)).fetchall()
                histories.append(CaseHistory(
                    reference, datetime.fromisoformat(received_at),
                    tuple(event_from_doc(json.loads(doc)) for (doc,) in events)))
        return histories

    def case_facts(self, form: str, *, received_from: datetime,
                   received_before: datetime) -> Iterator[CaseFacts]:
        after: tuple[str, str] = (sortable(received_from), "")
        end = sortable(received_before)
        while True:
            # One page at a time, each in its own read: keyset paging on (received_at,
            # reference), a range of the index by form and reception time (the range's
            # lower bound stated on its own, so each page starts where the last ended).
            with self._db.connection() as db, self._db.guard():
                cases = db.execute(_CASE_FACTS, (form, after[0], end, after[0], after[1],
                                                 FACTS_PAGE)).fetchall()
                if not cases:
                    return
                marks = ",".join("?" * len(cases))
                events: dict[str, list[CaseEvent]] = {}
                for reference, fields in db.execute(_EVENT_FACTS.format(marks),
                                                    [c[0] for c in cases]):
                    events.setdefault(reference, []).append(_event_facts(fields))
            for row in cases:
                yield _case_facts(form, row, events.get(row[0], []))
            after = (cases[-1][1], cases[-1][0])
            if len(cases) < FACTS_PAGE:
                return


FACTS_PAGE = 500
# Each document's fields in one json_extract (one parse of the document, not one per field):
# a JSON array of the values, in this order.
_CASE_FACTS = (
    "SELECT reference, received_at, state, json_extract(doc, '$.channel', "
    "'$.record_review', '$.triage.priority', '$.triage.deadlines', "
    "'$.forwarding.forwarded_at', '$.referral_status', '$.named_index', '$.recused') "
    "FROM cases WHERE form = ? "
    "AND received_at >= ? AND received_at < ? AND (received_at > ? OR reference > ?) "
    "ORDER BY received_at, reference LIMIT ?")
_EVENT_FACTS = (
    "SELECT reference, json_extract(doc, '$.seq', '$.at', '$.kind', '$.from_state', "
    "'$.to_state', '$.details.deadlines_ended', '$.details.acknowledged_at') "
    "FROM case_events WHERE reference IN ({}) ORDER BY reference, seq")


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _event_facts(fields: str) -> CaseEvent:
    seq, at, kind, from_state, to_state, ended, acknowledged = json.loads(fields)
    details: dict[str, Any] = {}
    if ended is not None:
        details["deadlines_ended"] = ended
    if acknowledged is not None:
        details["acknowledged_at"] = acknowledged
    return CaseEvent(seq=int(seq), at=datetime.fromisoformat(at), kind=kind, actor="",
                     from_state=from_state, to_state=to_state, details=details)


def _case_facts(form: str, row: Sequence[Any], events: list[CaseEvent]) -> CaseFacts:
    reference, received_at, state, fields = row
    channel, review, priority, deadlines, forwarded, referral, named, recused = \
        json.loads(fields)
    return CaseFacts(
        reference=reference, form=form, state=state, channel=channel or "web",
        received_at=datetime.fromisoformat(received_at),
        triage_deadlines={k: datetime.fromisoformat(v) for k, v in (deadlines or {}).items()},
        events=tuple(events), forwarded_at=_moment(forwarded), record_review=review,
        priority=priority, referral_status=referral,
        named_index=named_index_from_doc(named) if named else None,
        recused=tuple(recused or ()))


def _sql(q: CountQuery) -> tuple[str, tuple[Any, ...]]:
    if isinstance(q, RecordSum):
        return _SUM_BY_CODE[q.code], (q.year, q.category)
    if isinstance(q, RecordCount):
        if q.where is not None:
            return _COUNT_BY_CODE[q.where[0]], (q.year, q.category, q.where[1])
        sql = "SELECT COUNT(*) FROM stat_records WHERE year = ? AND category = ?"
        args: tuple[Any, ...] = (q.year, q.category)
        if q.subcategory is not None:
            sql, args = sql + " AND subcategory = ?", (*args, q.subcategory)
        if q.outcome is not None:
            sql, args = sql + " AND outcome = ?", (*args, q.outcome)
        return sql, args
    start, end = (sortable(t) for t in year_bounds(q.year))
    if isinstance(q, ForwardedCount):
        sql = ("SELECT COUNT(*) FROM cases WHERE json_extract(doc, '$.forwarding.forwarded_at') "
               ">= ? AND json_extract(doc, '$.forwarding.forwarded_at') < ?")
        if q.matter is None:
            return sql, (start, end)
        return sql + " AND json_extract(doc, '$.forwarding.matter') = ?", (start, end, q.matter)
    if isinstance(q, SubmissionCount):
        sql = ("SELECT COUNT(*) FROM submissions WHERE form = ? AND received_at >= ? "
               "AND received_at < ?")
        args = (q.form, start, end)
        if q.subcategory is not None:
            sql, args = sql + " AND json_extract(doc, '$.clear.subcategory') = ?", (
                *args, q.subcategory)
        if q.where is not None:
            sql, args = sql + " AND json_extract(doc, ?) = ?", (
                *args, f"$.clear.{q.where[0]}", q.where[1])
        return sql, args
    if isinstance(q, CaseCount):
        return ("SELECT COUNT(*) FROM cases WHERE form = ? AND received_at >= ? "
                "AND received_at < ?", (q.form, start, end))
    raise TypeError(f"not a count query: {q!r}")
