"""What the follow-up page keeps: lockouts of failed attempts and submitters' messages."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.domain.follow_up import Attempt, Lockout, Visit
from shared.domain.records import CaseEvent, PendingTask


class FollowUpStore(abc.ABC):
    """What the follow-up page reads and writes on a case, atomically.

    Messages are case history events of kind ``reply_to_submitter`` (written by officers)
    or ``submitter_message`` (written by the follow-up page), with details
    ``{"message_id": <hex>, "sealed": <envelope>}`` (and ``"attachments"``, the records of
    the files the submitter added with the message): the text is never stored in clear.
    Lockout counters of receipt checks are kept per reference, known or not, so a paced
    reference says nothing about whether a case exists. They count every client's checks
    together and hold nothing about any client (the per-client counters are the
    RateLimiter's, in memory).
    """

    @abc.abstractmethod
    def messages(self, reference: str) -> list[CaseEvent]:
        """The case's message events (both kinds), oldest first; [] for an unknown case."""

    @abc.abstractmethod
    def events(self, reference: str) -> list[CaseEvent]:
        """Every event of the case's history, oldest first, read by id (the public page
        never lists a collection); [] for an unknown case."""

    @abc.abstractmethod
    def record_visit(self, reference: str, at: datetime) -> Visit:
        """Record that the submitter opened the case at ``at``, atomically: the visit now
        and the one before it (None on the first)."""

    @abc.abstractmethod
    def visit(self, reference: str) -> Visit | None:
        """The latest visit recorded and the one before it; None if never opened."""

    @abc.abstractmethod
    def append_message(self, reference: str, *, kind: str, actor: str, message_id: str,
                       sealed: Mapping[str, Any], at: datetime,
                       pending: Sequence[PendingTask] = (),
                       attachments: Sequence[Mapping[str, Any]] = ()) -> CaseEvent:
        """Append a message event with the case's next sequence number and bump the case's
        ``event_count`` and ``updated_at``, with ``pending`` work (the officers' notices),
        in one atomic write. ``attachments`` (the details of files already stored) go in
        the event's details, when there are any.

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
                        lock_for: timedelta, pause: timedelta | None = None,
                        keep_for: timedelta = timedelta(0)) -> Attempt:
        """Count one receipt check of ``reference`` before it is made, atomically
        (``Lockout.reserve``, with its ``pause``): it stands as a failure unless refunded.
        While the reference is locked the check is refused and nothing is counted. The
        stored counter expires (``expires_at``) ``keep_for`` after its last attempt or
        lock (the retention schedule's period), never before ``lock_for``."""

    @abc.abstractmethod
    def forget_visit(self, reference: str) -> None:
        """Delete the record of the submitter's visits to a case (a purge leaves none)."""

    @abc.abstractmethod
    def forget_lockouts(self, at: datetime) -> int:
        """Delete the counters expired at ``at``; how many. On Firestore a TTL policy on
        ``expires_at`` deletes them instead, and this deletes nothing."""

    @abc.abstractmethod
    def refund_attempt(self, reference: str, attempt: Attempt, *, limit: int) -> None:
        """Give back the one check ``attempt`` counted (its receipt matched), atomically
        (``Lockout.refund``): failures counted by other checks stay counted."""
