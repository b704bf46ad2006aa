"""The annual report's benchmarks: import throughput against raw batch writes, and the
annual report against streaming the records it counts, each against a floor measured in
the same run.

- Import: the real path of `intake import` (validate every line, then the resumable chunked
  writes) into the Firestore emulator, against the same documents written raw, 500 per
  batch, into the same collections. Alternated, in fresh projects, median of the rounds.
- Report: `annual_report` over 100,000 imported records, against reading every one of those
  records (what a report without aggregates would have to do), on the emulator and SQLite;
  then with live data in every source (logged services, advice among them; submissions;
  retaliation cases, whose histories the report reads).

Run alone: python -m tools.bench.reporting (with FIRESTORE_EMULATOR_HOST for the emulator).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from schemas.import_file import validate_lines
from shared.adapters.statistics_documents import record_doc
from shared.domain.statistics import StatRecord
from shared.ports.clock import Clock
from shared.ports.statistics import StatisticsStore
from shared.services.annual_report import annual_report
from shared.services.importing import import_records

IMPORT_TARGET = 0.70  # import throughput / raw batch writes
REPORT_TARGET = 10.0  # streaming time / report time
REPORT_YEAR = 2024

# Table 1 of 2024 as weights, and Figure II's 2024 split (the 2024 annual report).
SERVICE_WEIGHTS = {"champion_request": 21, "training": 122, "disclosure_support": 367,
                   "external_communication": 567, "media_inquiry": 1, "misconduct": 66,
                   "policy_input": 34, "ethics_coherence": 50}
ADVICE_WEIGHT, RETALIATION_WEIGHT = 925, 14
LEAVES = {"work_environment": 328, "coi_outside_activities": 140, "coi_gifts_hospitality": 75,
          "coi_family_relationships": 50, "coi_investments": 22, "coi_political_activities": 12,
          "coi_social_media": 12, "workplace_conflict": 135, "retaliation_advice": 22,
          "other": 129}
OUTCOMES = {"prima_facie_established": 3, "no_prima_facie": 5, "under_review": 2,
            "suspended": 3, "closed_referred_misconduct": 1}


class _Clock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


def dataset(n: int, seed: int) -> bytes:
    """``n`` import lines spread over 2020-2024 in the proportions of the 2024 report."""
    rng = random.Random(seed)  # noqa: S311 (benchmark data, not a secret)
    kinds = [*SERVICE_WEIGHTS, "advice", "retaliation"]
    weights = [*SERVICE_WEIGHTS.values(), ADVICE_WEIGHT, RETALIATION_WEIGHT]
    out = []
    for i in range(n):
        day = (date(2020 + i % 5, 1, 1) + timedelta(days=rng.randrange(365))).isoformat()
        kind = rng.choices(kinds, weights)[0]
        if kind == "advice":
            leaf = rng.choices(list(LEAVES), list(LEAVES.values()))[0]
            line: dict[str, Any] = {"kind": "advice", "subcategory": leaf, "date": day}
        elif kind == "retaliation":
            outcome = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
            line = {"kind": "retaliation", "outcome": outcome, "date": day}
        else:
            line = {"kind": "service", "category": kind, "date": day}
            if kind == "training":
                line["participants"] = rng.randint(5, 60)
        out.append(json.dumps(line))
    return ("\n".join(out) + "\n").encode()


def run_import(raw: bytes, store: StatisticsStore) -> int:
    """What `intake import FILE` does after reading the file; the records written."""
    checked = validate_lines(raw.splitlines(), today=date.today())
    if checked.errors:
        raise RuntimeError(checked.errors[0].describe())
    outcome = import_records(checked.lines, store=store, clock=_Clock(), actor="bench")
    return outcome.manifest.records


def _firestore(project: str) -> tuple[Any, StatisticsStore]:
    from shared.adapters.firestore_statistics import FirestoreStatistics
    from shared.adapters.firestore_store import FirestoreStore

    store = FirestoreStore.connect(project, "(default)", timeout=60)
    return store.database.client, FirestoreStatistics(store.database)


def _docs_of(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    """The documents the import writes, built before the floor's clock starts."""
    from shared.adapters.firestore_statistics import IMPORTED

    now = datetime.now(UTC)
    docs = []
    for n, line in enumerate(raw.splitlines()):
        data = json.loads(line)
        category = data["category"] if data["kind"] == "service" else data["kind"]
        record = StatRecord(id=uuid.uuid4().hex, category=category,
                            day=date.fromisoformat(data["date"]), source="import",
                            recorded_at=now, recorded_by="bench",
                            subcategory=data.get("subcategory"), outcome=data.get("outcome"),
                            codes={"participants": data["participants"]}
                            if "participants" in data else {}, import_id="floor", line=n)
        docs.append((IMPORTED, record_doc(record)))
    return docs


