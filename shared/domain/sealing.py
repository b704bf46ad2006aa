"""Sealed values and the records they belong to.

Everything a person wrote, and everything that identifies someone, is sealed: encrypted
with a data key of its own, bound by its associated data to what it is and where it is
kept. A ``SealContext`` names that place: the kind of value, the collection that holds
it, the case reference and the record's id. The reader computes the context from where it
found the value, never from the value itself, so a sealed value copied to another case,
another record or another kind of event (an internal note relabelled as a reply to the
submitter) does not open.

Two key-encryption keys share the work: the cases key seals submissions, internal notes
and the notes of transitions; the messages key seals what the follow-up page
shows and takes (replies to the submitter, the submitter's own messages). The public
follow-up page can then be given the messages key and no other.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.domain.records import Case, Submission

# Kinds of sealed values.
SUBMISSION: Final = "submission"
NOTE: Final = "note"
TRANSITION_NOTE: Final = "transition_note"
REPLY_TO_SUBMITTER: Final = "reply_to_submitter"
SUBMITTER_MESSAGE: Final = "submitter_message"
DECLARATION: Final = "declaration"  # a version of a financial disclosure declaration
DISCLOSURE_GUIDANCE: Final = "disclosure_guidance"  # guidance replied to a filer
# An attached file: the cleaned copy officers receive, and the original, each sealed apart.
EVIDENCE: Final = "evidence"
EVIDENCE_ORIGINAL: Final = "evidence_original"
# An officer's reason for a legal hold, its lifting or an extension (shared.domain.retention).
RETENTION_REASON: Final = "retention_reason"
# An administrator's reason for opening the original of an attached file.
ORIGINAL_REASON: Final = "original_reason"
# History events that carry an officer's reason, in ``details["reason_text"]``, and its kind.
REASON_EVENTS: Final = {"legal_hold_placed": RETENTION_REASON,
                        "legal_hold_lifted": RETENTION_REASON,
                        "retention_extended": RETENTION_REASON,
                        "attachment_downloaded": ORIGINAL_REASON}

# Where they are kept: submissions/{id}, and the history of a case, cases/{reference}/events.
SUBMISSIONS: Final = "submissions"
EVENTS: Final = "events"
# The disclosure programme: declaration_versions/{declaration id}:{version}, and the
# guidance of a declaration's review.
DECLARATION_VERSIONS: Final = "declaration_versions"
DECLARATION_REVIEWS: Final = "declaration_reviews"
ATTACHMENTS: Final = "attachments"  # the store of sealed files, by attachment id

# Which key-encryption key seals which kind.
CASES_KEY: Final = "cases"
MESSAGES_KEY: Final = "messages"
KEY_OF_KIND: Final = {
    SUBMISSION: CASES_KEY,
    NOTE: CASES_KEY,
    TRANSITION_NOTE: CASES_KEY,
    RETENTION_REASON: CASES_KEY,
    ORIGINAL_REASON: CASES_KEY,
    REPLY_TO_SUBMITTER: MESSAGES_KEY,
    SUBMITTER_MESSAGE: MESSAGES_KEY,
    DECLARATION: CASES_KEY,
    DISCLOSURE_GUIDANCE: CASES_KEY,
    EVIDENCE: CASES_KEY,
    EVIDENCE_ORIGINAL: CASES_KEY,
}
_COLLECTION_OF_KIND: Final = {SUBMISSION: SUBMISSIONS, NOTE: EVENTS, TRANSITION_NOTE: EVENTS,
                              RETENTION_REASON: EVENTS, ORIGINAL_REASON: EVENTS,
                              REPLY_TO_SUBMITTER: EVENTS,
                              SUBMITTER_MESSAGE: EVENTS,
                              DECLARATION: DECLARATION_VERSIONS,
                              DISCLOSURE_GUIDANCE: DECLARATION_REVIEWS,
                              EVIDENCE: ATTACHMENTS, EVIDENCE_ORIGINAL: ATTACHMENTS}


@dataclass(frozen=True)
class SealContext:
    """What a sealed value is and where it belongs: its associated data."""

    kind: str
    collection: str
    reference: str
    record_id: str

    def __post_init__(self) -> None:
        if self.kind not in KEY_OF_KIND:
            raise ValueError(f"unknown kind of sealed value {self.kind!r}")
        if self.collection != _COLLECTION_OF_KIND[self.kind]:
            raise ValueError(f"a {self.kind} is not kept in {self.collection!r}")
        if not self.reference or not self.record_id:
            raise ValueError("a sealed value belongs to a case reference and a record id")

    @property
    def key_purpose(self) -> str:
        """The key-encryption key (``CASES_KEY`` or ``MESSAGES_KEY``) of this kind."""
        return KEY_OF_KIND[self.kind]

    def associated_data(self, version: int) -> bytes:
        """The bytes every layer of the envelope authenticates: unambiguous (JSON with
        sorted keys), so no two contexts share them."""
        return json.dumps({"app": "ethics-intake", "v": version, "kind": self.kind,
                           "collection": self.collection, "reference": self.reference,
                           "id": self.record_id},
                          sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def submission_context(submission_id: str, reference: str) -> SealContext:
    """Where a submission's sealed payload belongs: ``submissions/{id}`` of its case."""
    return SealContext(SUBMISSION, SUBMISSIONS, reference, submission_id)


