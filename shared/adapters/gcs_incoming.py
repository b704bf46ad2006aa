"""The ``IncomingUploads`` port on Google Cloud Storage: a private bucket of its own (uniform
bucket-level access, public access prevented, a CMEK default key, objects deleted by a
lifecycle rule after a day: Terraform) that clients write to only through V4 signed URLs.

A URL is signed for one object, one method (PUT), one content type and one exact size
(``x-goog-content-length-range``), for a few minutes. On Cloud Functions there is no private
key: the URL is signed by the IAM Credentials API as the function's own service account
(which holds ``roles/iam.serviceAccountTokenCreator`` on itself); tests sign with a key of
their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.api_core import exceptions as google_errors
from google.auth.credentials import AnonymousCredentials
from google.auth.exceptions import GoogleAuthError
from google.cloud import storage  # type: ignore[attr-defined]

from shared.adapters.gcs_evidence import UNAVAILABLE, delete_object, read_object
from shared.domain.evidence import SignedUpload
from shared.ports.evidence import EvidenceMissing, EvidenceUnavailable, IncomingUploads

LENGTH_RANGE = "x-goog-content-length-range"


class GcsIncomingUploads(IncomingUploads):
    def __init__(self, bucket: Any, *, timeout: float, signing: dict[str, Any],
                 endpoint: str = "") -> None:
        self._bucket = bucket
        self._timeout = timeout
        self._signing = signing  # credentials, or service_account_email + access_token
        self._endpoint = endpoint

    @classmethod
    def connect(cls, project: str, bucket: str, *, emulator_host: str = "",
                signing_credentials: Any = None,
                timeout: float = 10.0) -> GcsIncomingUploads:
        """``signing_credentials``: credentials with a private key (tests); otherwise the
        URL is signed through IAM as the account of the process's own credentials."""
        if emulator_host:
            client = storage.Client(project=project or "test",
                                    credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
                                    client_options={"api_endpoint": emulator_host})
        else:
            client = storage.Client(project=project)
        signing: dict[str, Any] = {}
        if signing_credentials is not None:
            signing = {"credentials": signing_credentials}
        return cls(client.bucket(bucket), timeout=timeout, signing=signing,
                   endpoint=emulator_host)

    def _signing_arguments(self) -> dict[str, Any]:
        if "credentials" in self._signing:
            return dict(self._signing)
        import google.auth
        import google.auth.transport.requests

        credentials, _ = google.auth.default(
            scopes=["https://www.googleapis.com/auth/cloud-platform"])
        credentials.refresh(google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
        return {"service_account_email": getattr(credentials, "service_account_email", ""),
                "access_token": credentials.token}

    def signed_put(self, name: str, *, content_type: str, size: int,
                   valid_for: timedelta) -> SignedUpload:
        headers = {LENGTH_RANGE: f"{size},{size}"}
        expires_at = datetime.now(UTC) + valid_for
        try:
            url = self._bucket.blob(name).generate_signed_url(
                version="v4", method="PUT", expiration=valid_for,
                content_type=content_type, headers=dict(headers),  # it adds Host
                **({"api_access_endpoint": self._endpoint} if self._endpoint else {}),
                **self._signing_arguments())
        except (GoogleAuthError, google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
            raise EvidenceUnavailable(type(error).__name__) from None
        return SignedUpload(upload_id=name.rsplit("/", 1)[-1], url=url, method="PUT",
                            headers={"Content-Type": content_type, **headers},
                            expires_at=expires_at.astimezone(UTC).isoformat())

    def size(self, name: str) -> int:
        try:
            blob = self._bucket.get_blob(name, timeout=self._timeout)
        except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
            raise EvidenceUnavailable(type(error).__name__) from None
        if blob is None:
            raise EvidenceMissing(name)
        return int(blob.size or 0)

    def read(self, name: str) -> bytes:
        return read_object(self._bucket, name, self._timeout)

    def delete(self, name: str) -> None:
        delete_object(self._bucket, name, self._timeout)

    def names_older_than(self, prefix: str, before: datetime) -> list[str]:
        try:
            blobs = list(self._bucket.client.list_blobs(self._bucket, prefix=prefix or None,
                                                        timeout=self._timeout))
        except (google_errors.GoogleAPICallError, *UNAVAILABLE) as error:
            raise EvidenceUnavailable(type(error).__name__) from None
        return sorted(b.name for b in blobs
                      if b.time_created is not None and b.time_created < before)
