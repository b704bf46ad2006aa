"""Case workflows as data: each form's states and the transitions allowed between them.

A case's state is a plain string stored on the case; every case starts in ``received``
(triage does not change it). ``Workflow.apply`` is the one place a transition is checked:
the tables below are the whole of the rules, there is no other if-chain about states.

Terms used throughout:

- *closed*: the case is finished; no work and no deadline is outstanding. Some closed
  states can still be reopened (an advice case), others are final.
- *on hold*: nothing is due from anyone until something changes (a suspended retaliation
  request); not closed, because it can be reopened, but not active either.
- *terminal*: no transition leaves the state at all (computed from the table).
- Actors: ``officer`` transitions are applied by an ethics officer through the officer API
  or the command line; ``system`` transitions only by our own handlers (forwarding, sweep).
  ``apply`` takes the actor, so an officer cannot fake a system outcome such as "forwarded".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

Actor = Literal["officer", "system"]
ACTORS: Final[tuple[Actor, ...]] = ("officer", "system")

# Deadline keys kept on a case (``Triage.deadlines``); computed by ``Policy``.
PRELIMINARY_REVIEW_DUE: Final = "preliminary_review_due"
PANEL_REVIEW_REQUEST_DUE: Final = "panel_review_request_due"
ADVICE_ANSWER_DUE: Final = "advice_answer_due"

# What an officer must give with some transitions (``Transition.requires``): a sealed note
# (the reasons), a suspension reason code, the allegation type of a case closed as
# misconduct.
NOTE: Final = "note"
REASON: Final = "reason"
ALLEGATION_TYPE: Final = "allegation_type"
DETAILS: Final = frozenset({NOTE, REASON, ALLEGATION_TYPE})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actor: Actor
    description: str
    # What the officer must give with it (DETAILS): refused without.
    requires: frozenset[str] = frozenset()


class UnknownState(ValueError):
    """A case holds a state its form's workflow does not have: corrupt data, not a 409."""

    def __init__(self, form: str, state: str) -> None:
        super().__init__(f"the {form} workflow has no state {state!r}")
        self.form = form
        self.state = state


class IllegalTransition(Exception):
    """The transition is not allowed from the case's state for this actor (an API's 409).

    ``allowed`` names what the actor may do instead. An unknown transition name is not
    echoed in the message, since it is caller input.
    """

    def __init__(self, form: str, state: str, name: str, allowed: Sequence[str],
                 *, known: bool) -> None:
        shown = repr(name) if known else "an unknown transition"
        options = ", ".join(allowed) if allowed else "none"
        super().__init__(f"{shown} is not allowed from state {state!r} of a {form} case; "
                         f"allowed: {options}")
        self.form = form
        self.state = state
        self.name = name
        self.allowed = tuple(allowed)


