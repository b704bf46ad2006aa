"""The case workflows: every allowed and every forbidden transition, reachability, and the
state sets the rest of the system relies on (the 2024 annual report's retaliation requests are
walked in test_retaliation_figures.py).

The expected tables are written out here by hand, in the module's table order, so that a
change to the rules fails a test instead of silently changing what the test checks.
"""

from __future__ import annotations

from collections import deque

import pytest

from shared.domain.case_workflows import SUSPENDABLE, WORKFLOWS
from shared.domain.measures import PRIMA_FACIE_OPEN, protective_measures_allowed
from shared.domain.workflow import IllegalTransition, Transition, UnknownState, Workflow

# (form, transition, sources, target, actor), in table order.
EXPECTED = [
    ("advice", "assign", {"received"}, "assigned", "officer"),
    ("advice", "answer", {"assigned"}, "answered", "officer"),
    ("advice", "close", {"answered"}, "closed", "officer"),
    ("advice", "reopen", {"closed"}, "assigned", "officer"),
    ("advice", "refer_as_misconduct", {"received", "assigned", "answered"},
     "closed_referred_misconduct", "officer"),
    ("misconduct", "forward", {"received"}, "forwarded", "system"),
    ("misconduct", "mark_forwarding_failed", {"received"}, "forwarding_failed", "system"),
    ("misconduct", "retry_forwarding", {"forwarding_failed"}, "received", "officer"),
    ("misconduct", "acknowledge", {"forwarded"}, "acknowledged", "officer"),
    ("retaliation", "start_preliminary_review", {"received"}, "preliminary_review", "officer"),
    ("retaliation", "establish_prima_facie", {"preliminary_review"},
     "prima_facie_established", "officer"),
    ("retaliation", "find_no_prima_facie", {"preliminary_review"}, "no_prima_facie",
     "officer"),
    ("retaliation", "refer_for_investigation", {"prima_facie_established"},
     "referred_for_investigation", "officer"),
    ("retaliation", "receive_investigation_report", {"referred_for_investigation"},
     "investigation_report_received", "officer"),
    ("retaliation", "start_independent_review", {"investigation_report_received"},
     "independent_review", "officer"),
    ("retaliation", "establish_retaliation", {"independent_review"},
     "retaliation_established", "officer"),
    ("retaliation", "find_not_substantiated", {"independent_review"}, "not_substantiated",
     "officer"),
    ("retaliation", "request_panel_review", {"no_prima_facie"}, "panel_review_requested",
     "officer"),
    ("retaliation", "record_panel_upheld", {"panel_review_requested"}, "upheld", "officer"),
    ("retaliation", "record_panel_returned", {"panel_review_requested"}, "returned",
     "officer"),
    ("retaliation", "record_late_panel_request", {"panel_window_lapsed"},
     "panel_review_requested", "officer"),
    ("retaliation", "resume_preliminary_review", {"returned", "reopened"},
     "preliminary_review", "officer"),
    ("retaliation", "suspend",
     {"received", "preliminary_review", "prima_facie_established", "returned", "reopened"},
     "suspended", "officer"),
    ("retaliation", "reopen", {"suspended"}, "reopened", "officer"),
    ("retaliation", "refer_as_misconduct", {"received", "preliminary_review"},
     "closed_referred_misconduct", "officer"),
    ("retaliation", "close", {"retaliation_established", "not_substantiated", "upheld",
                              "panel_window_lapsed"}, "closed", "officer"),
    ("retaliation", "lapse_panel_window", {"no_prima_facie"}, "panel_window_lapsed",
     "system"),
]
# What an officer must give with a transition (everything else requires nothing).
REQUIRES = {("advice", "refer_as_misconduct"): {"allegation_type"},
            ("retaliation", "refer_as_misconduct"): {"allegation_type"},
            ("retaliation", "suspend"): {"reason"},
            ("retaliation", "record_late_panel_request"): {"note"}}

STATES = {
    "advice": ["received", "assigned", "answered", "closed", "closed_referred_misconduct"],
    "misconduct": ["received", "forwarded", "acknowledged", "forwarding_failed"],
    "retaliation": [
        "received", "preliminary_review", "prima_facie_established",
        "referred_for_investigation", "investigation_report_received", "independent_review",
        "retaliation_established", "not_substantiated", "no_prima_facie",
        "panel_review_requested", "upheld", "returned", "panel_window_lapsed", "suspended",
        "reopened", "closed", "closed_referred_misconduct",
    ],
}
CLOSED = {
    "advice": {"closed", "closed_referred_misconduct"},
    "misconduct": {"acknowledged"},
    "retaliation": {"closed", "closed_referred_misconduct"},
}
ON_HOLD = {"advice": set(), "misconduct": set(),
           "retaliation": {"suspended", "panel_window_lapsed"}}
