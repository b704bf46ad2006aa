"""The annual report's retaliation figures, read from each case's history as of the end of
the reporting year, given separately as the 2024 report gives them (its section on protection
against retaliation):

- the preliminary-review determination of each of the year's requests: prima facie, not,
  still under review, suspended, or closed and referred as misconduct. One per request, so
  they add up to Table 1's retaliation (2024: 3 + 5 + 2 + 3 + 1 = 14);
- the suspended ones among them by the reason of their suspension (the complainant pursues
  a parallel complaint; no retaliatory action, on record only);
- the Ethics Panel chair's reviews in the year: requested, upheld, returned;
- the year's requests with a prima facie determination, and how many of them got at least
  one protective-measure recommendation ("2 of the 3");
- the independent reviews completed in the year: retaliation established or not
  substantiated, whatever the year of the request (2024's were of a 2023 and a 2024 case).

Only what the history holds up to the end of the year (31 December 23:59:59.999999 UTC)
counts: a report made later, after more transitions, gives the same figures, and the
state a case is in on the day the report runs plays no part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from shared.domain.case_workflows import REFERRED_AS_MISCONDUCT, RETALIATION_WORKFLOW
from shared.domain.records import CaseEvent
from shared.domain.statistics import CaseHistory, year_bounds
from shared.domain.taxonomy import (
    INDEPENDENT_REVIEW_RESULTS,
    PANEL_REVIEW_STEPS,
    PRELIMINARY_DETERMINATIONS,
    SUSPENSION_REASONS,
)
from shared.domain.workflow import UnknownState

PRIMA_FACIE: Final = "prima_facie_established"
NO_PRIMA_FACIE: Final = "no_prima_facie"
UNDER_REVIEW: Final = "under_review"
SUSPENDED: Final = "suspended"
CLOSED_AS_MISCONDUCT: Final = "closed_referred_misconduct"
# Entering the state lifts a suspension: the request has the determination it had before.
LIFTS_SUSPENSION: Final = "lifts_suspension"
# The history event of a protective-measure recommendation (casework.measure_recorded);
# corrective measures have events of their own and do not count here.
PROTECTIVE_MEASURE_EVENT: Final = "protective_measure"
# A suspension whose reason is not known: recorded before reasons were required, or an
# imported suspended complaint.
REASON_NOT_RECORDED: Final = "not_recorded"
SUSPENSION_REASON_CODES: Final = (*SUSPENSION_REASONS, REASON_NOT_RECORDED)

# What entering each state of the retaliation workflow does to the request's preliminary-
# review determination: the determination it now has, LIFTS_SUSPENSION, or None (no change:
# a review started or resumed, a case closed). A finding stands until another replaces it:
# a no-prima-facie determination stays one while the Ethics Panel chair reviews it, and
# after the chair returns it, while it is reconsidered (the 2024 report counts the returned
# request among the five); a prima facie one stays one through investigation and
# independent review, whose result is a figure of its own.
DETERMINATION_OF_STATE: Final[Mapping[str, str | None]] = MappingProxyType({
    "received": None,
    "preliminary_review": None,
    "prima_facie_established": PRIMA_FACIE,
    "referred_for_investigation": PRIMA_FACIE,
    "investigation_report_received": PRIMA_FACIE,
    "independent_review": PRIMA_FACIE,
    "retaliation_established": PRIMA_FACIE,
    "not_substantiated": PRIMA_FACIE,
    "no_prima_facie": NO_PRIMA_FACIE,
    "panel_review_requested": NO_PRIMA_FACIE,
    "upheld": NO_PRIMA_FACIE,
    "returned": NO_PRIMA_FACIE,
    "panel_window_lapsed": NO_PRIMA_FACIE,
    "suspended": SUSPENDED,
    "reopened": LIFTS_SUSPENSION,
    "closed": None,
    REFERRED_AS_MISCONDUCT: CLOSED_AS_MISCONDUCT,
})

# The step of the Ethics Panel chair's review that entering a state records.
PANEL_STEP_OF_STATE: Final[Mapping[str, str]] = MappingProxyType({
    "panel_review_requested": "requested",
    "upheld": "upheld",
    "returned": "returned",
})

# The independent review's result that entering a state records.
REVIEW_RESULT_OF_STATE: Final[Mapping[str, str]] = MappingProxyType({
    "retaliation_established": "retaliation_established",
    "not_substantiated": "not_substantiated",
})

# An imported complaint's outcome code (taxonomy.RETALIATION_OUTCOMES: its outcome as of the
# end of the year of its date) as a preliminary-review determination: an independent
# review's result implies a prima facie finding (and the result counts among the year's
# independent reviews).
DETERMINATION_OF_OUTCOME: Final[Mapping[str, str]] = MappingProxyType({
    **{d: d for d in PRELIMINARY_DETERMINATIONS},
    **dict.fromkeys(INDEPENDENT_REVIEW_RESULTS, PRIMA_FACIE),
})


def _check_every_state_is_classified() -> None:
    states = set(RETALIATION_WORKFLOW.states)
    problems = [f"no determination effect for state {s!r}"
                for s in sorted(states - set(DETERMINATION_OF_STATE))]
    problems += [f"unknown state {s!r}" for s in sorted(
        (set(DETERMINATION_OF_STATE) | set(PANEL_STEP_OF_STATE) | set(REVIEW_RESULT_OF_STATE))
        - states)]
    effects = {e for e in DETERMINATION_OF_STATE.values()
               if e is not None and e != LIFTS_SUSPENSION}
    problems += [f"unknown determination {d!r}"
                 for d in sorted(effects - set(PRELIMINARY_DETERMINATIONS))]
    problems += [f"unknown step {s!r}" for s in sorted(
        set(PANEL_STEP_OF_STATE.values()) - set(PANEL_REVIEW_STEPS))]
    problems += [f"unknown result {r!r}" for r in sorted(
        set(REVIEW_RESULT_OF_STATE.values()) - set(INDEPENDENT_REVIEW_RESULTS))]
    if problems:
        raise ValueError("retaliation figures: " + "; ".join(problems))


_check_every_state_is_classified()


def preliminary_determination(states: Iterable[str]) -> str:
    """The preliminary-review determination of a request that went through ``states``,
    oldest first (the ``to_state`` of its history up to some moment)."""
    determination = before_suspension = UNDER_REVIEW
    for state in states:
        if state not in DETERMINATION_OF_STATE:
            raise UnknownState(RETALIATION_WORKFLOW.form, state)
        effect = DETERMINATION_OF_STATE[state]
        if effect is None:
            continue
        if effect == LIFTS_SUSPENSION:
            determination = before_suspension
        elif effect == SUSPENDED:
            if determination != SUSPENDED:
                before_suspension = determination
            determination = SUSPENDED
        else:
            determination = effect
    return determination


def suspension_reason(events: Iterable[CaseEvent]) -> str:
    """The reason of the last suspension among ``events`` (a history, oldest first)."""
    reason = REASON_NOT_RECORDED
    for event in events:
        if event.to_state == SUSPENDED:
            given = event.details.get("reason")
            reason = given if isinstance(given, str) and given in SUSPENSION_REASONS \
                else REASON_NOT_RECORDED
    return reason


@dataclass(frozen=True)
class RetaliationFigures:
    """The retaliation figures of a year (each mapping in its taxonomy's code order)."""

    determinations: Mapping[str, int]  # the year's requests by determination
    # The suspended ones (determinations["suspended"]) by the reason of their suspension.
    suspension_reasons: Mapping[str, int]
    panel_reviews: Mapping[str, int]  # steps of the chair's reviews taken in the year
    prima_facie: int  # the year's requests with a prima facie determination
    with_protective_measures: int  # ... of which at least one measure was recommended
    independent_reviews: Mapping[str, int]  # results of the reviews completed in the year

    @property
    def requests(self) -> int:
        return sum(self.determinations.values())


def figures_from_histories(year: int, histories: Iterable[CaseHistory]) -> RetaliationFigures:
    """The figures of ``year`` from retaliation case histories. The year's requests are
    the cases received in it; the reviews are the steps taken in it, of cases of any year;
    events after the end of the year are ignored."""
    start, end = year_bounds(year)
    determinations: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    panel: Counter[str] = Counter()
    reviews: Counter[str] = Counter()
    prima_facie = with_measures = 0
    for history in histories:
        known = [e for e in history.events if e.at < end]
        if start <= history.received_at < end:
            determination = preliminary_determination(
                e.to_state for e in known if e.to_state is not None)
            determinations[determination] += 1
            if determination == SUSPENDED:
                reasons[suspension_reason(known)] += 1
            if determination == PRIMA_FACIE:
                prima_facie += 1
                with_measures += any(e.kind == PROTECTIVE_MEASURE_EVENT for e in known)
        for event in known:
            if event.at < start or event.to_state is None:
                continue
            if event.to_state in PANEL_STEP_OF_STATE:
                panel[PANEL_STEP_OF_STATE[event.to_state]] += 1
            if event.to_state in REVIEW_RESULT_OF_STATE:
                reviews[REVIEW_RESULT_OF_STATE[event.to_state]] += 1
    return RetaliationFigures(
        determinations={d: determinations[d] for d in PRELIMINARY_DETERMINATIONS},
        suspension_reasons={r: reasons[r] for r in SUSPENSION_REASON_CODES},
        panel_reviews={s: panel[s] for s in PANEL_REVIEW_STEPS},
        prima_facie=prima_facie, with_protective_measures=with_measures,
        independent_reviews={r: reviews[r] for r in INDEPENDENT_REVIEW_RESULTS})
