"""Acceptance: a data set with known counts, imported and submitted through the forms,
gives every number of every table, in every format, on SQLite and on the Firestore emulator."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support import payloads
from tests.support.harness import Harness
from tests.support.report_data import (
    AS_OFFICER,
    Expected,
    backend_harness,
    expected_json,
    expected_tables,
    html_tables,
    intake,
    known_dataset,
    markdown_tables,
    write_lines,
)

YEAR = 2025
IMPORT_TODAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def submit_forms(h: Harness) -> Expected:
    """Submissions through the public functions, at chosen times, each triaged (and a
    misconduct report forwarded to the served receiver) a minute later; their expected
    counts."""
    want = Expected()
    plan: list[tuple[datetime, str, dict[str, Any], str | None]] = [
        (datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), "submit_advice",
         payloads.payload("advice"), "coi_outside_activities"),
        (datetime(2025, 3, 1, tzinfo=UTC), "submit_advice", payloads.ADVICE_ANONYMOUS,
         "workplace_conflict"),
        (datetime(2025, 12, 1, tzinfo=UTC), "submit_misconduct", payloads.payload("misconduct"),
         None),
        (datetime(2025, 12, 2, tzinfo=UTC), "submit_retaliation",
         payloads.payload("retaliation"), None),
        (datetime(2024, 6, 1, tzinfo=UTC), "submit_advice", payloads.ADVICE_ANONYMOUS,
         "workplace_conflict"),
        (datetime(2024, 6, 2, tzinfo=UTC), "submit_misconduct",
         payloads.MISCONDUCT_ANONYMOUS, None),
        (datetime(2026, 1, 1, tzinfo=UTC), "submit_advice", payloads.payload("advice"),
         "coi_outside_activities"),  # next year: in no table of 2025
        # received in 2025, referred in 2026: a 2025 allegation, a 2026 referral
        (datetime(2025, 12, 31, 23, 59, 30, tzinfo=UTC), "submit_misconduct",
         payloads.MISCONDUCT_ANONYMOUS, None),
    ]
    for at, function, body, leaf in plan:
        h.clock.current = at
        response = h.submit(function, body)
        assert response.status_code == 201, response.get_json()
        form = function.removeprefix("submit_")
        want.table_1[form, at.year] += 1
        if leaf:
            want.leaves[leaf, at.year] += 1
        if form == "retaliation":
            want.outcomes["under_review", at.year] += 1  # no outcome yet: under review
        h.clock.current = at + timedelta(minutes=1)
        h.drain()  # triage, then forwarding: the referral is accepted a minute later
        if form == "misconduct":
            want.referrals[h.clock.current.year] += 1
            case = h.store.get_case(response.get_json()["reference"])
            assert case is not None and case.forwarding is not None
            assert case.forwarding.forwarded_at == h.clock.current
    return want


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_every_number_of_every_table_from_known_counts(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    h = backend_harness(backend, tmp_path, request)
    lines, want = known_dataset(seed=7, years=range(2019, YEAR + 1))
    want.add(submit_forms(h))
    h.clock.current = IMPORT_TODAY
    service_log = h.post("log_service", {"category": "media_inquiry", "date": "2025-07-07"},
                         headers=AS_OFFICER)
    assert service_log.status_code == 201, service_log.get_json()
    want.table_1["media_inquiry", 2025] += 1

    result = intake(h.container, "import", str(write_lines(tmp_path / "known.jsonl", lines)))
    assert result.exit_code == 0, result.output
    assert f"imported {len(lines)} records" in result.output

    expected = expected_json(want, YEAR)
    report = json.loads(intake(h.container, "report", "--year", str(YEAR)).stdout)
    assert report == expected
    assert list(report["figure_2"]["subcategories"]) == list(  # dict equality ignores order
        expected["figure_2"]["subcategories"])
    assert [list(t) for t in (report["table_1"]["categories"], report["table_2"])] == [
        list(t) for t in (expected["table_1"]["categories"], expected["table_2"])]
    assert sum(report["retaliation_outcomes"]["outcomes"].values()) == \
        report["table_1"]["categories"]["retaliation"][str(YEAR)]

    rows = list(csv.reader(io.StringIO(
        intake(h.container, "report", "--year", str(YEAR), "--format", "csv").stdout)))
    assert rows[0] == ["section", "code", "year", "measure", "value"]
    numbers = {tuple(r[:4]): r[4] for r in rows[1:]}
    assert len(numbers) == len(rows) - 1
    assert_csv_matches(numbers, expected)

    tables = expected_tables(expected)
    md = intake(h.container, "report", "--year", str(YEAR), "--format", "md").stdout
    assert markdown_tables(md) | {"Notes": []} == tables | {"Notes": []}
    page = intake(h.container, "report", "--year", str(YEAR), "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>")
    assert html_tables(page) == tables


def assert_csv_matches(numbers: dict[tuple[str, ...], str], expected: dict[str, Any]) -> None:
    t1 = expected["table_1"]
    want: dict[tuple[str, ...], Any] = {}
    for code, row in t1["categories"].items():
        want |= {("table_1", code, y, "count"): n for y, n in row.items()}
    want |= {("table_1", "total", y, "count"): n for y, n in t1["total"].items()}
    want |= {("figure_1", "advice", y, "count"): n for y, n in expected["figure_1"].items()}
    f2 = expected["figure_2"]
    want[("figure_2", "n", str(YEAR), "count")] = f2["n"]
    for code, entry in f2["subcategories"].items():
        want[("figure_2", code, str(YEAR), "count")] = entry["count"]
        want[("figure_2", code, str(YEAR), "percent")] = entry["percent"]
    ro = expected["retaliation_outcomes"]
    want[("retaliation_outcomes", "total", str(YEAR), "count")] = ro["total"]
    want |= {("retaliation_outcomes", o, str(YEAR), "count"): n
             for o, n in ro["outcomes"].items()}
    want[("misconduct_referrals", "misconduct", str(YEAR), "count")] = \
        expected["misconduct_referrals"]["count"]
    for y, f in expected["table_2"].items():
        if f is not None:
            want |= {("table_2", "disclosure", y, m): f[m]
                     for m in ("filers", "compliant", "compliance")}
    assert numbers == {k: "" if v is None else str(v) for k, v in want.items()}
