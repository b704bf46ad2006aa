"""When measures may be recommended to the Executive Director on a retaliation case, and
updated: interim protective measures while a prima facie case is open, corrective ones once
retaliation is established."""

from __future__ import annotations

from typing import Final

from shared.domain.case_workflows import RETALIATION_WORKFLOW

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
