"""Clocks that never stop silently, and determinations with their fields, on both backends
(SQLite and the Firestore emulator): the Ethics Panel window runs from the complainant's
notification, alerts like the review clock and, once lapsed, still takes a late request;
returned and reopened complaints and advice requests have clocks with alerts; suspensions
have reasons the report counts; the Executive Director's decisions on measures are
recorded, and corrective measures follow an established retaliation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.domain.policy import add_months
from shared.services import follow_up as follow_up_service
from shared.services.annual_report import annual_report
from tests.support.casework import OFFICE_MAILBOX, OFFICER, Office, open_office
from tests.support.payloads import SENSITIVE, payload

COMPLAINANT = payload("retaliation")["complainant"]["email"]
PANEL_DUE = "panel_review_request_due"
REVIEW_DUE = "preliminary_review_due"
ADVICE_DUE = "advice_answer_due"


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request)


def no_prima_facie(office: Office, *, drain: bool = True) -> tuple[str, str]:
    """A complaint found to have no prima facie case: its reference and receipt code."""
    answer = office.submit("retaliation")
    reference = str(answer["reference"])
    office.act(reference, "start_preliminary_review")
    office.act(reference, "find_no_prima_facie", drain=drain)
    return reference, str(answer["receipt"])


def read_page(office: Office, reference: str, receipt: str) -> Any:
    c = office.container
    return follow_up_service.open_case(reference, receipt, client="203.0.113.5",
                                       clients=c.rate_limiter, store=c.store,
                                       follow_up=c.follow_up, cipher=c.cipher, queue=c.queue,
                                       clock=c.clock, lock_for=c.follow_up_lock,
                                       policy=c.policy)


def test_the_panel_window_starts_when_the_complainant_is_notified_and_alerts(
        office: Office) -> None:
    found_at = office.clock.now()
    reference, receipt = no_prima_facie(office, drain=False)
    assert PANEL_DUE not in office.case(reference).deadlines  # not notified: no window yet
    office.clock.advance(days=2)  # the e-mail goes out two days later (held back, say)
    office.h.drain()
    notified_at = office.clock.now()
    [notice] = office.mail_to(COMPLAINANT)
    assert reference in notice.subject and "follow-up page" in notice.body
    assert "receipt code" in notice.body
    assert not [s for s in SENSITIVE if s in notice.subject + notice.body]
    case = office.case(reference)
    assert case.deadlines == {PANEL_DUE: notified_at + timedelta(days=30)}
    assert case.deadlines[PANEL_DUE] != found_at + timedelta(days=30)
    [event] = [e for e in office.events(reference) if e.kind == "determination_notified"]
    assert event.details["via"] == "email"
    # Reading it on the page afterwards changes nothing.
    assert read_page(office, reference, receipt).status.label == "No prima facie case found"
    assert office.case(reference).deadlines == case.deadlines

    due = case.deadlines[PANEL_DUE]
    assert office.sweep_at(due - timedelta(days=6)) == [
        f"{reference} {PANEL_DUE}@{due.date().isoformat()}:due_in_7_days"]
    office.sweep_at(due.replace(hour=0, minute=5))
    assert office.alerts(reference) == [(PANEL_DUE, "due_in_7_days"), (PANEL_DUE, "due_today")]
    alerts = [m for m in office.mail_to(OFFICE_MAILBOX) if "Deadline" in m.subject]
    assert len(alerts) == 2 and "Ethics Panel chair" in alerts[0].body

    # Lapsed: kept, not closed for good; a late request needs its reason.
    assert office.sweep_at(due + timedelta(hours=1)) == [f"{reference} lapsed"]
    assert office.case(reference).state == "panel_window_lapsed"
    assert read_page(office, reference, receipt).status.label == \
        "Time limit for a review passed"
    refused = office.call("POST", f"/{reference}/transitions",
                          {"name": "record_late_panel_request"})
    assert refused.status_code == 422 and "note" in refused.get_json()["errors"]
    assert office.case(reference).state == "panel_window_lapsed"
    office.act(reference, "record_late_panel_request",
               note="The request was posted on time but reached us late.")
    assert office.case(reference).state == "panel_review_requested"
    [late] = [e for e in office.events(reference)
              if e.details.get("transition") == "record_late_panel_request"]
    assert late.actor == f"officer:{OFFICER}" and "sealed" in late.details["note"]


def test_the_panel_window_starts_when_the_complainant_reads_the_page_first(
        office: Office) -> None:
    reference, receipt = no_prima_facie(office, drain=False)
    office.clock.advance(hours=5)
    read_at = office.clock.now()
    view = read_page(office, reference, receipt)  # before any e-mail went out
    assert view.status.label == "No prima facie case found"
    assert office.case(reference).deadlines == {PANEL_DUE: read_at + timedelta(days=30)}
    office.clock.advance(days=1)
    office.h.drain()  # the e-mail follows; the window stays where it started
    assert len(office.mail_to(COMPLAINANT)) == 1
    assert office.case(reference).deadlines == {PANEL_DUE: read_at + timedelta(days=30)}
    assert [e.details["via"] for e in office.events(reference)
            if e.kind == "determination_notified"] == ["follow_up_page"]


def test_a_notice_that_cannot_be_sent_tells_the_office_and_starts_no_window(
        office: Office) -> None:
    data = {**payload("retaliation"), "complainant": {**payload("retaliation")["complainant"],
                                                      "email": "no address at all"}}
    data["protected_activity"] = {**data["protected_activity"],
                                  "date": datetime(2025, 10, 6).date()}
    data["retaliatory_acts"] = [{**a, "date": datetime.fromisoformat(a["date"]).date()}
                                for a in data["retaliatory_acts"]]
    reference = office.h.store_unchecked("retaliation", data)
    office.h.drain()
    office.walk(reference, "start_preliminary_review", "find_no_prima_facie")
    assert office.mail_to("no address at all") == []
    [alert] = [m for m in office.mail_to(OFFICE_MAILBOX) if "not notified" in m.subject]
    assert reference in alert.subject and "another way" in alert.body
    assert PANEL_DUE not in office.case(reference).deadlines


def test_returned_and_reopened_complaints_get_a_clock_with_alerts(office: Office) -> None:
    reference, _ = no_prima_facie(office)
    office.act(reference, "request_panel_review")
    assert office.case(reference).deadlines == {}
    office.clock.advance(days=40)
    returned_at = office.clock.now()
    office.act(reference, "record_panel_returned")
    case = office.case(reference)
    assert case.state == "returned"
    assert case.deadlines == {REVIEW_DUE: returned_at + timedelta(days=30)}
    due = case.deadlines[REVIEW_DUE]
    office.sweep_at(due - timedelta(days=5))
    assert office.alerts(reference) == [(REVIEW_DUE, "due_in_7_days")]
    office.act(reference, "resume_preliminary_review")  # the clock runs on, not afresh
    assert office.case(reference).deadlines == {REVIEW_DUE: due}

    other = str(office.submit("retaliation")["reference"])
    office.act(other, "suspend", reason="parallel_complaint")
    assert office.case(other).deadlines == {}
    office.clock.advance(days=100)
    reopened_at = office.clock.now()
    office.act(other, "reopen")
    case = office.case(other)
    assert case.state == "reopened"
    assert case.deadlines == {REVIEW_DUE: reopened_at + timedelta(days=30)}
    office.sweep_at(case.deadlines[REVIEW_DUE] + timedelta(days=1))
    assert office.alerts(other) == [(REVIEW_DUE, "overdue")]
    # Officers see it where they look for what is due.
    assert other in office.listed("due_within_days=0")


def test_an_advice_request_has_a_working_day_clock_with_alerts(office: Office) -> None:
    monday = office.clock.now()
    assert monday.weekday() == 0
    reference = str(office.submit("advice")["reference"])
    summary = office.call("GET", "/?form=advice").get_json()["cases"][0]
    # 10 working days: Monday 2 March to Monday 16 March, weekends skipped.
    assert summary["deadlines"] == {ADVICE_DUE: (monday + timedelta(days=14)).isoformat(),
                                    "feedback_due": add_months(monday, 3).isoformat()}
    due = office.case(reference).deadlines[ADVICE_DUE]
    office.sweep_at(due.replace(hour=1))
    assert office.alerts(reference) == [(ADVICE_DUE, "due_today")]
    [alert] = [m for m in office.mail_to(OFFICE_MAILBOX) if "Deadline" in m.subject]
    assert "The answer to the advice request" in alert.body
    office.walk(reference, "assign", "answer")
    assert office.case(reference).deadlines == {}  # answered: the clock stops
    office.act(reference, "close")
    friday = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
    office.clock.current = friday
    office.act(reference, "reopen")  # worked on again: a fresh clock from the reopening
    # The answer met the feedback owed: only the answer's own clock starts again.
    assert office.case(reference).deadlines == {ADVICE_DUE: friday + timedelta(days=14)}


def test_the_advice_clock_is_configurable(request: pytest.FixtureRequest,
                                          tmp_path: Path) -> None:
    office = open_office("sqlite", tmp_path, request, INTAKE_POLICY_ADVICE_WORKING_DAYS="3")
    office.clock.current = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)  # a Thursday
    reference = str(office.submit("advice")["reference"])
    # Thursday + 3 working days: Friday, Monday, Tuesday.
    assert office.case(reference).deadlines[ADVICE_DUE] == \
        datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


def test_a_suspension_has_a_reason_and_the_report_counts_it(office: Office) -> None:
    first, second, third = (str(office.submit("retaliation")["reference"]) for _ in range(3))
    for body in ({"name": "suspend"}, {"name": "suspend", "reason": "bored"}):
        refused = office.call("POST", f"/{first}/transitions", body)
        assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    assert office.case(first).state == "received"
    office.act(first, "suspend", reason="parallel_complaint")
    office.act(second, "suspend", reason="no_retaliatory_action")
    office.act(third, "suspend", reason="no_retaliatory_action")
    office.walk(third, "reopen", "resume_preliminary_review")  # no longer suspended
    [event] = [e for e in office.events(first) if e.to_state == "suspended"]
    assert event.details["reason"] == "parallel_complaint"
    figures = annual_report(office.clock.now().year, store=office.statistics) \
        .retaliation.figures
    assert figures.determinations["suspended"] == 2
    assert figures.suspension_reasons == {"parallel_complaint": 1,
                                          "no_retaliatory_action": 1, "not_recorded": 0}


def established(office: Office) -> str:
    reference = str(office.submit("retaliation")["reference"])
    office.walk(reference, "start_preliminary_review", "establish_prima_facie")
    return reference


def measure(office: Office, reference: str, **body: Any) -> Any:
    return office.call("POST", f"/{reference}/measures",
                       {"recommended_on": "2026-03-01", **body})


def test_the_executive_directors_decisions_and_corrective_measures(office: Office) -> None:
    reference = established(office)
    recommended = measure(office, reference, kind="temporary_reassignment")
    assert recommended.status_code == 200, recommended.get_json()
    [protective] = recommended.get_json()["case"]["measures"]
    assert protective["purpose"] == "protective" and protective["decision"] is None
    # The Executive Director's decision, recorded on the same measure.
    decided = measure(office, reference, measure_id=protective["measure_id"],
                      kind="temporary_reassignment", outcome="implemented",
                      decision="accepted", decided_on="2026-03-02")
    assert decided.status_code == 200, decided.get_json()
    [protective] = decided.get_json()["case"]["measures"]
    assert (protective["decision"], protective["decided_on"], protective["outcome"]) == (
        "accepted", "2026-03-02", "implemented")
    # Contradictions and misplaced kinds are refused, naming the field.
    for body, field in (({"kind": "compensation"}, "kind"),
                        ({"kind": "temporary_reassignment", "decided_on": "2026-03-02"},
                         "decided_on"),
                        ({"kind": "temporary_reassignment", "decision": "declined",
                          "outcome": "implemented"}, "outcome")):
        refused = measure(office, reference, **body)
        assert refused.status_code == 422 and field in refused.get_json()["errors"], body
    # Corrective measures only once retaliation is established.
    early = measure(office, reference, purpose="corrective", kind="compensation")
    assert early.status_code == 409
    office.walk(reference, "refer_for_investigation", "receive_investigation_report",
                "start_independent_review", "establish_retaliation")
    corrective = measure(office, reference, purpose="corrective", kind="compensation")
    assert corrective.status_code == 200, corrective.get_json()
    measures = {m["purpose"]: m for m in corrective.get_json()["case"]["measures"]}
    assert measures["corrective"]["kind"] == "compensation"
    # Measures are updated after the determination: the decision on the corrective one,
    # and the interim one lifted.
    assert measure(office, reference, purpose="corrective", kind="compensation",
                   measure_id=measures["corrective"]["measure_id"], decision="declined",
                   decided_on="2026-03-03").status_code == 200
    assert measure(office, reference, kind="temporary_reassignment", outcome="lifted",
                   measure_id=protective["measure_id"]).status_code == 200
    # A new interim measure, or a protective update of the corrective one, is refused.
    assert measure(office, reference, kind="other").status_code == 409
    assert measure(office, reference, kind="other",
                   measure_id=measures["corrective"]["measure_id"]).status_code == 409
    case = office.case(reference)
    by_purpose = {m.purpose: m for m in case.measures}
    assert by_purpose["corrective"].decision == "declined"
    assert by_purpose["protective"].outcome == "lifted"
    assert [e.kind for e in office.events(reference)].count("corrective_measure") == 2
    office.act(reference, "close")
    assert measure(office, reference, purpose="corrective", kind="other").status_code == 409


def test_the_report_counts_protective_recommendations_not_corrective_measures(
        office: Office) -> None:
    with_protective, corrective_only = established(office), established(office)
    assert measure(office, with_protective, kind="other").status_code == 200
    office.walk(corrective_only, "refer_for_investigation", "receive_investigation_report",
                "start_independent_review", "establish_retaliation")
    assert measure(office, corrective_only, purpose="corrective",
                   kind="restore_position").status_code == 200
    figures = annual_report(office.clock.now().year, store=office.statistics) \
        .retaliation.figures
    assert (figures.prima_facie, figures.with_protective_measures) == (2, 1)
