"""Benchmark (not a test): importing HR's roster of the disclosure programme, 20,000
generated filers through the path of `intake filers import` into the Firestore emulator,
as a ratio to the floor (the same filer documents written raw, 500 per batch), as the
import of `intake import` is measured (tools/bench/reporting.py)."""

from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.adapters.disclosure_documents import filer_doc
from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.cli.disclosure import read_roster
from shared.domain.disclosure import REASONS, ROSTER_FIELDS, ProgrammeSettings, parse_filer
from shared.domain.officers import ETHICS_ADMIN, Officer
from shared.domain.records import Task
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY
from shared.domain.taxonomy import DUTY_STATIONS, STAFF_CATEGORIES
from shared.ports.clock import Clock
from shared.ports.tasks import TaskQueue
from shared.services.disclosure import Caller, Programme, import_roster

TARGET = 0.7


class _Clock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class _NoQueue(TaskQueue):
    """A roster import queues nothing."""

    def enqueue(self, task: Task) -> None:
        raise AssertionError(f"unexpected task {task.name}")
GRADES = ("USG", "ASG", "D-2", "D-1", "P-5", "P-4", "P-3", "NO-D", "G-7")


def roster_csv(n: int, seed: int) -> bytes:
    rng = random.Random(seed)  # noqa: S311 (generated data, not secrets)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ROSTER_FIELDS))
    writer.writeheader()
    for i in range(n):
        writer.writerow({
            "staff_id": f"S{i:07d}", "name": f"Filer {i}", "email": f"filer{i}@example.org",
            "grade": rng.choice(GRADES), "staff_category": rng.choice(list(STAFF_CATEGORIES)),
            "duty_station": rng.choice(list(DUTY_STATIONS)), "office": f"Office {i % 90}",
            "reason": rng.choice([r for r in REASONS if r != "nominated"]),
            "unit": f"unit-{i % 120}", "appointed_on": ""})
    return out.getvalue().encode()


def _programme(project: str, keys: Path) -> tuple[Any, Programme]:
    from shared.adapters.firestore_database import FirestoreDatabase
    from shared.adapters.firestore_disclosure import FirestoreDisclosureStore

    database = FirestoreDatabase.connect(project, "(default)", timeout=60)
    key = LocalKeyService.from_file(keys, create=True)
    return database.client, Programme(
        store=FirestoreDisclosureStore(database),
        cipher=EnvelopeCipher({CASES_KEY: key, MESSAGES_KEY: key}),
        clock=_Clock(), queue=_NoQueue(),
        settings=ProgrammeSettings(), officers={}, filer_url="http://127.0.0.1/disclosure")


def raw_batches(client: Any, docs: list[dict[str, Any]]) -> None:
    from shared.adapters.firestore_disclosure import FILERS

    for start in range(0, len(docs), 500):
        batch = client.batch()
        for doc in docs[start:start + 500]:
            batch.set(client.collection(FILERS).document(doc["staff_id"]), doc)
        batch.commit()


@dataclass
class RosterResult:
    filers: int
    rounds: int
    import_fps: float
    floor_fps: float
    ratios: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


def measure(filers: int = 20_000, rounds: int = 4) -> RosterResult:
    raw = roster_csv(filers, seed=7)
    now = datetime.now(UTC)
    docs = [filer_doc(parse_filer(line, at=now)) for line in read_roster(raw, "bench")]
    operator = Caller("bench", Officer("bench", "bench", frozenset({ETHICS_ADMIN})))
    ours, floor = [], []
    with tempfile.TemporaryDirectory() as work:
        keys = Path(work) / "keys" / "local.kek"
        for round_ in range(rounds):
            for which in (("ours", "floor") if round_ % 2 == 0 else ("floor", "ours")):
                client, programme = _programme(f"bench-roster-{uuid.uuid4().hex[:8]}", keys)
                started = time.perf_counter()
                if which == "ours":
                    outcome = import_roster(programme, operator, read_roster(raw, "bench"))
                    assert outcome.joined == filers
                    ours.append(filers / (time.perf_counter() - started))
                else:
                    raw_batches(client, docs)
                    floor.append(len(docs) / (time.perf_counter() - started))
                client.close()
    return RosterResult(filers, rounds, statistics.median(ours), statistics.median(floor),
                        [o / f for o, f in zip(ours, floor, strict=True)])


def section(r: RosterResult) -> str:
    met = "met" if r.ratio >= TARGET else "MISSED"
    return "\n".join([
        "", "## Disclosure programme: roster import", "",
        f"`intake filers import`: a CSV roster of {r.filers:,} generated filers (grades, staff "
        "categories, duty stations, reasons and units drawn at random) read, every line "
        "validated, diffed against the stored roster and written (500 filers per Firestore "
        "batch) into the Firestore emulator, against the *floor*: the same filer documents, "
        "built before its clock starts, written raw into the same collection, 500 per batch. "
        f"Each in a fresh project, {r.rounds} pairs run back to back, which goes first "
        "alternating; filers/s are medians, the ratio is the median of the pairs' ratios "
        "(each pair: " + ", ".join(f"{x:.2f}" for x in r.ratios) + "). Target: at least "
        f"{TARGET:.0%} of the floor.", "",
        "| Path | Filers/s | Ratio to floor |", "|---|---:|---:|",
        f"| floor: raw 500-document batches | {r.floor_fps:,.0f} | 1.00 |",
        f"| `intake filers import` | {r.import_fps:,.0f} | {r.ratio:.2f} |", "",
        f"- Roster import: {r.ratio:.2f} of the floor; target >= {TARGET:.2f}: {met}.", ""])


if __name__ == "__main__":
    sys.stdout.write(section(measure()))
