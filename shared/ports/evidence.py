"""Evidence attachments: the malware scanner, the cleaner of hidden metadata, and the
store of sealed files, with the errors each raises."""

from __future__ import annotations

import abc
from datetime import datetime, timedelta

from shared.domain.evidence import Cleaned, ScanResult, SignedUpload


class ScannerUnavailable(Exception):
    """The configured scanner could not be reached or did not answer: nothing is stored
    (a file is never accepted unscanned when a scanner is configured)."""


class Scanner(abc.ABC):
    """A malware scanner."""

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """What scanned (recorded with each file's result)."""

    @abc.abstractmethod
    def scan(self, data: bytes) -> ScanResult:
        """``SCAN_CLEAN``, or ``SCAN_INFECTED`` with the signature found. Raises
        ScannerUnavailable when the scanner cannot answer."""


class MetadataCleaner(abc.ABC):
    """Removes what identifies a reporter from a file of a known kind: location, camera,
    author, editing history, comments, tracked changes, scripts, tags."""

    @abc.abstractmethod
    def clean(self, kind: str, data: bytes) -> Cleaned:
        """The cleaned copy and the codes of what was removed. Raises
        ``shared.domain.evidence.FileRefused`` when the file does not parse as its kind
        (malformed, encrypted, a decompression bomb)."""


class EvidenceUnavailable(Exception):
    """The store of sealed files could not be reached: nothing was acknowledged."""


class EvidenceMissing(LookupError):
    """No sealed file under that name."""


class EvidenceBlobs(abc.ABC):
    """Where sealed files are kept (they arrive already encrypted: the store only ever
    holds ciphertext)."""

    @abc.abstractmethod
    def put(self, name: str, sealed: bytes) -> None:
        """Store ``sealed`` under ``name``, replacing what a failed earlier attempt left.
        Raises EvidenceUnavailable."""

    @abc.abstractmethod
    def get(self, name: str) -> bytes:
        """The sealed bytes under ``name``. Raises EvidenceMissing, EvidenceUnavailable."""

    @abc.abstractmethod
    def delete(self, name: str) -> None:
        """Remove ``name`` if it is there. Raises EvidenceUnavailable."""

    @abc.abstractmethod
    def names(self, prefix: str = "") -> list[str]:
        """The names stored under ``prefix``, sorted."""

    @abc.abstractmethod
    def names_older_than(self, before: datetime) -> list[str]:
        """The names of objects written before ``before``, sorted. Raises
        EvidenceUnavailable."""


class IncomingUploads(abc.ABC):
    """A private bucket where a client uploads a file through a V4 signed URL, as it came
    (nothing there is checked yet: only the submit functions read it, and only to check,
    clean, scan and seal it into ``EvidenceBlobs``)."""

    @abc.abstractmethod
    def signed_put(self, name: str, *, content_type: str, size: int,
                   valid_for: timedelta) -> SignedUpload:
        """A V4 signed URL to PUT ``size`` bytes of ``content_type`` under ``name``, for
        ``valid_for`` from now (a signature's time is the signer's real clock); the headers
        it signs must come with the request. Raises EvidenceUnavailable when the URL cannot
        be signed."""

    @abc.abstractmethod
    def size(self, name: str) -> int:
        """The stored size of ``name`` (read before its bytes). Raises EvidenceMissing,
        EvidenceUnavailable."""

    @abc.abstractmethod
    def read(self, name: str) -> bytes:
        """The bytes under ``name``. Raises EvidenceMissing, EvidenceUnavailable."""

    @abc.abstractmethod
    def delete(self, name: str) -> None:
        """Remove ``name`` if it is there. Raises EvidenceUnavailable."""

    @abc.abstractmethod
    def names_older_than(self, prefix: str, before: datetime) -> list[str]:
        """The names under ``prefix`` written before ``before``, sorted."""