ACTORS = ("officer", "system")

ALLOWED = [(form, state, name, actor, target)
           for form, name, sources, target, actor in EXPECTED
           for state in sorted(sources)]


def _names(form: str) -> list[str]:
    return [name for f, name, *_ in EXPECTED if f == form]


def _expected_allowed(form: str, state: str, actor: str) -> list[str]:
    return [name for f, name, sources, _, a in EXPECTED
            if f == form and state in sources and a == actor]


FORBIDDEN = [(form, state, name, actor)
             for form, states in STATES.items()
             for state in states
             for name in [*_names(form), "no_such_transition"]
             for actor in ACTORS
             if name not in _expected_allowed(form, state, actor)]


def test_the_tables_hold_exactly_the_expected_forms_states_and_transitions() -> None:
    assert set(WORKFLOWS) == {"advice", "misconduct", "retaliation"}
    for form, workflow in WORKFLOWS.items():
        assert workflow.form == form
        assert workflow.initial == "received"
        assert list(workflow.states) == STATES[form]
        assert list(workflow.transition_names) == _names(form)
        assert set(workflow.closed) == CLOSED[form]
        assert set(workflow.on_hold) == ON_HOLD[form]
    actual = [(form, t.name, set(t.sources), t.target, t.actor)
              for form, workflow in WORKFLOWS.items() for t in workflow.transitions]
    assert actual == EXPECTED
    required = {(form, t.name): set(t.requires) for form, workflow in WORKFLOWS.items()
                for t in workflow.transitions if t.requires}
    assert required == REQUIRES


@pytest.mark.parametrize(("form", "state", "name", "actor", "target"), ALLOWED,
                         ids=[f"{f}:{s}--{n}->{t}" for f, s, n, _, t in ALLOWED])
def test_every_allowed_transition_reaches_its_target(form: str, state: str, name: str,
                                                     actor: str, target: str) -> None:
    workflow = WORKFLOWS[form]
    assert workflow.apply(state, name, actor=actor) == target  # type: ignore[arg-type]
    assert name in [t.name for t in workflow.allowed(state)]


@pytest.mark.parametrize(("form", "state", "name", "actor"), FORBIDDEN,
                         ids=[f"{f}:{s}--{n}({a})" for f, s, n, a in FORBIDDEN])
def test_every_forbidden_transition_raises_with_what_is_allowed(form: str, state: str,
                                                                name: str,
                                                                actor: str) -> None:
    workflow = WORKFLOWS[form]
    with pytest.raises(IllegalTransition) as raised:
        workflow.apply(state, name, actor=actor)  # type: ignore[arg-type]
    error = raised.value
    assert (error.form, error.state, error.name) == (form, state, name)
    assert list(error.allowed) == _expected_allowed(form, state, actor)
    assert [t.name for t in workflow.allowed(state, actor)] == list(error.allowed)  # type: ignore[arg-type]


def test_the_forbidden_table_is_not_empty_for_any_state() -> None:
    # Guards the generator above: every state forbids something, every form is covered.
    covered = {(form, state) for form, state, _, _ in FORBIDDEN}
    assert covered == {(form, s) for form, states in STATES.items() for s in states}
    assert len(ALLOWED) == 7 + 4 + 27


def test_an_officer_cannot_apply_a_system_transition_nor_the_reverse() -> None:
    misconduct = WORKFLOWS["misconduct"]
    with pytest.raises(IllegalTransition) as raised:
        misconduct.apply("received", "forward", actor="officer")
    assert raised.value.allowed == ()
    assert "'forward' is not allowed" in str(raised.value)
    assert misconduct.apply("received", "forward", actor="system") == "forwarded"
    with pytest.raises(IllegalTransition):
        misconduct.apply("forwarding_failed", "retry_forwarding", actor="system")


def test_an_unknown_transition_name_is_not_echoed() -> None:
    with pytest.raises(IllegalTransition) as raised:
        WORKFLOWS["advice"].apply("received", "<script>x</script>", actor="officer")
    assert "<script>" not in str(raised.value)
    assert "an unknown transition" in str(raised.value)
    assert "allowed: assign, refer_as_misconduct" in str(raised.value)


@pytest.mark.parametrize("form", sorted(STATES))
def test_an_unknown_state_is_corrupt_data_not_an_illegal_transition(form: str) -> None:
    workflow = WORKFLOWS[form]
    for call in (lambda: workflow.allowed("nowhere"),
                 lambda: workflow.apply("nowhere", "close", actor="officer"),
                 lambda: workflow.is_closed("nowhere"),
                 lambda: workflow.running_deadlines("nowhere")):
        with pytest.raises(UnknownState):
            call()


