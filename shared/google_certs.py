"""Google's ID-token signing certificates: fetched over one reused session, cached.

``GoogleIdTokenVerifier`` (``shared.adapters.google_id_tokens``) asks
``CertificateCache.get(kid)`` for the current copy and hands it to
``google.oauth2.id_token.verify_token`` through ``replaying``, so google-auth verifies
against certificates fetched at most as often as Google's caching headers allow, instead
of once per request.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import google.auth.exceptions
import google.auth.transport
import google.auth.transport.requests

GOOGLE_CERTS_URL: Final = "https://www.googleapis.com/oauth2/v1/certs"


class VerifierUnavailable(Exception):
    """The token cannot be checked now (an API's 503 with Retry-After)."""

    status: Final = 503


@dataclass(frozen=True)
class Certificates:
    """One fetched copy of the certificate document."""

    data: bytes
    key_ids: frozenset[str]
    fetched_at: float
    fresh_until: float


class CertificateCache:
    """Google's signing certificates, fetched over one reused HTTP session and kept as long
    as the response's ``Cache-Control: max-age`` says (clamped to 1 minute .. 1 day).

    - A token naming a key id the copy lacks (Google rotated its keys) refetches at once,
      but at most every ``min_refetch_seconds``, so forged key ids cannot hammer Google.
    - If a refetch fails, the previous copy keeps serving for up to ``max_stale_seconds``
      past its freshness; with no usable copy, ``VerifierUnavailable``. Failed fetches too
      are retried at most every ``min_refetch_seconds``: during an outage requests get a
      quick 503 instead of each waiting ``timeout_seconds`` on Google in turn.
    - The lock is held while fetching, so concurrent requests wait for one fetch rather
      than each making their own.
    """

    def __init__(self, url: str = GOOGLE_CERTS_URL, *,
                 transport: google.auth.transport.Request | None = None,
                 timeout_seconds: float = 10.0, min_refetch_seconds: float = 30.0,
                 max_stale_seconds: float = 86400.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self._transport = transport or google.auth.transport.requests.Request()
        self._timeout = timeout_seconds
        self._min_refetch = min_refetch_seconds
        self._max_stale = max_stale_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._current: Certificates | None = None
        self._last_attempt: float | None = None

    def get(self, key_id: str) -> Certificates:
        with self._lock:
            now, current = self._monotonic(), self._current
            wanted = (current is None or now >= current.fresh_until
                      or key_id not in current.key_ids)
            allowed = self._last_attempt is None or now - self._last_attempt >= self._min_refetch
            if wanted and allowed:
                self._last_attempt = now
                try:
                    current = self._current = self._fetch(now)
                except VerifierUnavailable:
                    if current is None:
                        raise
            if current is None or now > current.fresh_until + self._max_stale:
                raise VerifierUnavailable("Google's signing certificates could not be fetched "
                                          "lately; the next attempt is not due yet")
            return current

    def _fetch(self, now: float) -> Certificates:
        try:
            response = self._transport(self.url, method="GET", timeout=self._timeout)
        except google.auth.exceptions.TransportError:
            raise VerifierUnavailable("Google's signing certificates cannot be fetched") from None
        if response.status != 200:
            raise VerifierUnavailable(f"fetching Google's signing certificates answered "
                                      f"{response.status}")
        data = bytes(response.data)
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            document = None
        if not isinstance(document, dict) or "keys" in document or not all(
                isinstance(v, str) for v in document.values()):
            raise VerifierUnavailable("the certificate document is not a map of key ids to "
                                      "PEM certificates (use the v1 certs URL)")
        control = str(response.headers.get("Cache-Control", "") or "")
        found = re.search(r"max-age=(\d+)", control)
        max_age = min(max(int(found.group(1)), 60), 86400) if found else 300
        return Certificates(data, frozenset(document), now, now + max_age)


class _StoredResponse(google.auth.transport.Response):
    def __init__(self, data: bytes) -> None:
        self._data = data

    @property
    def status(self) -> int:
        return 200

    @property
    def headers(self) -> Mapping[str, str]:
        return {}

    @property
    def data(self) -> bytes:
        return self._data


def replaying(url: str, certs: Certificates) -> google.auth.transport.Request:
    """A google-auth transport that answers a GET of ``url`` with ``certs``."""
    return _Replay(url, certs)


class _Replay(google.auth.transport.Request):
    """Hands ``verify_token`` the cached document instead of fetching it again."""

    def __init__(self, url: str, certs: Certificates) -> None:
        self._url = url
        self._certs = certs

    def __call__(self, url: str, method: str = "GET", body: bytes | None = None,
                 headers: Mapping[str, str] | None = None, timeout: float | None = None,
                 **kwargs: Any) -> google.auth.transport.Response:
        if url != self._url or method != "GET":
            raise RuntimeError("only the certificate document is served")
        return _StoredResponse(self._certs.data)