def raw_batches(client: Any, docs: list[tuple[str, dict[str, Any]]]) -> None:
    for start in range(0, len(docs), 500):
        batch = client.batch()
        for collection, doc in docs[start:start + 500]:
            batch.set(client.collection(collection).document(doc["id"]), doc)
        batch.commit()


@dataclass
class ImportResult:
    records: int
    rounds: int
    import_rps: float  # median
    floor_rps: float  # median
    ratios: list[float]  # ours / floor of each round, each pair run back to back

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


def measure_import(records: int = 20_000, rounds: int = 4) -> ImportResult:
    """``rounds`` pairs, each in fresh projects; which goes first alternates, so an emulator
    that slows as it fills hits both alike."""
    raw = dataset(records, seed=1)
    docs = _docs_of(raw)
    ours, floor = [], []
    for round_ in range(rounds):
        for which in (("ours", "floor") if round_ % 2 == 0 else ("floor", "ours")):
            client, stats = _firestore(f"bench-import-{uuid.uuid4().hex[:8]}")
            started = time.perf_counter()
            if which == "ours":
                written = run_import(raw, stats)
                ours.append(written / (time.perf_counter() - started))
            else:
                raw_batches(client, docs)
                floor.append(len(docs) / (time.perf_counter() - started))
            client.close()
    return ImportResult(records, rounds, statistics.median(ours), statistics.median(floor),
                        [o / f for o, f in zip(ours, floor, strict=True)])


@dataclass
class ReportResult:
    backend: str
    records: int
    report_s: float  # median of the runs
    stream_s: float
    queries: int

    @property
    def ratio(self) -> float:
        return self.stream_s / self.report_s


