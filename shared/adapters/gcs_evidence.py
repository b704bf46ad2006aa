"""The ``EvidenceBlobs`` port on Google Cloud Storage: one object per sealed copy, in a
private bucket (uniform bucket-level access, public access prevented, a CMEK default key:
Terraform). The objects are already sealed by our envelope, so the bucket holds ciphertext
only; every call has a deadline and the client's retries on transient errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.api_core import exceptions as google_errors
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage  # type: ignore[attr-defined]

from shared.ports.evidence import EvidenceBlobs, EvidenceMissing, EvidenceUnavailable

_CONTENT_TYPE = "application/json"
UNAVAILABLE = (google_errors.ServiceUnavailable, google_errors.InternalServerError,
                google_errors.TooManyRequests, google_errors.DeadlineExceeded,
                google_errors.Forbidden, google_errors.Unauthorized, ConnectionError,
                TimeoutError)


def read_object(bucket: Any, name: str, timeout: float) -> bytes:
    """An object's bytes. Raises EvidenceMissing, EvidenceUnavailable."""
    try:
        data: bytes = bucket.blob(name).download_as_bytes(timeout=timeout)
        return data
    except google_errors.NotFound:
        raise EvidenceMissing(name) from None
    except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
        raise EvidenceUnavailable(type(error).__name__) from None


def delete_object(bucket: Any, name: str, timeout: float) -> None:
    """Remove an object if it is there. Raises EvidenceUnavailable."""
    try:
        bucket.blob(name).delete(timeout=timeout)
    except google_errors.NotFound:
        return
    except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
        raise EvidenceUnavailable(type(error).__name__) from None


class GcsEvidenceBlobs(EvidenceBlobs):
    def __init__(self, bucket: Any, *, timeout: float) -> None:
        self._bucket = bucket
        self._timeout = timeout

    @classmethod
    def connect(cls, project: str, bucket: str, *, emulator_host: str = "",
                timeout: float = 10.0) -> GcsEvidenceBlobs:
        if emulator_host:
            client = storage.Client(project=project or "test",
                                    credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
                                    client_options={"api_endpoint": emulator_host})
        else:
            client = storage.Client(project=project)
        return cls(client.bucket(bucket), timeout=timeout)

    def put(self, name: str, sealed: bytes) -> None:
        try:
            self._bucket.blob(name).upload_from_string(sealed, content_type=_CONTENT_TYPE,
                                                       timeout=self._timeout)
        except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
            raise EvidenceUnavailable(type(error).__name__) from None

    def get(self, name: str) -> bytes:
        return read_object(self._bucket, name, self._timeout)

    def delete(self, name: str) -> None:
        delete_object(self._bucket, name, self._timeout)

    def names(self, prefix: str = "") -> list[str]:
        try:
            return sorted(blob.name for blob in
                          self._bucket.client.list_blobs(self._bucket, prefix=prefix or None,
                                                         timeout=self._timeout))
        except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
            raise EvidenceUnavailable(type(error).__name__) from None

    def names_older_than(self, before: datetime) -> list[str]:
        try:
            blobs = list(self._bucket.client.list_blobs(self._bucket, timeout=self._timeout))
        except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
            raise EvidenceUnavailable(type(error).__name__) from None
        return sorted(b.name for b in blobs
                      if b.time_created is not None and b.time_created < before)
