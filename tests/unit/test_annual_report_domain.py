"""The report's arithmetic: shares, order, the retaliation figures (imported and from the
cases' histories), breakdowns, and which counts it needs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain import annual_report as ar
from shared.domain.records import CaseEvent
from shared.domain.statistics import (
    CaseCount,
    CaseHistory,
    CountQuery,
    DisclosureYear,
    ForwardedCount,
    RecordCount,
    RecordSum,
    SubmissionCount,
)
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ADVICE_SUBCATEGORIES,
    FIGURE_II_GROUPS,
    SERVICE_CATEGORIES,
)


@pytest.mark.parametrize(("count", "whole", "expected"), [
    (328, 925, 35.5), (311, 925, 33.6), (135, 925, 14.6), (1750, 1754, 99.8),
    (2158, 2160, 99.9), (1, 16, 6.3), (1, 8, 12.5), (1, 3, 33.3), (2, 3, 66.7),
    (0, 5, 0.0), (5, 5, 100.0), (0, 0, None), (3, 0, None),
])
def test_percent_to_one_decimal_halves_up(count: int, whole: int,
                                          expected: float | None) -> None:
    assert ar.percent(count, whole) == expected


def zero_counts(year: int) -> dict[CountQuery, int]:
    return dict.fromkeys(ar.report_queries(year), 0)


def test_the_queries_cover_everything_assemble_reads_each_once() -> None:
    queries = ar.report_queries(2024)
    assert len(queries) == len(set(queries))
    report = ar.assemble(2024, zero_counts(2024), [])  # a KeyError would mean a gap
    assert report.table_1_years == (2022, 2023, 2024)
    assert list(report.figure_1) == [2020, 2021, 2022, 2023, 2024]
    assert list(report.table_1) == list(SERVICE_CATEGORIES)
    assert list(report.table_2) == list(range(2018, 2025))
    assert report.figure_2_n == 0 and all(s.percent is None for s in report.figure_2)


def test_forms_count_in_their_own_table_1_rows() -> None:
    counts = zero_counts(2024)
    counts[RecordCount(2024, "advice")] = 2
    counts[SubmissionCount(2024, "advice")] = 3
    counts[RecordCount(2023, "misconduct")] = 1
    counts[SubmissionCount(2023, "misconduct")] = 4
    counts[CaseCount(2022, "retaliation")] = 6
    counts[RecordCount(2024, "training")] = 7
    report = ar.assemble(2024, counts, [])
    assert report.table_1["advice"] == {2022: 0, 2023: 0, 2024: 5}
    assert report.table_1["misconduct"][2023] == 5
    assert report.table_1["retaliation"][2022] == 6
    assert report.table_1_total == {2022: 6, 2023: 5, 2024: 12}
    assert report.figure_1[2024] == 5
    assert report.misconduct_referrals == 0  # 2023's misconduct is not 2024's


def test_misconduct_referrals_are_those_accepted_that_year_not_allegations_reported() -> None:
    assert tuple(ar.referral_counts(2024)) == (ForwardedCount(2024),
                                               ForwardedCount(2024, "retaliation"))
    counts = zero_counts(2024)
    counts[RecordCount(2024, "misconduct")] = 2  # imported, or logged as copied only
    counts[SubmissionCount(2024, "misconduct")] = 9  # received, not all referred yet
    counts[ForwardedCount(2024)] = 5
    report = ar.assemble(2024, counts, [])
    assert report.misconduct_referrals == 5
    assert report.table_1["misconduct"][2024] == 11


def test_a_prima_facie_case_referred_for_investigation_is_not_a_misconduct_referral() -> None:
    counts = zero_counts(2024)
    counts[ForwardedCount(2024)] = 5  # every referral accepted in 2024...
    counts[ForwardedCount(2024, "retaliation")] = 2  # ...of which two retaliation matters
    report = ar.assemble(2024, counts, [])
    assert (report.misconduct_referrals, report.retaliation_referrals) == (3, 2)


def test_figure_2_is_largest_first_with_the_group_total_and_ties_in_taxonomy_order() -> None:
    counts = zero_counts(2024)
    leaves = {"work_environment": 5, "coi_outside_activities": 3, "coi_gifts_hospitality": 4,
              "coi_social_media": 4, "workplace_conflict": 5, "other": 1}
    for leaf, n in leaves.items():
        counts[RecordCount(2024, "advice", subcategory=leaf)] = n
    counts[RecordCount(2024, "advice")] = sum(leaves.values())
    report = ar.assemble(2024, counts, [])
    assert [(s.code, s.count, s.percent) for s in report.figure_2] == [
        ("conflict_of_interest", 11, 50.0), ("work_environment", 5, 22.7),
        ("workplace_conflict", 5, 22.7), ("other", 1, 4.5)]
    coi = report.figure_2[0]
    assert [(p.code, p.count) for p in coi.parts] == [
        ("coi_gifts_hospitality", 4), ("coi_social_media", 4), ("coi_outside_activities", 3),
        ("coi_family_relationships", 0), ("coi_investments", 0),
        ("coi_political_activities", 0)]
    assert [p.code for p in report.figure_2[2].parts] == ["retaliation_advice"]
    assert all(s.parts == () for s in (report.figure_2[1], report.figure_2[3]))
    assert report.notes == ()


def test_figure_2_counts_advice_about_retaliation_among_workplace_issues() -> None:
    counts = zero_counts(2024)
    leaves = {"work_environment": 328, "coi_outside_activities": 311,
              "workplace_conflict": 113, "retaliation_advice": 22, "other": 151}
    for leaf, n in leaves.items():
        counts[SubmissionCount(2024, "advice", subcategory=leaf)] = n
    counts[SubmissionCount(2024, "advice")] = 925
    report = ar.assemble(2024, counts, [])
    workplace = next(s for s in report.figure_2 if s.code == "workplace_conflict")
    assert (workplace.count, workplace.percent) == (135, 14.6)  # the 2024 report's 14.6 %
    assert [(p.code, p.count, p.percent) for p in workplace.parts] == [
        ("retaliation_advice", 22, 2.4)]
    assert "retaliation_advice" not in [s.code for s in report.figure_2]
    assert sum(s.count for s in report.figure_2) == 925


def test_figure_1_shows_a_year_with_no_advice_recorded_as_no_data() -> None:
    counts = zero_counts(2024)
    counts[RecordCount(2020, "advice")] = 320
    counts[SubmissionCount(2022, "advice")] = 516
    counts[RecordCount(2024, "advice")] = 925
    report = ar.assemble(2024, counts, [])
    assert report.figure_1 == {2020: 320, 2021: None, 2022: 516, 2023: None, 2024: 925}
    assert report.table_1["advice"][2023] == 0


def test_advice_without_a_known_subcategory_is_noted() -> None:
    counts = zero_counts(2024)
    counts[SubmissionCount(2024, "advice")] = 3
    counts[SubmissionCount(2024, "advice", subcategory="other")] = 2
    report = ar.assemble(2024, counts, [])
    assert report.figure_2_n == 3
    assert report.notes and "1 advice requests of 2024" in report.notes[0]


def _case(reference: str, received: str, *states: tuple[str, str]) -> CaseHistory:
    """A retaliation case received at ``received`` that entered each (time, state)."""
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    events = [CaseEvent(1, at(received), "received", "system:intake", None, "received")]
    for seq, (when, state) in enumerate(states, start=2):
        events.append(CaseEvent(seq, at(when), "transition", "officer:o@example.org",
                                events[-1].to_state, state))
    return CaseHistory(reference, at(received), tuple(events))


def test_retaliation_figures_add_the_imported_history_to_the_cases() -> None:
    counts = zero_counts(2024)
    imported = {"prima_facie_established": 1, "no_prima_facie": 2, "suspended": 1,
                "retaliation_established": 1, "not_substantiated": 1}
    for outcome, n in imported.items():
        counts[RecordCount(2024, "retaliation", outcome=outcome)] = n
    counts[RecordCount(2024, "retaliation")] = sum(imported.values())
    counts[RecordCount(2024, "retaliation", where=("protective_measures", True))] = 2
    counts[RecordCount(2024, "panel_review", outcome="requested")] = 1
    counts[RecordCount(2024, "panel_review", outcome="upheld")] = 1
    counts[RecordCount(2024, "independent_review", outcome="retaliation_established")] = 1
    counts[CaseCount(2024, "retaliation")] = 3
    histories = [
        _case("R1", "2024-02-01T09:00", ("2024-02-02T09:00", "preliminary_review"),
              ("2024-02-20T09:00", "prima_facie_established"),
              ("2024-03-01T09:00", "referred_for_investigation"),
              ("2024-09-01T09:00", "investigation_report_received"),
              ("2024-09-02T09:00", "independent_review"),
              ("2024-10-01T09:00", "retaliation_established")),
        _case("R2", "2024-05-01T09:00", ("2024-05-02T09:00", "preliminary_review"),
              ("2024-05-20T09:00", "no_prima_facie"),
              ("2024-06-01T09:00", "panel_review_requested"),
              ("2024-07-01T09:00", "returned")),
        _case("R3", "2024-12-30T09:00"),
        # a case of 2023 whose Ethics Panel review was asked for in 2024
        _case("R0", "2023-11-01T09:00", ("2023-11-02T09:00", "preliminary_review"),
              ("2023-12-15T09:00", "no_prima_facie"),
              ("2024-01-10T09:00", "panel_review_requested")),
    ]
    report = ar.assemble(2024, counts, [], histories)
    r = report.retaliation
    assert r.requests == report.table_1["retaliation"][2024] == 9
    assert r.figures.determinations == {
        "prima_facie_established": 1 + 2 + 1, "no_prima_facie": 2 + 1, "under_review": 1,
        "suspended": 1, "closed_referred_misconduct": 0}
    assert r.figures.requests == r.requests
    assert r.figures.panel_reviews == {"requested": 1 + 2, "upheld": 1, "returned": 1}
    assert r.figures.independent_reviews == {"retaliation_established": 1 + 1 + 1,
                                             "not_substantiated": 1}
    assert (r.figures.prima_facie, r.figures.with_protective_measures) == (4, 2)
    assert report.notes == ()


def test_requests_by_duty_station_and_from_outside_headquarters() -> None:
    counts = zero_counts(2024)
    counts[CaseCount(2024, "retaliation")] = 10
    counts[RecordCount(2024, "retaliation")] = 4
    for station, (imported, forms) in {"headquarters": (1, 4), "country_office": (1, 6),
                                       "regional_office": (1, 0)}.items():
        counts[RecordCount(2024, "retaliation", where=("duty_station", station))] = imported
        counts[SubmissionCount(2024, "retaliation", where=("duty_station", station))] = forms
    r = ar.assemble(2024, counts, []).retaliation
    assert r.duty_stations == {"headquarters": 5, "regional_office": 1, "country_office": 7,
                               "other": 0}
    assert (r.outside_headquarters, r.duty_station_not_recorded) == (8, 1)


def test_a_history_that_disagrees_with_table_1_is_noted() -> None:
    counts = zero_counts(2024)
    counts[CaseCount(2024, "retaliation")] = 2
    report = ar.assemble(2024, counts, [], [_case("R1", "2024-03-01T00:00")])
    assert report.retaliation.figures.requests == 1
    assert any("2 retaliation requests of 2024" in note for note in report.notes)


def test_breakdowns_add_up_every_source() -> None:
    counts = zero_counts(2024)
    group = ("requester_type", "group")
    anonymous = ("anonymous", True)
    counts[RecordCount(2024, "advice", where=group)] = 3
    counts[SubmissionCount(2024, "advice", where=group)] = 4
    counts[RecordCount(2024, "advice", where=anonymous)] = 1
    counts[SubmissionCount(2024, "advice", where=anonymous)] = 2
    counts[SubmissionCount(2024, "misconduct", where=anonymous)] = 5
    counts[RecordSum(2024, "training", "participants")] = 350
    b = ar.assemble(2024, counts, []).breakdowns
    assert b.advice_group_requests == 7
    assert b.anonymous_requests == {"advice": 3, "misconduct": 5}
    assert b.training_participants == 350


def test_the_report_reads_the_retaliation_cases_received_by_the_end_of_the_year() -> None:
    window = ar.retaliation_history_window(2024)
    assert window.received_before == datetime(2025, 1, 1, tzinfo=UTC)
    assert window.active_since == datetime(2024, 1, 1, tzinfo=UTC)
    assert not any(isinstance(q, CaseCount) and q.form != "retaliation"
                   for q in ar.report_queries(2024))


def test_table_2_lists_every_year_from_2018_with_compliance() -> None:
    report = ar.assemble(2024, zero_counts(2024), [
        DisclosureYear(2017, 10, 10), DisclosureYear(2018, 2160, 2158),
        DisclosureYear(2024, 1754, 1750)])
    assert list(report.table_2) == list(range(2018, 2025))
    first, last = report.table_2[2018], report.table_2[2024]
    assert first is not None and (first.filers, first.compliance) == (2160, 99.9)
    assert last is not None and (last.compliant, last.compliance) == (1750, 99.8)
    assert report.table_2[2019] is None


def test_every_leaf_is_in_one_group() -> None:
    for groups in (ADVICE_GROUPS, FIGURE_II_GROUPS):
        assert sorted(ADVICE_SUBCATEGORIES) == sorted(
            leaf for leaves in groups.values() for leaf in leaves)
