"""Forward a case to the investigations office: exactly once as the receiver sees it.

Every attempt is counted in the store before the request leaves, the referral id lets the
receiver recognise a repeat, and the outcome is written only after the receiver answered;
so a redelivered task, a timeout after the receiver recorded the referral, or a crash
before the receipt was stored all end in one referral and one receipt.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain import forwarding
from shared.domain.referrals import referral_document
from shared.domain.sealing import IntegrityFailure
from shared.logs import get_logger
from shared.ports import (
    Clock,
    IntakeStore,
    InvestigationsGateway,
    PayloadCipher,
    ReferralRejected,
    ReferralUnavailable,
    TaskQueue,
)
from shared.services import integrity
from shared.services.tasks import enqueue_stored
from shared.services.triage import UnknownSubmission

log = get_logger(__name__)


class ForwardLater(Exception):
    """The investigations office did not answer usably; the task should be retried."""


@dataclass(frozen=True)
class ForwardOutcome:
    reference: str
    status: str  # "forwarded" | "failed" | "settled" (nothing left to do)
    attempt: int | None = None


def forward_case(submission_id: str, *, store: IntakeStore, gateway: InvestigationsGateway,
                 cipher: PayloadCipher, queue: TaskQueue, clock: Clock,
                 max_attempts: int) -> ForwardOutcome:
    """One delivery attempt of a case's referral. Raises ForwardLater when the task should
    be delivered again (with the queue's backoff)."""
    submission = store.get_submission(submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    reference = submission.reference
    started = store.update_case(reference, lambda c: forwarding.attempt_started(c, clock.now()))
    if started is None or started.result is None:
        log.info("referral already settled; nothing to do",
                 extra={"event": "forward_duplicate", "reference": reference})
        return ForwardOutcome(reference, "settled")
    attempt: int = started.result
    case = started.case
    assert case.forwarding is not None
    if attempt > max_attempts:
        return _fail(store, queue, clock, reference, f"retry budget of {max_attempts} "
                     "attempts spent", attempt)

    try:
        payload = integrity.open_submission(case, submission, store=store, cipher=cipher,
                                            queue=queue, clock=clock)
    except IntegrityFailure as failure:
        # Nothing that failed its check leaves the office: the case goes to
        # forwarding_failed, in front of an officer, and the alert is raised.
        return _fail(store, queue, clock, reference, f"integrity check failed "
                     f"({failure.code})", attempt)
    document = referral_document(form=case.form, reference=reference,
                                 referral_id=case.forwarding.referral_id,
                                 received_at=case.received_at,
                                 urgent=case.forwarding.urgent, payload=payload)
    try:
        receipt = gateway.refer(case.forwarding.referral_id, document)
    except ReferralRejected as refusal:
        return _fail(store, queue, clock, reference,
                     f"refused by the investigations office (HTTP {refusal.status})", attempt)
    except ReferralUnavailable as error:
        if attempt >= max_attempts:
            return _fail(store, queue, clock, reference,
                         f"no usable answer after {attempt} attempts ({error})", attempt)
        reason = str(error)
        store.update_case(reference, lambda c: forwarding.attempt_failed(
            c, attempt, reason, clock.now()))
        log.warning("referral attempt failed; the queue retries it", extra={
            "event": "forward_retry", "reference": reference, "attempt": attempt,
            "reason": reason})
        raise ForwardLater(reason) from error

    contactable = not submission.anonymous  # the notify task skips a reporter with no e-mail
    change = store.update_case(reference, lambda c: forwarding.forwarded(
        c, receipt.investigations_case_id, clock.now(), reporter_contactable=contactable))
    if change is not None and change.result:
        enqueue_stored(queue, change.add_pending)
        log.info("referral delivered", extra={"event": "forwarded", "reference": reference,
                                              "attempt": attempt})
    return ForwardOutcome(reference, "forwarded", attempt)


def _fail(store: IntakeStore, queue: TaskQueue, clock: Clock, reference: str, reason: str,
          attempt: int) -> ForwardOutcome:
    change = store.update_case(reference, lambda c: forwarding.forwarding_failed(
        c, reason, clock.now()))
    if change is not None and change.result:
        enqueue_stored(queue, change.add_pending)
        log.error("referral failed; the case is in forwarding_failed and the offices are "
                  "alerted", extra={"event": "forwarding_failed", "reference": reference,
                                    "attempt": attempt, "reason": reason})
    return ForwardOutcome(reference, "failed", attempt)
