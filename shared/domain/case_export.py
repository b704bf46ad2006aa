"""The export of a year's cases for the office's own analysis: one row per case of codes,
dates, states, clocks and the channel, from its timeline (``handling_times``).

Every column is a code, a number or a UTC timestamp the system sets; there is no column
for anything a person wrote or is named by (no name, contact, narrative, note, message,
assignee or receipt code), so no value can carry one. docs/reporting.md lists the columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Final

from shared.domain.handling_times import ALL_CLOCKS, CaseTimeline

EXPORT_FORMATS: Final = ("csv",)

CASE_COLUMNS: Final = (
    "reference", "form", "channel", "state", "priority", "record_review", "referral_status",
    "received_at", "acknowledged_at", "first_response_at", "prima_facie_determination_at",
    "referred_at", "closed_at", "reopenings",
)
CLOCK_COLUMNS: Final = tuple(f"{clock}_{part}" for clock in ALL_CLOCKS
                             for part in ("due", "ended_at", "status"))
COLUMNS: Final = (*CASE_COLUMNS, *CLOCK_COLUMNS)


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="seconds")


def export_row(case: CaseTimeline) -> tuple[str, ...]:
    """One case as the export's row, in ``COLUMNS`` order: empty where a date is not
    reached or a clock does not apply to the form."""
    row = [case.reference, case.form, case.channel, case.state, case.priority or "",
           case.record_review or "", case.referral_status or "", _when(case.received_at),
           _when(case.acknowledged_at), _when(case.first_response_at),
           _when(case.determined_at), _when(case.referred_at), _when(case.closed_at),
           str(case.reopened)]
    for name in ALL_CLOCKS:
        clock = case.clocks.get(name)
        row += (["", "", ""] if clock is None
                else [_when(clock.due), _when(clock.ended_at), clock.status])
    return tuple(row)


def export_rows(cases: Iterable[CaseTimeline]) -> Iterator[tuple[str, ...]]:
    """The header, then one row per case, as they come (nothing is held)."""
    yield COLUMNS
    for case in cases:
        yield export_row(case)
