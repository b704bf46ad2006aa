"""Re-seal every record still in envelope format 1 in the current format (``intake reseal``).

Format 1 bound a sealed value to its record id alone and wrapped every kind under one key.
Readers no longer open it in place (it is the format in which a note copied into another
case as a reply still opened); this migration opens each one with the cases key and seals
it again for the place it is kept: submissions under the cases key with a fresh replay
digest, notes and transition notes under the cases key, replies and submitter messages under
the messages key.

What format 1 cannot prove, the migration refuses rather than launders: a submission whose
case does not name it back, a message id found on more than one record (a copy), an event
whose author does not fit its kind (a submitter's message relabelled as a note), a value
that does not open. Those stay in format 1, unreadable, and are listed for an operator.
A value moved or relabelled before the migration whose original was also removed cannot be
told from a genuine one: run the migration right after upgrading.

Each replacement is a compare-and-set, so a run is safe beside live traffic and can be
repeated: what is current is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from shared.domain.records import CaseEvent, Submission
from shared.domain.sealing import (
    SUBMITTER_MESSAGE,
    RecordsDisagree,
    SealedItem,
    check_belongs,
    event_context,
    sealed_in_event,
    submission_context,
)
from shared.logs import get_logger
from shared.ports.sealing import PayloadCipher, ReplayDigests, SealBroken, SealedRecords
from shared.ports.storage import IntakeStore

log = get_logger(__name__)


@dataclass(frozen=True)
class Refusal:
    reference: str
    where: str  # "submission" or "event_<seq>"
    reason: str  # records_disagree | duplicate_id | author_mismatch | seal_broken | ...


@dataclass
class ResealReport:
    resealed_submissions: int = 0
    resealed_events: int = 0
    already_current: int = 0
    changed_meanwhile: int = 0  # written by someone else between read and write: run again
    refused: list[Refusal] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"resealed_submissions": self.resealed_submissions,
                "resealed_events": self.resealed_events,
                "already_current": self.already_current,
                "changed_meanwhile": self.changed_meanwhile,
                "refused": [vars(r) for r in self.refused]}


def _submissions(records: SealedRecords, batch: int) -> Iterator[Submission]:
    after = ""
    while True:
        page = records.submissions_after(after, batch)
        yield from page
        if len(page) < batch:
            return
        after = page[-1].id


def _references(records: SealedRecords, batch: int) -> Iterator[str]:
    after = ""
    while True:
        page = records.references_after(after, batch)
        yield from page
        if len(page) < batch:
            return
        after = page[-1]


def _sealed_events(store: IntakeStore, reference: str) -> Iterator[tuple[CaseEvent,
                                                                        SealedItem]]:
    for event in store.case_events(reference):
        item = sealed_in_event(event.kind, event.details)
        if item is not None:
            yield event, item


def _author_fits(event: CaseEvent, item: SealedItem) -> bool:
    if item.kind == SUBMITTER_MESSAGE:
        return event.actor == "submitter"
    return event.actor.startswith("officer:")


def reseal(*, records: SealedRecords, store: IntakeStore, cipher: PayloadCipher,
           digests: ReplayDigests, batch: int = 200, write: bool = True) -> ResealReport:
    """Re-seal what is outdated; with ``write=False``, only count and check."""
    report = ResealReport()
    # Every record id in use, and where: a format 1 value whose id is used twice may be a
    # copy of another record's value, and is not re-sealed anywhere.
    places: dict[str, int] = defaultdict(int)
    submissions = list(_submissions(records, batch))
    for submission in submissions:
        places[submission.id] += 1
    references = list(_references(records, batch))
    for reference in references:
        for _, item in _sealed_events(store, reference):
            places[item.record_id] += 1

    for submission in submissions:
        _reseal_submission(submission, store=store, records=records, cipher=cipher,
                           digests=digests, write=write, report=report)
    for reference in references:
        for event, item in _sealed_events(store, reference):
            _reseal_event(reference, event, item, places, records=records, cipher=cipher,
                          write=write, report=report)
    log.info("reseal finished", extra={"event": "reseal_finished", **{
        k: v for k, v in report.as_json().items() if k != "refused"},
        "refused": len(report.refused)})
    return report


def _refuse(report: ResealReport, reference: str, where: str, reason: str) -> None:
    report.refused.append(Refusal(reference, where, reason))
    log.error("a sealed value in format 1 was not re-sealed", extra={
        "event": "reseal_refused", "reference": reference, "where": where, "reason": reason})


def _reseal_submission(submission: Submission, *, store: IntakeStore,
                       records: SealedRecords, cipher: PayloadCipher, digests: ReplayDigests,
                       write: bool, report: ResealReport) -> None:
    if cipher.is_current(submission.sealed):
        report.already_current += 1
        return
    reference = submission.reference
    case = store.get_case(reference)
    try:
        if case is None:
            raise RecordsDisagree(reference)
        check_belongs(case, submission)
    except RecordsDisagree:
        _refuse(report, reference, "submission", "records_disagree")
        return
    try:
        plaintext = cipher.open_outdated(submission.id, submission.sealed)
    except SealBroken:
        _refuse(report, reference, "submission", "seal_broken")
        return
    if not write:
        report.resealed_submissions += 1
        return
    # What was sealed is the canonical JSON the replay digest covers.
    replaced = records.replace_submission_seal(
        submission.id, expected=submission.sealed,
        sealed=cipher.seal(submission_context(submission.id, reference), plaintext),
        # An idempotency record already cleared (its retention ended) stays cleared.
        request_digest=(digests.request_digest(submission.form, submission.id, plaintext)
                        if submission.request_digest else ""))
    if replaced:
        report.resealed_submissions += 1
    else:
        report.changed_meanwhile += 1


def _reseal_event(reference: str, event: CaseEvent, item: SealedItem,
                  places: dict[str, int], *, records: SealedRecords, cipher: PayloadCipher,
                  write: bool, report: ResealReport) -> None:
    if cipher.is_current(item.envelope):
        report.already_current += 1
        return
    where = f"event_{event.seq}"
    if not item.record_id:
        _refuse(report, reference, where, "seal_broken")
        return
    if places[item.record_id] > 1:
        _refuse(report, reference, where, "duplicate_id")
        return
    if not _author_fits(event, item):
        _refuse(report, reference, where, "author_mismatch")
        return
    try:
        plaintext = cipher.open_outdated(item.record_id, item.envelope)
    except SealBroken:
        _refuse(report, reference, where, "seal_broken")
        return
    if not write:
        report.resealed_events += 1
        return
    replaced = records.replace_event_seal(
        reference, event.seq, item.field, expected=item.envelope,
        sealed=cipher.seal(event_context(item.kind, reference, item.record_id), plaintext))
    if replaced:
        report.resealed_events += 1
    else:
        report.changed_meanwhile += 1
