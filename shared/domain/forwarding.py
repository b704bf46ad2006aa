"""How forwarding a case to the investigations office changes it, step by step. Each
function is a pure decision for IntakeStore.update_case."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.domain import notifications
from shared.domain.records import (
    Case,
    CaseChange,
    Happened,
    PendingTask,
    pending_key,
    record,
)

ACTOR = "system:forward"
# The state a case waits in until the investigations office has accepted the referral.
AWAITING = "received"


def _done(case: Case) -> tuple[str, ...]:
    return (pending_key("forward", case.submission_id),)


def _notify(case: Case, at: datetime, template: str, *,
            include_reporter: bool) -> tuple[PendingTask, ...]:
    return tuple(PendingTask("notify", case.submission_id, case.reference, at, at, item=item,
                             urgent=bool(case.forwarding and case.forwarding.urgent))
                 for item in notifications.items(template, include_reporter=include_reporter))


def attempt_started(case: Case, at: datetime) -> CaseChange:
    """Count one more delivery attempt; the result is its number, or None if the referral
    is already settled (delivered or failed) and this task has nothing left to do."""
    forwarding = case.forwarding
    if forwarding is None or case.state != AWAITING:
        return CaseChange.unchanged(case, remove_pending=_done(case))
    attempt = forwarding.attempts + 1
    updated = replace(case, updated_at=at,
                      forwarding=replace(forwarding, attempts=attempt, last_attempt_at=at))
    return CaseChange(updated, result=attempt)


def attempt_failed(case: Case, attempt: int, reason_code: str, at: datetime) -> CaseChange:
    """Record a failed attempt that will be retried."""
    if case.state != AWAITING:
        return CaseChange.unchanged(case)
    updated, events = record(case, at, [Happened(
        "forward_attempt_failed", ACTOR, {"attempt": attempt, "reason": reason_code})])
    return CaseChange(updated, events)


def forwarded(case: Case, investigations_case_id: str, at: datetime, *,
              reporter_contactable: bool) -> CaseChange:
    """The investigations office accepted the referral: store its receipt, move the case
    to ``forwarded`` and queue the notifications. A repeat changes nothing."""
    forwarding = case.forwarding
    if forwarding is None or case.state != AWAITING:
        return CaseChange.unchanged(case, remove_pending=_done(case), result=False)
    receipt = replace(forwarding, investigations_case_id=investigations_case_id,
                      forwarded_at=at, failure=None)
    updated, events = record(case, at, [Happened(
        "forwarded", ACTOR, {"referral_id": forwarding.referral_id,
                             "investigations_case_id": investigations_case_id,
                             "attempts": forwarding.attempts}, "forwarded")],
                             forwarding=receipt)
    pending = (_notify(updated, at, "referral_made", include_reporter=False)
               + (_notify(updated, at, "reporter_ack", include_reporter=True)
                  if reporter_contactable else ()))
    return CaseChange(updated, events, pending, _done(case), result=True)


def forwarding_failed(case: Case, reason_code: str, at: datetime) -> CaseChange:
    """The referral cannot be delivered (refused, or the retry budget is spent): make it
    visible in ``forwarding_failed`` and alert both mailboxes. A repeat changes nothing."""
    forwarding = case.forwarding
    if forwarding is None or case.state != AWAITING:
        return CaseChange.unchanged(case, remove_pending=_done(case), result=False)
    updated, events = record(case, at, [Happened(
        "forwarding_failed", ACTOR, {"referral_id": forwarding.referral_id,
                                     "reason": reason_code,
                                     "attempts": forwarding.attempts}, "forwarding_failed")],
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