def _reachable(workflow: Workflow, start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for t in workflow.allowed(queue.popleft()):
            if t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return seen


@pytest.mark.parametrize("form", sorted(STATES))
def test_every_state_is_reachable_from_received(form: str) -> None:
    workflow = WORKFLOWS[form]
    assert _reachable(workflow, workflow.initial) == set(workflow.states)


@pytest.mark.parametrize("form", sorted(STATES))
def test_every_open_state_has_a_way_forward_to_a_closed_state(form: str) -> None:
    workflow = WORKFLOWS[form]
    for state in workflow.states:
        if state in workflow.closed:
            continue
        assert workflow.allowed(state), f"{state} is a dead end"
        assert _reachable(workflow, state) & workflow.closed, f"{state} never closes"


@pytest.mark.parametrize("form", sorted(STATES))
def test_terminal_states_are_closed_and_closed_states_only_reopen(form: str) -> None:
    workflow = WORKFLOWS[form]
    assert workflow.terminal <= workflow.closed
    for state in workflow.closed:
        assert all(workflow.is_active(t.target) for t in workflow.allowed(state))


def test_terminal_and_activity_per_form() -> None:
    advice, misconduct, retaliation = (WORKFLOWS[f] for f in
                                       ("advice", "misconduct", "retaliation"))
    assert advice.terminal == {"closed_referred_misconduct"}
    assert misconduct.terminal == {"acknowledged"}
    assert retaliation.terminal == {"closed", "closed_referred_misconduct"}
    assert not retaliation.is_active("suspended") and not retaliation.is_closed("suspended")
    assert misconduct.is_active("forwarding_failed")
    assert advice.is_closed("closed") and not advice.is_active("closed")


def test_suspension_and_protective_measures_state_sets() -> None:
    suspendable = {"received", "preliminary_review", "prima_facie_established", "returned",
                   "reopened"}
    prima_facie_open = {"prima_facie_established", "referred_for_investigation",
                        "investigation_report_received", "independent_review"}
    assert suspendable == SUSPENDABLE
    assert prima_facie_open == PRIMA_FACIE_OPEN
    allowed = {s for s in STATES["retaliation"] if protective_measures_allowed(s)}
    assert allowed == prima_facie_open
    with pytest.raises(UnknownState):
        protective_measures_allowed("nowhere")


def test_deadlines_run_only_in_the_states_that_owe_them() -> None:
    retaliation = WORKFLOWS["retaliation"]
    running = {s: retaliation.running_deadlines(s) for s in STATES["retaliation"]}
    # A returned or reopened case is owed a review again: its clock runs there too.
    assert {s for s, keys in running.items() if "preliminary_review_due" in keys} == {
        "received", "preliminary_review", "returned", "reopened"}
    assert {s for s, keys in running.items() if "panel_review_request_due" in keys} == {
        "no_prima_facie"}
    advice = WORKFLOWS["advice"]
    assert {s for s in STATES["advice"] if advice.running_deadlines(s)} == {
        "received", "assigned"}
    assert all(advice.running_deadlines(s) <= {"advice_answer_due", "feedback_due"}
               for s in STATES["advice"])
    # The feedback owed to every reporter: until an answer, a determination, or (for
    # misconduct) the investigations office's acknowledgement that tells where it went.
    feedback = {form: {s for s in STATES[form]
                       if "feedback_due" in WORKFLOWS[form].running_deadlines(s)}
                for form in WORKFLOWS}
    assert feedback == {
        "advice": {"received", "assigned"},
        "misconduct": {"received", "forwarded", "forwarding_failed"},
        "retaliation": {"received", "preliminary_review", "returned", "reopened"}}
    assert all(WORKFLOWS["misconduct"].running_deadlines(s) <= {"feedback_due"}
               for s in STATES["misconduct"])


def test_inconsistent_tables_are_refused_when_built() -> None:
    good = Transition("go", frozenset({"a"}), "b", "officer", "")
    with pytest.raises(ValueError, match="unknown state 'c'"):
        Workflow("x", "a", ("a", "b"),
                 (good, Transition("back", frozenset({"b"}), "c", "officer", "")),
                 frozenset({"b"}))
    with pytest.raises(ValueError, match="duplicate transition 'go'"):
        Workflow("x", "a", ("a", "b"), (good, good), frozenset({"b"}))
    with pytest.raises(ValueError, match="unknown actor"):
        Workflow("x", "a", ("a", "b"),
                 (Transition("go", frozenset({"a"}), "b", "robot", ""),),  # type: ignore[arg-type]
                 frozenset({"b"}))
    with pytest.raises(ValueError, match="has no source"):
        Workflow("x", "a", ("a", "b"), (Transition("go", frozenset(), "b", "officer", ""),),
                 frozenset({"b"}))
