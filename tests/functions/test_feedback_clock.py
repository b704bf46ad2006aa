"""The feedback every reporter is owed (three months from the acknowledgement by default,
per form): on every case from triage, alerted once per threshold by sweep, stopped by what
meets it (an answer, a determination, the investigations office's acknowledgement), on
both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from shared.domain.policy import add_months
from tests.support.casework import Office, open_office


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request,
                       INTAKE_POLICY_FEEDBACK_MONTHS_ADVICE="2")


@pytest.mark.parametrize(("form", "months"), [("advice", 2), ("misconduct", 3),
                                              ("retaliation", 3)])
def test_every_case_owes_feedback_from_its_acknowledgement(office: Office, form: str,
                                                           months: int) -> None:
    answer = office.submit(form)
    case = office.case(answer["reference"])
    # The acknowledgement is the answer to the submission: its time is received_at, the
    # time the signed proof states.
    assert answer["received_at"] == case.received_at.isoformat()
    assert f"received_at: {case.received_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}" in \
        answer["proof"]
    assert case.deadlines["feedback_due"] == add_months(case.received_at, months)
    # The acknowledgement is on record in the case's history, with the proof's key.
    [received] = [e for e in office.events(answer["reference"]) if e.kind == "received"]
    assert received.details["acknowledged_at"] == answer["received_at"]
    assert f"key: {received.details['proof_key']}\n" in answer["proof"]


def test_the_feedback_clock_alerts_once_per_threshold(office: Office) -> None:
    reference = office.submit("retaliation")["reference"]
    due = office.case(reference).deadlines["feedback_due"]
    for moment in (due - timedelta(days=7, hours=1), due - timedelta(days=3),
                   due.replace(hour=0, minute=1), due + timedelta(days=1),
                   due + timedelta(days=2)):
        for _ in range(2):
            office.sweep_at(moment)
    feedback = [t for d, t in office.alerts(reference) if d == "feedback_due"]
    assert feedback == ["due_in_7_days", "due_today", "overdue"]
    assert reference in " ".join(m.subject for m in office.notifier.sent)


def test_an_answer_meets_the_advice_feedback_clock(office: Office) -> None:
    reference = office.submit("advice")["reference"]
    due = office.case(reference).deadlines["feedback_due"]
    office.walk(reference, "assign", "answer")
    # The history says when the clock was met: the answer's event ends it.
    [answered] = [e for e in office.events(reference) if e.to_state == "answered"]
    assert "feedback_due" in answered.details["deadlines_ended"]
    assert "feedback_due" not in office.case(reference).deadlines
    office.sweep_at(due + timedelta(days=1))
    assert [a for a in office.alerts(reference) if a[0] == "feedback_due"] == []


def test_the_misconduct_clock_runs_until_the_referral_is_acknowledged(office: Office) -> None:
    forwarded = office.submit("misconduct")["reference"]
    acknowledged = office.submit("misconduct")["reference"]
    assert office.case(forwarded).state == "forwarded"
    office.act(acknowledged, "acknowledge")
    due = office.case(forwarded).deadlines["feedback_due"]
    office.sweep_at(due + timedelta(days=1))
    assert ("feedback_due", "overdue") in office.alerts(forwarded)
    assert [a for a in office.alerts(acknowledged) if a[0] == "feedback_due"] == []


def test_the_case_list_filters_on_the_feedback_owed(office: Office) -> None:
    start = office.clock.now()
    early = office.submit("retaliation")["reference"]
    office.clock.current = start + timedelta(days=20)
    later = office.submit("misconduct")["reference"]
    met = office.submit("advice")["reference"]
    office.walk(met, "assign", "answer")  # feedback given: no longer owed
    office.clock.current = add_months(start, 3) - timedelta(days=3)
    # The earliest first: the complaint's feedback is due in 3 days, the report's in 23.
    assert office.listed("due_within_days=5&deadline=feedback_due") == [early]
    assert office.listed("due_within_days=30&deadline=feedback_due") == [early, later]
    assert office.listed("due_within_days=30&deadline=feedback_due&form=misconduct") == [later]
    owing = office.listed("deadline=feedback_due")  # alone: every case still owing it
    assert set(owing) == {early, later} and met not in owing
    office.clock.current = add_months(start, 3) + timedelta(days=1)
    assert office.listed("due_within_days=0&deadline=feedback_due") == [early]  # overdue
    # Without deadline=feedback_due, due_within_days looks at the earliest deadline.
    assert early in office.listed("due_within_days=0")
