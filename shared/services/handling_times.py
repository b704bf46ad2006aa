"""The year's handling times and clocks (the annual report's management indicators) and
the export of the year's cases: both read each case's dates (``StatisticsStore.case_facts``,
page by page, only the fields needed), since no aggregate gives a percentile or a
comparison of two dates of the same case."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from shared.domain import recusal
from shared.domain.case_export import export_rows
from shared.domain.handling_times import (
    CLOCKS,
    CaseFacts,
    CaseTimeline,
    IndicatorTally,
    ManagementIndicators,
    indicators_as_of,
    timeline,
)
from shared.domain.officers import SUMMARY_READERS, Officer, normalise_email, require_role
from shared.domain.statistics import year_bounds
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.statistics import StatisticsStore

log = get_logger(__name__)


def case_timelines(year: int, *, store: StatisticsStore, now: datetime,
                   form: str | None = None) -> Iterator[CaseTimeline]:
    """The timeline of every case received in ``year`` (UTC), of ``form`` or of every form
    in turn, in the order received; as the case stands at ``now``. Streams: a page of
    cases at a time."""
    for facts in _facts(year, store, form):
        yield timeline(facts, now)


def _facts(year: int, store: StatisticsStore, form: str | None) -> Iterator[CaseFacts]:
    start, end = year_bounds(year)
    for code in (form,) if form is not None else tuple(CLOCKS):
        yield from store.case_facts(code, received_from=start, received_before=end)


def management_indicators(year: int, *, store: StatisticsStore,
                          now: datetime) -> ManagementIndicators:
    """Per form, over the cases received in ``year``: median and 90th percentile days to
    the first response, the prima facie determination (retaliation), the referral and the
    close; the cases reopened; the share of each clock met. As the cases' histories stand
    at the end of the year (``indicators_as_of``: ``now`` while it runs), so the figures
    of a past year do not change."""
    as_of = indicators_as_of(year_bounds(year)[1], now)
    tallies = {form: IndicatorTally(form) for form in CLOCKS}
    for case in case_timelines(year, store=store, now=as_of):
        tallies[case.form].add(case)
    return ManagementIndicators(year, as_of, {f: t.result() for f, t in tallies.items()})


def exported_cases(year: int, *, store: StatisticsStore,
                   now: datetime) -> Iterator[tuple[str, ...]]:
    """The export of the year's cases: a header, then one row of codes, dates, states,
    clocks and channel per case (``shared.domain.case_export``), as they are read."""
    return export_rows(case_timelines(year, store=store, now=now))


def officer_indicators(year: int, officer: Officer, *, statistics: StatisticsStore,
                       clock: Clock) -> ManagementIndicators:
    """The management indicators, for an officer or an auditor (who read case summaries):
    figures over every case, none of them a case's."""
    require_role(officer, *SUMMARY_READERS)
    return management_indicators(year, store=statistics, now=clock.now())


def officer_export(year: int, officer: Officer, *, statistics: StatisticsStore,
                   clock: Clock, marker: recusal.Marker,
                   interests: Callable[[str], Iterable[str]] = lambda _: ()
                   ) -> Iterator[tuple[str, ...]]:
    """The export of the year's cases for an officer or an auditor (who read case
    summaries), without the cases they are recused from: as the case list, by the case's
    blind index of the people and organisations it names (the officer, or what they
    declared as a filer: ``interests`` of their address) and by an administrator's
    recusal. A case without a current index (not triaged yet, or indexed under another
    key until `intake recusal-index`) is left out too: an export does not open
    submissions. The role is checked before anything is read."""
    require_role(officer, *SUMMARY_READERS)
    marks = recusal.officer_marks(officer.name, officer.email, marker)
    address = normalise_email(officer.email)
    declared = tuple(interests(address)) if address else ()
    interest_marks = recusal.interest_marks(declared, marker) if declared else None
    now = clock.now()

    def visible() -> Iterator[CaseTimeline]:
        left_out = 0
        for facts in _facts(year, statistics, None):
            index = facts.named_index
            if index is None or index.scheme != marks.scheme \
                    or recusal.index_names(marks, index) or address in facts.recused \
                    or (interest_marks is not None
                        and recusal.index_names_interest(interest_marks, index)):
                left_out += 1
                continue
            yield timeline(facts, now)
        if left_out:
            log.info("cases left out of an officer's export", extra={
                "event": "export_left_out", "count": left_out})

    return export_rows(visible())
