"""What officers do to a case, as pure decisions for IntakeStore.update_case: transitions
(checked by the workflows), assignment, notes, replies, protective measures, reads and
refusals, and the deadline alerts sweep raises. Every one of them appends to the history.

Notes, replies and determinations are sealed before they reach these functions: the
history holds only their envelopes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain import notifications
from shared.domain.case_workflows import (
    ADVICE_ANSWER_DUE,
    FEEDBACK_DUE,
    PANEL_REVIEW_REQUEST_DUE,
    PRELIMINARY_REVIEW_DUE,
    RETRY_FORWARDING,
    WORKFLOWS,
)
from shared.domain.deadlines import DeadlineAlert
from shared.domain.forwarding import notification_sent, referral_queued, retried
from shared.domain.measures import measures_allowed
from shared.domain.policy import Policy
from shared.domain.records import (
    JSON,
    MISCONDUCT_MATTER,
    REFERRAL_FAILED,
    RETALIATION_MATTER,
    Case,
    CaseChange,
    Happened,
    PendingTask,
    ProtectiveMeasure,
    record,
)
from shared.domain.retention import clock_details, clock_on_entering
from shared.domain.taxonomy import (
    ALLEGATION_TYPES,
    CORRECTIVE_MEASURES,
    PROTECTIVE_MEASURES,
    SUSPENSION_REASONS,
    URGENT_ALLEGATIONS,
)
from shared.domain.workflow import ALLEGATION_TYPE, NOTE, OFFICER, REASON, SYSTEM, IllegalTransition

# Deadlines the Ethics Office watches, which sweep alerts about: every clock of the
# workflows, the complainant's panel-review window included (the office must know it is
# about to lapse).
ALERTED_DEADLINES = frozenset({PRELIMINARY_REVIEW_DUE, PANEL_REVIEW_REQUEST_DUE,
                               ADVICE_ANSWER_DUE, FEEDBACK_DUE})
NO_PRIMA_FACIE = "no_prima_facie"
DETERMINATION_NOTICE = "determination_notice"
DETERMINATION_UNSENT = "determination_unsent"
DETERMINATION_NOTIFIED = "determination_notified"


class NotAllowedNow(Exception):
    """The operation does not fit the case's state (an API's 409)."""


class DetailProblem(ValueError):
    """A transition was given without what it requires, or with what it does not take (an
    API's 422 naming ``field``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TransitionDetails:
    """What an officer gives with a transition: a note (already sealed: its message id
    and envelope), a suspension reason code, an allegation type. ``Transition.requires``
    says which a transition needs; a transition takes no other but the note."""

    note: tuple[str, Mapping[str, Any]] | None = None
    reason: str | None = None
    allegation_type: str | None = None


_DETAIL_NEEDED = {
    NOTE: "Give the reason for the record (note): required with {name}.",
    REASON: "Give the suspension reason: one of " + ", ".join(SUSPENSION_REASONS) + ".",
    ALLEGATION_TYPE: "State the allegation type of the misconduct: one of "
                     + ", ".join(ALLEGATION_TYPES) + ".",
}


def officer_actor(email: str) -> str:
    return f"officer:{email}"


def _sealed(message_id: str, envelope: Mapping[str, Any]) -> JSON:
    return {"message_id": message_id, "sealed": dict(envelope)}


def officer_actions(case: Case) -> list[str]:
    """The transitions an officer may apply now: the workflow's, and ``retry_forwarding``
    whenever the case's referral (or one of its supplements) failed, whatever the form."""
    names = [t.name for t in WORKFLOWS[case.form].allowed(case.state, OFFICER)]
    if case.forwarding is not None and case.forwarding.status == REFERRAL_FAILED \
            and RETRY_FORWARDING not in names:
        names.append(RETRY_FORWARDING)
    return names


def _checked(case: Case, name: str, given: TransitionDetails) -> JSON:
    """The details of the transition event; DetailProblem when a required one is missing
    or one is given that the transition does not take."""
    transition = WORKFLOWS[case.form].transition(name)
    requires = transition.requires if transition else frozenset()
    values = {NOTE: given.note, REASON: given.reason, ALLEGATION_TYPE: given.allegation_type}
    for key in sorted(requires):
        if values[key] is None:
            raise DetailProblem(key, _DETAIL_NEEDED[key].format(name=name))
    for key in (REASON, ALLEGATION_TYPE):
        if values[key] is not None and key not in requires:
            raise DetailProblem(key, f"{name} takes no {key}.")
    if given.reason is not None and given.reason not in SUSPENSION_REASONS:
        raise DetailProblem(REASON, _DETAIL_NEEDED[REASON])
    if given.allegation_type is not None and given.allegation_type not in ALLEGATION_TYPES:
        raise DetailProblem(ALLEGATION_TYPE, _DETAIL_NEEDED[ALLEGATION_TYPE])
    details: JSON = {"transition": name}
    if given.note is not None:
        details["note"] = _sealed(*given.note)
    if given.reason is not None:
        details["reason"] = given.reason
    if given.allegation_type is not None:
        details["allegation_type"] = given.allegation_type
    return details


def _starts(policy: Policy) -> Mapping[str, Any]:
    """The clocks that start when a case enters a state they run in (and the case has
    none running): each as a function of the moment. The panel-review window is not one:
    it starts when the complainant is notified (``determination_notified``)."""
    return {PRELIMINARY_REVIEW_DUE: policy.preliminary_review_due,
            ADVICE_ANSWER_DUE: policy.advice_answer_due}


def transitioned(case: Case, name: str, actor: str, at: datetime, policy: Policy,
                 given: TransitionDetails = TransitionDetails()) -> CaseChange:
    """Apply an officer's transition (IllegalTransition if the workflow forbids it,
    DetailProblem without what it requires), with what it implies:

    - a clock starts on entering a state it runs in, when none runs (a returned or
      reopened retaliation case, a reopened advice request); a running one goes on (a
      resumed review keeps the deadline its return started);
    - a no-prima-facie finding queues the complainant's notice (the panel-review window
      starts when it is sent, or when they read it on the follow-up page);
    - closing a case as misconduct queues its referral, of the type the officer states
      (urgent for sexual exploitation and abuse and sexual harassment); referring a prima
      facie case queues a referral of the retaliation matter for investigation;
    - ``retry_forwarding`` sends a failed referral, and failed supplements, again: for a
      misconduct report as its workflow transition, for any other case without a change
      of state.
    """
    workflow = WORKFLOWS[case.form]
    retry = workflow.transition(RETRY_FORWARDING)
    if name == RETRY_FORWARDING and (retry is None or case.state not in retry.sources):
        return _referral_retried(case, actor, at, given)
    target = workflow.apply(case.state, name, actor=OFFICER)
    details = _checked(case, name, given)
    fields: dict[str, Any] = {}
    deadlines = _running(case.form, target, case.deadlines, details)
    for key, due in _starts(policy).items():
        if key in workflow.running_deadlines(target) and key not in deadlines:
            deadlines[key] = due(at)
    if deadlines != case.deadlines:
        fields["deadlines"] = deadlines
    retention = clock_on_entering(case, target, at, policy)
    fields.update(retention)
    details.update(clock_details(retention))
    pending: tuple[PendingTask, ...] = ()
    if name == "find_no_prima_facie":
        pending = _notices(case, DETERMINATION_NOTICE, f"e{case.event_count + 1}", at)
    elif name in ("refer_as_misconduct", "refer_for_investigation"):
        allegation = given.allegation_type
        forwarding, task = referral_queued(
            case, at, urgent=allegation in URGENT_ALLEGATIONS,
            matter=RETALIATION_MATTER if name == "refer_for_investigation"
            else MISCONDUCT_MATTER, allegation_type=allegation)
        fields["forwarding"] = forwarding
        pending = (task,)
    elif name == RETRY_FORWARDING:
        fields["forwarding"], pending = retried(case, at)
    if name != "find_no_prima_facie":  # its own notice tells the complainant
        pending += _state_mail(case, target, at)
    updated, events = record(case, at, [Happened("transition", actor, details, target)],
                             **fields)
    return CaseChange(updated, events, pending, result=target)


def _state_mail(case: Case, target: str, at: datetime) -> tuple[PendingTask, ...]:
    """The content-free e-mail to a submitter who asked for one when their case changes
    state (one per transition: its qualifier is the event that records it)."""
    if not case.state_mail or target == case.state:
        return ()
    return tuple(PendingTask("notify", case.submission_id, case.reference, at, at, item=item)
                 for item in notifications.items("state_changed",
                                                 qualifier=f"e{case.event_count + 1}"))


def _referral_retried(case: Case, actor: str, at: datetime,
                      given: TransitionDetails) -> CaseChange:
    """Retry a failed referral or supplement of a case whose state does not change."""
    if case.forwarding is None or case.forwarding.status != REFERRAL_FAILED:
        raise IllegalTransition(case.form, case.state, RETRY_FORWARDING,
                                officer_actions(case), known=True)
    details = _checked(case, RETRY_FORWARDING, given)
    forwarding, pending = retried(case, at)
    updated, events = record(case, at, [Happened("referral_retried", actor, details)],
                             forwarding=forwarding)
    return CaseChange(updated, events, pending, result=case.state)


def _notices(case: Case, template: str, qualifier: str,
             at: datetime) -> tuple[PendingTask, ...]:
    return tuple(PendingTask("notify", case.submission_id, case.reference, at, at, item=item)
                 for item in notifications.items(template, qualifier=qualifier)
                 if case.assignee or not item.endswith("-assignee"))


def determination_notified(case: Case, via: str, at: datetime,
                           policy: Policy) -> CaseChange:
    """The complainant is notified of a no-prima-facie determination (``via`` e-mail or
    the follow-up page): the window to ask the Ethics Panel chair for a review starts now,
    once; a later notice changes nothing."""
    if case.form != "retaliation" or case.state != NO_PRIMA_FACIE \
            or PANEL_REVIEW_REQUEST_DUE in case.deadlines:
        return CaseChange.unchanged(case, result=False)
    due = policy.panel_review_request_due(at)
    updated, events = record(case, at, [Happened(DETERMINATION_NOTIFIED, "system:notify", {
        "via": via, "panel_review_request_due": due.isoformat()})],
                             deadlines={**case.deadlines, PANEL_REVIEW_REQUEST_DUE: due})
    return CaseChange(updated, events, result=True)


def notice_recorded(case: Case, item: str, at: datetime, policy: Policy, *,
                    sent: bool) -> CaseChange:
    """Record that a notification went out (or had no recipient), with what follows from
    it: a determination notice sent starts the panel-review window; one that could not be
    sent tells the office, so the complainant is told another way."""
    first = notification_sent(case, item, at, sent=sent)
    template, _, qualifier = notifications.parse_item(item)
    if not first.result or template != DETERMINATION_NOTICE:
        return first
    if sent:
        second = determination_notified(first.case, "email", at, policy)
    else:
        pending = _notices(first.case, DETERMINATION_UNSENT, qualifier, at)
        second = CaseChange(first.case, add_pending=pending)
    return CaseChange(second.case, first.events + second.events,
                      first.add_pending + second.add_pending,
                      first.remove_pending + second.remove_pending, result=True)


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
                        when: bool = True, policy: Policy | None = None) -> CaseChange:
    """Apply a system transition if it still applies (a redelivery changes nothing)."""
    workflow = WORKFLOWS[case.form]
    if not when or name not in {t.name for t in workflow.allowed(case.state, SYSTEM)}:
        return CaseChange.unchanged(case, result=False)
    target = workflow.apply(case.state, name, actor=SYSTEM)
    details: JSON = {"transition": name}
    deadlines = _running(case.form, target, case.deadlines, details)
    retention = clock_on_entering(case, target, at, policy or Policy())
    details.update(clock_details(retention))
    updated, events = record(case, at, [Happened("transition", "system:sweep", details,
                                                 target)], deadlines=deadlines, **retention)
    return CaseChange(updated, events, _state_mail(case, target, at), result=True)


