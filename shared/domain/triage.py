"""Triage rules: classify, prioritise, route and set deadlines from a submission's clear fields."""

from __future__ import annotations

from datetime import date, datetime

from shared.domain.case_workflows import (
    ADVICE_ANSWER_DUE,
    FEEDBACK_DUE,
    PRELIMINARY_REVIEW_DUE,
)
from shared.domain.policy import Policy
from shared.domain.records import (
    Case,
    CaseChange,
    Forwarding,
    Happened,
    PendingTask,
    Submission,
    Triage,
    pending_key,
    record,
)
from shared.domain.recusal import NamedIndex
from shared.domain.taxonomy import URGENT_ALLEGATIONS

PRIORITIES = ("urgent", "high", "normal")
ROUTES = ("ethics_advice", "investigations", "preliminary_review")


def triage(submission: Submission, policy: Policy, now: datetime) -> Triage:
    """The triage of a submission; a pure function of what is in clear and the policy."""
    clear = submission.clear
    if submission.form == "advice":
        return Triage(
            priority="high" if clear["subcategory"] == "retaliation_advice" else "normal",
            route="ethics_advice",
            category=clear["subcategory"],
            triaged_at=now,
            deadlines={ADVICE_ANSWER_DUE: policy.advice_answer_due(submission.received_at),
                       FEEDBACK_DUE: policy.feedback_due("advice", submission.received_at)},
        )
    if submission.form == "misconduct":
        allegation = clear["allegation_type"]
        flags = ("anonymous",) if clear["anonymous"] else ()
        return Triage(
            priority="urgent" if allegation in URGENT_ALLEGATIONS else "high",
            route="investigations",
            category=allegation,
            triaged_at=now,
            flags=flags,
            forward_to_investigations=True,
            deadlines={FEEDBACK_DUE: policy.feedback_due("misconduct",
                                                         submission.received_at)},
        )
    if submission.form == "retaliation":
        # Older records have no filing_window_from: their dates were all exact.
        last_act = date.fromisoformat(clear.get("filing_window_from") or clear["last_act_date"])
        late = policy.filed_late(last_act, submission.received_at.date())
        return Triage(
            priority="urgent" if clear["interim_measures_requested"] else "high",
            route="preliminary_review",
            category="retaliation",
            triaged_at=now,
            deadlines={
                PRELIMINARY_REVIEW_DUE: policy.preliminary_review_due(submission.received_at),
                FEEDBACK_DUE: policy.feedback_due("retaliation", submission.received_at),
            },
            flags=("filed_late",) if late else (),
        )
    raise ValueError(f"no triage rule for form {submission.form!r}")


def referral_id_for(reference: str) -> str:
    """The referral's id, which the investigations office uses to de-duplicate deliveries."""
    return f"{reference}-R1"


def triaged(case: Case, result: Triage, at: datetime, *,
            named_index: NamedIndex | None = None) -> CaseChange:
    """The change that attaches a triage to a case once, with the blind index of the people
    it names (recusal); a repeat changes nothing but still clears the pending triage task.
    A misconduct report gets its forwarding queued."""
    done = (pending_key("triage", case.submission_id),)
    if case.triage is not None:
        return CaseChange.unchanged(case, remove_pending=done, result=False)
    details = {"priority": result.priority, "route": result.route,
               "category": result.category, "flags": list(result.flags)}
    fields: dict[str, object] = {"triage": result,
                                 "deadlines": {**case.deadlines, **result.deadlines}}
    if named_index is not None:
        fields["named_index"] = named_index
    add: tuple[PendingTask, ...] = ()
    if result.forward_to_investigations:
        urgent = result.priority == "urgent"
        fields["forwarding"] = Forwarding(referral_id=referral_id_for(case.reference),
                                          urgent=urgent)
        add = (PendingTask("forward", case.submission_id, case.reference, at, at,
                           urgent=urgent),)
    updated, events = record(case, at, [Happened("triaged", "system:triage", details)],
                             **fields)
    return CaseChange(updated, events, add, done, result=True)
