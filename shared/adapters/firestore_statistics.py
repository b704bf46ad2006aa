"""The statistics store on Firestore, beside the intake store's collections.

Records live in one collection per year and Table 1 category, ``stats_{year}_{category}``
(e.g. ``stats_2024_training``), so each number of the report is a ``count()`` over one small
collection with at most one equality filter (sub-category or outcome): no composite index,
and the emulator, which scans every document of a collection id for each query, scans only
that cell (measured: 1.5 s per filtered count over one 100,000-document collection, 0.05 s
over a 2,000-document one). Submissions and cases are counted where the intake store keeps
them, which needs the composite indexes in ``REQUIRED_COMPOSITE_INDEXES``
(docs/reporting.md). The counts run concurrently: each is a round trip.

Imports: records are written with ``set`` under ids derived from the import and their
position, in batches that also create the chunk's marker, so a chunk lands whole or not at
all and writing it again never adds a copy. Each chunk marker is its own document: one
import document updated by every batch would be a write hot spot.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.firestore_store import FirestoreStore
from shared.adapters.statistics_documents import (
    disclosure_doc,
    disclosure_from_doc,
    manifest_doc,
    manifest_from_doc,
    record_doc,
    record_from_doc,
)
from shared.domain.statistics import (
    CaseCount,
    CountQuery,
    DisclosureYear,
    ImportManifest,
    ImportProgress,
    RecordCount,
    StatRecord,
    SubmissionCount,
    year_bounds,
)
from shared.statistics_ports import ImportMismatch, LoggedServiceConflict, StatisticsStore

CLAIMS = "stats_service_log_claims"
DISCLOSURES = "stats_disclosure_years"
IMPORTS = "stats_imports"
CHUNKS = "stats_import_chunks"  # subcollection of each import
BATCH_LIMIT = 500  # writes in one Firestore batch
COUNT_CONCURRENCY = 8

# (collection, fields in order) of each composite index the counting queries need.
REQUIRED_COMPOSITE_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("submissions", ("form", "received_at")),
    ("submissions", ("form", "clear.subcategory", "received_at")),
    ("cases", ("form", "received_at")),
    ("cases", ("form", "state", "received_at")),
)

_CODE = re.compile(r"[a-z][a-z_]{0,63}")


def records_collection(year: int, category: str) -> str:
    """The collection of the records of one year and Table 1 category."""
    if not _CODE.fullmatch(category) or not 1 <= year <= 9999:
        raise ValueError(f"not a year and category: {year!r}, {category!r}")
    return f"stats_{year}_{category}"


class FirestoreStatistics(StatisticsStore):
    def __init__(self, store: FirestoreStore) -> None:
        self._store = store
        self._db: firestore.Client = store.client
        self._chunks: dict[str, int] = {}  # chunk count of the imports this process began

    @property
    def chunk_size(self) -> int:
        return BATCH_LIMIT - 1  # one write of each batch is the chunk's marker

    def _record_ref(self, record: StatRecord) -> Any:
        return self._db.collection(records_collection(record.year, record.category)).document(
            record.id)

    def add_logged_service(self, record: StatRecord, request_digest: str) -> tuple[StatRecord,
                                                                                   bool]:
        ref = self._record_ref(record)
        claim = self._db.collection(CLAIMS).document(record.id)
        batch = self._db.batch()
        batch.create(claim, {"path": ref.path, "digest": request_digest})
        batch.create(ref, record_doc(record))
        try:
            self._store.call(batch.commit)
            return record, True
        except api_exceptions.AlreadyExists:
            pass  # a retry: answer with the first entry
        claimed = self._store.call(claim.get).to_dict() or {}
        if claimed.get("digest") != request_digest:
            raise LoggedServiceConflict(record.id)
        stored = self._store.call(self._db.document(claimed["path"]).get).to_dict()
        return record_from_doc(stored or {}), False

    def begin_import(self, manifest: ImportManifest) -> ImportProgress:
        ref = self._db.collection(IMPORTS).document(manifest.id)
        with contextlib.suppress(api_exceptions.AlreadyExists):  # seen before: resume it
            self._store.call(lambda **kw: ref.create(manifest_doc(manifest), **kw))
        progress = self._progress(manifest.id)
        self._chunks[manifest.id] = progress.manifest.chunks
        return progress

    def _progress(self, import_id: str) -> ImportProgress:
        ref = self._db.collection(IMPORTS).document(import_id)
        snapshot = self._store.call(ref.get)
        if not snapshot.exists:
            raise ImportMismatch(f"no import {import_id}")
        with self._store.guard():
            written = [int(s.id) for s in ref.collection(CHUNKS).select([]).stream()]
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
            batch.set(self._record_ref(record), record_doc(record))
        for disclosure in disclosures:
            batch.set(self._db.collection(DISCLOSURES).document(str(disclosure.year)),
                      disclosure_doc(disclosure))
        marker = self._db.collection(IMPORTS).document(import_id).collection(CHUNKS)
        batch.set(marker.document(str(chunk)), {"chunk": chunk, "items": len(records)
                                                + len(disclosures)})
        self._store.call(batch.commit)

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
        self._store.call(lambda **kw: ref.set(manifest_doc(done), **kw))
        return done

    def incomplete_imports(self) -> list[ImportManifest]:
        query = self._db.collection(IMPORTS).where(filter=FieldFilter("state", "==", "writing"))
        with self._store.guard():
            manifests = [manifest_from_doc(s.to_dict() or {}) for s in query.stream()]
        return sorted(manifests, key=lambda m: m.started_at)

    def disclosure_years(self) -> list[DisclosureYear]:
        with self._store.guard():
            years = [disclosure_from_doc(s.to_dict() or {})
                     for s in self._db.collection(DISCLOSURES).stream()]
        return sorted(years, key=lambda d: d.year)

    def count(self, queries: Sequence[CountQuery]) -> list[int]:
        if not queries:
            return []
        with ThreadPoolExecutor(min(COUNT_CONCURRENCY, len(queries))) as pool:
            return list(pool.map(self._count, queries))

    def _count(self, q: CountQuery) -> int:
        query = self._query(q)
        result = self._store.call(query.count(alias="n").get)
        return int(result[0][0].value)

    def _query(self, q: CountQuery) -> Any:
        if isinstance(q, RecordCount):
            query: Any = self._db.collection(records_collection(q.year, q.category))
            if q.subcategory is not None:
                query = query.where(filter=FieldFilter("subcategory", "==", q.subcategory))
            if q.outcome is not None:
                query = query.where(filter=FieldFilter("outcome", "==", q.outcome))
            return query
        start, end = year_bounds(q.year)
        if isinstance(q, SubmissionCount):
            query = self._db.collection("submissions").where(
                filter=FieldFilter("form", "==", q.form))
            if q.subcategory is not None:
                query = query.where(filter=FieldFilter("clear.subcategory", "==",
                                                       q.subcategory))
        elif isinstance(q, CaseCount):
            query = self._db.collection("cases").where(filter=FieldFilter("form", "==", q.form))
            if q.state is not None:
                query = query.where(filter=FieldFilter("state", "==", q.state))
        else:
            raise TypeError(f"not a count query: {q!r}")
        return (query.where(filter=FieldFilter("received_at", ">=", start))
                .where(filter=FieldFilter("received_at", "<", end)))
