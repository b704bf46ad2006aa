"""Build the annual report for a year from counts, and the retaliation figures from the
history of the year's retaliation cases: never by reading the other records one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.domain.annual_report import (
    RETALIATION,
    TABLE_2_FIRST_YEAR,
    AnnualReport,
    assemble,
    report_queries,
    retaliation_history_window,
)
from shared.domain.disclosure import compliance, outcome_shares
from shared.ports.disclosure import DisclosureStore
from shared.ports.statistics import StatisticsStore
from shared.services.handling_times import management_indicators


def annual_report(year: int, *, store: StatisticsStore,
                  disclosure: DisclosureStore | None = None,
                  now: datetime | None = None) -> AnnualReport:
    """Table 1, Figures I and II, the retaliation figures, misconduct referrals, the other
    breakdowns and Table 2.

    One aggregate per number (``report_queries``), the disclosure years (one small document
    per year; the programme's records for a year with a campaign), and the history of
    each retaliation case received by the end of the year and still going on in it (about
    fourteen a year): their figures are those of the history as of the end of the year.
    An import left incomplete is named in the report's notes.
    """
    queries = report_queries(year)
    answers = store.count(queries)
    window = retaliation_history_window(year)
    histories = store.case_histories(RETALIATION, received_before=window.received_before,
                                     active_since=window.active_since)
    notes = [f"Import {m.id} is incomplete ({m.records} records, begun "
             f"{m.started_at:%Y-%m-%d %H:%M} UTC): run `intake import` on its file again "
             "to finish it; its records written so far are counted."
             for m in store.incomplete_imports()]
    campaigns = {}
    if disclosure is not None:
        for campaign in disclosure.campaigns():
            if TABLE_2_FIRST_YEAR <= campaign.year <= year:
                campaigns[campaign.year] = (
                    compliance(campaign.year, disclosure.obligations(campaign.year)),
                    outcome_shares(disclosure.declarations(campaign.year), campaign.year))
    report = assemble(year, dict(zip(queries, answers, strict=True)),
                      store.disclosure_years(), histories, notes, campaigns)
    if now is None:
        return report
    return replace(report, indicators=management_indicators(year, store=store, now=now))
