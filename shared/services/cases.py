"""Case handling by ethics officers: read, transition (a failed referral's retry
included), assign, note, reply, record measures recommended to the Executive Director;
and the ethics auditor's reading of a case's history. Every call is recorded in the
case's history, refusals included.

An officer named in a case (a subject of the report, an alleged retaliator, a supervisor
named) never sees it: lists leave it out, and opening or acting on it raises CaseNotFound,
exactly as for a reference that does not exist. The refusal is recorded in the case's
history (``access_refused``), where the other officers see it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn

from shared.domain import casework, retention
from shared.domain.officers import (
    ETHICS_ADMIN,
    ETHICS_AUDITOR,
    ETHICS_OFFICER,
    SUMMARY_READERS,
    Officer,
    normalise_email,
    require_role,
)
from shared.domain.policy import Policy
from shared.domain.records import Case, CaseChange, CaseEvent, CaseQuery, ProtectiveMeasure
from shared.domain.recusal import Marker
from shared.domain.retention import RetentionRefused
from shared.domain.sealing import (
    NOTE,
    ORIGINAL_REASON,
    REPLY_TO_SUBMITTER,
    RETENTION_REASON,
    TRANSITION_NOTE,
    IntegrityFailure,
    event_context,
)
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.evidence import EvidenceBlobs
from shared.ports.sealing import PayloadCipher, SealBroken
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services import evidence, integrity
from shared.services.recusal import Interests, Recusal, visible_cases
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)

SEALED_KINDS = frozenset({"note", "reply_to_submitter", "submitter_message"})
# Operations that only read: the ones a purged case's tombstone still takes.
READS = frozenset({"read", "audit"})


class CaseNotFound(LookupError):
    """No case with this reference, or none this officer may see."""


class AttachmentNotFound(LookupError):
    """No file with this id is attached to the case."""


class AttachmentQuarantined(Exception):
    """The file was found infected: it is kept sealed and never delivered."""


class AssigneeNotEligible(Exception):
    """The case cannot be given to that officer (not an officer of the directory, or one
    who may not handle it). Deliberately one refusal for every reason."""


@dataclass(frozen=True)
class _Desk:
    """The ports an operation was given, handed on to the steps it takes."""

    store: IntakeStore
    cipher: PayloadCipher
    clock: Clock
    queue: TaskQueue
    policy: Policy
    marker: Marker  # keys the blind index of the people a case names
    interests: Interests  # what each officer declared, as a filer

    def recusal(self) -> Recusal:
        return Recusal(self.store, self.cipher, self.queue, self.clock, self.marker,
                       self.interests)


@dataclass(frozen=True)
class HistoryEntry:
    event: CaseEvent
    text: str | None = None  # an opened note, reply or determination
    # The event carries a sealed item that did not open as what and where it is (an
    # integrity alert was raised): shown as such, never as content.
    unreadable: bool = False


@dataclass(frozen=True)
class CaseView:
    case: Case
    submission: Mapping[str, Any]
    history: list[HistoryEntry] = field(default_factory=list)


@dataclass(frozen=True)
class AuditView:
    """What an ethics auditor sees of a case: its summary and its history (who did and
    read what, when, from and to which state), never a submission, note or reply."""

    case: Case
    history: list[CaseEvent] = field(default_factory=list)


def list_cases(officer: Officer, query: CaseQuery, *,
               store: IntakeStore, cipher: PayloadCipher, clock: Clock,
               queue: TaskQueue, policy: Policy, marker: Marker,
               interests: Interests) -> list[Case]:
    """Case summaries (states, dates, categories: no identity, no narrative), for an
    officer or an auditor, without the cases that name them; still up to ``query.limit``
    of them."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    require_role(officer, *SUMMARY_READERS)
    return visible_cases(officer, query, desk.recusal())


def _payload(case: Case, desk: _Desk) -> dict[str, Any]:
    """The case's submission, checked to be this case's and opened in place
    (IntegrityFailure otherwise); nothing for a purged case, whose content is gone."""
    if case.purged_at is not None:
        return {}
    submission = desk.store.get_submission(case.submission_id)
    if submission is None:
        raise CaseNotFound(case.reference)
    return integrity.open_submission(case, submission, store=desk.store, cipher=desk.cipher,
                                     queue=desk.queue, clock=desk.clock)