def _timed(call: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _stream_firestore(client: Any) -> int:
    from shared.adapters.firestore_statistics import IMPORTED

    return sum(1 for snapshot in client.collection(IMPORTED).stream() if snapshot.to_dict())


def measure_report(records: int = 100_000, runs: int = 3) -> list[ReportResult]:
    from shared.domain.annual_report import report_queries

    raw = dataset(records, seed=2)
    results = []
    with tempfile.TemporaryDirectory() as work:
        from shared.adapters.sqlite_statistics import SqliteStatistics
        from shared.adapters.sqlite_store import SqliteStore

        sqlite = SqliteStore.open(Path(work) / "intake.sqlite3")
        stats: StatisticsStore = SqliteStatistics(sqlite.database)
        run_import(raw, stats)

        def stream_sqlite() -> int:
            with sqlite.database.connection() as db:
                return sum(1 for (doc,) in db.execute("SELECT doc FROM stat_records")
                           if json.loads(doc))

        report_s = _timed(lambda: annual_report(REPORT_YEAR, store=stats), runs)
        stream_s = _timed(stream_sqlite, runs)
        results.append(ReportResult("embedded (SQLite)", stream_sqlite(), report_s, stream_s,
                                    len(report_queries(REPORT_YEAR))))
    if os.environ.get("FIRESTORE_EMULATOR_HOST"):
        client, stats = _firestore(f"bench-report-{uuid.uuid4().hex[:8]}")
        run_import(raw, stats)
        report_s = _timed(lambda: annual_report(REPORT_YEAR, store=stats), runs)
        seen: list[int] = []
        stream_s = _timed(lambda: seen.append(_stream_firestore(client)), 1)
        results.append(ReportResult("gcp (Firestore emulator)", seen[0], report_s, stream_s,
                                    len(report_queries(REPORT_YEAR))))
        # The same, once every live source has data in every year: no gate stays shut.
        live = add_live_data(stats)
        report_s = _timed(lambda: annual_report(REPORT_YEAR, store=stats), runs)
        results.append(ReportResult(f"gcp, plus {live:,} live records (every source, year)",
                                    seen[0], report_s, stream_s,
                                    len(report_queries(REPORT_YEAR))))
        client.close()
    return results


def add_live_data(stats: StatisticsStore) -> int:
    """Logged services (advice with its sub-category among them), submissions and cases in
    every year of the report: every source has data, so every number of the report is a
    count() on the emulator, and the report reads the histories of the retaliation cases."""
    from shared.adapters.firestore_statistics import FirestoreStatistics
    from shared.domain.records import Case, CaseEvent, PendingTask, Submission
    from shared.domain.statistics import LOGGED
    from shared.domain.taxonomy import OTHER_SERVICE_CATEGORIES

    assert isinstance(stats, FirestoreStatistics)
    from shared.adapters.firestore_store import FirestoreStore

    intake = FirestoreStore(stats.database)
    written = 0
    logged = [(c, None) for c in OTHER_SERVICE_CATEGORIES * 3] + [
        ("advice", leaf) for leaf in LEAVES] + [("misconduct", None)]
    forms = [("advice", leaf, "received") for leaf in LEAVES] + [
        ("misconduct", None, "received")] * 3 + [
        ("retaliation", None, state) for state in ("received", "suspended", "no_prima_facie")]
    for year in range(2020, 2025):
        for n, (category, leaf) in enumerate(logged):
            codes: dict[str, Any] = {"participants": 9} if category == "training" else {}
            if category == "advice":
                codes["requester_type"] = "group" if n % 2 else "individual"
            stats.add_logged_service(StatRecord(
                id=uuid.uuid4().hex, category=category, day=date(year, 1 + n % 12, 10),
                source=LOGGED, recorded_at=datetime.now(UTC), recorded_by="bench",
                subcategory=leaf, codes=codes), "bench")
            written += 1
        for n, (form, leaf, state) in enumerate(forms):
            at = datetime(year, 1 + n % 12, 15, tzinfo=UTC)
            sid, ref = uuid.uuid4().hex, f"ETH-BEN-{uuid.uuid4().hex[:5]}-{year}"
            clear: dict[str, Any] = {"subcategory": leaf} if leaf else {}
            clear |= {"duty_station": "country_office", "anonymous": n % 2 == 0}
            intake.create_submission(
                Submission(sid, form, ref, at, clear, {"v": 1}, False, "ab" * 32),
                Case(ref, sid, form, state, at, at, 1),
                CaseEvent(1, at, "received", "bench", None, state),
                PendingTask("triage", sid, ref, at, at))
            written += 1
    return written


@dataclass
class Results:
    imports: ImportResult | None
    reports: list[ReportResult]


def measure() -> Results:
    emulator = bool(os.environ.get("FIRESTORE_EMULATOR_HOST"))
    return Results(measure_import() if emulator else None, measure_report())


def section(results: Results) -> str:
    lines = ["", "## Annual report: import throughput and counting at scale", ""]
    if results.imports is not None:
        r = results.imports
        lines += [
            f"Import: {r.records:,} generated lines (the proportions of the 2024 report) "
            "through the path of `intake import` (every line validated, then the resumable "
            "import: chunks of 499 records plus a marker per Firestore batch) into the "
            "Firestore emulator, against the *floor*: the same documents written raw into "
            "the same collections, 500 per batch, built before its clock starts. Each in a "
            f"fresh project, {r.rounds} pairs run back to back, which goes first alternating; "
            "records/s are medians, the ratio is the median of the pairs' ratios (each pair: "
            + ", ".join(f"{x:.2f}" for x in r.ratios) + "). Target: at least "
            f"{IMPORT_TARGET:.0%} of the floor.", "",
            "| Path | Records/s | Ratio to floor |", "|---|---:|---:|",
            f"| floor: raw 500-document batches | {r.floor_rps:,.0f} | 1.00 |",
            f"| `intake import` | {r.import_rps:,.0f} | {r.ratio:.2f} |", ""]
    first = results.reports[0]
    lines += [
        f"Report: the service of `intake report --year {REPORT_YEAR}` ({first.queries} "
        "counts, and the histories of the year's retaliation cases) over "
        f"{first.records:,} imported records, against *streaming* every record once (what "
        "counting without aggregates costs). On SQLite each count is one `COUNT(*)` or "
        "`SUM`; on Firestore the imported records are counted from the tallies written with "
        "each chunk (one document per 499 records) and the live sources (service log, "
        "submissions, cases) with `count()` and `sum()`, one gate per source first "
        "(docs/reporting.md says why). Median of 3 reports; the stream once on the "
        f"emulator. Target: the report at least {REPORT_TARGET:.0f}x faster than "
        "streaming.", "",
        "| Backend | Records | Report (s) | Stream (s) | Stream / report |",
        "|---|---:|---:|---:|---:|"]
    lines += [f"| {rep.backend} | {rep.records:,} | {rep.report_s:.3f} | {rep.stream_s:.2f} | "
              f"{rep.ratio:.1f}x |" for rep in results.reports]
    lines += ["", "Verdict:", ""]
    if results.imports is not None:
        ok = results.imports.ratio >= IMPORT_TARGET
        lines.append(f"- Import throughput: {results.imports.ratio:.2f} of the floor; target >= "
                     f"{IMPORT_TARGET:.2f}: {'met' if ok else 'MISSED'}.")
    for rep in results.reports:
        met = "met" if rep.ratio >= REPORT_TARGET else "MISSED"
        lines.append(f"- Report, {rep.backend}: {rep.ratio:.1f}x faster than streaming; "
                     f"target >= {REPORT_TARGET:.0f}x: {met}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(section(measure()))
