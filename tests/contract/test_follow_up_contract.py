"""One suite, every follow-up store: the in-memory fake, SQLite, and the Firestore emulator.

Each adapter shares its intake store's database, so every test writes a case through the
intake store first and checks what the follow-up store does to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.domain.follow_up import Lockout
from shared.domain.triage import triaged
from shared.ports import FollowUpStore, IntakeStore, StoreUnavailable
from tests.contract.test_store_contract import TRIAGE, records
from tests.support.fakes import InMemoryFollowUpStore, InMemoryStore

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
LOCK = timedelta(hours=1)
SEALED = {"v": 1, "alg": "AES-256-GCM", "kid": "local:abc", "wrapped_key": "AAAA",
          "nonce": "BBBB", "ciphertext": "CCCC"}


@pytest.fixture(params=["memory", "sqlite", "firestore"])
def stores(request: pytest.FixtureRequest,
           tmp_path: Path) -> Iterator[tuple[IntakeStore, FollowUpStore]]:
    if request.param == "memory":
        memory = InMemoryStore()
        yield memory, InMemoryFollowUpStore(memory)
    elif request.param == "sqlite":
        from shared.adapters.sqlite_followup import SqliteFollowUpStore
        from shared.adapters.sqlite_store import SqliteStore

        sqlite = SqliteStore(tmp_path / "intake.sqlite3")
        yield sqlite, SqliteFollowUpStore(sqlite)
    else:
        from shared.adapters.firestore_followup import FirestoreFollowUpStore
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        firestore = FirestoreStore.connect(project, "(default)", timeout=10)
        yield firestore, FirestoreFollowUpStore(firestore)


def _case(store: IntakeStore) -> str:
    submission, case, event, pending = records()
    store.create_submission(submission, case, event, pending)
    return case.reference


def test_an_unknown_case_has_no_messages_and_takes_none(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    assert follow_up.messages("ETH-ADV-00000-00000") == []
    with pytest.raises(LookupError):
        follow_up.append_message("ETH-ADV-00000-00000", kind="submitter_message",
                                 actor="submitter", message_id="a" * 32, sealed=SEALED, at=T0)
    assert store.case_events("ETH-ADV-00000-00000") == []


def test_a_message_is_the_next_history_event_and_moves_the_case(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    reference = _case(store)
    at = T0 + timedelta(days=2)
    event = follow_up.append_message(reference, kind="submitter_message", actor="submitter",
                                     message_id="a" * 32, sealed=SEALED, at=at)
    assert (event.seq, event.kind, event.actor, event.at) == (2, "submitter_message",
                                                              "submitter", at)
    assert event.details == {"message_id": "a" * 32, "sealed": SEALED}
    case = store.get_case(reference)
    assert case is not None
    assert (case.event_count, case.updated_at) == (2, at)
    assert store.case_events(reference)[-1] == event
    assert follow_up.messages(reference) == [event]


def test_messages_are_both_kinds_in_order_and_nothing_else(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    reference = _case(store)
    first = follow_up.append_message(reference, kind="submitter_message", actor="submitter",
                                     message_id="1" * 32, sealed=SEALED, at=T0)
    assert store.update_case(reference, lambda c: triaged(c, TRIAGE, T0 + timedelta(seconds=1)))
    reply = follow_up.append_message(reference, kind="reply_to_submitter",
                                     actor="officer:a.b@example.org", message_id="2" * 32,
                                     sealed=SEALED, at=T0 + timedelta(hours=1))
    assert [e.seq for e in store.case_events(reference)] == [1, 2, 3, 4]
    assert follow_up.messages(reference) == [first, reply]
    case = store.get_case(reference)
    assert case is not None
    assert case.triage == TRIAGE  # a message keeps what triage wrote
    assert case.event_count == 4


def test_a_repeated_message_id_changes_nothing(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    reference = _case(store)
    first = follow_up.append_message(reference, kind="submitter_message", actor="submitter",
                                     message_id="a" * 32, sealed=SEALED, at=T0)
    again = follow_up.append_message(reference, kind="submitter_message", actor="submitter",
                                     message_id="a" * 32,
                                     sealed=dict(SEALED, ciphertext="DDDD"),
                                     at=T0 + timedelta(minutes=5))
    assert again == first
    assert len(store.case_events(reference)) == 2
    case = store.get_case(reference)
    assert case is not None
    assert case.event_count == 2


# Three writers at once: the Firestore emulator resolves contention by lock timeouts of
# seconds (DESIGN.md), so more threads only make the suite slower, not the check stronger.
def test_concurrent_messages_get_distinct_consecutive_numbers(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    reference = _case(store)
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            follow_up.append_message(reference, kind="submitter_message", actor="submitter",
                                     message_id=f"{n:032x}", sealed=SEALED, at=T0)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [e.seq for e in store.case_events(reference)] == [1, 2, 3, 4]
    case = store.get_case(reference)
    assert case is not None
    assert case.event_count == 4


def test_five_failures_lock_any_reference_for_the_period(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-MIS-ABCDE-FGHJK"  # no such case: counted all the same
    assert follow_up.lockout(reference) == Lockout()
    for n in range(4):
        state = follow_up.record_failure(reference, at=T0 + timedelta(minutes=n), limit=5,
                                         lock_for=LOCK)
        assert (state.failures, state.locked_until) == (n + 1, None)
    locked = follow_up.record_failure(reference, at=T0 + timedelta(minutes=4), limit=5,
                                      lock_for=LOCK)
    assert locked.locked_until == T0 + timedelta(minutes=4) + LOCK
    assert follow_up.lockout(reference) == locked
    assert locked.is_locked(T0 + timedelta(minutes=30))
    during = follow_up.record_failure(reference, at=T0 + timedelta(minutes=30), limit=5,
                                      lock_for=LOCK)
    assert during == locked  # not counted while locked
    after = follow_up.record_failure(reference, at=T0 + timedelta(hours=2), limit=5,
                                     lock_for=LOCK)
    assert (after.failures, after.locked_until) == (1, None)
    assert follow_up.lockout("ETH-MIS-ZZZZZ-ZZZZZ") == Lockout()


def test_clearing_failures_forgets_them(stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    follow_up.record_failure("ETH-ADV-AAAAA-AAAAA", at=T0, limit=5, lock_for=LOCK)
    follow_up.clear_failures("ETH-ADV-AAAAA-AAAAA")
    follow_up.clear_failures("ETH-ADV-BBBBB-BBBBB")  # nothing to clear: no error
    assert follow_up.lockout("ETH-ADV-AAAAA-AAAAA") == Lockout()


def test_concurrent_failures_are_all_counted(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-RET-CCCCC-CCCCC"
    threads = [threading.Thread(target=follow_up.record_failure, args=(reference,),
                                kwargs={"at": T0, "limit": 10, "lock_for": LOCK})
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert follow_up.lockout(reference).failures == 3


def test_stale_failures_are_forgotten(stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-ADV-DDDDD-DDDDD"
    for _ in range(4):
        follow_up.record_failure(reference, at=T0, limit=5, lock_for=LOCK)
    later = follow_up.record_failure(reference, at=T0 + LOCK, limit=5, lock_for=LOCK)
    assert replace(later, last_failure_at=None) == Lockout(1)


def test_firestore_down_raises_store_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.firestore_followup import FirestoreFollowUpStore
    from shared.adapters.firestore_store import FirestoreStore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")  # nothing listens there
    follow_up = FirestoreFollowUpStore(FirestoreStore.connect("test-down", "(default)",
                                                              timeout=1))
    with pytest.raises(StoreUnavailable):
        follow_up.lockout("ETH-ADV-00000-00000")
    with pytest.raises(StoreUnavailable):
        follow_up.messages("ETH-ADV-00000-00000")
    # Writes are transactions, whose begin the client retries for 60 s before giving up:
    # the guard that maps that end is exercised in tests/unit/test_follow_up.py.
