"""How referring a case to the investigations office changes it, step by step. Each
function is a pure decision for IntakeStore.update_case.

A misconduct report moves through its workflow (received -> forwarded, or
forwarding_failed). A case an officer closed as a misconduct allegation (an advice request
or a retaliation complaint), or a prima facie case of retaliation referred for
investigation, keeps its state; its referral is tracked in ``Case.forwarding`` and its
history all the same.

What the submitter adds on the follow-up page after a case is referred goes on as
*supplements* to the same referral: one pending ``forward`` task per message (item
``supplement_<message id>``). A supplement is delivered only after its referral: one whose
referral is not delivered yet is registered on the case and waits, and the referral's
delivery queues it. A referral or supplement that fails stays failed, in front of an
officer, until ``retried``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.domain import notifications
from shared.domain.case_workflows import WORKFLOWS
from shared.domain.records import (
    MISCONDUCT_MATTER,
    Case,
    CaseChange,
    Forwarding,
    Happened,
    PendingTask,
    Supplement,
    pending_key,
    record,
)
from shared.domain.triage import referral_id_for
from shared.domain.workflow import SYSTEM

ACTOR = "system:forward"


SUPPLEMENT_ITEM = "supplement_"


def supplement_item(message_id: str) -> str:
    """The pending ``forward`` task's item that delivers one message as a supplement."""
    return f"{SUPPLEMENT_ITEM}{message_id}"


def supplement_message(item: str) -> str | None:
    """The message id of a supplement item; None for the referral itself (item "")."""
    return item.removeprefix(SUPPLEMENT_ITEM) if item.startswith(SUPPLEMENT_ITEM) else None


def supplement_id_for(referral_id: str, message_id: str) -> str:
    """The supplement's id, which the investigations office de-duplicates deliveries on."""
    return f"{referral_id}-S-{message_id}"


def _done(case: Case, item: str = "") -> tuple[str, ...]:
    return (pending_key("forward", case.submission_id, item),)


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


def _notify(case: Case, at: datetime, template: str, *, include_reporter: bool,
            qualifier: str = "") -> tuple[PendingTask, ...]:
    return tuple(PendingTask("notify", case.submission_id, case.reference, at, at, item=item,
                             urgent=bool(case.forwarding and case.forwarding.urgent))
                 for item in notifications.items(template, include_reporter=include_reporter,
                                                 qualifier=qualifier))


def _fresh(case: Case, at: datetime) -> int:
    """A new task generation, so the queue does not take a task for one it saw before: a
    case's earlier forward task keeps its name for a while after it ran. The time in
    milliseconds, and the case's history length, which every change of the case raises
    (two generations of one case cannot be equal, however close in time)."""
    return int(at.timestamp() * 1000) * 1000 + case.event_count % 1000


def _deliver(case: Case, at: datetime, item: str = "") -> PendingTask:
    urgent = bool(case.forwarding and case.forwarding.urgent)
    return PendingTask("forward", case.submission_id, case.reference, at, at, urgent=urgent,
                       generation=_fresh(case, at), item=item)


def referral_queued(case: Case, at: datetime, *, urgent: bool,
                    matter: str = MISCONDUCT_MATTER,
                    allegation_type: str | None = None) -> tuple[Forwarding, PendingTask]:
    """A fresh referral of the case (what it asks of the investigations office, ``matter``,
    and the allegation type an officer stated) and the pending task that delivers it."""
    forwarding = Forwarding(referral_id=referral_id_for(case.reference), urgent=urgent,
                            matter=matter, allegation_type=allegation_type)
    return forwarding, PendingTask("forward", case.submission_id, case.reference, at, at,
                                   urgent=urgent, generation=_fresh(case, at))