def _act(reference: str, officer: Officer, operation: str, desk: _Desk,
         decide: Callable[[Case, dict[str, Any], datetime], CaseChange],
         role: str = ETHICS_OFFICER) -> tuple[CaseChange, dict[str, Any]]:
    """Check role and recusal, then apply one decision; queue what it added."""
    require_role(officer, role)
    case = desk.store.get_case(reference)
    if case is None:
        raise CaseNotFound(reference)
    actor = casework.officer_actor(officer.email)
    if case.purged_at is not None and operation not in READS:
        raise RetentionRefused("the case's records were deleted: only its tombstone is "
                               "left, which nothing changes")
    check = desk.recusal()
    why = check.reason_by_index(case, officer.name, officer.email)
    if why:
        _refuse(reference, actor, operation, desk, why)  # decided without opening anything
    payload = _payload(case, desk)
    why = check.reason_by_payload(case, payload, officer.name, officer.email)
    if why:
        _refuse(reference, actor, operation, desk, why)
    now = desk.clock.now()
    change = desk.store.update_case(reference, lambda c: decide(c, payload, now))
    assert change is not None
    enqueue_stored(desk.queue, change.add_pending)
    log.info("case handled", extra={"event": f"case_{operation}", "reference": reference})
    return change, payload


def _refuse(reference: str, actor: str, operation: str, desk: _Desk, reason: str
            ) -> NoReturn:
    """Record that a recused officer was refused (``reason``: named in the case, or a
    declared interest in what it names), and answer as for an unknown case."""
    desk.store.update_case(reference, lambda c: casework.refusal_recorded(
        c, actor, reason, operation, desk.clock.now()))
    log.warning("recused officer refused", extra={
        "event": "access_refused", "reference": reference, "operation": operation,
        "reason": reason})
    raise CaseNotFound(reference)


def _seal(desk: _Desk, kind: str, reference: str, text: str) -> tuple[str, Mapping[str, Any]]:
    """A new message id and the text sealed as a ``kind`` of this case with that id."""
    message_id = secrets.token_hex(16)
    return message_id, desk.cipher.seal(event_context(kind, reference, message_id),
                                        text.encode())


def open_case(reference: str, officer: Officer, *,
              store: IntakeStore, cipher: PayloadCipher, clock: Clock,
              queue: TaskQueue, policy: Policy, marker: Marker,
              interests: Interests) -> CaseView:
    """The case with its submission and history opened; the read is recorded."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    change, payload = _act(reference, officer, "read", desk,
                           lambda c, _, now: casework.read_recorded(c, actor, now))
    history = []
    for event in desk.store.case_events(reference):
        sealed, text = integrity.open_event(reference, event, store=desk.store,
                                            cipher=desk.cipher, queue=desk.queue,
                                            clock=desk.clock)
        history.append(HistoryEntry(event, text, unreadable=sealed and text is None))
    return CaseView(change.case, payload, history)


def audit_case(reference: str, officer: Officer, *,
               store: IntakeStore, cipher: PayloadCipher, clock: Clock,
               queue: TaskQueue, policy: Policy, marker: Marker,
               interests: Interests) -> AuditView:
    """An auditor's reading of a case: its summary and history, with no sealed content
    opened for them (notes, replies and transition notes stay sealed). The read is
    recorded (``scope`` ``history``); a case that names the auditor answers as an unknown
    reference, as for an officer."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    change, _ = _act(reference, officer, "audit", desk,
                     lambda c, _, now: casework.read_recorded(c, actor, now, scope="history"),
                     role=ETHICS_AUDITOR)
    return AuditView(change.case, list(desk.store.case_events(reference)))


