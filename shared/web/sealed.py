"""Sealed tokens: what the pages hand the browser to keep for them, unreadable and
unforgeable without ``INTAKE_FORMS_SECRET``.

A form's unsent answers travel between its steps in a hidden field, the confirmation of a
submission and an opened follow-up case in short-lived cookies; nothing is stored on the
server before the final send. Each is compressed, encrypted and authenticated with
AES-256-GCM under a key derived from the forms secret for its purpose, and bound to the
browser's anti-forgery cookie (a token read with another cookie, or none, does not open),
to its issue time (``max_age``) and to its purpose (a draft is not a session).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import zlib
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
MAX_TOKEN = 2_000_000  # characters: a draft of the longest form, compressed, fits easily


def _key(secret: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"ethics-intake sealed",
                info=purpose.encode()).derive(secret.encode())


def binding(cookie: str | None) -> str:
    """What a token is bound to: a digest of the browser's anti-forgery cookie."""
    return hashlib.sha256((cookie or "").encode()).hexdigest()[:32]


class Sealer:
    """Seals and opens the tokens of one purpose."""

    def __init__(self, secret: str, purpose: str) -> None:
        self._aead = AESGCM(_key(secret, purpose))
        self._purpose = purpose.encode()

    def seal(self, value: Any, *, cookie: str | None, now: float) -> str:
        plain = zlib.compress(json.dumps({"v": value, "t": int(now)},
                                         separators=(",", ":")).encode(), 6)
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, plain, self._aad(cookie))
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open(self, token: str | None, *, cookie: str | None, now: float,
             max_age: float) -> Any | None:
        """The sealed value, or None if the token is missing, forged, bound to another
        cookie, of another purpose, or older than ``max_age`` seconds."""
        if not token or len(token) > MAX_TOKEN:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            plain = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._aad(cookie))
            content = json.loads(zlib.decompress(plain, bufsize=65536))
        except (binascii.Error, ValueError, InvalidTag, zlib.error):
            return None
        if not isinstance(content, dict) or not isinstance(content.get("t"), int):
            return None
        if not -300 <= now - content["t"] <= max_age:  # a few minutes of clock skew
            return None
        return content.get("v")

    def _aad(self, cookie: str | None) -> bytes:
        return self._purpose + b"\0" + binding(cookie).encode()
