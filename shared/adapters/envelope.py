"""Envelope encryption: AES-256-GCM with a fresh data key per document, wrapped by the
key-encryption key of a KeyService (a local file, or Cloud KMS in production)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.ports import KeyService, OpenedPayload, PayloadCipher, SealedPayload

VERSION = 1


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _associated(record_id: str) -> bytes:
    # Binds ciphertext and wrapped key to their record: a sealed payload copied onto another
    # record does not open.
    return f"ethics-intake:v{VERSION}:{record_id}".encode()


def _tags(data_key: bytes, inputs: Mapping[str, bytes]) -> dict[str, bytes]:
    mac_key = hmac.new(data_key, b"ethics-intake tag key", hashlib.sha256).digest()
    return {label: hmac.new(mac_key, label.encode() + b"\x00" + data, hashlib.sha256).digest()
            for label, data in inputs.items()}


class EnvelopeCipher(PayloadCipher):
    def __init__(self, keys: KeyService) -> None:
        self._keys = keys

    def seal(self, record_id: str, plaintext: bytes,
             tag_inputs: Mapping[str, bytes]) -> SealedPayload:
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(12)
        associated = _associated(record_id)
        envelope = {
            "v": VERSION,
            "alg": "AES-256-GCM",
            "kid": self._keys.key_id,
            "wrapped_key": _b64(self._keys.wrap(data_key, associated)),
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(data_key).encrypt(nonce, plaintext, associated)),
        }
        return SealedPayload(envelope, _tags(data_key, tag_inputs))

    def open(self, record_id: str, envelope: Mapping[str, Any],
             tag_inputs: Mapping[str, bytes]) -> OpenedPayload:
        if envelope.get("v") != VERSION:
            raise ValueError(f"unknown envelope version {envelope.get('v')!r}")
        associated = _associated(record_id)
        data_key = self._keys.unwrap(_unb64(envelope["wrapped_key"]), associated,
                                     envelope["kid"])
        try:
            plaintext = AESGCM(data_key).decrypt(_unb64(envelope["nonce"]),
                                                 _unb64(envelope["ciphertext"]), associated)
        except InvalidTag:
            raise ValueError("sealed payload failed authentication") from None
        return OpenedPayload(plaintext, _tags(data_key, tag_inputs))
