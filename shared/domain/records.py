"""What the system keeps: submissions, cases, their history, and pending work.

Plain dataclasses; adapters turn them into documents or rows. Nothing here holds identity or
narrative in clear: that lives only inside ``Submission.sealed``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from shared.domain.recusal import NamedIndex

JSON = dict[str, Any]


@dataclass(frozen=True)
class Submission:
    """A validated submission as stored: classification in clear, everything else sealed."""

    id: str
    form: str
    reference: str
    received_at: datetime
    clear: JSON
    sealed: JSON
    anonymous: bool
    request_digest: str
    receipt_hash: str | None = None
    # The signed proof of submission given to the submitter (docs/proof-format.md): codes,
    # a time and a digest, nothing sealed. None for submissions stored before proofs.
    proof: str | None = None
    # Until when ``request_digest`` (the idempotency record) is kept; after that it is
    # cleared, and the idempotency key answers a retry no more (docs/retention.md).
    replay_until: datetime | None = None
    # When it was stored, if not when it was received: a report an officer recorded on the
    # reporter's behalf is received on an earlier day than it is entered.
    entered_at: datetime | None = None


class UnknownSubmission(LookupError):
    """A task names a submission that is not stored (every task target raises it)."""


@dataclass(frozen=True)
class Triage:
    """How a case was classified, prioritised and routed."""

    priority: str
    route: str
    category: str
    triaged_at: datetime
    deadlines: Mapping[str, datetime] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    forward_to_investigations: bool = False


# What a referral asks of the investigations office (``Forwarding.matter``): to assess a
# misconduct allegation (a misconduct report, or a case closed as misconduct), or to
# investigate the alleged retaliatory acts of a prima facie case of retaliation.
MISCONDUCT_MATTER = "misconduct"
RETALIATION_MATTER = "retaliation"
MATTERS = (MISCONDUCT_MATTER, RETALIATION_MATTER)

# Where a case's referral stands (``Forwarding.status``), across the referral and its
# supplements: what officers list and retry, and what the submitter is told.
REFERRAL_PENDING = "pending"
REFERRAL_DELIVERED = "delivered"
REFERRAL_FAILED = "failed"
REFERRAL_STATUSES = (REFERRAL_PENDING, REFERRAL_DELIVERED, REFERRAL_FAILED)


@dataclass(frozen=True)
class Supplement:
    """Information the submitter added to a referred case, sent on to the investigations
    office as a supplement to the same referral, attempt by attempt. Registered when its
    delivery task first runs; delivered only after the referral itself."""

    supplement_id: str
    message_id: str
    attempts: int = 0
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    failure: str | None = None


@dataclass(frozen=True)
class Forwarding:
    """The referral of a case to the investigations office, attempt by attempt, and the
    supplements that followed it."""

    referral_id: str
    urgent: bool = False
    attempts: int = 0
    last_attempt_at: datetime | None = None
    investigations_case_id: str | None = None
    forwarded_at: datetime | None = None
    failure: str | None = None
    matter: str = MISCONDUCT_MATTER
    # The allegation type an officer stated on closing a case as misconduct (None: the
    # report's own, or a referral of a retaliation matter).
    allegation_type: str | None = None
    supplements: tuple[Supplement, ...] = ()

    @property
    def status(self) -> str:
        """``failed`` if the referral or a supplement failed (an officer must retry it);
        ``pending`` while something is still to be delivered; else ``delivered``."""
        if self.failure or any(s.failure for s in self.supplements):
            return REFERRAL_FAILED
        if self.forwarded_at is None or any(s.delivered_at is None for s in self.supplements):
            return REFERRAL_PENDING
        return REFERRAL_DELIVERED

    def supplement(self, message_id: str) -> Supplement | None:
        return next((s for s in self.supplements if s.message_id == message_id), None)


@dataclass(frozen=True)
class ProtectiveMeasure:
    """A measure recommended to the Executive Director: an interim protective measure
    (``purpose`` protective) or, once retaliation is established, a corrective one; with
    the Executive Director's decision on it once it is known."""

    measure_id: str
    kind: str
    recommended_on: str  # ISO date
    outcome: str
    purpose: str = "protective"
    decision: str | None = None  # taxonomy.MEASURE_DECISIONS
    decided_on: str | None = None  # ISO date


