"""What an officer's day holds: their open cases, the open cases nobody has taken, what is
due soon or overdue, the referrals that failed, and the alerts raised on a case since they
last read it. Each is a list of case summaries (no identity, no narrative) through the same
recusal as every list: a case that names the officer is in none of them and counts in no
total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

from shared.domain import casework
from shared.domain.case_workflows import WORKFLOWS
from shared.domain.officers import ETHICS_OFFICER, SUMMARY_READERS, Officer, require_role
from shared.domain.records import REFERRAL_FAILED, Case, CaseQuery, next_deadline
from shared.domain.recusal import Marker
from shared.ports.clock import Clock
from shared.ports.sealing import PayloadCipher
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services.recusal import Interests, Recusal, visible_cases

SOON: Final = timedelta(days=7)
# Each list reads at most this many cases from the store; a fuller one says "or more".
LIMIT: Final = 200
ALERT_KINDS: Final = frozenset({"deadline_alert", "integrity_alert"})
BUCKETS: Final = ("mine", "unassigned", "due_soon", "overdue", "referral_failed",
                  "unseen_alerts")


@dataclass(frozen=True)
class Bucket:
    """Cases of one kind, most urgent first; ``more`` when the store held more than were
    read."""

    cases: tuple[Case, ...]
    more: bool = False

    @property
    def count(self) -> int:
        return len(self.cases)


@dataclass(frozen=True)
class Workload:
    mine: Bucket
    unassigned: Bucket
    due_soon: Bucket
    overdue: Bucket
    referral_failed: Bucket
    unseen_alerts: Bucket

    def bucket(self, name: str) -> Bucket:
        if name not in BUCKETS:
            raise KeyError(name)
        found: Bucket = getattr(self, name)
        return found


def _active(case: Case) -> bool:
    return WORKFLOWS[case.form].is_active(case.state)


def _urgent_first(cases: Iterable[Case]) -> tuple[Case, ...]:
    far = datetime.max.replace(tzinfo=None)

    def key(case: Case) -> tuple[datetime, float]:
        due = next_deadline(case)
        return (due.replace(tzinfo=None) if due else far, -case.received_at.timestamp())

    return tuple(sorted(cases, key=key))


def _read(officer: Officer, recusal: Recusal, query: CaseQuery) -> tuple[list[Case], bool]:
    """Up to LIMIT visible cases of the query, and whether there were more."""
    found = visible_cases(officer, replace(query, limit=LIMIT + 1), recusal)
    return found[:LIMIT], len(found) > LIMIT


def unseen_alerts(officer: Officer, cases: Iterable[Case], store: IntakeStore) -> list[Case]:
    """The cases with an alert raised after the officer's last read of the case."""
    actor = casework.officer_actor(officer.email)
    unseen = []
    for case in cases:
        if not case.alerts_sent:
            continue
        last_read, last_alert = 0, 0
        for event in store.case_events(case.reference):
            if event.kind == "read" and event.actor == actor:
                last_read = event.seq
            elif event.kind in ALERT_KINDS:
                last_alert = event.seq
        if last_alert > last_read:
            unseen.append(case)
    return unseen


def workload(officer: Officer, *, soon: timedelta = SOON, store: IntakeStore,
             cipher: PayloadCipher, clock: Clock, queue: TaskQueue, marker: Marker,
             interests: Interests) -> Workload:
    """The officer's (or auditor's) day, as of the clock."""
    require_role(officer, *SUMMARY_READERS)
    now = clock.now()
    recusal = Recusal(store, cipher, queue, clock, marker, interests)

    def read(query: CaseQuery) -> tuple[list[Case], bool]:
        return _read(officer, recusal, query)

    mine, mine_more = read(CaseQuery(assignee=officer.email)) \
        if officer.has_role(ETHICS_OFFICER) else ([], False)
    recent, recent_more = read(CaseQuery())
    due, due_more = read(CaseQuery(due_before=now + soon))
    overdue = [c for c in due if (next_deadline(c) or now) < now]
    late = {c.reference for c in overdue}
    failed, failed_more = read(CaseQuery(referral=REFERRAL_FAILED))
    watched = {c.reference: c for c in (*due, *recent, *mine, *failed) if _active(c)}
    return Workload(
        mine=Bucket(_urgent_first(c for c in mine if _active(c)), mine_more),
        unassigned=Bucket(_urgent_first(c for c in recent
                                        if _active(c) and c.assignee is None), recent_more),
        due_soon=Bucket(_urgent_first(c for c in due if c.reference not in late and _active(c)),
                        due_more),
        overdue=Bucket(_urgent_first(c for c in overdue if _active(c)), due_more),
        referral_failed=Bucket(_urgent_first(failed), failed_more),
        unseen_alerts=Bucket(_urgent_first(unseen_alerts(officer, watched.values(), store)),
                             recent_more or due_more),
    )
