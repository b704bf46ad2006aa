"""Evidence attachments: check each uploaded file (limits, kind by content, malware), clean
its hidden metadata, and keep it sealed; open a sealed copy again for an officer.

Everything that can refuse a file happens in ``prepare``, before anything is stored: a
refused file (over a limit, of a kind not accepted, renamed, encrypted, malformed, a bomb or
a polyglot) refuses the whole post, and nothing of it is kept. An infected file is not a
refusal: it is quarantined (its original sealed, no cleaned copy made, never delivered) and
the reporter is told it could not be accepted. Without a scanner, files are marked
``not_scanned``, in the case and in what the reporter is told.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from shared.domain import evidence as ev
from shared.domain.evidence import (
    Attachment,
    FileNotice,
    FileRefused,
    Prepared,
    ScanResult,
    SignedUpload,
    Upload,
    attachments_of,
)
from shared.domain.file_types import identify
from shared.domain.sealing import EVIDENCE, EVIDENCE_ORIGINAL, evidence_context
from shared.domain.text_input import forbidden_character
from shared.logs import get_logger
from shared.ports.evidence import (
    EvidenceBlobs,
    EvidenceMissing,
    EvidenceUnavailable,
    IncomingUploads,
    MetadataCleaner,
    Scanner,
)
from shared.ports.sealing import PayloadCipher, PayloadSealer
from shared.ports.storage import IntakeStore

log = get_logger(__name__)
T = TypeVar("T")

MAX_NAME = 255


def prepare(uploads: Sequence[Upload], *, limits: ev.EvidenceLimits, cleaner: MetadataCleaner,
            scanner: Scanner | None) -> list[Prepared]:
    """Each file checked, scanned and cleaned, in order; FileRefused (naming the file)
    for the first that cannot be accepted. ScannerUnavailable if the scanner is down."""
    limits.check_count(len(uploads))
    try:
        limits.check_sizes([len(upload.data) for upload in uploads])
    except FileRefused as refused:
        index = refused.index or 0
        raise refused.named(uploads[index].name, index) from None
    prepared = []
    for index, upload in enumerate(uploads):
        try:
            prepared.append(_prepare_one(upload, cleaner, scanner))
        except FileRefused as refused:
            log.info("attachment refused", extra={"event": "attachment_refused",
                                                  "reason": refused.reason})
            raise refused.named(upload.name, index) from None
    return prepared


def _prepare_one(upload: Upload, cleaner: MetadataCleaner,
                 scanner: Scanner | None) -> Prepared:
    _check_name(upload.name)
    kind = _unbroken(lambda: identify(upload))
    scan = scanner.scan(upload.data) if scanner is not None else ScanResult(ev.NOT_SCANNED)
    if scan.status == ev.SCAN_INFECTED:
        log.warning("infected attachment quarantined",
                    extra={"event": "attachment_infected", "signature": scan.signature})
        return Prepared(upload, kind, scan, None)
    return Prepared(upload, kind, scan, _unbroken(lambda: cleaner.clean(kind, upload.data)))


def _unbroken(parse: Callable[[], T]) -> T:
    """``parse()``, with whatever a parser of hostile bytes raises beyond FileRefused (a
    library's own error on a file damaged in a way it did not foresee) answered as a
    malformed file: a 422, never a 500."""
    try:
        return parse()
    except FileRefused:
        raise
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure is the file's fault
        log.warning("a file failed to parse", extra={"event": "attachment_unparsable",
                                                     "error": type(error).__name__})
        raise FileRefused(ev.MALFORMED, "The file is damaged and cannot be read.") from None


def _check_name(name: str) -> None:
    if not name.strip() or len(name) > MAX_NAME:
        raise FileRefused(ev.BAD_NAME, f"A file needs a name of 1 to {MAX_NAME} characters.")
    refusal = forbidden_character(name)
    if refusal is not None:
        raise FileRefused(ev.BAD_NAME, f"The file name contains a character that is not "
                          f"allowed (U+{refusal.code or 0:04X}).")


def digest_input(prepared: Sequence[Prepared]) -> bytes:
    """What an idempotent retry must repeat: each file's name, kind and content digest."""
    return json.dumps([[p.upload.name, p.kind, hashlib.sha256(p.upload.data).hexdigest()]
                       for p in prepared]).encode()


def notices(prepared: Sequence[Prepared]) -> tuple[FileNotice, ...]:
    """What the reporter is told of each file."""
    return tuple(FileNotice(p.upload.name, p.status, p.scan.status != ev.NOT_SCANNED,
                            p.cleaned.removed if p.cleaned else ())
                 for p in prepared)


def _sealed_bytes(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":")).encode()


