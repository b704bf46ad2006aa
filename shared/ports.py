"""The interfaces we own. Services depend on these; adapters implement them.

Each port raises only the exceptions declared here, so a use case never sees an SDK error:
``StoreUnavailable`` / ``QueueUnavailable`` mean "a dependency is down, try again later".
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from shared.domain.follow_up import Attempt, Lockout
from shared.domain.mail_limits import SendQuota
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
    Task,
)
from shared.domain.sealing import SealContext


class StoreUnavailable(Exception):
    """The document store could not be reached or did not answer in time."""


class QueueUnavailable(Exception):
    """The task queue refused or failed to accept a task."""


class SubmissionExists(Exception):
    """A submission with this id is already stored (an idempotent retry)."""


class ReferenceTaken(Exception):
    """The randomly drawn case reference is already in use; draw another."""


class IntakeStore(abc.ABC):
    """Document store of submissions, cases, their history and pending work.

    Every method is atomic: it either happens completely or not at all.
    """

    @abc.abstractmethod
    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        """Store a new submission with its case, first history event and pending triage.

        Raises SubmissionExists if ``submission.id`` is taken, ReferenceTaken if
        ``case.reference`` is, and StoreUnavailable if the store cannot be reached.
        """

    @abc.abstractmethod
    def get_submission(self, submission_id: str) -> Submission | None:
        """The stored submission, or None."""

    @abc.abstractmethod
    def get_case(self, reference: str) -> Case | None:
        """The case, or None."""

    @abc.abstractmethod
    def case_events(self, reference: str) -> list[CaseEvent]:
        """The case's history, oldest first."""

    @abc.abstractmethod
    def list_cases(self, query: CaseQuery) -> list[Case]:
        """Cases matching the query, most recently received first."""

    @abc.abstractmethod
    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        """Read the case, let ``decide`` (pure: it may run more than once) say what changes,
        and write all of it atomically: the case, its new history events, pending tasks
        added and removed. If another writer changed the case meanwhile, ``decide`` runs
        again on the new version. ``None`` from ``decide`` writes nothing.

        Raises LookupError if there is no such case.
        """

    @abc.abstractmethod
    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        """Pending tasks last enqueued before the given time, oldest first."""

    @abc.abstractmethod
    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        """Record that a pending task was enqueued again under ``generation``.

        Does nothing if the task completed in the meantime.
        """


class TaskQueue(abc.ABC):
    """Asynchronous, at-least-once delivery of tasks to functions."""

    @abc.abstractmethod
    def enqueue(self, task: Task) -> None:
        """Accept a task. A task whose name was already accepted is a no-op.

        Raises QueueUnavailable when the task could not be accepted.
        """


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


class Clock(abc.ABC):
    """The current time, in UTC."""

    @abc.abstractmethod
    def now(self) -> datetime:
        """An aware datetime in UTC."""



# --- Referrals to the investigations office and notifications -------------------------


@dataclass(frozen=True)
class ReferralReceipt:
    """The investigations office's answer to a referral: its own case id."""

    investigations_case_id: str


class ReferralRejected(Exception):
    """The investigations office refused the referral (a 4xx other than 408/429): retrying
    the same request cannot succeed."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class ReferralUnavailable(Exception):
    """No usable answer (5xx, 408, 429, timeout, connection error): try again later."""


class InvestigationsGateway(abc.ABC):
    """The investigations office's intake endpoint."""

    @abc.abstractmethod
    def refer(self, referral_id: str, document: Mapping[str, Any]) -> ReferralReceipt:
        """Deliver a referral; ``referral_id`` lets the receiver de-duplicate deliveries.

        Raises ReferralRejected or ReferralUnavailable.
        """


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    # Stable per notification, so duplicates can be recognised downstream.
    message_id: str


class NotifierUnavailable(Exception):
    """The e-mail could not be handed over; try again later."""


class Notifier(abc.ABC):
    """Sends e-mail. Messages carry references and links, never report content."""

    @abc.abstractmethod
    def send(self, email: Email) -> None:
        """Hand one e-mail over for delivery; raise NotifierUnavailable if it was not."""


class KeyServiceUnavailable(StoreUnavailable):
    """The key service (Cloud KMS) could not be reached or did not answer correctly.

    A kind of StoreUnavailable: stored data cannot be sealed or opened without its key, so
    callers treat it as the store being down (503, try again later; nothing was stored).
    """


# --- Public web forms and follow-up ----------------------------------------------------

