"""What officers do to a case, as pure decisions for IntakeStore.update_case: transitions
(checked by the workflows), assignment, notes, replies, protective measures, reads and
refusals, and the deadline alerts sweep raises. Every one of them appends to the history.

Notes, replies and determinations are sealed before they reach these functions: the
history holds only their envelopes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.domain import notifications
from shared.domain.deadlines import DeadlineAlert
from shared.domain.forwarding import referral_queued
from shared.domain.policy import Policy
from shared.domain.records import (
    JSON,
    Case,
    CaseChange,
    Happened,
    PendingTask,
    ProtectiveMeasure,
    record,
)
from shared.domain.workflow import (
    OFFICER,
    PANEL_REVIEW_REQUEST_DUE,
    PRELIMINARY_REVIEW_DUE,
    SYSTEM,
    WORKFLOWS,
    protective_measures_allowed,
)

# Deadlines the Ethics Office owes, which sweep alerts about. The panel-review window is
# the complainant's: when it lapses the case closes instead.
ALERTED_DEADLINES = frozenset({PRELIMINARY_REVIEW_DUE})


class NotAllowedNow(Exception):
    """The operation does not fit the case's state (an API's 409)."""


def officer_actor(email: str) -> str:
    return f"officer:{email}"


def _sealed(message_id: str, envelope: Mapping[str, Any]) -> JSON:
    return {"message_id": message_id, "sealed": dict(envelope)}


def transitioned(case: Case, name: str, actor: str, at: datetime, policy: Policy, *,
                 note: tuple[str, Mapping[str, Any]] | None = None) -> CaseChange:
    """Apply an officer's transition (IllegalTransition if the workflow forbids it), with
    what it implies: the panel-review window on a no-prima-facie finding, a fresh review
    deadline when a review resumes, a referral when a case is closed as misconduct or its
    failed referral is retried."""
    target = WORKFLOWS[case.form].apply(case.state, name, actor=OFFICER)
    details: JSON = {"transition": name}
    if note is not None:
        details["note"] = _sealed(*note)
    fields: dict[str, Any] = {}
    deadlines = _running(case.form, target, case.deadlines, details)
    if name == "find_no_prima_facie":
        deadlines[PANEL_REVIEW_REQUEST_DUE] = policy.panel_review_request_due(at)
    elif name == "resume_preliminary_review":
        deadlines[PRELIMINARY_REVIEW_DUE] = policy.preliminary_review_due(at)
    if deadlines != case.deadlines:
        fields["deadlines"] = deadlines
    pending: tuple[PendingTask, ...] = ()
    if name in ("refer_as_misconduct", "retry_forwarding"):
        forwarding, task = referral_queued(case, at, urgent=bool(
            case.forwarding and case.forwarding.urgent))
        fields["forwarding"] = forwarding
        pending = (task,)
    updated, events = record(case, at, [Happened("transition", actor, details, target)],
                             **fields)
    return CaseChange(updated, events, pending, result=target)


def _running(form: str, state: str, deadlines: Mapping[str, datetime],
             details: JSON) -> dict[str, datetime]:
    """The deadlines that still run in ``state``; the others leave the case and the event
    says which, and whether they were met or missed."""
    running = WORKFLOWS[form].running_deadlines(state)
    kept = {k: v for k, v in deadlines.items() if k in running}
    ended = sorted(set(deadlines) - set(kept))
    if ended:
        details["deadlines_ended"] = ended
    return kept


def system_transitioned(case: Case, name: str, at: datetime, *,
                        when: bool = True) -> CaseChange:
    """Apply a system transition if it still applies (a redelivery changes nothing)."""
    workflow = WORKFLOWS[case.form]
    if not when or name not in {t.name for t in workflow.allowed(case.state, SYSTEM)}:
        return CaseChange.unchanged(case, result=False)
    target = workflow.apply(case.state, name, actor=SYSTEM)
    details: JSON = {"transition": name}
    deadlines = _running(case.form, target, case.deadlines, details)
    updated, events = record(case, at, [Happened("transition", "system:sweep", details,
                                                 target)], deadlines=deadlines)
    return CaseChange(updated, events, result=True)


def assigned(case: Case, assignee: str, actor: str, at: datetime) -> CaseChange:
    updated, events = record(case, at, [Happened("assigned", actor, {
        "from": case.assignee, "to": assignee})], assignee=assignee)
    return CaseChange(updated, events)


def noted(case: Case, message_id: str, envelope: Mapping[str, Any], actor: str,
          at: datetime) -> CaseChange:
    """An internal note: never shown to the submitter."""
    updated, events = record(case, at, [Happened("note", actor, _sealed(message_id,
                                                                        envelope))])
    return CaseChange(updated, events)


def replied(case: Case, message_id: str, envelope: Mapping[str, Any], actor: str,
            at: datetime, *, tell_submitter: bool) -> CaseChange:
    """A reply the submitter reads on the follow-up page; a submitter who left an address
    is told by e-mail that it is there (the e-mail holds no text of it)."""
    updated, events = record(case, at, [Happened("reply_to_submitter", actor,
                                                 _sealed(message_id, envelope))])
    pending = tuple(PendingTask("notify", case.submission_id, case.reference, at, at,
                                item=item)
                    for item in notifications.items("reply_posted", qualifier=message_id)
                    ) if tell_submitter else ()
    return CaseChange(updated, events, pending)


def measure_recorded(case: Case, measure: ProtectiveMeasure, actor: str,
                     at: datetime) -> CaseChange:
    """Record an interim protective measure, or a new outcome of one, while a prima facie
    case of retaliation is open."""
    if case.form != "retaliation" or not protective_measures_allowed(case.state):
        raise NotAllowedNow("Interim protective measures are recorded only while a prima "
                            "facie case of retaliation is open.")
    others = tuple(m for m in case.measures if m.measure_id != measure.measure_id)
    updated, events = record(case, at, [Happened("protective_measure", actor, {
        "measure_id": measure.measure_id, "kind": measure.kind,
        "recommended_on": measure.recommended_on, "outcome": measure.outcome})],
                             measures=(*others, measure))
    return CaseChange(updated, events)


def read_recorded(case: Case, actor: str, at: datetime) -> CaseChange:
    updated, events = record(case, at, [Happened("read", actor, {})])
    return CaseChange(updated, events)


def refusal_recorded(case: Case, actor: str, reason: str, operation: str,
                     at: datetime) -> CaseChange:
    updated, events = record(case, at, [Happened("access_refused", actor, {
        "reason": reason, "operation": operation})])
    return CaseChange(updated, events)


def alert_raised(case: Case, alert: DeadlineAlert, at: datetime) -> CaseChange:
    """Raise a deadline alert once per case and threshold: the key is recorded on the case
    in the same write that queues the e-mails, so concurrent sweeps cannot both raise it."""
    if alert.key in case.alerts_sent or not WORKFLOWS[case.form].is_active(case.state):
        return CaseChange.unchanged(case, result=False)
    qualifier = notifications.alert_qualifier(alert.deadline, alert.due, alert.threshold)
    pending = tuple(PendingTask("notify", case.submission_id, case.reference, at, at,
                                item=item)
                    for item in notifications.items("deadline_alert", qualifier=qualifier)
                    if case.assignee or not item.endswith("-assignee"))
    updated, events = record(case, at, [Happened("deadline_alert", "system:sweep", {
        "deadline": alert.deadline, "due": alert.due.isoformat(),
        "threshold": alert.threshold})], alerts_sent=(*case.alerts_sent, alert.key))
    return CaseChange(updated, events, pending, result=True)


def integrity_alert_raised(case: Case, code: str, where: str, actor: str,
                           at: datetime) -> CaseChange:
    """Record an integrity failure found on reading the case (a sealed item that does not
    open where it is kept, a submission that is not the case's) and tell the Ethics
    Office, once per failure and place: every later read finds the key in
    ``alerts_sent``."""
    qualifier = notifications.integrity_qualifier(code, where, case.reference)
    key = f"integrity.{qualifier}"
    if key in case.alerts_sent:
        return CaseChange.unchanged(case, result=False)
    pending = tuple(PendingTask("notify", case.submission_id, case.reference, at, at,
                                item=item)
                    for item in notifications.items("integrity_alert", qualifier=qualifier))
    updated, events = record(case, at, [Happened("integrity_alert", actor, {
        "code": code, "where": where})], alerts_sent=(*case.alerts_sent, key))
    return CaseChange(updated, events, pending, result=True)


def people_named(form: str, payload: Mapping[str, Any]) -> list[str]:
    """The people a case is about or accuses, for the recusal check."""
    if form == "misconduct":
        return [s["name"] for s in payload.get("subjects", [])]
    if form == "retaliation":
        named = [act["by_whom"] for act in payload.get("retaliatory_acts", [])]
        supervisor = payload.get("employment", {}).get("supervisor")
        return [*named, *([supervisor] if supervisor else [])]
    return []
