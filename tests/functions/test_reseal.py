"""``intake reseal`` on SQLite and the Firestore emulator: records sealed in format 1 (as the
code before format 2 sealed them) are refused in place until migrated; the migration
re-seals each for its place, under the key of its kind, recomputes the replay digests,
refuses what format 1 cannot vouch for (a copied message id, an author that does not fit
its kind), and can run again."""

from __future__ import annotations

import html
import json
from typing import Any

from click.testing import CliRunner

from shared import bootstrap
from shared.cli import main
from shared.domain.records import Case, CaseChange, CaseEvent, Happened, record
from shared.domain.sealing import (
    CASES_KEY,
    KEY_OF_KIND,
    event_context,
    sealed_in_event,
    submission_context,
)
from shared.services.follow_up import add_message
from tests.functions import test_sealed_in_place as in_place
from tests.functions.test_sealed_in_place import CANNOT_BE_SHOWN, Desk, history
from tests.support.legacy_envelope import seal_v1
from tests.support.payloads import ADVICE_ANONYMOUS

# The same two-backend desk (SQLite, the Firestore emulator) as the in-place tests.
certificates = in_place.certificates
desk = in_place.desk

KEY = "0f2b8c1e-3d4a-4e5f-8a9b-7c6d5e4f3a2b"
NOTE_A = "Internal note on A: the manager Evander Castellanos-Whitby is named."
REPLY_A = "Reply to A: please tell us more."
DETERMINATION_A = "Determination on A: taken on by the office."
MESSAGE_A = "Message from A's submitter: it happened twice."
NOTE_B = "Internal note on B."


def intake(desk: Desk, *args: str) -> tuple[int, dict[str, Any]]:
    with bootstrap.using(desk.harness.container):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def downgrade(desk: Desk) -> None:
    """Every sealed value re-sealed as format 1 (same plaintext, the old binding to the
    record id alone, the one old key), and old-style replay digests."""
    c = desk.harness.container
    records = c.sealed_records
    for submission in records.submissions_after("", 100):
        plaintext = c.cipher.open(submission_context(submission.id, submission.reference),
                                  submission.sealed)
        assert records.replace_submission_seal(
            submission.id, expected=submission.sealed, request_digest="ab" * 32,
            sealed=seal_v1(c.case_keys, submission.id, plaintext))
    for reference in records.references_after("", 100):
        for event in desk.store.case_events(reference):
            item = sealed_in_event(event.kind, event.details)
            if item is None:
                continue
            plaintext = c.cipher.open(event_context(item.kind, reference, item.record_id),
                                      item.envelope)
            assert records.replace_event_seal(
                reference, event.seq, item.field, expected=item.envelope,
                sealed=seal_v1(c.case_keys, item.record_id, plaintext))


def append(desk: Desk, reference: str, kind: str, actor: str, details: dict[str, Any]) -> int:
    at = desk.harness.clock.now()

    def add(case: Case) -> CaseChange:
        updated, events = record(case, at, [Happened(kind, actor, details)])
        return CaseChange(updated, events)

    change = desk.store.update_case(reference, add)
    assert change is not None
    return change.events[-1].seq


def last(desk: Desk, reference: str, kind: str) -> CaseEvent:
    return [e for e in desk.store.case_events(reference) if e.kind == kind][-1]


