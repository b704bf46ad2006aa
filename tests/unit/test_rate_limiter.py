"""The per-instance rate limiter: a sliding window per client and bucket, and lockouts
of a client's checks in a bucket; nothing kept in clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters.instance_rate_limiter import InstanceRateLimiter
from shared.domain.follow_up import Attempt, Lockout

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_the_limit_holds_in_any_window_and_says_how_long_to_wait() -> None:
    limiter = InstanceRateLimiter(3, 60)
    assert [limiter.hit("submit", "203.0.113.7", T0 + timedelta(seconds=s))
            for s in (0, 10, 20)] == [None, None, None]
    wait = limiter.hit("submit", "203.0.113.7", T0 + timedelta(seconds=30))
    assert wait == 30
    assert limiter.hit("submit", "203.0.113.7", T0 + timedelta(seconds=59)) == 1
    assert limiter.hit("submit", "203.0.113.7", T0 + timedelta(seconds=60)) is None
    assert limiter.hit("submit", "203.0.113.7", T0 + timedelta(seconds=61)) is not None


def test_clients_and_buckets_are_counted_apart() -> None:
    limiter = InstanceRateLimiter(1, 60)
    assert limiter.hit("submit", "a", T0) is None
    assert limiter.hit("submit", "a", T0) is not None
    assert limiter.hit("submit", "b", T0) is None
    assert limiter.hit("follow_up", "a", T0) is None


def test_zero_turns_the_limit_off() -> None:
    limiter = InstanceRateLimiter(0, 60)
    assert all(limiter.hit("submit", "a", T0) is None for _ in range(100))


def test_memory_is_bounded_and_holds_no_address() -> None:
    limiter = InstanceRateLimiter(1, 60, max_clients=10)
    for n in range(50):
        limiter.hit("submit", f"198.51.100.{n}", T0)
    assert len(limiter._hits) == 10
    assert not any(b"198.51.100" in key for key in limiter._hits)
    assert limiter.hit("submit", "198.51.100.0", T0) is None  # forgotten first


LOCK = timedelta(hours=1)


def _reserve(limiter: InstanceRateLimiter, client: str, at: datetime,
             bucket: str = "receipt_checks:ETH-ADV-AAAAA-AAAAA") -> Attempt:
    return limiter.reserve_attempt(bucket, client, at=at, limit=5, lock_for=LOCK)


def test_a_client_is_locked_out_of_a_bucket_and_nobody_else() -> None:
    limiter = InstanceRateLimiter(0, 60)  # the rate limit off: lockouts stay on
    attempts = [_reserve(limiter, "203.0.113.7", T0 + timedelta(seconds=n)) for n in range(5)]
    assert [a.granted for a in attempts] == [True] * 5
    assert [a.lockout.remaining(5) for a in attempts] == [4, 3, 2, 1, 0]
    assert attempts[4].lockout.locked_until == T0 + timedelta(seconds=4) + LOCK
    refused = _reserve(limiter, "203.0.113.7", T0 + timedelta(minutes=30))
    assert refused == Attempt(False, attempts[4].lockout)  # and not counted
    other = _reserve(limiter, "198.51.100.4", T0 + timedelta(minutes=30))
    assert other.granted and other.lockout.failures == 1
    elsewhere = _reserve(limiter, "203.0.113.7", T0 + timedelta(minutes=30),
                         bucket="receipt_checks:ETH-ADV-BBBBB-BBBBB")
    assert elsewhere.granted and elsewhere.lockout.failures == 1
    after = _reserve(limiter, "203.0.113.7", T0 + timedelta(seconds=4) + LOCK)
    assert after.granted and (after.lockout.failures, after.lockout.locked_until) == (1, None)


def test_a_refund_gives_back_one_check_of_that_client() -> None:
    limiter = InstanceRateLimiter(3, 60)
    bucket = "receipt_checks:ETH-ADV-AAAAA-AAAAA"
    first = _reserve(limiter, "a", T0)
    right = _reserve(limiter, "a", T0 + timedelta(seconds=1))
    limiter.refund_attempt(bucket, "a", right, limit=5)
    limiter.refund_attempt(bucket, "b", first, limit=5)  # another client's: nothing kept
    limiter.refund_attempt(bucket, "a", Attempt(False, Lockout()), limit=5)  # refused: none
    assert _reserve(limiter, "a", T0 + timedelta(seconds=2)).lockout.failures == 2
    assert _reserve(limiter, "b", T0 + timedelta(seconds=2)).lockout.failures == 1


def test_lockouts_are_forgotten_when_over_bounded_and_hold_no_address() -> None:
    limiter = InstanceRateLimiter(1, 60, max_clients=10)
    for n in range(50):
        _reserve(limiter, f"198.51.100.{n}", T0)
    assert len(limiter._lockouts) == 10
    assert not any(b"198.51.100" in key for key in limiter._lockouts)
    # Once its window is over a counter is dropped, not merely ignored.
    _reserve(limiter, "203.0.113.9", T0 + LOCK)
    assert len(limiter._lockouts) == 1
