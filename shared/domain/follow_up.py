"""The follow-up page: what a submitter is told about a case, the messages exchanged
with the Ethics Office, and the lockout of receipt checks.

``STATUSES`` is the one source of what a submitter reads about a case: for every state of
every form's workflow (checked complete at import), a short label and the next step, in
English source strings that the web layer translates. The texts say what happens next and
who acts, never an officer's name, a note or a detail of the case. They say only what the
system knows: a case is "passed to the investigations office" only once that office
accepted the referral (a state whose words depend on it has one status per referral
status), and nothing says what only that office knows, such as whether it investigates. A
referral that could not be delivered yet is described honestly but without alarm: the
case is stored and an officer is on it. A state this module does not know (stored by a
newer version, say) gets a plain fallback instead of an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

from shared.domain.case_workflows import REFERRED_AS_MISCONDUCT, WORKFLOWS
from shared.domain.records import CaseEvent, Forwarding
from shared.domain.workflow import Workflow

# Case history events that carry a message (details: message_id + sealed text, and the
# records of the files a submitter added with it).
REPLY_TO_SUBMITTER = "reply_to_submitter"
SUBMITTER_MESSAGE = "submitter_message"
MESSAGE_KINDS = (REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE)
SUBMITTER_ACTOR = "submitter"

# Receipt checks are limited twice. Per client and reference: the FAILURES_BEFORE_LOCK-th
# wrong code from one client pauses that client's checks of that reference for the lock
# period, and no one else's, so knowing a reference (it is meant to be quoted) is not
# enough to lock its owner out. Per reference, from every client together: past
# REFERENCE_FAILURES_BEFORE_PACING wrong codes in a lock period the reference is paced,
# one check per lock period / REFERENCE_FAILURES_BEFORE_PACING, so guessing from many
# networks stays bounded (a receipt code holds 80 random bits) while the owner is at
# most slowed, never shut out for the whole period.
FAILURES_BEFORE_LOCK = 5
REFERENCE_FAILURES_BEFORE_PACING = 200
MESSAGE_MAX_LENGTH = 20000


def message_details(message_id: str, sealed: Mapping[str, Any],
                    attachments: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The details of a message event: its id, its sealed text and its files, if any."""
    details: dict[str, Any] = {"message_id": message_id, "sealed": dict(sealed)}
    if attachments:
        details["attachments"] = [dict(a) for a in attachments]
    return details


def receipt_checks(reference: str) -> str:
    """The per-client counter (``RateLimiter`` bucket) of receipt checks of a reference."""
    return f"receipt_checks:{reference}"


