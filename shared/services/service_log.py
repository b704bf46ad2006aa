"""Record a service an officer gave (a training, a media inquiry, advice on a mission...) in
the service log, or an allegation the office was only copied on: counted, never forwarded."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.records import canonical_json, jsonable
from shared.domain.statistics import LOGGED, StatRecord
from shared.domain.taxonomy import LOGGED_CODES, advice_group_of
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.statistics import StatisticsStore

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


def logged_record(entry: Mapping[str, Any], *, record_id: str, now: datetime,
                  actor: str) -> StatRecord:
    """The record of a validated entry: its category, date (default today, UTC), advice
    sub-category (with its group, as imports keep it) and the optional codes its category
    carries. A misconduct allegation is marked copied only: nothing ever forwards it."""
    category = entry["category"]
    codes: dict[str, Any] = {k: entry[k] for k in LOGGED_CODES.get(category, ())
                             if entry.get(k) is not None}
    subcategory = entry.get("subcategory")
    if subcategory is not None:
        codes["group"] = advice_group_of(subcategory)
    if category == "misconduct":
        codes["copied_only"] = True
    return StatRecord(id=record_id, category=category, day=entry.get("date") or now.date(),
                      source=LOGGED, recorded_at=now, recorded_by=actor,
                      subcategory=subcategory, codes=codes)


def log_service(entry: Mapping[str, Any], *, store: StatisticsStore, clock: Clock, actor: str,
                idempotency_key: str | None) -> LoggedService:
    """Store one validated service log entry (``schemas.statistics.ServiceLogSchema``)
    exactly once per idempotency key. Writes to the statistics store only: no case, no
    queued work, so a logged allegation is never forwarded.

    Raises LoggedServiceConflict when the key was used for a different entry.
    """
    now = clock.now()
    record = logged_record(entry, record_id=logged_service_id(idempotency_key), now=now,
                           actor=actor)
    digest = hashlib.sha256(canonical_json(jsonable(dict(entry)))).hexdigest()
    stored, created = store.add_logged_service(record, digest)
    log.info("service logged" if created else "service log retry answered with the first entry",
             extra={"event": "service_logged" if created else "service_log_replay",
                    "category": stored.category, "record": stored.id})
    return LoggedService(stored, replayed=not created)


def logged_service_json(record: StatRecord) -> dict[str, Any]:
    """What the function and the command line answer with: the entry as stored."""
    sub = {"subcategory": record.subcategory} if record.subcategory else {}
    return {"id": record.id, "category": record.category, "date": record.day.isoformat(),
            "year": record.year, **sub, **record.codes}
