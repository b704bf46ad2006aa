"""The year's cases exported for the office (codes, dates, states, clocks, channel; never a
name, a contact or anything a person wrote) and the management indicators, through the case
API and `intake cases export`, on both backends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from shared.domain.case_export import COLUMNS
from tests.support.case_cli import cases_cli
from tests.support.casework import COLLEAGUE, OFFICER, Office, open_office
from tests.support.payloads import SENSITIVE, payload

AUDITOR = "ada@example.org"
DIRECTORY = {OFFICER: {"name": "Olga Officer", "roles": ["ethics_officer"]},
             COLLEAGUE: {"name": "Omar Officer", "roles": ["ethics_officer", "ethics_admin"]},
             AUDITOR: {"name": "Ada Auditor", "roles": ["ethics_auditor"]}}
# Distinctive words of a report that names Olga: her name must not reach her export, and
# none of its words any export.
NAMING_OLGA = payload("misconduct", subjects=[{
    "name": "Olga Officer", "title": "Ethics officer",
    "organisation": "Thaddeus Wilberforce-Nakamura Consulting"}],
    what="Quintessa Abernathy-Oduya saw the invoices of the Marrowbone depot doubled.")


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request, directory=DIRECTORY)


def exported(office: Office, who: str = OFFICER, year: int | None = None) -> str:
    year = year or office.clock.now().year
    response = office.call("GET", f"/export?year={year}", who=who)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="cases-{year}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    text: str = response.get_data(as_text=True)
    return text


def rows(text: str) -> dict[str, dict[str, str]]:
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == COLUMNS
    return {line[0]: dict(zip(header, line, strict=True)) for line in lines}


def submit_three(office: Office) -> dict[str, str]:
    """An advice request answered, closed and reopened; a misconduct report naming Olga;
    a retaliation complaint under review."""
    advice = office.submit("advice")["reference"]
    office.clock.advance(days=1)
    office.walk(advice, "assign", "answer")
    office.clock.advance(days=2)
    office.walk(advice, "close", "reopen")
    misconduct = office.submit("misconduct", NAMING_OLGA)["reference"]
    retaliation = office.submit("retaliation")["reference"]
    office.clock.advance(days=3)
    office.act(retaliation, "start_preliminary_review")
    return {"advice": advice, "misconduct": misconduct, "retaliation": retaliation}


def test_the_export_is_one_row_per_case_of_codes_and_dates_and_no_text(
        office: Office) -> None:
    refs = submit_three(office)
    text = exported(office, COLLEAGUE)
    found = rows(text)
    assert set(found) == set(refs.values())
    advice = found[refs["advice"]]
    assert (advice["form"], advice["channel"], advice["state"]) == ("advice", "web",
                                                                   "assigned")
    assert advice["reopenings"] == "1"
    assert advice["first_response_at"] and advice["closed_at"]
    assert advice["advice_answer_due_status"] == "met"
    assert advice["feedback_due_status"] == "met"
    assert advice["acknowledgement_status"] == "met"
    retaliation = found[refs["retaliation"]]
    assert retaliation["state"] == "preliminary_review"
    assert retaliation["preliminary_review_due_status"] == "running"
    assert retaliation["advice_answer_due_due"] == ""
    misconduct = found[refs["misconduct"]]
    assert misconduct["referred_at"] and misconduct["referral_status"] == "delivered"
    # No name, contact, narrative or other text of any submission, anywhere.
    leaked = sorted(s for s in SENSITIVE | {"Olga Officer", "Thaddeus", "Quintessa",
                                            "Marrowbone", "Wilberforce"} if s in text)
    assert leaked == []


def test_an_officer_s_export_leaves_out_the_cases_that_name_them(office: Office) -> None:
    refs = submit_three(office)
    assert refs["misconduct"] not in rows(exported(office, OFFICER))
    assert refs["misconduct"] in rows(exported(office, COLLEAGUE))
    # An auditor reads case summaries, so exports too.
    assert set(rows(exported(office, AUDITOR))) == set(refs.values())


def test_only_who_reads_case_summaries_exports(office: Office) -> None:
    office.submit("advice")
    response = office.call("GET", "/export?year=2026", who="nobody@example.org")
    assert response.status_code == 403
    assert response.mimetype == "application/json"
    assert "reference" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "field"), [
    ("", "year"), ("year=twenty", "year"), ("year=1900", "year"), ("year=2026&format=xlsx",
                                                                    "format"),
    ("year=2026&names=1", "names")])
def test_a_bad_query_is_refused_naming_the_parameter(office: Office, query: str,
                                                     field: str) -> None:
    response = office.call("GET", f"/export?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["errors"]


def test_an_empty_year_is_the_header_alone(office: Office) -> None:
    office.submit("advice")
    text = exported(office, year=2019)
    assert text.splitlines() == [",".join(COLUMNS)]


def test_the_indicators_through_the_api(office: Office) -> None:
    submit_three(office)
    response = office.call("GET", f"/indicators?year={office.clock.now().year}")
    assert response.status_code == 200, response.get_json()
    forms = response.get_json()["forms"]
    assert {form: f["cases"] for form, f in forms.items()} == {
        "advice": 1, "misconduct": 1, "retaliation": 1}
    assert forms["advice"]["reopened"] == {"cases": 1, "reopenings": 1}
    assert forms["advice"]["days_to"]["first_response"]["median"] == 1.0
    assert forms["retaliation"]["days_to"]["first_response"]["median"] == 3.0
    assert forms["misconduct"]["clocks"]["acknowledgement"]["percent_met"] == 100.0
    assert office.call("GET", "/indicators?year=x").status_code == 422
    assert office.call("GET", "/indicators?year=2026", who="nobody@example.org"
                       ).status_code == 403


def test_intake_cases_export(office: Office, tmp_path: Path) -> None:
    refs = submit_three(office)
    year = str(office.clock.now().year)
    result = cases_cli(office.container, COLLEAGUE, "export", "--year", year)
    assert result.exit_code == 0, result.output
    assert set(rows(result.stdout)) == set(refs.values())
    assert result.stdout_bytes == exported(office, COLLEAGUE).encode()
    out = tmp_path / "cases.csv"
    written = cases_cli(office.container, OFFICER, "export", "--year", year, "--format",
                        "csv", "--output", str(out))
    assert written.exit_code == 0, written.output
    assert set(rows(out.read_text(encoding="utf-8"))) == {refs["advice"], refs["retaliation"]}


@pytest.mark.parametrize(("args", "says"), [
    (["--year", "twenty"], "--year"), (["--year", "1900"], "--year"),
    (["--year", "2026", "--format", "xlsx"], "--format"), ([], "--year")])
def test_intake_cases_export_refuses_a_bad_option(office: Office, tmp_path: Path,
                                                  args: list[str], says: str) -> None:
    out = tmp_path / "never.csv"
    result = cases_cli(office.container, OFFICER, "export", *args, "--output", str(out))
    assert result.exit_code == 2
    assert says in result.output
    assert not out.exists()


def test_intake_cases_export_says_why_the_api_refused(office: Office, tmp_path: Path) -> None:
    out = tmp_path / "refused.csv"
    result = cases_cli(office.container, "nobody@example.org", "export", "--year", "2026",
                       "--output", str(out))
    assert result.exit_code == 1
    assert "HTTP 403" in result.output
    assert not out.exists()


def test_the_report_s_indicators_from_the_command_line(office: Office) -> None:
    from tests.support.report_data import intake

    submit_three(office)
    report = json.loads(intake(office.container, "report", "--year",
                               str(office.clock.now().year)).stdout)
    forms = report["management_indicators"]["forms"]
    assert forms["advice"]["reopened"]["cases"] == 1
    assert forms["retaliation"]["clocks"]["preliminary_review_due"]["running"] == 1
