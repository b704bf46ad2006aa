"""Reading sealed records where they are kept, and what happens when they do not belong there.

Every reader opens a sealed value with the context of the place it found it in (this case,
this record, this kind of event) and reads a case's submission only after checking that the
two name each other. A failure is never shown as content: the caller gets None or
``IntegrityFailure``, an ERROR log line says which check failed and where (codes only), and
the case's history records an ``integrity_alert`` that e-mails the Ethics Office once per
failure and place.
"""

from __future__ import annotations

import json
from typing import Any

from shared.domain import casework
from shared.domain.records import Case, CaseEvent, Submission
from shared.domain.sealing import (
    IntegrityFailure,
    RecordsDisagree,
    check_belongs,
    event_context,
    sealed_in_event,
    submission_context,
)
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.sealing import PayloadCipher, SealBroken, SealOutdated
from shared.ports.storage import IntakeStore, StoreUnavailable
from shared.ports.tasks import TaskQueue
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)

SEAL_BROKEN = "seal_broken"
RECORDS_DISAGREE = "records_disagree"
SEAL_OUTDATED = "seal_outdated"
ALERT_ACTOR = "system:integrity"


def raise_alert(reference: str, code: str, where: str, *, store: IntakeStore,
                queue: TaskQueue, clock: Clock) -> None:
    """Log the failure as an ERROR and record it on the case with a notice to the Ethics
    Office (once per code and place). An envelope in the outdated format is an operator's
    task (``intake reseal``), not a sign of tampering: it is logged only."""
    if code == SEAL_OUTDATED:
        log.error("a sealed item is in the outdated envelope format and is not opened in "
                  "place: run intake reseal", extra={"event": code, "reference": reference,
                                                      "where": where})
        return
    log.error("integrity check failed: the item is not shown and the Ethics Office is "
              "alerted", extra={"event": code, "reference": reference, "where": where})
    try:
        change = store.update_case(reference, lambda case: casework.integrity_alert_raised(
            case, code, where, ALERT_ACTOR, clock.now()))
    except (LookupError, StoreUnavailable) as error:
        # The log line above stays the alert; the next read tries again.
        log.error("integrity alert not recorded", extra={
            "event": "integrity_alert_unrecorded", "reference": reference,
            "error": type(error).__name__})
        return
    if change is not None and change.result:
        enqueue_stored(queue, change.add_pending)


def belongs(case: Case, submission: Submission, *, store: IntakeStore, queue: TaskQueue,
            clock: Clock) -> bool:
    """Whether the case and the submission name each other (and share a form); if not,
    the alert is raised on the case."""
    try:
        check_belongs(case, submission)
    except RecordsDisagree:
        raise_alert(case.reference, RECORDS_DISAGREE, "submission", store=store, queue=queue,
                    clock=clock)
        return False
    return True


def open_submission(case: Case, submission: Submission, *, store: IntakeStore,
                    cipher: PayloadCipher, queue: TaskQueue, clock: Clock,
                    ) -> dict[str, Any]:
    """The case's submission payload, opened only if the two records belong together and
    the envelope was sealed for this submission of this case. Raises IntegrityFailure.
    Nothing for a purged case: its content was deleted (work still pending for it, such as
    a notice, finds no address and no narrative)."""
    if case.purged_at is not None:
        return {}
    if not belongs(case, submission, store=store, queue=queue, clock=clock):
        raise IntegrityFailure(case.reference, RECORDS_DISAGREE)
    try:
        plaintext = cipher.open(submission_context(submission.id, case.reference),
                                submission.sealed)
    except SealBroken as broken:
        code = SEAL_OUTDATED if isinstance(broken, SealOutdated) else SEAL_BROKEN
        raise_alert(case.reference, code, "submission", store=store, queue=queue,
                    clock=clock)
        raise IntegrityFailure(case.reference, code) from None
    payload: dict[str, Any] = json.loads(plaintext)
    return payload


def open_event(reference: str, event: CaseEvent, *, store: IntakeStore,
               cipher: PayloadCipher, queue: TaskQueue, clock: Clock,
               ) -> tuple[bool, str | None]:
    """(whether the event carries a sealed item, its text). The text is None when the item
    does not open as what this event of this case says it is; the alert is then raised."""
    item = sealed_in_event(event.kind, event.details)
    if item is None:
        return False, None
    try:
        context = event_context(item.kind, reference, item.record_id)
        return True, cipher.open(context, item.envelope).decode("utf-8")
    except SealOutdated:
        code = SEAL_OUTDATED
    except (SealBroken, ValueError):  # ValueError: no record id, or not UTF-8
        code = SEAL_BROKEN
    raise_alert(reference, code, f"event_{event.seq}", store=store, queue=queue, clock=clock)
    return True, None
