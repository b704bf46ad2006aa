"""The periodic sweep: re-queue pending work whose task may have been lost, raise the deadline
alerts, send the disclosure reminders, and purge and shred what the retention schedule says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.evidence import EvidenceBlobs
from shared.ports.follow_up import FollowUpStore
from shared.ports.sealing import PayloadCipher, RetentionKeys, SealedRecords
from shared.ports.storage import IntakeStore
from shared.ports.tasks import QueueUnavailable, TaskQueue
from shared.services.deadlines import watch_deadlines
from shared.services.retention import purge_due_cases, rekey_cases, shred_past_months
from shared.services.tasks import task_for

log = get_logger(__name__)


@dataclass
class SweepReport:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    lapsed: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)  # disclosure reminders sent
    reminders_failed: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)
    rekeyed: list[str] = field(default_factory=list)
    shredded: list[str] = field(default_factory=list)  # months whose key was destroyed
    digests_forgotten: int = 0  # idempotency records past their retention, cleared
    lockouts_forgotten: int = 0  # follow-up lockout counters deleted (the embedded backend)


def sweep(*, store: IntakeStore, queue: TaskQueue, clock: Clock, grace: timedelta,
          batch: int, reminders: Callable[[], Any] | None = None,
          shredding: Shredding | None = None,
          follow_up: FollowUpStore | None = None,
          blobs: EvidenceBlobs | None = None) -> SweepReport:
    """Enqueue again, under a new generation, every pending task last enqueued more than
    ``grace`` ago (a task that cannot be enqueued stays pending for the next run); then
    raise the deadline alerts that are due; send the disclosure programme's reminders
    (``reminders``: ``shared.services.disclosure.send_reminders``, bound); then purge the
    cases whose retention date has passed (shared.services.retention), with their files in
    ``blobs`` and their visits in ``follow_up``; with ``shredding``, wrap the sealed values
    of the cases whose purge month changed under that month's key, and destroy the keys of
    the months that have passed; clear the idempotency records kept long enough; with
    ``follow_up``, delete the follow-up lockout counters the retention schedule no longer
    keeps."""
    now = clock.now()
    report = SweepReport()
    for pending in store.pending_tasks(now - grace, batch):
        generation = pending.generation + 1
        try:
            queue.enqueue(task_for(replace(pending, generation=generation)))
        except QueueUnavailable as error:
            report.failed.append(pending.reference)
            log.error("sweep could not re-queue pending work; it stays pending",
                      extra={"event": "sweep_enqueue_failed", "reference": pending.reference,
                             "kind": pending.kind, "error": type(error).__name__})
            continue
        store.mark_requeued(pending, generation, now)
        report.requeued.append(pending.reference)
        log.warning("pending work re-queued by sweep",
                    extra={"event": "sweep_requeued", "reference": pending.reference,
                           "kind": pending.kind, "generation": generation})
    deadlines = watch_deadlines(store=store, queue=queue, clock=clock, batch=batch)
    report.alerts, report.lapsed = deadlines.alerts, deadlines.lapsed
    if reminders is not None:
        sent = reminders()
        report.reminders, report.reminders_failed = sent.sent, sent.failed
    if shredding is not None:  # first: a case due now is wrapped for its month, then purged
        report.rekeyed = rekey_cases(store=store, records=shredding.records,
                                     cipher=shredding.cipher, clock=clock, batch=batch)
    report.purged = purge_due_cases(store=store, clock=clock, batch=batch, blobs=blobs,
                                    follow_up=follow_up)
    if shredding is not None:
        report.shredded = shred_past_months(keys=shredding.keys, clock=clock)
    report.digests_forgotten = store.forget_request_digests(now, batch)
    if follow_up is not None:
        report.lockouts_forgotten = follow_up.forget_lockouts(now)
    return report


@dataclass(frozen=True)
class Shredding:
    """What crypto-shredding needs: the sealed records, the cipher, the retention keys."""

    records: SealedRecords
    cipher: PayloadCipher
    keys: RetentionKeys