@dataclass(frozen=True)
class Workflow:
    form: str
    initial: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    closed: frozenset[str]
    on_hold: frozenset[str] = frozenset()
    # Deadline key -> the states in which that deadline runs (alerts only there).
    deadlines: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = set(self.states)
        names = [t.name for t in self.transitions]
        problems = [
            *(f"duplicate state {s!r}" for s in _duplicates(self.states)),
            *(f"duplicate transition {n!r}" for n in _duplicates(names)),
            *(f"unknown state {s!r}" for s in sorted(
                ({self.initial} | self.closed | self.on_hold
                 | {s for t in self.transitions for s in t.sources | {t.target}}
                 | {s for states in self.deadlines.values() for s in states}) - known)),
            *(f"transition {t.name!r} has no source" for t in self.transitions if not t.sources),
            *(f"transition {t.name!r} has unknown actor {t.actor!r}"
              for t in self.transitions if t.actor not in ACTORS),
            *(f"transition {t.name!r} requires unknown details {sorted(t.requires - DETAILS)}"
              for t in self.transitions if t.requires - DETAILS),
            *(f"state {s!r} is both closed and on hold" for s in self.closed & self.on_hold),
        ]
        if problems:
            raise ValueError(f"{self.form} workflow: " + "; ".join(problems))
        object.__setattr__(self, "deadlines", MappingProxyType(dict(self.deadlines)))

    @property
    def transition_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.transitions)

    def transition(self, name: str) -> Transition | None:
        """The transition called ``name``, if the workflow has one."""
        return next((t for t in self.transitions if t.name == name), None)

    @property
    def terminal(self) -> frozenset[str]:
        """States no transition leaves."""
        return frozenset(self.states) - {s for t in self.transitions for s in t.sources}

    def _check(self, state: str) -> None:
        if state not in self.states:
            raise UnknownState(self.form, state)

    def allowed(self, state: str, actor: Actor | None = None) -> list[Transition]:
        """The transitions from ``state`` (for ``actor``, or for anyone), in table order."""
        self._check(state)
        return [t for t in self.transitions
                if state in t.sources and (actor is None or t.actor == actor)]

    def apply(self, state: str, name: str, *, actor: Actor) -> str:
        """The state after transition ``name``; IllegalTransition if ``actor`` may not."""
        for t in self.allowed(state, actor):
            if t.name == name:
                return t.target
        raise IllegalTransition(self.form, state, name,
                                [t.name for t in self.allowed(state, actor)],
                                known=name in self.transition_names)

    def is_closed(self, state: str) -> bool:
        self._check(state)
        return state in self.closed

    def is_active(self, state: str) -> bool:
        """Work or a deadline may be outstanding: neither closed nor on hold."""
        self._check(state)
        return state not in self.closed and state not in self.on_hold

    def running_deadlines(self, state: str) -> frozenset[str]:
        """The deadline keys that run (and may alert) while a case is in ``state``."""
        self._check(state)
        return frozenset(key for key, states in self.deadlines.items() if state in states)


def _duplicates(items: Iterable[str]) -> list[str]:
    return sorted(item for item, count in Counter(items).items() if count > 1)


def _t(name: str, sources: Iterable[str], target: str, actor: Actor,
       description: str, *, requires: Iterable[str] = ()) -> Transition:
    return Transition(name, frozenset(sources), target, actor, description,
                      frozenset(requires))


OFFICER: Final = "officer"
SYSTEM: Final = "system"
REFERRED_AS_MISCONDUCT: Final = "closed_referred_misconduct"
PANEL_WINDOW_LAPSED: Final = "panel_window_lapsed"
# The one transition name that retries a failed referral, in every form: a workflow
# transition for a misconduct report (forwarding_failed -> received); for a case of another
# form, or a supplement that failed, a retry without a change of state.
RETRY_FORWARDING: Final = "retry_forwarding"

ADVICE_WORKFLOW: Final = Workflow(
    form="advice",
    initial="received",
    states=("received", "assigned", "answered", "closed", REFERRED_AS_MISCONDUCT),
    transitions=(
        _t("assign", {"received"}, "assigned", OFFICER,
           "An ethics adviser takes the request on. (Changing the assignee later is not a "
           "change of state.)"),
        _t("answer", {"assigned"}, "answered", OFFICER,
           "The adviser has answered the requester."),
        _t("close", {"answered"}, "closed", OFFICER, "Nothing more to do on the request."),
        _t("reopen", {"closed"}, "assigned", OFFICER,
           "The requester came back on the same matter: the request is worked on again."),
        _t("refer_as_misconduct", {"received", "assigned", "answered"},
           REFERRED_AS_MISCONDUCT, OFFICER,
           "The request reports possible misconduct: close it here and forward it to the "
           "investigations office as a misconduct report of the type the officer states.",
           requires={ALLEGATION_TYPE}),
    ),
    closed=frozenset({"closed", REFERRED_AS_MISCONDUCT}),
    # The answer the forms promise ("usually within 10 working days"), from reception or
    # from reopening.
    deadlines={ADVICE_ANSWER_DUE: frozenset({"received", "assigned"})},
)

