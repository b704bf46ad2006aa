"""Deadline alerts as policy: which threshold a case's deadline has reached.

Calendar-day semantics, in UTC: a deadline falls due on the UTC calendar day of its
instant, whatever the time of day.

- ``due_in_7_days``: from the 7th UTC day before the due day up to the day before it
  (1 to 7 days left);
- ``due_today``: on the due day itself, all day, even after the due instant;
- ``overdue``: from the first UTC day after the due day onward.

Thresholds are ordered from least to most severe. ``sweep`` alerts on a deadline's
*current* threshold only, once per (case, deadline, due day, threshold): a sweep that
first sees a case when it is already overdue sends "overdue" and never a stale "due in 7
days". ``DeadlineAlert.key`` is that identity; it includes the due day, so a deadline that
is set again (a review taken up anew) alerts afresh.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

DUE_IN_7_DAYS: Final = "due_in_7_days"
DUE_TODAY: Final = "due_today"
OVERDUE: Final = "overdue"
THRESHOLDS: Final = (DUE_IN_7_DAYS, DUE_TODAY, OVERDUE)
WARNING_DAYS: Final = 7


def _utc_day(moment: datetime, what: str) -> date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got a naive datetime")
    return moment.astimezone(UTC).date()


def days_left(due: datetime, now: datetime) -> int:
    """UTC calendar days from today to the due day: 0 on the due day, negative after it."""
    return (_utc_day(due, "due") - _utc_day(now, "now")).days


def thresholds_reached(due: datetime, now: datetime) -> tuple[str, ...]:
    """Every threshold reached by ``now``, least severe first (empty if none)."""
    left = days_left(due, now)
    reached = []
    if left <= WARNING_DAYS:
        reached.append(DUE_IN_7_DAYS)
    if left <= 0:
        reached.append(DUE_TODAY)
    if left < 0:
        reached.append(OVERDUE)
    return tuple(reached)


def current_threshold(due: datetime, now: datetime) -> str | None:
    """The most severe threshold reached by ``now``, or None if the deadline is far off."""
    reached = thresholds_reached(due, now)
    return reached[-1] if reached else None


@dataclass(frozen=True)
class DeadlineAlert:
    deadline: str
    due: datetime
    threshold: str

    @property
    def key(self) -> str:
        """Identity of the alert: raise it once per case with this key."""
        return f"{self.deadline}@{_utc_day(self.due, 'due').isoformat()}:{self.threshold}"


def deadline_alerts(deadlines: Mapping[str, datetime], now: datetime,
                    running: Collection[str] | None = None) -> list[DeadlineAlert]:
    """The alert each deadline of a case calls for now, at its current threshold.

    ``running`` limits it to the deadlines that run in the case's state
    (``Workflow.running_deadlines``); a deadline of a case that moved on never alerts.
    """
    alerts = []
    for name in sorted(deadlines):
        if running is not None and name not in running:
            continue
        threshold = current_threshold(deadlines[name], now)
        if threshold is not None:
            alerts.append(DeadlineAlert(name, deadlines[name], threshold))
    return alerts
