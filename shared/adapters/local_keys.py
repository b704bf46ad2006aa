"""Key-encryption key in a local file: the embedded backend's stand-in for Cloud KMS."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.adapters.local_files import private_folder
from shared.ports.sealing import KeyService


class LocalKeyService(KeyService):
    """AES-256-GCM key wrapping with a 32-byte key read from a file (base64)."""

    def __init__(self, key: bytes, *, key_id: str | None = None) -> None:
        if len(key) != 32:
            raise ValueError("the local key-encryption key must be 32 bytes")
        self._aead = AESGCM(key)
        self._key_id = key_id or "local:" + hashlib.sha256(key).hexdigest()[:12]

    @classmethod
    def from_file(cls, path: Path, *, create: bool) -> LocalKeyService:
        """Read the key; with ``create``, write a new random key (mode 0600, in a 0700
        folder) if missing."""
        if not path.exists():
            if not create:
                raise FileNotFoundError(f"key-encryption key file {path} does not exist")
            private_folder(path.parent)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(32)) + b"\n")
        return cls(base64.b64decode(path.read_bytes().strip(), validate=True))

    @property
    def key_id(self) -> str:
        return self._key_id

    def wrap(self, data_key: bytes, associated: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, data_key, associated)

    def unwrap(self, wrapped: bytes, associated: bytes, key_id: str) -> bytes:
        if key_id != self._key_id:
            raise ValueError(f"data key was wrapped by {key_id}, not by {self._key_id}")
        try:
            return self._aead.decrypt(wrapped[:12], wrapped[12:], associated)
        except InvalidTag:
            raise ValueError("wrapped data key failed authentication") from None