@dataclass(frozen=True)
class Lockout:
    """The receipt checks counted in one window: those of one client on one reference
    (kept in the instance's memory), or those of every client on one reference (stored).

    A check is counted when it starts, before its slow hash, and stands as a failure unless
    its receipt matches and it is refunded. So at most ``limit`` wrong receipts are ever
    checked per counter per window, however many arrive at once, and a correct receipt
    gives back only its own attempt: it never erases failures counted by anyone else.
    ``since`` (the first attempt of the window) tells windows apart, so a refund cannot
    reach into a later one.
    """

    failures: int = 0
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None
    since: datetime | None = None

    def is_locked(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until

    def reserve(self, at: datetime, limit: int, lock_for: timedelta, *,
                pause: timedelta | None = None) -> Lockout | None:
        """The state after counting one more check at ``at``; None while locked (the check
        is refused and not counted).

        The ``limit``-th attempt locks for ``pause`` (``lock_for`` unless given) from
        ``at``, and so does every later one of the window: a short ``pause`` paces the
        checks instead of stopping them. A window ends ``lock_for`` after its last
        attempt, and the next attempt starts a new one.
        """
        if self.is_locked(at):
            return None
        stale = self.last_failure_at is None or at - self.last_failure_at >= lock_for
        failures = (0 if stale else self.failures) + 1
        since = at if stale else self.since
        locked_until = at + (lock_for if pause is None else pause) if failures >= limit else None
        return Lockout(failures, locked_until, at, since)

    def remaining(self, limit: int) -> int:
        """Wrong attempts left in this window before the lock."""
        return max(0, limit - self.failures)

    def refund(self, reserved: Lockout, limit: int) -> Lockout:
        """The state after giving back the one attempt that ``reserved`` (the state
        ``reserve`` returned for it) counted; unchanged if that window is over. The lock
        goes only if fewer than ``limit`` attempts are left counted."""
        if self.since != reserved.since or self.failures <= 0:
            return self
        failures = self.failures - 1
        return replace(self, failures=failures,
                       locked_until=self.locked_until if failures >= limit else None)


@dataclass(frozen=True)
class Attempt:
    """A receipt check as counted before it is made: ``granted`` with the state that
    counts it, or refused (nothing counted) with the state that locks the reference."""

    granted: bool
    lockout: Lockout


# Facts a status text may state (``SubmitterStatus.claims``): what the system knows about
# the case's referral to the investigations office. A text that says the office has the
# case claims REFERRAL_DELIVERED, and is shown only when the office accepted the referral;
# nothing claims what the system cannot know (that the office is investigating, say).
REFERRAL_PENDING = "referral_pending"
REFERRAL_DELIVERED = "referral_delivered"
REFERRAL_FAILED = "referral_failed"
CLAIMS = (REFERRAL_PENDING, REFERRAL_DELIVERED, REFERRAL_FAILED)


@dataclass(frozen=True)
class SubmitterStatus:
    """A case state in plain words: what it means and what happens next, and the facts
    (``CLAIMS``) the words state, which must hold whenever it is shown."""

    label: str
    next_step: str
    claims: frozenset[str] = frozenset()


# A state whose words depend on where the case's referral stands: one status per
# Forwarding.status (pending, delivered, failed).
ByReferral = Mapping[str, SubmitterStatus]


def _by_referral(*, pending: SubmitterStatus, delivered: SubmitterStatus,
                 failed: SubmitterStatus) -> ByReferral:
    return MappingProxyType({"pending": replace(pending, claims=frozenset({REFERRAL_PENDING})),
                             "delivered": replace(delivered,
                                                  claims=frozenset({REFERRAL_DELIVERED})),
                             "failed": replace(failed, claims=frozenset({REFERRAL_FAILED}))})


# Texts shared by several forms (one message each in the catalogues).
_RECEIVED = "Received"
_FORWARDED = "Passed to the investigations office"
_PASSING = "Being passed on to investigations"
_DELAYED = "Forwarding delayed"
_SENT_ON = "Information you add below is sent on to that office too."
_CLOSED = SubmitterStatus(
    "Closed",
    "The case is closed. If you have new information, add it below and the Ethics Office "
    "will read it.")
_DELAYED_STEP = (
    "Your case is safely stored. Passing it to the Office of Internal Audit and "
    "Investigations is taking longer than usual; an ethics officer is making sure it "
    "arrives.")

STATUSES: Final[Mapping[str, Mapping[str, SubmitterStatus | ByReferral]]] = MappingProxyType({
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
        REFERRED_AS_MISCONDUCT: _by_referral(
            pending=SubmitterStatus(
                _PASSING,
                "Your request describes possible misconduct, which the Ethics Office does "
                "not investigate itself. With your agreement, it closed the request and is "
                "passing it to the Office of Internal Audit and Investigations."),
            delivered=SubmitterStatus(
                _FORWARDED,
                "With your agreement, the Ethics Office closed your request and passed it to "
                "the Office of Internal Audit and Investigations, which received it and "
                "assesses every allegation. " + _SENT_ON),
            failed=SubmitterStatus(_DELAYED, _DELAYED_STEP)),
    }),
    "misconduct": MappingProxyType({
        "received": SubmitterStatus(
            _RECEIVED,
            "Your report will be passed to the Office of Internal Audit and Investigations, "
            "which assesses every allegation. Information you add below goes with it."),
        "forwarded": SubmitterStatus(
            _FORWARDED,
            "The Office of Internal Audit and Investigations received your report and "
            "decides whether to investigate. " + _SENT_ON, frozenset({REFERRAL_DELIVERED})),
        "acknowledged": SubmitterStatus(
            "Receipt confirmed",
            "The Office of Internal Audit and Investigations has confirmed that it received "
            "your report. Any further steps are for that office to decide. " + _SENT_ON,
            frozenset({REFERRAL_DELIVERED})),
        "forwarding_failed": SubmitterStatus(_DELAYED, _DELAYED_STEP,
                                             frozenset({REFERRAL_FAILED})),
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
        "referred_for_investigation": _by_referral(
            pending=SubmitterStatus(
                "Being referred for investigation",
                "The Ethics Office is referring the retaliatory acts you reported to the "
                "Office of Internal Audit and Investigations for investigation. It remains "
                "your contact, including for measures to protect you."),
            delivered=SubmitterStatus(
                "Referred for investigation",
                "The Office of Internal Audit and Investigations received the matter for "
                "investigation. The Ethics Office remains your contact, including for "
                "measures to protect you. " + _SENT_ON),
            failed=SubmitterStatus(
                "Referral delayed",
                "Passing the matter to the Office of Internal Audit and Investigations is "
                "taking longer than usual; an ethics officer is making sure it arrives. The "
                "Ethics Office remains your contact.")),
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
            "ask the Chair of the Ethics Panel of the United Nations to review it, within "
            "the time limit that runs from the day you were told of it."),
        "panel_window_lapsed": SubmitterStatus(
            "Time limit for a review passed",
            "The time limit to ask the Chair of the Ethics Panel of the United Nations for a "
            "review has passed. If your request reached the office late, say so below: an "
            "ethics officer can still record it."),
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
        REFERRED_AS_MISCONDUCT: _by_referral(
            pending=SubmitterStatus(
                _PASSING,
                "Your complaint concerns possible misconduct rather than retaliation. The "
                "Ethics Office closed it and is passing it to the Office of Internal Audit "
                "and Investigations."),
            delivered=SubmitterStatus(
                _FORWARDED,
                "Your complaint concerns possible misconduct rather than retaliation. The "
                "Ethics Office closed it; the Office of Internal Audit and Investigations "
                "received it and assesses every allegation. " + _SENT_ON),
            failed=SubmitterStatus(_DELAYED, _DELAYED_STEP)),
    }),
})

