"""Triage a stored submission: classify, prioritise, route, set deadlines. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.policy import Policy
from shared.domain.records import Triage
from shared.domain.triage import triage
from shared.logs import get_logger
from shared.ports import Clock, IntakeStore

log = get_logger(__name__)


class UnknownSubmission(LookupError):
    """A triage task names a submission that is not stored."""


@dataclass(frozen=True)
class TriageOutcome:
    reference: str
    triage: Triage
    changed: bool


def triage_submission(submission_id: str, *, store: IntakeStore, clock: Clock,
                      policy: Policy) -> TriageOutcome:
    """Triage the submission once; a redelivered task finds the case triaged and changes
    nothing (the store checks the case's state inside its transaction)."""
    submission = store.get_submission(submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    case = store.get_case(submission.reference)
    if case is not None and case.triage is not None:
        # Redelivery: still let the store clear a pending marker a crash may have left.
        store.record_triage(submission.reference, case.triage, "system:triage", clock.now())
        log.info("triage redelivered; nothing to do",
                 extra={"event": "triage_duplicate", "reference": submission.reference})
        return TriageOutcome(submission.reference, case.triage, changed=False)

    now = clock.now()
    result = triage(submission, policy, now)
    changed = store.record_triage(submission.reference, result, "system:triage", now)
    log.info("case triaged" if changed else "triage raced another delivery; nothing to do",
             extra={"event": "case_triaged" if changed else "triage_duplicate",
                    "reference": submission.reference, "priority": result.priority,
                    "route": result.route})
    return TriageOutcome(submission.reference, result, changed)
