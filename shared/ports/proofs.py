"""Proofs of submission: the key that signs them and the check of a signature.

The signing key never leaves its keeper (Cloud KMS on ``gcp``, a local key file on the
embedded backend); what anyone may see are its public keys, published with the periods
they sign for, so that proofs made before a rotation stay verifiable.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence

from shared.domain.proofs import PublishedKey
from shared.ports.storage import StoreUnavailable


class ProofSigningUnavailable(StoreUnavailable):
    """The signing key could not be reached; nothing was signed or stored (retry later,
    as when the store is down)."""


class ProofSigner(abc.ABC):
    """Signs proofs with the current key version, and lists every published key."""

    @abc.abstractmethod
    def current_key(self) -> PublishedKey:
        """The key that signs now (its ``key_id`` goes into the statement before signing).
        Raises ``ProofSigningUnavailable``."""

    @abc.abstractmethod
    def sign(self, key_id: str, message: bytes) -> bytes:
        """A DER-encoded ECDSA P-256 SHA-256 signature of ``message`` by the key
        ``key_id``. Raises ``ProofSigningUnavailable``, or ValueError for an unknown key."""

    @abc.abstractmethod
    def published_keys(self) -> Sequence[PublishedKey]:
        """Every key that signed or signs proofs, oldest first, with its validity.
        Raises ``ProofSigningUnavailable``."""


class SignatureChecker(abc.ABC):
    """Checks a detached signature against a published public key."""

    @abc.abstractmethod
    def verify(self, key: PublishedKey, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``key``'s signature of ``message`` (False, never an
        exception, for a malformed signature or key)."""
