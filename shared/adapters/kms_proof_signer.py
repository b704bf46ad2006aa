"""Proof signing with a Cloud KMS asymmetric key (``EC_SIGN_P256_SHA256``).

The private key never leaves KMS: each proof is one ``AsymmetricSign`` call on the SHA-256
digest of the statement. Rotation is adding a key version: the newest enabled version
signs, and every enabled version is published, valid from its creation until the next
version's, so proofs signed before a rotation stay verifiable (never destroy or disable a
version whose proofs people may still hold). The versions are listed on every signature,
after the time the proof states was taken, so a proof never names a version created
after the moment it states. Public keys are cached: a version's key never changes. The
published list is cached for ``publish_seconds``: the public pages that read it make no
KMS call per visit.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry, if_transient_error
from google.auth import exceptions as auth_exceptions
from google.cloud import kms_v1

from shared.adapters.kms_keys import crc32c
from shared.adapters.proof_keys import key_id_of_pem
from shared.domain.proofs import PublishedKey
from shared.ports.proofs import ProofSigner, ProofSigningUnavailable

_UNAVAILABLE = (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError)
_ENABLED = kms_v1.CryptoKeyVersion.CryptoKeyVersionState.ENABLED
_P256 = kms_v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm.EC_SIGN_P256_SHA256


class KmsProofSigner(ProofSigner):
    """Signs with the newest enabled version of a KMS ``ASYMMETRIC_SIGN`` key."""

    def __init__(self, client: kms_v1.KeyManagementServiceClient, key_name: str, *,
                 timeout: float = 10.0, publish_seconds: float = 60.0) -> None:
        self._client = client
        self._publish_seconds = publish_seconds
        self._published: tuple[float, list[PublishedKey]] | None = None
        self._key_name = key_name
        self._timeout = timeout
        self._retry = Retry(predicate=if_transient_error, initial=0.1, maximum=1.0,
                            multiplier=2.0, timeout=timeout)
        self._public: dict[str, tuple[str, str]] = {}  # version name -> (key id, PEM)
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, key_name: str, *, emulator_host: str = "", timeout: float = 10.0,
                publish_seconds: float = 60.0) -> KmsProofSigner:
        """A signer on Cloud KMS, or on a KMS-compatible server over insecure gRPC."""
        if not emulator_host:
            return cls(kms_v1.KeyManagementServiceClient(), key_name, timeout=timeout,
                       publish_seconds=publish_seconds)
        import grpc
        from google.cloud.kms_v1.services.key_management_service.transports import (
            KeyManagementServiceGrpcTransport,
        )
        transport = KeyManagementServiceGrpcTransport(
            channel=grpc.insecure_channel(emulator_host))
        return cls(kms_v1.KeyManagementServiceClient(transport=transport), key_name,
                   timeout=timeout, publish_seconds=publish_seconds)

    def _versions(self) -> list[tuple[str, PublishedKey]]:
        """(version name, published key) of every enabled version, oldest first."""
        try:
            listed = [v for v in self._client.list_crypto_key_versions(
                request=kms_v1.ListCryptoKeyVersionsRequest(parent=self._key_name),
                retry=self._retry, timeout=self._timeout) if v.state == _ENABLED]
        except _UNAVAILABLE as error:
            raise ProofSigningUnavailable(
                f"cloud kms: {type(error).__name__}: {error}") from error
        listed.sort(key=lambda v: (_moment(v.create_time), v.name))
        found = []
        for index, version in enumerate(listed):
            if version.algorithm != _P256:
                raise ProofSigningUnavailable(
                    f"cloud kms: {version.name} is not an EC_SIGN_P256_SHA256 key")
            key_id, pem = self._public_key(version.name)
            until = (_moment(listed[index + 1].create_time) if index + 1 < len(listed)
                     else None)
            found.append((version.name, PublishedKey(key_id, pem,
                                                      _moment(version.create_time), until)))
        if not found:
            raise ProofSigningUnavailable(f"cloud kms: {self._key_name} has no enabled "
                                          "version to sign with")
        return found

    def _public_key(self, version_name: str) -> tuple[str, str]:
        with self._lock:
            cached = self._public.get(version_name)
        if cached is not None:
            return cached
        try:
            response = self._client.get_public_key(
                request=kms_v1.GetPublicKeyRequest(name=version_name), retry=self._retry,
                timeout=self._timeout)
        except _UNAVAILABLE as error:
            raise ProofSigningUnavailable(
                f"cloud kms: {type(error).__name__}: {error}") from error
        if response.pem_crc32c != crc32c(response.pem.encode()):
            raise ProofSigningUnavailable("cloud kms: the response was corrupted in transit")
        found = (key_id_of_pem(response.pem), response.pem)
        with self._lock:
            self._public[version_name] = found
        return found

    def current_key(self) -> PublishedKey:
        return self._versions()[-1][1]

    def sign(self, key_id: str, message: bytes) -> bytes:
        with self._lock:
            names = [name for name, (kid, _) in self._public.items() if kid == key_id]
        if not names:
            names = [name for name, key in self._versions() if key.key_id == key_id]
        if not names:
            raise ValueError(f"no enabled signing version with key id {key_id}")
        digest = hashlib.sha256(message).digest()
        request = kms_v1.AsymmetricSignRequest(name=names[0],
                                               digest=kms_v1.Digest(sha256=digest),
                                               digest_crc32c=crc32c(digest))
        try:
            response = self._client.asymmetric_sign(request=request, retry=self._retry,
                                                    timeout=self._timeout)
        except _UNAVAILABLE as error:
            raise ProofSigningUnavailable(
                f"cloud kms: {type(error).__name__}: {error}") from error
        if not response.verified_digest_crc32c or response.name != names[0]:
            raise ProofSigningUnavailable("cloud kms: the request was corrupted in transit")
        if response.signature_crc32c != crc32c(response.signature):
            raise ProofSigningUnavailable("cloud kms: the response was corrupted in transit")
        return bytes(response.signature)

    def published_keys(self) -> Sequence[PublishedKey]:
        now = time.monotonic()
        with self._lock:
            cached = self._published
        if cached is not None and now - cached[0] < self._publish_seconds:
            return list(cached[1])
        keys = [key for _, key in self._versions()]
        with self._lock:
            self._published = (now, keys)
        return list(keys)


def _moment(value: datetime) -> datetime:
    # proto-plus gives DatetimeWithNanoseconds; keep a plain aware datetime, microseconds.
    return datetime(value.year, value.month, value.day, value.hour, value.minute,
                    value.second, value.microsecond, tzinfo=UTC)
