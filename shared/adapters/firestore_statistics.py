"""The statistics store on Firestore, beside the intake store's collections.

How the report counts, and why (measured on the emulator with 100,000 records: any query
costs about 40 ms whatever it matches, because the emulator walks the whole project, while
a document read costs 2 ms; streaming the records costs about 30 s):

- Imported records (the bulk: years of history) are written to ``stats_imported``, and each
  chunk's marker document in ``stats_import_chunks`` carries the chunk's tally, per
  (year, category, sub-category, outcome), per (year, category, counted code and value)
  and, for summed codes, their totals per (year, category, code), written in the same
  batch as the chunk's records. So the tallies agree with the records exactly, and a chunk
  written again replaces its tally instead of adding one. The report reads the tallies
  (``shared.adapters.import_tallies``): one document per 499 records.
- Logged services (one at a time, a few a day) are in ``stats_service_log`` and counted with
  ``count()`` (trainings' participants with ``sum()``); so are submissions and cases, where
  the intake store keeps them, and referrals made (a range on ``forwarding.forwarded_at``:
  a single-field index; those of one ``forwarding.matter``, a composite one).
- Before counting cell by cell, one ``count()`` per source over the years asked about
  ("any submissions of this form in these years?"; the service log's breakdowns by
  sub-category, code or sum are a source per category): a source with nothing there
  costs one query instead of one per cell. The counts run concurrently: each is a round
  trip.
- The retaliation cases' histories (``case_histories``) are read case by case, concurrently:
  a few dozen at most.

The composite indexes the counting queries need in production are those labelled ``stats_``
in ``firestore_indexes.json`` (``shared/adapters/firestore_indexes.py``; docs/reporting.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.documents import event_from_doc, named_index_from_doc, timestamp
from shared.adapters.firestore_database import FirestoreDatabase
from shared.adapters.import_tallies import Tallies, chunk_tally
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
    may_be_logged,
    year_bounds,
)
from shared.ports.statistics import ImportMismatch, LoggedServiceConflict, StatisticsStore

IMPORTED = "stats_imported"
LOGGED = "stats_service_log"
CLAIMS = "stats_service_log_claims"
DISCLOSURES = "stats_disclosure_years"
IMPORTS = "stats_imports"
CHUNKS = "stats_import_chunks"
BATCH_LIMIT = 500  # writes in one Firestore batch
COUNT_CONCURRENCY = 8


class FirestoreStatistics(StatisticsStore):
    def __init__(self, database: FirestoreDatabase) -> None:
        self._database = database
        self._db: firestore.Client = database.client
        self._chunks: dict[str, int] = {}  # chunk count of the imports this process began

    @property
    def database(self) -> FirestoreDatabase:
        """The database this store shares with the other adapters (tools, benchmarks)."""
        return self._database

    @property
    def chunk_size(self) -> int:
        return BATCH_LIMIT - 1  # one write of each batch is the chunk's marker and tally

    def add_logged_service(self, record: StatRecord, request_digest: str) -> tuple[StatRecord,
                                                                                   bool]:
        ref = self._db.collection(LOGGED).document(record.id)
        claim = self._db.collection(CLAIMS).document(record.id)
        batch = self._db.batch()
        batch.create(claim, {"digest": request_digest})
        batch.create(ref, record_doc(record))
        try:
            self._database.call(batch.commit)
            return record, True
        except api_exceptions.AlreadyExists:
            pass  # a retry: answer with the first entry
        claimed = self._database.call(claim.get).to_dict() or {}
        if claimed.get("digest") != request_digest:
            raise LoggedServiceConflict(record.id)
        return record_from_doc(self._database.call(ref.get).to_dict() or {}), False

    def begin_import(self, manifest: ImportManifest) -> ImportProgress:
        ref = self._db.collection(IMPORTS).document(manifest.id)
        with contextlib.suppress(api_exceptions.AlreadyExists):  # seen before: resume it
            self._database.call(lambda **kw: ref.create(manifest_doc(manifest), **kw))
        progress = self._progress(manifest.id)
        self._chunks[manifest.id] = progress.manifest.chunks
        return progress

    def _progress(self, import_id: str) -> ImportProgress:
        snapshot = self._database.call(self._db.collection(IMPORTS).document(import_id).get)
        if not snapshot.exists:
            raise ImportMismatch(f"no import {import_id}")
        markers = self._db.collection(CHUNKS).where(
            filter=FieldFilter("import_id", "==", import_id)).select(["chunk"])
        written = [int((s.to_dict() or {})["chunk"]) for s in self._stream(markers)]
        return ImportProgress(manifest_from_doc(snapshot.to_dict() or {}), frozenset(written))

    def write_import_chunk(self, import_id: str, chunk: int, records: Sequence[StatRecord],
                           disclosures: Sequence[DisclosureYear]) -> None:
        if len(records) + len(disclosures) > self.chunk_size:
            raise ValueError(f"a chunk holds at most {self.chunk_size} items")
        chunks = self._chunks.get(import_id)
        if chunks is None:
            chunks = self._progress(import_id).manifest.chunks
            self._chunks[import_id] = chunks
        if not 0 <= chunk < chunks:
            raise ImportMismatch(f"import {import_id} has no chunk {chunk}")
        batch = self._db.batch()
        for record in records:
            batch.set(self._db.collection(IMPORTED).document(record.id), record_doc(record))
        for disclosure in disclosures:
            batch.set(self._db.collection(DISCLOSURES).document(str(disclosure.year)),
                      disclosure_doc(disclosure))
        batch.set(self._db.collection(CHUNKS).document(f"{import_id}-{chunk:06d}"),
                  {"import_id": import_id, "chunk": chunk, **chunk_tally(records),
                   "disclosures": len(disclosures)})
        self._database.call(batch.commit)

    def finish_import(self, import_id: str, at: datetime) -> ImportManifest:
        progress = self._progress(import_id)
        manifest = progress.manifest
        if manifest.complete:
            return manifest
        if len(progress.written_chunks) != manifest.chunks:
            raise ImportMismatch(f"import {import_id} has unwritten chunks")
        done = ImportManifest(manifest.id, manifest.records, manifest.chunks,
                              manifest.chunk_size, manifest.started_at, at)
        ref = self._db.collection(IMPORTS).document(import_id)
        self._database.call(lambda **kw: ref.set(manifest_doc(done), **kw))
        return done

    def incomplete_imports(self) -> list[ImportManifest]:
        query = self._db.collection(IMPORTS).where(filter=FieldFilter("state", "==", "writing"))
        manifests = [manifest_from_doc(s.to_dict() or {}) for s in self._stream(query)]
        return sorted(manifests, key=lambda m: m.started_at)

    def disclosure_years(self) -> list[DisclosureYear]:
        years = [disclosure_from_doc(s.to_dict() or {})
                 for s in self._stream(self._db.collection(DISCLOSURES))]
        return sorted(years, key=lambda d: d.year)

    # --- counting ---------------------------------------------------------------------

    def count(self, queries: Sequence[CountQuery]) -> list[int]:
        if not queries:
            return []
        # Live sources, each behind one gate: the service log (plain counts; and the
        # breakdowns of each category, by sub-category, code or sum, apart), and the
        # submissions and cases of each form.
        sources: dict[tuple[str, str | None], list[CountQuery]] = {}
        for q in queries:
            if isinstance(q, RecordCount | RecordSum):
                if may_be_logged(q):
                    plain = isinstance(q, RecordCount) and q.subcategory is None \
                        and q.where is None
                    sources.setdefault((LOGGED, None if plain else q.category), []).append(q)
            elif isinstance(q, SubmissionCount):
                sources.setdefault(("submissions", q.form), []).append(q)
            elif isinstance(q, CaseCount):
                sources.setdefault(("cases", q.form), []).append(q)
        forwarded = [q for q in queries if isinstance(q, ForwardedCount)]
        gates = [self._gate(collection, key, group)
                 for (collection, key), group in sources.items()]
        imports = any(isinstance(q, RecordCount | RecordSum) for q in queries)
        with ThreadPoolExecutor(COUNT_CONCURRENCY) as pool:
            tallies = pool.submit(self._tallies) if imports else None
            open_gates = list(pool.map(lambda gate: gate() > 0, gates))
            live = [q for group, is_open in zip(sources.values(), open_gates, strict=True)
                    if is_open for q in group]
            live += forwarded  # one per year asked about: nothing to save with a gate
            answers = dict(zip(live, pool.map(self._answer, live), strict=True))
            imported = tallies.result() if tallies is not None else Tallies()
        results = []
        for q in queries:
            n = answers.get(q, 0)
            if isinstance(q, RecordCount | RecordSum):
                n += imported.answer(q)
            results.append(n)
        return results

    def case_histories(self, form: str, *, received_before: datetime,
                       active_since: datetime) -> list[CaseHistory]:
        query = (self._db.collection("cases").where(filter=FieldFilter("form", "==", form))
                 .where(filter=FieldFilter("updated_at", ">=", active_since))
                 .select(["reference", "received_at"]))
        found = [(d["reference"], timestamp(d["received_at"]))
                 for d in (s.to_dict() or {} for s in self._stream(query))]
        found = [(ref, at) for ref, at in found if at < received_before]
        with ThreadPoolExecutor(COUNT_CONCURRENCY) as pool:
            events = list(pool.map(self._case_events, [ref for ref, _ in found]))
        return [CaseHistory(ref, at, tuple(history))
                for (ref, at), history in zip(found, events, strict=True)]

    def case_facts(self, form: str, *, received_from: datetime,
                   received_before: datetime) -> Iterator[CaseFacts]:
        query = (self._db.collection("cases").where(filter=FieldFilter("form", "==", form))
                 .where(filter=FieldFilter("received_at", ">=", received_from))
                 .where(filter=FieldFilter("received_at", "<", received_before))
                 .order_by("received_at").order_by("__name__").select(CASE_FACT_FIELDS)
                 .limit(FACTS_PAGE))
        page_query = query
        with ThreadPoolExecutor(COUNT_CONCURRENCY) as pool:
            while True:
                page = self._stream(page_query)
                if not page:
                    return
                docs = [s.to_dict() or {} for s in page]
                histories = pool.map(self._event_facts, [d["reference"] for d in docs])
                for doc, events in zip(docs, histories, strict=True):
                    yield _case_facts(form, doc, events)
                if len(page) < FACTS_PAGE:
                    return
                page_query = query.start_after(page[-1])

    def _event_facts(self, reference: str) -> list[CaseEvent]:
        events = (self._db.collection("cases").document(reference).collection("events")
                  .select(EVENT_FACT_FIELDS))
        return [_event_from_facts(s.to_dict() or {}) for s in self._stream(events)]

    def _case_events(self, reference: str) -> list[CaseEvent]:
        events = self._db.collection("cases").document(reference).collection("events")
        return [event_from_doc(s.to_dict() or {})
                for s in self._database.stream(events.order_by("seq"))]

    def _stream(self, query: Any) -> list[Any]:
        """Every snapshot of a (small) query, with the retry policy and deadline."""
        return self._database.stream(query)

    def _aggregate(self, query: Any) -> int:
        result = self._database.call(query.count(alias="n").get)
        return int(result[0][0].value)

    def _answer(self, q: CountQuery) -> int:
        if isinstance(q, RecordSum):
            result = self._database.call(self._query(q).sum(f"codes.{q.code}", alias="n").get)
            return int(result[0][0].value or 0)
        return self._aggregate(self._query(q))

    def _tallies(self) -> Tallies:
        """The imported records' counts: the sum of every written chunk's tally."""
        tallies = Tallies()
        markers = self._db.collection(CHUNKS).select(["cells", "facets", "sums"])
        for snapshot in self._stream(markers):
            tallies.add(snapshot.to_dict() or {})
        return tallies

    def _gate(self, collection: str, key: str | None,
              group: list[CountQuery]) -> Callable[[], int]:
        """One count over every year ``group`` asks about (of the form, or of the logged
        category, ``key``): zero means all of it is zero."""
        first, last = min(q.year for q in group), max(q.year for q in group)
        query: Any = self._db.collection(collection)
        if collection == LOGGED:
            if key is not None:
                query = query.where(filter=FieldFilter("category", "==", key))
            query = (query.where(filter=FieldFilter("year", ">=", first))
                     .where(filter=FieldFilter("year", "<=", last)))
        else:
            query = (query.where(filter=FieldFilter("form", "==", key))
                     .where(filter=FieldFilter("received_at", ">=", year_bounds(first)[0]))
                     .where(filter=FieldFilter("received_at", "<", year_bounds(last)[1])))
        return lambda: self._aggregate(query)

    def _query(self, q: CountQuery) -> Any:
        if isinstance(q, RecordCount | RecordSum):
            query = (self._db.collection(LOGGED)
                     .where(filter=FieldFilter("category", "==", q.category)))
            if isinstance(q, RecordCount) and q.subcategory is not None:
                query = query.where(filter=FieldFilter("subcategory", "==", q.subcategory))
            if isinstance(q, RecordCount) and q.where is not None:
                query = query.where(filter=FieldFilter(f"codes.{q.where[0]}", "==",
                                                       q.where[1]))
            return query.where(filter=FieldFilter("year", "==", q.year))
        start, end = year_bounds(q.year)
        if isinstance(q, ForwardedCount):
            cases: Any = self._db.collection("cases")
            if q.matter is not None:
                cases = cases.where(filter=FieldFilter("forwarding.matter", "==", q.matter))
            return (cases.where(filter=FieldFilter("forwarding.forwarded_at", ">=", start))
                    .where(filter=FieldFilter("forwarding.forwarded_at", "<", end)))
        if isinstance(q, SubmissionCount):
            query = self._db.collection("submissions").where(
                filter=FieldFilter("form", "==", q.form))
            if q.subcategory is not None:
                query = query.where(filter=FieldFilter("clear.subcategory", "==",
                                                       q.subcategory))
            if q.where is not None:
                query = query.where(filter=FieldFilter(f"clear.{q.where[0]}", "==",
                                                       q.where[1]))
        elif isinstance(q, CaseCount):
            query = self._db.collection("cases").where(filter=FieldFilter("form", "==", q.form))
        else:
            raise TypeError(f"not a count query: {q!r}")
        return (query.where(filter=FieldFilter("received_at", ">=", start))
                .where(filter=FieldFilter("received_at", "<", end)))


FACTS_PAGE = 500
CASE_FACT_FIELDS = ["reference", "received_at", "state", "channel", "record_review",
                    "triage.priority", "triage.deadlines", "forwarding.forwarded_at",
                    "referral_status", "named_index", "recused"]
EVENT_FACT_FIELDS = ["seq", "at", "kind", "from_state", "to_state",
                     "details.deadlines_ended", "details.acknowledged_at"]


def _event_from_facts(d: dict[str, Any]) -> CaseEvent:
    details = {k: v for k, v in (d.get("details") or {}).items()
               if k in ("deadlines_ended", "acknowledged_at")}
    return CaseEvent(seq=int(d["seq"]), at=timestamp(d["at"]), kind=d["kind"], actor="",
                     from_state=d.get("from_state"), to_state=d.get("to_state"),
                     details=details)


def _case_facts(form: str, d: dict[str, Any], events: list[CaseEvent]) -> CaseFacts:
    triage = d.get("triage") or {}
    forwarding = d.get("forwarding") or {}
    forwarded = forwarding.get("forwarded_at")
    return CaseFacts(
        reference=d["reference"], form=form, state=d["state"],
        channel=d.get("channel") or "web", received_at=timestamp(d["received_at"]),
        triage_deadlines={k: timestamp(v)
                          for k, v in (triage.get("deadlines") or {}).items()},
        events=tuple(events), forwarded_at=None if forwarded is None else timestamp(forwarded),
        record_review=d.get("record_review"), priority=triage.get("priority"),
        referral_status=d.get("referral_status"),
        named_index=named_index_from_doc(d["named_index"]) if d.get("named_index") else None,
        recused=tuple(d.get("recused") or ()))
