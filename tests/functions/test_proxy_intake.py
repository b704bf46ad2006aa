"""Reports an officer takes on the reporter's behalf (telephone, in person, mission, post,
e-mail): the same schema, triage and forwarding as a form submission; the channel and the
day received on the case, every clock from that day; a reference, a receipt code and a proof
for the reporter, who reads the officer's record on the follow-up page and confirms it or
asks for a correction, in the case's history. On both backends."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.bootstrap import UseCases
from shared.domain.policy import add_months
from shared.domain.proxy_intake import CHANNELS
from shared.services.annual_report import annual_report
from shared.services.proxy_intake import NotReviewable
from tests.support.case_cli import cases_cli
from tests.support.casework import COLLEAGUE, Office, open_office
from tests.support.payloads import payload
from tests.support.web import ORIGIN, Browser, Page

AUDITOR = "ada@example.org"
DIRECTORY = {"olga@example.org": {"name": "Olga Officer", "roles": ["ethics_officer"]},
             COLLEAGUE: {"name": "Omar Officer", "roles": ["ethics_officer", "ethics_admin"]},
             AUDITOR: {"name": "Ada Auditor", "roles": ["ethics_auditor"]}}


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request, directory=DIRECTORY,
                       INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


def received_days_ago(office: Office, days: int) -> date:
    return (office.clock.now() - timedelta(days=days)).date()


def record(office: Office, form: str, *, channel: str = "telephone",
           received_on: date | None = None, who: str = "olga@example.org",
           **changes: Any) -> Any:
    body = {"form": form, "channel": channel,
            "received_on": (received_on or office.clock.now().date()).isoformat(),
            "submission": payload(form), **changes}
    return office.call("POST", "/records", body, who=who)


def recorded(office: Office, form: str, **kwargs: Any) -> dict[str, Any]:
    response = record(office, form, **kwargs)
    assert response.status_code == 201, response.get_json()
    office.h.drain()
    answer: dict[str, Any] = response.get_json()
    return answer


@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_every_clock_runs_from_the_day_received(office: Office, form: str) -> None:
    received_on = received_days_ago(office, 12)
    answer = recorded(office, form, channel="in_person", received_on=received_on)
    reference = answer["reference"]
    start = datetime(received_on.year, received_on.month, received_on.day, tzinfo=UTC)
    case = office.case(reference)
    assert case.received_at == start and answer["received_at"] == start.isoformat()
    assert case.channel == "in_person" and case.record_review == "pending"
    assert case.triage is not None  # triaged as a form submission is
    assert case.deadlines["feedback_due"] == add_months(start, 3)
    if form == "retaliation":
        assert case.deadlines["preliminary_review_due"] == start + timedelta(days=30)
    # The reporter's reference, receipt code and signed proof (stating the day received).
    assert answer["receipt"] and answer["channel"] == "in_person"
    assert f"received_at: {start.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}" in answer["proof"]
    # The history says who entered it, when, and how it came.
    [received] = [e for e in office.events(reference) if e.kind == "received"]
    assert received.actor == "officer:olga@example.org"
    assert received.at == office.clock.now()
    assert received.details["channel"] == "in_person"
    assert received.details["received_on"] == received_on.isoformat()
    summary = office.call("GET", f"/{reference}").get_json()["case"]
    assert (summary["channel"], summary["record_review"]) == ("in_person", "pending")


def test_a_recorded_misconduct_report_is_forwarded_exactly_once(office: Office) -> None:
    reference = recorded(office, "misconduct", channel="mission")["reference"]
    assert office.case(reference).state == "forwarded"
    assert len(office.referrals()) == 1


def test_a_retried_recording_stores_one_case(office: Office) -> None:
    body = {"form": "advice", "channel": "post",
            "received_on": received_days_ago(office, 20).isoformat(),
            "submission": payload("advice"), "idempotency_key": "proxy-retry-0123456789"}
    first = office.call("POST", "/records", body)
    again = office.call("POST", "/records", body)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.get_json()["reference"] == again.get_json()["reference"]
    # The officer who retries still gets the receipt code to give: its window runs from
    # the entry, not from the day received weeks ago.
    assert again.get_json()["receipt"] == first.get_json()["receipt"]
    assert office.listed("limit=500") == [first.get_json()["reference"]]
    other = office.call("POST", "/records", {**body, "channel": "email"})
    assert other.status_code == 409


@pytest.mark.parametrize(("change", "field"), [
    ({"channel": "web"}, "channel"),
    ({"channel": "carrier_pigeon"}, "channel"),
    ({"form": "gossip"}, "form"),
    ({"received_on": "2999-01-01"}, "received_on"),
    ({"received_on": "yesterday"}, "received_on"),
    ({"submission": {"category": "nope"}}, "submission"),
    ({"submission": "text"}, "submission"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_records_are_refused_and_store_nothing(office: Office, change: dict[str, Any],
                                                   field: str) -> None:
    before = office.listed("limit=500")
    body = {"form": "advice", "channel": "telephone",
            "received_on": office.clock.now().date().isoformat(),
            "submission": payload("advice"), **change}
    response = office.call("POST", "/records", body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert office.listed("limit=500") == before


def test_only_an_ethics_officer_records(office: Office) -> None:
    response = record(office, "advice", who=AUDITOR)
    assert response.status_code == 403
    assert office.listed("limit=500") == []


def test_the_reporter_reads_the_record_and_confirms_it(office: Office) -> None:
    answer = recorded(office, "advice", channel="telephone",
                      received_on=received_days_ago(office, 3))
    reference, desk = answer["reference"], UseCases(office.container).follow_up
    view = desk.open_case(reference, answer["receipt"], client="198.51.100.7")
    assert view.record is not None
    assert view.record.channel == "telephone" and view.record.review == "pending"
    assert view.record.received_on == received_days_ago(office, 3).isoformat()
    # What the officer wrote down, to read before confirming it.
    assert view.record.submission is not None
    assert view.record.submission["question"] == payload("advice")["question"]
    desk.review_record(reference, "confirm", None, "m" * 32)
    assert office.case(reference).record_review == "confirmed"
    [confirmed] = [e for e in office.events(reference) if e.kind == "record_confirmed"]
    assert confirmed.actor == "submitter" and confirmed.details["channel"] == "telephone"


def test_the_reporter_asks_for_a_correction(office: Office) -> None:
    answer = recorded(office, "retaliation", channel="email")
    reference, desk = answer["reference"], UseCases(office.container).follow_up
    desk.open_case(reference, answer["receipt"], client="198.51.100.7")
    desk.review_record(reference, "correct", "The date of the transfer was 3 March.",
                       "c" * 32)
    office.h.drain()
    assert office.case(reference).record_review == "correction_requested"
    events = office.events(reference)
    [asked] = [e for e in events if e.kind == "record_correction_requested"]
    [message] = [e for e in events if e.kind == "submitter_message"]
    assert asked.details["message_seq"] == message.seq
    opened = office.call("GET", f"/{reference}").get_json()["history"]
    assert "The date of the transfer was 3 March." in [e["text"] for e in opened]


def test_a_form_submission_has_no_record_to_review(office: Office) -> None:
    answer = office.submit("advice")
    desk = UseCases(office.container).follow_up
    view = desk.open_case(answer["reference"], answer["receipt"], client="198.51.100.7")
    assert view.record is None and office.case(answer["reference"]).channel == "web"
    with pytest.raises(NotReviewable):
        desk.review_record(answer["reference"], "confirm", None, "m" * 32)
    assert not [e for e in office.events(answer["reference"]) if e.kind.startswith("record_")]


def test_intake_cases_record(office: Office, tmp_path: Path) -> None:
    report, proof = tmp_path / "report.json", tmp_path / "proof.txt"
    report.write_text(json.dumps(payload("misconduct")), encoding="utf-8")
    received_on = received_days_ago(office, 5).isoformat()
    result = cases_cli(office.container, "olga@example.org", "record", "misconduct",
                       str(report), "--channel", "post", "--received-on", received_on,
                       "--proof-out", str(proof))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["receipt"] and answer["channel"] == "post"
    assert "proof" not in answer and f"reference: {answer['reference']}" in proof.read_text()
    office.h.drain()
    case = office.case(answer["reference"])
    assert (case.channel, case.received_at.date().isoformat()) == ("post", received_on)
    assert case.state == "forwarded"
    bad = cases_cli(office.container, "olga@example.org", "record", "advice", str(report),
                    "--channel", "post", "--received-on", received_on)
    assert bad.exit_code != 0 and "HTTP 422" in bad.output


def open_page(office: Office, reference: str, receipt: str, lang: str = "en") -> tuple[
        Browser, Page]:
    browser = Browser(office.h)
    page = browser.get("/follow-up", lang=lang)
    return browser, browser.follow(browser.post(
        "forms", [("csrf_token", page.token), ("lang", page.inputs["lang"]),
                  ("reference", reference), ("receipt", receipt)], path="/follow-up"))


def review(browser: Browser, page: Page, answer: str, correction: str = "") -> Page:
    pairs = [("csrf_token", page.token), ("lang", page.inputs["lang"]),
             ("message_id", page.inputs["message_id"]), ("answer", answer),
             ("correction", correction)]
    return browser.post("forms", pairs, path="/follow-up/review")


def test_the_follow_up_page_shows_the_record_to_confirm(office: Office) -> None:
    received_on = received_days_ago(office, 40)
    answer = recorded(office, "retaliation", channel="mission", received_on=received_on)
    browser, page = open_page(office, answer["reference"], answer["receipt"])
    assert page.status == 200, page.summary
    record = page.text.split('class="officer-record"', 1)[1].split("</section>", 1)[0]
    assert "during a mission of the Ethics Office" in record
    assert received_on.strftime("%B %-d, %Y") in record
    # The record reads as the form's own "Check your answers", in the page's words.
    complainant = payload("retaliation")["complainant"]
    assert complainant["name"] in record
    assert "You have not yet confirmed this record." in record
    confirmed = browser.follow(review(browser, page, "confirm"))
    assert confirmed.status == 200
    assert "You confirmed that this record is right." in confirmed.text
    assert [e.kind for e in office.events(answer["reference"])][-1] == "record_confirmed"


def test_a_correction_needs_its_words_and_joins_the_messages(office: Office) -> None:
    answer = recorded(office, "misconduct", channel="telephone")
    browser, page = open_page(office, answer["reference"], answer["receipt"])
    refused = review(browser, page, "correct")
    assert refused.status == 422
    assert any("wrong or missing" in e for e in refused.errors), refused.errors
    assert office.case(answer["reference"]).record_review == "pending"
    asked = browser.follow(review(browser, page, "correct", "The meeting was on Friday."))
    assert asked.status == 200
    assert "You asked for a correction." in asked.text
    assert "The meeting was on Friday." in asked.text  # under Messages, from the reporter
    office.h.drain()
    kinds = [e.kind for e in office.events(answer["reference"])]
    assert kinds.index("submitter_message") < kinds.index("record_correction_requested")
    # A misconduct report's correction reaches the investigations office as a supplement.
    assert office.case(answer["reference"]).forwarding.supplements  # type: ignore[union-attr]


def test_a_form_submission_page_has_no_record_section(office: Office) -> None:
    answer = office.submit("advice")
    browser, page = open_page(office, answer["reference"], answer["receipt"])
    assert page.status == 200 and "officer-record" not in page.text
    assert review(browser, page, "confirm").status == 409
    assert office.case(answer["reference"]).record_review is None


def test_the_annual_report_counts_submissions_by_channel(office: Office) -> None:
    office.submit("advice")
    recorded(office, "advice", channel="telephone", received_on=received_days_ago(office, 10))
    recorded(office, "misconduct", channel="email", received_on=received_days_ago(office, 1))
    # Received last year, entered this year: it counts in the year it was received.
    last_year = office.clock.now().date().replace(month=1, day=1) - timedelta(days=3)
    recorded(office, "advice", channel="post", received_on=last_year)
    year = office.clock.now().year
    report = annual_report(year, store=office.statistics)
    zero = dict.fromkeys(CHANNELS, 0)
    assert report.by_channel == {"advice": {**zero, "web": 1, "telephone": 1},
                                 "misconduct": {**zero, "email": 1},
                                 "retaliation": zero}
    earlier = annual_report(year - 1, store=office.statistics)
    assert earlier.by_channel["advice"] == {**zero, "post": 1}
    assert earlier.table_1["advice"][year - 1] == 1  # like any other submission