def apply_transition(reference: str, name: str, officer: Officer, *,
                     note: str | None = None, requester_consent: bool = False,
                     reason: str | None = None, allegation_type: str | None = None,
                     store: IntakeStore, cipher: PayloadCipher, clock: Clock,
                     queue: TaskQueue, policy: Policy, marker: Marker,
                     interests: Interests) -> Case:
    """Move a case along its workflow (IllegalTransition lists what is allowed;
    DetailProblem when a detail it requires is missing: the reason of a suspension, the
    allegation type of a case closed as misconduct, the note of a late panel request)."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    sealed = _seal(desk, TRANSITION_NOTE, reference, note) if note else None
    given = casework.TransitionDetails(note=sealed, reason=reason,
                                       allegation_type=allegation_type)

    def decide(case: Case, payload: dict[str, Any], now: datetime) -> CaseChange:
        if name == "refer_as_misconduct" and case.form == "advice" and not requester_consent:
            raise casework.NotAllowedNow(
                "An advice request is confidential to the requester: record their consent "
                "(requester_consent) before referring it to the investigations office.")
        return casework.transitioned(case, name, actor, now, desk.policy, given)

    change, _ = _act(reference, officer, f"transition:{name}", desk, decide)
    return change.case


def assign(reference: str, assignee: Officer | None, officer: Officer, *,
           store: IntakeStore, cipher: PayloadCipher, clock: Clock,
           queue: TaskQueue, policy: Policy, marker: Marker,
           interests: Interests) -> Case:
    """Give a case to an officer: anyone may take a case; giving it to someone else is
    an administrator's call. AssigneeNotEligible, saying no more, when ``assignee`` is not
    an officer of the directory (None), lacks the officer role, or is named in the case."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    role = ETHICS_OFFICER if assignee is not None and assignee.email == officer.email \
        else ETHICS_ADMIN
    actor = casework.officer_actor(officer.email)
    check = desk.recusal()

    def decide(case: Case, payload: dict[str, Any], now: datetime) -> CaseChange:
        if assignee is None or not assignee.has_role(ETHICS_OFFICER) \
                or check.by_index(case, assignee.name, assignee.email) \
                or check.by_payload(case, payload, assignee.name, assignee.email):
            raise AssigneeNotEligible(reference)
        return casework.assigned(case, assignee.email, actor, now)

    change, _ = _act(reference, officer, "assign", desk, decide, role=role)
    return change.case


MAX_RECUSAL_REASON = 1000


def recuse(reference: str, recused: Officer | None, reason: str, officer: Officer, *,
           store: IntakeStore, cipher: PayloadCipher, clock: Clock,
           queue: TaskQueue, policy: Policy, marker: Marker,
           interests: Interests) -> Case:
    """An administrator recuses an officer from a case by hand, with a reason kept in its
    history: from then on the case is invisible to that officer, as one that names them,
    and is no longer theirs if it was. DetailProblem when ``recused`` is not an officer of
    the directory (None) or the reason is missing."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    why = reason.strip()
    if not why or len(why) > MAX_RECUSAL_REASON:
        raise casework.DetailProblem("reason", f"Give the reason, at most "
                                               f"{MAX_RECUSAL_REASON} characters.")

    def decide(case: Case, payload: dict[str, Any], now: datetime) -> CaseChange:
        if recused is None:
            raise casework.DetailProblem("officer", "Not an officer of the directory.")
        return casework.recused_by_hand(case, normalise_email(recused.email), why, actor,
                                        now)

    change, _ = _act(reference, officer, "recuse", desk, decide, role=ETHICS_ADMIN)
    return change.case


def add_note(reference: str, text: str, officer: Officer, *,
             store: IntakeStore, cipher: PayloadCipher, clock: Clock,
             queue: TaskQueue, policy: Policy, marker: Marker,
             interests: Interests) -> Case:
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor, sealed = casework.officer_actor(officer.email), _seal(desk, NOTE, reference, text)
    change, _ = _act(reference, officer, "note", desk,
                     lambda c, _, now: casework.noted(c, *sealed, actor, now))
    return change.case


def reply(reference: str, text: str, officer: Officer, *,
          store: IntakeStore, cipher: PayloadCipher, clock: Clock,
          queue: TaskQueue, policy: Policy, marker: Marker,
          interests: Interests) -> Case:
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    sealed = _seal(desk, REPLY_TO_SUBMITTER, reference, text)

    def decide(case: Case, payload: dict[str, Any], now: datetime) -> CaseChange:
        submission = desk.store.get_submission(case.submission_id)
        anonymous = submission is None or submission.anonymous
        return casework.replied(case, *sealed, actor, now, tell_submitter=not anonymous)

    change, _ = _act(reference, officer, "reply", desk, decide)
    return change.case


def record_measure(reference: str, kind: str, recommended_on: str, outcome: str,
                   officer: Officer, *, measure_id: str | None = None,
                   purpose: str = "protective", decision: str | None = None,
                   decided_on: str | None = None,
                   store: IntakeStore, cipher: PayloadCipher, clock: Clock,
                   queue: TaskQueue, policy: Policy, marker: Marker,
                   interests: Interests) -> Case:
    """Record a measure recommended to the Executive Director (protective or corrective),
    or update one (``measure_id``): its outcome, the Executive Director's decision."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    measure = ProtectiveMeasure(measure_id or secrets.token_hex(8), kind, recommended_on,
                                outcome, purpose=purpose, decision=decision,
                                decided_on=decided_on)
    actor = casework.officer_actor(officer.email)
    change, _ = _act(reference, officer, "measure", desk,
                     lambda c, _, now: casework.measure_recorded(c, measure, actor, now))
    return change.case


