"""Per-instance rate limiting in memory: nothing about a client is written anywhere.
The same holds for the per-client counters of receipt checks (``Lockout``s per client and
reference): a stored counter would say "this network tried this case".

Client keys (network addresses) are replaced at once by an HMAC under a random key of this
process, so not even memory holds an address after the call, and a key cannot be linked
across instances or restarts. Counters vanish with the instance. See the README's
"Abuse resistance" for why this is per instance rather than in the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta

from shared.domain.follow_up import Attempt, Lockout
from shared.ports.rate_limits import RateLimiter


class InstanceRateLimiter(RateLimiter):
    """At most ``limit`` actions (times a bucket's allowance) per client and bucket in any
    ``window`` seconds; and lockouts per client and bucket, each forgotten once its window
    is over (and the least recently seen first beyond ``max_clients``)."""

    def __init__(self, limit: int, window_seconds: float, *, max_clients: int = 50_000) -> None:
        self._limit = limit
        self._window = window_seconds
        self._max_clients = max_clients
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._hits: OrderedDict[bytes, deque[float]] = OrderedDict()
        # Each lockout with the moment it means nothing any more.
        self._lockouts: OrderedDict[bytes, tuple[Lockout, datetime]] = OrderedDict()

    def _client_key(self, bucket: str, client: str) -> bytes:
        return hmac.new(self._key, f"{bucket}\x00{client}".encode(), hashlib.sha256).digest()

    def hit(self, bucket: str, client: str, at: datetime, *,
            allowance: int = 1) -> float | None:
        if self._limit <= 0:
            return None
        limit = self._limit * max(1, allowance)
        key, now = self._client_key(bucket, client), at.timestamp()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            self._hits[key] = hits  # most recently seen last
            if len(hits) >= limit:
                return max(1.0, hits[0] + self._window - now)
            hits.append(now)
            while len(self._hits) > self._max_clients:
                self._hits.popitem(last=False)  # forget the client seen longest ago
            return None

    def _current(self, key: bytes, at: datetime) -> Lockout:
        """The lockout kept under ``key`` (a fresh one if none), dropping the expired ones
        seen longest ago on the way. Called with the lock held."""
        while self._lockouts:
            oldest, (_, expires_at) = next(iter(self._lockouts.items()))
            if expires_at > at:
                break
            del self._lockouts[oldest]
        kept = self._lockouts.get(key)
        return kept[0] if kept is not None and kept[1] > at else Lockout()

    def _keep(self, key: bytes, lockout: Lockout, expires_at: datetime) -> None:
        self._lockouts.pop(key, None)
        self._lockouts[key] = (lockout, expires_at)  # most recently counted last
        while len(self._lockouts) > self._max_clients:
            self._lockouts.popitem(last=False)

    def reserve_attempt(self, bucket: str, client: str, *, at: datetime, limit: int,
                        lock_for: timedelta) -> Attempt:
        key = self._client_key(bucket, client)
        with self._lock:
            current = self._current(key, at)
            counted = current.reserve(at, limit, lock_for)
            if counted is None:
                return Attempt(False, current)
            # It means nothing once its window and its lock are over.
            self._keep(key, counted, max(counted.locked_until or at, at + lock_for))
            return Attempt(True, counted)

    def refund_attempt(self, bucket: str, client: str, attempt: Attempt, *,
                       limit: int) -> None:
        if not attempt.granted:
            return
        key = self._client_key(bucket, client)
        with self._lock:
            kept = self._lockouts.get(key)
            if kept is not None:
                self._lockouts[key] = (kept[0].refund(attempt.lockout, limit), kept[1])
