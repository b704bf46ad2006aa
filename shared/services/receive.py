"""Receive a validated submission: seal it, store it with its case and pending triage, enqueue.

Store first, then enqueue: once ``create_submission`` returns, the submission is safe and
the caller gets its reference even if the enqueue fails, because the pending triage task
stored with it is what ``sweep`` re-queues.

The submit functions seal and never open: an idempotent retry is recognised by a keyed
digest stored outside the envelope (``ReplayDigests``), and the submitter's receipt code
is derived again from the idempotency key, not read back. Every submitter gets a receipt
code, named ones too: it is what opens the follow-up page, where the office's replies and
determinations are (docs/follow-up.md). It is shown again only for a
short while after the first answer (``receipt_window``); a later retry gets the reference
alone, so an idempotency key that leaks later does not leak the receipt with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain.casework import officer_actor
from shared.domain.evidence import FileNotice, Prepared
from shared.domain.forms import FormSpec, wants_state_mail
from shared.domain.proxy_intake import ProxyRecord, with_channel
from shared.domain.records import (
    Case,
    CaseEvent,
    PendingTask,
    Submission,
    canonical_json,
    jsonable,
)
from shared.domain.references import (
    hash_receipt,
    new_reference,
    receipt_code,
    verify_receipt,
)
from shared.domain.sealing import submission_context
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.evidence import EvidenceBlobs
from shared.ports.proofs import ProofSigner
from shared.ports.sealing import PayloadSealer, ReplayDigests
from shared.ports.storage import IntakeStore, ReferenceTaken, SubmissionExists
from shared.ports.tasks import QueueUnavailable, TaskQueue
from shared.services import evidence as evidence_files
from shared.services.proofs import issue_proof
from shared.services.tasks import task_for

log = get_logger(__name__)

RECEIVED = "received"
_REFERENCE_DRAWS = 5


class IdempotencyConflict(Exception):
    """The idempotency key was already used with a different submission."""


class IdempotencyKeyExpired(IdempotencyConflict):
    """The idempotency key was used longer ago than its record is kept: a retry can no
    longer be told from another submission, so nothing is stored and a new key is asked
    for."""


@dataclass(frozen=True)
class Acknowledgement:
    """What the submitter is told: the reference, the receipt code (None only on a
    replay after the receipt's window) and the signed proof of submission (its text)."""

    reference: str
    received_at: datetime
    receipt: str | None = None
    replayed: bool = False
    proof: str | None = None
    # What the submitter is told of each attached file.
    files: tuple[FileNotice, ...] = ()


def submission_id_for(form: FormSpec, idempotency_key: str | None) -> str:
    """The submission id: derived from the client's key (so a retry finds the first
    submission), random otherwise."""
    if idempotency_key is None:
        return secrets.token_hex(16)
    return hashlib.sha256(f"{form.code}\n{idempotency_key}".encode()).hexdigest()[:32]


def receive_submission(
    form: FormSpec,
    data: Mapping[str, Any],
    *,
    idempotency_key: str | None,
    store: IntakeStore,
    queue: TaskQueue,
    sealer: PayloadSealer,
    digests: ReplayDigests,
    clock: Clock,
    receipt_window: timedelta,
    signer: ProofSigner,
    submitted: bytes | None = None,
    evidence: Sequence[Prepared] = (),
    blobs: EvidenceBlobs | None = None,
    record_window: timedelta = timedelta(hours=24),
    proxy: ProxyRecord | None = None,
) -> Acknowledgement:
    """Store a validated submission exactly once and queue its triage.

    Attached files (``evidence``, checked and cleaned by ``shared.services.evidence``) are
    sealed to the case and stored before the submission: a submission is never written
    pointing at files that are not there, and files of one that is not written are removed.

    The receipt code (every submitter gets one, named or anonymous) is random without an
    idempotency key; with one, it is derived from the key under the replay secret, so it
    is never stored and a retry within ``receipt_window`` gets it again. The idempotency
    record (the request's keyed digest) is kept ``record_window`` (``replay_until``), then
    sweep clears it; a retry after that is IdempotencyKeyExpired.

    ``proxy``: an officer records a report received outside the forms. Its submission ids
    are apart from the forms' (the same idempotency key names another submission); the
    case keeps the channel, and its time of reception (every clock, the proof, the annual
    report) is the day the report was received, while its history says when it was entered
    and by whom.
    """
    submission_id = submission_id_for(
        form, None if idempotency_key is None
        else idempotency_key if proxy is None else f"recorded\n{idempotency_key}")
    # One canonical serialisation is both what is sealed and what the digest covers.
    canonical = canonical_json(jsonable(data))
    covered = canonical if proxy is None else canonical_json({
        "channel": proxy.channel, "received_on": proxy.received_on.isoformat(),
        "submission": jsonable(data)})
    # The files are part of what a retry must repeat (none: the digest of old).
    if evidence:
        covered += b"\n" + evidence_files.digest_input(evidence)
    digest = digests.request_digest(form.code, submission_id, covered)
    notices = evidence_files.notices(evidence)
    anonymous = bool(form.allows_anonymous and data.get("anonymous"))
    if idempotency_key is not None:
        existing = store.get_submission(submission_id)
        if existing is not None:
            return _replay(form, existing, digest, idempotency_key, digests, clock,
                           receipt_window, notices)
    if evidence and blobs is None:
        raise RuntimeError("attachments need an evidence store")

    now = clock.now()
    received = now if proxy is None else proxy.received_at(now)
    clear = form.clear_view(data)
    acknowledged: dict[str, Any] = {"form": form.code, "acknowledged_at": now.isoformat()}
    actor = "system:intake"
    if proxy is not None:
        clear = {**clear, "channel": proxy.channel}
        acknowledged |= {"channel": proxy.channel, "received_on": proxy.received_on
                         .isoformat()}
        actor = officer_actor(proxy.recorded_by)
    receipt = receipt_code(digests.receipt_secret(submission_id, idempotency_key)
                           if idempotency_key is not None else secrets.token_bytes(16))
    receipt_hash = hash_receipt(receipt)
    pending = PendingTask("triage", submission_id, "", now, now)

    for _ in range(_REFERENCE_DRAWS):
        reference = new_reference(form.prefix)
        pending = PendingTask("triage", submission_id, reference, now, now)
        # Sealed for its place: this submission of this case (a new reference, a new seal).
        sealed = sealer.seal(submission_context(submission_id, reference), canonical)
        issued = issue_proof(signer, reference=reference, form=form.code, received_at=received,
                             canonical=canonical if submitted is None else submitted,
                             files=[item.upload.data for item in evidence])
        proof, proof_key = issued.text(), issued.statement.key_id
        details: dict[str, Any] = {**acknowledged, "proof_key": proof_key}
        stored: list[str] = []
        if evidence and blobs is not None:
            attachments = evidence_files.store(evidence, submission_id=submission_id,
                                               reference=reference, sealer=sealer,
                                               blobs=blobs)
            details["attachments"] = [a.as_details() for a in attachments]
            stored = evidence_files.stored_names(reference, attachments)
        try:
            store.create_submission(
                Submission(
                    id=submission_id, form=form.code, reference=reference,
                    received_at=received, clear=clear, sealed=sealed, anonymous=anonymous,
                    request_digest=digest, receipt_hash=receipt_hash, proof=proof,
                    replay_until=now + record_window,
                    entered_at=None if proxy is None else now,
                ),
                with_channel(Case(reference=reference, submission_id=submission_id,
                                  form=form.code, state=RECEIVED, received_at=received,
                                  updated_at=now, event_count=1,
                                  state_mail=wants_state_mail(form.code, data)), proxy),
                # The acknowledgement record: the submitter is answered at once, and
                # this is when, with the key whose proof told them so.
                CaseEvent(seq=1, at=now, kind="received", actor=actor, to_state=RECEIVED,
                          details=details),
                pending,
            )
            break
        except ReferenceTaken:
            if blobs is not None:  # sealed to a reference that is not this case's
                evidence_files.discard(stored, blobs)
            continue
        except SubmissionExists:
            if blobs is not None:  # the winner's files are under its own reference
                evidence_files.discard(stored, blobs)
            # A concurrent retry with the same idempotency key won the race.
            existing = store.get_submission(submission_id)
            if existing is None or idempotency_key is None:
                raise
            return _replay(form, existing, digest, idempotency_key, digests, clock,
                           receipt_window, notices)
        # Any other failure may have happened after the write took effect (a deadline
        # passed): the files stay, so a retry that finds the submission finds them too.
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
    return Acknowledgement(reference, received, receipt, proof=proof, files=notices)


def _replay(form: FormSpec, existing: Submission, digest: str, idempotency_key: str,
            digests: ReplayDigests, clock: Clock, receipt_window: timedelta,
            notices: tuple[FileNotice, ...] = ()) -> Acknowledgement:
    """The first answer again, from what is stored in clear: nothing is decrypted."""
    if not existing.request_digest or (existing.replay_until is not None
                                       and clock.now() >= existing.replay_until):
        log.info("idempotency key used after its record's retention",
                 extra={"event": "idempotency_key_expired", "reference": existing.reference})
        raise IdempotencyKeyExpired(existing.reference)
    if existing.form != form.code or not hmac.compare_digest(digest,
                                                             existing.request_digest):
        log.warning("idempotency key reused with another body",
                    extra={"event": "idempotency_conflict", "reference": existing.reference})
        raise IdempotencyConflict(existing.reference)
    receipt = None
    if existing.receipt_hash:
        # The window runs from the answer given, which for a recorded report is its entry.
        if clock.now() - (existing.entered_at or existing.received_at) < receipt_window:
            derived = receipt_code(digests.receipt_secret(existing.id, idempotency_key))
            # Never show a code that does not open the case (one sealed before the replay
            # secret, or under another one): the slow hash decides.
            receipt = derived if verify_receipt(derived, existing.receipt_hash) else None
        if receipt is None:
            log.info("idempotent retry answered without the receipt code",
                     extra={"event": "idempotent_replay_without_receipt",
                            "reference": existing.reference})
    log.info("idempotent retry answered with the first response",
             extra={"event": "idempotent_replay", "reference": existing.reference})
    return Acknowledgement(existing.reference, existing.received_at, receipt,
                           replayed=True, proof=existing.proof, files=notices)
