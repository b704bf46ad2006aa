"""The workflow engine: a form's states and the transitions allowed between them, as data.

A case's state is a plain string stored on the case; every case starts in ``received``
(triage does not change it). ``Workflow.apply`` is the one place a transition is checked:
the tables (``shared.domain.case_workflows``) are the whole of the rules, there is no other
if-chain about states.

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
OFFICER: Final = "officer"
SYSTEM: Final = "system"

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
