"""Retention: when a case's records are due for deletion, what keeps them, and what is
left of a case once they are deleted (its tombstone). Pure decisions for
``IntakeStore.update_case``; docs/retention.md explains the schedule.

- The clock starts when a case enters a closed state of its workflow (for a misconduct
  report: the investigations office's acknowledgement, since that office keeps the
  record): ``purge_after`` is then the policy's period later. Leaving the closed state
  (reopening) clears it, and information the submitter adds pushes it back to a full
  period from then.
- A legal hold, placed and lifted by an administrator with a reason, keeps a case
  whatever its date: a held case is never due.
- An officer may extend a case's date once, with a reason.
- The purge deletes the case's content (its submission's sealed values and every sealed
  detail of its history) and leaves a tombstone: reference, form, dates, codes, outcome,
  and when it was purged. The classification codes the annual report counts stay, so the
  report does not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Final

from shared.domain.case_workflows import WORKFLOWS
from shared.domain.policy import Policy
from shared.domain.records import Case, CaseChange, Happened, record

PURGED: Final = "purged"
HOLD_PLACED: Final = "legal_hold_placed"
HOLD_LIFTED: Final = "legal_hold_lifted"
EXTENDED: Final = "retention_extended"
PUSHED_BACK: Final = "retention_pushed_back"
PURGE_ACTOR: Final = "system:sweep"
# Officers' lists of cases due for purge look this far ahead.
DUE_WINDOW: Final = timedelta(days=30)
REASON_MAX: Final = 500
# Keys of history details that hold content (sealed values, officers' free text) or
# describe it (the attached files' digests and what was removed from them, whose sealed
# bytes the purge deletes): the purge removes them and keeps the codes.
CONTENT_DETAILS: Final = frozenset({"sealed", "note", "reason_text", "attachments"})


class ReasonRequired(Exception):
    """A hold, its lifting or an extension without a reason (blank), or with one too long
    (a 422 naming ``reason``)."""


class RetentionRefused(Exception):
    """The retention action does not apply to the case as it stands (a 409): a second
    extension, an extension of a case whose clock has not started, a hold on a held case,
    a lift of a hold that is not there, anything on a purged case."""


def purge_due(case: Case) -> datetime | None:
    """When the case is due for purge, as a store filters on it: never while held or once
    purged."""
    if case.held or case.purged_at is not None:
        return None
    return case.purge_after


def clock_on_entering(case: Case, target: str, at: datetime, policy: Policy) -> dict[str, Any]:
    """The retention fields of ``case`` moving to ``target`` at ``at``: the clock starts on
    entering a closed state, and stops (cleared) on leaving one. Empty when nothing
    changes."""
    closed = target in WORKFLOWS[case.form].closed
    if closed and case.state not in WORKFLOWS[case.form].closed:
        return {"purge_after": policy.purge_after(case.form, at)}
    if not closed and case.purge_after is not None:
        return {"purge_after": None}
    return {}


def clock_details(fields: dict[str, Any]) -> dict[str, Any]:
    """What a history event says of a clock change (``clock_on_entering``)."""
    if "purge_after" not in fields:
        return {}
    due = fields["purge_after"]
    return {"purge_after": due.isoformat() if due else None}


def pushed_back(case: Case, at: datetime, policy: Policy) -> CaseChange:
    """The submitter added information: a running clock starts again from now (never
    earlier than it was). Nothing changes for an open or held case."""
    if case.purged_at is not None:
        raise RetentionRefused("the case's records were deleted")
    if case.purge_after is None:
        return CaseChange.unchanged(case, result=False)
    due = max(case.purge_after, policy.purge_after(case.form, at))
    if due == case.purge_after:
        return CaseChange.unchanged(case, result=False)
    updated, events = record(case, at, [Happened(PUSHED_BACK, "system:follow_up", {
        "purge_after": due.isoformat()})], purge_after=due)
    return CaseChange(updated, events, result=True)


# A reason as the history keeps it: its record id and its sealed text.
SealedReason = tuple[str, Mapping[str, Any]]


def checked_reason(reason: str) -> str:
    """The reason of a hold, its lifting or an extension, trimmed; ReasonRequired if it is
    blank or too long (checked before it is sealed)."""
    text = reason.strip()
    if not text or len(text) > REASON_MAX:
        raise ReasonRequired(f"Give a reason of 1 to {REASON_MAX} characters.")
    return text


def _alive(case: Case) -> None:
    if case.purged_at is not None:
        raise RetentionRefused("the case's records were deleted: nothing to keep")


def _sealed_reason(reason: SealedReason) -> dict[str, Any]:
    message_id, envelope = reason
    return {"message_id": message_id, "sealed": dict(envelope)}


def hold_placed(case: Case, actor: str, reason: SealedReason, at: datetime) -> CaseChange:
    """A legal hold: the case is kept whatever its date until the hold is lifted."""
    _alive(case)
    if case.held:
        raise RetentionRefused("the case is already on legal hold")
    updated, events = record(case, at, [Happened(HOLD_PLACED, actor, {
        "reason_text": _sealed_reason(reason)})], held=True)
    return CaseChange(updated, events)


def hold_lifted(case: Case, actor: str, reason: SealedReason, at: datetime) -> CaseChange:
    """Lift a legal hold. A case whose date passed while it was held is due at once."""
    _alive(case)
    if not case.held:
        raise RetentionRefused("the case is not on legal hold")
    due = case.purge_after
    updated, events = record(case, at, [Happened(HOLD_LIFTED, actor, {
        "reason_text": _sealed_reason(reason),
        "purge_after": due.isoformat() if due else None})], held=False)
    return CaseChange(updated, events)


def extended(case: Case, actor: str, reason: SealedReason, at: datetime,
             policy: Policy) -> CaseChange:
    """The one extension of a case's purge date, by ``policy.extension_days``."""
    _alive(case)
    if case.extended:
        raise RetentionRefused("the case was extended once already")
    if case.purge_after is None:
        raise RetentionRefused("the case's retention clock has not started")
    due = case.purge_after + timedelta(days=policy.extension_days)
    updated, events = record(case, at, [Happened(EXTENDED, actor, {
        "reason_text": _sealed_reason(reason), "from": case.purge_after.isoformat(),
        "purge_after": due.isoformat()})], purge_after=due, extended=True)
    return CaseChange(updated, events)