def store(prepared: Sequence[Prepared], *, submission_id: str, reference: str,
          sealer: PayloadSealer, blobs: EvidenceBlobs) -> list[Attachment]:
    """Seal and store each file (its original, and its cleaned copy unless quarantined),
    bound to this case and attachment id; the records the case keeps in clear. Raises
    EvidenceUnavailable, having removed what it stored."""
    stored: list[str] = []
    attachments = []
    try:
        for index, item in enumerate(prepared):
            attachment = ev.attachment_id(submission_id, index)
            original = item.upload.data
            copies = [(EVIDENCE_ORIGINAL, "original", original)]
            if item.cleaned is not None:
                copies.append((EVIDENCE, "cleaned", item.cleaned.data))
            for kind, copy, data in copies:
                envelope = sealer.seal(evidence_context(kind, reference, attachment),
                                       ev.framed(item.upload.name, item.kind, data))
                name = ev.blob_name(reference, attachment, copy)
                blobs.put(name, _sealed_bytes(envelope))
                stored.append(name)
            cleaned = item.cleaned
            attachments.append(Attachment(
                attachment_id=attachment, kind=item.kind,
                size=len(cleaned.data) if cleaned else len(original),
                sha256=hashlib.sha256(cleaned.data).hexdigest() if cleaned else "",
                original_size=len(original),
                original_sha256=hashlib.sha256(original).hexdigest(),
                scan=item.scan.status, status=item.status,
                removed=cleaned.removed if cleaned else (), signature=item.scan.signature))
    except EvidenceUnavailable:
        discard(stored, blobs)
        raise
    return attachments


def discard(names: Sequence[str], blobs: EvidenceBlobs) -> None:
    """Remove stored objects no case names any more: those of a submission that was not
    acknowledged, or of a purged case. Best effort: what stays is ciphertext no record
    points to, which the sweep of orphaned files removes (``sweep_files``)."""
    for name in names:
        try:
            blobs.delete(name)
        except EvidenceUnavailable:
            log.error("could not remove a sealed file no case names; the sweep of orphaned "
                      "files will", extra={"event": "attachment_orphaned"})


def stored_names(reference: str, attachments: Sequence[Attachment]) -> list[str]:
    names = []
    for attachment in attachments:
        names.append(ev.blob_name(reference, attachment.attachment_id, "original"))
        if attachment.deliverable:
            names.append(ev.blob_name(reference, attachment.attachment_id, "cleaned"))
    return names


@dataclass(frozen=True)
class OpenedFile:
    """A sealed copy opened: the reporter's name for it, its kind and bytes."""

    name: str
    kind: str
    data: bytes

    @property
    def media_type(self) -> str:
        return ev.MEDIA_TYPE[self.kind]


def open_copy(reference: str, attachment: Attachment, copy: str, *,
              cipher: PayloadCipher, blobs: EvidenceBlobs) -> OpenedFile:
    """Open one copy of an attachment of this case (SealBroken if it was moved or altered;
    EvidenceMissing, EvidenceUnavailable)."""
    kind = EVIDENCE if copy == "cleaned" else EVIDENCE_ORIGINAL
    envelope = json.loads(blobs.get(ev.blob_name(reference, attachment.attachment_id, copy)))
    plaintext = cipher.open(evidence_context(kind, reference, attachment.attachment_id),
                            envelope)
    name, found_kind, data = ev.unframed(plaintext)
    return OpenedFile(name, found_kind, data)


def case_attachments(store: IntakeStore, reference: str) -> list[Attachment]:
    """The files attached to a case, in the order they came."""
    return [attachment for event in store.case_events(reference)
            for attachment in attachments_of(event.details)]


def submitted_attachments(store: IntakeStore, reference: str) -> list[Attachment]:
    """The files that came with the submission itself (not those added later on the
    follow-up page): what its referral carries."""
    return [attachment for event in store.case_events(reference) if event.kind == "received"
            for attachment in attachments_of(event.details)]


