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

from shared.domain.follow_up import Attempt, Lockout
from shared.domain.policy import Policy
from shared.domain.triage import triaged
from shared.ports.follow_up import FollowUpStore
from shared.ports.storage import IntakeStore, StoreUnavailable
from tests.contract.test_store_contract import TRIAGE, records
from tests.support.fakes import FixedClock, InMemoryFollowUpStore, InMemoryStore, RecordingQueue

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

        sqlite = SqliteStore.open(tmp_path / "intake.sqlite3")
        yield sqlite, SqliteFollowUpStore(sqlite.database)
    else:
        from shared.adapters.firestore_followup import FirestoreFollowUpStore
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        firestore = FirestoreStore.connect(project, "(default)", timeout=10)
        yield firestore, FirestoreFollowUpStore(firestore.database)


def _case(store: IntakeStore, n: int = 1) -> str:
    submission, case, event, pending = records(n)
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
# seconds, so more threads only make the suite slower, not the check stronger.
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


def test_a_message_id_is_scoped_to_its_case(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    # The id comes from the client: reused on another case, it must not drop that message.
    store, follow_up = stores
    first, second = _case(store, 1), _case(store, 2)
    mine = follow_up.append_message(first, kind="submitter_message", actor="submitter",
                                    message_id="c" * 32, sealed=SEALED, at=T0)
    other_sealed = dict(SEALED, ciphertext="EEEE")
    theirs = follow_up.append_message(second, kind="submitter_message", actor="submitter",
                                      message_id="c" * 32, sealed=other_sealed,
                                      at=T0 + timedelta(minutes=1))
    assert (theirs.seq, theirs.details["sealed"]) == (2, other_sealed)
    assert follow_up.messages(second) == [theirs]
    assert follow_up.messages(first) == [mine]
    # ...and stays idempotent on each case.
    assert follow_up.append_message(second, kind="submitter_message", actor="submitter",
                                    message_id="c" * 32, sealed=SEALED,
                                    at=T0 + timedelta(minutes=2)) == theirs
    assert follow_up.append_message(first, kind="submitter_message", actor="submitter",
                                    message_id="c" * 32, sealed=other_sealed,
                                    at=T0 + timedelta(minutes=2)) == mine
    assert [len(store.case_events(r)) for r in (first, second)] == [2, 2]


def _reserve(follow_up: FollowUpStore, reference: str, at: datetime,
             limit: int = 5, pause: timedelta | None = None) -> Attempt:
    return follow_up.reserve_attempt(reference, at=at, limit=limit, lock_for=LOCK,
                                     pause=pause)


def test_five_attempts_lock_any_reference_for_the_period(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-MIS-ABCDE-FGHJK"  # no such case: counted all the same
    assert follow_up.lockout(reference) == Lockout()
    for n in range(4):
        attempt = _reserve(follow_up, reference, T0 + timedelta(minutes=n))
        assert attempt.granted
        assert (attempt.lockout.failures, attempt.lockout.locked_until) == (n + 1, None)
        assert follow_up.lockout(reference) == attempt.lockout
    locking = _reserve(follow_up, reference, T0 + timedelta(minutes=4))
    assert locking.granted  # the check that locks is still made
    assert locking.lockout.locked_until == T0 + timedelta(minutes=4) + LOCK
    assert follow_up.lockout(reference) == locking.lockout
    during = _reserve(follow_up, reference, T0 + timedelta(minutes=30))
    assert during == Attempt(False, locking.lockout)  # refused, and not counted
    assert follow_up.lockout(reference) == locking.lockout
    after = _reserve(follow_up, reference, T0 + timedelta(hours=2))
    assert after.granted and (after.lockout.failures, after.lockout.locked_until) == (1, None)
    assert follow_up.lockout("ETH-MIS-ZZZZZ-ZZZZZ") == Lockout()


def test_past_the_limit_a_short_pause_paces_the_checks_of_a_reference(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    """The counter of every client's checks of a reference: past its limit each check
    waits a pause, the window goes on, and the stored counter still expires."""
    _, follow_up = stores
    reference = "ETH-RET-PPPPP-PPPPP"  # no such case: counted all the same
    pace = timedelta(seconds=18)
    for n in range(3):
        attempt = _reserve(follow_up, reference, T0 + timedelta(seconds=n), 3, pace)
        assert attempt.granted
    assert attempt.lockout.locked_until == T0 + timedelta(seconds=2) + pace
    assert follow_up.lockout(reference) == attempt.lockout
    during = _reserve(follow_up, reference, T0 + timedelta(seconds=10), 3, pace)
    assert during == Attempt(False, attempt.lockout)  # refused, and not counted
    turn = _reserve(follow_up, reference, T0 + timedelta(seconds=2) + pace, 3, pace)
    assert turn.granted and turn.lockout.failures == 4
    assert turn.lockout.locked_until == T0 + timedelta(seconds=2) + 2 * pace
    assert follow_up.lockout(reference) == turn.lockout
    follow_up.refund_attempt(reference, turn, limit=3)  # the right code: still paced
    assert follow_up.lockout(reference).failures == 3
    assert follow_up.lockout(reference).locked_until == turn.lockout.locked_until
    quiet = _reserve(follow_up, reference, T0 + timedelta(seconds=2) + pace + LOCK, 3, pace)
    assert quiet.granted and (quiet.lockout.failures, quiet.lockout.locked_until) == (1, None)


def _stored_expiry(follow_up: FollowUpStore, reference: str) -> datetime:
    """The ``expires_at`` a stored counter carries (what Firestore's TTL policy reads)."""
    import json

    from shared.adapters.documents import timestamp
    from shared.adapters.firestore_followup import FirestoreFollowUpStore
    from shared.adapters.sqlite_followup import SqliteFollowUpStore

    if isinstance(follow_up, SqliteFollowUpStore):
        with follow_up._db.connection() as db:
            row = db.execute("SELECT doc FROM follow_up_lockouts WHERE reference = ?",
                             (reference,)).fetchone()
        return timestamp(json.loads(row[0])["expires_at"])
    if isinstance(follow_up, FirestoreFollowUpStore):
        doc = follow_up._lockout_ref(reference).get().to_dict() or {}
        return timestamp(doc["expires_at"])
    raise TypeError(f"not a stored backend: {type(follow_up).__name__}")


@pytest.mark.parametrize("stores", ["sqlite", "firestore"], indirect=True)
def test_a_stored_counter_expires_a_lock_period_after_its_last_check_or_pause(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference, pace = "ETH-ADV-TTTTT-TTTTT", timedelta(seconds=18)
    _reserve(follow_up, reference, T0, 2, pace)
    assert _stored_expiry(follow_up, reference) == T0 + LOCK
    _reserve(follow_up, reference, T0 + timedelta(seconds=1), 2, pace)  # paced from here
    assert _stored_expiry(follow_up, reference) == T0 + timedelta(seconds=1) + pace + LOCK


def test_a_refund_gives_back_only_its_own_attempt(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-ADV-AAAAA-AAAAA"
    wrong = _reserve(follow_up, reference, T0)
    right = _reserve(follow_up, reference, T0 + timedelta(seconds=1))
    later = _reserve(follow_up, reference, T0 + timedelta(seconds=2))  # during the check
    follow_up.refund_attempt(reference, right, limit=5)
    state = follow_up.lockout(reference)
    assert (state.failures, state.last_failure_at) == (2, later.lockout.last_failure_at)
    assert wrong.granted and later.granted
    follow_up.refund_attempt("ETH-ADV-BBBBB-BBBBB", right, limit=5)  # none kept: no error
    assert follow_up.lockout("ETH-ADV-BBBBB-BBBBB") == Lockout()
    refused = Attempt(False, Lockout())
    follow_up.refund_attempt(reference, refused, limit=5)  # a refused check gives nothing
    assert follow_up.lockout(reference).failures == 2


def test_a_refund_lifts_the_lock_its_attempt_completed_and_no_other(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-RET-EEEEE-EEEEE"
    attempts = [_reserve(follow_up, reference, T0 + timedelta(seconds=n)) for n in range(5)]
    assert follow_up.lockout(reference).is_locked(T0 + timedelta(seconds=5))
    follow_up.refund_attempt(reference, attempts[4], limit=5)  # the fifth was right
    state = follow_up.lockout(reference)
    assert (state.failures, state.is_locked(T0 + timedelta(seconds=5))) == (4, False)
    assert _reserve(follow_up, reference, T0 + timedelta(seconds=6)).granted
    assert follow_up.lockout(reference).is_locked(T0 + timedelta(seconds=6))


def test_concurrent_attempts_are_all_counted(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-RET-CCCCC-CCCCC"
    threads = [threading.Thread(target=_reserve, args=(follow_up, reference, T0, 10))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert follow_up.lockout(reference).failures == 3


def test_stale_attempts_are_forgotten(stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-ADV-DDDDD-DDDDD"
    for _ in range(4):
        _reserve(follow_up, reference, T0)
    later = _reserve(follow_up, reference, T0 + LOCK)
    assert (later.lockout.failures, later.lockout.locked_until, later.lockout.since) == (
        1, None, T0 + LOCK)
    assert follow_up.lockout(reference) == later.lockout


RECEIPT = "7K3M-Q9TZ-4XAB-CD12"
WRONG = "0000-0000-0000-0000"


def test_a_burst_of_wrong_receipts_with_the_right_one_counts_every_check(
        stores: tuple[IntakeStore, FollowUpStore], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """19 wrong receipts and the right one, all at once from one client: no more wrong
    receipts are checked than the limit allows, every one checked is counted for the
    reference, the right one gives back only its own count, the limit pauses that client,
    which is then refused even the right receipt without checking it; another client
    opens the case."""
    from shared.adapters.envelope import EnvelopeCipher
    from shared.adapters.instance_rate_limiter import InstanceRateLimiter
    from shared.adapters.local_keys import LocalKeyService
    from shared.domain.follow_up import FAILURES_BEFORE_LOCK
    from shared.domain.references import hash_receipt, verify_receipt
    from shared.domain.sealing import CASES_KEY, MESSAGES_KEY
    from shared.services import follow_up as service

    store, follow_up = stores
    submission, case, event, pending = records(7)
    store.create_submission(replace(submission, receipt_hash=hash_receipt(RECEIPT)), case,
                            event, pending)
    cipher = EnvelopeCipher({
        CASES_KEY: LocalKeyService.from_file(tmp_path / "kek", create=True),
        MESSAGES_KEY: LocalKeyService.from_file(tmp_path / "messages.kek", create=True)})
    clock, queue = FixedClock(T0), RecordingQueue()
    checked: list[str] = []
    guard = threading.Lock()

    def counting_verify(code: str, stored: str) -> bool:
        with guard:
            checked.append(code)
        return verify_receipt(code, stored)

    monkeypatch.setattr(service, "verify_receipt", counting_verify)
    outcomes: list[str] = []
    start = threading.Barrier(20)

    clients = InstanceRateLimiter(0, 60)

    def check(receipt: str, client: str = "203.0.113.66") -> str:
        try:
            service.open_case(case.reference, receipt, client=client, clients=clients,
                              store=store, follow_up=follow_up, cipher=cipher, queue=queue,
                              clock=clock, lock_for=LOCK, policy=Policy())
        except service.Locked:
            return "locked"
        except service.NoMatch:
            return "no match"
        return "opened"

    def run(receipt: str) -> None:
        start.wait()
        outcome = check(receipt)
        with guard:
            outcomes.append(f"{receipt}: {outcome}")

    threads = [threading.Thread(target=run, args=(code,))
               for code in [WRONG] * 10 + [RECEIPT] + [WRONG] * 9]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 20
    wrong_checked = checked.count(WRONG)
    state = follow_up.lockout(case.reference)
    assert wrong_checked <= FAILURES_BEFORE_LOCK, outcomes
    assert state.failures == wrong_checked, (state, outcomes)
    assert not state.is_locked(T0), state  # far from the reference's own limit
    assert outcomes.count(f"{RECEIPT}: opened") == checked.count(RECEIPT) <= 1
    # Wrong receipts go on being counted until the limit; then even the right one is
    # refused, unchecked, for this client only.
    while check(WRONG) != "locked":
        pass
    assert checked.count(WRONG) == FAILURES_BEFORE_LOCK
    assert follow_up.lockout(case.reference).failures == FAILURES_BEFORE_LOCK
    before = len(checked)
    assert check(RECEIPT) == "locked"
    assert len(checked) == before
    assert check(RECEIPT, "198.51.100.4") == "opened"
    assert follow_up.lockout(case.reference).failures == FAILURES_BEFORE_LOCK


def test_firestore_counts_the_attempts_of_separate_instances_at_once(
        firestore_project: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Instances share no lock: the transactions alone keep the count exact."""
    import contextlib

    from shared.adapters import firestore_followup
    from shared.adapters.firestore_database import FirestoreDatabase
    from shared.adapters.firestore_followup import FirestoreFollowUpStore

    monkeypatch.setattr(firestore_followup, "case_lock",
                        lambda reference: contextlib.nullcontext())
    instances = [FirestoreFollowUpStore(FirestoreDatabase.connect(firestore_project,
                                                                  "(default)", timeout=60))
                 for _ in range(4)]
    reference = "ETH-MIS-KKKKK-KKKKK"
    first = _reserve(instances[0], reference, T0, limit=4)
    attempts: list[Attempt] = []
    start = threading.Barrier(4)

    def reserve(follow_up: FollowUpStore) -> None:
        start.wait()
        attempts.append(_reserve(follow_up, reference, T0 + timedelta(seconds=1), limit=4))

    def refund(follow_up: FollowUpStore) -> None:
        start.wait()
        follow_up.refund_attempt(reference, first, limit=4)

    threads = [threading.Thread(target=refund, args=(instances[0],))] + [
        threading.Thread(target=reserve, args=(follow_up,)) for follow_up in instances[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.granted for a in attempts] == [True] * 3
    state = instances[0].lockout(reference)
    assert state.failures == 3  # one given back, three counted, whatever the order
    assert not state.is_locked(T0 + timedelta(seconds=1))


def test_firestore_down_raises_store_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.firestore_database import FirestoreDatabase
    from shared.adapters.firestore_followup import FirestoreFollowUpStore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")  # nothing listens there
    follow_up = FirestoreFollowUpStore(FirestoreDatabase.connect("test-down", "(default)",
                                                                 timeout=1))
    with pytest.raises(StoreUnavailable):
        follow_up.lockout("ETH-ADV-00000-00000")
    with pytest.raises(StoreUnavailable):
        follow_up.messages("ETH-ADV-00000-00000")
    # Writes are transactions, whose begin the client retries for 60 s before giving up:
    # the guard that maps that end is exercised in tests/unit/test_follow_up.py.


def test_sqlite_moves_message_ids_kept_by_id_alone(tmp_path: Path) -> None:
    """A database from before ids were scoped to their case keeps working."""
    import sqlite3

    from shared.adapters.sqlite_database import SqliteDatabase
    from shared.adapters.sqlite_followup import SqliteFollowUpStore
    from shared.adapters.sqlite_store import SqliteStore

    path = tmp_path / "intake.sqlite3"
    store = SqliteStore.open(path)
    reference = _case(store)
    event = SqliteFollowUpStore(store.database).append_message(
        reference, kind="submitter_message", actor="submitter", message_id="d" * 32,
        sealed=SEALED, at=T0)
    with sqlite3.connect(path) as db:  # as the earlier version stored the marker
        db.execute("DROP TABLE follow_up_message_ids")
        db.execute("CREATE TABLE follow_up_messages (message_id TEXT PRIMARY KEY, "
                   "reference TEXT NOT NULL, seq INTEGER NOT NULL)")
        db.execute("INSERT INTO follow_up_messages VALUES (?, ?, ?)",
                   ("d" * 32, reference, event.seq))
    reopened = SqliteFollowUpStore(SqliteDatabase(path))
    assert reopened.append_message(reference, kind="submitter_message", actor="submitter",
                                   message_id="d" * 32, sealed=SEALED, at=T0) == event
    assert len(store.case_events(reference)) == 2
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "follow_up_messages" not in tables
    SqliteFollowUpStore(SqliteDatabase(path))  # opening again is a no-op


def test_visits_are_recorded_each_with_the_one_before(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    reference = _case(store)
    assert follow_up.visit(reference) is None
    first = follow_up.record_visit(reference, T0)
    assert (first.current, first.previous) == (T0, None)
    second = follow_up.record_visit(reference, T0 + timedelta(days=3))
    assert (second.current, second.previous) == (T0 + timedelta(days=3), T0)
    assert follow_up.visit(reference) == second
    other = _case(store, 2)
    assert follow_up.visit(other) is None  # each case its own
    follow_up.record_visit(other, T0)
    follow_up.forget_visit(reference)  # a purge leaves no record of the visits
    assert follow_up.visit(reference) is None
    assert follow_up.visit(other) is not None
    follow_up.forget_visit(reference)  # again: nothing to delete, no error


def test_the_history_is_read_whole_in_order(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    store, follow_up = stores
    reference = _case(store)
    follow_up.append_message(reference, kind="submitter_message", actor="submitter",
                             message_id="a" * 32, sealed=SEALED, at=T0 + timedelta(hours=1))
    events = follow_up.events(reference)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].kind == "received" and events[-1].kind == "submitter_message"
    assert follow_up.events("ETH-ADV-00000-00000") == []
@pytest.mark.parametrize("stores", ["sqlite", "firestore"], indirect=True)
def test_a_stored_counter_is_kept_the_schedules_period_never_less_than_it_locks(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    """The retention schedule keeps a lockout counter a day (``keep_for``) after its last
    check or lock: the ``expires_at`` Firestore's TTL policy reads and sweep deletes by on
    SQLite. A shorter period never deletes a counter while it still locks."""
    _, follow_up = stores
    day = timedelta(days=1)
    reference = "ETH-ADV-KKKKK-KKKKK"
    for n in range(5):
        locked = follow_up.reserve_attempt(reference, at=T0 + timedelta(seconds=n), limit=5,
                                           lock_for=LOCK, keep_for=day)
    assert locked.lockout.locked_until == T0 + timedelta(seconds=4) + LOCK
    assert _stored_expiry(follow_up, reference) == T0 + timedelta(seconds=4) + LOCK + day
    short = "ETH-ADV-SSSSS-SSSSS"
    follow_up.reserve_attempt(short, at=T0, limit=5, lock_for=LOCK, keep_for=timedelta(0))
    assert _stored_expiry(follow_up, short) == T0 + LOCK


@pytest.mark.parametrize("stores", ["memory", "sqlite"], indirect=True)
def test_the_counters_past_their_expiry_are_forgotten_and_no_other(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    """What sweep does on the embedded backend (Firestore's TTL policy does it there)."""
    _, follow_up = stores
    day = timedelta(days=1)
    old, recent = "ETH-ADV-OOOOO-OOOOO", "ETH-ADV-RRRRR-RRRRR"
    follow_up.reserve_attempt(old, at=T0, limit=5, lock_for=LOCK, keep_for=day)
    follow_up.reserve_attempt(recent, at=T0 + LOCK, limit=5, lock_for=LOCK, keep_for=day)
    # kept a day after the last check
    assert follow_up.forget_lockouts(T0 + day - timedelta(seconds=1)) == 0
    assert follow_up.forget_lockouts(T0 + day) == 1
    assert follow_up.lockout(old) == Lockout()
    assert follow_up.lockout(recent).failures == 1
    assert follow_up.forget_lockouts(T0 + LOCK + day) == 1
    assert follow_up.lockout(recent) == Lockout()


@pytest.mark.parametrize("stores", ["firestore"], indirect=True)
def test_on_firestore_the_ttl_policy_forgets_the_counters_not_sweep(
        stores: tuple[IntakeStore, FollowUpStore]) -> None:
    _, follow_up = stores
    reference = "ETH-ADV-FFFFF-FFFFF"
    follow_up.reserve_attempt(reference, at=T0, limit=5, lock_for=LOCK,
                              keep_for=timedelta(days=1))
    assert follow_up.forget_lockouts(T0 + timedelta(days=30)) == 0
    assert follow_up.lockout(reference).failures == 1
