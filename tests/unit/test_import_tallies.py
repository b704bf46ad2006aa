"""The imported records' tallies: what a chunk's marker records, and the counts the report
reads from the markers added up, against counts made by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.adapters.import_tallies import Tallies, chunk_tally
from shared.domain.statistics import RecordCount, RecordSum, StatRecord

AT = datetime(2025, 1, 1, tzinfo=UTC)


def record(n: int, category: str, day: date, **fields: object) -> StatRecord:
    return StatRecord(f"r{n}", category, day, "import", AT, "cli", **fields)  # type: ignore[arg-type]


def test_the_markers_added_up_answer_the_report_s_counts() -> None:
    first = [record(1, "advice", date(2024, 3, 1), subcategory="other",
                    codes={"anonymous": True}),
             record(2, "advice", date(2024, 4, 1), subcategory="coi_investments",
                    codes={"anonymous": False}),
             record(3, "training", date(2024, 5, 1), codes={"participants": 12})]
    second = [record(4, "advice", date(2023, 3, 1), subcategory="other"),
              record(5, "training", date(2024, 6, 1), codes={"participants": 30}),
              record(6, "retaliation", date(2024, 7, 1), outcome="suspended",
                     codes={"duty_station": "headquarters"})]
    tallies = Tallies()
    for chunk in (first, second):
        tallies.add(chunk_tally(chunk))
    assert tallies.answer(RecordCount(2024, "advice")) == 2
    assert tallies.answer(RecordCount(2024, "advice", subcategory="other")) == 1
    assert tallies.answer(RecordCount(2023, "advice")) == 1
    assert tallies.answer(RecordCount(2024, "advice", where=("anonymous", True))) == 1
    assert tallies.answer(RecordCount(2024, "advice", where=("anonymous", False))) == 1
    assert tallies.answer(RecordCount(2024, "training")) == 2
    assert tallies.answer(RecordSum(2024, "training", "participants")) == 42
    assert tallies.answer(RecordCount(2024, "retaliation", outcome="suspended")) == 1
    assert tallies.answer(RecordCount(
        2024, "retaliation", where=("duty_station", "headquarters"))) == 1
    assert tallies.answer(RecordCount(2022, "advice")) == 0
    assert tallies.answer(RecordSum(2023, "training", "participants")) == 0


def test_a_marker_without_tallies_counts_nothing() -> None:
    tallies = Tallies()
    tallies.add({"import_id": "x", "chunk": 0})
    assert tallies.answer(RecordCount(2024, "advice")) == 0
