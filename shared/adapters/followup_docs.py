"""Lockout counters and visits as documents, shared by the follow-up store adapters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.adapters.documents import timestamp
from shared.domain.follow_up import Lockout, Visit


def lockout_doc(lockout: Lockout, lock_for: timedelta,
                keep_for: timedelta = timedelta(0)) -> dict[str, Any]:
    """The counter as stored. ``expires_at``: when the retention schedule deletes it
    (``keep_for`` after its last attempt or lock, never while it still counts: a TTL
    policy on this field on Firestore, sweep on SQLite)."""
    last = lockout.locked_until or lockout.last_failure_at
    return {"failures": lockout.failures, "locked_until": lockout.locked_until,
            "last_failure_at": lockout.last_failure_at, "since": lockout.since,
            "expires_at": last + max(lock_for, keep_for) if last is not None else None}


def refund_fields(lockout: Lockout) -> dict[str, Any]:
    """What a refund changes in a stored counter (its expiry may stay as late as it was)."""
    return {"failures": lockout.failures, "locked_until": lockout.locked_until}


def lockout_from_doc(doc: dict[str, Any]) -> Lockout:
    def moment(value: Any) -> datetime | None:
        return None if value is None else timestamp(value)

    return Lockout(failures=int(doc.get("failures", 0)),
                   locked_until=moment(doc.get("locked_until")),
                   last_failure_at=moment(doc.get("last_failure_at")),
                   since=moment(doc.get("since")))


def visit_doc(visit: Visit) -> dict[str, Any]:
    return {"current": visit.current, "previous": visit.previous}


def visit_from_doc(doc: dict[str, Any]) -> Visit:
    previous = doc.get("previous")
    return Visit(timestamp(doc["current"]),
                 timestamp(previous) if previous is not None else None)
