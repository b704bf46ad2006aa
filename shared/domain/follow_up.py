"""The anonymous follow-up: what a submitter is told about a case, the messages exchanged
with the Ethics Office, and the lockout of receipt checks.

English source strings; the web layer translates them. States a submitter may see come
from the case workflow, which grows over time: a state this module does not know gets a
plain fallback instead of an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Case history events that carry a message (details: message_id + sealed text).
REPLY_TO_SUBMITTER = "reply_to_submitter"
SUBMITTER_MESSAGE = "submitter_message"
MESSAGE_KINDS = (REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE)
SUBMITTER_ACTOR = "submitter"

FAILURES_BEFORE_LOCK = 5
MESSAGE_MAX_LENGTH = 5000


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


_RECEIVED = {
    "advice": SubmitterStatus(
        "Received",
        "An ethics adviser will read your request and answer on this page."),
    "misconduct": SubmitterStatus(
        "Received",
        "Your report will be forwarded to the Office of Internal Audit and Investigations, "
        "which assesses every allegation."),
    "retaliation": SubmitterStatus(
        "Received",
        "The Ethics Office will start a preliminary review of your complaint."),
}

STATES = {
    "assigned": SubmitterStatus(
        "Being handled",
        "An ethics officer is handling your case. Replies will appear on this page."),
    "answered": SubmitterStatus(
        "Answered",
        "The Ethics Office has replied: read the reply below. You can still add "
        "information."),
    "preliminary_review": SubmitterStatus(
        "Preliminary review",
        "The Ethics Office is reviewing whether there is a prima facie case of "
        "retaliation. You may be asked for more information."),
    "forwarded": SubmitterStatus(
        "Forwarded to investigations",
        "Your report was forwarded to the Office of Internal Audit and Investigations, "
        "which decides whether to investigate."),
    "suspended": SubmitterStatus(
        "Suspended",
        "The case is on hold. It can be reopened if circumstances change: add "
        "information below if they have."),
    "closed": SubmitterStatus(
        "Closed",
        "The case is closed. If you have new information, add it below and the Ethics "
        "Office will read it."),
}

FALLBACK = SubmitterStatus(
    "In progress",
    "The Ethics Office is working on your case. Check this page again for replies.")


def submitter_status(state: str, form: str) -> SubmitterStatus:
    """What the submitter is told about a case in ``state``; a fallback for unknown states."""
    if state == "received":
        return _RECEIVED.get(form, FALLBACK)
    return STATES.get(state, FALLBACK)


def all_statuses() -> list[SubmitterStatus]:
    """Every status text (for translation catalogues)."""
    return [*_RECEIVED.values(), *STATES.values(), FALLBACK]
