"""End to end: retaliation complaints submitted through the form and handled by an officer
through the case API, whose histories cross the year boundary. The report counts each
year's figures from the history as of 31 December, so later transitions never change
them; on SQLite and on the Firestore emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from tests.support import payloads
from tests.support.harness import Harness, function_app
from tests.support.report_data import AS_OFFICER, backend_harness, intake


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def submit(h: Harness, when: str) -> str:
    """A retaliation complaint received at ``when`` (its acts a few weeks before), triaged
    at once."""
    h.clock.current = at(when)
    body = payloads.payload("retaliation")
    body["protected_activity"]["date"] = (h.clock.current - timedelta(days=60)).date()\
        .isoformat()
    for act in body["retaliatory_acts"]:
        act["date"] = (h.clock.current - timedelta(days=30)).date().isoformat()
    response = h.submit("submit_retaliation", body)
    assert response.status_code == 201, response.get_json()
    h.drain()
    return str(response.get_json()["reference"])


def officer(h: Harness, when: str, reference: str, action: str, body: dict[str, Any]) -> None:
    """An officer's call to the case API at ``when``."""
    h.clock.current = at(when)
    with bootstrap.using(h.container):
        response = function_app("cases").test_client().post(
            f"/{reference}/{action}", data=json.dumps(body), content_type="application/json",
            headers=AS_OFFICER)
    assert response.status_code in (200, 201), response.get_json()


def walk(h: Harness, reference: str, *steps: tuple[str, str]) -> None:
    for when, name in steps:
        officer(h, when, reference, "transitions", {"name": name})


# The management indicators (handling times of the year's cases: test_case_export.py and
# the contract tests) are left out here: this test's clock goes back and forth, so a report
# is made on a day before events it has already recorded, which a real clock never allows,
# and the indicators are taken as of the day a report is made while its year runs.
def report(h: Harness, year: int) -> dict[str, Any]:
    result = intake(h.container, "report", "--year", str(year))
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    answer.pop("management_indicators")
    return answer


def documents(h: Harness, year: int) -> list[str]:
    """The report of ``year`` in every format but JSON (up to the management indicators)."""
    csv_lines, md, html = (
        intake(h.container, "report", "--year", str(year), "--format", f).stdout
        for f in ("csv", "md", "html"))
    return ["".join(line for line in csv_lines.splitlines(keepends=True)
                    if not line.startswith("management_indicators.")),
            md.split("## Handling times")[0], html.split("<h2>Handling times")[0]]


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_each_year_is_counted_from_the_history_as_of_its_end(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    h = backend_harness(backend, tmp_path, request)
    # 2023: not prima facie in December; the Ethics Panel chair's review comes in 2024.
    returned = submit(h, "2023-11-06T10:00")
    walk(h, returned, ("2023-11-07T10:00", "start_preliminary_review"),
         ("2023-12-01T10:00", "find_no_prima_facie"))
    as_of_2023 = report(h, 2023)
    # 2024: received in December, prima facie before the year ends, with a protective
    # measure; investigated and retaliation established in 2025.
    established = submit(h, "2024-12-02T10:00")
    walk(h, established, ("2024-12-03T10:00", "start_preliminary_review"),
         ("2024-12-20T10:00", "establish_prima_facie"))
    officer(h, "2024-12-23T10:00", established, "measures",
            {"kind": "temporary_reassignment", "recommended_on": "2024-12-23"})
    # 2024: found on the last instant of the year; and one received then, never reviewed.
    last_instant = submit(h, "2024-06-03T10:00")
    walk(h, last_instant, ("2024-06-04T10:00", "start_preliminary_review"),
         ("2024-12-31T23:59:59.999999", "find_no_prima_facie"))
    submit(h, "2024-12-31T23:59:59.999999")

    # The 2024 transitions of the 2023 case.
    walk(h, returned, ("2024-01-03T10:00", "request_panel_review"),
         ("2024-02-01T10:00", "record_panel_returned"),
         ("2024-02-05T10:00", "resume_preliminary_review"))
    first_2023, first_2024 = report(h, 2023), report(h, 2024)
    first_documents = documents(h, 2024)

    # reviewing a 2023 case in 2024 leaves 2023's figures as they were
    assert first_2023 == as_of_2023
    assert first_2023["retaliation"]["preliminary_review"]["no_prima_facie"] == 1
    retaliation = first_2024["retaliation"]
    assert retaliation["requests"] == first_2024["table_1"]["categories"]["retaliation"][
        "2024"] == 3
    assert retaliation["preliminary_review"] == {
        "prima_facie_established": 1, "no_prima_facie": 1, "under_review": 1,
        "suspended": 0, "closed_referred_misconduct": 0}
    assert retaliation["ethics_panel_reviews"] == {"requested": 1, "upheld": 0,
                                                   "returned": 1}
    assert retaliation["protective_measures"] == {"prima_facie_cases": 1,
                                                  "with_recommendation": 1}
    assert retaliation["independent_reviews"] == {"retaliation_established": 0,
                                                  "not_substantiated": 0}
    assert retaliation["duty_stations"]["headquarters"] == 3  # the payload's

    # 2025: the 2024 case is investigated and retaliation established; the 2023 one is
    # found prima facie on reconsideration; the last instant's is suspended.
    walk(h, established, ("2025-01-06T10:00", "refer_for_investigation"),
         ("2025-03-03T10:00", "receive_investigation_report"),
         ("2025-03-04T10:00", "start_independent_review"),
         ("2025-05-02T10:00", "establish_retaliation"), ("2025-05-09T10:00", "close"))
    walk(h, returned, ("2025-01-07T10:00", "establish_prima_facie"))
    walk(h, last_instant, ("2025-01-01T00:00", "request_panel_review"))

    assert report(h, 2023) == first_2023
    assert report(h, 2024) == first_2024
    assert documents(h, 2024) == first_documents
    in_2025 = report(h, 2025)["retaliation"]
    assert in_2025["requests"] == 0
    assert in_2025["independent_reviews"] == {"retaliation_established": 1,
                                              "not_substantiated": 0}
    assert in_2025["ethics_panel_reviews"] == {"requested": 1, "upheld": 0, "returned": 0}
