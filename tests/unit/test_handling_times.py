"""The handling-time figures of a case and of a form: milestones, clocks, percentiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.case_export import COLUMNS, export_row
from shared.domain.handling_times import (
    CaseFacts,
    IndicatorTally,
    clock_status,
    percentile,
    timeline,
)
from shared.domain.records import CaseEvent

T0 = datetime(2024, 3, 1, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def event(seq: int, at: datetime, kind: str = "transition", to_state: str | None = None,
          from_state: str | None = None, **details: object) -> CaseEvent:
    return CaseEvent(seq=seq, at=at, kind=kind, actor="", from_state=from_state,
                     to_state=to_state, details=dict(details))


def received(at: datetime = T0, acknowledged: datetime | None = None) -> CaseEvent:
    return event(1, at, "received", "received",
                 acknowledged_at=(acknowledged or at).isoformat())


def facts(form: str, *events: CaseEvent, deadlines: dict[str, datetime] | None = None,
          forwarded_at: datetime | None = None, received_at: datetime = T0) -> CaseFacts:
    return CaseFacts(reference="ETH-ADV-00001-AAAAA", form=form, state="received",
                     channel="web", received_at=received_at,
                     triage_deadlines=deadlines or {}, events=events,
                     forwarded_at=forwarded_at)


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([4.0], 90) == 4.0
    assert percentile([1, 2, 3, 4, 10], 50) == 3
    assert percentile([10, 1, 4, 3, 2], 90) == pytest.approx(7.6)
    assert percentile([1, 2, 3, 4], 50) == 2.5  # the median of an even count


def test_an_advice_request_s_milestones_reopenings_and_clocks() -> None:
    case = facts("advice",
                 received(),
                 event(2, day(0.5), "note"),  # not a response: nothing the requester sees
                 event(3, day(2), to_state="assigned", from_state="received"),
                 event(4, day(5), to_state="answered", from_state="assigned",
                       deadlines_ended=["advice_answer_due", "feedback_due"]),
                 event(5, day(6), to_state="closed", from_state="answered"),
                 event(6, day(20), to_state="assigned", from_state="closed"),
                 event(7, day(40), to_state="answered", from_state="assigned"),
                 event(8, day(41), to_state="closed", from_state="answered"),
                 deadlines={"advice_answer_due": day(4), "feedback_due": day(90)})
    line = timeline(case, day(100))
    assert line.first_response_at == day(2)
    assert line.closed_at == day(6)  # the first close
    assert line.determined_at is None and line.referred_at is None
    assert line.reopened == 1
    assert {n: c.status for n, c in line.clocks.items()} == {
        "acknowledgement": "met", "advice_answer_due": "missed", "feedback_due": "met"}


def test_a_reply_to_the_submitter_is_a_first_response() -> None:
    case = facts("advice", received(), event(2, day(1), "reply_to_submitter"),
                 event(3, day(3), to_state="assigned", from_state="received"))
    assert timeline(case, day(5)).first_response_at == day(1)


def test_a_retaliation_complaint_s_determination_and_reopenings() -> None:
    case = facts("retaliation", received(),
                 event(2, day(3), to_state="preliminary_review", from_state="received"),
                 event(3, day(10), to_state="suspended", from_state="preliminary_review",
                       deadlines_ended=["preliminary_review_due", "feedback_due"]),
                 event(4, day(50), to_state="reopened", from_state="suspended"),
                 event(5, day(55), to_state="preliminary_review", from_state="reopened"),
                 event(6, day(70), to_state="no_prima_facie",
                       from_state="preliminary_review"),
                 deadlines={"preliminary_review_due": day(30), "feedback_due": day(92)})
    line = timeline(case, day(80))
    assert line.first_response_at == day(3)
    assert line.determined_at == day(70)
    assert line.reopened == 1 and line.closed_at is None
    assert line.clocks["preliminary_review_due"].status == "met"


def test_a_clock_still_running_is_overdue_past_due_and_running_before() -> None:
    due = day(30)
    assert clock_status(due, None, day(29)) == "running"
    assert clock_status(due, None, day(31)) == "overdue"
    assert clock_status(due, due, day(31)) == "met"
    assert clock_status(due, day(30.001), day(31)) == "missed"


def test_a_recorded_report_acknowledged_late_misses_its_acknowledgement() -> None:
    late = facts("misconduct", received(T0, acknowledged=day(8)), forwarded_at=day(8.5))
    on_time = facts("misconduct", received(T0, acknowledged=day(7)))
    assert timeline(late, day(9)).clocks["acknowledgement"].status == "missed"
    assert timeline(on_time, day(9)).clocks["acknowledgement"].status == "met"
    assert timeline(late, day(9)).referred_at == day(8.5)


def test_a_case_not_triaged_has_no_deadline_clock_yet() -> None:
    line = timeline(facts("retaliation", received()), day(1))
    assert set(line.clocks) == {"acknowledgement"}


def test_the_tally_gives_medians_p90_reopened_and_shares() -> None:
    tally = IndicatorTally("advice")
    for n, first in enumerate([1, 2, 3, 4, 10]):
        events = [received(), event(2, day(first), to_state="assigned",
                                    from_state="received")]
        if n == 0:
            events += [event(3, day(first + 1), to_state="answered", from_state="assigned"),
                       event(4, day(first + 2), to_state="closed", from_state="answered"),
                       event(5, day(first + 3), to_state="assigned", from_state="closed")]
        tally.add(timeline(facts("advice", *events,
                                 deadlines={"advice_answer_due": day(2 + n)}), day(50)))
    result = tally.result()
    assert result.cases == 5
    response = result.durations["first_response"]
    assert (response.reached, response.pending, response.median,
            response.p90) == (5, 0, 3.0, 7.6)
    close = result.durations["close"]
    assert (close.reached, close.pending, close.median) == (1, 4, 3.0)
    assert result.durations["referral"].median is None
    assert (result.reopened_cases, result.reopenings) == (1, 1)
    answer = result.clocks["advice_answer_due"]
    # due on days 2..6, none ended, as of day 50: all overdue
    assert (answer.met, answer.missed, answer.overdue, answer.running) == (0, 0, 5, 0)
    assert answer.percent_met == 0.0
    assert result.clocks["acknowledgement"].percent_met == 100.0
    assert result.clocks["feedback_due"].percent_met is None


def test_nothing_after_the_instant_of_the_figures_counts() -> None:
    case = facts("misconduct", received(),
                 event(2, day(10), to_state="forwarded", from_state="received"),
                 event(3, day(20), to_state="acknowledged", from_state="forwarded",
                       deadlines_ended=["feedback_due"]),
                 deadlines={"feedback_due": day(15)}, forwarded_at=day(10))
    before = timeline(case, day(9))
    assert before.first_response_at is None and before.referred_at is None
    assert before.clocks["feedback_due"].status == "running"
    between = timeline(case, day(16))
    assert between.referred_at == day(10) and between.closed_at is None
    assert between.clocks["feedback_due"].status == "overdue"
    after = timeline(case, day(30))
    assert after.closed_at == day(20) and after.clocks["feedback_due"].status == "missed"


def test_the_tally_refuses_a_case_of_another_form() -> None:
    with pytest.raises(ValueError, match="misconduct case"):
        IndicatorTally("advice").add(timeline(facts("misconduct", received()), day(1)))


def test_an_export_row_has_a_value_per_column_and_no_clock_the_form_lacks() -> None:
    row = export_row(timeline(facts("misconduct", received()), day(1)))
    assert len(row) == len(COLUMNS)
    values = dict(zip(COLUMNS, row, strict=True))
    assert values["acknowledgement_status"] == "met"
    assert values["advice_answer_due_due"] == values["preliminary_review_due_status"] == ""
    assert values["received_at"] == "2024-03-01T09:00:00+00:00"
