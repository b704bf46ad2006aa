"""Forward a case to the investigations office: exactly once as the receiver sees it.

Every attempt is counted in the store before the request leaves, the referral id lets the
receiver recognise a repeat, and the outcome is written only after the receiver answered;
so a redelivered task, a timeout after the receiver recorded the referral, or a crash
before the receipt was stored all end in one referral and one receipt.

What the submitter adds after a case is referred goes the same way, as a supplement to
the same referral (its own id, derived from the referral's and the message's): counted
before it leaves, de-duplicated by the receiver, retried, and visibly failed in the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain import forwarding
from shared.domain.evidence import Attachment, attachments_of, safe_download_name
from shared.domain.follow_up import SUBMITTER_MESSAGE
from shared.domain.records import Case, CaseChange, Submission, UnknownSubmission
from shared.domain.referrals import attachment_entry, referral_document, supplement_document
from shared.domain.sealing import IntegrityFailure
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.evidence import EvidenceBlobs, EvidenceMissing, EvidenceUnavailable
from shared.ports.follow_up import FollowUpStore
from shared.ports.investigations import (
    InvestigationsGateway,
    ReferralReceipt,
    ReferralRejected,
    ReferralUnavailable,
)
from shared.ports.sealing import PayloadCipher, SealBroken
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services import evidence, integrity
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)


class ForwardLater(Exception):
    """The investigations office did not answer usably; the task should be retried."""


@dataclass(frozen=True)
class ForwardOutcome:
    reference: str
    status: str  # "forwarded" | "failed" | "settled" (nothing left to do)
    attempt: int | None = None


@dataclass(frozen=True)
class _Ports:
    store: IntakeStore
    follow_up: Callable[[], FollowUpStore]
    gateway: InvestigationsGateway
    cipher: PayloadCipher
    queue: TaskQueue
    clock: Clock
    max_attempts: int
    blobs: Callable[[], EvidenceBlobs] | None = None


def forward_case(submission_id: str, *, store: IntakeStore,
                 follow_up: Callable[[], FollowUpStore], gateway: InvestigationsGateway,
                 cipher: PayloadCipher, queue: TaskQueue, clock: Clock, max_attempts: int,
                 item: str = "",
                 blobs: Callable[[], EvidenceBlobs] | None = None) -> ForwardOutcome:
    """One delivery attempt of a case's referral (``item`` "") or of one of its
    supplements (``item`` from ``forwarding.supplement_item``: the submitter's message,
    read by id from the follow-up store ``follow_up`` gives, asked for only then). Raises
    ForwardLater when the task should be delivered again (with the queue's backoff)."""
    submission = store.get_submission(submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    ports = _Ports(store, follow_up, gateway, cipher, queue, clock, max_attempts, blobs)
    message_id = forwarding.supplement_message(item)
    if message_id is not None:
        return _forward_supplement(submission, message_id, ports)
    return _forward_referral(submission, ports)


def _forward_referral(submission: Submission, p: _Ports) -> ForwardOutcome:
    reference = submission.reference
    started = p.store.update_case(reference,
                                  lambda c: forwarding.attempt_started(c, p.clock.now()))
    if started is None or started.result is None:
        log.info("referral already settled; nothing to do",
                 extra={"event": "forward_duplicate", "reference": reference})
        return ForwardOutcome(reference, "settled")
    attempt: int = started.result
    case = started.case
    referral = case.forwarding
    assert referral is not None

    def fail(reason: str) -> ForwardOutcome:
        return _settle(p, reference, lambda c: forwarding.forwarding_failed(
            c, reason, p.clock.now()), "failed", attempt, reason)

    if attempt > p.max_attempts:
        return fail(f"retry budget of {p.max_attempts} attempts spent")
    try:
        payload = integrity.open_submission(case, submission, store=p.store,
                                            cipher=p.cipher, queue=p.queue, clock=p.clock)
    except IntegrityFailure as failure:
        # Nothing that failed its check leaves the office: the referral fails, in front of
        # an officer, and the alert is raised.
        return fail(f"integrity check failed ({failure.code})")
    try:
        files = _attachments(reference, evidence.submitted_attachments(p.store, reference), p)
    except (SealBroken, EvidenceMissing) as broken:
        # A file that does not open where it is kept never leaves: the referral fails in
        # front of an officer rather than go without it.
        return fail(f"an attached file failed its integrity check ({type(broken).__name__})")
    except EvidenceUnavailable as error:
        if attempt >= p.max_attempts:
            return fail(f"the attached files could not be read after {attempt} attempts")
        p.store.update_case(reference, lambda c: forwarding.attempt_failed(
            c, attempt, "attached files unavailable", p.clock.now()))
        raise ForwardLater("attached files unavailable") from error
    document = referral_document(
        form=case.form, reference=reference, referral_id=referral.referral_id,
        received_at=case.received_at, urgent=referral.urgent, payload=payload,
        matter=referral.matter, allegation_type=referral.allegation_type, attachments=files)
    delivered = _deliver(p, reference, referral.referral_id, document, attempt, fail,
                         lambda c, reason: forwarding.attempt_failed(
                             c, attempt, reason, p.clock.now()))
    if isinstance(delivered, ForwardOutcome):
        return delivered
    contactable = not submission.anonymous  # the notify task skips a reporter with no e-mail
    return _settle(p, reference, lambda c: forwarding.forwarded(
        c, delivered.investigations_case_id, p.clock.now(),
        reporter_contactable=contactable), "forwarded", attempt)


def _forward_supplement(submission: Submission, message_id: str,
                        p: _Ports) -> ForwardOutcome:
    reference = submission.reference
    started = p.store.update_case(reference, lambda c: forwarding.supplement_attempt_started(
        c, message_id, p.clock.now()))
    if started is None:
        raise UnknownSubmission(submission.id)
    if started.result == forwarding.NO_REFERRAL_YET:
        if started.case.form == "misconduct":  # triage has not queued its referral yet
            raise ForwardLater("the report's referral is not made yet")
        log.warning("a supplement for a case without a referral; nothing to send",
                    extra={"event": "supplement_without_referral", "reference": reference})
        p.store.update_case(reference, lambda c: forwarding.supplement_dropped(c, message_id))
        return ForwardOutcome(reference, "settled")
    if started.result is None:
        log.info("supplement settled, or waiting for its referral",
                 extra={"event": "supplement_settled", "reference": reference})
        return ForwardOutcome(reference, "settled")
    attempt: int = started.result
    case = started.case
    referral = case.forwarding
    assert referral is not None
    supplement = referral.supplement(message_id)
    assert supplement is not None

    def fail(reason: str) -> ForwardOutcome:
        return _settle(p, reference, lambda c: forwarding.supplement_failed(
            c, message_id, reason, p.clock.now()), "failed", attempt, reason)

    if attempt > p.max_attempts:
        return fail(f"retry budget of {p.max_attempts} attempts spent")
    message = _message(case, message_id, p)
    if message is None:
        return fail("integrity check failed (the message does not open where it is kept)")
    added_at, text, added_files = message
    try:
        files = _attachments(reference, added_files, p)
    except (SealBroken, EvidenceMissing) as broken:
        return fail(f"an attached file failed its integrity check ({type(broken).__name__})")
    except EvidenceUnavailable as error:
        if attempt >= p.max_attempts:
            return fail(f"the attached files could not be read after {attempt} attempts")
        p.store.update_case(reference, lambda c: forwarding.supplement_attempt_failed(
            c, message_id, attempt, "attached files unavailable", p.clock.now()))
        raise ForwardLater("attached files unavailable") from error
    document = supplement_document(
        supplement_id=supplement.supplement_id, referral_id=referral.referral_id,
        reference=reference, investigations_case_id=referral.investigations_case_id,
        added_at=added_at, text=text, attachments=files)
    delivered = _deliver(p, reference, supplement.supplement_id, document, attempt, fail,
                         lambda c, reason: forwarding.supplement_attempt_failed(
                             c, message_id, attempt, reason, p.clock.now()))
    if isinstance(delivered, ForwardOutcome):
        return delivered
    return _settle(p, reference, lambda c: forwarding.supplement_forwarded(
        c, message_id, p.clock.now()), "forwarded", attempt)


def _deliver(p: _Ports, reference: str, key: str, document: dict[str, Any], attempt: int,
             fail: Callable[[str], ForwardOutcome],
             retried: Callable[[Case, str], CaseChange]) -> ReferralReceipt | ForwardOutcome:
    """Send one document; the receipt, or the outcome of a delivery that failed for good.
    Raises ForwardLater when it is to be tried again."""
    try:
        return p.gateway.refer(key, document)
    except ReferralRejected as refusal:
        return fail(f"refused by the investigations office (HTTP {refusal.status})")
    except ReferralUnavailable as error:
        if attempt >= p.max_attempts:
            return fail(f"no usable answer after {attempt} attempts ({error})")
        reason = str(error)
        p.store.update_case(reference, lambda c: retried(c, reason))
        log.warning("referral attempt failed; the queue retries it", extra={
            "event": "forward_retry", "reference": reference, "attempt": attempt,
            "reason": reason})
        raise ForwardLater(reason) from error


def _attachments(reference: str, found: Sequence[Attachment],
                 p: _Ports) -> list[dict[str, Any]]:
    """The files of a referral (those of the submission) or of a supplement (those added
    with its message): each cleaned copy opened (a quarantined file: withheld)."""
    if not found:
        return []
    if p.blobs is None:
        raise EvidenceUnavailable("no store of attached files is wired")
    blobs = p.blobs()
    entries = []
    for attachment in found:
        if not attachment.deliverable:
            entries.append(attachment_entry(attachment))
            continue
        opened = evidence.open_copy(reference, attachment, "cleaned", cipher=p.cipher,
                                    blobs=blobs)
        entries.append(attachment_entry(
            attachment, safe_download_name(opened.name, opened.kind, attachment.attachment_id),
            opened.data))
    return entries


def _settle(p: _Ports, reference: str, decide: Callable[[Case], CaseChange], status: str,
            attempt: int, reason: str | None = None) -> ForwardOutcome:
    change = p.store.update_case(reference, decide)
    if change is not None and change.result:
        enqueue_stored(p.queue, change.add_pending)
        if status == "failed":
            log.error("referral failed; it is listed for officers and the offices are "
                      "alerted", extra={"event": "forwarding_failed", "reference": reference,
                                        "attempt": attempt, "reason": reason})
        else:
            log.info("referral delivered", extra={"event": "forwarded",
                                                  "reference": reference, "attempt": attempt})
    return ForwardOutcome(reference, status, attempt)


def _message(case: Case, message_id: str,
             p: _Ports) -> tuple[datetime, str, list[Attachment]] | None:
    """When the submitter's message was added, its text, opened as a submitter message of
    this case, and the files added with it; None if it is not there or does not open (an
    integrity alert is raised). Read as the follow-up page reads messages: by id, never by
    a query."""
    for event in p.follow_up().messages(case.reference):
        if event.kind == SUBMITTER_MESSAGE and event.details.get("message_id") == message_id:
            _, text = integrity.open_event(case.reference, event, store=p.store,
                                           cipher=p.cipher, queue=p.queue, clock=p.clock)
            if text is None:
                return None
            return event.at, text, attachments_of(event.details)
    return None
