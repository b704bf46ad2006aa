"""Deadline thresholds: UTC calendar-day semantics, with fixed datetimes and the boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.case_workflows import WORKFLOWS
from shared.domain.deadlines import (
    THRESHOLDS,
    DeadlineAlert,
    current_threshold,
    days_left,
    deadline_alerts,
    thresholds_reached,
)
from shared.domain.policy import Policy

DUE = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)  # 30 days after 2026-03-02T09:30Z


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("now", "left", "current"), [
    ("2026-03-02T09:30:00+00:00", 30, None),
    ("2026-03-24T23:59:59.999999+00:00", 8, None),
    ("2026-03-25T00:00:00+00:00", 7, "due_in_7_days"),
    ("2026-03-31T23:59:59.999999+00:00", 1, "due_in_7_days"),
    ("2026-04-01T00:00:00+00:00", 0, "due_today"),
    ("2026-04-01T09:30:00+00:00", 0, "due_today"),
    ("2026-04-01T09:30:01+00:00", 0, "due_today"),  # past the instant, still its day
    ("2026-04-01T23:59:59.999999+00:00", 0, "due_today"),
    ("2026-04-02T00:00:00+00:00", -1, "overdue"),
    ("2027-01-01T00:00:00+00:00", -275, "overdue"),
])
def test_thresholds_by_utc_calendar_day(now: str, left: int, current: str | None) -> None:
    assert days_left(DUE, _at(now)) == left
    assert current_threshold(DUE, _at(now)) == current


def test_thresholds_are_cumulative_and_ordered() -> None:
    assert thresholds_reached(DUE, _at("2026-03-24T12:00:00+00:00")) == ()
    assert thresholds_reached(DUE, _at("2026-03-28T12:00:00+00:00")) == ("due_in_7_days",)
    assert thresholds_reached(DUE, _at("2026-04-01T12:00:00+00:00")) == (
        "due_in_7_days", "due_today")
    assert thresholds_reached(DUE, _at("2026-04-05T12:00:00+00:00")) == THRESHOLDS


def test_other_offsets_are_read_in_utc() -> None:
    due = _at("2026-04-01T01:00:00+02:00")  # 2026-03-31T23:00Z: due on 31 March (UTC)
    assert current_threshold(due, _at("2026-03-31T20:00:00-05:00")) == "overdue"  # 1 Apr 01:00Z
    assert current_threshold(due, _at("2026-03-31T18:59:59-05:00")) == "due_today"
    assert current_threshold(due, _at("2026-03-24T02:00:00+02:00")) == "due_in_7_days"
    assert current_threshold(due, _at("2026-03-24T01:59:59+02:00")) is None


def test_year_boundary() -> None:
    due = _at("2027-01-03T08:00:00+00:00")
    assert current_threshold(due, _at("2026-12-26T23:59:59+00:00")) is None
    assert current_threshold(due, _at("2026-12-27T00:00:00+00:00")) == "due_in_7_days"
    assert current_threshold(due, _at("2027-01-04T00:00:00+00:00")) == "overdue"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        current_threshold(datetime(2026, 4, 1), DUE)
    with pytest.raises(ValueError, match="timezone-aware"):
        days_left(DUE, datetime(2026, 4, 1))


def test_alerts_at_the_current_threshold_of_running_deadlines_only() -> None:
    policy = Policy()
    received = _at("2026-03-02T09:30:00+00:00")
    deadlines = {
        "preliminary_review_due": policy.preliminary_review_due(received),
        "panel_review_request_due": policy.panel_review_request_due(
            _at("2026-03-01T12:00:00+00:00")),  # due 31 March
    }
    now = _at("2026-04-01T15:00:00+00:00")
    everything = deadline_alerts(deadlines, now)
    assert everything == [
        DeadlineAlert("panel_review_request_due", deadlines["panel_review_request_due"],
                      "overdue"),
        DeadlineAlert("preliminary_review_due", DUE, "due_today"),
    ]
    retaliation = WORKFLOWS["retaliation"]
    in_review = deadline_alerts(deadlines, now, retaliation.running_deadlines("preliminary_review"))
    assert [a.key for a in in_review] == ["preliminary_review_due@2026-04-01:due_today"]
    assert deadline_alerts(deadlines, now, retaliation.running_deadlines("suspended")) == []
    assert deadline_alerts({}, now) == []


def test_a_deadline_set_again_gets_new_alert_keys() -> None:
    first = DeadlineAlert("preliminary_review_due", DUE, "overdue")
    again = DeadlineAlert("preliminary_review_due", DUE + timedelta(days=30), "overdue")
    assert first.key != again.key
    same_day = DeadlineAlert("preliminary_review_due", DUE + timedelta(hours=3), "overdue")
    assert first.key == same_day.key


MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=-11)),
                                                  timezone(timedelta(hours=13, minutes=45))]))


@given(due=MOMENTS, first=MOMENTS, second=MOMENTS)
def test_severity_never_goes_down_as_time_passes(due: datetime, first: datetime,
                                                 second: datetime) -> None:
    earlier, later = sorted((first, second))
    assert len(thresholds_reached(due, earlier)) <= len(thresholds_reached(due, later))


@given(due=MOMENTS)
def test_each_threshold_starts_on_exactly_one_utc_day(due: datetime) -> None:
    day = due.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    starts: dict[str, list[int]] = {}
    for offset in range(-10, 4):
        midnight = day + timedelta(days=offset)
        before = set(thresholds_reached(due, midnight - timedelta(microseconds=1)))
        for threshold in set(thresholds_reached(due, midnight)) - before:
            starts.setdefault(threshold, []).append(offset)
    assert starts == {"due_in_7_days": [-7], "due_today": [0], "overdue": [1]}
