"""Envelopes of format 1, exactly as the code before format 2 sealed them (associated data:
the record id alone): the records ``intake reseal`` migrates."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.ports.sealing import KeyWrapper


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def seal_v1(keys: KeyWrapper, record_id: str, plaintext: bytes) -> dict[str, Any]:
    """What ``EnvelopeCipher.seal(record_id, plaintext, {})`` returned in format 1."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(12)
    associated = f"ethics-intake:v1:{record_id}".encode()
    return {"v": 1, "alg": "AES-256-GCM", "kid": keys.key_id,
            "wrapped_key": _b64(keys.wrap(data_key, associated)), "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(data_key).encrypt(nonce, plaintext, associated))}