class FollowUpStore(abc.ABC):
    """What the follow-up page reads and writes on a case, atomically.

    Messages are case history events of kind ``reply_to_submitter`` (written by officers)
    or ``submitter_message`` (written by the follow-up page), with details
    ``{"message_id": <hex>, "sealed": <envelope>}``: the text is never stored in clear.
    Lockout counters of receipt checks are kept per reference, known or not, so a paced
    reference says nothing about whether a case exists. They count every client's checks
    together and hold nothing about any client (the per-client counters are the
    RateLimiter's, in memory).
    """

    @abc.abstractmethod
    def messages(self, reference: str) -> list[CaseEvent]:
        """The case's message events (both kinds), oldest first; [] for an unknown case."""

    @abc.abstractmethod
    def append_message(self, reference: str, *, kind: str, actor: str, message_id: str,
                       sealed: Mapping[str, Any], at: datetime,
                       pending: Sequence[PendingTask] = ()) -> CaseEvent:
        """Append a message event with the case's next sequence number and bump the case's
        ``event_count`` and ``updated_at``, with ``pending`` work (the officers' notices),
        in one atomic write.

        Idempotent on ``(reference, message_id)``: the same id again on the same case
        changes nothing and returns the event stored first. The id is the client's, so it
        means nothing on another case: there it is a message of its own. Raises
        LookupError for an unknown case, StoreUnavailable if the store cannot be reached.
        """

    @abc.abstractmethod
    def lockout(self, reference: str) -> Lockout:
        """The receipt-check counter of a reference (zero failures if none is kept)."""

    @abc.abstractmethod
    def reserve_attempt(self, reference: str, *, at: datetime, limit: int,
                        lock_for: timedelta, pause: timedelta | None = None) -> Attempt:
        """Count one receipt check of ``reference`` before it is made, atomically
        (``Lockout.reserve``, with its ``pause``): it stands as a failure unless refunded.
        While the reference is locked the check is refused and nothing is counted. The
        stored counter expires ``lock_for`` after its last attempt or lock."""

    @abc.abstractmethod
    def refund_attempt(self, reference: str, attempt: Attempt, *, limit: int) -> None:
        """Give back the one check ``attempt`` counted (its receipt matched), atomically
        (``Lockout.refund``): failures counted by other checks stay counted."""


class RateLimiter(abc.ABC):
    """Counts what one client does, per client key: actions in a sliding window, and the
    checks of a secret it makes (the receipt codes it tries on one reference).

    ``client`` may be a network address: implementations must not store or log it.
    """

    @abc.abstractmethod
    def hit(self, bucket: str, client: str, at: datetime, *,
            allowance: int = 1) -> float | None:
        """Count one action of ``client`` in ``bucket``; None if allowed, otherwise the
        seconds until the client may act again (the action is then not counted).
        ``allowance`` multiplies the limit for this bucket: for actions one person makes
        many of for each one the limit counts (the steps of a form)."""

    @abc.abstractmethod
    def reserve_attempt(self, bucket: str, client: str, *, at: datetime, limit: int,
                        lock_for: timedelta) -> Attempt:
        """Count one check by ``client`` in ``bucket`` before it is made, atomically
        (``Lockout.reserve``): it stands as a failure unless refunded. While this client
        is locked out of the bucket the check is refused and nothing is counted; other
        clients are not affected. A counter is forgotten ``lock_for`` after its last
        attempt or lock."""

    @abc.abstractmethod
    def refund_attempt(self, bucket: str, client: str, attempt: Attempt, *,
                       limit: int) -> None:
        """Give back the one check ``attempt`` counted (``Lockout.refund``): its receipt
        matched, or it was not made after all."""


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


# --- Notification e-mail: one send per pending notification, limits across instances ----

class Claim(Enum):
    """What ``MailLedger.claim`` found."""

    CLAIMED = "claimed"  # pending, and now this delivery's to send
    BUSY = "busy"  # pending, but another delivery is sending it right now
    NOT_PENDING = "not_pending"  # sent or skipped already, or never queued by the system


@dataclass(frozen=True)
class QuotaFull:
    """A send limit with no room left: which one (its name) and for how long."""

    name: str
    seconds: float


class MailLedger(abc.ABC):
    """What the notify function keeps beside the intake store, atomically: which pending
    notification a delivery is sending, and how much mail went out lately, counted across
    every instance. Counter keys are HMACs (``shared.domain.mail_limits``), never addresses.
    """

    @abc.abstractmethod
    def claim(self, pending_key: str, at: datetime, lease: timedelta) -> Claim:
        """Take the pending notification ``pending_key`` (a PendingTask key) for ``lease``.

        CLAIMED if it is pending and unclaimed (or its claim lapsed); BUSY if another claim
        holds it; NOT_PENDING if no such pending task exists. The claim ends when the
        pending task is removed (``IntakeStore.update_case``) or released.
        """

    @abc.abstractmethod
    def release(self, pending_key: str) -> None:
        """End a claim whose e-mail did not go out; nothing if the task is gone."""

    @abc.abstractmethod
    def take_quota(self, quotas: Sequence[SendQuota], at: datetime) -> QuotaFull | None:
        """Count one e-mail against every quota (fixed windows) if each has room at ``at``;
        otherwise count nothing and say which is full and until when."""
