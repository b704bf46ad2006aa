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
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.storage import IntakeStore

log = get_logger(__name__)


def purge_due_cases(*, store: IntakeStore, clock: Clock, batch: int) -> list[str]:
    """Purge up to ``batch`` cases whose date has passed, soonest first: each in one write
    that re-checks it is still due (a hold, reopening or extension meanwhile wins) and
    leaves its tombstone. The references purged."""
    now = clock.now()
    purged = []
    for case in store.list_cases(CaseQuery(purge_before=now, limit=batch)):
        change = store.update_case(case.reference, lambda c: retention.purged(c, now))
        if change is not None and change.result:
            purged.append(case.reference)
            log.info("case records purged; its tombstone stays", extra={
                "event": "case_purged", "reference": case.reference, "form": case.form})
    return purged


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
