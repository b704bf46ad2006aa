"""The handling-time figures and the case export at scale: each reads every case of the
year with its history (``StatisticsStore.case_facts``: only the fields a timeline needs,
page by page), against a floor measured in the same run: reading those cases and their
histories whole, with nothing computed.

- Embedded (SQLite): 100,000 cases of one year (three to five history events each), the
  management indicators of `intake report` and the export of `intake cases export` (CSV
  text made, then dropped), against one query streaming every case row and event row of
  the year (the floor), and against one `COUNT(*)` of the year's cases (what a figure
  an aggregate gives costs).
- Firestore emulator, at a smaller size (the emulator's queries cost time in proportion
  to the whole project): the same, against streaming the year's cases and every history
  event (one collection-group query).

Run alone: python -m tools.bench.handling [cases] (with FIRESTORE_EMULATOR_HOST for the
emulator; cases 100,000 by default, 2,000 on the emulator).
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.adapters.documents import case_doc, event_doc, event_id
from shared.domain.records import Case, CaseEvent, Triage
from shared.ports.statistics import StatisticsStore
from shared.reports.case_export import csv_chunks
from shared.services.handling_times import exported_cases, management_indicators

YEAR = 2024
NOW = datetime(2025, 3, 1, tzinfo=UTC)
EMBEDDED_CASES = 100_000
EMULATOR_CASES = 2_000
TARGET = 3.0  # at most this many times the floor

# (form, the states a case walks through, with the deadlines each step ends)
PATHS: list[tuple[str, list[tuple[str, tuple[str, ...]]]]] = [
    ("advice", [("assigned", ()), ("answered", ("advice_answer_due", "feedback_due")),
                ("closed", ())]),
    ("advice", [("assigned", ()), ("answered", ("advice_answer_due", "feedback_due")),
                ("closed", ()), ("assigned", ())]),
    ("misconduct", [("forwarded", ()), ("acknowledged", ("feedback_due",))]),
    ("retaliation", [("preliminary_review", ()),
                     ("no_prima_facie", ("preliminary_review_due", "feedback_due"))]),
    ("retaliation", [("preliminary_review", ()), ("suspended",
                                                   ("preliminary_review_due",
                                                    "feedback_due")), ("reopened", ())]),
]
DEADLINES = {"advice": ("advice_answer_due", "feedback_due"), "misconduct": ("feedback_due",),
             "retaliation": ("preliminary_review_due", "feedback_due")}


def cases(n: int, seed: int) -> Iterator[tuple[Case, list[CaseEvent]]]:
    """``n`` cases received in YEAR, each with its history, as the workflows record them."""
    rng = random.Random(seed)  # noqa: S311 (benchmark data, not a secret)
    start = datetime(YEAR, 1, 1, tzinfo=UTC)
    for i in range(n):
        form, path = rng.choice(PATHS)
        received = start + timedelta(seconds=rng.randrange(365 * 86_400))
        deadlines = {k: received + timedelta(days=rng.choice((10, 30, 90)))
                     for k in DEADLINES[form]}
        at, state = received, "received"
        events = [CaseEvent(1, at, "received", "system:intake", None, "received",
                            {"form": form, "acknowledged_at": at.isoformat(),
                             "proof_key": "bench"})]
        for seq, (target, ended) in enumerate(path, start=2):
            at += timedelta(hours=rng.randrange(1, 24 * 40))
            details: dict[str, Any] = {"transition": "bench"}
            if ended:
                details["deadlines_ended"] = list(ended)
            events.append(CaseEvent(seq, at, "transition", "officer:bench@example.org",
                                    state, target, details))
            state = target
        ref = f"ETH-{form[:3].upper()}-{i:05d}-{uuid.uuid4().hex[:5].upper()}"
        triage = Triage("normal", "ethics", form, received, deadlines)
        yield (Case(ref, uuid.uuid4().hex, form, state, received, at, len(events),
                    triage=triage, deadlines={}, channel="web"), events)


def _timed(call: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _indicators(stats: StatisticsStore) -> None:
    management_indicators(YEAR, store=stats, now=NOW)


def _export(stats: StatisticsStore) -> int:
    return sum(len(chunk) for chunk in csv_chunks(exported_cases(YEAR, store=stats,
                                                                  now=NOW)))


@dataclass
class Result:
    backend: str
    cases: int
    events: int
    indicators_s: float
    export_s: float
    export_bytes: int
    floor_s: float
    count_s: float | None

    @property
    def indicators_ratio(self) -> float:
        return self.indicators_s / self.floor_s

    @property
    def export_ratio(self) -> float:
        return self.export_s / self.floor_s


def measure_embedded(n: int = EMBEDDED_CASES, runs: int = 3) -> Result:
    from shared.adapters.sqlite_database import dump_doc, sortable
    from shared.adapters.sqlite_statistics import SqliteStatistics
    from shared.adapters.sqlite_store import SqliteStore

    with tempfile.TemporaryDirectory() as work:
        store = SqliteStore.open(Path(work) / "intake.sqlite3")
        stats = SqliteStatistics(store.database)
        events_written = 0
        with store.database.transaction() as db:
            for case, events in cases(n, seed=3):
                db.execute("INSERT INTO cases VALUES (?, ?, ?, ?, ?)",
                           (case.reference, case.form, case.state,
                            sortable(case.received_at), dump_doc(case_doc(case))))
                db.executemany("INSERT INTO case_events VALUES (?, ?, ?)",
                               [(case.reference, e.seq, dump_doc(event_doc(e)))
                                for e in events])
                events_written += len(events)
        start, end = (sortable(datetime(y, 1, 1, tzinfo=UTC)) for y in (YEAR, YEAR + 1))

        def floor() -> int:
            with store.database.connection() as db:
                return sum(1 for case, event in db.execute(
                    "SELECT c.doc, e.doc FROM cases c JOIN case_events e "
                    "ON e.reference = c.reference WHERE c.received_at >= ? "
                    "AND c.received_at < ?", (start, end)) if json.loads(event))

        def count() -> int:
            with store.database.connection() as db:
                return int(db.execute("SELECT COUNT(*) FROM cases WHERE form = ? AND "
                                      "received_at >= ? AND received_at < ?",
                                      ("advice", start, end)).fetchone()[0])

        _indicators(stats)  # warm the page cache alike for all
        floor_s = _timed(floor, runs)
        indicators_s = _timed(lambda: _indicators(stats), runs)
        sizes: list[int] = []
        export_s = _timed(lambda: sizes.append(_export(stats)), runs)
        count_s = _timed(count, runs)
        return Result("embedded (SQLite)", n, events_written, indicators_s, export_s,
                      sizes[0], floor_s, count_s)


def measure_emulator(n: int = EMULATOR_CASES, runs: int = 1) -> Result:
    from shared.adapters.firestore_statistics import FirestoreStatistics
    from shared.adapters.firestore_store import FirestoreStore

    store = FirestoreStore.connect(f"bench-handling-{uuid.uuid4().hex[:8]}", "(default)",
                                   timeout=120)
    client: Any = store.database.client
    stats = FirestoreStatistics(store.database)
    batch, pending, events_written = client.batch(), 0, 0
    for case, events in cases(n, seed=4):
        ref = client.collection("cases").document(case.reference)
        batch.set(ref, case_doc(case))
        for e in events:
            batch.set(ref.collection("events").document(event_id(e.seq)), event_doc(e))
        pending += 1 + len(events)
        events_written += len(events)
        if pending >= 400:
            batch.commit()
            batch, pending = client.batch(), 0
    if pending:
        batch.commit()

    def floor() -> int:
        seen = sum(1 for s in client.collection("cases").stream() if s.to_dict())
        return seen + sum(1 for s in client.collection_group("events").stream()
                          if s.to_dict())

    floor_s = _timed(floor, runs)
    indicators_s = _timed(lambda: _indicators(stats), runs)
    sizes: list[int] = []
    export_s = _timed(lambda: sizes.append(_export(stats)), runs)
    client.close()
    return Result("gcp (Firestore emulator)", n, events_written, indicators_s, export_s,
                  sizes[0], floor_s, None)


def measure(embedded: int = EMBEDDED_CASES) -> list[Result]:
    results = [measure_embedded(embedded)]
    if os.environ.get("FIRESTORE_EMULATOR_HOST"):
        results.append(measure_emulator())
    return results


def section(results: list[Result]) -> str:
    lines = [
        "", "## Handling times and the case export", "",
        f"The management indicators of `intake report --year {YEAR}` (handling times, "
        "clocks met, reopened cases) and the export of `intake cases export` (CSV made, "
        "then dropped) over the cases received in the year, three to five history events "
        "each (generated: the forms' workflows, clocks ended or not). Both read each case's "
        "dates (`case_facts`: only the fields a timeline needs, 500 cases a page; "
        "docs/reporting.md says why no aggregate gives them), against the *floor*: reading "
        "the same cases and their histories whole, with nothing computed (SQLite: one query "
        "joining the year's case rows to their event rows, each event's document "
        "decoded; Firestore: streaming the cases and every history event, one "
        "collection-group query). Median of 3 runs on SQLite, "
        f"1 on the emulator. Target: at most {TARGET:.0f}x the floor.", "",
        "| Backend | Cases | Events | Floor (s) | Indicators (s) | Ratio | Export (s) "
        "| Ratio | CSV (MB) | One `COUNT(*)` (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        count = "" if r.count_s is None else f"{r.count_s:.4f}"
        lines.append(
            f"| {r.backend} | {r.cases:,} | {r.events:,} | {r.floor_s:.2f} | "
            f"{r.indicators_s:.2f} | {r.indicators_ratio:.2f}x | {r.export_s:.2f} | "
            f"{r.export_ratio:.2f}x | {r.export_bytes / 1e6:.1f} | {count} |")
    lines += ["", "Verdict:", ""]
    for r in results:
        for what, ratio in (("indicators", r.indicators_ratio), ("export", r.export_ratio)):
            met = "met" if ratio <= TARGET else "MISSED"
            lines.append(f"- {what.capitalize()}, {r.backend}, {r.cases:,} cases: "
                         f"{ratio:.2f}x the floor; target <= {TARGET:.0f}x: {met}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else EMBEDDED_CASES
    sys.stdout.write(section(measure(size)))
