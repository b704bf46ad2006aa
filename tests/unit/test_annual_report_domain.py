"""The report's arithmetic: shares, order, outcome partition, and which counts it needs."""

from __future__ import annotations

import pytest

from shared.domain import annual_report as ar
from shared.domain.statistics import (
    CaseCount,
    CountQuery,
    DisclosureYear,
    ForwardedCount,
    RecordCount,
    SubmissionCount,
)
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ADVICE_SUBCATEGORIES,
    RETALIATION_OUTCOMES,
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


def test_misconduct_referrals_are_imported_ones_and_those_accepted_that_year() -> None:
    assert ar.misconduct_referral_counts(2024) == (RecordCount(2024, "misconduct"),
                                                   ForwardedCount(2024))
    counts = zero_counts(2024)
    counts[RecordCount(2024, "misconduct")] = 2
    counts[SubmissionCount(2024, "misconduct")] = 9  # received, not all referred yet
    counts[ForwardedCount(2024)] = 5
    report = ar.assemble(2024, counts, [])
    assert report.misconduct_referrals == 7
    assert report.table_1["misconduct"][2024] == 11


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
        ("workplace_conflict", 5, 22.7), ("other", 1, 4.5), ("retaliation_advice", 0, 0.0)]
    coi = report.figure_2[0]
    assert [(p.code, p.count) for p in coi.parts] == [
        ("coi_gifts_hospitality", 4), ("coi_social_media", 4), ("coi_outside_activities", 3),
        ("coi_family_relationships", 0), ("coi_investments", 0),
        ("coi_political_activities", 0)]
    assert all(s.parts == () for s in report.figure_2[1:])
    assert report.notes == ()


def test_advice_without_a_known_subcategory_is_noted() -> None:
    counts = zero_counts(2024)
    counts[SubmissionCount(2024, "advice")] = 3
    counts[SubmissionCount(2024, "advice", subcategory="other")] = 2
    report = ar.assemble(2024, counts, [])
    assert report.figure_2_n == 3
    assert report.notes and "1 advice requests of 2024" in report.notes[0]


def test_retaliation_outcomes_partition_the_year_records_and_case_states() -> None:
    counts = zero_counts(2024)
    counts[RecordCount(2024, "retaliation")] = 3
    counts[RecordCount(2024, "retaliation", outcome="suspended")] = 2
    counts[RecordCount(2024, "retaliation", outcome="retaliation_established")] = 1
    # 2 suspended, 1 prima facie, 1 under review and 2 stored before cases kept an outcome
    counts[CaseCount(2024, "retaliation")] = 6
    counts[CaseCount(2024, "retaliation", outcome="suspended")] = 2
    counts[CaseCount(2024, "retaliation", outcome="prima_facie_established")] = 1
    report = ar.assemble(2024, counts, [])
    assert report.retaliation_outcomes == {
        "prima_facie_established": 1, "no_prima_facie": 0, "under_review": 3, "suspended": 4,
        "closed_referred_misconduct": 0, "retaliation_established": 1,
        "not_substantiated": 0}
    assert list(report.retaliation_outcomes) == list(RETALIATION_OUTCOMES)
    assert sum(report.retaliation_outcomes.values()) == report.retaliation_total == 9


def test_the_report_counts_cases_by_each_decided_outcome_and_never_asks_for_under_review(
        ) -> None:
    asked = {q.outcome for q in ar.report_queries(2024)
             if isinstance(q, CaseCount) and q.outcome is not None}
    assert asked == set(RETALIATION_OUTCOMES) - {"under_review"}


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
    assert sorted(ADVICE_SUBCATEGORIES) == sorted(
        leaf for leaves in ADVICE_GROUPS.values() for leaf in leaves)