def purged(case: Case, at: datetime) -> CaseChange:
    """Delete the case's content if it is still due (a hold, a reopening, an extension or
    a purge that came first changes nothing): the case becomes its tombstone and the
    store deletes its content in the same write (``CaseChange.purge``)."""
    due = purge_due(case)
    if due is None or due > at:
        return CaseChange.unchanged(case, result=False)
    updated, events = record(case, at, [Happened(PURGED, PURGE_ACTOR, {
        "purge_after": due.isoformat()})], purged_at=at, named_index=None, deadlines={})
    return replace(CaseChange(updated, events, result=True), purge=True)


def content_free(details: dict[str, Any]) -> dict[str, Any]:
    """An event's details without their content (``CONTENT_DETAILS``)."""
    return {k: v for k, v in details.items() if k not in CONTENT_DETAILS}


def key_month(case: Case) -> str | None:
    """The purge month whose retention key should wrap the case's data keys: the month it
    is due in; None (its purposes' keys) while it is open, held or purged."""
    due = purge_due(case)
    return None if due is None else f"{due:%Y-%m}"


def rekey_needed(case: Case) -> bool:
    """Whether the case's sealed values must be wrapped again: its month changed (closed,
    reopened, held, lifted, extended, pushed back), or events were added since (a new
    value is sealed under its purpose's key). A case sealed for a later month than its
    own (that month's key was gone) needs nothing."""
    if case.purged_at is not None:
        return False
    target = key_month(case)
    if target is None:
        return case.sealed_for is not None
    return case.sealed_for is None or case.sealed_for < target \
        or case.event_count > case.sealed_through


def rekeyed(case: Case, month: str | None, seen: int) -> CaseChange | None:
    """Record that the case's values are wrapped for ``month`` as of event ``seen``;
    nothing if events were added meanwhile (the next run wraps them too)."""
    if case.event_count != seen:
        return None
    return CaseChange(replace(case, sealed_for=month, sealed_through=seen))
