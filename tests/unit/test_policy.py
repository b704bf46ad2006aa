from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.policy import Policy, add_months, add_working_days


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 11, 15), 6, date(2026, 5, 15)),
    (date(2025, 12, 1), 1, date(2026, 1, 1)),
    (date(2025, 3, 10), 0, date(2025, 3, 10)),
])
def test_add_months_clamps_to_the_end_of_short_months(start: date, months: int,
                                                      expected: date) -> None:
    assert add_months(start, months) == expected


def test_the_default_policy_is_six_months_and_thirty_days() -> None:
    policy = Policy()
    received = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert policy.preliminary_review_due(received) == datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    assert policy.panel_review_request_due(received) == datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    assert not policy.filed_late(date(2025, 9, 2), date(2026, 3, 2))
    assert policy.filed_late(date(2025, 9, 1), date(2026, 3, 2))


def test_the_filing_window_is_configurable() -> None:
    assert not Policy(filing_window_months=12).filed_late(date(2025, 9, 1), date(2026, 3, 2))


def _at(day: str, time: str = "09:30") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


@pytest.mark.parametrize(("start", "days", "expected"), [
    (_at("2026-03-02"), 10, _at("2026-03-16")),  # Monday: two weeks on
    (_at("2026-03-06"), 1, _at("2026-03-09")),  # Friday + 1: Monday
    (_at("2026-03-07"), 1, _at("2026-03-09")),  # Saturday + 1: Monday
    (_at("2026-03-08", "23:59"), 1, _at("2026-03-09", "23:59")),  # Sunday + 1: Monday
    (_at("2026-03-05"), 3, _at("2026-03-10")),  # Thursday + 3: Tuesday
    (_at("2026-12-24"), 10, _at("2027-01-07")),  # holidays are not known: they count
    (_at("2026-03-04"), 0, _at("2026-03-04")),
])
def test_working_days_skip_weekends(start: datetime, days: int, expected: datetime) -> None:
    assert add_working_days(start, days) == expected
    assert expected.weekday() < 5 or days == 0


def test_the_advice_answer_is_due_in_ten_working_days_by_default() -> None:
    assert Policy().advice_answer_due(_at("2026-03-02")) == _at("2026-03-16")
    assert Policy(advice_answer_working_days=3).advice_answer_due(_at("2026-03-05")) == \
        _at("2026-03-10")
    with pytest.raises(ValueError, match="cannot be negative"):
        add_working_days(_at("2026-03-02"), -1)


def test_an_approximate_date_stands_for_a_month_either_side() -> None:
    from shared.domain.policy import earliest_day, latest_day

    assert latest_day(date(2025, 1, 31), True) == date(2025, 2, 28)
    assert earliest_day(date(2025, 3, 31), True) == date(2025, 2, 28)
    assert earliest_day(date(2025, 1, 15), True) == date(2024, 12, 15)
    assert latest_day(date(2025, 1, 15), False) == earliest_day(date(2025, 1, 15), False)
