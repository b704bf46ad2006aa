"""Record a service an officer gave (a training, a media inquiry...) in the service log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain.records import canonical_json, jsonable
from shared.domain.statistics import LOGGED, StatRecord
from shared.logs import get_logger
from shared.ports import Clock
from shared.statistics_ports import StatisticsStore

log = get_logger(__name__)


@dataclass(frozen=True)
class LoggedService:
    record: StatRecord
    replayed: bool


def logged_service_id(idempotency_key: str | None) -> str:
    """Derived from the client's key, so a retry finds the first entry; random otherwise."""
    if idempotency_key is None:
        return secrets.token_hex(16)
    return hashlib.sha256(f"service-log\n{idempotency_key}".encode()).hexdigest()[:32]


def log_service(entry: Mapping[str, Any], *, store: StatisticsStore, clock: Clock, actor: str,
                idempotency_key: str | None) -> LoggedService:
    """Store one validated service log entry (``category``, optional ``date`` defaulting to
    today in UTC, ``participants`` for a training) exactly once per idempotency key.

    Raises LoggedServiceConflict when the key was used for a different entry.
    """
    now = clock.now()
    codes = {"participants": entry["participants"]} if entry.get("participants") else {}
    record = StatRecord(id=logged_service_id(idempotency_key), category=entry["category"],
                        day=entry.get("date") or now.date(), source=LOGGED, recorded_at=now,
                        recorded_by=actor, codes=codes)
    digest = hashlib.sha256(canonical_json(jsonable(dict(entry)))).hexdigest()
    stored, created = store.add_logged_service(record, digest)
    log.info("service logged" if created else "service log retry answered with the first entry",
             extra={"event": "service_logged" if created else "service_log_replay",
                    "category": stored.category, "record": stored.id})
    return LoggedService(stored, replayed=not created)
