"""The investigations office's intake over HTTPS: a signed JSON POST per referral."""

from __future__ import annotations

import http.client
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from shared.domain.signatures import (
    IDEMPOTENCY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
)
from shared.domain.signatures import signature as sign
from shared.ports import (
    InvestigationsGateway,
    ReferralReceipt,
    ReferralRejected,
    ReferralUnavailable,
)

RETRYABLE_4XX = (408, 429)


class HttpInvestigationsGateway(InvestigationsGateway):
    def __init__(self, url: str, secret: bytes, *, timeout: float = 10.0,
                 now: Callable[[], float] = time.time) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"not an http(s) URL: {url!r}")
        self._url = url
        self._secret = secret
        self._timeout = timeout
        self._now = now

    def refer(self, referral_id: str, document: Mapping[str, Any]) -> ReferralReceipt:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp, nonce = int(self._now()), secrets.token_hex(16)
        request = urllib.request.Request(  # noqa: S310 (configured https URL)
            self._url, data=body, method="POST", headers={
                "Content-Type": "application/json",
                IDEMPOTENCY_HEADER: referral_id,
                TIMESTAMP_HEADER: str(timestamp),
                NONCE_HEADER: nonce,
                SIGNATURE_HEADER: sign(self._secret, timestamp, nonce, body),
            })
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            if error.code in RETRYABLE_4XX or error.code >= 500:
                raise ReferralUnavailable(f"HTTP {error.code}") from None
            raise ReferralRejected(error.code) from None
        except TimeoutError:
            raise ReferralUnavailable("timeout") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            raise ReferralUnavailable(f"connection: {type(reason).__name__}") from None
        if not 200 <= status < 300:
            raise ReferralUnavailable(f"HTTP {status}")
        try:
            case_id = json.loads(answer)["case_id"]
        except (ValueError, KeyError, TypeError):
            raise ReferralUnavailable("answer without a case_id") from None
        if not isinstance(case_id, str) or not case_id or len(case_id) > 200:
            raise ReferralUnavailable("answer with an unusable case_id")
        return ReferralReceipt(case_id)
