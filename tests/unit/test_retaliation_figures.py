"""The retaliation figures of the annual report, read from case histories as of the end of
the year: the 2024 annual report's requests walked as transition sequences, and histories that
cross the year boundary."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.case_workflows import WORKFLOWS
from shared.domain.measures import protective_measures_allowed
from shared.domain.records import CaseEvent
from shared.domain.retaliation_figures import (
    DETERMINATION_OF_STATE,
    figures_from_histories,
    preliminary_determination,
)
from shared.domain.statistics import CaseHistory
from shared.domain.taxonomy import PRELIMINARY_DETERMINATIONS
from shared.domain.workflow import IllegalTransition, UnknownState


def test_every_retaliation_state_has_a_determination_effect() -> None:
    assert set(DETERMINATION_OF_STATE) == set(WORKFLOWS["retaliation"].states)
    with pytest.raises(UnknownState):
        preliminary_determination(["received", "nowhere"])
    assert preliminary_determination([]) == "under_review"


PF = ["start_preliminary_review", "establish_prima_facie", "refer_for_investigation"]
NPF = ["start_preliminary_review", "find_no_prima_facie"]


def _walk(steps: list[tuple[str, str]]) -> list[str]:
    """Apply (transition, actor) steps from ``received``; the states visited, in order."""
    workflow = WORKFLOWS["retaliation"]
    states = [workflow.initial]
    for name, actor in steps:
        states.append(workflow.apply(states[-1], name, actor=actor))  # type: ignore[arg-type]
    return states


def _officer(*names: str) -> list[tuple[str, str]]:
    return [(name, "officer") for name in names]


def test_prima_facie_and_referred() -> None:
    states = _walk(_officer(*PF))
    assert states == ["received", "preliminary_review", "prima_facie_established",
                      "referred_for_investigation"]
    assert preliminary_determination(states) == "prima_facie_established"
    assert [protective_measures_allowed(s) for s in states] == [False, False, True, True]
    later = _walk(_officer(*PF, "receive_investigation_report", "start_independent_review",
                           "establish_retaliation", "close"))
    assert later[-3:] == ["independent_review", "retaliation_established", "closed"]
    # the independent review's result is a figure of its own: the finding stays prima facie
    assert preliminary_determination(later) == "prima_facie_established"
    cleared = _walk(_officer(*PF, "receive_investigation_report", "start_independent_review",
                             "find_not_substantiated", "close"))
    assert preliminary_determination(cleared) == "prima_facie_established"


def test_not_prima_facie_and_upheld_by_the_panel_chair() -> None:
    states = _walk(_officer(*NPF, "request_panel_review", "record_panel_upheld", "close"))
    assert states[2:] == ["no_prima_facie", "panel_review_requested", "upheld", "closed"]
    assert preliminary_determination(states) == "no_prima_facie"
    assert WORKFLOWS["retaliation"].running_deadlines("no_prima_facie") == {
        "panel_review_request_due"}


def test_not_prima_facie_returned_then_re_reviewed() -> None:
    returned = _walk(_officer(*NPF, "request_panel_review", "record_panel_returned"))
    assert returned[-1] == "returned"
    # as the 2024 report counts it: among the no-prima-facie determinations while the
    # Ethics Office reconsiders it
    assert preliminary_determination(returned) == "no_prima_facie"
    assert preliminary_determination([*returned, "preliminary_review"]) == "no_prima_facie"
    re_reviewed = _walk([*_officer(*NPF, "request_panel_review", "record_panel_returned",
                                   "resume_preliminary_review", "find_no_prima_facie"),
                         ("lapse_panel_window", "system")])
    assert re_reviewed[-4:] == ["returned", "preliminary_review", "no_prima_facie",
                                "panel_window_lapsed"]
    assert preliminary_determination(re_reviewed) == "no_prima_facie"
    assert WORKFLOWS["retaliation"].running_deadlines("preliminary_review") == {
        "preliminary_review_due", "feedback_due"}


def test_not_prima_facie_and_the_window_lapses() -> None:
    states = _walk([*_officer(*NPF), ("lapse_panel_window", "system")])
    assert states[-1] == "panel_window_lapsed"
    assert preliminary_determination(states) == "no_prima_facie"
    with pytest.raises(IllegalTransition):
        _walk(_officer(*NPF, "lapse_panel_window"))  # sweep's, not an officer's
    # A late request taken up, or the matter closed: the determination is still the one.
    late = _walk([*_officer(*NPF), ("lapse_panel_window", "system"),
                  *_officer("record_late_panel_request", "record_panel_upheld", "close")])
    assert late[-4:] == ["panel_window_lapsed", "panel_review_requested", "upheld", "closed"]
    assert preliminary_determination(late) == "no_prima_facie"
    closed = _walk([*_officer(*NPF), ("lapse_panel_window", "system"), *_officer("close")])
    assert preliminary_determination(closed) == "no_prima_facie"


def test_suspended_and_reopened() -> None:
    suspended = _walk(_officer("start_preliminary_review", "suspend"))
    assert suspended[-1] == "suspended"
    assert preliminary_determination(suspended) == "suspended"
    assert not WORKFLOWS["retaliation"].running_deadlines("suspended")
    reopened = _walk(_officer("start_preliminary_review", "suspend", "reopen",
                              "resume_preliminary_review", "establish_prima_facie"))
    assert reopened[-3:] == ["reopened", "preliminary_review", "prima_facie_established"]
    assert preliminary_determination(reopened[:-2]) == "under_review"
    assert preliminary_determination(reopened) == "prima_facie_established"


def test_closed_and_forwarded_as_misconduct() -> None:
    states = _walk(_officer("start_preliminary_review", "refer_as_misconduct"))
    assert states[-1] == "closed_referred_misconduct"
    assert preliminary_determination(states) == "closed_referred_misconduct"
    assert WORKFLOWS["retaliation"].allowed(states[-1]) == []


def test_the_2024_tally_of_fourteen_requests() -> None:
    # 3 prima facie; 5 not (1 upheld by the panel chair, 1 returned and re-reviewed);
    # 2 still under review; 3 suspended; 1 closed and forwarded as misconduct.
    window_lapses = ("lapse_panel_window", "system")
    requests = [
        _officer(*PF), _officer(*PF), _officer("start_preliminary_review",
                                               "establish_prima_facie"),
        _officer(*NPF, "request_panel_review", "record_panel_upheld", "close"),
        [*_officer(*NPF, "request_panel_review", "record_panel_returned",
                   "resume_preliminary_review", "find_no_prima_facie"), window_lapses],
        [*_officer(*NPF), window_lapses], [*_officer(*NPF), window_lapses], _officer(*NPF),
        _officer("start_preliminary_review"), [],
        _officer("suspend"), _officer("start_preliminary_review", "suspend"),
        _officer("start_preliminary_review", "suspend"),
        _officer("start_preliminary_review", "refer_as_misconduct"),
    ]
    tally = Counter(preliminary_determination(_walk(steps)) for steps in requests)
    assert tally == {"prima_facie_established": 3, "no_prima_facie": 5, "under_review": 2,
                     "suspended": 3, "closed_referred_misconduct": 1}


# Histories with times: what the report reads, as of the end of a year.

LAST_INSTANT_2024 = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
NEW_YEAR_2025 = datetime(2025, 1, 1, tzinfo=UTC)
MEASURE = "protective measure"


def history(reference: str, *steps: tuple[datetime, str]) -> CaseHistory:
    """A case received at the first step's time; each step enters a state, or (MEASURE)
    records a protective-measure recommendation; every state change is followed by a read,
    which has no state."""
    officer = "officer:o@example.org"
    happened: list[tuple[datetime, str, str | None, str | None]] = []
    state: str | None = None
    for when, what in steps:
        if what == MEASURE:
            happened.append((when, "protective_measure", None, None))
            continue
        happened += [(when, "transition" if state else "received", state, what),
                     (when, "read", None, None)]
        state = what
    events = tuple(CaseEvent(seq, when, kind, officer, from_state, to_state)
                   for seq, (when, kind, from_state, to_state) in enumerate(happened, 1))
    return CaseHistory(reference, steps[0][0], events)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def prima_facie_in_december_established_next_year() -> list[tuple[datetime, str]]:
    return [(at("2024-12-10T09:00"), "received"),
            (at("2024-12-12T09:00"), "preliminary_review"),
            (at("2024-12-20T09:00"), "prima_facie_established"),
            (at("2024-12-21T09:00"), MEASURE),
            (at("2025-01-06T09:00"), "referred_for_investigation"),
            (at("2025-03-01T09:00"), "investigation_report_received"),
            (at("2025-03-02T09:00"), "independent_review"),
            (at("2025-05-01T09:00"), "retaliation_established"),
            (at("2025-05-02T09:00"), "closed")]


def test_a_case_crossing_the_year_counts_as_of_the_end_of_each_year() -> None:
    steps = prima_facie_in_december_established_next_year()
    # as the history stood on 31 December, and as it stands after the 2025 transitions
    for known in (steps[:4], steps):
        figures = figures_from_histories(2024, [history("RET-1", *known)])
        assert figures.determinations["prima_facie_established"] == 1
        assert figures.requests == 1
        assert (figures.prima_facie, figures.with_protective_measures) == (1, 1)
        assert figures.independent_reviews == {"retaliation_established": 0,
                                                "not_substantiated": 0}
    later = figures_from_histories(2025, [history("RET-1", *steps)])
    assert later.requests == 0  # not a request of 2025
    assert later.independent_reviews["retaliation_established"] == 1  # reviewed in 2025
    assert later.prima_facie == 0


def test_the_last_instant_of_the_year_is_in_it_and_the_next_is_not() -> None:
    start = at("2024-12-01T00:00")
    in_time = history("RET-1", (start, "received"), (start, "preliminary_review"),
                      (LAST_INSTANT_2024, "prima_facie_established"))
    too_late = history("RET-2", (start, "received"), (start, "preliminary_review"),
                       (NEW_YEAR_2025, "prima_facie_established"))
    figures = figures_from_histories(2024, [in_time, too_late])
    assert figures.determinations["prima_facie_established"] == 1
    assert figures.determinations["under_review"] == 1
    received_late = history("RET-3", (NEW_YEAR_2025, "received"))
    assert figures_from_histories(2024, [received_late]).requests == 0
    assert figures_from_histories(2025, [received_late]).requests == 1


def test_a_2023_case_reviewed_in_2024_keeps_its_2023_figures() -> None:
    steps = [(at("2023-11-02T10:00"), "received"),
             (at("2023-11-03T10:00"), "preliminary_review"),
             (at("2023-12-01T10:00"), "no_prima_facie"),
             (at("2024-01-02T10:00"), "panel_review_requested"),
             (at("2024-02-01T10:00"), "returned"),
             (at("2024-02-02T10:00"), "preliminary_review"),
             (at("2024-03-01T10:00"), "prima_facie_established")]
    case = history("RET-1", *steps)
    in_2023 = figures_from_histories(2023, [case])
    assert in_2023.determinations["no_prima_facie"] == 1
    assert in_2023.panel_reviews == {"requested": 0, "upheld": 0, "returned": 0}
    assert in_2023 == figures_from_histories(2023, [history("RET-1", *steps[:3])])
    in_2024 = figures_from_histories(2024, [case])
    assert in_2024.requests == 0
    assert in_2024.panel_reviews == {"requested": 1, "upheld": 0, "returned": 1}


def test_protective_measures_count_for_the_prima_facie_cases_of_the_year() -> None:
    received = at("2024-03-01T10:00")
    found = [(received, "received"), (received, "preliminary_review"),
             (at("2024-03-20T10:00"), "prima_facie_established")]
    with_measure = history("RET-1", *found, (at("2024-04-01T10:00"), MEASURE))
    without = history("RET-2", *found)
    measure_next_year = history("RET-3", *found, (NEW_YEAR_2025, MEASURE))
    suspended = history("RET-4", *found, (at("2024-04-01T10:00"), MEASURE),
                        (at("2024-05-01T10:00"), "suspended"))
    figures = figures_from_histories(2024, [with_measure, without, measure_next_year,
                                            suspended])
    assert (figures.prima_facie, figures.with_protective_measures) == (3, 1)
    assert figures.determinations["suspended"] == 1


def test_a_reopened_request_has_the_finding_it_had_before_its_suspension() -> None:
    base = ["received", "preliminary_review", "prima_facie_established", "suspended"]
    assert preliminary_determination(base) == "suspended"
    assert preliminary_determination([*base, "reopened"]) == "prima_facie_established"
    assert preliminary_determination([*base, "reopened", "preliminary_review",
                                      "no_prima_facie"]) == "no_prima_facie"
    assert preliminary_determination(["received", "suspended", "reopened"]) == "under_review"


def test_determinations_partition_the_year_requests() -> None:
    t = at("2024-06-01T00:00")
    cases = [history(f"RET-{n}", (t, "received"), *((t + timedelta(days=d), s)
                                                     for d, s in enumerate(states, 1)))
             for n, states in enumerate([
                 [], ["preliminary_review", "suspended"],
                 ["preliminary_review", "closed_referred_misconduct"],
                 ["preliminary_review", "no_prima_facie", "closed"]])]
    figures = figures_from_histories(2024, cases)
    assert list(figures.determinations) == list(PRELIMINARY_DETERMINATIONS)
    assert figures.determinations == {"prima_facie_established": 0, "no_prima_facie": 1,
                                      "under_review": 1, "suspended": 1,
                                      "closed_referred_misconduct": 1}
    assert figures.requests == 4
