"""The investigations office's intake over HTTPS: a signed JSON POST per referral.

One ``requests`` session per process reuses its connections. Redirects are never followed:
a signed referral goes to the configured URL or nowhere, and a receipt counts only when
that URL itself answers. A 3xx is a failed attempt (retried, then ``forwarding_failed``).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from shared.domain.signatures import (
    IDEMPOTENCY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from shared.domain.signatures import signature as sign
from shared.ports.investigations import (
    InvestigationsGateway,
    ReferralReceipt,
    ReferralRejected,
    ReferralUnavailable,
)

RETRYABLE_4XX = (408, 429)
CONNECT_TIMEOUT_SECONDS = 5.0
MAX_ANSWER_BYTES = 64 * 1024  # a receipt is a few dozen bytes


class HttpInvestigationsGateway(InvestigationsGateway):
    """Delivers referrals to ``url``, waiting at most ``timeout`` seconds for an answer
    (and at most ``CONNECT_TIMEOUT_SECONDS`` of it for the connection). Which schemes a
    deployment may use is the composition root's decision (https only on Google Cloud)."""

    def __init__(self, url: str, secret: bytes, *, timeout: float = 10.0,
                 now: Callable[[], float] = time.time,
                 session: requests.Session | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self._url = url
        self._secret = secret
        self._timeout = (min(CONNECT_TIMEOUT_SECONDS, timeout), timeout)
        self._now = now
        self._session = session or _session()

    def refer(self, referral_id: str, document: Mapping[str, Any]) -> ReferralReceipt:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp, nonce = int(self._now()), secrets.token_hex(16)
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: referral_id,
            TIMESTAMP_HEADER: str(timestamp),
            NONCE_HEADER: nonce,
            SIGNATURE_HEADER: sign(self._secret, timestamp, nonce, body),
        }
        try:
            with self._session.post(self._url, data=body, headers=headers,
                                    timeout=self._timeout, allow_redirects=False,
                                    stream=True) as response:
                status = response.status_code
                _classify(status)
                answer = _read_capped(response)
        except requests.Timeout:
            raise ReferralUnavailable("timeout") from None
        except requests.RequestException as error:
            raise ReferralUnavailable(f"connection: {type(error).__name__}") from None
        try:
            case_id = json.loads(answer)["case_id"]
        except (ValueError, KeyError, TypeError, RecursionError):
            raise ReferralUnavailable("answer without a case_id") from None
        if not isinstance(case_id, str) or not case_id or len(case_id) > 200:
            raise ReferralUnavailable("answer with an unusable case_id")
        return ReferralReceipt(case_id)


def _session() -> requests.Session:
    session = requests.Session()
    # Retries are the queue's (with its backoff and the attempt count on the case): the
    # adapter makes exactly one attempt per call.
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=8, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _classify(status: int) -> None:
    """Raise unless ``status`` is a 2xx answer of the intake itself."""
    if 300 <= status < 400:
        raise ReferralUnavailable(f"redirect (HTTP {status}) not followed: the intake URL "
                                  "must answer itself")
    if status in RETRYABLE_4XX or status >= 500:
        raise ReferralUnavailable(f"HTTP {status}")
    if 400 <= status < 500:
        raise ReferralRejected(status)
    if not 200 <= status < 300:
        raise ReferralUnavailable(f"HTTP {status}")


def _read_capped(response: requests.Response) -> bytes:
    chunks, total = [], 0
    for chunk in response.iter_content(chunk_size=8192):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_ANSWER_BYTES:
            raise ReferralUnavailable("answer too large for a receipt")
    return b"".join(chunks)