def retried(case: Case, at: datetime) -> tuple[Forwarding, tuple[PendingTask, ...]]:
    """The case's referral with what failed made ready to go again, and the tasks that
    send it: a failed referral afresh (same referral id, attempts from zero), failed
    supplements afresh (they wait for the referral if it is not delivered)."""
    forwarding = case.forwarding
    assert forwarding is not None
    supplements = tuple(replace(s, failure=None, attempts=0) if s.failure else s
                        for s in forwarding.supplements)
    again = [s for s, before in zip(supplements, forwarding.supplements, strict=True)
             if before.failure]
    if forwarding.failure:
        fresh = replace(forwarding, attempts=0, last_attempt_at=None, failure=None,
                        investigations_case_id=None, forwarded_at=None,
                        supplements=supplements)
        return fresh, (_deliver(case, at),)
    fresh = replace(forwarding, supplements=supplements)
    return fresh, tuple(_deliver(case, at, supplement_item(s.message_id)) for s in again)


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
                  if reporter_contactable and forwarding.matter == MISCONDUCT_MATTER else ())
               # Supplements registered while the referral was on its way go now.
               + tuple(_deliver(updated, at, supplement_item(s.message_id))
                       for s in receipt.supplements if s.delivered_at is None
                       and s.failure is None))
    return CaseChange(updated, events, pending, _done(case), result=True)


def forwarding_failed(case: Case, reason_code: str, at: datetime) -> CaseChange:
    """The referral cannot be delivered (refused, or the retry budget is spent): make it
    visible (``forwarding_failed`` for a misconduct report, a failed referral listed for
    officers in every form) and alert both mailboxes."""
    forwarding = _waiting(case)
    if forwarding is None:
        return CaseChange.unchanged(case, remove_pending=_done(case), result=False)
    updated, events = record(case, at, [Happened(
        "forwarding_failed", ACTOR, {"referral_id": forwarding.referral_id,
                                     "reason": reason_code, "attempts": forwarding.attempts},
        _moved(case, "mark_forwarding_failed"))],
                             forwarding=replace(forwarding, failure=reason_code))
    return CaseChange(updated, events, _notify(
        updated, at, "forwarding_failed", include_reporter=False,
        qualifier=notifications.failure_qualifier(updated.event_count)), _done(case),
                      result=True)


def _with_supplement(forwarding: Forwarding, supplement: Supplement) -> Forwarding:
    others = tuple(s for s in forwarding.supplements if s.message_id != supplement.message_id)
    if len(others) == len(forwarding.supplements):
        return replace(forwarding, supplements=(*forwarding.supplements, supplement))
    return replace(forwarding, supplements=tuple(
        supplement if s.message_id == supplement.message_id else s
        for s in forwarding.supplements))


# supplement_attempt_started's result when the case has no referral yet (a misconduct
# report not triaged yet): the task is retried, its supplement not registered.
NO_REFERRAL_YET = "no_referral_yet"


def supplement_attempt_started(case: Case, message_id: str, at: datetime) -> CaseChange:
    """Register the supplement of message ``message_id`` on the case's referral if it is
    not yet, and count one more delivery attempt. The result is the attempt's number;
    None when this task has nothing left to do (the supplement is settled, or it waits for
    its referral, whose delivery queues it); NO_REFERRAL_YET when the case has no
    referral (yet)."""
    forwarding, item = case.forwarding, supplement_item(message_id)
    if forwarding is None:
        return CaseChange.unchanged(case, result=NO_REFERRAL_YET)
    supplement = forwarding.supplement(message_id)
    happened = []
    if supplement is None:
        supplement = Supplement(supplement_id_for(forwarding.referral_id, message_id),
                                message_id)
        happened.append(Happened("supplement_queued", ACTOR, {
            "supplement_id": supplement.supplement_id, "message_id": message_id}))
    elif supplement.delivered_at is not None or supplement.failure:
        return CaseChange.unchanged(case, remove_pending=_done(case, item))
    if forwarding.forwarded_at is None:  # waits for its referral: forwarded() queues it
        updated, events = record(case, at, happened,
                                 forwarding=_with_supplement(forwarding, supplement))
        return CaseChange(updated, events, remove_pending=_done(case, item))
    attempt = supplement.attempts + 1
    counted = replace(supplement, attempts=attempt, last_attempt_at=at)
    updated, events = record(case, at, happened,
                             forwarding=_with_supplement(forwarding, counted))
    return CaseChange(updated, events, result=attempt)


