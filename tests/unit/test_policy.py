from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.policy import Policy, add_months


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


def test_an_approximate_date_stands_for_a_month_either_side() -> None:
    from shared.domain.policy import earliest_day, latest_day

    assert latest_day(date(2025, 1, 31), True) == date(2025, 2, 28)
    assert earliest_day(date(2025, 3, 31), True) == date(2025, 2, 28)
    assert earliest_day(date(2025, 1, 15), True) == date(2024, 12, 15)
    assert latest_day(date(2025, 1, 15), False) == earliest_day(date(2025, 1, 15), False)
