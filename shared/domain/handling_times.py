"""Handling times and clocks of each case, and the management indicators made of them.

A case's *timeline* (``CaseTimeline``) is what its stored dates and history say about how
it was handled: when the submitter was acknowledged, first answered, when a retaliation
complaint got its preliminary-review determination, when a referral was accepted, when
the case was first closed, how often it was reopened, and each of its clocks (met, missed,
overdue or still running). ``timeline`` builds it from ``CaseFacts``, the few fields of a
case and of its history events a store reads (never a name, a contact or a narrative).

The indicators of a form for a year (``FormIndicators``) are made of the timelines of the
form's cases received in the year (UTC), as their histories stand at the end of the year
(``indicators_as_of``: or now, for the year still running), as the annual report's other
figures are, so a report made later gives the same figures: median and 90th percentile
days to each milestone over the cases that reached it, the cases reopened, and the share
of each clock met. ``IndicatorTally`` adds timelines one at a time, so a store can page
through cases without holding them.

What each figure counts is described in docs/reporting.md ("Management indicators").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from shared.domain.case_workflows import (
    ADVICE_ANSWER_DUE,
    FEEDBACK_DUE,
    PRELIMINARY_REVIEW_DUE,
    WORKFLOWS,
)
from shared.domain.records import CaseEvent
from shared.domain.recusal import NamedIndex

# The acknowledgement of a report is due within 7 days of its receipt (EU Directive
# 2019/1937, Art. 9). A form's submitter is acknowledged at once; a report an officer
# records is acknowledged when it is entered, which may be days after it was received.
ACKNOWLEDGEMENT: Final = "acknowledgement"
ACKNOWLEDGEMENT_DAYS: Final = 7

# The clocks whose share met the indicators give, per form: the acknowledgement, and the
# deadlines the office owes (not the complainant's window to ask for a panel review).
CLOCKS: Final[Mapping[str, tuple[str, ...]]] = {
    "advice": (ACKNOWLEDGEMENT, ADVICE_ANSWER_DUE, FEEDBACK_DUE),
    "misconduct": (ACKNOWLEDGEMENT, FEEDBACK_DUE),
    "retaliation": (ACKNOWLEDGEMENT, PRELIMINARY_REVIEW_DUE, FEEDBACK_DUE),
}
ALL_CLOCKS: Final = (ACKNOWLEDGEMENT, ADVICE_ANSWER_DUE, PRELIMINARY_REVIEW_DUE, FEEDBACK_DUE)

# Milestones, in the order the indicators list them, and the forms they apply to.
FIRST_RESPONSE: Final = "first_response"
DETERMINATION: Final = "prima_facie_determination"
REFERRAL: Final = "referral"
CLOSE: Final = "close"
MILESTONES: Final[Mapping[str, tuple[str, ...]]] = {
    "advice": (FIRST_RESPONSE, REFERRAL, CLOSE),
    "misconduct": (FIRST_RESPONSE, REFERRAL, CLOSE),
    "retaliation": (FIRST_RESPONSE, DETERMINATION, REFERRAL, CLOSE),
}

# States that are a preliminary-review determination of a retaliation complaint.
DETERMINATION_STATES: Final = frozenset({"prima_facie_established", "no_prima_facie"})
# History events that answer the submitter without a change of state.
REPLY_EVENT: Final = "reply_to_submitter"
REOPEN_STATES: Final = frozenset({"reopened"})  # a retaliation request's reopening
REOPEN_TRANSITION_SOURCES: Final = frozenset({"closed"})  # an advice request's reopening

# A clock's status (``ClockTimes.status``).
MET: Final = "met"
MISSED: Final = "missed"
OVERDUE: Final = "overdue"
RUNNING: Final = "running"
CLOCK_STATUSES: Final = (MET, MISSED, OVERDUE, RUNNING)

PERCENTILES: Final = (50, 90)
DAY_SECONDS: Final = 86_400


@dataclass(frozen=True)
class CaseFacts:
    """What a store reads of one case for its timeline: codes and dates of the case, and
    its history events with only ``seq``, ``at``, ``kind``, ``from_state``, ``to_state``
    and, of their details, ``deadlines_ended`` and ``acknowledged_at``; and the case's
    blind index of the people it names."""

    reference: str
    form: str
    state: str
    channel: str
    received_at: datetime
    triage_deadlines: Mapping[str, datetime]
    events: tuple[CaseEvent, ...]
    forwarded_at: datetime | None = None
    record_review: str | None = None
    priority: str | None = None
    referral_status: str | None = None
    # The blind index of the people the case names (recusal): an officer's export leaves
    # out the cases that name them. Never exported.
    named_index: NamedIndex | None = None
    # The officers an administrator recused by hand (normalised addresses). Never exported.
    recused: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClockTimes:
    """One clock of a case: when it was due, when it ended, and its status at ``as_of``:
    met (ended by the due instant), missed (ended after it), overdue (still running
    after it) or running (still running, not yet due)."""

    name: str
    due: datetime
    ended_at: datetime | None
    status: str


@dataclass(frozen=True)
class CaseTimeline:
    reference: str
    form: str
    state: str
    channel: str
    received_at: datetime
    acknowledged_at: datetime | None
    first_response_at: datetime | None
    determined_at: datetime | None
    referred_at: datetime | None
    closed_at: datetime | None
    reopened: int
    clocks: Mapping[str, ClockTimes]
    record_review: str | None = None
    priority: str | None = None
    referral_status: str | None = None

    def reached(self, milestone: str) -> datetime | None:
        return {FIRST_RESPONSE: self.first_response_at, DETERMINATION: self.determined_at,
                REFERRAL: self.referred_at, CLOSE: self.closed_at}[milestone]


def clock_status(due: datetime, ended_at: datetime | None, as_of: datetime) -> str:
    if ended_at is not None:
        return MET if ended_at <= due else MISSED
    return OVERDUE if as_of > due else RUNNING


def timeline(facts: CaseFacts, as_of: datetime) -> CaseTimeline:
    """The case's timeline from its facts as of ``as_of``: only what its history holds up
    to then (an event, or the referral's acceptance, after it has not happened yet), its
    clocks' statuses at that instant.

    - acknowledged: the ``acknowledged_at`` of the received event (the moment of entry),
      else the event's time;
    - first response: the first event after reception that moves the case out of its
      initial state (an officer's or the system's transition, the referral of a misconduct
      report included) or answers the submitter;
    - prima facie determination: the first entry into prima_facie_established or
      no_prima_facie (retaliation);
    - referral: the referral's acceptance by the investigations office;
    - close: the first entry into a closed state of the form's workflow;
    - reopened: entries into ``reopened`` and transitions out of ``closed``;
    - each clock of ``CLOCKS``: due at reception + 7 days (acknowledgement) or as triage
      set it, ended by the first event whose ``deadlines_ended`` names it.
    """
    closed_states = WORKFLOWS[facts.form].closed
    initial = WORKFLOWS[facts.form].initial
    retaliation = facts.form == "retaliation"
    acknowledged_at: datetime | None = None
    first_response = determined = closed = None
    reopened = 0
    ended_at: dict[str, datetime] = {}
    # One pass over the history in order (it is read for every case of the year).
    for e in sorted(facts.events, key=lambda e: e.seq):
        if e.at > as_of:
            break  # the history is in time order: the rest happened later
        if e.kind == "received" and acknowledged_at is None:
            raw = e.details.get("acknowledged_at")
            acknowledged_at = (datetime.fromisoformat(raw) if isinstance(raw, str)
                               else raw if isinstance(raw, datetime) else e.at)
            continue
        state = e.to_state
        if first_response is None and ((state is not None and state != initial)
                                       or e.kind == REPLY_EVENT):
            first_response = e.at
        if state is not None:
            if retaliation and determined is None and state in DETERMINATION_STATES:
                determined = e.at
            if closed is None and state in closed_states:
                closed = e.at
            if state in REOPEN_STATES or e.from_state in REOPEN_TRANSITION_SOURCES:
                reopened += 1
        for name in e.details.get("deadlines_ended") or ():
            ended_at.setdefault(name, e.at)
    referred = facts.forwarded_at if facts.forwarded_at is not None \
        and facts.forwarded_at <= as_of else None
    clocks: dict[str, ClockTimes] = {}
    for name in CLOCKS.get(facts.form, ()):
        if name == ACKNOWLEDGEMENT:
            due = facts.received_at + timedelta(days=ACKNOWLEDGEMENT_DAYS)
            ended = acknowledged_at
        elif name in facts.triage_deadlines:
            due = facts.triage_deadlines[name]
            ended = ended_at.get(name)
        else:
            continue  # not triaged yet: the clock has not started
        clocks[name] = ClockTimes(name, due, ended, clock_status(due, ended, as_of))
    return CaseTimeline(
        reference=facts.reference, form=facts.form, state=facts.state, channel=facts.channel,
        received_at=facts.received_at, acknowledged_at=acknowledged_at,
        first_response_at=first_response, determined_at=determined,
        referred_at=referred, closed_at=closed, reopened=reopened, clocks=clocks,
        record_review=facts.record_review, priority=facts.priority,
        referral_status=facts.referral_status)


def indicators_as_of(year_end: datetime, now: datetime) -> datetime:
    """The instant a year's indicators are taken at: its last instant (``year_end`` is the
    first of the next year), or ``now`` if that is earlier."""
    return min(now, year_end - timedelta(microseconds=1))


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile of ``values`` by linear interpolation between the closest
    ranks (numpy's default, spreadsheets' PERCENTILE.INC): the 50th is the median, the
    average of the two middle values of an even count. None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def days(since: datetime, until: datetime) -> float:
    return (until - since).total_seconds() / DAY_SECONDS


@dataclass(frozen=True)
class Durations:
    """Days from reception to a milestone over the cases that reached it (``reached``);
    ``pending`` cases have not reached it yet. Median and 90th percentile in days to one
    decimal; None when no case reached it."""

    reached: int
    pending: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class ClockShare:
    """How a clock stands over the form's cases: met, missed, overdue (still running
    past due), running (not yet due); the share met, in percent to one decimal, of those
    decided (met, missed or overdue), None when none is."""

    met: int
    missed: int
    overdue: int
    running: int
    percent_met: float | None


@dataclass(frozen=True)
class FormIndicators:
    form: str
    cases: int
    durations: Mapping[str, Durations]  # milestone -> figures, in MILESTONES order
    reopened_cases: int  # cases reopened at least once
    reopenings: int  # reopenings in all
    clocks: Mapping[str, ClockShare]  # clock -> share, in CLOCKS order


@dataclass(frozen=True)
class ManagementIndicators:
    year: int
    as_of: datetime
    forms: Mapping[str, FormIndicators]


def share_percent(count: int, whole: int) -> float | None:
    """``count`` of ``whole`` in percent to one decimal, halves up, in integers."""
    if whole <= 0:
        return None
    return ((count * 2000 + whole) // (2 * whole)) / 10


def _one_decimal(value: float | None) -> float | None:
    # Half up at the first decimal, not Python's round-half-even.
    return None if value is None else math.floor(value * 10 + 0.5 + 1e-9) / 10


@dataclass
class IndicatorTally:
    """The indicators of one form, timeline by timeline."""

    form: str
    cases: int = 0
    reached: dict[str, list[float]] = field(default_factory=dict)
    reopened_cases: int = 0
    reopenings: int = 0
    clock_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, case: CaseTimeline) -> None:
        if case.form != self.form:
            raise ValueError(f"a {case.form} case in the {self.form} figures")
        self.cases += 1
        for milestone in MILESTONES[self.form]:
            at = case.reached(milestone)
            if at is not None:
                self.reached.setdefault(milestone, []).append(days(case.received_at, at))
        if case.reopened:
            self.reopened_cases += 1
            self.reopenings += case.reopened
        for name, times in case.clocks.items():
            counts = self.clock_counts.setdefault(name, dict.fromkeys(CLOCK_STATUSES, 0))
            counts[times.status] += 1

    def result(self) -> FormIndicators:
        durations = {}
        for milestone in MILESTONES[self.form]:
            values = self.reached.get(milestone, [])
            durations[milestone] = Durations(
                reached=len(values), pending=self.cases - len(values),
                median=_one_decimal(percentile(values, 50)),
                p90=_one_decimal(percentile(values, 90)))
        clocks = {}
        for name in CLOCKS[self.form]:
            c = self.clock_counts.get(name, dict.fromkeys(CLOCK_STATUSES, 0))
            decided = c[MET] + c[MISSED] + c[OVERDUE]
            clocks[name] = ClockShare(c[MET], c[MISSED], c[OVERDUE], c[RUNNING],
                                      share_percent(c[MET], decided))
        return FormIndicators(self.form, self.cases, durations, self.reopened_cases,
                              self.reopenings, clocks)


def indicators(year: int, as_of: datetime,
               timelines: Iterable[CaseTimeline]) -> ManagementIndicators:
    """The indicators of every form from the timelines of the year's cases."""
    tallies = {form: IndicatorTally(form) for form in CLOCKS}
    for case in timelines:
        tallies[case.form].add(case)
    return ManagementIndicators(year, as_of, {f: t.result() for f, t in tallies.items()})
