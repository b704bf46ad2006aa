"""The annual report's tables and figures: which counts make each number, and how the
numbers are put together (totals, shares, order), as the 2024 report lays them out.

Pure: ``report_queries`` lists the counts a report needs; the store answers them; and
``assemble`` turns the answers into an ``AnnualReport``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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

TABLE_1_YEARS = 3  # the requested year and the two before
FIGURE_1_YEARS = 5  # the requested year and the four before
TABLE_2_FIRST_YEAR = 2018
# A complaint without a decided outcome, and the outcome of a case stored before cases
# kept theirs (it counts as the rest of the year's cases).
NO_OUTCOME_YET = "under_review"
DECIDED_OUTCOMES = tuple(o for o in RETALIATION_OUTCOMES if o != NO_OUTCOME_YET)


def table_1_cell(year: int, category: str) -> tuple[CountQuery, ...]:
    """The counts whose sum is one cell of Table 1. Advice, misconduct and retaliation
    count their form submissions too, exactly like imported records."""
    if category == "advice":
        return RecordCount(year, category), SubmissionCount(year, "advice")
    if category == "misconduct":
        return RecordCount(year, category), SubmissionCount(year, "misconduct")
    if category == "retaliation":
        # Cases, not submissions: the outcome of a complaint is its case's.
        return RecordCount(year, category), CaseCount(year, "retaliation")
    return (RecordCount(year, category),)


def misconduct_referral_counts(year: int) -> tuple[CountQuery, ...]:
    """The counts whose sum is the year's misconduct referrals made: imported misconduct
    records, and referrals the investigations office accepted that year (misconduct
    reports, and advice requests or retaliation complaints referred as misconduct). A
    referral still being retried, or failed, is not one made."""
    return RecordCount(year, "misconduct"), ForwardedCount(year)


def figure_2_leaf(year: int, subcategory: str) -> tuple[CountQuery, ...]:
    return (RecordCount(year, "advice", subcategory=subcategory),
            SubmissionCount(year, "advice", subcategory=subcategory))


def table_1_years(year: int) -> tuple[int, ...]:
    return tuple(range(year - TABLE_1_YEARS + 1, year + 1))


def figure_1_years(year: int) -> tuple[int, ...]:
    return tuple(range(year - FIGURE_1_YEARS + 1, year + 1))


def report_queries(year: int) -> list[CountQuery]:
    """Every count the report for ``year`` needs, each once."""
    wanted: list[CountQuery] = []
    for y in table_1_years(year):
        for category in SERVICE_CATEGORIES:
            wanted += table_1_cell(y, category)
    for y in figure_1_years(year):
        wanted += table_1_cell(y, "advice")
    for leaf in ADVICE_SUBCATEGORIES:
        wanted += figure_2_leaf(year, leaf)
    wanted += [RecordCount(year, "retaliation", outcome=o) for o in RETALIATION_OUTCOMES]
    wanted += [CaseCount(year, "retaliation", outcome=o) for o in DECIDED_OUTCOMES]
    wanted += misconduct_referral_counts(year)
    return list(dict.fromkeys(wanted))


@dataclass(frozen=True)
class Share:
    """A count and its share of the whole in percent, to one decimal (None when the whole
    is zero); a group carries its members in ``parts``."""

    code: str
    count: int
    percent: float | None
    parts: tuple[Share, ...] = ()


@dataclass(frozen=True)
class DisclosureFigures:
    filers: int
    compliant: int
    compliance: float | None


@dataclass(frozen=True)
class AnnualReport:
    year: int
    table_1_years: tuple[int, ...]
    table_1: Mapping[str, Mapping[int, int]]  # category -> year -> count, report order
    table_1_total: Mapping[int, int]
    figure_1: Mapping[int, int]  # year -> advice requests
    figure_2_n: int
    figure_2: tuple[Share, ...]  # groups, largest first
    retaliation_total: int
    retaliation_outcomes: Mapping[str, int]  # outcome -> complaints, in code order
    misconduct_referrals: int
    table_2: Mapping[int, DisclosureFigures | None]  # year -> figures (None: not recorded)
    notes: tuple[str, ...] = ()


def percent(count: int, whole: int) -> float | None:
    """``count`` as a percentage of ``whole`` to one decimal, halves rounded up (35.459...
    -> 35.5, 99.77 -> 99.8), computed in integers so no binary fraction tips a half."""
    if whole <= 0:
        return None
    tenths = (count * 2000 + whole) // (2 * whole)
    return tenths / 10


def _sorted(shares: Iterable[Share], order: Sequence[str]) -> tuple[Share, ...]:
    """Largest first, as the report presents Figure II; ties in taxonomy order."""
    return tuple(sorted(shares, key=lambda s: (-s.count, order.index(s.code))))


def _sum(counts: Mapping[CountQuery, int], queries: Iterable[CountQuery]) -> int:
    return sum(counts[q] for q in queries)


def assemble(year: int, counts: Mapping[CountQuery, int],
             disclosures: Iterable[DisclosureYear], notes: Iterable[str] = ()) -> AnnualReport:
    """The report for ``year`` from the store's answers to ``report_queries(year)``."""
    notes = list(notes)
    t1_years = table_1_years(year)
    table_1 = {c: {y: _sum(counts, table_1_cell(y, c)) for y in t1_years}
               for c in SERVICE_CATEGORIES}
    totals = {y: sum(row[y] for row in table_1.values()) for y in t1_years}
    figure_1 = {y: _sum(counts, table_1_cell(y, "advice")) for y in figure_1_years(year)}

    n = table_1["advice"][year]
    leaves = {leaf: _sum(counts, figure_2_leaf(year, leaf)) for leaf in ADVICE_SUBCATEGORIES}
    groups = []
    for group, members in ADVICE_GROUPS.items():
        parts = _sorted((Share(m, leaves[m], percent(leaves[m], n)) for m in members),
                        ADVICE_SUBCATEGORIES)
        count = sum(leaves[m] for m in members)
        groups.append(Share(group, count, percent(count, n),
                            parts if len(members) > 1 else ()))
    if sum(leaves.values()) != n:
        notes.append(f"{n - sum(leaves.values())} advice requests of {year} have no "
                     "recognised sub-category; Figure II shares are of all "
                     f"{n} requests.")

    outcomes = {o: counts[RecordCount(year, "retaliation", outcome=o)]
                for o in RETALIATION_OUTCOMES}
    cases = counts[CaseCount(year, "retaliation")]
    decided = 0
    for outcome in DECIDED_OUTCOMES:
        with_outcome = counts[CaseCount(year, "retaliation", outcome=outcome)]
        outcomes[outcome] += with_outcome
        decided += with_outcome
    outcomes[NO_OUTCOME_YET] += cases - decided

    records = {d.year: d for d in disclosures}
    table_2 = {y: (DisclosureFigures(records[y].filers, records[y].compliant,
                                     percent(records[y].compliant, records[y].filers))
                   if y in records else None)
               for y in range(TABLE_2_FIRST_YEAR, year + 1)}

    return AnnualReport(
        year=year, table_1_years=t1_years, table_1=table_1, table_1_total=totals,
        figure_1=figure_1, figure_2_n=n,
        figure_2=_sorted(groups, list(ADVICE_GROUPS)),
        retaliation_total=table_1["retaliation"][year], retaliation_outcomes=outcomes,
        misconduct_referrals=_sum(counts, misconduct_referral_counts(year)),
        table_2=table_2, notes=tuple(notes))
