"""Opening a case with its receipt, as the follow-up service counts the checks: per client
and reference (a client's wrong codes pause that client only), and per reference from
every client (a reference guessed from many networks is paced, never closed to its owner
for the lock period). An unknown reference is counted the same way."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.instance_rate_limiter import InstanceRateLimiter
from shared.domain.follow_up import FAILURES_BEFORE_LOCK
from shared.domain.policy import Policy
from shared.domain.references import hash_receipt
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY
from shared.services import follow_up as service
from tests.contract.test_store_contract import records
from tests.support.fakes import FixedClock, InMemoryFollowUpStore, InMemoryStore, RecordingQueue

RECEIPT = "7K3M-Q9TZ-4XAB-CD12"
WRONG = "0000-0000-0000-0000"
LOCK = timedelta(hours=1)
ATTACKER, OWNER = "203.0.113.66", "198.51.100.4"
UNKNOWN = "ETH-ADV-ZZZZZ-ZZZZZ"


class Desk:
    """A case with a receipt, and the follow-up service over in-memory stores."""

    def __init__(self, tmp_path: Path) -> None:
        from shared.adapters.local_keys import LocalKeyService

        self.store = InMemoryStore()
        self.follow_up = InMemoryFollowUpStore(self.store)
        self.clients = InstanceRateLimiter(0, 60)
        self.clock = FixedClock()
        self.cipher = EnvelopeCipher({
            CASES_KEY: LocalKeyService.from_file(tmp_path / "kek", create=True),
            MESSAGES_KEY: LocalKeyService.from_file(tmp_path / "messages.kek", create=True)})
        submission, case, event, pending = records(3)
        self.store.create_submission(replace(submission, receipt_hash=hash_receipt(RECEIPT)),
                                     case, event, pending)
        self.reference = case.reference

    def open(self, receipt: str, client: str, reference: str | None = None) -> str:
        """What the check ends in: "opened", "no match (n left)", "locked" or "paced"."""
        try:
            service.open_case(reference or self.reference, receipt, client=client,
                              clients=self.clients, store=self.store,
                              follow_up=self.follow_up, cipher=self.cipher,
                              queue=RecordingQueue(), clock=self.clock, lock_for=LOCK,
                              policy=Policy())
        except service.Paced:
            return "paced"
        except service.Locked:
            return "locked"
        except service.NoMatch as miss:
            return f"no match ({miss.remaining} left)"
        return "opened"


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


def test_an_attacker_locks_only_itself_out_and_the_owner_opens_the_case(desk: Desk) -> None:
    outcomes = [desk.open(WRONG, ATTACKER) for _ in range(FAILURES_BEFORE_LOCK + 1)]
    assert outcomes == ["no match (4 left)", "no match (3 left)", "no match (2 left)",
                        "no match (1 left)", "locked", "locked"]
    assert desk.open(RECEIPT, ATTACKER) == "locked"  # refused unchecked, even the right one
    assert desk.open(RECEIPT, OWNER) == "opened"
    assert desk.open(WRONG, OWNER) == "no match (4 left)"  # the attacker's count is not hers
    desk.clock.advance(hours=1)
    assert desk.open(RECEIPT, ATTACKER) == "opened"  # the pause ends with the lock period


def test_an_unknown_reference_is_counted_and_answered_the_same_way(desk: Desk) -> None:
    known = [desk.open(WRONG, ATTACKER) for _ in range(6)]
    unknown = [desk.open(WRONG, ATTACKER, UNKNOWN) for _ in range(6)]
    assert known == unknown
    assert desk.follow_up.lockout(UNKNOWN) == desk.follow_up.lockout(desk.reference)
    assert desk.open(RECEIPT, OWNER, UNKNOWN) == "no match (4 left)"


def test_the_right_code_gives_back_its_own_count_and_no_one_elses(desk: Desk) -> None:
    for _ in range(4):
        desk.open(WRONG, OWNER)
    assert desk.open(RECEIPT, OWNER) == "opened"
    assert desk.follow_up.lockout(desk.reference).failures == 4
    assert desk.open(WRONG, OWNER) == "locked"  # her four typing errors still count


def test_a_reference_guessed_from_many_networks_is_paced_and_the_owner_still_gets_in(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "REFERENCE_FAILURES_BEFORE_PACING", 10)
    pace = LOCK / 10
    for reference in (desk.reference, UNKNOWN):
        outcomes = [desk.open(WRONG, f"192.0.2.{n}", reference) for n in range(10)]
        assert outcomes == ["no match (4 left)"] * 10  # each network tried once
        assert desk.follow_up.lockout(reference).is_locked(desk.clock.now())
    # Paced: a fresh network waits its turn, the unknown reference just the same, and a
    # check refused so is not counted against the network that made it.
    assert desk.open(RECEIPT, OWNER) == "paced"
    assert desk.open(RECEIPT, OWNER, UNKNOWN) == "paced"
    desk.clock.advance(seconds=pace.total_seconds())
    assert desk.open(RECEIPT, OWNER) == "opened"
    assert desk.open(WRONG, OWNER, UNKNOWN) == "no match (4 left)"
    # Every check of a paced reference, the owner's included, takes its turn: the next
    # waits a pace, however many networks try.
    assert desk.open(WRONG, "198.51.100.9") == "paced"
    desk.clock.advance(seconds=pace.total_seconds())
    assert [desk.open(WRONG, f"198.51.100.{n}") for n in range(3)] == ["no match (4 left)"] \
        + ["paced"] * 2
    assert desk.follow_up.lockout(desk.reference).failures == 11  # the owner's refunded


def test_a_check_the_store_could_not_count_is_not_counted_against_the_client(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.ports.storage import StoreUnavailable

    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("down")

    with monkeypatch.context() as patched:
        patched.setattr(desk.follow_up, "reserve_attempt", down)
        for _ in range(FAILURES_BEFORE_LOCK + 1):
            with pytest.raises(StoreUnavailable):
                desk.open(WRONG, ATTACKER)
    assert desk.open(WRONG, ATTACKER) == "no match (4 left)"
