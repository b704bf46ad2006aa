"""The follow-up's rules without I/O: lockout arithmetic, what a submitter is told about
each state of each workflow, unreadable messages."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.domain.case_workflows import WORKFLOWS
from shared.domain.follow_up import (
    FALLBACK,
    STATUSES,
    Lockout,
    SubmitterStatus,
    all_statuses,
    missing_statuses,
    submitter_status,
)
from shared.domain.policy import Policy
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY, REPLY_TO_SUBMITTER, event_context
from shared.services.follow_up import read_case
from tests.contract.test_store_contract import records
from tests.support.fakes import FixedClock, InMemoryFollowUpStore, InMemoryStore, RecordingQueue

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)


def test_the_fifth_attempt_locks_and_a_locked_reference_counts_nothing() -> None:
    state = Lockout()
    for n in range(4):
        counted = state.reserve(T0 + timedelta(seconds=n), 5, LOCK)
        assert counted is not None and counted.failures == n + 1
        assert not counted.is_locked(T0 + timedelta(seconds=n))
        state = counted
    fifth = state.reserve(T0 + timedelta(seconds=4), 5, LOCK)
    assert fifth is not None and fifth.is_locked(T0 + timedelta(seconds=4))
    assert fifth.locked_until == T0 + timedelta(seconds=4) + LOCK
    assert fifth.reserve(T0 + timedelta(minutes=10), 5, LOCK) is None  # refused, not counted
    assert not fifth.is_locked(T0 + timedelta(seconds=4) + LOCK)
    after = fifth.reserve(T0 + timedelta(hours=1), 5, LOCK)
    assert after is not None and (after.failures, after.locked_until) == (1, None)
    assert after.since == T0 + timedelta(hours=1)  # a new window


def test_attempts_spread_over_more_than_the_period_never_lock() -> None:
    state = Lockout()
    for n in range(10):
        counted = state.reserve(T0 + n * LOCK, 5, LOCK)
        assert counted is not None and counted.failures == 1 and counted.locked_until is None
        state = counted


def test_a_refund_gives_back_one_attempt_and_never_another() -> None:
    first = Lockout().reserve(T0, 5, LOCK)
    assert first is not None
    second = first.reserve(T0 + timedelta(seconds=1), 5, LOCK)
    assert second is not None
    third = second.reserve(T0 + timedelta(seconds=2), 5, LOCK)
    assert third is not None
    refunded = third.refund(second, 5)  # the second check matched
    assert (refunded.failures, refunded.since, refunded.last_failure_at) == (
        2, T0, T0 + timedelta(seconds=2))
    assert Lockout().refund(second, 5) == Lockout()  # nothing counted: nothing to give


def test_a_refund_lifts_a_lock_only_below_the_limit() -> None:
    state = Lockout()
    reservations = []
    for n in range(5):
        counted = state.reserve(T0 + timedelta(seconds=n), 5, LOCK)
        assert counted is not None
        reservations.append(counted)
        state = counted
    assert state.is_locked(T0 + timedelta(seconds=5))
    # One of the five was the right receipt: four wrong ones do not lock.
    lifted = state.refund(reservations[2], 5)
    assert (lifted.failures, lifted.locked_until) == (4, None)
    # With a limit of three, four wrong ones still lock.
    assert state.refund(reservations[2], 3).locked_until == state.locked_until


def test_a_refund_never_reaches_into_a_later_window() -> None:
    old = Lockout().reserve(T0, 5, LOCK)
    assert old is not None
    later = old.reserve(T0 + LOCK, 5, LOCK)  # the old window is over: a new one
    assert later is not None and later.since != old.since
    assert later.refund(old, 5) == later


def test_a_short_pause_paces_the_checks_past_the_limit_instead_of_stopping_them() -> None:
    pace = LOCK / 100
    state = Lockout()
    for n in range(3):
        counted = state.reserve(T0 + timedelta(seconds=n), 3, LOCK, pause=pace)
        assert counted is not None
        state = counted
    assert state.locked_until == T0 + timedelta(seconds=2) + pace  # the third: a pace
    assert state.reserve(T0 + timedelta(seconds=2) + pace / 2, 3, LOCK, pause=pace) is None
    paced = state.reserve(T0 + timedelta(seconds=2) + pace, 3, LOCK, pause=pace)
    assert paced is not None and paced.failures == 4  # still the same window
    assert paced.locked_until == T0 + timedelta(seconds=2) + 2 * pace
    quiet = paced.reserve(T0 + timedelta(seconds=2) + pace + LOCK, 3, LOCK, pause=pace)
    assert quiet is not None and (quiet.failures, quiet.locked_until) == (1, None)


def test_the_attempts_left_before_the_lock() -> None:
    state, left = Lockout(), []
    for n in range(5):
        counted = state.reserve(T0 + timedelta(seconds=n), 5, LOCK)
        assert counted is not None
        left.append(counted.remaining(5))
        state = counted
    assert left == [4, 3, 2, 1, 0]
    assert Lockout().remaining(5) == 5


EVERY_STATE = [(form, state) for form, workflow in WORKFLOWS.items()
               for state in workflow.states]
OIAI = "Office of Internal Audit and Investigations"
# A fixed text cannot carry a case's details: nothing is filled in (no placeholder), and
# no reference, date, count, address or code can be in it (no digit, no @, no _).
CASE_DETAIL = re.compile(r"[\d@_{}]|%\(|%s|ETH-|officer:")


def _statuses(entry: SubmitterStatus | Mapping[str, SubmitterStatus]) -> list[SubmitterStatus]:
    return [entry] if isinstance(entry, SubmitterStatus) else list(entry.values())


# Every (form, state, referral status) a case can be shown in: a state whose words depend
# on where the referral stands has one status per referral status.
EVERY_STATUS = [(form, state, referral)
                for form, state in EVERY_STATE
                for referral in ((None,) if isinstance(STATUSES[form][state], SubmitterStatus)
                                 else ("pending", "delivered", "failed"))]


def test_every_state_of_every_workflow_has_its_own_status_and_nothing_more() -> None:
    assert missing_statuses(STATUSES, WORKFLOWS) == []
    assert {(f, s) for f, states in STATUSES.items() for s in states} == set(EVERY_STATE)
    for form, state, referral in EVERY_STATUS:
        status = submitter_status(state, form, referral)
        assert status != FALLBACK
        assert status in _statuses(STATUSES[form][state])


def test_an_incomplete_table_is_found_out() -> None:
    short = {form: dict(states) for form, states in STATUSES.items()}
    del short["retaliation"]["no_prima_facie"]
    short["misconduct"]["lost"] = FALLBACK
    short["training"] = {"received": FALLBACK}
    assert missing_statuses(short, WORKFLOWS) == [
        "misconduct: status for unknown state 'lost'",
        "retaliation: no status for state 'no_prima_facie'",
        "training: status for unknown state 'received'"]


@pytest.mark.parametrize(("form", "state", "referral"), EVERY_STATUS,
                         ids=[f"{f}:{s}:{r}" for f, s, r in EVERY_STATUS])
def test_every_status_is_plain_and_holds_no_case_detail(form: str, state: str,
                                                        referral: str | None) -> None:
    status = submitter_status(state, form, referral)
    assert status.label and status.label[0].isupper() and not status.label.endswith(".")
    assert len(status.label) <= 40
    assert status.next_step.endswith(".") and len(status.next_step) < 300
    for text in (status.label, status.next_step):
        assert text == text.strip() and "  " not in text
        assert not CASE_DETAIL.search(text), text
    assert status in all_statuses()  # so the catalogues carry it


def test_the_catalogue_list_has_each_status_once_and_the_fallback_last() -> None:
    statuses = all_statuses()
    assert len(statuses) == len(set(statuses))
    assert statuses[-1] == FALLBACK
    assert set(statuses) == {*(s for states in STATUSES.values() for e in states.values()
                               for s in _statuses(e)), FALLBACK}


@pytest.mark.parametrize(("state", "form", "referral", "expected"), [
    ("received", "advice", None, "An ethics adviser will read your request"),
    ("received", "misconduct", "pending", f"will be passed to the {OIAI}"),
    ("received", "retaliation", None, "preliminary review"),
    ("forwarded", "misconduct", "delivered", f"{OIAI} received your report"),
    ("acknowledged", "misconduct", "delivered", "confirmed that it received your report"),
    ("prima_facie_established", "retaliation", None,
     "recommend interim measures to protect you"),
    ("no_prima_facie", "retaliation", None,
     "You may ask the Chair of the Ethics Panel of the United Nations to review it, within "
     "the time limit that runs from the day you were told of it."),
    ("panel_window_lapsed", "retaliation", None, "an ethics officer can still record it"),
    ("panel_review_requested", "retaliation", None, "Chair of the Ethics Panel"),
    ("returned", "retaliation", None, "take up its preliminary review again"),
    ("referred_for_investigation", "retaliation", "pending",
     f"is referring the retaliatory acts you reported to the {OIAI}"),
    ("referred_for_investigation", "retaliation", "delivered",
     f"{OIAI} received the matter for investigation"),
    ("closed_referred_misconduct", "advice", "pending", f"is passing it to the {OIAI}"),
    ("closed_referred_misconduct", "advice", "delivered", f"passed it to the {OIAI}"),
    ("closed_referred_misconduct", "retaliation", "pending", f"is passing it to the {OIAI}"),
    ("closed_referred_misconduct", "retaliation", "delivered", f"the {OIAI} received it"),
])
def test_the_next_step_says_what_happens_and_who_acts(state: str, form: str,
                                                      referral: str | None,
                                                      expected: str) -> None:
    assert expected in submitter_status(state, form, referral).next_step


@pytest.mark.parametrize(("state", "form", "referral"), [
    ("forwarding_failed", "misconduct", "failed"),
    ("closed_referred_misconduct", "advice", "failed"),
    ("closed_referred_misconduct", "retaliation", "failed"),
    ("referred_for_investigation", "retaliation", "failed"),
])
def test_a_referral_not_delivered_yet_is_told_honestly_without_alarm(
        state: str, form: str, referral: str) -> None:
    status = submitter_status(state, form, referral)
    assert status.label in ("Forwarding delayed", "Referral delayed")
    assert "taking longer than usual" in status.next_step
    assert "an ethics officer is making sure it arrives" in status.next_step
    assert not re.search(r"fail|error|lost|problem|refus", status.next_step, re.I)


@pytest.mark.parametrize(("state", "form"), [
    ("received", "training"),  # a form without a workflow
    ("reopened_by_panel", "retaliation"),  # a state a newer version might store
    ("assigned", "misconduct"),  # a state of another form's workflow
])
def test_an_unknown_state_gets_the_fallback(state: str, form: str) -> None:
    assert submitter_status(state, form) == FALLBACK == SubmitterStatus(
        "In progress",
        "The Ethics Office is working on your case. Check this page again for replies.")


def test_a_message_that_cannot_be_opened_is_shown_as_such_logged_and_alerted(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = InMemoryStore()
    follow_up = InMemoryFollowUpStore(store)
    submission, case, event, pending = records()
    store.create_submission(submission, case, event, pending)
    cipher = EnvelopeCipher({CASES_KEY: LocalKeyService.from_file(tmp_path / "c", create=True),
                             MESSAGES_KEY: LocalKeyService.from_file(tmp_path / "m",
                                                                     create=True)})
    good = cipher.seal(event_context(REPLY_TO_SUBMITTER, case.reference, "b" * 32),
                       b"readable")
    follow_up.append_message(case.reference, kind="reply_to_submitter", actor="officer:x",
                             message_id="a" * 32, sealed=good, at=T0)  # wrong id
    follow_up.append_message(case.reference, kind="reply_to_submitter", actor="officer:x",
                             message_id="b" * 32, sealed=good, at=T0)
    queue = RecordingQueue()
    with caplog.at_level(logging.ERROR):
        view = read_case(case.reference, store=store, follow_up=follow_up, cipher=cipher,
                         queue=queue, clock=FixedClock(T0), policy=Policy())
    assert [m.text for m in view.messages] == [None, "readable"]
    assert [(r.levelname, getattr(r, "event", "")) for r in caplog.records
            if getattr(r, "event", "") == "seal_broken"] == [("ERROR", "seal_broken")]
    # The Ethics Office is told once, by e-mail, with the case's reference only.
    token = case.reference.lower().replace("-", "_")
    assert [t.payload.get("item") for t in queue.take()] == [
        f"integrity_alert.seal_broken.event_2.{token}-ethics_office"]
    assert store.case_events(case.reference)[-1].kind == "integrity_alert"


def test_a_failed_transaction_begin_is_a_store_outage() -> None:
    from google.api_core import exceptions as api_exceptions

    from shared.adapters.firestore_followup import FirestoreFollowUpStore
    from shared.ports.storage import StoreUnavailable

    class Database:
        @staticmethod
        def guard():
            from contextlib import nullcontext
            return nullcontext()

        client = None

    follow_up = FirestoreFollowUpStore(Database())  # type: ignore[arg-type]

    def begin_then_rollback() -> None:
        try:
            raise api_exceptions.ServiceUnavailable("down")  # type: ignore[no-untyped-call]
        except api_exceptions.GoogleAPIError:
            raise ValueError("The transaction has no transaction ID") from None

    with pytest.raises(StoreUnavailable), follow_up._guard():
        begin_then_rollback()
    with pytest.raises(ValueError, match="other"), follow_up._guard():
        raise ValueError("other")