def offer_upload(name: str, size: int, media_type: str, *, limits: ev.EvidenceLimits,
                 incoming: IncomingUploads, valid_for: timedelta) -> SignedUpload:
    """A V4 signed URL for one file of ``size`` bytes, to a private bucket where it waits,
    unchecked, until a submission takes it in (``take_in``). Refused (FileRefused naming
    it) when the name is not acceptable or the size over the per-file limit, so a client
    learns before it uploads."""
    if not limits.max_files:
        raise FileRefused(ev.TOO_MANY, "Attachments are not accepted here.").named(name, 0)
    try:
        _check_name(name)
        limits.check_sizes([size])
    except FileRefused as refused:
        raise refused.named(name, 0) from None
    upload = ev.upload_id(secrets.token_bytes(16))
    return incoming.signed_put(ev.incoming_name(upload),
                               content_type=media_type or "application/octet-stream",
                               size=size, valid_for=valid_for)


def take_in(references: Sequence[tuple[str, str]], *, limits: ev.EvidenceLimits,
            incoming: IncomingUploads, first_index: int = 0) -> list[Upload]:
    """The files uploaded through signed URLs (``(upload id, name)``), read back for
    ``prepare`` to check, scan and clean as any other file. Each size is read before its
    bytes: one over a limit, or missing (never uploaded, or swept), is a FileRefused naming
    it (its index after ``first_index`` files that came in the body)."""
    limits.check_count(first_index + len(references))
    sizes = []
    for index, (upload, name) in enumerate(references):
        try:
            sizes.append(incoming.size(ev.incoming_name(upload)))
        except EvidenceMissing:
            raise FileRefused(ev.UPLOAD_MISSING, "Nothing was uploaded under this upload id, "
                              "or the upload is no longer kept: upload the file again.",
                              name=name, index=first_index + index) from None
    try:
        limits.check_sizes(sizes)
    except FileRefused as refused:
        index = refused.index or 0
        raise refused.named(references[index][1], first_index + index) from None
    uploads = []
    for index, (upload, name) in enumerate(references):
        try:
            data = incoming.read(ev.incoming_name(upload))
        except EvidenceMissing:
            raise FileRefused(ev.UPLOAD_MISSING, "The upload is no longer kept: upload the "
                              "file again.", name=name, index=first_index + index) from None
        if len(data) != sizes[index]:  # replaced since its size was read: read it again
            raise FileRefused(ev.MALFORMED, "The file changed while it was read: send it "
                              "again.", name=name, index=first_index + index)
        uploads.append(Upload(name, "", data))
    return uploads


@dataclass(frozen=True)
class FilesSweep:
    """What a sweep of stored files removed: sealed objects no case refers to, and
    uploads through signed URLs past their time."""

    orphans: int
    incoming: int
    failed: int


def sweep_files(*, store: IntakeStore, blobs: EvidenceBlobs,
                incoming: IncomingUploads | None, now: datetime, grace: timedelta,
                incoming_grace: timedelta) -> FilesSweep:
    """Remove what is stored and referenced by no case: the sealed copies of a submission
    or a follow-up message whose write failed (or never came), written more than
    ``grace`` ago (a write still under way is younger than that), and files uploaded
    through signed URLs more than ``incoming_grace`` ago (an idempotent retry may still
    read them until then). Each object is checked against its own case, read afresh; one
    that cannot be removed is counted and left for the next sweep."""
    orphans = failed = 0
    known: dict[str, set[str]] = {}
    for name in blobs.names_older_than(now - grace):
        reference = name.split("/", 1)[0]
        if reference not in known:
            found = store.get_case(reference)
            known[reference] = (set(stored_names(reference, case_attachments(store, reference)))
                                if found is not None else set())
        if name in known[reference]:
            continue
        try:
            blobs.delete(name)
            orphans += 1
        except EvidenceUnavailable:
            failed += 1
    taken = 0
    if incoming is not None:
        for name in incoming.names_older_than(ev.INCOMING_PREFIX, now - incoming_grace):
            try:
                incoming.delete(name)
                taken += 1
            except EvidenceUnavailable:
                failed += 1
    log.info("stored files swept", extra={"event": "files_swept", "orphans": orphans,
                                          "incoming": taken, "failed": failed})
    return FilesSweep(orphans, taken, failed)
