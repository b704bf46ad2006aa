"""Statistics records as documents, shared by the SQLite and Firestore adapters."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.adapters.documents import timestamp
from shared.domain.records import JSON
from shared.domain.statistics import DisclosureYear, ImportManifest, StatRecord


def record_doc(r: StatRecord) -> JSON:
    return {"id": r.id, "category": r.category, "date": r.day.isoformat(), "year": r.year,
            "source": r.source, "recorded_at": r.recorded_at, "recorded_by": r.recorded_by,
            "subcategory": r.subcategory, "outcome": r.outcome, "codes": dict(r.codes),
            "import_id": r.import_id, "line": r.line}


def record_from_doc(d: JSON) -> StatRecord:
    return StatRecord(id=d["id"], category=d["category"], day=date.fromisoformat(d["date"]),
                      source=d["source"], recorded_at=timestamp(d["recorded_at"]),
                      recorded_by=d["recorded_by"], subcategory=d.get("subcategory"),
                      outcome=d.get("outcome"), codes=dict(d.get("codes") or {}),
                      import_id=d.get("import_id"), line=d.get("line"))


def disclosure_doc(d: DisclosureYear) -> JSON:
    return {"year": d.year, "filers": d.filers, "compliant": d.compliant,
            "import_id": d.import_id, "line": d.line}


def disclosure_from_doc(d: JSON) -> DisclosureYear:
    return DisclosureYear(year=int(d["year"]), filers=int(d["filers"]),
                          compliant=int(d["compliant"]), import_id=d.get("import_id"),
                          line=d.get("line"))


def manifest_doc(m: ImportManifest) -> JSON:
    return {"id": m.id, "records": m.records, "chunks": m.chunks, "chunk_size": m.chunk_size,
            "started_at": m.started_at, "completed_at": m.completed_at,
            "state": "complete" if m.complete else "writing"}


def manifest_from_doc(d: JSON) -> ImportManifest:
    completed: Any = d.get("completed_at")
    return ImportManifest(id=d["id"], records=int(d["records"]), chunks=int(d["chunks"]),
                          chunk_size=int(d["chunk_size"]),
                          started_at=timestamp(d["started_at"]),
                          completed_at=timestamp(completed) if completed else None)
