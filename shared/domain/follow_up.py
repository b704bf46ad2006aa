"""The anonymous follow-up: what a submitter is told about a case, the messages exchanged
with the Ethics Office, and the lockout of receipt checks.

``STATUSES`` is the one source of what a submitter reads about a case: for every state of
every form's workflow (checked complete at import), a short label and the next step, in
English source strings that the web layer translates. The texts say what happens next and
who acts, never an officer's name, a note or a detail of the case. A misconduct report that
could not be forwarded yet is described honestly but without alarm: it is stored and an
officer is on it. A state this module does not know (stored by a newer version, say) gets a
plain fallback instead of an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Final

from shared.domain.workflow import REFERRED_AS_MISCONDUCT, WORKFLOWS, Workflow

# Case history events that carry a message (details: message_id + sealed text).
REPLY_TO_SUBMITTER = "reply_to_submitter"
SUBMITTER_MESSAGE = "submitter_message"
MESSAGE_KINDS = (REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE)
SUBMITTER_ACTOR = "submitter"

FAILURES_BEFORE_LOCK = 5
MESSAGE_MAX_LENGTH = 20000


@dataclass(frozen=True)
class Lockout:
    """Failed receipt checks of one reference."""

    failures: int = 0
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None

    def is_locked(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until

    def after_failure(self, at: datetime, limit: int, lock_for: timedelta) -> Lockout:
        """The state after one more failed check at ``at``.

        The ``limit``-th failure locks the reference for ``lock_for``; failures older than
        ``lock_for`` are forgotten, and a check made while locked is not counted.
        """
        if self.is_locked(at):
            return self
        stale = self.last_failure_at is None or at - self.last_failure_at >= lock_for
        failures = (0 if stale else self.failures) + 1
        if failures >= limit:
            return Lockout(0, at + lock_for, at)
        return Lockout(failures, None, at)


@dataclass(frozen=True)
class SubmitterStatus:
    """A case state in plain words: what it means and what happens next."""

    label: str
    next_step: str


# Texts shared by several forms (one message each in the catalogues).
_RECEIVED = "Received"
_FORWARDED = "Forwarded to investigations"
_CLOSED = SubmitterStatus(
    "Closed",
    "The case is closed. If you have new information, add it below and the Ethics Office "
    "will read it.")

STATUSES: Final[Mapping[str, Mapping[str, SubmitterStatus]]] = MappingProxyType({
    "advice": MappingProxyType({
        "received": SubmitterStatus(
            _RECEIVED,
            "An ethics adviser will read your request and answer on this page."),
        "assigned": SubmitterStatus(
            "Being handled",
            "An ethics officer is handling your case. Replies will appear on this page."),
        "answered": SubmitterStatus(
            "Answered",
            "The Ethics Office has replied: read the reply below. You can still add "
            "information."),
        "closed": _CLOSED,
        REFERRED_AS_MISCONDUCT: SubmitterStatus(
            _FORWARDED,
            "Your request describes possible misconduct, which the Ethics Office does not "
            "investigate itself. With your agreement, the Ethics Office closed the request "
            "and passed it to the Office of Internal Audit and Investigations, which assesses "
            "every allegation."),
    }),
    "misconduct": MappingProxyType({
        "received": SubmitterStatus(
            _RECEIVED,
            "Your report will be forwarded to the Office of Internal Audit and "
            "Investigations, which assesses every allegation."),
        "forwarded": SubmitterStatus(
            _FORWARDED,
            "Your report was forwarded to the Office of Internal Audit and Investigations, "
            "which decides whether to investigate."),
        "acknowledged": SubmitterStatus(
            "Receipt confirmed",
            "The Office of Internal Audit and Investigations has confirmed that it received "
            "your report. Any further steps are for that office to decide."),
        "forwarding_failed": SubmitterStatus(
            "Forwarding delayed",
            "Your report is safely stored. Passing it to the Office of Internal Audit and "
            "Investigations is taking longer than usual; an ethics officer is making sure "
            "it arrives."),
    }),
    "retaliation": MappingProxyType({
        "received": SubmitterStatus(
            _RECEIVED,
            "The Ethics Office will start a preliminary review of your complaint."),
        "preliminary_review": SubmitterStatus(
            "Preliminary review",
            "The Ethics Office is reviewing whether there is a prima facie case of "
            "retaliation. You may be asked for more information."),
        "prima_facie_established": SubmitterStatus(
            "Prima facie case found",
            "The preliminary review found a prima facie case of retaliation. The Ethics "
            "Office will refer the matter to the Office of Internal Audit and Investigations "
            "for investigation, and can recommend interim measures to protect you."),
        "referred_for_investigation": SubmitterStatus(
            "Under investigation",
            "The Office of Internal Audit and Investigations is investigating the matter. "
            "The Ethics Office remains your contact, including for measures to protect "
            "you."),
        "investigation_report_received": SubmitterStatus(
            "Investigation report received",
            "The investigation report has reached the Ethics Office, which will review it "
            "independently before making its final determination."),
        "independent_review": SubmitterStatus(
            "Independent review",
            "The Ethics Office is reviewing the investigation report independently before "
            "making its final determination. It will inform you of the outcome."),
        "retaliation_established": SubmitterStatus(
            "Retaliation established",
            "The Ethics Office has determined that retaliation took place and has "
            "recommended corrective measures. It will inform you in writing."),
        "not_substantiated": SubmitterStatus(
            "Not substantiated",
            "The Ethics Office has determined that retaliation was not substantiated. It "
            "will inform you of its reasons in writing."),
        "no_prima_facie": SubmitterStatus(
            "No prima facie case found",
            "The preliminary review did not find a prima facie case of retaliation. You may "
            "ask the Chair of the Ethics Panel of the United Nations to review this "
            "determination within the time limit given in your notification."),
        "panel_review_requested": SubmitterStatus(
            "Under review by the Ethics Panel Chair",
            "At your request, the Chair of the Ethics Panel of the United Nations is "
            "reviewing the determination. You will be informed of the Chair's decision."),
        "upheld": SubmitterStatus(
            "Determination upheld",
            "The Chair of the Ethics Panel of the United Nations upheld the determination. "
            "The Ethics Office will close the matter."),
        "returned": SubmitterStatus(
            "Returned for reconsideration",
            "The Chair of the Ethics Panel of the United Nations returned the matter to the "
            "Ethics Office, which will take up its preliminary review again."),
        "suspended": SubmitterStatus(
            "Suspended",
            "The case is on hold. It can be reopened if circumstances change: add "
            "information below if they have."),
        "reopened": SubmitterStatus(
            "Reopened",
            "The case has been reopened. The Ethics Office will take up its preliminary "
            "review again."),
        "closed": _CLOSED,
        REFERRED_AS_MISCONDUCT: SubmitterStatus(
            _FORWARDED,
            "Your complaint concerns possible misconduct rather than retaliation. The Ethics "
            "Office closed it and passed it to the Office of Internal Audit and "
            "Investigations, which assesses every allegation."),
    }),
})

FALLBACK = SubmitterStatus(
    "In progress",
    "The Ethics Office is working on your case. Check this page again for replies.")


def submitter_status(state: str, form: str) -> SubmitterStatus:
    """What the submitter is told about a case in ``state``; a fallback for a state (or a
    form) this module does not know."""
    return STATUSES.get(form, {}).get(state, FALLBACK)


def all_statuses() -> list[SubmitterStatus]:
    """Every status, each once, the fallback last (for translation catalogues)."""
    found = [status for states in STATUSES.values() for status in states.values()]
    return [*dict.fromkeys(found), FALLBACK]


def missing_statuses(statuses: Mapping[str, Mapping[str, SubmitterStatus]],
                     workflows: Mapping[str, Workflow]) -> list[str]:
    """What a status table lacks, or has too many, against the workflows (empty: none)."""
    problems = []
    for form in sorted(set(workflows) | set(statuses)):
        wanted = set(workflows[form].states) if form in workflows else set()
        have = set(statuses.get(form, {}))
        problems += [f"{form}: no status for state {s!r}" for s in sorted(wanted - have)]
        problems += [f"{form}: status for unknown state {s!r}" for s in sorted(have - wanted)]
    return problems


def _check_every_state_has_a_status() -> None:
    problems = missing_statuses(STATUSES, WORKFLOWS)
    if problems:
        raise ValueError("submitter statuses: " + "; ".join(problems))


_check_every_state_has_a_status()
