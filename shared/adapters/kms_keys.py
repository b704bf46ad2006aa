"""Key-encryption key in Cloud KMS: data keys are wrapped and unwrapped by KMS, so the
key-encryption key itself never leaves it.

Each wrap is one ``Encrypt`` call and each unwrap one ``Decrypt`` call on a symmetric key,
bound to the record by additional authenticated data. CRC32C checksums of every request
and response detect corruption in transit in both directions, as Google recommends. Key
rotation is KMS's business: the ciphertext names the key version that made it, and
``Decrypt`` on the key (not a version) finds it.
"""

from __future__ import annotations

import google_crc32c
from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry, if_transient_error
from google.auth import exceptions as auth_exceptions
from google.cloud import kms_v1

from shared.ports.sealing import KeyService, KeyServiceUnavailable

_UNAVAILABLE = (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError)


def crc32c(data: bytes) -> int:
    """The CRC32C checksum KMS expects and returns for ``data``."""
    return int(google_crc32c.value(data))


def kms_client(emulator_host: str = "") -> kms_v1.KeyManagementServiceClient:
    """A Cloud KMS client, or one for a KMS-compatible server over insecure gRPC."""
    if not emulator_host:
        return kms_v1.KeyManagementServiceClient()
    import grpc
    from google.cloud.kms_v1.services.key_management_service.transports import (
        KeyManagementServiceGrpcTransport,
    )
    transport = KeyManagementServiceGrpcTransport(channel=grpc.insecure_channel(emulator_host))
    return kms_v1.KeyManagementServiceClient(transport=transport)


class KmsKeyService(KeyService):
    """Wraps data keys with a Cloud KMS symmetric ENCRYPT_DECRYPT key."""

    def __init__(self, client: kms_v1.KeyManagementServiceClient, key_name: str, *,
                 timeout: float = 10.0, key_id: str = "") -> None:
        self._client = client
        self._key_name = key_name
        self._key_id = key_id or key_name
        self._timeout = timeout
        self._retry = Retry(predicate=if_transient_error, initial=0.1, maximum=1.0,
                            multiplier=2.0, timeout=timeout)

    @classmethod
    def connect(cls, key_name: str, *, emulator_host: str = "",
                timeout: float = 10.0) -> KmsKeyService:
        """A key service on Cloud KMS, or on a KMS-compatible server over insecure gRPC."""
        return cls(kms_client(emulator_host), key_name, timeout=timeout)

    @property
    def key_id(self) -> str:
        return self._key_id

    def _refused(self, error: Exception) -> Exception:
        """What a KMS error on a call means to the caller: the key service unavailable."""
        return KeyServiceUnavailable(f"cloud kms: {type(error).__name__}: {error}")

    def wrap(self, data_key: bytes, associated: bytes) -> bytes:
        request = kms_v1.EncryptRequest(
            name=self._key_name, plaintext=data_key, additional_authenticated_data=associated,
            plaintext_crc32c=crc32c(data_key),
            additional_authenticated_data_crc32c=crc32c(associated))
        try:
            response = self._client.encrypt(request=request, retry=self._retry,
                                            timeout=self._timeout)
        except _UNAVAILABLE as error:
            raise self._refused(error) from error
        if not (response.verified_plaintext_crc32c
                and response.verified_additional_authenticated_data_crc32c):
            raise KeyServiceUnavailable("cloud kms: the request was corrupted in transit")
        if response.ciphertext_crc32c != crc32c(response.ciphertext):
            raise KeyServiceUnavailable("cloud kms: the response was corrupted in transit")
        return bytes(response.ciphertext)

    def unwrap(self, wrapped: bytes, associated: bytes, key_id: str) -> bytes:
        if key_id != self._key_id:
            raise ValueError(f"data key was wrapped by {key_id}, not by {self._key_id}")
        request = kms_v1.DecryptRequest(
            name=self._key_name, ciphertext=wrapped, additional_authenticated_data=associated,
            ciphertext_crc32c=crc32c(wrapped),
            additional_authenticated_data_crc32c=crc32c(associated))
        try:
            response = self._client.decrypt(request=request, retry=self._retry,
                                            timeout=self._timeout)
        except api_exceptions.InvalidArgument:
            # KMS says no more than this when the ciphertext or its associated data were
            # altered: the same answer a tampered envelope gets from the local key.
            raise ValueError("wrapped data key failed authentication") from None
        except _UNAVAILABLE as error:
            raise self._refused(error) from error
        if response.plaintext_crc32c != crc32c(response.plaintext):
            raise KeyServiceUnavailable("cloud kms: the response was corrupted in transit")
        return bytes(response.plaintext)
