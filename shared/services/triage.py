"""Triage a stored submission: classify, prioritise, route, set deadlines. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.policy import Policy
from shared.domain.records import Triage
from shared.domain.recusal import Marker
from shared.domain.triage import triage, triaged
from shared.logs import get_logger
from shared.ports import Clock, IntakeStore, PayloadCipher, TaskQueue
from shared.services.recusal import named_index, opened_submission
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)


class UnknownSubmission(LookupError):
    """A task names a submission that is not stored."""


@dataclass(frozen=True)
class TriageOutcome:
    reference: str
    triage: Triage
    changed: bool


def triage_submission(submission_id: str, *, store: IntakeStore, queue: TaskQueue,
                      clock: Clock, policy: Policy, cipher: PayloadCipher,
                      marker: Marker) -> TriageOutcome:
    """Triage the submission once, with the blind index of the people it names (recusal),
    and queue what follows (forwarding of a misconduct report). A redelivered task finds
    the case triaged and changes nothing: the store re-reads the case inside its
    transaction."""
    submission = store.get_submission(submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    now = clock.now()
    result = triage(submission, policy, now)
    index = named_index(submission.form, opened_submission(submission, cipher), marker)
    change = store.update_case(submission.reference,
                               lambda case: triaged(case, result, now, named_index=index))
    assert change is not None
    changed = bool(change.result)
    final = change.case.triage or result
    if changed:
        enqueue_stored(queue, change.add_pending)
    log.info("case triaged" if changed else "triage redelivered; nothing to do",
             extra={"event": "case_triaged" if changed else "triage_duplicate",
                    "reference": submission.reference, "priority": final.priority,
                    "route": final.route})
    return TriageOutcome(submission.reference, final, changed)
