"""Referrals that really leave, on both backends (SQLite and the Firestore emulator): a
prima facie case of retaliation is referred for investigation of the retaliatory acts
exactly once as the reference receiver sees it; a referral of any form that failed is
listed and retried by an officer, and its alert says how; a case closed as misconduct
goes with the type the officer states, urgent when it must be; and what the submitter adds
after forwarding reaches the investigations office as a supplement to the same referral."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shared.cli import main as cli
from shared.domain.forwarding import supplement_item
from shared.domain.references import parse_reference
from shared.services import follow_up as follow_up_service
from shared.services.annual_report import annual_report
from tests.support.case_cli import cases_cli
from tests.support.casework import (
    INVESTIGATIONS_MAILBOX,
    OFFICE_MAILBOX,
    OFFICER,
    Office,
    open_office,
)
from tests.support.payloads import SENSITIVE, payload
from tests.support.receiver import CONTROL_TOKEN

SUPPLEMENT = "One more thing: the warehouse keys were copied in March."


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request)


def prima_facie(office: Office) -> str:
    reference = str(office.submit("retaliation")["reference"])
    office.walk(reference, "start_preliminary_review", "establish_prima_facie")
    return reference


def told(office: Office, reference: str) -> str:
    """The status label the submitter reads on the follow-up page."""
    c = office.container
    return follow_up_service.read_case(reference, store=c.store, follow_up=c.follow_up,
                                       cipher=c.cipher, queue=c.queue, clock=c.clock,
                                       policy=c.policy).status.label


def forward_tasks(office: Office) -> list[Any]:
    return [t for t in office.h.queue.tasks if t.target == "forward_to_investigations"]


def test_a_prima_facie_case_is_referred_for_investigation_exactly_once(
        office: Office) -> None:
    reference = prima_facie(office)
    assert office.referrals() == []
    office.fail_next(2)  # two refusals on the way, then accepted
    office.act(reference, "refer_for_investigation", drain=False)
    tasks = forward_tasks(office)
    assert len(tasks) == 1 and tasks[0].queue == "forward"
    assert told(office, reference) == "Being referred for investigation"
    office.h.drain()
    assert told(office, reference) == "Referred for investigation"
    for task in tasks:  # a duplicate delivery of the task, after the receipt is stored
        response = office.h.post(task.target, task.payload)
        assert response.status_code == 200 and response.get_json()["status"] == "settled"

    [referral] = office.referrals()
    assert referral.deliveries == 1 and referral.reference == reference
    document = referral.document
    assert document["format"] == "ethics-intake.referral.v1"
    assert document["matter"] == "retaliation"
    assert document["request"] == "investigation of the alleged retaliatory acts"
    assert document["allegation_type"] == "retaliation"
    acts = payload("retaliation")["retaliatory_acts"]
    assert [a["by_whom"] for a in document["retaliatory_acts"]] == [a["by_whom"] for a in acts]
    assert [w["name"] for w in document["who"]] == [a["by_whom"] for a in acts]
    assert document["protected_activity"]["type"] == "cooperated_investigation"
    assert document["reporter"]["email"] == payload("retaliation")["complainant"]["email"]

    case = office.case(reference)
    assert case.state == "referred_for_investigation"
    assert case.forwarding is not None and case.forwarding.matter == "retaliation"
    assert case.forwarding.investigations_case_id == referral.case_id
    assert case.forwarding.attempts == 3
    kinds = [e.kind for e in office.events(reference)]
    assert kinds.count("forwarded") == 1 and kinds.count("forward_attempt_failed") == 2
    [notice] = office.mail_to(INVESTIGATIONS_MAILBOX)
    assert "a retaliation matter, for investigation of the alleged retaliatory acts" \
        in notice.body
    assert not [s for s in SENSITIVE for m in office.notifier.sent
                if s in m.subject + m.body]


def test_a_prima_facie_referral_is_not_a_misconduct_referral_in_the_report(
        office: Office) -> None:
    misconduct = str(office.submit("misconduct")["reference"])
    retaliation = prima_facie(office)
    office.act(retaliation, "refer_for_investigation")
    assert office.case(misconduct).state == "forwarded"
    assert len(office.referrals()) == 2
    report = annual_report(office.clock.now().year, store=office.statistics)
    assert report.misconduct_referrals == 1
    assert report.retaliation_referrals == 1


def closed_as_misconduct(office: Office, allegation: str = "fraud_corruption") -> str:
    reference = str(office.submit("advice")["reference"])
    office.act(reference, "refer_as_misconduct", requester_consent=True,
               allegation_type=allegation)
    return reference


def test_a_failed_referral_of_a_case_closed_as_misconduct_is_listed_and_retried(
        office: Office) -> None:
    office.fail_next(1, status=422)  # refused: no retry on its own
    reference = closed_as_misconduct(office)
    case = office.case(reference)
    assert case.state == "closed_referred_misconduct"
    assert case.forwarding is not None and case.forwarding.failure
    assert office.referrals() == []
    assert told(office, reference) == "Forwarding delayed"  # never "passed to..."

    # Listed, whatever the form, by the API and by the command line.
    assert office.listed("forwarding=failed") == [reference]
    assert office.listed("forwarding=failed&form=advice") == [reference]
    assert office.listed("forwarding=delivered") == []
    result = cases_cli(office.container, OFFICER, "--state", "forwarding_failed", "--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["reference"] for line in result.output.splitlines()] \
        == [reference]
    summary = office.call("GET", "/?forwarding=failed").get_json()["cases"][0]
    assert summary["forwarding"]["status"] == "failed"
    assert "retry_forwarding" in summary["allowed_transitions"]

    # The alert tells the truth: how to find and retry it, not a state it is not in.
    [alert] = office.mail_to(OFFICE_MAILBOX)
    assert "ACTION NEEDED" in alert.subject
    assert "retry_forwarding" in alert.body and "--state forwarding_failed" in alert.body
    assert "is in the state forwarding_failed" not in alert.body

    office.act(reference, "retry_forwarding")
    case = office.case(reference)
    assert case.state == "closed_referred_misconduct"
    assert case.forwarding is not None and case.forwarding.forwarded_at is not None
    assert case.forwarding.failure is None
    assert len(office.referrals()) == 1 and office.referrals()[0].deliveries == 1
    assert told(office, reference) == "Passed to the investigations office"
    assert office.listed("forwarding=failed") == []
    assert office.listed("forwarding=delivered") == [reference]
    assert "referral_retried" in [e.kind for e in office.events(reference)]
    # Nothing left to retry: the transition is refused, with what is allowed.
    refused = office.call("POST", f"/{reference}/transitions", {"name": "retry_forwarding"})
    assert refused.status_code == 409


def test_a_misconduct_report_that_fails_twice_alerts_twice(office: Office) -> None:
    office.fail_next(1, status=400)
    reference = str(office.submit("misconduct")["reference"])
    assert office.case(reference).state == "forwarding_failed"
    assert office.listed("forwarding=failed") == [reference]
    office.fail_next(1, status=400)
    office.act(reference, "retry_forwarding")
    assert office.case(reference).state == "forwarding_failed"
    assert len(office.mail_to(OFFICE_MAILBOX)) == 2  # each failure is alerted
    office.act(reference, "retry_forwarding")
    assert office.case(reference).state == "forwarded"
    assert [r.deliveries for r in office.referrals()] == [1]


@pytest.mark.parametrize(("form", "allegation", "urgent"), [
    ("advice", "sexual_harassment", True),
    ("retaliation", "sexual_exploitation_abuse", True),
    ("advice", "fraud_corruption", False),
])
def test_closing_as_misconduct_states_the_type_and_urgency_follows_it(
        office: Office, form: str, allegation: str, urgent: bool) -> None:
    reference = str(office.submit(form)["reference"])
    consent = {"requester_consent": True} if form == "advice" else {}
    missing = office.call("POST", f"/{reference}/transitions",
                          {"name": "refer_as_misconduct", **consent})
    assert missing.status_code == 422
    assert "allegation_type" in missing.get_json()["errors"]
    unknown = office.call("POST", f"/{reference}/transitions",
                          {"name": "refer_as_misconduct", "allegation_type": "gossip",
                           **consent})
    assert unknown.status_code == 422
    assert office.case(reference).state == "received"  # nothing changed

    office.act(reference, "refer_as_misconduct", allegation_type=allegation, drain=False,
               **consent)
    [task] = forward_tasks(office)
    assert task.queue == ("urgent_forward" if urgent else "forward")
    office.h.drain()
    [referral] = office.referrals()
    assert referral.document["allegation_type"] == allegation
    assert referral.document["urgent"] is urgent
    assert referral.document["matter"] == "misconduct"
    case = office.case(reference)
    assert case.forwarding is not None and case.forwarding.urgent is urgent
    assert case.forwarding.allegation_type == allegation


def test_a_type_is_refused_where_a_transition_takes_none(office: Office) -> None:
    reference = str(office.submit("retaliation")["reference"])
    refused = office.call("POST", f"/{reference}/transitions",
                          {"name": "start_preliminary_review",
                           "allegation_type": "fraud_corruption"})
    assert refused.status_code == 422 and "allegation_type" in refused.get_json()["errors"]
    assert office.case(reference).state == "received"


def add_information(office: Office, reference: str, text: str, message_id: str) -> None:
    c = office.container
    follow_up_service.add_message(reference, text, message_id, store=c.store,
                                  follow_up=c.follow_up, cipher=c.cipher, queue=c.queue,
                                  clock=c.clock, policy=c.policy)


def test_information_added_after_forwarding_reaches_the_office_once_as_a_supplement(
        office: Office) -> None:
    reference = str(office.submit("misconduct")["reference"])
    [referral] = office.referrals()
    office.fail_next(2)
    add_information(office, reference, SUPPLEMENT, "a1" * 16)
    tasks = [t for t in forward_tasks(office) if t.payload.get("item")]
    assert [t.payload["item"] for t in tasks] == [supplement_item("a1" * 16)]
    office.h.drain()
    for task in tasks:  # redelivered after it was accepted
        assert office.h.post(task.target, task.payload).status_code == 200
    add_information(office, reference, SUPPLEMENT, "a1" * 16)  # the page sent again
    office.h.drain()

    [referral] = office.referrals()
    [supplement] = referral.supplements
    assert supplement.deliveries == 1
    assert supplement.document["format"] == "ethics-intake.supplement.v1"
    assert supplement.document["referral_id"] == referral.referral_id
    assert supplement.document["investigations_case_id"] == referral.case_id
    assert supplement.document["text"] == SUPPLEMENT
    assert supplement.supplement_id == f"{referral.referral_id}-S-{'a1' * 16}"
    case = office.case(reference)
    assert case.forwarding is not None and case.forwarding.status == "delivered"
    assert [e.kind for e in office.events(reference)].count("supplement_forwarded") == 1

    # `intake referrals --json` lists it with its referral.
    env = {"INTAKE_FUNCTIONS_BASE_URL": office.receiver.url.rstrip("/")}
    result = CliRunner().invoke(cli, ["referrals", "--json", "--url",
                                      office.receiver.url.rstrip("/"), "--token",
                                      CONTROL_TOKEN], env=env)
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["supplements"][0]["supplement_id"] == supplement.supplement_id
    assert row["supplements"][0]["deliveries"] == 1
    assert row["matter"] == "misconduct"


def test_a_supplement_waits_for_its_referral_and_a_failed_one_is_retried(
        office: Office) -> None:
    office.fail_next(1, status=400)  # the referral itself is refused
    reference = closed_as_misconduct(office)
    add_information(office, reference, SUPPLEMENT, "b2" * 16)
    office.h.drain()
    case = office.case(reference)
    assert case.forwarding is not None
    [waiting] = case.forwarding.supplements
    assert waiting.delivered_at is None and waiting.failure is None and waiting.attempts == 0
    assert office.referrals() == []

    office.act(reference, "retry_forwarding")  # the referral goes, then its supplement
    [referral] = office.referrals()
    assert [s.document["text"] for s in referral.supplements] == [SUPPLEMENT]

    office.fail_next(1, status=400)  # a supplement refused: listed, alerted, retried
    add_information(office, reference, "And the spare key too.", "c3" * 16)
    office.h.drain()
    assert office.listed("forwarding=failed") == [reference]
    alerts = [m for m in office.mail_to(OFFICE_MAILBOX) if "supplement" in m.subject]
    assert len(alerts) == 1 and "retry_forwarding" in alerts[0].body
    office.act(reference, "retry_forwarding")
    [referral] = office.referrals()
    assert [s.deliveries for s in referral.supplements] == [1, 1]
    assert office.listed("forwarding=failed") == []


def test_information_added_before_a_case_is_referred_is_not_sent(office: Office) -> None:
    reference = str(office.submit("retaliation")["reference"])
    add_information(office, reference, "Before any referral.", "d4" * 16)
    assert not forward_tasks(office)
    office.h.drain()
    assert parse_reference(reference) == reference and office.referrals() == []
