"""The notify target sends only what the system queued, once, within the send limits: a
posted item that was never recorded as pending sends nothing, one that is posted many
times (one after another or at once) sends one e-mail, and mail over a limit is held back,
logged without its address, and sent later: never lost."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import TestResponse

from shared import bootstrap
from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.adapters.sqlite_store import SqliteStore
from shared.domain import notifications
from shared.ports.mail import Email
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness, function_app
from tests.support.logscan import CapturingHandler
from tests.support.payloads import payload
from tests.support.processes import free_port
from tests.support.receiver import SECRET, new_receiver, receiving

REPORTER = "ottoline.f@example.org"


class SlowNotifier(RecordingNotifier):
    """Takes a while to hand an e-mail over, as SES may: deliveries overlap."""

    def send(self, email: Email) -> None:
        time.sleep(0.3)
        super().send(email)


@pytest.fixture
def receiver_url(tmp_path: Path) -> Iterator[str]:
    with receiving(new_receiver(tmp_path), free_port()) as url:
        yield url


def office(tmp_path: Path, receiver_url: str, notifier: RecordingNotifier | None = None,
           **settings: str) -> Harness:
    return Harness.build(
        tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
        components={"gateway": HttpInvestigationsGateway(receiver_url, SECRET, timeout=5),
                    "notifier": notifier or RecordingNotifier()},
        **settings)


def sent(harness: Harness) -> list[Email]:
    notifier = harness.container.notifier
    assert isinstance(notifier, RecordingNotifier)
    return notifier.sent


def forwarded(harness: Harness, body: dict[str, Any] | None = None) -> tuple[str, str]:
    """A misconduct report triaged and forwarded; its notify tasks left in the queue.
    Returns (reference, submission id)."""
    response = harness.submit("submit_misconduct", body or payload("misconduct"))
    assert response.status_code == 201
    return triaged_and_forwarded(harness, response.get_json()["reference"])


def triaged_and_forwarded(harness: Harness, reference: str) -> tuple[str, str]:
    """The queued triage and referral of a stored report delivered; its notify tasks left
    in the queue. Returns (reference, submission id)."""
    for target in ("triage", "forward_to_investigations"):
        tasks = harness.queue.take()
        [task] = [t for t in tasks if t.target == target]
        harness.queue.tasks.extend(t for t in tasks if t is not task)
        assert harness.post(task.target, task.payload).status_code == 200
    case = harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded"
    return reference, case.submission_id


def post_notify(harness: Harness, submission_id: str, item: str) -> TestResponse:
    return harness.post("notify", {"submission_id": submission_id, "item": item})


def test_an_item_posted_three_times_sends_one_email(tmp_path: Path, receiver_url: str) -> None:
    harness = office(tmp_path, receiver_url)
    reference, submission_id = forwarded(harness)
    harness.queue.take()  # the queue's own tasks are not needed: the item is posted
    statuses = [post_notify(harness, submission_id, "reporter_ack-reporter")
                for _ in range(3)]
    assert [(r.status_code, r.get_json()["status"]) for r in statuses] == [
        (200, "sent"), (200, "already_sent"), (200, "already_sent")]
    assert [e.to for e in sent(harness)] == [REPORTER]
    assert [e.details["item"] for e in harness.store.case_events(reference)
            if e.kind == "notification_sent"] == ["reporter_ack-reporter"]


def test_an_item_posted_three_times_at_once_sends_one_email(
        tmp_path: Path, receiver_url: str) -> None:
    harness = office(tmp_path, receiver_url, SlowNotifier())
    _, submission_id = forwarded(harness)
    harness.queue.take()
    client = function_app("notify").test_client()
    body = json.dumps({"submission_id": submission_id, "item": "referral_made-ethics_office"})
    statuses: list[int] = []
    start = threading.Barrier(3)

    def deliver() -> None:
        start.wait()
        response = client.post("/", data=body, content_type="application/json")
        statuses.append(response.status_code)

    with bootstrap.using(harness.container):
        threads = [threading.Thread(target=deliver) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(sent(harness)) == 1
    assert sorted(statuses)[0] == 200 and set(statuses) <= {200, 503}
    # A delivery turned away while the e-mail was going out finds it sent when it retries.
    retried = post_notify(harness, submission_id, "referral_made-ethics_office")
    assert retried.get_json()["status"] == "already_sent" and len(sent(harness)) == 1


@pytest.mark.parametrize("item", [
    "reporter_ack-reporter",  # a real template, but this case was never forwarded
    "referral_made-investigations",
    "forwarding_failed-ethics_office",
    "reply_posted.0123456789abcdef0123456789abcdef-reporter",
    "deadline_alert.preliminary_review_due.20260401.overdue-ethics_office",
])
def test_an_item_the_system_never_queued_sends_nothing(
        tmp_path: Path, receiver_url: str, item: str) -> None:
    harness = office(tmp_path, receiver_url)
    response = harness.submit("submit_misconduct", payload("misconduct"))
    reference = response.get_json()["reference"]
    harness.deliver_tasks()  # triage: the referral is queued, not delivered
    case = harness.store.get_case(reference)
    assert case is not None
    for _ in range(3):
        answer = post_notify(harness, case.submission_id, item)
        assert (answer.status_code, answer.get_json()["status"]) == (200, "not_pending")
    assert sent(harness) == []
    assert [e.kind for e in harness.store.case_events(reference)] == ["received", "triaged"]


def test_an_unknown_item_is_refused(tmp_path: Path, receiver_url: str) -> None:
    harness = office(tmp_path, receiver_url)
    _, submission_id = forwarded(harness)
    for item in ("reporter_ack-ethics_office", "anything", "referral_made-"):
        assert post_notify(harness, submission_id, item).status_code == 422
    assert sent(harness) == []


def held_back(log: CapturingHandler, since: int) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.lines[since:]
            if '"notification_held_back"' in line]


def test_mail_to_one_mailbox_is_held_back_over_its_limit_and_sent_later(
        tmp_path: Path, receiver_url: str, session_log: CapturingHandler) -> None:
    harness = office(tmp_path, receiver_url, INTAKE_MAIL_RECIPIENT_LIMIT="2",
                     INTAKE_MAIL_WINDOW_SECONDS="600")
    since = len(session_log.lines)
    # One mailbox, spelt three ways: a report's acknowledgement goes to each.
    spellings = [REPORTER, REPORTER.upper(), REPORTER.replace("@", "+intake@")]
    references = [forwarded(harness, payload("misconduct", reporter={
        "name": "Ottoline Farquharson", "email": address}))[0] for address in spellings]
    outcomes = _deliver(harness)
    assert sorted(status for _, status in outcomes) == [200] * 6 + [503] * 3
    # Two e-mails per mailbox: the reporter's (however spelt) and each office's.
    assert len([e for e in sent(harness) if e.to.lower().startswith("ottoline")]) == 2
    assert len(sent(harness)) == 6
    held = held_back(session_log, since)
    assert sorted(h["item"] for h in held) == ["referral_made-ethics_office",
                                               "referral_made-investigations",
                                               "reporter_ack-reporter"]
    assert {h["limit"] for h in held} == {"recipient"}
    assert {h["reference"] for h in held} <= set(references)
    assert "@" not in json.dumps(held) and "ottoline" not in json.dumps(held).lower()
    # Held back is not lost: it stays pending, its task is retried, and once the window
    # has passed the e-mail goes.
    waiting = {(h["reference"], h["item"]) for h in held}
    for reference, item in waiting:
        case = harness.store.get_case(reference)
        assert case is not None and item not in case.notifications_sent
    pending = harness.store.pending_tasks(harness.clock.now().replace(year=2100), 100)
    assert {(p.reference, p.item) for p in pending} == waiting
    assert [status for _, status in _deliver(harness)] == [503] * 3  # still the same window
    harness.clock.advance(seconds=601)
    assert [status for _, status in _deliver(harness)] == [200] * 3
    assert len([e for e in sent(harness) if e.to.lower().startswith("ottoline")]) == 3
    assert harness.store.pending_tasks(harness.clock.now().replace(year=2100), 100) == []


def test_all_mail_is_held_back_over_the_overall_limit_and_sweep_requeues_it(
        tmp_path: Path, receiver_url: str, session_log: CapturingHandler) -> None:
    harness = office(tmp_path, receiver_url, INTAKE_MAIL_TOTAL_LIMIT="2",
                     INTAKE_MAIL_WINDOW_SECONDS="900")
    since = len(session_log.lines)
    reference, _ = forwarded(harness)
    outcomes = _deliver(harness)
    assert sorted(status for _, status in outcomes) == [200, 200, 503]
    assert len(sent(harness)) == 2
    assert {h["limit"] for h in held_back(session_log, since)} == {"total"}
    harness.queue.take()  # the queue gave up on the held-back task
    harness.clock.advance(seconds=901)
    assert harness.post("sweep", {}).get_json()["requeued"] == 1
    assert [status for _, status in _deliver(harness)] == [200]
    case = harness.store.get_case(reference)
    assert case is not None and len(case.notifications_sent) == 3
    assert len(sent(harness)) == 3


def test_the_counters_never_hold_an_address(tmp_path: Path, receiver_url: str) -> None:
    harness = office(tmp_path, receiver_url)
    forwarded(harness)
    _deliver(harness)
    assert len(sent(harness)) == 3
    with sqlite3.connect(tmp_path / "intake.sqlite3") as db:
        keys = [row[0] for row in db.execute("SELECT key FROM mail_counters")]
        dump = "\n".join(db.iterdump()).lower()
    assert len(keys) == 4  # three mailboxes and the overall count
    assert "@" not in "".join(keys)
    for address in (REPORTER, "investigations-intake@localhost", "ethics-operations@localhost"):
        assert address not in dump and address.split("@")[0] not in "".join(keys)


def alert_item(code: str, where: str, reference: str) -> str:
    return notifications.item("integrity_alert", "ethics_office",
                              notifications.integrity_qualifier(code, where, reference))


def test_an_address_that_fails_its_seal_is_an_integrity_alert_sent_once_within_the_limits(
        tmp_path: Path, receiver_url: str) -> None:
    """A tampered envelope is neither a 422 nor an e-mail to whatever address it holds: the
    reporter's acknowledgement is skipped, and the integrity alert it raises is queued as a
    pending notification like any other: claimed, sent once, and held back by a full limit
    (then sent, never lost)."""
    harness = office(tmp_path, receiver_url, INTAKE_MAIL_RECIPIENT_LIMIT="1",
                     INTAKE_MAIL_WINDOW_SECONDS="600")
    reference, submission_id = forwarded(harness)
    harness.queue.take()  # the referral's notifications: posted directly below
    other = harness.submit("submit_misconduct", payload("misconduct", reporter={
        "name": "Someone Else", "email": "someone.else@example.org"}))
    other_case = harness.store.get_case(other.get_json()["reference"])
    submission = harness.store.get_submission(submission_id)
    assert other_case is not None and submission is not None
    swapped = harness.store.get_submission(other_case.submission_id)
    assert swapped is not None
    assert harness.container.sealed_records.replace_submission_seal(
        submission_id, expected=submission.sealed, sealed=swapped.sealed,
        request_digest=submission.request_digest)
    harness.queue.take()  # the other report's triage

    office_mail = post_notify(harness, submission_id, "referral_made-ethics_office")
    assert office_mail.get_json()["status"] == "sent"
    answer = post_notify(harness, submission_id, "reporter_ack-reporter")
    assert (answer.status_code, answer.get_json()["status"]) == (200, "skipped")
    assert [e.to for e in sent(harness)] == [harness.container.mail.ethics_office_mailbox]
    assert [e.details for e in harness.store.case_events(reference)
            if e.kind == "integrity_alert"] == [{"code": "seal_broken", "where": "submission"}]

    item = alert_item("seal_broken", "submission", reference)
    [alert] = [t for t in harness.queue.take() if t.payload["item"] == item]
    held = harness.post(alert.target, alert.payload)
    assert held.status_code == 503 and held.get_json()["errors"] == {"_limit": ["recipient"]}
    harness.clock.advance(seconds=601)
    statuses = [post_notify(harness, submission_id, item).get_json()["status"]
                for _ in range(3)]
    assert statuses == ["sent", "already_sent", "already_sent"]
    alerts = [e for e in sent(harness) if e.subject.startswith("SECURITY ALERT")]
    assert len(alerts) == 1 and reference in alerts[0].subject
    assert "example.org" not in alerts[0].body


def test_an_integrity_alert_the_system_never_raised_sends_nothing(
        tmp_path: Path, receiver_url: str) -> None:
    harness = office(tmp_path, receiver_url)
    reference, submission_id = forwarded(harness)
    harness.queue.take()
    answer = post_notify(harness, submission_id, alert_item("seal_broken", "submission",
                                                            reference))
    assert (answer.status_code, answer.get_json()["status"]) == (200, "not_pending")
    elsewhere = alert_item("records_disagree", "submission", "ETH-ADV-AAAAA-AAAAA")
    assert post_notify(harness, submission_id, elsewhere).status_code == 404
    assert sent(harness) == []
    assert [e.kind for e in harness.store.case_events(reference)
            if e.kind.startswith("integrity")] == []


def _deliver(harness: Harness) -> list[tuple[Any, int]]:
    """Deliver every queued task once; a task answered with anything but 2xx goes back."""
    outcomes = []
    for task in harness.queue.take():
        status = harness.post(task.target, task.payload).status_code
        outcomes.append((task, status))
        if not 200 <= status < 300:
            harness.queue.tasks.append(task)
    return outcomes


def stored_with_reporter_address(harness: Harness, address: str) -> tuple[str, str]:
    """A misconduct report stored as the submit functions stored it before the stricter
    address rules: validated, then ``address`` put in as the reporter's, sealed. Triaged
    and forwarded; its notify tasks left in the queue. (reference, submission id)."""
    from schemas.misconduct import MisconductReportSchema

    data = MisconductReportSchema().load(payload("misconduct"))
    data["reporter"]["email"] = address
    return triaged_and_forwarded(harness, harness.store_unchecked("misconduct", data))


LOOSER_ADDRESSES = [
    '"otto\x1bline"@example.org',  # a quoted local part carrying ESC
    '"otto\x07line"@example.org',  # and BEL
    '"ottoline farquharson"@example.org',  # quoted at all
    "ottoline@example.org\r\nBcc: everyone@example.org",  # a header of its own
    "ottol\u00efne@example.org",  # not ASCII before the @
    "otto\u200bline@example.org",  # an invisible character
    "ottoline@@example.org",
]


@pytest.mark.parametrize("address", LOOSER_ADDRESSES)
def test_a_stored_address_that_fails_todays_rules_is_never_written_to(
        tmp_path: Path, receiver_url: str, session_log: CapturingHandler,
        address: str) -> None:
    harness = office(tmp_path, receiver_url)
    since = len(session_log.lines)
    reference, submission_id = stored_with_reporter_address(harness, address)
    outcomes = _deliver(harness)
    assert sorted(status for _, status in outcomes) == [200, 200, 200]
    mail = harness.container.mail
    assert sorted(e.to for e in sent(harness)) == sorted([mail.investigations_mailbox,
                                                          mail.ethics_office_mailbox])
    answer = post_notify(harness, submission_id, "reporter_ack-reporter")
    assert answer.get_json()["status"] == "already_sent"  # settled: skipped, not retried
    assert [e.details["item"] for e in harness.store.case_events(reference)
            if e.kind == "notification_skipped"] == ["reporter_ack-reporter"]
    assert harness.store.pending_tasks(harness.clock.now().replace(year=2100), 100) == []
    refused = [json.loads(line) for line in session_log.lines[since:]
               if '"notification_address_refused"' in line]
    assert [(r["reference"], r["item"], r["role"]) for r in refused] == [
        (reference, "reporter_ack-reporter", "reporter")]
    logged = "\n".join(session_log.lines[since:])
    assert "otto" not in logged.lower()


def test_a_stored_assignee_address_that_fails_todays_rules_is_never_written_to(
        tmp_path: Path, receiver_url: str, session_log: CapturingHandler) -> None:
    from dataclasses import replace
    from datetime import timedelta

    from shared.domain.records import CaseChange
    from shared.services.sweep import sweep

    harness = office(tmp_path, receiver_url)
    response = harness.submit("submit_retaliation", payload("retaliation"))
    reference = response.get_json()["reference"]
    harness.drain()
    bad = '"dana\x1b[2J"@example.org'
    harness.store.update_case(reference, lambda c: CaseChange(replace(c, assignee=bad)))
    case = harness.store.get_case(reference)
    assert case is not None
    since, before = len(session_log.lines), len(sent(harness))
    harness.clock.current = case.deadlines["preliminary_review_due"] + timedelta(days=1)
    sweep(store=harness.store, queue=harness.queue, clock=harness.clock,
          grace=harness.container.sweep_grace, batch=100)
    harness.drain()
    assert [e.to for e in sent(harness)[before:]] == [
        harness.container.mail.ethics_office_mailbox]
    refused = [json.loads(line) for line in session_log.lines[since:]
               if '"notification_address_refused"' in line]
    assert [(r["reference"], r["role"]) for r in refused] == [(reference, "assignee")]
    assert "dana" not in "\n".join(session_log.lines[since:])


@pytest.mark.parametrize("item", ["no_such_template-ethics_office",
                                  "referral_made-no_such_role"])
def test_a_task_naming_no_notification_is_refused_once_logged_as_an_error_and_sends_nothing(
        tmp_path: Path, receiver_url: str, session_log: CapturingHandler, item: str) -> None:
    """A task for an item the system never makes (its shape passes the schema) can never
    succeed: a 422 naming ``item``, an ERROR ``task_refused`` saying so, nothing sent,
    nothing left pending for sweep to queue again."""
    harness = office(tmp_path, receiver_url)
    reference, submission_id = forwarded(harness)
    _deliver(harness)  # the referral's own notifications
    before = list(sent(harness))
    since = len(session_log.lines)
    answer = post_notify(harness, submission_id, item)
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["item"]
    refused = [json.loads(line) for line in session_log.lines[since:]
               if '"task_refused"' in line]
    assert [(r["severity"], r["function"], r["status"]) for r in refused] == [
        ("ERROR", "notify", 422)]
    assert sent(harness) == before
    harness.clock.advance(seconds=3600)
    assert harness.post("sweep", {}).get_json()["requeued"] == 0
    case = harness.store.get_case(reference)
    assert case is not None and item not in case.notifications_sent
