"""Receive a validated submission: seal it, store it with its case and pending triage, enqueue.

Store first, then enqueue: once ``create_submission`` returns, the submission is safe and
the caller gets its reference even if the enqueue fails, because the pending triage task
stored with it is what ``sweep`` re-queues.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.forms import FormSpec
from shared.domain.records import (
    Case,
    CaseEvent,
    PendingTask,
    Submission,
    canonical_json,
    jsonable,
)
from shared.domain.references import hash_receipt, new_reference, receipt_code
from shared.logs import get_logger
from shared.ports import (
    Clock,
    IntakeStore,
    PayloadCipher,
    QueueUnavailable,
    ReferenceTaken,
    SubmissionExists,
    TaskQueue,
)
from shared.services.tasks import task_for

log = get_logger(__name__)

RECEIVED = "received"
_REFERENCE_DRAWS = 5


class IdempotencyConflict(Exception):
    """The idempotency key was already used with a different submission."""


@dataclass(frozen=True)
class Acknowledgement:
    """What the submitter is told: the reference, and the receipt code if anonymous."""

    reference: str
    received_at: datetime
    next_steps: tuple[str, ...]
    receipt: str | None = None
    replayed: bool = False


def submission_id_for(form: FormSpec, idempotency_key: str | None) -> str:
    """The submission id: derived from the client's key (so a retry finds the first
    submission), random otherwise."""
    if idempotency_key is None:
        return secrets.token_hex(16)
    return hashlib.sha256(f"{form.code}\n{idempotency_key}".encode()).hexdigest()[:32]


def _tag_inputs(canonical: bytes, receipt_seed: bytes | None) -> dict[str, bytes]:
    tags = {"digest": canonical}
    if receipt_seed is not None:
        tags["receipt"] = b"receipt\x00" + receipt_seed
    return tags


def receive_submission(
    form: FormSpec,
    data: Mapping[str, Any],
    *,
    idempotency_key: str | None,
    store: IntakeStore,
    queue: TaskQueue,
    cipher: PayloadCipher,
    clock: Clock,
) -> Acknowledgement:
    """Store a validated submission exactly once and queue its triage.

    The anonymous receipt code is derived from the document's data key and the client's
    idempotency key, so it is never stored and a retry with the same key gets it again.
    """
    submission_id = submission_id_for(form, idempotency_key)
    # One canonical serialisation is both what is sealed and what the digest covers.
    canonical = canonical_json(jsonable(data))
    anonymous = bool(form.allows_anonymous and data.get("anonymous"))
    receipt_seed = None
    if anonymous:
        receipt_seed = idempotency_key.encode() if idempotency_key else secrets.token_bytes(16)
    if idempotency_key is not None:
        existing = store.get_submission(submission_id)
        if existing is not None:
            return _replay(form, existing, canonical, receipt_seed, cipher)

    now = clock.now()
    sealed = cipher.seal(submission_id, canonical, _tag_inputs(canonical, receipt_seed))
    receipt = receipt_code(sealed.tags["receipt"]) if anonymous else None
    receipt_hash = hash_receipt(receipt) if receipt else None
    pending = PendingTask("triage", submission_id, "", now, now)

    for _ in range(_REFERENCE_DRAWS):
        reference = new_reference(form.prefix)
        pending = PendingTask("triage", submission_id, reference, now, now)
        try:
            store.create_submission(
                Submission(
                    id=submission_id, form=form.code, reference=reference, received_at=now,
                    clear=form.clear_view(data), sealed=sealed.envelope, anonymous=anonymous,
                    request_digest=sealed.tags["digest"].hex(), receipt_hash=receipt_hash,
                ),
                Case(reference=reference, submission_id=submission_id, form=form.code,
                     state=RECEIVED, received_at=now, updated_at=now, event_count=1),
                CaseEvent(seq=1, at=now, kind="received", actor="system:intake",
                          to_state=RECEIVED, details={"form": form.code}),
                pending,
            )
            break
        except ReferenceTaken:
            continue
        except SubmissionExists:
            # A concurrent retry with the same idempotency key won the race.
            existing = store.get_submission(submission_id)
            if existing is None:
                raise
            return _replay(form, existing, canonical, receipt_seed, cipher)
    else:
        raise RuntimeError(f"no free reference after {_REFERENCE_DRAWS} random draws")

    log.info("submission stored", extra={"event": "submission_stored", "form": form.code,
                                         "reference": reference})
    try:
        queue.enqueue(task_for(pending))
    except QueueUnavailable as error:
        log.error("triage enqueue failed; the submission stays pending and sweep re-queues it",
                  extra={"event": "enqueue_failed", "reference": reference,
                         "error": type(error).__name__})
    return Acknowledgement(reference, now, form.next_steps, receipt)


def _replay(form: FormSpec, existing: Submission, canonical: bytes,
            receipt_seed: bytes | None, cipher: PayloadCipher) -> Acknowledgement:
    opened = cipher.open(existing.id, existing.sealed, _tag_inputs(canonical, receipt_seed))
    if existing.form != form.code or not hmac.compare_digest(
            opened.tags["digest"].hex(), existing.request_digest):
        log.warning("idempotency key reused with another body",
                    extra={"event": "idempotency_conflict", "reference": existing.reference})
        raise IdempotencyConflict(existing.reference)
    log.info("idempotent retry answered with the first response",
             extra={"event": "idempotent_replay", "reference": existing.reference})
    receipt = receipt_code(opened.tags["receipt"]) if "receipt" in opened.tags else None
    return Acknowledgement(existing.reference, existing.received_at, form.next_steps, receipt,
                           replayed=True)
