"""Per-instance rate limiting in memory: nothing about a client is written anywhere.

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
from datetime import datetime

from shared.ports.rate_limits import RateLimiter


class InstanceRateLimiter(RateLimiter):
    """At most ``limit`` actions (times a bucket's allowance) per client and bucket in any
    ``window`` seconds."""

    def __init__(self, limit: int, window_seconds: float, *, max_clients: int = 50_000) -> None:
        self._limit = limit
        self._window = window_seconds
        self._max_clients = max_clients
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._hits: OrderedDict[bytes, deque[float]] = OrderedDict()

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