MISCONDUCT_WORKFLOW: Final = Workflow(
    form="misconduct",
    initial="received",
    states=("received", "forwarded", "acknowledged", "forwarding_failed"),
    transitions=(
        _t("forward", {"received"}, "forwarded", SYSTEM,
           "The investigations office accepted the referral and gave its case id."),
        _t("mark_forwarding_failed", {"received"}, "forwarding_failed", SYSTEM,
           "The investigations office refused the referral (4xx) or the retry budget ran "
           "out: an officer must act."),
        _t(RETRY_FORWARDING, {"forwarding_failed"}, "received", OFFICER,
           "Forward the report again."),
        _t("acknowledge", {"forwarded"}, "acknowledged", OFFICER,
           "Record the investigations office's acknowledgement of the report."),
    ),
    closed=frozenset({"acknowledged"}),
)

# A retaliation request can be suspended while the Ethics Office holds it and before any
# external body does: not once it is with the Ethics Panel chair (panel_review_requested)
# or with the investigations office (referred_for_investigation and after, when the office
# owes an independent review of a finished investigation), and not after a determination
# (no_prima_facie waits for the complainant; the others close).
SUSPENDABLE: Final = frozenset({
    "received", "preliminary_review", "prima_facie_established", "returned", "reopened"})

# Interim protective measures may be recommended only while a prima facie case is open;
# those recommended may be updated (the Executive Director's decision, lifted) until the
# matter is closed; corrective measures are recommended, and updated, once retaliation is
# established.
PRIMA_FACIE_OPEN: Final = frozenset({
    "prima_facie_established", "referred_for_investigation",
    "investigation_report_received", "independent_review"})
PROTECTIVE_MEASURES_UPDATABLE: Final = PRIMA_FACIE_OPEN | {
    "retaliation_established", "not_substantiated"}
CORRECTIVE_MEASURES_OPEN: Final = frozenset({"retaliation_established"})

