"""A misconduct report reaches the investigations office exactly once, as the receiver
sees it, whatever fails on the way; e-mails carry references, never content."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.adapters.ses_notifier import SesNotifier
from shared.adapters.sqlite_store import SqliteStore
from shared.cli import main as cli
from shared.devserver import receiver_token_file
from shared.domain.officers import parse_directory
from shared.domain.referrals import referral_document
from tests.support.case_cli import cases_cli
from tests.support.fakes import FlakyStore
from tests.support.harness import Harness
from tests.support.payloads import MISCONDUCT_ANONYMOUS, SENSITIVE, payload
from tests.support.processes import free_port
from tests.support.receiver import (
    CONTROL_TOKEN,
    SECRET,
    Redirector,
    ServedReceiver,
    new_receiver,
)
from tests.support.sealing import opened_submission
from tests.support.tokens import dev_verifier

NO_FILES = {"files": {"orphans": 0, "incoming": 0, "failed": 0}}  # the sweep of files
REQUEUED_ONE = {"requeued": 1, "failed": 0, "alerts": 0, "lapsed": 0, **NO_FILES}

SENDER = "ethics-intake@example.org"
INVESTIGATIONS = "oiai-intake@example.org"
OFFICE = "ethics-operations@example.org"
OFFICER = "olwen@example.org"


@dataclass
class Office:
    harness: Harness
    receiver: ServedReceiver
    store: FlakyStore

    @property
    def referrals(self) -> list[Any]:
        return self.receiver.receiver.store.referrals()

    def emails(self) -> list[Any]:
        return list(ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages)

    def submit(self, body: dict[str, Any] | None = None) -> str:
        response = self.harness.submit("submit_misconduct", body or payload("misconduct"))
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["reference"])


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Office]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    served = ServedReceiver(new_receiver(tmp_path), free_port())
    served.start()
    with mock_aws():
        ses = boto3.client("sesv2", region_name="eu-west-1")
        ses.create_email_identity(EmailIdentity=SENDER)
        store = FlakyStore(SqliteStore.open(tmp_path / "intake.sqlite3"))
        harness = Harness.build(
            tmp_path, store,
            components={"gateway": HttpInvestigationsGateway(served.url, SECRET, timeout=1),
                        "notifier": SesNotifier(SENDER, region="eu-west-1", client=ses),
                        "verifier": dev_verifier(), "officers": parse_directory(json.dumps(
                            {OFFICER: {"name": "Olwen Officer", "roles": ["ethics_officer"]}}))},
            INTAKE_MAIL_FROM=SENDER, INTAKE_INVESTIGATIONS_MAILBOX=INVESTIGATIONS,
            INTAKE_ETHICS_OFFICE_MAILBOX=OFFICE, INTAKE_FORWARD_MAX_ATTEMPTS="6")
        try:
            yield Office(harness, served, store)
        finally:
            served.stop()


def assert_no_content_in_emails(office: Office) -> None:
    for message in office.emails():
        text = f"{message.subject}\n{message.body}"
        leaked = [s for s in SENSITIVE if s in text]
        assert not leaked, f"an e-mail carries report content: {leaked}"


def test_a_report_travels_to_the_receiver_once_with_its_content_and_receipt(
        office: Office) -> None:
    reference = office.submit()
    office.harness.drain()

    [referral] = office.referrals
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded" and case.forwarding is not None
    assert referral.reference == reference and referral.deliveries == 1
    assert case.forwarding.investigations_case_id == referral.case_id
    assert case.forwarding.attempts == 1 and case.forwarding.forwarded_at is not None
    submission = office.harness.store.get_submission(case.submission_id)
    assert submission is not None
    stored = opened_submission(office.harness.container.cipher, submission)
    assert referral.document == referral_document(
        form="misconduct", reference=reference, referral_id=case.forwarding.referral_id,
        received_at=case.received_at, urgent=False, payload=stored)
    assert referral.document["reporter"]["email"] == "ottoline.f@example.org"

    events = office.harness.store.case_events(reference)
    assert [e.kind for e in events][:3] == ["received", "triaged", "forwarded"]
    assert events[2].details == {"referral_id": case.forwarding.referral_id,
                                 "investigations_case_id": referral.case_id, "attempts": 1}
    assert sorted(e.details["item"] for e in events if e.kind == "notification_sent") == [
        "referral_made-ethics_office", "referral_made-investigations", "reporter_ack-reporter"]

    emails = {m.destinations["ToAddresses"][0]: m for m in office.emails()}
    assert set(emails) == {INVESTIGATIONS, OFFICE, "ottoline.f@example.org"}
    assert reference in emails[INVESTIGATIONS].subject
    assert referral.case_id in emails[INVESTIGATIONS].body
    assert f"Your report {reference} was referred to the investigations office on" in emails[
        "ottoline.f@example.org"].body
    assert_no_content_in_emails(office)


def test_a_forward_task_delivered_three_times_makes_one_referral(office: Office) -> None:
    reference = office.submit()
    office.harness.deliver_tasks()  # triage
    assert office.harness.deliver_tasks(times=3) == [200, 200, 200]
    [referral] = office.referrals
    assert referral.deliveries == 1
    case = office.harness.store.get_case(reference)
    assert case is not None and case.forwarding is not None and case.forwarding.attempts == 1
    assert [e.kind for e in office.harness.store.case_events(reference)].count("forwarded") == 1


def test_a_receiver_failing_four_times_gets_one_referral_on_the_fifth(office: Office) -> None:
    office.receiver.receiver.store.set_controls(fail_next=4, fail_status=500)
    reference = office.submit()
    delivered = office.harness.drain()
    forward = [status for name, status in delivered if "-forward-" in name]
    assert forward == [503, 503, 503, 503, 200]
    [referral] = office.referrals
    assert referral.deliveries == 1
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded"
    assert case.forwarding is not None and case.forwarding.attempts == 5
    failed = [e for e in office.harness.store.case_events(reference)
              if e.kind == "forward_attempt_failed"]
    assert [e.details for e in failed] == [{"attempt": n, "reason": "HTTP 500"}
                                           for n in range(1, 5)]


def test_a_timeout_after_the_receiver_recorded_does_not_duplicate(office: Office) -> None:
    office.receiver.receiver.store.set_controls(slow_next=1, slow_seconds=2.5)
    reference = office.submit()
    office.harness.drain()
    [referral] = office.referrals
    assert referral.deliveries == 2  # the timed-out delivery and the retry
    case = office.harness.store.get_case(reference)
    assert case is not None and case.forwarding is not None
    assert case.forwarding.investigations_case_id == referral.case_id


def test_a_receiver_down_for_a_while_gets_the_referral_once_it_is_up(office: Office) -> None:
    reference = office.submit()
    office.harness.deliver_tasks()  # triage
    office.receiver.stop()
    tasks = office.harness.queue.take()
    for attempt in range(3):
        for task in tasks:
            assert office.harness.post(task.target, task.payload, headers={
                "X-CloudTasks-TaskRetryCount": str(attempt)}).status_code == 503
    office.receiver.start()
    for task in tasks:
        assert office.harness.post(task.target, task.payload).status_code == 200
    office.harness.drain()
    [referral] = office.referrals
    assert referral.deliveries == 1
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded"


def test_a_crash_between_the_receivers_answer_and_the_receipt_write(office: Office) -> None:
    reference = office.submit()
    office.harness.deliver_tasks()  # triage
    # The next update_case counts the attempt; the one after it stores the receipt: fail it.
    office.store.fail("update_case", skip=1)
    office.harness.drain()
    [referral] = office.referrals
    assert referral.deliveries == 2
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded"
    assert case.forwarding is not None
    assert case.forwarding.investigations_case_id == referral.case_id
    assert [e.kind for e in office.harness.store.case_events(reference)].count("forwarded") == 1


def failed_cases(office: Office) -> list[dict[str, Any]]:
    result = cases_cli(office.harness.container, OFFICER, "--state", "forwarding_failed",
                       "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_a_refusal_ends_in_forwarding_failed_with_an_alert(office: Office) -> None:
    office.receiver.receiver.store.set_controls(fail_next=1, fail_status=422)
    reference = office.submit()
    office.harness.drain()
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarding_failed"
    assert case.forwarding is not None
    assert case.forwarding.failure == "refused by the investigations office (HTTP 422)"
    assert office.referrals == []
    alerts = [m for m in office.emails() if "failed" in m.subject]
    assert sorted(m.destinations["ToAddresses"][0] for m in alerts) == [OFFICE, INVESTIGATIONS]
    assert [c["reference"] for c in failed_cases(office)] == [reference]
    assert_no_content_in_emails(office)


def test_an_exhausted_retry_budget_ends_in_forwarding_failed_with_an_alert(
        office: Office) -> None:
    office.receiver.receiver.store.set_controls(fail_next=100, fail_status=503)
    reference = office.submit()
    delivered = office.harness.drain()
    forward = [status for name, status in delivered if "-forward-" in name]
    assert forward == [503] * 5 + [200]  # the sixth attempt is the last of the budget
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarding_failed"
    assert case.forwarding is not None and case.forwarding.attempts == 6
    assert case.forwarding.failure == "no usable answer after 6 attempts (HTTP 503)"
    assert {m.destinations["ToAddresses"][0] for m in office.emails()} == {OFFICE,
                                                                         INVESTIGATIONS}
    assert [c["reference"] for c in failed_cases(office)] == [reference]
    assert_no_content_in_emails(office)


def test_a_receiver_answering_with_a_redirect_never_gets_the_case_forwarded(
        office: Office, tmp_path: Path) -> None:
    # The intake answers 302 to a target that would answer 200 {"case_id": ...}: a receipt
    # from anywhere but the configured URL is no receipt.
    redirector = Redirector(302)
    settings = office.harness.container.settings
    office.harness = Harness.build(
        tmp_path / "redirected", SqliteStore.open(tmp_path / "redirected" / "intake.sqlite3"),
        components={"gateway": HttpInvestigationsGateway(redirector.url, SECRET, timeout=1),
                    "notifier": office.harness.container.notifier},
        INTAKE_INVESTIGATIONS_MAILBOX=settings.investigations_mailbox,
        INTAKE_ETHICS_OFFICE_MAILBOX=settings.ethics_office_mailbox,
        INTAKE_FORWARD_MAX_ATTEMPTS=str(settings.forward_max_attempts))
    try:
        reference = office.submit()
        delivered = office.harness.drain()
    finally:
        redirector.close()
    forward = [status for name, status in delivered if "-forward-" in name]
    assert forward == [503] * 5 + [200]
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarding_failed"
    assert case.forwarding is not None and case.forwarding.investigations_case_id is None
    assert case.forwarding.forwarded_at is None
    assert case.forwarding.failure == ("no usable answer after 6 attempts (redirect (HTTP 302) "
                                       "not followed: the intake URL must answer itself)")
    failures = [e.details["reason"] for e in office.harness.store.case_events(reference)
                if e.kind == "forward_attempt_failed"]
    assert len(failures) == 5 and all("redirect (HTTP 302)" in r for r in failures)
    assert not redirector.targeted and {m for m, _ in redirector.requests} == {"POST"}
    assert "forwarded" not in [e.kind for e in office.harness.store.case_events(reference)]
    assert {m.destinations["ToAddresses"][0] for m in office.emails()} == {OFFICE,
                                                                         INVESTIGATIONS}


def test_urgent_allegations_go_on_the_urgent_queue(office: Office) -> None:
    office.submit(MISCONDUCT_ANONYMOUS)
    office.harness.deliver_tasks()  # triage
    [task] = office.harness.queue.tasks
    assert (task.queue, task.target) == ("urgent_forward", "forward_to_investigations")
    office.harness.drain()
    [referral] = office.referrals
    assert referral.document["urgent"] is True and referral.document["reporter"] is None
    # anonymous: nobody to acknowledge, the offices are told
    assert {m.destinations["ToAddresses"][0] for m in office.emails()} == {OFFICE,
                                                                         INVESTIGATIONS}
    assert all(m.subject.startswith("URGENT") for m in office.emails())


def test_sweep_requeues_a_forward_left_pending(office: Office) -> None:
    reference = office.submit()
    office.harness.deliver_tasks()  # triage
    office.harness.queue.take()  # the forward task is lost
    office.harness.clock.advance(minutes=11)
    assert office.harness.post("sweep", {}).get_json() == REQUEUED_ONE
    office.harness.drain()
    [referral] = office.referrals
    assert referral.reference == reference


def test_a_notification_redelivered_is_sent_once(office: Office) -> None:
    office.submit()
    office.harness.deliver_tasks()  # triage
    office.harness.deliver_tasks()  # forward
    assert office.harness.deliver_tasks(times=2) == [200] * 6
    assert len(office.emails()) == 3


def test_the_cli_lists_what_the_reference_receiver_recorded(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = office.submit()
    office.harness.drain()
    monkeypatch.setenv("INTAKE_DATA_DIR", str(office.harness.container.settings.data_dir))
    result = CliRunner().invoke(cli, ["referrals", "--json", "--url", office.receiver.url,
                                      "--token", CONTROL_TOKEN])
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["ethics_office_reference"] == reference
    assert row["deliveries"] == 1
    assert row["investigations_case_id"] == office.referrals[0].case_id


def test_the_cli_reads_the_receivers_list_only_with_its_token(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = office.submit()
    office.harness.drain()
    data_dir = office.harness.container.settings.data_dir
    monkeypatch.setenv("INTAKE_DATA_DIR", str(data_dir))
    url = ["--url", office.receiver.url]
    refused = CliRunner().invoke(cli, ["referrals", "--json", *url, "--token", "guessed"])
    assert refused.exit_code != 0 and "refused the control token" in refused.output
    assert reference not in refused.output
    missing = CliRunner().invoke(cli, ["referrals", "--json", *url])
    assert missing.exit_code != 0 and "no control token" in missing.output
    # What the local runner keeps in the data folder is what the command uses.
    token_file = receiver_token_file(data_dir)
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(CONTROL_TOKEN + "\n", encoding="ascii")
    listed = CliRunner().invoke(cli, ["referrals", *url])
    assert listed.exit_code == 0, listed.output
    assert reference in listed.output and "deliveries=1" in listed.output
