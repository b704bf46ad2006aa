"""Reports taken by an officer on the reporter's behalf (proxy intake).

A report received by telephone, in person, on a mission, by post or by e-mail is recorded by
an officer through the same schema, triage and forwarding as a form submission. What differs
is recorded on the case: the channel it came by, and the day it was *received*, from which
every clock runs (not the moment of entry). The reporter gets a reference and a receipt code;
on the follow-up page they read the officer's record and confirm it or ask for a correction,
and that answer is in the case's history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.records import Case, CaseChange, Happened, record

# The channel of a submission through a public form.
WEB = "web"
# The channels an officer records a report from.
PROXY_CHANNELS = ("telephone", "in_person", "mission", "post", "email")
CHANNELS = (WEB, *PROXY_CHANNELS)

# Where the reporter's review of the officer's record stands (``Case.record_review``).
REVIEW_PENDING = "pending"
REVIEW_CONFIRMED = "confirmed"
REVIEW_CORRECTION_REQUESTED = "correction_requested"
REVIEW_STATES = (REVIEW_PENDING, REVIEW_CONFIRMED, REVIEW_CORRECTION_REQUESTED)

# What the reporter answers on the follow-up page, and the history event of each answer.
CONFIRM = "confirm"
CORRECT = "correct"
REVIEW_EVENTS = {CONFIRM: "record_confirmed", CORRECT: "record_correction_requested"}
_REVIEW_STATE = {CONFIRM: REVIEW_CONFIRMED, CORRECT: REVIEW_CORRECTION_REQUESTED}
REVIEWER = "submitter"


class ReceivedInFuture(ValueError):
    """The day a report was received is after today."""


@dataclass(frozen=True)
class ProxyRecord:
    """An officer's record of a report received outside the forms."""

    channel: str
    received_on: date
    recorded_by: str  # the officer's e-mail

    def __post_init__(self) -> None:
        if self.channel not in PROXY_CHANNELS:
            raise ValueError(f"not a proxy channel: {self.channel!r}")

    def received_at(self, now: datetime) -> datetime:
        """The moment every clock of the case runs from: the start (UTC) of the day the
        report was received. A day ahead of UTC's (an office east of UTC, after midnight
        there) is ``now``: never after the entry; more is refused."""
        if self.received_on > now.date() + timedelta(days=1):
            raise ReceivedInFuture(self.received_on.isoformat())
        if self.received_on > now.date():
            return now
        return datetime.combine(self.received_on, time(0), tzinfo=UTC)


def reviewed(case: Case, answer: str, at: datetime, *,
             message_seq: int | None = None) -> CaseChange:
    """The reporter's answer to the officer's record: the case's review state and an event
    in its history (naming the message that says what to correct, if any). A case not taken
    by an officer has no record to review: unchanged, with result False."""
    if case.channel == WEB or case.record_review is None or answer not in REVIEW_EVENTS:
        return CaseChange.unchanged(case, result=False)
    details: dict[str, object] = {"channel": case.channel, "answer": answer}
    if message_seq is not None:
        details["message_seq"] = message_seq
    updated, events = record(case, at, [Happened(REVIEW_EVENTS[answer], REVIEWER, details)],
                             record_review=_REVIEW_STATE[answer])
    return CaseChange(updated, events, result=True)


def with_channel(case: Case, record_: ProxyRecord | None) -> Case:
    """The new case of a submission, with its channel (and a pending review if an officer
    recorded it)."""
    if record_ is None:
        return case
    return replace(case, channel=record_.channel, record_review=REVIEW_PENDING)
