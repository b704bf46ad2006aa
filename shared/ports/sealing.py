"""Sealing: key-encryption keys, envelope sealing of payloads, replay digests, and
the sealed records re-sealing walks through."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any

from shared.domain.records import Submission
from shared.domain.sealing import CASES_KEY, SealContext
from shared.ports.storage import StoreUnavailable


class KeyWrapper(abc.ABC):
    """A key-encryption key that can wrap data keys, and nothing more: what a function
    that only seals (the public submit functions) is given."""

    @property
    @abc.abstractmethod
    def key_id(self) -> str:
        """Identifies the key-encryption key (stored next to each wrapped key)."""

    @abc.abstractmethod
    def wrap(self, data_key: bytes, associated: bytes) -> bytes:
        """Encrypt a data key, bound to ``associated`` data."""


class KeyService(KeyWrapper):
    """The key-encryption key: wraps and unwraps per-document data keys."""

    @abc.abstractmethod
    def unwrap(self, wrapped: bytes, associated: bytes, key_id: str) -> bytes:
        """Decrypt a data key wrapped by ``wrap``; raise ValueError if it was tampered with."""


class SealBroken(ValueError):
    """A sealed value does not open where it was found: it was altered, or moved to another
    record, case or kind of value. Its content must not be shown; it is an integrity alert.
    """


class SealOutdated(SealBroken):
    """A sealed value in an envelope format this code no longer opens in place (v1, bound
    to its record id only): ``intake reseal`` re-seals it in the current format."""


class KeyDestroyed(SealBroken):
    """The key-encryption key of a retention month was destroyed (crypto-shredding): what
    it wrapped can never be opened again, in the store or in any copy of it."""


class RetentionKeys(abc.ABC):
    """One key-encryption key per purge month (``YYYY-MM``): a case whose retention clock
    runs has its data keys wrapped under the key of the month it is due in, and the key is
    destroyed once that month has passed, so every copy of the case's envelopes (backups,
    point-in-time recovery) becomes unreadable (docs/retention.md).

    ``purpose`` keeps the purposes' keys apart (``CASES_KEY``, ``MESSAGES_KEY``): a
    function allowed only the messages key's values (the follow-up page) is allowed only
    the messages' month keys too, where the backend can tell them apart (Cloud KMS)."""

    @abc.abstractmethod
    def key_for(self, month: str, purpose: str = CASES_KEY) -> KeyService:
        """The month's key, made on first use; KeyDestroyed if it was destroyed."""

    @abc.abstractmethod
    def key(self, month: str, purpose: str = CASES_KEY) -> KeyService:
        """The month's key to unwrap with; KeyDestroyed if destroyed or never made."""

    @abc.abstractmethod
    def destroy_before(self, month: str) -> list[str]:
        """Destroy the keys (of every purpose) of every month before ``month``, for good;
        the months destroyed now."""


class PayloadSealer(abc.ABC):
    """Envelope encryption, sealing side only: one data key per value, wrapped by the
    key-encryption key of the value's kind, bound to the value's ``SealContext``."""

    @abc.abstractmethod
    def seal(self, context: SealContext, plaintext: bytes) -> dict[str, Any]:
        """Encrypt ``plaintext`` for the place ``context`` names; the envelope to store."""


class PayloadCipher(PayloadSealer):
    """Envelope encryption of identity and narrative, both ways."""

    @abc.abstractmethod
    def open(self, context: SealContext, envelope: Mapping[str, Any]) -> bytes:
        """Decrypt an envelope made by ``seal`` for the same context.

        Raises SealBroken if the envelope was altered or was sealed for another context
        (another case, record, collection or kind), SealOutdated for an envelope of an
        older format, KeyServiceUnavailable if its key cannot be reached.
        """

    @abc.abstractmethod
    def rewrap(self, context: SealContext, envelope: Mapping[str, Any],
               month: str | None) -> dict[str, Any]:
        """The envelope with its data key wrapped again, under the retention key of
        ``month``, or under its purpose's key when ``month`` is None (the same ciphertext).
        Raises SealBroken as ``open`` does, KeyDestroyed if the key it needs was
        destroyed."""

    @abc.abstractmethod
    def is_current(self, envelope: Mapping[str, Any]) -> bool:
        """Whether the envelope is in the format ``seal`` makes today."""

    @abc.abstractmethod
    def open_outdated(self, record_id: str, envelope: Mapping[str, Any]) -> bytes:
        """Decrypt an envelope of the older format (v1: bound to the record id alone, every
        kind under the cases key). Only for re-sealing it in the current format: a v1
        envelope says nothing of its case or kind. Raises SealBroken if it does not open.
        """


class ReplayDigests(abc.ABC):
    """Keyed digests kept outside the envelope, so the submit functions answer an
    idempotent retry without decrypting anything."""

    @abc.abstractmethod
    def request_digest(self, form: str, submission_id: str, canonical: bytes) -> str:
        """The digest stored with a submission: tells a retry of the same body from a
        reuse of its idempotency key with another body."""

    @abc.abstractmethod
    def receipt_secret(self, submission_id: str, idempotency_key: str) -> bytes:
        """At least 10 secret bytes behind the receipt code of an anonymous submission made
        with an idempotency key: the same for a retry, never stored."""


class KeyServiceUnavailable(StoreUnavailable):
    """The key service (Cloud KMS) could not be reached or did not answer correctly.

    A kind of StoreUnavailable: stored data cannot be sealed or opened without its key, so
    callers treat it as the store being down (503, try again later; nothing was stored).
    """


class SealedRecords(abc.ABC):
    """Every sealed value the store keeps, page by page, and a compare-and-set to replace
    one: what ``intake reseal`` needs to re-seal records in the current envelope format.

    Sibling of the intake store on the same database; only the operators' command uses it.
    """

    @abc.abstractmethod
    def submissions_after(self, submission_id: str, limit: int) -> list[Submission]:
        """Up to ``limit`` submissions whose id sorts after ``submission_id``, in id order."""

    @abc.abstractmethod
    def references_after(self, reference: str, limit: int) -> list[str]:
        """Up to ``limit`` case references sorting after ``reference``, in order."""

    @abc.abstractmethod
    def replace_submission_seal(self, submission_id: str, *, expected: Mapping[str, Any],
                                sealed: Mapping[str, Any], request_digest: str) -> bool:
        """Replace the submission's envelope (and its request digest) if it still holds
        ``expected``; False (nothing written) if it changed or is gone."""

    @abc.abstractmethod
    def replace_event_seal(self, reference: str, seq: int, field: str, *,
                           expected: Mapping[str, Any], sealed: Mapping[str, Any]) -> bool:
        """Replace the envelope an event keeps in ``details`` (``field`` "") or in
        ``details[field]`` if it still is ``expected``; False (nothing written) otherwise."""
