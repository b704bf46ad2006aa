"""Deadlines are never missed silently: sweep raises each alert once per case and
threshold (due in 7 days, due today, overdue), and moves a no-prima-facie case whose
window to ask for the panel's review lapsed to ``panel_window_lapsed`` (where an officer
can still record a late request, or close it)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta

from shared.domain import casework
from shared.domain.case_workflows import PANEL_REVIEW_REQUEST_DUE, WORKFLOWS
from shared.domain.deadlines import deadline_alerts
from shared.domain.records import CaseQuery
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)

# The earliest threshold is "due within 7 days": look one day further to be sure.
HORIZON = timedelta(days=8)


@dataclass
class DeadlineReport:
    alerts: list[str] = field(default_factory=list)  # "<reference> <alert key>"
    lapsed: list[str] = field(default_factory=list)


def watch_deadlines(*, store: IntakeStore, queue: TaskQueue, clock: Clock,
                    batch: int) -> DeadlineReport:
    now = clock.now()
    report = DeadlineReport()
    for case in store.list_cases(CaseQuery(state="no_prima_facie", due_before=now,
                                           limit=batch)):
        due = case.deadlines.get(PANEL_REVIEW_REQUEST_DUE)
        if due is not None and due < now:
            change = store.update_case(case.reference, lambda c: casework.system_transitioned(
                c, "lapse_panel_window", now,
                when=c.deadlines.get(PANEL_REVIEW_REQUEST_DUE, now) < now))
            if change is not None and change.result:
                enqueue_stored(queue, change.add_pending)
                report.lapsed.append(case.reference)
                log.info("panel review window lapsed; a late request can still be recorded",
                         extra={"event": "panel_window_lapsed", "reference": case.reference})
    for case in store.list_cases(CaseQuery(due_before=now + HORIZON, limit=batch)):
        running = WORKFLOWS[case.form].running_deadlines(case.state) & casework.ALERTED_DEADLINES
        for alert in deadline_alerts(case.deadlines, now, running):
            if alert.key in case.alerts_sent:
                continue
            change = store.update_case(case.reference,
                                       functools.partial(casework.alert_raised, alert=alert,
                                                         at=now))
            if change is not None and change.result:
                enqueue_stored(queue, change.add_pending)
                report.alerts.append(f"{case.reference} {alert.key}")
                log.warning("deadline alert raised", extra={
                    "event": "deadline_alert", "reference": case.reference,
                    "deadline": alert.deadline, "threshold": alert.threshold})
    return report
