"""Triage a stored submission: classify, prioritise, route, set deadlines. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.policy import Policy
from shared.domain.records import Case, Submission, Triage, UnknownSubmission
from shared.domain.recusal import Marker, NamedIndex
from shared.domain.sealing import IntegrityFailure
from shared.domain.triage import triage, triaged
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.sealing import PayloadCipher
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services import integrity
from shared.services.recusal import named_index
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)


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
    case = store.get_case(submission.reference)
    if case is not None and not integrity.belongs(case, submission, store=store, queue=queue,
                                                  clock=clock):
        raise IntegrityFailure(submission.reference, integrity.RECORDS_DISAGREE)
    index = _names_indexed(case, submission, store=store, cipher=cipher, queue=queue,
                           clock=clock, marker=marker) \
        if case is not None and case.triage is None else None
    now = clock.now()
    result = triage(submission, policy, now)
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


def _names_indexed(case: Case, submission: Submission, *, store: IntakeStore,
                   cipher: PayloadCipher, queue: TaskQueue, clock: Clock,
                   marker: Marker) -> NamedIndex | None:
    """The blind index of the people the submission names, or None when its seal does not
    open (the alert is raised): triage goes on without it, for nothing acknowledged may stay
    untriaged, and recusal then counts the case as naming whoever asks until it is resolved
    and ``intake recusal-index`` writes the index."""
    try:
        payload = integrity.open_submission(case, submission, store=store, cipher=cipher,
                                            queue=queue, clock=clock)
    except IntegrityFailure as failure:
        log.warning("triaged without a name index: the submission did not open", extra={
            "event": "name_index_skipped", "reference": case.reference,
            "code": failure.code})
        return None
    return named_index(case.form, payload, marker)
