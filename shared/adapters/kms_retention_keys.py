"""The retention keys on Google Cloud: one Cloud KMS key per purge month and purpose, in
a key ring of each purpose (``<ring>/cryptoKeys/retention-YYYY-MM``: the cases' ring and
the messages' ring, so IAM on each ring follows IAM on the purposes' keys), made on first
use by the code that wraps for that month, whose version is destroyed once the month has
passed.

Cloud KMS encrypts only with a key's primary version and never deletes a key, so a month is
a key, not a version of one shared key: destroying the month destroys its one version
(``DESTROY_SCHEDULED`` at once, so it neither encrypts nor decrypts any more; the key
material is gone for good after the key's scheduled-destruction period). A destroyed month
is never made again: its key's name stays taken, and its primary version stays destroyed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry, if_transient_error
from google.auth import exceptions as auth_exceptions
from google.cloud import kms_v1

from shared.adapters.kms_keys import KmsKeyService
from shared.domain.sealing import CASES_KEY
from shared.ports.sealing import KeyDestroyed, KeyService, KeyServiceUnavailable, RetentionKeys

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
KEY_ID_PREFIX = "retention:"
KEY_NAME_PREFIX = "retention-"
_UNAVAILABLE = (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError)
_STATES = kms_v1.CryptoKeyVersion.CryptoKeyVersionState
_GONE = (_STATES.DESTROYED, _STATES.DESTROY_SCHEDULED)


class _MonthKey(KmsKeyService):
    """A month's key: a version destroyed (or a key never made) means the month was
    shredded, not that KMS is down."""

    def _refused(self, error: Exception) -> Exception:
        if isinstance(error, (api_exceptions.FailedPrecondition, api_exceptions.NotFound)):
            return KeyDestroyed(f"the retention key {self.key_id} was destroyed")
        return super()._refused(error)


class KmsRetentionKeys(RetentionKeys):
    """Month keys in the key ring of each purpose (``projects/P/locations/L/keyRings/R``
    by ``CASES_KEY`` / ``MESSAGES_KEY``)."""

    def __init__(self, client: kms_v1.KeyManagementServiceClient, rings: Mapping[str, str],
                 *, protection_level: str = "SOFTWARE", timeout: float = 10.0) -> None:
        self._client = client
        self._rings = dict(rings)
        self._protection = getattr(kms_v1.ProtectionLevel, protection_level)
        self._timeout = timeout
        self._retry = Retry(predicate=if_transient_error, initial=0.1, maximum=1.0,
                            multiplier=2.0, timeout=timeout)
        self._made: set[str] = set()  # names of keys this process saw usable

    def _name(self, month: str, purpose: str) -> str:
        if not MONTH.match(month):
            raise ValueError(f"not a month: {month!r}")
        return f"{self._rings[purpose]}/cryptoKeys/{KEY_NAME_PREFIX}{month}"

    def _unavailable(self, error: Exception) -> KeyServiceUnavailable:
        return KeyServiceUnavailable(f"cloud kms: {type(error).__name__}: {error}")

    def key_for(self, month: str, purpose: str = CASES_KEY) -> KeyService:
        name = self._name(month, purpose)
        if name not in self._made:
            try:
                key = self._client.get_crypto_key(name=name, retry=self._retry,
                                                   timeout=self._timeout)
            except api_exceptions.NotFound:
                key = self._create(month, purpose)
            except _UNAVAILABLE as error:
                raise self._unavailable(error) from error
            if key.primary.state in _GONE or not key.primary.name:
                raise KeyDestroyed(f"the retention key of {month} was destroyed")
            self._made.add(name)
        return self.key(month, purpose)

    def _create(self, month: str, purpose: str) -> kms_v1.CryptoKey:
        crypto_key = kms_v1.CryptoKey(
            purpose=kms_v1.CryptoKey.CryptoKeyPurpose.ENCRYPT_DECRYPT,
            version_template=kms_v1.CryptoKeyVersionTemplate(
                algorithm=kms_v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm
                .GOOGLE_SYMMETRIC_ENCRYPTION,
                protection_level=self._protection),
            # The shortest wait KMS allows between a destruction and the key material gone.
            destroy_scheduled_duration=timedelta(days=1),
            labels={"purpose": "retention", "month": month.replace("-", "_")})
        try:
            return self._client.create_crypto_key(
                parent=self._rings[purpose], crypto_key_id=KEY_NAME_PREFIX + month,
                crypto_key=crypto_key, retry=self._retry, timeout=self._timeout)
        except api_exceptions.AlreadyExists:  # made meanwhile by another instance
            return self._client.get_crypto_key(name=self._name(month, purpose),
                                               retry=self._retry, timeout=self._timeout)
        except _UNAVAILABLE as error:
            raise self._unavailable(error) from error

    def key(self, month: str, purpose: str = CASES_KEY) -> KeyService:
        return _MonthKey(self._client, self._name(month, purpose), timeout=self._timeout,
                         key_id=KEY_ID_PREFIX + month)

    def destroy_before(self, month: str) -> list[str]:
        destroyed = set()
        try:
            for ring in self._rings.values():
                for key in self._client.list_crypto_keys(parent=ring, retry=self._retry,
                                                         timeout=self._timeout):
                    key_month = key.name.rsplit("/", 1)[-1].removeprefix(KEY_NAME_PREFIX)
                    if not (key.name.endswith(f"/{KEY_NAME_PREFIX}{key_month}")
                            and MONTH.match(key_month) and key_month < month):
                        continue
                    if self._destroy_versions(key.name):
                        destroyed.add(key_month)
                        self._made.discard(key.name)
        except _UNAVAILABLE as error:
            raise self._unavailable(error) from error
        return sorted(destroyed)

    def _destroy_versions(self, key_name: str) -> bool:
        """Destroy every version of the key not yet destroyed; whether there was one."""
        any_destroyed = False
        for version in self._client.list_crypto_key_versions(
                parent=key_name, retry=self._retry, timeout=self._timeout):
            if version.state in _GONE:
                continue
            try:
                self._client.destroy_crypto_key_version(name=version.name, retry=self._retry,
                                                        timeout=self._timeout)
            except api_exceptions.FailedPrecondition:
                continue  # destroyed meanwhile by another sweep
            any_destroyed = True
        return any_destroyed