def assigned(case: Case, assignee: str, actor: str, at: datetime) -> CaseChange:
    updated, events = record(case, at, [Happened("assigned", actor, {
        "from": case.assignee, "to": assignee})], assignee=assignee)
    return CaseChange(updated, events)


def recused_by_hand(case: Case, officer: str, reason: str, actor: str, at: datetime
                    ) -> CaseChange:
    """An administrator recuses an officer (``officer``: their normalised address) with a
    reason: the case is then invisible to them, as one that names them; if it was theirs,
    it is nobody's. Recusing them again changes nothing."""
    if officer in case.recused:
        return CaseChange.unchanged(case)
    happened = [Happened("officer_recused", actor, {"officer": officer, "reason": reason})]
    fields: dict[str, Any] = {"recused": (*case.recused, officer)}
    if case.assignee == officer:
        happened.append(Happened("assigned", actor, {"from": officer, "to": None}))
        fields["assignee"] = None
    updated, events = record(case, at, happened, **fields)
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


MEASURE_KINDS: Mapping[str, Mapping[str, str]] = {"protective": PROTECTIVE_MEASURES,
                                                 "corrective": CORRECTIVE_MEASURES}
_MEASURES_WHEN = {
    ("protective", True): "Interim protective measures are recommended only while a prima "
                          "facie case of retaliation is open.",
    ("protective", False): "Interim protective measures are updated only until the matter "
                           "is closed.",
    ("corrective", True): "Corrective measures are recommended once retaliation is "
                          "established.",
    ("corrective", False): "Corrective measures are updated while retaliation is "
                           "established and the matter is not closed.",
}