def declaration_context(declaration_id: str, version: int) -> SealContext:
    """Where one version of a declaration belongs: it opens as no other version, and as
    no other declaration."""
    return SealContext(DECLARATION, DECLARATION_VERSIONS, declaration_id, str(version))


def guidance_context(declaration_id: str) -> SealContext:
    """Where the guidance of a declaration's review belongs."""
    return SealContext(DISCLOSURE_GUIDANCE, DECLARATION_REVIEWS, declaration_id, "guidance")


def event_context(kind: str, reference: str, message_id: str) -> SealContext:
    """Where a sealed note, reply or message of a case's history belongs."""
    return SealContext(kind, EVENTS, reference, message_id)


def evidence_context(kind: str, reference: str, attachment_id: str) -> SealContext:
    """Where an attached file (``EVIDENCE`` or ``EVIDENCE_ORIGINAL``) of a case belongs."""
    return SealContext(kind, ATTACHMENTS, reference, attachment_id)


@dataclass(frozen=True)
class SealedItem:
    """A sealed value found in a case's history: its kind, its record id, its envelope."""

    kind: str
    record_id: str
    envelope: Mapping[str, Any]
    # Where in the event it is kept: "" (the details), "note" (a transition's note) or
    # "reason_text" (the reason of a hold, its lifting or an extension, or of opening an
    # original).
    field: str = ""


def sealed_in_event(event_kind: str, details: Mapping[str, Any]) -> SealedItem | None:
    """The sealed value a history event carries: a note, a reply, a submitter's message, the
    note of a transition, or an officer's reason (a hold, an extension, opening an
    original). None if it carries
    none. The kind comes from the event, never from the value: that is what makes a
    relabelled value fail to open."""
    if event_kind in (NOTE, REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE):
        holder: Any = details
        kind, field = event_kind, ""
    elif event_kind == "transition" and "note" in details:
        holder, kind, field = details["note"], TRANSITION_NOTE, "note"
    elif event_kind in REASON_EVENTS and "reason_text" in details:
        holder, kind, field = details["reason_text"], REASON_EVENTS[event_kind], "reason_text"
    else:
        return None
    if not isinstance(holder, Mapping) or "sealed" not in holder:
        return None
    envelope = holder["sealed"]
    return SealedItem(kind, str(holder.get("message_id") or ""),
                      envelope if isinstance(envelope, Mapping) else {}, field)


class RecordsDisagree(Exception):
    """A case and the submission it names do not belong together."""


def check_belongs(case: Case, submission: Submission) -> None:
    """Raise RecordsDisagree unless the case names this submission and the submission
    names this case, with the same form."""
    if (case.submission_id != submission.id or submission.reference != case.reference
            or submission.form != case.form):
        raise RecordsDisagree(case.reference)


class IntegrityFailure(Exception):
    """A case cannot be served: its records failed an integrity check (a code of
    ``shared.services.integrity``), already logged and alerted."""

    def __init__(self, reference: str, code: str) -> None:
        super().__init__(f"{code}: {reference}")
        self.reference = reference
        self.code = code
