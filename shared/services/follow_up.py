"""The follow-up page: open a case with its reference and receipt code, read the messages
exchanged with the Ethics Office, and add information. Every submitter has a receipt code,
named ones included (docs/follow-up.md says why a code and not a link by e-mail).

A reference that does not exist, a case that has no receipt (a named submission stored
before named submitters got one) and a wrong receipt code are the same failure, reached by
the same work: every check is counted before a slow hash is checked, in every case, so
neither the answer nor its timing says whether a case exists.

Checks are counted twice (``shared.domain.follow_up`` gives the figures): per client and
reference, so one client's wrong codes pause that client only and whoever quotes a
reference cannot lock its owner out; and per reference from every client, which paces
the checks of a reference guessed from many networks at once.

What the page shows is also a notification: a complainant who reads a no-prima-facie
determination there is notified of it, and the window to ask for the Ethics Panel chair's
review starts then if the e-mail has not started it already. What the submitter adds to a
case referred to the investigations office is sent on to it as a supplement.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain import casework, notifications
from shared.domain.evidence import FileNotice, Prepared, attachments_of
from shared.domain.follow_up import (
    FAILURES_BEFORE_LOCK,
    MESSAGE_KINDS,
    REFERENCE_FAILURES_BEFORE_PACING,
    REPLY_TO_SUBMITTER,
    SUBMITTER_ACTOR,
    SUBMITTER_MESSAGE,
    Attempt,
    Change,
    SubmitterStatus,
    changes_since,
    receipt_checks,
    referral_fact,
    submitter_status,
)
from shared.domain.forwarding import supplement_item
from shared.domain.policy import Policy
from shared.domain.proxy_intake import CORRECT, WEB
from shared.domain.records import Case, CaseEvent, PendingTask
from shared.domain.references import hash_receipt, verify_receipt
from shared.domain.retention import RetentionRefused
from shared.domain.sealing import IntegrityFailure, event_context
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.evidence import EvidenceBlobs
from shared.ports.follow_up import FollowUpStore
from shared.ports.rate_limits import RateLimiter
from shared.ports.sealing import PayloadCipher
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services import evidence as evidence_files
from shared.services import integrity, proxy_intake, retention
from shared.services.proxy_intake import NotReviewable
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)


class NoMatch(Exception):
    """No case matches this reference and receipt code (or the reference is unknown).
    ``remaining``: the wrong attempts this client has left on this reference before its
    checks are paused (None where no check was counted)."""

    def __init__(self, remaining: int | None = None) -> None:
        super().__init__()
        self.remaining = remaining


class Locked(Exception):
    """This client made too many failed checks of this reference: its checks of it are
    refused until ``until`` (other clients' are not)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class Paced(Locked):
    """So many failed checks of this reference, from every client together, that it takes
    one check at a time, the next at ``until``."""


@dataclass(frozen=True)
class Message:
    at: datetime
    from_office: bool
    text: str | None  # None: stored, but could not be opened


@dataclass(frozen=True)
class CaseView:
    """What the submitter sees of a case."""

    reference: str
    form: str
    received_at: datetime
    status: SubmitterStatus
    messages: tuple[Message, ...]
    # The case was closed and its records deleted then (its tombstone is all that is
    # left): no message is kept, and nothing can be added.
    purged_at: datetime | None = None
    # The submitter's previous visit, and what changed since (empty on a first visit).
    since: datetime | None = None
    changes: tuple[Change, ...] = ()
    # A report an officer took on the reporter's behalf: the record to read, then confirm
    # or have corrected.
    record: OfficerRecord | None = None


@dataclass(frozen=True)
class OfficerRecord:
    """The officer's record of a report, as the reporter reads it to review it."""

    channel: str
    received_on: str  # ISO date
    review: str  # proxy_intake.REVIEW_STATES
    # What was recorded: the submission as its form takes it; None if it did not open
    # (an integrity alert was raised).
    submission: Mapping[str, Any] | None


@dataclass(frozen=True)
class AddedMessage:
    """The submitter's message as stored (the first one, on a retry), what they are told
    of each file they sent with it, and whether its files had been added before (those
    of the first attempt stand)."""

    event: CaseEvent
    files: tuple[FileNotice, ...] = ()
    replayed: bool = False


@functools.cache
def _decoy_hash() -> str:
    """A receipt hash no code matches, checked when there is no real one to check."""
    return hash_receipt(secrets.token_hex(16))


def open_case(reference: str, receipt: str, *, client: str, clients: RateLimiter,
              store: IntakeStore, follow_up: FollowUpStore, cipher: PayloadCipher,
              queue: TaskQueue, clock: Clock, lock_for: timedelta, policy: Policy) -> CaseView:
    """The case behind a reference and receipt code, checked for ``client`` (its key for
    ``clients``, the per-client counters).

    The check is counted before the slow hash, for this client on this reference and for
    the reference from every client, so checks made at the same time are all counted and
    none slips past a limit; a matching receipt then gives back its own counts, and only
    those. Raises Locked while this client is locked out of the reference (also for the
    check that locks it), Paced while the reference is paced, and NoMatch for any other
    failure, with the attempts this client has left. A case whose submission does not
    name it back (a tampered pointer would let one case's receipt open another) is a
    NoMatch, counted as any failure, and an integrity alert.
    """
    decoy = _decoy_hash()  # built before any branch, so the first call costs the same
    now = clock.now()
    counter = receipt_checks(reference)
    mine = clients.reserve_attempt(counter, client, at=now, limit=FAILURES_BEFORE_LOCK,
                                   lock_for=lock_for)
    if not mine.granted:
        _refused(reference, "client_locked")
        raise Locked(_until(mine))
    try:
        everyone = follow_up.reserve_attempt(reference, at=now,
                                             limit=REFERENCE_FAILURES_BEFORE_PACING,
                                             lock_for=lock_for,
                                             pause=lock_for / REFERENCE_FAILURES_BEFORE_PACING,
                                             keep_for=policy.follow_up_lockout_kept)
    except BaseException:
        clients.refund_attempt(counter, client, mine, limit=FAILURES_BEFORE_LOCK)
        raise
    if not everyone.granted:  # not checked: this client's count is given back
        clients.refund_attempt(counter, client, mine, limit=FAILURES_BEFORE_LOCK)
        _refused(reference, "reference_paced")
        raise Paced(_until(everyone))
    case = store.get_case(reference)
    submission = store.get_submission(case.submission_id if case else secrets.token_hex(16))
    if case is not None and submission is not None and not integrity.belongs(
            case, submission, store=store, queue=queue, clock=clock):
        submission = None
    stored = submission.receipt_hash if submission else None
    matched = verify_receipt(receipt, stored or decoy) and stored is not None
    if not matched or case is None:
        locked = mine.lockout.is_locked(now)
        _refused(reference, "client_locked" if locked else "no_match")
        if locked:
            raise Locked(_until(mine))
        raise NoMatch(mine.lockout.remaining(FAILURES_BEFORE_LOCK))
    clients.refund_attempt(counter, client, mine, limit=FAILURES_BEFORE_LOCK)
    follow_up.refund_attempt(reference, everyone, limit=REFERENCE_FAILURES_BEFORE_PACING)
    log.info("follow-up page opened", extra={"event": "follow_up_opened",
                                             "reference": reference})
    visit = follow_up.record_visit(reference, now)
    return _view(case, follow_up.events(reference), store=store, cipher=cipher,
                 queue=queue, clock=clock, policy=policy, since=visit.previous)


def _until(attempt: Attempt) -> datetime:
    assert attempt.lockout.locked_until is not None
    return attempt.lockout.locked_until


def _refused(reference: str, reason: str) -> None:
    log.info("follow-up check failed", extra={"event": "follow_up_refused",
                                              "reference": reference, "reason": reason})


def _view(case: Case, events: list[CaseEvent], *, store: IntakeStore, cipher: PayloadCipher,
          queue: TaskQueue, clock: Clock, policy: Policy,
          since: datetime | None = None) -> CaseView:
    """The case as the submitter sees it, its status true to what the system knows (the
    referral delivered or not). Each message opens only as the kind of message its event
    says, of this case: an internal note copied here as a reply, or a message of another
    case, is shown as "cannot be shown" and raises an integrity alert. Showing a
    no-prima-facie determination notifies the complainant of it. A purged case shows its
    tombstone: closed, and when its records were deleted."""
    if case.purged_at is not None:
        return CaseView(case.reference, case.form, case.received_at,
                        submitter_status(case.state, case.form, referral_fact(case.forwarding)),
                        (), purged_at=case.purged_at)
    if casework.determination_notified(case, "follow_up_page", clock.now(), policy).result:
        change = store.update_case(case.reference, lambda c: casework.determination_notified(
            c, "follow_up_page", clock.now(), policy))
        if change is not None:
            case = change.case
            if change.result:
                log.info("complainant notified of the determination on the follow-up page",
                         extra={"event": "determination_notified",
                                "reference": case.reference})
    messages = []
    for event in (e for e in events if e.kind in MESSAGE_KINDS):
        _, text = integrity.open_event(case.reference, event, store=store, cipher=cipher,
                                       queue=queue, clock=clock)
        messages.append(Message(event.at, event.kind == REPLY_TO_SUBMITTER, text))
    referral = referral_fact(case.forwarding)
    return CaseView(case.reference, case.form, case.received_at,
                    submitter_status(case.state, case.form, referral), tuple(messages),
                    since=since, changes=changes_since(events, since, case.form, referral),
                    record=_officer_record(case, store=store, cipher=cipher, queue=queue,
                                           clock=clock))


def _officer_record(case: Case, *, store: IntakeStore, cipher: PayloadCipher,
                    queue: TaskQueue, clock: Clock) -> OfficerRecord | None:
    """What the officer recorded, opened for the reporter it belongs to; None for a case
    submitted through a form."""
    if case.channel == WEB or case.record_review is None:
        return None
    submission = store.get_submission(case.submission_id)
    payload = None
    if submission is not None:
        try:
            payload = integrity.open_submission(case, submission, store=store, cipher=cipher,
                                                queue=queue, clock=clock)
        except IntegrityFailure:
            payload = None
    return OfficerRecord(case.channel, case.received_at.date().isoformat(),
                         case.record_review, payload)


def review_record(reference: str, answer: str, correction: str | None, message_id: str, *,
                  store: IntakeStore, follow_up: FollowUpStore, cipher: PayloadCipher,
                  queue: TaskQueue, clock: Clock, policy: Policy) -> None:
    """The reporter confirms the officer's record (``confirm``) or asks for a correction
    (``correct``, saying what in ``correction``: added to the case as their message, sent
    on as any), into the case's history. The caller has checked the reporter's access.
    Raises NotReviewable for a case an officer did not record."""
    case = store.get_case(reference)
    if case is None or case.purged_at is not None:
        raise NoMatch()
    if case.channel == WEB or case.record_review is None:
        raise NotReviewable(reference)
    seq = None
    if answer == CORRECT and correction:
        seq = add_message(reference, correction, message_id, store=store, follow_up=follow_up,
                          cipher=cipher, queue=queue, clock=clock,
                          policy=policy).event.seq
    proxy_intake.review_record(reference, answer, store=store, clock=clock, message_seq=seq)


def read_case(reference: str, *, store: IntakeStore, follow_up: FollowUpStore,
              cipher: PayloadCipher, queue: TaskQueue, clock: Clock,
              policy: Policy) -> CaseView:
    """A case the submitter has already opened with its receipt (the caller holds proof of
    that, such as the case cookie of the follow-up page). Raises NoMatch if the case is
    gone."""
    case = store.get_case(reference)
    if case is None:
        raise NoMatch()
    visit = follow_up.visit(reference)
    return _view(case, follow_up.events(reference), store=store, cipher=cipher,
                 queue=queue, clock=clock, policy=policy,
                 since=visit.previous if visit is not None else None)


def add_message(reference: str, text: str, message_id: str, *, store: IntakeStore,
                follow_up: FollowUpStore, cipher: PayloadCipher, queue: TaskQueue,
                clock: Clock, policy: Policy, evidence: Sequence[Prepared] = (),
                blobs: EvidenceBlobs | None = None) -> AddedMessage:
    """Seal the submitter's text and append it to the case's history (idempotent on
    ``message_id`` within this case), together with notices to the office and the
    assigned officer (no text in them) and, for a case referred to the investigations
    office (a misconduct report always is), its delivery there as a supplement to the
    referral. A case whose retention clock runs is kept a full period from now (first, so
    the message is never purged on the old date). The caller has checked the submitter's
    access to the case; a purged case takes nothing (NoMatch).

    Files (``evidence``, checked and cleaned by ``shared.services.evidence.prepare``) are
    sealed to the case and stored first, under attachment ids of their own, and the
    message event records them: officers see them with the case's other files and the
    supplement carries their cleaned copies. If the message was already added (a retry),
    the files of this attempt are removed and the message's first files stand. Raises
    EvidenceUnavailable (nothing added) when the files cannot be stored."""
    case = store.get_case(reference)
    if case is None or case.purged_at is not None:
        raise NoMatch()
    if evidence and blobs is None:
        raise RuntimeError("attachments need an evidence store")
    try:
        retention.push_back(reference, store=store, clock=clock, policy=policy)
    except RetentionRefused:  # purged meanwhile
        raise NoMatch() from None
    now = clock.now()
    sealed = cipher.seal(event_context(SUBMITTER_MESSAGE, reference, message_id),
                         text.encode("utf-8"))
    files: list[dict[str, Any]] = []
    stored: list[str] = []
    if evidence and blobs is not None:
        # Ids of this attempt's own: a retry never overwrites the files a first attempt
        # recorded (it may have carried other bytes under the same message id).
        attempt_id = f"m{secrets.token_hex(12)}"
        attachments = evidence_files.store(evidence, submission_id=attempt_id,
                                           reference=reference, sealer=cipher, blobs=blobs)
        files = [a.as_details() for a in attachments]
        stored = evidence_files.stored_names(reference, attachments)
    notices = tuple(
        PendingTask("notify", case.submission_id, reference, now, now, item=item)
        for item in notifications.items("submitter_message", qualifier=message_id)
        if case.assignee or not item.endswith("-assignee"))
    if case.forwarding is not None or case.form == "misconduct":
        notices += (PendingTask("forward", case.submission_id, reference, now, now,
                                item=supplement_item(message_id),
                                urgent=bool(case.forwarding and case.forwarding.urgent)),)
    try:
        event = follow_up.append_message(reference, kind=SUBMITTER_MESSAGE,
                                         actor=SUBMITTER_ACTOR, message_id=message_id,
                                         sealed=sealed, at=now, pending=notices,
                                         attachments=files)
    except LookupError:
        if blobs is not None:
            evidence_files.discard(stored, blobs)
        raise NoMatch() from None
    # Any other failure may have happened after the write took effect: the files stay,
    # and the sweep of orphaned files removes them if no event names them.
    kept = {a.attachment_id for a in attachments_of(event.details)}
    replayed = any(f["attachment_id"] not in kept for f in files)
    if replayed and blobs is not None:
        evidence_files.discard(stored, blobs)
    enqueue_stored(queue, notices)
    log.info("submitter added information", extra={"event": "submitter_message",
                                                   "reference": reference, "seq": event.seq,
                                                   "files": len(files)})
    return AddedMessage(event, evidence_files.notices(evidence), replayed)