@dataclass(frozen=True)
class Case:
    reference: str
    submission_id: str
    form: str
    state: str
    received_at: datetime
    updated_at: datetime
    event_count: int
    triage: Triage | None = None
    deadlines: Mapping[str, datetime] = field(default_factory=dict)
    assignee: str | None = None
    forwarding: Forwarding | None = None
    # Notification items already sent, so a redelivered task does not send twice.
    notifications_sent: tuple[str, ...] = ()
    # Deadline alerts already raised (DeadlineAlert.key), so each is raised once.
    alerts_sent: tuple[str, ...] = ()
    measures: tuple[ProtectiveMeasure, ...] = ()
    # The blind index of the people the case names (recusal), set at triage; None before
    # (or for a case triaged before the index existed, until `intake recusal-index`).
    named_index: NamedIndex | None = None
    # Retention (shared.domain.retention): when the case's records are due for deletion
    # (None while the case is open, or held), whether a legal hold keeps it, whether its
    # one extension was used, and when it was purged (the case is then a tombstone).
    purge_after: datetime | None = None
    held: bool = False
    extended: bool = False
    purged_at: datetime | None = None
    # Crypto-shredding: the purge month whose retention key wraps the data keys of the
    # case's sealed values (None: its purposes' keys), as of the event count then.
    sealed_for: str | None = None
    sealed_through: int = 0
    # How the report reached the office (proxy_intake.CHANNELS): "web" for the forms, else
    # the channel an officer recorded it from, with the reporter's review of that record.
    channel: str = "web"
    record_review: str | None = None
    # The named submitter asked to be e-mailed (no content) when the case changes state.
    state_mail: bool = False
    # Officers an administrator recused by hand (their addresses, normalised): the case is
    # theirs no more than a case that names them.
    recused: tuple[str, ...] = ()


def next_deadline(case: Case) -> datetime | None:
    """The earliest of the case's deadlines, if it has any."""
    return min(case.deadlines.values(), default=None)


def feedback_due(case: Case) -> datetime | None:
    """When the feedback owed to the reporter is due, while it is still owed."""
    return case.deadlines.get("feedback_due")


def referral_status(case: Case) -> str | None:
    """Where the case's referral stands (``Forwarding.status``); None without one."""
    return case.forwarding.status if case.forwarding else None


@dataclass(frozen=True)
class CaseQuery:
    """Which cases to list; every given criterion must hold. Newest first, or the most
    urgent first when ``due_before`` (or ``feedback_due_before``: not both) is given."""

    form: str | None = None
    state: str | None = None
    assignee: str | None = None
    due_before: datetime | None = None  # the earliest deadline is before this time
    # The feedback owed to the reporter is due before this time (and not yet given).
    feedback_due_before: datetime | None = None
    referral: str | None = None  # Forwarding.status of the case's referral
    # Due for purge before this time, soonest first; held and purged cases are never due.
    # The other criteria narrow the first ``limit`` cases due (a store lists those by their
    # date alone, then keeps the ones that ``matches``).
    purge_before: datetime | None = None
    # Only the cases whose sealed values must be wrapped again for retention
    # (shared.domain.retention.rekey_needed); on its own too.
    rekey: bool = False
    limit: int = 100

    def __post_init__(self) -> None:
        if self.due_before is not None and self.feedback_due_before is not None:
            raise ValueError("list by the earliest deadline or by the feedback due, not both")
        if self.rekey and (self.purge_before is not None or any(
                v is not None for v in (self.form, self.state, self.assignee, self.due_before,
                                        self.feedback_due_before, self.referral))):
            raise ValueError("the cases to wrap again are listed on their own")