def measure_recorded(case: Case, measure: ProtectiveMeasure, actor: str,
                     at: datetime) -> CaseChange:
    """Record a measure recommended to the Executive Director, or a new outcome or the
    Executive Director's decision on one: interim protective measures while a prima facie
    case is open (updated until the matter is closed), corrective measures once
    retaliation is established. A measure keeps its purpose."""
    if case.form != "retaliation":
        raise NotAllowedNow("Measures are recorded only on a retaliation case.")
    existing = next((m for m in case.measures if m.measure_id == measure.measure_id), None)
    if existing is not None and existing.purpose != measure.purpose:
        raise NotAllowedNow(f"That measure is a {existing.purpose} measure: record it as one.")
    if measure.kind not in MEASURE_KINDS.get(measure.purpose, {}):
        raise NotAllowedNow(f"{measure.kind!r} is not a {measure.purpose} measure.")
    new = existing is None
    if not measures_allowed(case.state, measure.purpose, new=new):
        raise NotAllowedNow(_MEASURES_WHEN[(measure.purpose, new)])
    others = tuple(m for m in case.measures if m.measure_id != measure.measure_id)
    kind = "protective_measure" if measure.purpose == "protective" else "corrective_measure"
    updated, events = record(case, at, [Happened(kind, actor, {
        "measure_id": measure.measure_id, "purpose": measure.purpose, "kind": measure.kind,
        "recommended_on": measure.recommended_on, "outcome": measure.outcome,
        "decision": measure.decision, "decided_on": measure.decided_on})],
                             measures=(*others, measure))
    return CaseChange(updated, events)


