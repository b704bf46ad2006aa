"""Retention use cases: the purge sweep runs, the legal holds and the one extension
administrators and officers apply, the clock the submitter's new information pushes back,
and the schedule of what will be purged when (``intake retention``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from shared.domain import retention
from shared.domain.policy import Policy
from shared.domain.records import CaseQuery
from shared.domain.sealing import event_context, sealed_in_event, submission_context
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.evidence import EvidenceBlobs
from shared.ports.follow_up import FollowUpStore
from shared.ports.sealing import PayloadCipher, RetentionKeys, SealBroken, SealedRecords
from shared.ports.storage import IntakeStore
from shared.services import evidence

log = get_logger(__name__)


def purge_due_cases(*, store: IntakeStore, clock: Clock, batch: int,
                    blobs: EvidenceBlobs | None = None,
                    follow_up: FollowUpStore | None = None) -> list[str]:
    """Purge up to ``batch`` cases whose date has passed, soonest first: each in one write
    that re-checks it is still due (a hold, reopening or extension meanwhile wins) and
    leaves its tombstone. Then, for each case purged, delete its attached files' sealed
    copies from ``blobs`` and the record of the submitter's visits from ``follow_up``. A
    file that cannot be deleted now is no longer named by any case, so the sweep of
    orphaned files deletes it (``shared.services.evidence.sweep_files``). The references
    purged."""
    now = clock.now()
    purged = []
    for case in store.list_cases(CaseQuery(purge_before=now, limit=batch)):
        # Named before the purge, which removes the files' records from the history.
        files = (evidence.stored_names(case.reference,
                                       evidence.case_attachments(store, case.reference))
                 if blobs is not None else [])
        change = store.update_case(case.reference, lambda c: retention.purged(c, now))
        if change is None or not change.result:
            continue
        purged.append(case.reference)
        log.info("case records purged; its tombstone stays", extra={
            "event": "case_purged", "reference": case.reference, "form": case.form,
            "files": len(files)})
        if blobs is not None and files:
            evidence.discard(files, blobs)
        if follow_up is not None:
            follow_up.forget_visit(case.reference)
    return purged


def rekey_case(reference: str, *, store: IntakeStore, records: SealedRecords,
               cipher: PayloadCipher, clock: Clock) -> bool:
    """Wrap the data keys of the case's sealed values (its submission and every sealed
    value of its history) under the retention key of the month it is due in, or back
    under their purposes' keys when it is open or held (``retention.rekey_needed``), each
    by compare-and-set; then record it. A due month that has passed gives way to the
    current one (its key may be gone). False when nothing was needed or the case changed
    meanwhile (the next sweep goes on)."""
    case = store.get_case(reference)
    if case is None or not retention.rekey_needed(case):
        return False
    month = retention.key_month(case)
    current = f"{clock.now():%Y-%m}"
    if month is not None and month < current:
        month = current
    seen = case.event_count
    submission = store.get_submission(case.submission_id)
    if submission is not None and submission.sealed:
        sealed = cipher.rewrap(submission_context(submission.id, reference),
                               submission.sealed, month)
        if sealed != submission.sealed and not records.replace_submission_seal(
                submission.id, expected=submission.sealed, sealed=sealed,
                request_digest=submission.request_digest):
            return False
    for event in store.case_events(reference):
        item = sealed_in_event(event.kind, event.details)
        if item is None:
            continue
        sealed = cipher.rewrap(event_context(item.kind, reference, item.record_id),
                               item.envelope, month)
        if sealed != item.envelope and not records.replace_event_seal(
                reference, event.seq, item.field, expected=item.envelope, sealed=sealed):
            return False
    change = store.update_case(reference, lambda c: retention.rekeyed(c, month, seen))
    return change is not None


def rekey_cases(*, store: IntakeStore, records: SealedRecords, cipher: PayloadCipher,
                clock: Clock, batch: int) -> list[str]:
    """``rekey_case`` for up to ``batch`` cases that need it; the references done."""
    done = []
    for case in store.list_cases(CaseQuery(rekey=True, limit=batch)):
        try:
            if rekey_case(case.reference, store=store, records=records, cipher=cipher,
                          clock=clock):
                done.append(case.reference)
        except SealBroken as broken:  # an integrity problem: left for the officers to see
            log.error("sealed values of a case could not be wrapped for retention",
                      extra={"event": "rekey_failed", "reference": case.reference,
                             "error": type(broken).__name__})
    return done


def shred_past_months(*, keys: RetentionKeys, clock: Clock) -> list[str]:
    """Destroy the retention keys of the months that have passed: every copy of what they
    wrapped (backups, point-in-time recovery) can no longer be opened."""
    destroyed = keys.destroy_before(f"{clock.now():%Y-%m}")
    for month in destroyed:
        log.info("retention key of a past month destroyed", extra={
            "event": "retention_key_destroyed", "month": month})
    return destroyed


def push_back(reference: str, *, store: IntakeStore, clock: Clock, policy: Policy) -> None:
    """The submitter adds information: a running retention clock starts again from now.
    Raises RetentionRefused for a purged case, LookupError for an unknown one."""
    now = clock.now()
    change = store.update_case(reference, lambda c: retention.pushed_back(c, now, policy))
    if change is not None and change.result:
        log.info("retention clock pushed back by the submitter's information",
                 extra={"event": "retention_pushed_back", "reference": reference})


@dataclass(frozen=True)
class ScheduleRow:
    """How many cases of a form are due for purge in a month (``YYYY-MM``)."""

    form: str
    month: str
    cases: int


@dataclass(frozen=True)
class DueCase:
    reference: str
    form: str
    purge_after: datetime
    extended: bool


def schedule(*, store: IntakeStore, clock: Clock, until: datetime,
             limit: int) -> tuple[list[ScheduleRow], list[DueCase]]:
    """What will be purged before ``until``: counts by form and month, and the cases
    (soonest first; for officers only, the caller decides). Held cases are never due."""
    due = store.list_cases(CaseQuery(purge_before=until, limit=limit))
    cases = [DueCase(c.reference, c.form, c.purge_after, c.extended)
             for c in due if c.purge_after is not None]
    counts = Counter((c.form, f"{c.purge_after:%Y-%m}") for c in cases)
    rows = [ScheduleRow(form, month, n) for (form, month), n in sorted(counts.items())]
    return rows, cases
