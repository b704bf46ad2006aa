"""How referring a case to the investigations office changes it, step by step. Each
function is a pure decision for IntakeStore.update_case.

A misconduct report moves through its workflow (received -> forwarded, or
forwarding_failed). A case an officer closed as a misconduct allegation (an advice request
or a retaliation complaint) stays closed; its referral is tracked in ``Case.forwarding``
and its history all the same.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.domain import notifications
from shared.domain.records import (
    Case,
    CaseChange,
    Forwarding,
    Happened,
    PendingTask,
    pending_key,
    record,
)
from shared.domain.triage import referral_id_for
from shared.domain.workflow import SYSTEM, WORKFLOWS

ACTOR = "system:forward"


def _done(case: Case) -> tuple[str, ...]:
    return (pending_key("forward", case.submission_id),)


def _waiting(case: Case) -> Forwarding | None:
    """The referral still to be delivered, if any."""
    forwarding = case.forwarding
    if forwarding is None or forwarding.forwarded_at is not None or forwarding.failure:
        return None
    return forwarding


def _moved(case: Case, transition: str) -> str | None:
    """The state a misconduct report moves to; None for a case closed as misconduct."""
    if case.form != "misconduct":
        return None
    return WORKFLOWS[case.form].apply(case.state, transition, actor=SYSTEM)


def _notify(case: Case, at: datetime, template: str, *,
            include_reporter: bool) -> tuple[PendingTask, ...]:
    return tuple(PendingTask("notify", case.submission_id, case.reference, at, at, item=item,
                             urgent=bool(case.forwarding and case.forwarding.urgent))
                 for item in notifications.items(template, include_reporter=include_reporter))


def referral_queued(case: Case, at: datetime, *, urgent: bool) -> tuple[Forwarding,
                                                                          PendingTask]:
    """A fresh referral of the case and the pending task that delivers it. Its generation
    is new (the time in milliseconds), so the queue does not take the task for one it saw
    before: a case's earlier forward task keeps its name for a while after it ran."""
    return (Forwarding(referral_id=referral_id_for(case.reference), urgent=urgent),
            PendingTask("forward", case.submission_id, case.reference, at, at, urgent=urgent,
                        generation=int(at.timestamp() * 1000)))


def attempt_started(case: Case, at: datetime) -> CaseChange:
    """Count one more delivery attempt; the result is its number, or None if the referral
    is settled (delivered or failed) and this task has nothing left to do."""
    forwarding = _waiting(case)
    if forwarding is None:
        return CaseChange.unchanged(case, remove_pending=_done(case))
    attempt = forwarding.attempts + 1
    updated = replace(case, updated_at=at,
                      forwarding=replace(forwarding, attempts=attempt, last_attempt_at=at))
    return CaseChange(updated, result=attempt)


def attempt_failed(case: Case, attempt: int, reason_code: str, at: datetime) -> CaseChange:
    """Record a failed attempt that will be retried."""
    if _waiting(case) is None:
        return CaseChange.unchanged(case)
    updated, events = record(case, at, [Happened(
        "forward_attempt_failed", ACTOR, {"attempt": attempt, "reason": reason_code})])
    return CaseChange(updated, events)


def forwarded(case: Case, investigations_case_id: str, at: datetime, *,
              reporter_contactable: bool) -> CaseChange:
    """The investigations office accepted the referral: store its receipt, move a
    misconduct report to ``forwarded`` and queue the notifications. A repeat changes
    nothing."""
    forwarding = _waiting(case)
    if forwarding is None:
        return CaseChange.unchanged(case, remove_pending=_done(case), result=False)
    receipt = replace(forwarding, investigations_case_id=investigations_case_id,
                      forwarded_at=at)
    updated, events = record(case, at, [Happened(
        "forwarded", ACTOR, {"referral_id": forwarding.referral_id,
                             "investigations_case_id": investigations_case_id,
                             "attempts": forwarding.attempts}, _moved(case, "forward"))],
                             forwarding=receipt)
    pending = (_notify(updated, at, "referral_made", include_reporter=False)
               + (_notify(updated, at, "reporter_ack", include_reporter=True)
                  if reporter_contactable else ()))
    return CaseChange(updated, events, pending, _done(case), result=True)


def forwarding_failed(case: Case, reason_code: str, at: datetime) -> CaseChange:
    """The referral cannot be delivered (refused, or the retry budget is spent): make it
    visible (``forwarding_failed`` for a misconduct report) and alert both mailboxes."""
    forwarding = _waiting(case)
    if forwarding is None:
        return CaseChange.unchanged(case, remove_pending=_done(case), result=False)
    updated, events = record(case, at, [Happened(
        "forwarding_failed", ACTOR, {"referral_id": forwarding.referral_id,
                                     "reason": reason_code, "attempts": forwarding.attempts},
        _moved(case, "mark_forwarding_failed"))],
                             forwarding=replace(forwarding, failure=reason_code))
    return CaseChange(updated, events, _notify(updated, at, "forwarding_failed",
                                               include_reporter=False),
                      _done(case), result=True)


def notification_sent(case: Case, item: str, at: datetime, *, sent: bool) -> CaseChange:
    """Record that a notification went out (or had no recipient) and clear its task."""
    done = (pending_key("notify", case.submission_id, item),)
    if item in case.notifications_sent:
        return CaseChange.unchanged(case, remove_pending=done, result=False)
    updated, events = record(case, at, [Happened(
        "notification_sent" if sent else "notification_skipped", "system:notify",
        {"item": item})], notifications_sent=(*case.notifications_sent, item))
    return CaseChange(updated, events, remove_pending=done, result=True)