def test_format_1_is_refused_in_place_then_migrated_and_attacks_are_not_laundered(
        desk: Desk) -> None:
    c = desk.harness.container
    first = desk.harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    a, a_receipt = first.get_json()["reference"], first.get_json()["receipt"]
    b, _ = desk.submit(ADVICE_ANONYMOUS)
    desk.harness.drain()
    assert desk.officer("POST", f"/{a}/notes", {"text": NOTE_A}).status_code == 200
    assert desk.officer("POST", f"/{a}/replies", {"text": REPLY_A}).status_code == 200
    moved = desk.officer("POST", f"/{a}/transitions", {"name": "assign",
                                                       "note": DETERMINATION_A})
    assert moved.status_code == 200, moved.get_json()
    add_message(a, MESSAGE_A, "d" * 32, store=c.store, follow_up=c.follow_up, cipher=c.cipher,
                queue=c.queue, clock=c.clock, policy=c.policy)
    assert desk.officer("POST", f"/{b}/notes", {"text": NOTE_B}).status_code == 200
    downgrade(desk)
    # Attacks made while the records were in format 1: A's note copied into B as a reply,
    # and a "note" by the submitter (a submitter's message relabelled).
    note_a = last(desk, a, "note")
    copied = append(desk, b, "reply_to_submitter", note_a.actor, dict(note_a.details))
    relabelled = append(desk, b, "note", "submitter", {
        "message_id": "e" * 32, "sealed": seal_v1(c.case_keys, "e" * 32, b"submitter text")})

    # Format 1 is not opened in place: a clear 409 for the officers, "cannot be shown" on
    # the follow-up page.
    refused = desk.officer("GET", f"/{a}")
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"_integrity": ["seal_outdated"]}
    page = desk.follow_up(a, a_receipt)
    assert page.status == 200 and REPLY_A not in page.text and CANNOT_BE_SHOWN in page.text

    status, checked = intake(desk, "reseal", "--check")
    assert status == 1
    expected_refusals = sorted([
        {"reference": a, "where": f"event_{note_a.seq}", "reason": "duplicate_id"},
        {"reference": b, "where": f"event_{copied}", "reason": "duplicate_id"},
        {"reference": b, "where": f"event_{relabelled}", "reason": "author_mismatch"},
    ], key=lambda r: (r["reference"], r["where"]))
    assert sorted(checked["refused"], key=lambda r: (r["reference"], r["where"])) == (
        expected_refusals)
    assert (checked["resealed_submissions"], checked["resealed_events"]) == (2, 4)
    assert desk.officer("GET", f"/{a}").status_code == 409  # --check wrote nothing

    status, done = intake(desk, "reseal")
    assert status == 1 and done == dict(checked, already_current=0)

    status, events, body = history(desk, a)
    assert status == 200
    texts = {e["kind"]: e["text"] for e in events if e["text"] is not None}
    assert texts == {"reply_to_submitter": REPLY_A, "transition": DETERMINATION_A,
                     "submitter_message": MESSAGE_A}
    assert NOTE_A not in body  # refused with its copy: an officer investigates both
    page = desk.follow_up(a, a_receipt)
    shown = html.unescape(page.text)
    assert page.status == 200 and REPLY_A in shown and MESSAGE_A in shown
    _, events_b, body_b = history(desk, b)
    assert NOTE_A not in body_b and "submitter text" not in body_b
    assert [e["text"] for e in events_b if e["kind"] == "note"] == [NOTE_B, None]

    # Each value now under the key of its kind; the replay digest was recomputed, so a
    # retry of the first submission is recognised again, without decrypting.
    for reference in (a, b):
        for event in desk.store.case_events(reference):
            item = sealed_in_event(event.kind, event.details)
            if item is not None and event.seq not in (note_a.seq, copied, relabelled):
                keys = c.case_keys if KEY_OF_KIND[item.kind] == CASES_KEY else c.message_keys
                assert (item.envelope["v"], item.envelope["kid"]) == (2, keys.key_id)
    retry = desk.harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert retry.status_code == 201 and retry.get_json()["reference"] == a

    status, again = intake(desk, "reseal")
    assert status == 1
    assert (again["resealed_submissions"], again["resealed_events"]) == (0, 0)
    assert again["already_current"] == 6 and again["refused"] == done["refused"]


def test_a_format_1_submission_whose_case_names_another_is_not_resealed(desk: Desk) -> None:
    a, _ = desk.submit(ADVICE_ANONYMOUS)
    b, _ = desk.submit(ADVICE_ANONYMOUS)
    downgrade(desk)
    case_a = desk.store.get_case(a)
    assert case_a is not None
    desk.store.update_case(b, lambda case: CaseChange(
        Case(**{**vars(case), "submission_id": case_a.submission_id})))
    status, report = intake(desk, "reseal")
    assert status == 1
    assert report["refused"] == [{"reference": b, "where": "submission",
                                  "reason": "records_disagree"}]
    assert report["resealed_submissions"] == 1


def test_a_clean_store_needs_nothing(desk: Desk) -> None:
    reference, _ = desk.submit(ADVICE_ANONYMOUS)
    c = desk.harness.container
    add_message(reference, MESSAGE_A, "f" * 32, store=c.store, follow_up=c.follow_up,
                cipher=c.cipher, queue=c.queue, clock=c.clock, policy=c.policy)
    status, report = intake(desk, "reseal")
    assert status == 0
    assert report == {"resealed_submissions": 0, "resealed_events": 0, "already_current": 2,
                      "changed_meanwhile": 0, "refused": []}