RETALIATION_WORKFLOW: Final = Workflow(
    form="retaliation",
    initial="received",
    states=(
        "received", "preliminary_review", "prima_facie_established",
        "referred_for_investigation", "investigation_report_received", "independent_review",
        "retaliation_established", "not_substantiated", "no_prima_facie",
        "panel_review_requested", "upheld", "returned", PANEL_WINDOW_LAPSED, "suspended",
        "reopened", "closed", REFERRED_AS_MISCONDUCT,
    ),
    transitions=(
        _t("start_preliminary_review", {"received"}, "preliminary_review", OFFICER,
           "Start the preliminary review: protected activity, adverse action, plausible link."),
        _t("establish_prima_facie", {"preliminary_review"}, "prima_facie_established",
           OFFICER, "The preliminary review found a prima facie case of retaliation."),
        _t("find_no_prima_facie", {"preliminary_review"}, "no_prima_facie", OFFICER,
           "The preliminary review found no prima facie case; the complainant is notified "
           "(on the follow-up page and by e-mail) and may ask the Ethics Panel chair for a "
           "review within the window that runs from that notification."),
        _t("refer_for_investigation", {"prima_facie_established"},
           "referred_for_investigation", OFFICER,
           "Refer the matter to the investigations office for investigation of the alleged "
           "retaliatory acts: a signed referral, forwarded as a misconduct report is."),
        _t("receive_investigation_report", {"referred_for_investigation"},
           "investigation_report_received", OFFICER,
           "The investigations office sent its investigation report."),
        _t("start_independent_review", {"investigation_report_received"},
           "independent_review", OFFICER, "Start the independent review of the report."),
        _t("establish_retaliation", {"independent_review"}, "retaliation_established",
           OFFICER, "Retaliation established: recommend corrective measures to the "
           "Executive Director."),
        _t("find_not_substantiated", {"independent_review"}, "not_substantiated", OFFICER,
           "Retaliation not substantiated: recommend closing the matter."),
        _t("request_panel_review", {"no_prima_facie"}, "panel_review_requested", OFFICER,
           "Record that the complainant asked the Ethics Panel chair to review the "
           "determination."),
        _t("record_panel_upheld", {"panel_review_requested"}, "upheld", OFFICER,
           "The Ethics Panel chair upheld the determination."),
        _t("record_panel_returned", {"panel_review_requested"}, "returned", OFFICER,
           "The Ethics Panel chair returned the matter for reconsideration."),
        _t("record_late_panel_request", {PANEL_WINDOW_LAPSED}, "panel_review_requested",
           OFFICER, "A request for the Ethics Panel chair's review reached the office after "
           "the window: record it, with the reason (the note) it is taken up.",
           requires={NOTE}),
        _t("resume_preliminary_review", {"returned", "reopened"}, "preliminary_review",
           OFFICER, "Take up the preliminary review again (its deadline runs from the return "
           "or the reopening)."),
        _t("suspend", SUSPENDABLE, "suspended", OFFICER,
           "Suspend the request, for a reason of taxonomy.SUSPENSION_REASONS: the complainant "
           "pursues a parallel complaint elsewhere, or confirms no retaliatory action "
           "happened and wants the concern on record only.", requires={REASON}),
        _t("reopen", {"suspended"}, "reopened", OFFICER,
           "Circumstances changed: reopen the suspended request."),
        _t("refer_as_misconduct", {"received", "preliminary_review"}, REFERRED_AS_MISCONDUCT,
           OFFICER, "The request is a misconduct allegation unrelated to retaliation: close it "
           "and forward it to the investigations office as a misconduct report of the type "
           "the officer states.", requires={ALLEGATION_TYPE}),
        _t("close", {"retaliation_established", "not_substantiated", "upheld",
                     PANEL_WINDOW_LAPSED}, "closed", OFFICER, "Close the matter."),
        _t("lapse_panel_window", {"no_prima_facie"}, PANEL_WINDOW_LAPSED, SYSTEM,
           "The window to ask for the panel's review passed without a request (sweep, once "
           "panel_review_request_due is past). Not closed for good: a late request can still "
           "be recorded."),
    ),
    closed=frozenset({"closed", REFERRED_AS_MISCONDUCT}),
    on_hold=frozenset({"suspended", PANEL_WINDOW_LAPSED}),
    deadlines={
        # From reception, and afresh from the moment a case is returned or reopened: a case
        # the office must take up again is never without a clock.
        PRELIMINARY_REVIEW_DUE: frozenset({"received", "preliminary_review", "returned",
                                           "reopened"}),
        # From the moment the complainant is notified of the determination, not before.
        PANEL_REVIEW_REQUEST_DUE: frozenset({"no_prima_facie"}),
    },
)

WORKFLOWS: Final[Mapping[str, Workflow]] = MappingProxyType({
    w.form: w for w in (ADVICE_WORKFLOW, MISCONDUCT_WORKFLOW, RETALIATION_WORKFLOW)})


def protective_measures_allowed(state: str) -> bool:
    """Whether interim protective measures may be recommended on a retaliation case now."""
    RETALIATION_WORKFLOW.allowed(state)  # UnknownState for a state that does not exist
    return state in PRIMA_FACIE_OPEN


def measures_allowed(state: str, purpose: str, *, new: bool) -> bool:
    """Whether a measure of ``purpose`` (protective or corrective) may be recommended
    (``new``) or updated on a retaliation case in ``state``."""
    RETALIATION_WORKFLOW.allowed(state)
    if purpose == "corrective":
        return state in CORRECTIVE_MEASURES_OPEN
    return state in (PRIMA_FACIE_OPEN if new else PROTECTIVE_MEASURES_UPDATABLE)
