"""Envelope encryption: AES-256-GCM with a fresh data key per value, wrapped by the
key-encryption key of the value's kind (a local file, or Cloud KMS in production).

Format 2 (``"v": 2``) binds the ciphertext and the wrapped data key to the value's
``SealContext``: kind, collection, case reference and record id, as associated data of both
layers. Format 1 bound them to the record id alone, so a note copied into another case's
history as a reply still opened; it is read only by ``open_outdated``, for ``intake
reseal``, never in place.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.domain.sealing import CASES_KEY, SealContext
from shared.ports.sealing import (
    KeyService,
    KeyWrapper,
    PayloadCipher,
    PayloadSealer,
    RetentionKeys,
    SealBroken,
    SealOutdated,
)

VERSION = 2
OUTDATED_VERSION = 1
ALGORITHM = "AES-256-GCM"
_FIELDS = ("kid", "wrapped_key", "nonce", "ciphertext")
# Key ids of the retention keys of purge months (shared.adapters.local_retention_keys).
RETENTION_PREFIX = "retention:"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _outdated_associated(record_id: str) -> bytes:
    return f"ethics-intake:v{OUTDATED_VERSION}:{record_id}".encode()


def _parts(envelope: Mapping[str, Any]) -> tuple[str, bytes, bytes, bytes]:
    """kid, wrapped key, nonce and ciphertext of an envelope; SealBroken if malformed."""
    try:
        kid, wrapped, nonce, ciphertext = (envelope[name] for name in _FIELDS)
        if not all(isinstance(v, str) for v in (kid, wrapped, nonce, ciphertext)):
            raise TypeError
        if envelope.get("alg") != ALGORITHM:
            raise SealBroken(f"unknown algorithm {envelope.get('alg')!r}")
        return kid, _unb64(wrapped), _unb64(nonce), _unb64(ciphertext)
    except (KeyError, TypeError, binascii.Error):
        raise SealBroken("malformed envelope") from None


class EnvelopeSealer(PayloadSealer):
    """Seals only: its key-encryption keys (by purpose, ``CASES_KEY`` / ``MESSAGES_KEY``)
    need not be able to unwrap anything."""

    def __init__(self, keys: Mapping[str, KeyWrapper]) -> None:
        self._wrappers = keys

    def seal(self, context: SealContext, plaintext: bytes) -> dict[str, Any]:
        keys = self._wrappers[context.key_purpose]
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(12)
        associated = context.associated_data(VERSION)
        return {
            "v": VERSION,
            "alg": ALGORITHM,
            "kid": keys.key_id,
            "wrapped_key": _b64(keys.wrap(data_key, associated)),
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(data_key).encrypt(nonce, plaintext, associated)),
        }


class EnvelopeCipher(EnvelopeSealer, PayloadCipher):
    """Seals and opens, with the key-encryption key of each purpose it is given, and the
    retention keys of the purge months (``rewrap``), if this backend has them."""

    def __init__(self, keys: Mapping[str, KeyService],
                 retention: RetentionKeys | None = None) -> None:
        super().__init__(keys)
        self._keys = keys
        self._retention = retention

    def _unwrapping_key(self, purpose: str, kid: str) -> KeyService:
        """The key that wrapped ``kid``: a retention month's, or the purpose's."""
        if kid.startswith(RETENTION_PREFIX):
            if self._retention is None:
                raise SealBroken("sealed under a retention key this backend does not have")
            return self._retention.key(kid.removeprefix(RETENTION_PREFIX), purpose)
        return self._keys[purpose]

    def rewrap(self, context: SealContext, envelope: Mapping[str, Any],
               month: str | None) -> dict[str, Any]:
        if envelope.get("v") != VERSION:
            raise SealOutdated("only the current envelope format is re-wrapped")
        kid, wrapped, _, _ = _parts(envelope)
        associated = context.associated_data(VERSION)
        try:
            data_key = self._unwrapping_key(context.key_purpose, kid).unwrap(
                wrapped, associated, kid)
        except SealBroken:
            raise
        except ValueError:
            raise SealBroken("sealed value failed authentication here") from None
        if month is None or self._retention is None:
            target: KeyWrapper = self._keys[context.key_purpose]
        else:
            target = self._retention.key_for(month, context.key_purpose)
        if target.key_id == kid:
            return dict(envelope)
        return {**envelope, "kid": target.key_id,
                "wrapped_key": _b64(target.wrap(data_key, associated))}

    def is_current(self, envelope: Mapping[str, Any]) -> bool:
        return envelope.get("v") == VERSION

    def open(self, context: SealContext, envelope: Mapping[str, Any]) -> bytes:
        version = envelope.get("v")
        if version == OUTDATED_VERSION:
            raise SealOutdated("envelope format 1: run intake reseal")
        if version != VERSION:
            raise SealBroken(f"unknown envelope version {version!r}")
        kid = envelope.get("kid")
        return self._open(self._unwrapping_key(context.key_purpose, str(kid)),
                          context.associated_data(VERSION), envelope)

    def open_outdated(self, record_id: str, envelope: Mapping[str, Any]) -> bytes:
        if envelope.get("v") != OUTDATED_VERSION:
            raise SealBroken(f"not a format {OUTDATED_VERSION} envelope")
        # Format 1 had one key-encryption key: the one that is now the cases key.
        return self._open(self._keys[CASES_KEY], _outdated_associated(record_id), envelope)

    @staticmethod
    def _open(keys: KeyService, associated: bytes, envelope: Mapping[str, Any]) -> bytes:
        kid, wrapped, nonce, ciphertext = _parts(envelope)
        try:
            data_key = keys.unwrap(wrapped, associated, kid)
            return AESGCM(data_key).decrypt(nonce, ciphertext, associated)
        except SealBroken:
            raise
        except (ValueError, InvalidTag):
            # Altered, sealed for another place, or wrapped by another key.
            raise SealBroken("sealed value failed authentication here") from None

