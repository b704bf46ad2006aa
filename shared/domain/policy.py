"""Policy time limits: the retaliation workflow's and the answer to an advice request.
Policy, not law: configurable per deployment."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import TypeVar

# How long each form's case is kept once its retention clock starts (docs/retention.md
# gives the reasons): advice 7 years after closing, misconduct 1 year after the
# investigations office's acknowledgement, retaliation 10 years after closing.
RETENTION_DAYS: Mapping[str, int] = MappingProxyType(
    {"advice": 2555, "misconduct": 365, "retaliation": 3650})

_Day = TypeVar("_Day", bound=date)  # a date, or a datetime (its time of day kept)


@dataclass(frozen=True)
class Policy:
    """Defaults: docs/time-limits.md says where each figure comes from."""

    filing_window_months: int = 6
    preliminary_review_days: int = 30
    panel_review_days: int = 30
    # What the advice form promises: an answer "usually within 10 working days".
    advice_answer_working_days: int = 10
    # Feedback to the reporter, per form, in months from the acknowledgement (EU Directive
    # 2019/1937, Art. 9: three months).
    feedback_months_advice: int = 3
    feedback_months_misconduct: int = 3
    feedback_months_retaliation: int = 3
    retention_days: Mapping[str, int] = field(default_factory=lambda: RETENTION_DAYS)
    # What an officer's one extension adds to a case's purge date.
    extension_days: int = 365
    # How long a follow-up lockout counter is kept after its last check or lock.
    follow_up_lockout_days: int = 1

    @property
    def follow_up_lockout_kept(self) -> timedelta:
        return timedelta(days=self.follow_up_lockout_days)

    def purge_after(self, form: str, clock_started: datetime) -> datetime:
        """When a case of ``form`` whose retention clock started then is due for purge."""
        return clock_started + timedelta(days=self.retention_days.get(form,
                                                                       RETENTION_DAYS[form]))

    def preliminary_review_due(self, received_at: datetime) -> datetime:
        return received_at + timedelta(days=self.preliminary_review_days)

    def advice_answer_due(self, received_at: datetime) -> datetime:
        return add_working_days(received_at, self.advice_answer_working_days)

    def panel_review_request_due(self, notified_at: datetime) -> datetime:
        return notified_at + timedelta(days=self.panel_review_days)

    def feedback_due(self, form: str, acknowledged_at: datetime) -> datetime:
        """When the reporter must have had feedback: calendar months (clamped to a shorter
        month's end) after the acknowledgement, which is the moment of reception."""
        months = getattr(self, f"feedback_months_{form}", None)
        if not isinstance(months, int):
            raise ValueError(f"no feedback time limit for form {form!r}")
        return add_months(acknowledged_at, months)

    def filing_deadline(self, last_act: date) -> date:
        return add_months(last_act, self.filing_window_months)

    def filed_late(self, last_act: date, received_on: date) -> bool:
        return received_on > self.filing_deadline(last_act)


# An approximate date ("about 20 June", or a month without its day) stands for any day
# within a month either side of it. Rules that count from a date read it the way that is
# fair to the person: the filing window runs from the latest day it may stand for, so an
# uncertain date never makes a complaint late, and the order of two dates is questioned
# only when even their widest readings cannot agree.
APPROXIMATION_MONTHS = 1


def latest_day(day: date, approximate: bool) -> date:
    """The latest day a date may stand for."""
    return add_months(day, APPROXIMATION_MONTHS) if approximate else day


def earliest_day(day: date, approximate: bool) -> date:
    """The earliest day a date may stand for."""
    return add_months(day, -APPROXIMATION_MONTHS) if approximate else day


def add_months(day: _Day, months: int) -> _Day:
    """The same day ``months`` later (earlier if negative), clamped to the end of a
    shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start``, at the same time of day. Working
    days are Monday to Friday of the UTC calendar; public holidays are not known to the
    system (they differ by duty station) and count as working days. A start on a weekend
    counts from the Monday after it: Saturday + 1 working day is Monday."""
    if days < 0:
        raise ValueError("a number of working days cannot be negative")
    moment, left = start, days
    while left:
        moment += timedelta(days=1)
        if moment.astimezone(UTC).weekday() < 5:
            left -= 1
    return moment