def supplement_dropped(case: Case, message_id: str) -> CaseChange:
    """Clear the delivery task of a supplement that has no referral to go with (a case
    that was never referred)."""
    return CaseChange.unchanged(case, remove_pending=_done(case, supplement_item(message_id)))


def _sending(case: Case, message_id: str) -> tuple[Forwarding, Supplement] | None:
    forwarding = case.forwarding
    supplement = forwarding.supplement(message_id) if forwarding else None
    if forwarding is None or supplement is None or supplement.delivered_at is not None \
            or supplement.failure:
        return None
    return forwarding, supplement


def supplement_attempt_failed(case: Case, message_id: str, attempt: int, reason_code: str,
                              at: datetime) -> CaseChange:
    """Record a failed supplement delivery that will be retried."""
    sending = _sending(case, message_id)
    if sending is None:
        return CaseChange.unchanged(case)
    updated, events = record(case, at, [Happened("forward_attempt_failed", ACTOR, {
        "supplement_id": sending[1].supplement_id, "attempt": attempt,
        "reason": reason_code})])
    return CaseChange(updated, events)


def supplement_forwarded(case: Case, message_id: str, at: datetime) -> CaseChange:
    """The investigations office accepted the supplement. A repeat changes nothing."""
    item = supplement_item(message_id)
    sending = _sending(case, message_id)
    if sending is None:
        return CaseChange.unchanged(case, remove_pending=_done(case, item), result=False)
    forwarding, supplement = sending
    updated, events = record(case, at, [Happened("supplement_forwarded", ACTOR, {
        "supplement_id": supplement.supplement_id, "referral_id": forwarding.referral_id,
        "attempts": supplement.attempts})],
                             forwarding=_with_supplement(forwarding, replace(
                                 supplement, delivered_at=at)))
    return CaseChange(updated, events, remove_pending=_done(case, item), result=True)


def supplement_failed(case: Case, message_id: str, reason_code: str,
                      at: datetime) -> CaseChange:
    """The supplement cannot be delivered: the referral is listed as failed, both
    mailboxes are alerted, and an officer retries it."""
    item = supplement_item(message_id)
    sending = _sending(case, message_id)
    if sending is None:
        return CaseChange.unchanged(case, remove_pending=_done(case, item), result=False)
    forwarding, supplement = sending
    updated, events = record(case, at, [Happened("forwarding_failed", ACTOR, {
        "supplement_id": supplement.supplement_id, "referral_id": forwarding.referral_id,
        "reason": reason_code, "attempts": supplement.attempts})],
                             forwarding=_with_supplement(forwarding, replace(
                                 supplement, failure=reason_code)))
    return CaseChange(updated, events, _notify(
        updated, at, "forwarding_failed", include_reporter=False,
        qualifier=notifications.failure_qualifier(updated.event_count, message_id)),
                      _done(case, item), result=True)


def notification_sent(case: Case, item: str, at: datetime, *, sent: bool) -> CaseChange:
    """Record that a notification went out (or had no recipient) and clear its task."""
    done = (pending_key("notify", case.submission_id, item),)
    if item in case.notifications_sent:
        return CaseChange.unchanged(case, remove_pending=done, result=False)
    updated, events = record(case, at, [Happened(
        "notification_sent" if sent else "notification_skipped", "system:notify",
        {"item": item})], notifications_sent=(*case.notifications_sent, item))
    return CaseChange(updated, events, remove_pending=done, result=True)
