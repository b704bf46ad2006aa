"""One suite, every mail ledger: the in-memory fake, SQLite, and the Firestore emulator.

Each ledger shares its intake store's database: a claim lives on a pending notification the
intake store wrote, and ends with it; send counters hold up under concurrent deliveries
(several function instances at once)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.domain.mail_limits import TOTAL_KEY, SendLimits, SendQuota, recipient_key
from shared.domain.mailboxes import mailbox
from shared.domain.records import Case, CaseChange, PendingTask
from shared.ports.mail import Claim, MailLedger, QuotaFull
from shared.ports.storage import IntakeStore
from tests.contract.test_store_contract import records
from tests.support.fakes import InMemoryMailLedger, InMemoryStore

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)  # the start of a window of any length
LEASE = timedelta(minutes=5)


@pytest.fixture(params=["memory", "sqlite", "firestore"])
def stores(request: pytest.FixtureRequest,
           tmp_path: Path) -> Iterator[tuple[IntakeStore, MailLedger]]:
    if request.param == "memory":
        memory = InMemoryStore()
        yield memory, InMemoryMailLedger(memory)
    elif request.param == "sqlite":
        from shared.adapters.sqlite_mail import SqliteMailLedger
        from shared.adapters.sqlite_store import SqliteStore

        sqlite = SqliteStore.open(tmp_path / "intake.sqlite3")
        yield sqlite, SqliteMailLedger(sqlite.database)
    else:
        from shared.adapters.firestore_mail import FirestoreMailLedger
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        firestore = FirestoreStore.connect(project, "(default)", timeout=10)
        yield firestore, FirestoreMailLedger(firestore.database)


def pending_notification(store: IntakeStore, item: str = "referral_made-ethics_office",
                         ) -> PendingTask:
    """A case with one pending notification, written as the intake store writes them."""
    submission, case, event, pending = records()
    store.create_submission(submission, case, event, pending)
    notify = PendingTask("notify", submission.id, case.reference, T0, T0, item=item)
    store.update_case(case.reference, lambda c: CaseChange(c, add_pending=(notify,),
                                                           write_case=False))
    return notify


def done(task: PendingTask) -> Callable[[Case], CaseChange]:
    return lambda c: CaseChange.unchanged(c, remove_pending=(task.key,))


def test_only_a_pending_notification_can_be_claimed(
        stores: tuple[IntakeStore, MailLedger]) -> None:
    store, ledger = stores
    task = pending_notification(store)
    assert ledger.claim(task.key.replace("ethics_office", "investigations"), T0,
                        LEASE) is Claim.NOT_PENDING
    assert ledger.claim("notify-unknown-item", T0, LEASE) is Claim.NOT_PENDING
    assert ledger.claim(task.key, T0, LEASE) is Claim.CLAIMED


def test_a_claim_holds_until_released_or_lapsed(stores: tuple[IntakeStore, MailLedger]) -> None:
    store, ledger = stores
    task = pending_notification(store)
    assert ledger.claim(task.key, T0, LEASE) is Claim.CLAIMED
    assert ledger.claim(task.key, T0 + timedelta(seconds=1), LEASE) is Claim.BUSY
    ledger.release(task.key)
    assert ledger.claim(task.key, T0 + timedelta(seconds=2), LEASE) is Claim.CLAIMED
    assert ledger.claim(task.key, T0 + LEASE, LEASE) is Claim.BUSY
    assert ledger.claim(task.key, T0 + LEASE + timedelta(seconds=3), LEASE) is Claim.CLAIMED
    ledger.release("notify-unknown-item")  # nothing to release: no error


def test_a_claim_ends_with_its_pending_task_and_survives_a_requeue(
        stores: tuple[IntakeStore, MailLedger]) -> None:
    store, ledger = stores
    task = pending_notification(store)
    assert ledger.claim(task.key, T0, LEASE) is Claim.CLAIMED
    store.mark_requeued(task, 7, T0 + timedelta(seconds=1))  # sweep re-queues meanwhile
    assert ledger.claim(task.key, T0 + timedelta(seconds=2), LEASE) is Claim.BUSY
    [requeued] = [p for p in store.pending_tasks(T0 + timedelta(days=1), 10)
                  if p.kind == "notify"]
    assert (requeued.key, requeued.generation) == (task.key, 7)
    store.update_case(task.reference, done(task))  # sent: the task is removed
    assert ledger.claim(task.key, T0 + timedelta(seconds=3), LEASE) is Claim.NOT_PENDING


def test_one_of_many_simultaneous_claims_wins(stores: tuple[IntakeStore, MailLedger]) -> None:
    store, ledger = stores
    task = pending_notification(store)
    results: list[Claim] = []
    start = threading.Barrier(8)

    def claim() -> None:
        start.wait()
        results.append(ledger.claim(task.key, T0, LEASE))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.value for r in results) == ["busy"] * 7 + ["claimed"]


def quota(key: str, limit: int, window: int = 3600, name: str = "recipient") -> SendQuota:
    return SendQuota(key, limit, window, name)


def test_a_quota_counts_up_to_its_limit_per_window(stores: tuple[IntakeStore, MailLedger]) -> None:
    _, ledger = stores
    q = quota("to-" + "a" * 64, 2)
    assert ledger.take_quota([q], T0) is None
    assert ledger.take_quota([q], T0 + timedelta(minutes=10)) is None
    assert ledger.take_quota([q], T0 + timedelta(minutes=20)) == QuotaFull("recipient", 2400.0)
    assert ledger.take_quota([q], T0 + timedelta(minutes=59)) == QuotaFull("recipient", 60.0)
    assert ledger.take_quota([q], T0 + timedelta(hours=1)) is None  # the next window
    assert ledger.take_quota([quota("to-" + "b" * 64, 2)], T0) is None  # another recipient


def test_a_full_quota_counts_nothing_on_the_others(stores: tuple[IntakeStore, MailLedger]) -> None:
    _, ledger = stores
    recipient, total = quota("to-" + "c" * 64, 1), quota(TOTAL_KEY, 3, name="total")
    assert ledger.take_quota([recipient, total], T0) is None
    for _ in range(3):  # the recipient's counter is full: the total is left alone
        assert ledger.take_quota([recipient, total], T0) == QuotaFull("recipient", 3600.0)
    assert ledger.take_quota([total], T0) is None
    assert ledger.take_quota([total], T0) is None
    full = ledger.take_quota([quota("to-" + "d" * 64, 5), total], T0 + timedelta(seconds=30))
    assert full == QuotaFull("total", 3570.0)


def test_concurrent_sends_never_exceed_a_quota(stores: tuple[IntakeStore, MailLedger]) -> None:
    _, ledger = stores
    limit, q = 5, quota(TOTAL_KEY, 5, name="total")
    results: list[QuotaFull | None] = []
    start = threading.Barrier(12)

    def take() -> None:
        start.wait()
        results.append(ledger.take_quota([q], T0 + timedelta(seconds=1)))

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 12
    assert results.count(None) == limit


def test_a_mailbox_however_spelt_is_one_counter() -> None:
    secret = b"k" * 32
    same = ["Ottoline.F@Example.org", "ottoline.f@example.org ", "ottoline.f+intake@example.org",
            "OTTOLINE.F+x+y@EXAMPLE.ORG."]
    assert {recipient_key(secret, a) for a in same} == {recipient_key(secret, same[0])}
    assert mailbox("Jane.Doe+tag@GoogleMail.com") == mailbox("janedoe@gmail.com")
    assert recipient_key(secret, "ottoline.g@example.org") != recipient_key(secret, same[0])
    assert recipient_key(b"j" * 32, same[0]) != recipient_key(secret, same[0])
    key = recipient_key(secret, same[0])
    assert "@" not in key and "ottoline" not in key
    limits = SendLimits(per_recipient=3, total=0, window_seconds=60, secret=secret)
    assert [q.name for q in limits.quotas(same[0])] == ["recipient"]
    assert SendLimits(0, 0, 60, secret).quotas(same[0]) == ()
