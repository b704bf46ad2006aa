"""The per-instance rate limiter: a sliding window per client and bucket, nothing kept in
clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters.instance_rate_limiter import InstanceRateLimiter

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