def read_recorded(case: Case, actor: str, at: datetime, *,
                  scope: str | None = None) -> CaseChange:
    """A read of the case; ``scope`` ``history`` for an auditor's read, which opens no
    submission, note or reply."""
    updated, events = record(case, at, [Happened("read", actor,
                                                 {"scope": scope} if scope else {})])
    return CaseChange(updated, events)


def attachment_opened(case: Case, actor: str, at: datetime, attachment_id: str, copy: str,
                      reason: tuple[str, Mapping[str, Any]] | None = None) -> CaseChange:
    """An officer downloaded a file attached to the case: its cleaned copy, or (an
    administrator, with a reason: its message id and the text sealed as an
    ``ORIGINAL_REASON``) its original."""
    details: dict[str, Any] = {"attachment_id": attachment_id, "copy": copy}
    if reason is not None:
        message_id, envelope = reason
        details["reason_text"] = {"message_id": message_id, "sealed": dict(envelope)}
    updated, events = record(case, at, [Happened("attachment_downloaded", actor, details)])
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


def organisations_named(form: str, payload: Mapping[str, Any]) -> list[str]:
    """The organisations, vendors and offices a case names, for the recusal check: each
    subject's organisation in a misconduct report, the complainant's office in a
    retaliation complaint."""
    if form == "misconduct":
        return [s["organisation"] for s in payload.get("subjects", []) if s.get("organisation")]
    if form == "retaliation":
        office = payload.get("employment", {}).get("office")
        return [office] if office else []
    return []


def people_named(form: str, payload: Mapping[str, Any]) -> list[str]:
    """The people a case is about or accuses, for the recusal check."""
    if form == "misconduct":
        return [s["name"] for s in payload.get("subjects", [])]
    if form == "retaliation":
        named = [act["by_whom"] for act in payload.get("retaliatory_acts", [])]
        supervisor = payload.get("employment", {}).get("supervisor")
        return [*named, *([supervisor] if supervisor else [])]
    return []
