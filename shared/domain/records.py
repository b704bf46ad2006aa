"""What the system keeps: submissions, cases, their history, and pending work.

Plain dataclasses; adapters turn them into documents or rows. Nothing here holds identity or
narrative in clear: that lives only inside ``Submission.sealed``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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

    @property
    def key(self) -> str:
        return pending_key(self.kind, self.submission_id)


def pending_key(kind: str, submission_id: str) -> str:
    """Document id of the pending task of ``kind`` for a submission."""
    return f"{kind}-{submission_id}"


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
