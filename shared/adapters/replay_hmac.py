"""Replay digests as HMAC-SHA256 under a dedicated secret (``INTAKE_REPLAY_HMAC_SECRET``) that
only the submit functions hold: an idempotent retry is recognised, and its receipt code
derived again, without any key that opens a sealed record."""

from __future__ import annotations

import hashlib
import hmac

from shared.ports.sealing import ReplayDigests


class HmacReplayDigests(ReplayDigests):
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the replay secret must be at least 32 bytes")
        # One key per use, so a digest can never stand in for a receipt secret.
        self._digest_key = hmac.new(secret, b"ethics-intake request digest", hashlib.sha256)
        self._receipt_key = hmac.new(secret, b"ethics-intake receipt", hashlib.sha256)

    @staticmethod
    def _mac(key: hmac.HMAC, *parts: bytes) -> bytes:
        mac = key.copy()
        for part in parts:  # length-prefixed: no two lists of parts give the same input
            mac.update(len(part).to_bytes(8, "big") + part)
        return mac.digest()

    def request_digest(self, form: str, submission_id: str, canonical: bytes) -> str:
        return self._mac(self._digest_key, form.encode(), submission_id.encode(),
                         canonical).hex()

    def receipt_secret(self, submission_id: str, idempotency_key: str) -> bytes:
        return self._mac(self._receipt_key, submission_id.encode(), idempotency_key.encode())
