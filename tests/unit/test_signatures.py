from __future__ import annotations

import pytest

from shared.domain.signatures import BadSignature, signature, verify

SECRET = b"s" * 32
BODY = b'{"referral_id": "ETH-MIS-00000-00000-R1"}'
NONCE = "0123456789abcdef" * 2
GOOD = signature(SECRET, 1_000_000, NONCE, BODY)


def test_a_signed_body_verifies_within_the_window() -> None:
    assert GOOD.startswith("v1=") and len(GOOD) == 3 + 64
    assert verify(SECRET, "1000000", NONCE, GOOD, BODY, now=1_000_000 + 299) == 1_000_000
    assert verify(SECRET, "1000000", NONCE, GOOD, BODY, now=1_000_000 - 299) == 1_000_000


@pytest.mark.parametrize(("timestamp", "nonce", "header", "body", "now", "why"), [
    ("1000000", NONCE, GOOD, BODY + b" ", 1_000_000, "does not match"),
    ("1000000", NONCE, signature(b"x" * 32, 1_000_000, NONCE, BODY), BODY, 1_000_000,
     "does not match"),
    ("1000001", NONCE, GOOD, BODY, 1_000_001, "does not match"),
    ("1000000", "f" * 32, GOOD, BODY, 1_000_000, "does not match"),
    ("1000000", NONCE, GOOD, BODY, 1_000_301, "outside"),
    ("1000000", NONCE, GOOD, BODY, 999_699, "outside"),
    ("soon", NONCE, GOOD, BODY, 1_000_000, "whole number"),
    ("1000000", "not-hex", GOOD, BODY, 1_000_000, "nonce"),
    (None, NONCE, GOOD, BODY, 1_000_000, "missing"),
    ("1000000", None, GOOD, BODY, 1_000_000, "missing"),
    ("1000000", NONCE, None, BODY, 1_000_000, "missing"),
    ("1000000", NONCE, "v1=" + "0" * 64, BODY, 1_000_000, "does not match"),
])
def test_tampered_forged_stale_or_missing_signatures_are_refused(
        timestamp: str | None, nonce: str | None, header: str | None, body: bytes, now: int,
        why: str) -> None:
    with pytest.raises(BadSignature, match=why):
        verify(SECRET, timestamp, nonce, header, body, now=now)