def place_hold(reference: str, reason: str, officer: Officer, *,
               store: IntakeStore, cipher: PayloadCipher, clock: Clock,
               queue: TaskQueue, policy: Policy, marker: Marker,
               interests: Interests) -> Case:
    """An administrator's legal hold, with its reason: the case is never purged while it
    holds (RetentionRefused on a held or purged case)."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    sealed = _seal(desk, RETENTION_REASON, reference, retention.checked_reason(reason))
    change, _ = _act(reference, officer, "hold", desk,
                     lambda c, _, now: retention.hold_placed(c, actor, sealed, now),
                     role=ETHICS_ADMIN)
    return change.case


def lift_hold(reference: str, reason: str, officer: Officer, *,
              store: IntakeStore, cipher: PayloadCipher, clock: Clock,
              queue: TaskQueue, policy: Policy, marker: Marker,
               interests: Interests) -> Case:
    """An administrator lifts a legal hold, with the reason; a case whose date passed
    meanwhile is purged at the next sweep."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    sealed = _seal(desk, RETENTION_REASON, reference, retention.checked_reason(reason))
    change, _ = _act(reference, officer, "hold_lift", desk,
                     lambda c, _, now: retention.hold_lifted(c, actor, sealed, now),
                     role=ETHICS_ADMIN)
    return change.case


def extend_retention(reference: str, reason: str, officer: Officer, *,
                     store: IntakeStore, cipher: PayloadCipher, clock: Clock,
                     queue: TaskQueue, policy: Policy, marker: Marker,
               interests: Interests) -> Case:
    """An officer's one extension of the case's purge date (``policy.extension_days``),
    with the reason; RetentionRefused for a second one, or a case with no date."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    actor = casework.officer_actor(officer.email)
    sealed = _seal(desk, RETENTION_REASON, reference, retention.checked_reason(reason))
    change, _ = _act(reference, officer, "extend", desk,
                     lambda c, _, now: retention.extended(c, actor, sealed, now,
                                                          desk.policy))
    return change.case


def download_attachment(reference: str, attachment_id: str, officer: Officer, *,
                        original_reason: str | None = None, blobs: EvidenceBlobs,
                        store: IntakeStore, cipher: PayloadCipher, clock: Clock,
                        queue: TaskQueue, policy: Policy, marker: Marker,
                        interests: Interests) -> evidence.OpenedFile:
    """A file attached to the case, opened for an officer: its cleaned copy, or, for an
    administrator who gives a reason (``original_reason``), the original as it came. The
    download is recorded in the case's history (with the reason) before anything is
    opened. AttachmentNotFound, AttachmentQuarantined (an infected file's copy is never
    delivered; its original opens only for an administrator, as any original)."""
    desk = _Desk(store, cipher, clock, queue, policy, marker, interests)
    copy = "cleaned" if original_reason is None else "original"
    role = ETHICS_OFFICER if copy == "cleaned" else ETHICS_ADMIN
    if original_reason is not None and not original_reason.strip():
        raise casework.DetailProblem("reason", "Say why the original is opened: the reason "
                                     "is recorded in the case's history.")
    found = next((a for a in evidence.case_attachments(store, reference)
                  if a.attachment_id == attachment_id), None)
    actor = casework.officer_actor(officer.email)
    # Sealed like every officer's free text: it may name people.
    sealed = None if original_reason is None else _seal(desk, ORIGINAL_REASON, reference,
                                                        original_reason.strip())

    def decide(case: Case, payload: dict[str, Any], now: datetime) -> CaseChange:
        if found is None:
            raise AttachmentNotFound(attachment_id)
        if copy == "cleaned" and not found.deliverable:
            raise AttachmentQuarantined(attachment_id)
        return casework.attachment_opened(case, actor, now, attachment_id, copy, sealed)

    _act(reference, officer, f"download:{copy}", desk, decide, role=role)
    assert found is not None
    try:
        return evidence.open_copy(reference, found, copy, cipher=cipher, blobs=blobs)
    except SealBroken:
        # Altered, or moved from another case or file: never shown; an integrity alert.
        log.error("an attached file failed its integrity check", extra={
            "event": "integrity_alert", "reference": reference,
            "code": "evidence_seal_broken"})
        raise IntegrityFailure(reference, "evidence_seal_broken") from None
