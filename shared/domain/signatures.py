"""Signing of referrals: HMAC-SHA256 over a timestamp, a one-time nonce and the body, so the
receiver can reject tampered, forged, stale and replayed requests while every delivery of
the same referral (a retry) still carries a fresh signature."""

from __future__ import annotations

import hashlib
import hmac
import re

TIMESTAMP_HEADER = "X-Ethics-Timestamp"
NONCE_HEADER = "X-Ethics-Nonce"
SIGNATURE_HEADER = "X-Ethics-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
WINDOW_SECONDS = 300
_NONCE = re.compile(r"[0-9a-f]{32}")


def signature(secret: bytes, timestamp: int, nonce: str, body: bytes) -> str:
    """The signature header value for a body sent at ``timestamp`` (Unix seconds)."""
    signed = f"{timestamp}.{nonce}.".encode() + body
    return "v1=" + hmac.new(secret, signed, hashlib.sha256).hexdigest()


class BadSignature(Exception):
    """Why a request's signature was refused (safe to log: no secret, no body)."""


def verify(secret: bytes, timestamp_header: str | None, nonce_header: str | None,
           signature_header: str | None, body: bytes, now: float,
           window: int = WINDOW_SECONDS) -> int:
    """The request's timestamp if its signature is valid and fresh; BadSignature otherwise.
    Refusing a nonce seen before (a replay) is the receiver's job."""
    if not timestamp_header or not nonce_header or not signature_header:
        raise BadSignature("missing timestamp, nonce or signature header")
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        raise BadSignature("timestamp is not a whole number of seconds") from None
    if not _NONCE.fullmatch(nonce_header):
        raise BadSignature("nonce is not 32 hex digits")
    if abs(now - timestamp) > window:
        raise BadSignature("timestamp outside the accepted window")
    expected = signature(secret, timestamp, nonce_header, body)
    if not hmac.compare_digest(expected.encode(), signature_header.strip().encode()):
        raise BadSignature("signature does not match")
    return timestamp