FALLBACK = SubmitterStatus(
    "In progress",
    "The Ethics Office is working on your case. Check this page again for replies.")


def submitter_status(state: str, form: str, referral: str | None = None) -> SubmitterStatus:
    """What the submitter is told about a case in ``state`` whose referral to the
    investigations office stands at ``referral`` (``pending``, ``delivered``, ``failed``:
    ``referral_fact``; None without one, read as pending); a fallback for a state (or a
    form) this module does not know."""
    found = STATUSES.get(form, {}).get(state, FALLBACK)
    if isinstance(found, SubmitterStatus):
        return found
    return found.get(referral or "pending", FALLBACK)


def referral_fact(forwarding: Forwarding | None) -> str | None:
    """Where the referral itself stands, as the submitter is told: ``delivered`` once the
    investigations office accepted it, ``failed`` while a failure waits for an officer,
    ``pending`` on its way; None without a referral. (A supplement's delivery is the
    office's concern: it does not change what the submitter is told of the referral.)"""
    if forwarding is None:
        return None
    if forwarding.forwarded_at is not None:
        return "delivered"
    return "failed" if forwarding.failure else "pending"


def _flat(entry: SubmitterStatus | ByReferral) -> list[SubmitterStatus]:
    return [entry] if isinstance(entry, SubmitterStatus) else list(entry.values())


def all_statuses() -> list[SubmitterStatus]:
    """Every status, each once, the fallback last (for translation catalogues)."""
    found = [status for states in STATUSES.values() for entry in states.values()
             for status in _flat(entry)]
    return [*dict.fromkeys(found), FALLBACK]


def missing_statuses(statuses: Mapping[str, Mapping[str, SubmitterStatus | ByReferral]],
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


@dataclass(frozen=True)
class Visit:
    """When the submitter opened their case on the follow-up page: now, and the time
    before, which "what changed since your last visit" counts from."""

    current: datetime
    previous: datetime | None = None


def visited(previous: Visit | None, at: datetime) -> Visit:
    """The visit record after opening the case at ``at``."""
    return Visit(at, previous.current if previous is not None else None)


@dataclass(frozen=True)
class Change:
    """Something the submitter did not see yet: the case moved to a new status, or the
    office replied; and when."""

    at: datetime
    status: SubmitterStatus | None = None  # a new status; None for a reply


def changes_since(events: Iterable[CaseEvent], since: datetime | None, form: str,
                  referral: str | None) -> tuple[Change, ...]:
    """What changed after the submitter's previous visit (nothing before a first visit):
    each change of state, in the submitter's words, and each reply of the office. Internal
    events (alerts, notes, assignments) are not changes the submitter is told of."""
    if since is None:
        return ()
    found: list[Change] = []
    for event in sorted(events, key=lambda e: e.seq):
        if event.at <= since:
            continue
        if event.kind == REPLY_TO_SUBMITTER:
            found.append(Change(event.at))
        elif event.to_state is not None and event.to_state != event.from_state \
                and event.kind != "received":
            found.append(Change(event.at, submitter_status(event.to_state, form, referral)))
    return tuple(found)
