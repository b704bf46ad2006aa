"""Build the annual report for a year from counts: never by reading records one by one."""

from __future__ import annotations

from shared.domain.annual_report import AnnualReport, assemble, report_queries
from shared.statistics_ports import StatisticsStore


def annual_report(year: int, *, store: StatisticsStore) -> AnnualReport:
    """Table 1, Figures I and II, retaliation outcomes, misconduct referrals and Table 2.

    One aggregate per number (``report_queries``), plus the disclosure years (one small
    document per year). An import left incomplete is named in the report's notes.
    """
    queries = report_queries(year)
    answers = store.count(queries)
    notes = [f"Import {m.id} is incomplete ({m.records} records, begun "
             f"{m.started_at:%Y-%m-%d %H:%M} UTC): run `intake import` on its file again "
             "to finish it; its records written so far are counted."
             for m in store.incomplete_imports()]
    return assemble(year, dict(zip(queries, answers, strict=True)), store.disclosure_years(),
                    notes)
