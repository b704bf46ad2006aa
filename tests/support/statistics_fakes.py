"""Fakes of the statistics port: an in-memory store over the in-memory intake store, and a
proxy that makes chosen calls fail (an interrupted import)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.handling_times import CaseFacts
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
from shared.ports.storage import StoreUnavailable
from tests.support.fakes import InMemoryStore


class InMemoryStatistics(StatisticsStore):
    def __init__(self, intake: InMemoryStore, chunk_size: int = 100) -> None:
        self._intake = intake
        self._chunk_size = chunk_size
        self._lock = threading.Lock()
        self.records: dict[str, StatRecord] = {}
        self.claims: dict[str, str] = {}
        self.disclosures: dict[int, DisclosureYear] = {}
        self.imports: dict[str, ImportManifest] = {}
        self.chunks: dict[str, set[int]] = {}

    @property
    def chunk_size(self) -> int:
        return self._chunk_size

    def add_logged_service(self, record: StatRecord, request_digest: str) -> tuple[StatRecord,
                                                                                   bool]:
        with self._lock:
            if record.id in self.claims:
                if self.claims[record.id] != request_digest:
                    raise LoggedServiceConflict(record.id)
                return self.records[record.id], False
            self.claims[record.id] = request_digest
            self.records[record.id] = record
            return record, True

    def begin_import(self, manifest: ImportManifest) -> ImportProgress:
        with self._lock:
            stored = self.imports.setdefault(manifest.id, manifest)
            written = self.chunks.setdefault(manifest.id, set())
            return ImportProgress(stored, frozenset(written))

    def write_import_chunk(self, import_id: str, chunk: int, records: Sequence[StatRecord],
                           disclosures: Sequence[DisclosureYear]) -> None:
        if len(records) + len(disclosures) > self._chunk_size:
            raise ValueError("chunk too large")
        with self._lock:
            manifest = self.imports.get(import_id)
            if manifest is None or not 0 <= chunk < manifest.chunks:
                raise ImportMismatch(import_id)
            self.records.update((r.id, r) for r in records)
            self.disclosures.update((d.year, d) for d in disclosures)
            self.chunks[import_id].add(chunk)

    def finish_import(self, import_id: str, at: datetime) -> ImportManifest:
        with self._lock:
            manifest = self.imports.get(import_id)
            if manifest is None:
                raise ImportMismatch(import_id)
            if manifest.complete:
                return manifest
            if len(self.chunks[import_id]) != manifest.chunks:
                raise ImportMismatch(import_id)
            self.imports[import_id] = replace(manifest, completed_at=at)
            return self.imports[import_id]

    def incomplete_imports(self) -> list[ImportManifest]:
        return sorted((m for m in self.imports.values() if not m.complete),
                      key=lambda m: m.started_at)

    def disclosure_years(self) -> list[DisclosureYear]:
        return [self.disclosures[y] for y in sorted(self.disclosures)]

    def count(self, queries: Sequence[CountQuery]) -> list[int]:
        return [self._count(q) for q in queries]

    def _count(self, q: CountQuery) -> int:
        if isinstance(q, RecordSum):
            return sum(int(r.codes.get(q.code) or 0) for r in self.records.values()
                       if r.year == q.year and r.category == q.category)
        if isinstance(q, RecordCount):
            return sum(1 for r in self.records.values()
                       if r.year == q.year and r.category == q.category
                       and q.subcategory in (None, r.subcategory)
                       and q.outcome in (None, r.outcome)
                       and (q.where is None or r.codes.get(q.where[0]) == q.where[1]))
        start, end = year_bounds(q.year)
        if isinstance(q, SubmissionCount):
            return sum(1 for s in self._intake.submissions.values()
                       if s.form == q.form and start <= s.received_at < end
                       and q.subcategory in (None, s.clear.get("subcategory"))
                       and (q.where is None or s.clear.get(q.where[0]) == q.where[1]))
        if isinstance(q, CaseCount):
            return sum(1 for c in self._intake.cases.values()
                       if c.form == q.form and start <= c.received_at < end)
        if isinstance(q, ForwardedCount):
            return sum(1 for c in self._intake.cases.values()
                       if c.forwarding and c.forwarding.forwarded_at
                       and start <= c.forwarding.forwarded_at < end
                       and q.matter in (None, c.forwarding.matter))
        raise TypeError(q)

    def case_histories(self, form: str, *, received_before: datetime,
                       active_since: datetime) -> list[CaseHistory]:
        return [CaseHistory(c.reference, c.received_at, tuple(self._intake.case_events(ref)))
                for ref, c in list(self._intake.cases.items())
                if c.form == form and c.received_at < received_before
                and c.updated_at >= active_since]

    def case_facts(self, form: str, *, received_from: datetime,
                   received_before: datetime) -> Iterator[CaseFacts]:
        cases = sorted((c for c in list(self._intake.cases.values())
                        if c.form == form and received_from <= c.received_at < received_before),
                       key=lambda c: (c.received_at, c.reference))
        for c in cases:
            yield CaseFacts(
                reference=c.reference, form=c.form, state=c.state, channel=c.channel,
                received_at=c.received_at,
                triage_deadlines=dict(c.triage.deadlines) if c.triage else {},
                events=tuple(replace(e, actor="", details={
                    k: v for k, v in e.details.items()
                    if k in ("deadlines_ended", "acknowledged_at")})
                    for e in self._intake.case_events(c.reference)),
                forwarded_at=c.forwarding.forwarded_at if c.forwarding else None,
                record_review=c.record_review,
                priority=c.triage.priority if c.triage else None,
                referral_status=c.forwarding.status if c.forwarding else None,
                named_index=c.named_index)


class InterruptedStatistics(StatisticsStore):
    """Delegates to a real statistics store; the chunk write number ``fail_at`` (0-based,
    counting every call) raises StoreUnavailable, as when the database goes away in the
    middle of an import: before writing, or (``after``) once written, the answer lost."""

    def __init__(self, inner: StatisticsStore, fail_at: int, *, after: bool = False) -> None:
        self.inner = inner
        self.fail_at = fail_at
        self.after = after
        self.calls = 0

    @property
    def chunk_size(self) -> int:
        return self.inner.chunk_size

    def add_logged_service(self, record: StatRecord, request_digest: str) -> tuple[StatRecord,
                                                                                   bool]:
        return self.inner.add_logged_service(record, request_digest)

    def begin_import(self, manifest: ImportManifest) -> ImportProgress:
        return self.inner.begin_import(manifest)

    def write_import_chunk(self, import_id: str, chunk: int, records: Sequence[StatRecord],
                           disclosures: Sequence[DisclosureYear]) -> None:
        call, self.calls = self.calls, self.calls + 1
        if call == self.fail_at:
            if self.after:
                self.inner.write_import_chunk(import_id, chunk, records, disclosures)
            raise StoreUnavailable("injected: the database went away mid-import")
        self.inner.write_import_chunk(import_id, chunk, records, disclosures)

    def finish_import(self, import_id: str, at: datetime) -> ImportManifest:
        return self.inner.finish_import(import_id, at)

    def incomplete_imports(self) -> list[ImportManifest]:
        return self.inner.incomplete_imports()

    def disclosure_years(self) -> list[DisclosureYear]:
        return self.inner.disclosure_years()

    def count(self, queries: Sequence[CountQuery]) -> list[int]:
        return self.inner.count(queries)

    def case_histories(self, form: str, *, received_before: datetime,
                       active_since: datetime) -> list[CaseHistory]:
        return self.inner.case_histories(form, received_before=received_before,
                                         active_since=active_since)

    def case_facts(self, form: str, *, received_from: datetime,
                   received_before: datetime) -> Iterator[CaseFacts]:
        return self.inner.case_facts(form, received_from=received_from,
                                     received_before=received_before)
