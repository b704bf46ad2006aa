"""Which retaliation outcome a case stands at, from its workflow state.

The annual report gives one outcome per retaliation complaint of the year (the 2024 report:
14 requests = 3 prima facie + 5 not + 2 under review + 3 suspended + 1 closed as misconduct).
Imported records carry their outcome code; a complaint that came through the form takes the
outcome of its case's workflow state through ``CASE_STATE_OUTCOMES``. A state missing from
the mapping (``received``, a state the workflow adds later) counts as ``under_review``: the
complaint has no outcome yet.

Issue 4 builds the case workflow: extend the mapping with its states. Only states whose
outcome is not ``under_review`` need an entry; the report asks for a count per entry.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

NO_OUTCOME_YET: Final = "under_review"

CASE_STATE_OUTCOMES: Final = MappingProxyType({
    # The workflow's own names for its end points are expected to be the outcome codes.
    "prima_facie_established": "prima_facie_established",
    "no_prima_facie": "no_prima_facie",
    "suspended": "suspended",
    "closed_referred_misconduct": "closed_referred_misconduct",
    "retaliation_established": "retaliation_established",
    "not_substantiated": "not_substantiated",
    # States still under review, listed for readers; they fall to NO_OUTCOME_YET anyway.
    "received": NO_OUTCOME_YET,
    "preliminary_review": NO_OUTCOME_YET,
    "reopened": NO_OUTCOME_YET,
})

def outcome_of_case_state(state: str) -> str:
    """The outcome code of a retaliation case in ``state``."""
    return CASE_STATE_OUTCOMES.get(state, NO_OUTCOME_YET)


def states_with_outcome() -> tuple[str, ...]:
    """The states the report counts one by one: those with an outcome other than
    ``under_review`` (the rest of the year's cases are under review)."""
    return tuple(s for s, o in CASE_STATE_OUTCOMES.items() if o != NO_OUTCOME_YET)