def matches(case: Case, query: CaseQuery) -> bool:
    """Whether the case meets the query's criteria other than its purge date."""
    due = next_deadline(case)
    return ((query.form is None or case.form == query.form)
            and (query.state is None or case.state == query.state)
            and (query.assignee is None or case.assignee == query.assignee)
            and (query.referral is None or referral_status(case) == query.referral)
            and (query.due_before is None or (due is not None and due < query.due_before))
            and (query.feedback_due_before is None or (
                (owed := feedback_due(case)) is not None and owed < query.feedback_due_before)))


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's append-only history. ``details`` never holds identity or narrative."""

    seq: int
    at: datetime
    kind: str
    actor: str
    from_state: str | None = None
    to_state: str | None = None
    details: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class PendingTask:
    """Work stored together with the record it is about, until a handler completes it.

    ``sweep`` re-queues a pending task whose last enqueue is older than the grace period,
    under a new ``generation`` so the queue's name de-duplication does not swallow it.
    """

    kind: str
    submission_id: str
    reference: str
    created_at: datetime
    last_enqueued_at: datetime
    generation: int = 0
    # Which piece of work of this kind (e.g. which notification); "" when there is one.
    item: str = ""
    urgent: bool = False

    @property
    def key(self) -> str:
        return pending_key(self.kind, self.submission_id, self.item)


def pending_key(kind: str, submission_id: str, item: str = "") -> str:
    """Document id of the pending task of ``kind`` (and ``item``) for a submission."""
    return f"{kind}-{submission_id}" + (f"-{item}" if item else "")


@dataclass(frozen=True)
class CaseChange:
    """What one atomic update does to a case: its new version, the history events it
    appends, the pending work it adds and removes, and a result for the caller."""

    case: Case
    events: tuple[CaseEvent, ...] = ()
    add_pending: tuple[PendingTask, ...] = ()
    remove_pending: tuple[str, ...] = ()
    result: Any = None
    write_case: bool = True
    # The case's content goes in the same write: its submission's sealed values and the
    # sealed details of its history (shared.domain.retention.purged).
    purge: bool = False

    @classmethod
    def unchanged(cls, case: Case, *, remove_pending: tuple[str, ...] = (),
                  result: Any = None) -> CaseChange:
        """Leave the case as it is (a redelivery, work already done), possibly clearing
        pending work."""
        return cls(case, remove_pending=remove_pending, result=result, write_case=False)


class Happened(NamedTuple):
    """Something to add to a case's history: what, by whom, details, and the state it moves
    the case to (None when the state does not change)."""

    kind: str
    actor: str
    details: JSON
    to_state: str | None = None


def record(case: Case, at: datetime, happenings: Sequence[Happened],
           **fields: Any) -> tuple[Case, tuple[CaseEvent, ...]]:
    """The case with ``fields`` changed and ``happenings`` appended to its history in order;
    the last state change, if any, becomes the case's state."""
    state, seq, events = case.state, case.event_count, []
    for happened in happenings:
        seq += 1
        events.append(CaseEvent(seq=seq, at=at, kind=happened.kind, actor=happened.actor,
                                from_state=state if happened.to_state else None,
                                to_state=happened.to_state, details=happened.details))
        if happened.to_state:
            state = happened.to_state
    return (replace(case, state=state, updated_at=at, event_count=seq, **fields),
            tuple(events))


@dataclass(frozen=True)
class Task:
    """A unit of work for a task queue: ``name`` de-duplicates, ``target`` is a function name."""

    queue: str
    name: str
    target: str
    payload: JSON


def jsonable(value: Any) -> Any:
    """The JSON form of validated data: dates become ISO strings, tuples lists."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None or kind is float:
        return value  # the common case first: this runs on every submission
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def canonical_json(value: Any) -> bytes:
    """A stable byte form of JSON-ready data (see ``jsonable``), for digests."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
