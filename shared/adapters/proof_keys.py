"""Proof signing on the embedded backend (a local key file), and the signature check.

The key file is a small JSON key ring, mode 0600: every signing key with the moment it
started to sign, oldest first. The newest signs; ``rotate`` adds one. Older keys stay in
the ring, so their public keys stay published and their proofs verifiable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from shared.adapters.local_files import write_private
from shared.domain.proofs import ALGORITHM, PublishedKey, format_time, key_id_of
from shared.ports.proofs import ProofSigner, SignatureChecker


def public_key_pem(public_key: ec.EllipticCurvePublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id_of_pem(pem: str) -> str:
    """The key id of a PEM public key (the digest of its DER form)."""
    public_key = serialization.load_pem_public_key(pem.encode())
    return key_id_of(public_key.public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo))


class LocalProofSigner(ProofSigner):
    """ECDSA P-256 keys in a JSON key ring file."""

    def __init__(self, path: Path, *, create: bool, now: datetime | None = None) -> None:
        self._path = path
        if not path.exists():
            if not create:
                raise FileNotFoundError(f"proof signing key file {path} does not exist")
            self._write([self._new_entry(now or datetime.now(UTC))])
        self._read()  # refuse a broken file at start-up, not at the first submission

    @staticmethod
    def _new_entry(valid_from: datetime) -> dict[str, str]:
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        return {"private_key_pem": pem, "valid_from": format_time(valid_from)}

    def _write(self, entries: list[dict[str, str]]) -> None:
        write_private(self._path, json.dumps({"keys": entries}, indent=1).encode())

    def _read(self) -> list[tuple[ec.EllipticCurvePrivateKey, PublishedKey]]:
        entries = json.loads(self._path.read_bytes())["keys"]
        ring = []
        for index, entry in enumerate(entries):
            private = serialization.load_pem_private_key(entry["private_key_pem"].encode(),
                                                         password=None)
            if not (isinstance(private, ec.EllipticCurvePrivateKey)
                    and isinstance(private.curve, ec.SECP256R1)):
                raise ValueError(f"{self._path}: key {index} is not an ECDSA P-256 key")
            pem = public_key_pem(private.public_key())
            until = (datetime.fromisoformat(entries[index + 1]["valid_from"])
                     if index + 1 < len(entries) else None)
            ring.append((private, PublishedKey(
                key_id_of_pem(pem), pem, datetime.fromisoformat(entry["valid_from"]), until)))
        if not ring:
            raise ValueError(f"{self._path}: the key ring is empty")
        return ring

    def rotate(self, now: datetime) -> PublishedKey:
        """Add a new signing key, in use from ``now``; the previous keys stay published."""
        entries = json.loads(self._path.read_bytes())["keys"]
        entries.append(self._new_entry(now))
        self._write(entries)
        return self._read()[-1][1]

    def current_key(self) -> PublishedKey:
        return self._read()[-1][1]

    def sign(self, key_id: str, message: bytes) -> bytes:
        for private, published in self._read():
            if published.key_id == key_id:
                return private.sign(message, ec.ECDSA(hashes.SHA256()))
        raise ValueError(f"no signing key {key_id}")

    def published_keys(self) -> Sequence[PublishedKey]:
        return [published for _, published in self._read()]


class EcdsaSignatureChecker(SignatureChecker):
    """ECDSA P-256 with SHA-256, DER signatures: what ``openssl dgst -sha256 -verify``
    checks."""

    def verify(self, key: PublishedKey, message: bytes, signature: bytes) -> bool:
        if key.algorithm != ALGORITHM:
            return False
        try:
            public_key = serialization.load_pem_public_key(key.public_key_pem.encode())
        except (ValueError, TypeError):
            return False
        if not (isinstance(public_key, ec.EllipticCurvePublicKey)
                and isinstance(public_key.curve, ec.SECP256R1)):
            return False
        if key_id_of(public_key.public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo)) != key.key_id:
            return False  # a key set whose entry names another key than it holds
        try:
            public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            return False
        return True

