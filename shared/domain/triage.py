"""Triage rules: classify, prioritise, route and set deadlines from a submission's clear fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from shared.domain.policy import Policy
from shared.domain.records import Case, CaseEvent, Submission, Triage
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
        )
    if submission.form == "retaliation":
        last_act = date.fromisoformat(clear["last_act_date"])
        late = policy.filed_late(last_act, submission.received_at.date())
        return Triage(
            priority="urgent" if clear["interim_measures_requested"] else "high",
            route="preliminary_review",
            category="retaliation",
            triaged_at=now,
            deadlines={
                "preliminary_review_due": policy.preliminary_review_due(submission.received_at),
            },
            flags=("filed_late",) if late else (),
        )
    raise ValueError(f"no triage rule for form {submission.form!r}")


def apply_triage(case: Case, result: Triage, actor: str, at: datetime) -> tuple[Case, CaseEvent]:
    """The case with its triage attached, and the history event that records it."""
    seq = case.event_count + 1
    event = CaseEvent(seq=seq, at=at, kind="triaged", actor=actor,
                      from_state=case.state, to_state=case.state,
                      details={"priority": result.priority, "route": result.route,
                               "category": result.category, "flags": list(result.flags)})
    return replace(case, updated_at=at, event_count=seq, triage=result), event
