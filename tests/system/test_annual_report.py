"""Acceptance: a data set with known counts, imported, logged and submitted through the
forms, gives every number of every table, in every format, on SQLite and on the Firestore
emulator."""

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
        want.submissions[form, "web", at.year] += 1
        if leaf:
            want.leaves[leaf, at.year] += 1
        if body.get("anonymous"):
            want.anonymous[form, at.year] += 1
        if body.get("requester_type") == "group":
            want.group_advice[at.year] += 1
        if form == "retaliation":
            want.determinations["under_review", at.year] += 1  # no determination yet
            want.stations[body["employment"]["duty_station"], at.year] += 1
        h.clock.current = at + timedelta(minutes=1)
        h.drain()  # triage, then forwarding: the referral is accepted a minute later
        if form == "misconduct":
            want.referrals[h.clock.current.year] += 1
            case = h.store.get_case(response.get_json()["reference"])
            assert case is not None and case.forwarding is not None
            assert case.forwarding.forwarded_at == h.clock.current
    return want


def log_services(h: Harness) -> Expected:
    """Services an officer logs: advice given on a mission, an allegation the office was
    only copied on (counted, never forwarded), a training, a media inquiry."""
    want = Expected()
    entries: list[dict[str, Any]] = [
        {"category": "media_inquiry", "date": "2025-07-07"},
        {"category": "advice", "subcategory": "retaliation_advice", "date": "2025-04-09",
         "requester_type": "group", "duty_station": "country_office"},
        {"category": "advice", "subcategory": "coi_investments", "date": "2024-11-30"},
        {"category": "misconduct", "copied_only": True, "date": "2025-02-03",
         "allegation_type": "sexual_harassment"},
        {"category": "training", "participants": 41, "date": "2025-10-10"},
    ]
    tasks_before = len(h.queue.tasks)
    for entry in entries:
        response = h.post("log_service", entry, headers=AS_OFFICER)
        assert response.status_code == 201, response.get_json()
        year = int(entry["date"][:4])
        want.table_1[entry["category"], year] += 1
        if "subcategory" in entry:
            want.leaves[entry["subcategory"], year] += 1
        want.group_advice[year] += entry.get("requester_type") == "group"
        want.participants[year] += entry.get("participants", 0)
    assert len(h.queue.tasks) == tasks_before  # nothing to triage, nothing forwarded
    return want


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_every_number_of_every_table_from_known_counts(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    h = backend_harness(backend, tmp_path, request)
    lines, want = known_dataset(seed=7, years=range(2019, YEAR + 1))
    want.add(submit_forms(h))
    h.clock.current = IMPORT_TODAY
    want.add(log_services(h))

    result = intake(h.container, "import", str(write_lines(tmp_path / "known.jsonl", lines)))
    assert result.exit_code == 0, result.output
    assert f"imported {len(lines)} records" in result.output

    expected = expected_json(want, YEAR)
    report = json.loads(intake(h.container, "report", "--year", str(YEAR)).stdout)
    # The management indicators of the year's cases (their figures: test_case_export.py
    # and the contract tests): a case of each form the forms received in the year.
    indicators = report.pop("management_indicators")
    assert {form: f["cases"] for form, f in indicators["forms"].items()} == {
        "advice": 2, "misconduct": 2, "retaliation": 1}
    # As of the end of the year: the report received on 31 December is referred in 2026.
    referral = indicators["forms"]["misconduct"]["days_to"]["referral"]
    assert (referral["reached"], referral["pending"]) == (1, 1)
    assert report == expected
    assert list(report["figure_2"]["subcategories"]) == list(  # dict equality ignores order
        expected["figure_2"]["subcategories"])
    assert [list(t) for t in (report["table_1"]["categories"], report["table_2"])] == [
        list(t) for t in (expected["table_1"]["categories"], expected["table_2"])]
    assert sum(report["retaliation"]["preliminary_review"].values()) == \
        report["table_1"]["categories"]["retaliation"][str(YEAR)]

    rows = list(csv.reader(io.StringIO(
        intake(h.container, "report", "--year", str(YEAR), "--format", "csv").stdout)))
    assert rows[0] == ["section", "code", "year", "measure", "value"]
    numbers = {tuple(r[:4]): r[4] for r in rows[1:]}
    assert len(numbers) == len(rows) - 1
    assert numbers[("management_indicators.retaliation", "cases", str(YEAR), "count")] == "1"
    numbers = {k: v for k, v in numbers.items()
               if not k[0].startswith("management_indicators.")}
    assert_csv_matches(numbers, expected)

    tables = expected_tables(expected)
    md = intake(h.container, "report", "--year", str(YEAR), "--format", "md").stdout
    made = markdown_tables(md)
    assert set(INDICATOR_TABLES) <= set(made)
    assert strip_indicators(made) | {"Notes": []} == tables | {"Notes": []}
    page = intake(h.container, "report", "--year", str(YEAR), "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>")
    assert strip_indicators(html_tables(page)) == tables


INDICATOR_TABLES = ("Handling times", "Clocks met", "Reopened cases")


def strip_indicators(tables: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tables.items() if k not in INDICATOR_TABLES}


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
    r = expected["retaliation"]
    want[("retaliation", "requests", str(YEAR), "count")] = r["requests"]
    want[("retaliation", "outside_headquarters", str(YEAR), "count")] = \
        r["outside_headquarters"]
    for key in ("duty_stations", "preliminary_review", "suspension_reasons",
                "ethics_panel_reviews", "protective_measures", "independent_reviews"):
        want |= {(f"retaliation.{key}", code, str(YEAR), "count"): n
                 for code, n in r[key].items()}
    want[("misconduct_referrals", "misconduct", str(YEAR), "count")] = \
        expected["misconduct_referrals"]["count"]
    want[("retaliation_referrals", "retaliation", str(YEAR), "count")] = \
        expected["retaliation_referrals"]["count"]
    b = expected["breakdowns"]
    want[("breakdowns", "advice_group_requests", str(YEAR), "count")] = \
        b["advice_group_requests"]
    want |= {("breakdowns.anonymous_requests", form, str(YEAR), "count"): n
             for form, n in b["anonymous_requests"].items()}
    want[("breakdowns", "training_participants", str(YEAR), "count")] = \
        b["training_participants"]
    for form, channels in expected["submissions_by_channel"]["forms"].items():
        want |= {(f"submissions_by_channel.{form}", channel, str(YEAR), "count"): n
                 for channel, n in channels.items()}
    for y, f in expected["table_2"].items():
        if f is not None:
            want |= {("table_2", "disclosure", y, m): f[m]
                     for m in ("filers", "compliant", "compliance")}
    assert numbers == {k: "" if v is None else str(v) for k, v in want.items()}
