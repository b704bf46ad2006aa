"""The follow-up's rules without I/O: lockout arithmetic, statuses, unreadable messages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.domain.follow_up import FALLBACK, STATES, Lockout, submitter_status
from shared.services.follow_up import read_case
from tests.contract.test_store_contract import records
from tests.support.fakes import InMemoryFollowUpStore, InMemoryStore

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)


def test_the_fifth_failure_locks_and_a_locked_reference_counts_nothing() -> None:
    state = Lockout()
    for n in range(4):
        state = state.after_failure(T0 + timedelta(seconds=n), 5, LOCK)
        assert not state.is_locked(T0 + timedelta(seconds=n))
    state = state.after_failure(T0 + timedelta(seconds=4), 5, LOCK)
    assert state.is_locked(T0 + timedelta(seconds=4))
    assert state.locked_until == T0 + timedelta(seconds=4) + LOCK
    assert state.after_failure(T0 + timedelta(minutes=10), 5, LOCK) == state
    assert not state.is_locked(T0 + timedelta(seconds=4) + LOCK)
    assert state.after_failure(T0 + timedelta(hours=1), 5, LOCK).failures == 1


def test_failures_spread_over_more_than_the_period_never_lock() -> None:
    state = Lockout()
    for n in range(10):
        state = state.after_failure(T0 + n * LOCK, 5, LOCK)
        assert state.failures == 1 and state.locked_until is None


@pytest.mark.parametrize(("state", "form", "expected"), [
    ("received", "misconduct", "forwarded to the Office of Internal Audit"),
    ("received", "retaliation", "preliminary review"),
    ("received", "training", FALLBACK.next_step),
    ("forwarded", "misconduct", STATES["forwarded"].next_step),
    ("reopened_by_panel", "retaliation", FALLBACK.next_step),
])
def test_every_state_has_a_next_step(state: str, form: str, expected: str) -> None:
    assert expected in submitter_status(state, form).next_step


def test_a_message_that_cannot_be_opened_is_shown_as_such_and_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = InMemoryStore()
    follow_up = InMemoryFollowUpStore(store)
    submission, case, event, pending = records()
    store.create_submission(submission, case, event, pending)
    cipher = EnvelopeCipher(LocalKeyService.from_file(tmp_path / "k", create=True))
    good = cipher.seal("b" * 32, b"readable", {})
    follow_up.append_message(case.reference, kind="reply_to_submitter", actor="officer:x",
                             message_id="a" * 32, sealed=good.envelope, at=T0)  # wrong id
    follow_up.append_message(case.reference, kind="reply_to_submitter", actor="officer:x",
                             message_id="b" * 32, sealed=good.envelope, at=T0)
    with caplog.at_level(logging.ERROR):
        view = read_case(case.reference, store=store, follow_up=follow_up, cipher=cipher)
    assert [m.text for m in view.messages] == [None, "readable"]
    assert any(getattr(r, "event", "") == "message_unreadable" for r in caplog.records)


def test_a_failed_transaction_begin_is_a_store_outage() -> None:
    from google.api_core import exceptions as api_exceptions

    from shared.adapters.firestore_followup import FirestoreFollowUpStore
    from shared.ports import StoreUnavailable

    class Store:
        @staticmethod
        def guard():
            from contextlib import nullcontext
            return nullcontext()

        client = None

    follow_up = FirestoreFollowUpStore(Store())  # type: ignore[arg-type]

    def begin_then_rollback() -> None:
        try:
            raise api_exceptions.ServiceUnavailable("down")  # type: ignore[no-untyped-call]
        except api_exceptions.GoogleAPIError:
            raise ValueError("The transaction has no transaction ID") from None

    with pytest.raises(StoreUnavailable), follow_up._guard():
        begin_then_rollback()
    with pytest.raises(ValueError, match="other"), follow_up._guard():
        raise ValueError("other")
