"""Records kept as long as the schedule says and no longer, on both backends (SQLite and
the Firestore emulator): the clock starts on closing (on the investigations office's
acknowledgement for a misconduct report), reopening clears it and the submitter's new
information pushes it back; sweep purges what is due, leaving a content-free tombstone and
an audit event; the follow-up page says the records were deleted and when; the annual
report does not change."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.domain.records import CaseQuery, Submission
from shared.domain.sealing import event_context, submission_context
from shared.ports.sealing import KeyDestroyed
from shared.ports.storage import IntakeStore
from shared.services import follow_up as follow_up_service
from shared.services.annual_report import annual_report
from tests.conftest import KmsServer
from tests.support.casework import Office, open_office
from tests.support.payloads import SENSITIVE, payload
from tests.support.web import ORIGIN, Browser

DAY = timedelta(days=1)


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request,
                       INTAKE_RETENTION_ADVICE_DAYS="10",
                       INTAKE_RETENTION_MISCONDUCT_DAYS="0",
                       INTAKE_RETENTION_RETALIATION_DAYS="20",
                       INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


@pytest.fixture(params=["sqlite", "firestore", "firestore+kms"])
def shredding_office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    """The office on each backend, and as deployed on Google Cloud: the Firestore emulator
    with every key in Cloud KMS (our KMS-compatible gRPC server): the cases key, the
    messages key and a key ring of the purge months' keys."""
    cases = messages = ring = messages_ring = host = ""  # the defaults: local key files
    if request.param == "firestore+kms":
        server: KmsServer = request.getfixturevalue("kms_server")
        cases, messages, ring = server.key_name, server.another_key(), server.new_ring()
        messages_ring, host = server.new_ring(), server.host
    return open_office(request.param.removesuffix("+kms"), tmp_path, request,
                       INTAKE_RETENTION_ADVICE_DAYS="10",
                       INTAKE_RETENTION_MISCONDUCT_DAYS="0",
                       INTAKE_RETENTION_RETALIATION_DAYS="20",
                       INTAKE_FUNCTIONS_BASE_URL=ORIGIN, INTAKE_KMS_KEY=cases,
                       INTAKE_MESSAGES_KMS_KEY=messages, INTAKE_RETENTION_KMS_KEY_RING=ring,
                       INTAKE_MESSAGES_RETENTION_KMS_KEY_RING=messages_ring,
                       INTAKE_KMS_EMULATOR_HOST=host)


def closed_advice(office: Office) -> tuple[str, str]:
    """An advice request answered and closed: its reference and receipt code."""
    answer = office.submit("advice")
    reference = str(answer["reference"])
    office.walk(reference, "assign", "answer", "close")
    return reference, str(answer["receipt"])


def read_page(office: Office, reference: str, receipt: str) -> Any:
    c = office.container
    return follow_up_service.open_case(reference, receipt, client="203.0.113.5",
                                       clients=c.rate_limiter, store=c.store,
                                       follow_up=c.follow_up, cipher=c.cipher, queue=c.queue,
                                       clock=c.clock, lock_for=c.follow_up_lock,
                                       policy=c.policy)


def sweep_purges(office: Office, moment: datetime) -> list[str]:
    """Run sweep at ``moment``: the references it purged."""
    office.clock.current = moment
    purged: list[str] = office.container.use_cases.sweep().purged
    office.h.drain()
    return purged


def add_message(office: Office, reference: str, text: str, message_id: str) -> None:
    office.container.use_cases.follow_up.add_message(reference, text, message_id)


def test_closing_starts_the_clock_and_reopening_clears_it(office: Office) -> None:
    reference, _ = closed_advice(office)
    closed_at = office.clock.now()
    case = office.case(reference)
    assert case.purge_after == closed_at + 10 * DAY
    closing = office.events(reference)[-1]
    assert closing.details["purge_after"] == (closed_at + 10 * DAY).isoformat()
    office.clock.advance(days=3)
    office.act(reference, "reopen")
    assert office.case(reference).purge_after is None
    assert office.events(reference)[-1].details["purge_after"] is None
    # Not due any more: a sweep after the old date purges nothing.
    assert sweep_purges(office, closed_at + 11 * DAY) == []
    assert office.case(reference).purged_at is None
    office.walk(reference, "answer", "close")
    assert office.case(reference).purge_after == office.clock.now() + 10 * DAY


def test_an_open_case_has_no_date_and_a_misconduct_report_starts_on_acknowledgement(
        office: Office) -> None:
    advice = str(office.submit("advice")["reference"])
    assert office.case(advice).purge_after is None
    misconduct = str(office.submit("misconduct")["reference"])
    assert office.case(misconduct).state == "forwarded"
    assert office.case(misconduct).purge_after is None  # forwarded: not acknowledged yet
    office.clock.advance(days=2)
    office.act(misconduct, "acknowledge")
    assert office.case(misconduct).purge_after == office.clock.now()  # 0 days configured


def test_the_submitters_information_pushes_the_date_back(office: Office) -> None:
    reference, _ = closed_advice(office)
    first = office.case(reference).purge_after
    assert first is not None
    office.clock.advance(days=4)
    add_message(office, reference, "One more thing I remembered.", "a" * 32)
    assert office.case(reference).purge_after == office.clock.now() + 10 * DAY > first
    assert any(e.kind == "retention_pushed_back" for e in office.events(reference))


def test_sweep_purges_a_due_case_and_leaves_a_content_free_tombstone(
        office: Office) -> None:
    reference, _ = closed_advice(office)
    office.clock.advance(days=1)
    add_message(office, reference, "A detail only I know.", "b" * 32)
    office.call("POST", f"/{reference}/notes", {"text": "An internal note on the matter."})
    case = office.case(reference)
    assert case.purge_after is not None
    assert sweep_purges(office, case.purge_after - timedelta(seconds=1)) == []
    assert office.case(reference).purged_at is None

    purge_time = case.purge_after + timedelta(minutes=5)
    office.clock.current = purge_time
    report = office.container.use_cases.sweep()
    assert report.purged == [reference]
    tombstone = office.case(reference)
    assert tombstone.purged_at == purge_time
    assert (tombstone.reference, tombstone.form, tombstone.state) == (reference, "advice",
                                                                        "closed")
    assert tombstone.received_at == case.received_at and tombstone.named_index is None
    submission = office.store.get_submission(tombstone.submission_id)
    assert submission is not None and submission.sealed == {}
    stored = json.dumps([e.details for e in office.events(reference)], default=str)
    assert '"sealed"' not in stored and '"note"' not in stored
    assert office.events(reference)[-1].kind == "purged"
    assert office.events(reference)[-1].actor == "system:sweep"
    # Purged once: a second sweep finds nothing to do, and nothing changes the tombstone.
    assert office.container.use_cases.sweep().purged == []
    refused = office.call("POST", f"/{reference}/transitions", {"name": "reopen"})
    assert refused.status_code == 409
    # The officers still read the tombstone: its history, no content.
    opened = office.call("GET", f"/{reference}")
    assert opened.status_code == 200, opened.get_json()
    assert not any(value in json.dumps(opened.get_json()) for value in SENSITIVE)


def test_the_follow_up_page_says_the_records_were_deleted_and_when(office: Office) -> None:
    reference, receipt = closed_advice(office)
    add_message(office, reference, "Thank you for the answer.", "c" * 32)
    due = office.case(reference).purge_after
    assert due is not None and sweep_purges(office, due + DAY) == [reference]
    purged_at = office.case(reference).purged_at
    view = read_page(office, reference, receipt)
    assert view.purged_at == purged_at and view.messages == ()
    with pytest.raises(follow_up_service.NoMatch):
        add_message(office, reference, "Anything more?", "d" * 32)
    # ... and the page a browser gets says so, with the date, and offers no message box.
    browser = Browser(office.h)
    form = browser.get("/follow-up")
    page = browser.follow(browser.post("forms", [
        ("csrf_token", form.token), ("lang", "en"), ("reference", reference),
        ("receipt", receipt)], path="/follow-up"))
    assert page.status == 200
    assert "its records were deleted" in page.text
    assert purged_at is not None and f"{purged_at:%Y}" in page.text
    assert "message" not in page.names and "Thank you for the answer" not in page.text


def test_a_purge_deletes_the_cases_files_and_the_record_of_its_visits(
        office: Office) -> None:
    """The sealed copies of an attached file go with the case's content, and so does the
    record of when the submitter opened it; the tombstone keeps no file digest."""
    from tests.functions.test_evidence import multipart
    from tests.support import evidence_files as files

    body, content_type = multipart(payload("advice"), [
        ("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")])
    answer = office.h.post("submit_advice", raw=body, content_type=content_type)
    assert answer.status_code == 201, answer.get_json()
    reference, receipt = answer.get_json()["reference"], answer.get_json()["receipt"]
    office.h.drain()
    office.walk(reference, "assign", "answer", "close")
    blobs, follow_up = office.container.evidence_blobs, office.container.follow_up
    assert len(blobs.names(f"{reference}/")) == 2  # the original and the cleaned copy
    read_page(office, reference, receipt)
    assert follow_up.visit(reference) is not None
    other = office.h.post("submit_advice", raw=body, content_type=content_type)
    kept = other.get_json()["reference"]  # an open case: its files stay

    due = office.case(reference).purge_after
    assert due is not None and sweep_purges(office, due + DAY) == [reference]
    assert blobs.names(f"{reference}/") == []
    assert len(blobs.names(f"{kept}/")) == 2
    assert follow_up.visit(reference) is None
    stored = json.dumps([e.details for e in office.events(reference)], default=str)
    assert '"attachments"' not in stored and "sha256" not in stored
    # The sweep of orphaned files finds nothing left of it either.
    swept = office.container.use_cases.sweep_files()
    assert swept is not None and swept.failed == 0


def test_the_annual_report_does_not_change_when_cases_are_purged(office: Office) -> None:
    closed_advice(office)
    closed_advice(office)
    misconduct = str(office.submit("misconduct")["reference"])
    office.act(misconduct, "acknowledge")
    retaliation = str(office.submit("retaliation")["reference"])
    office.walk(retaliation, "start_preliminary_review", "find_no_prima_facie")
    year = office.clock.now().year
    before = annual_report(year, store=office.statistics)
    office.clock.advance(days=11)
    assert len(office.container.use_cases.sweep().purged) == 3
    after = annual_report(year, store=office.statistics)
    assert after == before


ADMIN = "omar@example.org"  # an ethics_admin of the office's directory


def hold(office: Office, reference: str, held: bool, *, who: str = ADMIN) -> Any:
    return office.call("POST", f"/{reference}/legal_hold",
                       {"held": held, "reason": "Litigation pending before the tribunal."},
                       who=who)


def test_a_held_case_is_never_purged_until_the_hold_is_lifted(office: Office) -> None:
    reference, _ = closed_advice(office)
    due = office.case(reference).purge_after
    assert due is not None
    assert hold(office, reference, True, who="olga@example.org").status_code == 403
    placed = hold(office, reference, True)
    assert placed.status_code == 200, placed.get_json()
    assert placed.get_json()["case"]["retention"]["held"] is True
    assert hold(office, reference, True).status_code == 409  # already held
    assert reference not in office.listed("due_for_purge=true")
    assert sweep_purges(office, due + 100 * DAY) == []
    assert office.case(reference).purged_at is None
    lifted = hold(office, reference, False)
    assert lifted.status_code == 200, lifted.get_json()
    assert sweep_purges(office, office.clock.now()) == [reference]  # its date had passed
    kinds = [e.kind for e in office.events(reference)]
    assert kinds.index("legal_hold_placed") < kinds.index("legal_hold_lifted") \
        < kinds.index("purged")
    placed_event = next(e for e in office.events(reference) if e.kind == "legal_hold_placed")
    assert placed_event.actor == f"officer:{ADMIN}"
    assert "reason_text" not in placed_event.details  # the reason went with the purge
    assert hold(office, reference, True).status_code == 409  # nothing to keep any more


def test_officers_see_the_cases_due_within_30_days_and_extend_one_once(
        office: Office) -> None:
    soon, _ = closed_advice(office)  # due in 10 days
    office.clock.advance(days=1)
    later = str(office.submit("retaliation")["reference"])  # open: never due
    assert office.listed("due_for_purge=true") == [soon]
    assert office.listed("due_for_purge=true&form=advice") == [soon]
    assert office.listed("due_for_purge=true&form=retaliation") == []
    not_yet = office.call("POST", f"/{later}/extension", {"reason": "Still needed."})
    assert not_yet.status_code == 409
    first = office.case(soon).purge_after
    assert first is not None
    extended = office.call("POST", f"/{soon}/extension", {"reason": "A related request."})
    assert extended.status_code == 200, extended.get_json()
    retention = extended.get_json()["case"]["retention"]
    assert retention["extended"] is True
    assert retention["purge_after"] == (first + 365 * DAY).isoformat()
    assert office.listed("due_for_purge=true") == []  # a year away now
    again = office.call("POST", f"/{soon}/extension", {"reason": "And again."})
    assert again.status_code == 409
    assert sweep_purges(office, first + DAY) == []
    event = office.events(soon)[-1]
    assert event.kind == "retention_extended" and event.actor == "officer:olga@example.org"
    assert event.details["purge_after"] == (first + 365 * DAY).isoformat()
    assert office.call("POST", f"/{soon}/extension", {}).status_code == 422  # no reason
    blank = office.call("POST", f"/{later}/legal_hold", {"held": True, "reason": "   "},
                        who=ADMIN)
    assert blank.status_code == 422 and "reason" in blank.get_json()["errors"]
    assert not office.case(later).held


def test_intake_cases_lists_what_is_due_and_holds_and_extends(office: Office) -> None:
    from tests.support.case_cli import cases_cli

    reference, _ = closed_advice(office)
    listed = cases_cli(office.container, "olga@example.org", "--due-for-purge")
    assert listed.exit_code == 0, listed.output
    assert reference in listed.output and "purge after" in listed.output
    narrowed = cases_cli(office.container, "olga@example.org", "--due-for-purge",
                         "--form", "retaliation")
    assert narrowed.exit_code == 0 and reference not in narrowed.output
    held = cases_cli(office.container, ADMIN, "hold", reference, "--reason", "Audit.")
    assert held.exit_code == 0, held.output
    assert json.loads(held.output)["retention"]["held"] is True
    lifted = cases_cli(office.container, ADMIN, "hold", reference, "--lift",
                       "--reason", "Audit closed.")
    assert json.loads(lifted.output)["retention"]["held"] is False
    extended = cases_cli(office.container, "olga@example.org", "extend", reference,
                         "--reason", "Related request pending.")
    assert extended.exit_code == 0, extended.output
    assert json.loads(extended.output)["retention"]["extended"] is True
    twice = cases_cli(office.container, "olga@example.org", "extend", reference,
                      "--reason", "Again.")
    assert twice.exit_code != 0 and "once" in twice.output


def copy_of_store(office: Office, tmp_path: Path) -> IntakeStore | dict[str, Submission]:
    """A copy of the store as a backup holds it: the SQLite file copied with SQLite's
    backup API, or (Firestore) every submission document read out of the emulator."""
    from shared.adapters.sqlite_store import SqliteStore

    if isinstance(office.store, SqliteStore):
        target = tmp_path / "backup.sqlite3"
        with sqlite3.connect(tmp_path / "intake.sqlite3") as source, \
                sqlite3.connect(target) as copy:
            source.backup(copy)
        return SqliteStore.open(target)
    return {c.submission_id: s for c in office.store.list_cases(CaseQuery(limit=500))
            if (s := office.store.get_submission(c.submission_id)) is not None}


def from_copy(copy: IntakeStore | dict[str, Submission], office: Office,
              reference: str) -> Submission:
    submission_id = office.case(reference).submission_id
    found = copy.get(submission_id) if isinstance(copy, dict) \
        else copy.get_submission(submission_id)
    assert found is not None
    return found


def test_a_copy_of_the_store_taken_before_the_purge_cannot_open_the_purged_case(
        shredding_office: Office, tmp_path: Path) -> None:
    """Crypto-shredding: once a case's clock starts, the data keys of its sealed values
    are wrapped under the key of the month it is due in (local key files outside the
    database, or a Cloud KMS key of the retention key ring); the key is destroyed when that
    month has passed, so a copy of the store taken before the purge opens nothing of the
    case any more."""
    office = shredding_office
    c = office.container
    office.clock.current = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    kept = str(office.submit("advice")["reference"])  # stays open: never wrapped for a month
    reference, _ = closed_advice(office)  # due 10 days later: in March
    # Wrapped for March as the case closed, without waiting for a sweep...
    assert office.case(reference).sealed_for == "2027-03"
    closed = office.store.get_submission(office.case(reference).submission_id)
    assert closed is not None and closed.sealed["kid"] == "retention:2027-03"
    # ... and a value sealed later (under the cases key) is wrapped by the next sweep.
    note = office.call("POST", f"/{reference}/notes", {"text": "A note to shred."})
    assert note.status_code == 200
    office.clock.advance(minutes=1)
    report = c.use_cases.sweep()
    assert report.rekeyed == [reference] and report.purged == []
    backup = copy_of_store(office, tmp_path)
    copied = from_copy(backup, office, reference)
    assert copied.sealed["kid"] == "retention:2027-03"
    context = submission_context(copied.id, reference)
    assert c.cipher.open(context, copied.sealed)  # the copy opens while the key lives

    office.clock.current = datetime(2027, 3, 13, 9, 0, tzinfo=UTC)
    assert c.use_cases.sweep().purged == [reference]
    office.clock.current = datetime(2027, 4, 1, 0, 5, tzinfo=UTC)  # March has passed
    assert c.use_cases.sweep().shredded == ["2027-03"]
    with pytest.raises(KeyDestroyed):
        c.cipher.open(context, copied.sealed)
    if not isinstance(backup, dict):  # the history's sealed values went with the key too
        note_event = next(e for e in backup.case_events(reference) if e.kind == "note")
        assert note_event.details["sealed"]["kid"] == "retention:2027-03"
        with pytest.raises(KeyDestroyed):
            c.cipher.open(event_context("note", reference, note_event.details["message_id"]),
                          note_event.details["sealed"])
    # The open case was never wrapped for a month: it still opens, copy or not.
    assert office.case(kept).sealed_for is None
    assert from_copy(backup, office, kept).sealed["kid"] == c.case_keys.key_id
    assert c.cipher.open(submission_context(from_copy(backup, office, kept).id, kept),
                         from_copy(backup, office, kept).sealed)


def test_intake_retention_counts_by_form_and_month_and_lists_only_for_officers(
        office: Office) -> None:
    from click.testing import CliRunner

    from shared import bootstrap
    from shared.cli import main
    from tests.support.tokens import dev_token

    def intake(*args: str, token: str | None = None) -> Any:
        with bootstrap.using(office.container):
            return CliRunner().invoke(main, ["retention", *args,
                                             *(["--token", token] if token else [])])

    office.clock.current = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
    first, _ = closed_advice(office)  # due 2027-05-13
    second, _ = closed_advice(office)
    held, _ = closed_advice(office)
    assert hold(office, held, True).status_code == 200  # never purged: never counted
    misconduct = str(office.submit("misconduct")["reference"])
    office.clock.current = datetime(2027, 5, 30, 9, 0, tzinfo=UTC)
    office.act(misconduct, "acknowledge")  # 0 days: due at once, in May
    retaliation = str(office.submit("retaliation")["reference"])
    office.walk(retaliation, "start_preliminary_review", "find_no_prima_facie")  # open

    counted = intake("--json")
    assert counted.exit_code == 0, counted.output
    answer = json.loads(counted.output)
    assert answer["months"] == [{"form": "advice", "month": "2027-05", "cases": 2},
                                {"form": "misconduct", "month": "2027-05", "cases": 1}]
    assert "cases" not in answer and "ETH-" not in counted.output
    plain = intake()
    assert plain.exit_code == 0 and "2027-05  advice      2" in plain.output
    assert "ETH-" not in plain.output

    refused = intake("--list")
    assert refused.exit_code != 0 and "for ethics officers" in refused.output
    listed = intake("--list", "--json", token=dev_token("olga@example.org"))
    assert listed.exit_code == 0, listed.output
    references = [c["reference"] for c in json.loads(listed.output)["cases"]]
    assert set(references) == {first, second, misconduct}
    assert references[-1] == misconduct  # soonest first: due on the 30th
    assert held not in references and retaliation not in references


def test_a_held_or_reopened_case_goes_back_under_the_purposes_keys(
        shredding_office: Office) -> None:
    office = shredding_office
    cases_key = office.container.case_keys.key_id

    def kid(reference: str) -> str:
        submission = office.store.get_submission(office.case(reference).submission_id)
        assert submission is not None
        return str(submission.sealed["kid"])

    office.clock.current = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    reference, _ = closed_advice(office)
    assert kid(reference) == "retention:2027-06"
    assert hold(office, reference, True).status_code == 200
    assert kid(reference) == cases_key  # held: kept whatever happens to June's key
    assert hold(office, reference, False).status_code == 200
    assert kid(reference) == "retention:2027-06"
    extended = office.call("POST", f"/{reference}/extension", {"reason": "Still needed."})
    assert extended.status_code == 200
    assert kid(reference) == "retention:2028-06"  # 365 days later
    office.act(reference, "reopen")
    assert kid(reference) == cases_key
    assert office.call("GET", f"/{reference}").status_code == 200  # still opens


def test_work_still_pending_for_a_purged_case_finds_no_content_and_raises_no_alarm(
        office: Office) -> None:
    reference, _ = closed_advice(office)  # a named requester: the advice payload
    replied = office.call("POST", f"/{reference}/replies", {"text": "One last answer."})
    assert replied.status_code == 200
    assert office.h.queue.tasks  # the "a reply is there" e-mail, not delivered yet
    due = office.case(reference).purge_after
    assert due is not None
    office.clock.current = due + DAY
    assert office.container.use_cases.sweep().purged == [reference]
    office.h.drain()  # the notice's task, delivered after the purge: nothing to open
    assert all(200 <= status < 300 for _, status in office.h.deliveries[-3:])
    assert not any(e.kind == "integrity_alert" for e in office.events(reference))
    assert not office.mail_to(payload("advice")["email"])


def test_a_follow_up_lockout_is_kept_a_day_then_sweep_or_the_ttl_policy_deletes_it(
        office: Office) -> None:
    """The schedule keeps a reference's counter of wrong receipt codes a day after its last
    check: sweep deletes it on the embedded backend; on Firestore its ``expires_at`` is
    what the TTL policy deletes it by, and sweep leaves it to that policy."""
    from shared.adapters.firestore_followup import FirestoreFollowUpStore

    reference, _ = closed_advice(office)
    start = office.clock.now()
    with pytest.raises(follow_up_service.NoMatch):
        read_page(office, reference, "AAAA-AAAA-AAAA-AAAA")
    follow_up = office.container.follow_up
    assert follow_up.lockout(reference).failures == 1
    office.clock.current = start + DAY - timedelta(seconds=1)
    assert office.container.use_cases.sweep().lockouts_forgotten == 0
    assert follow_up.lockout(reference).failures == 1  # still kept: less than a day
    office.clock.current = start + DAY
    forgotten = office.container.use_cases.sweep().lockouts_forgotten
    if isinstance(follow_up, FirestoreFollowUpStore):
        from shared.adapters.documents import timestamp

        assert forgotten == 0
        doc = follow_up._lockout_ref(reference).get().to_dict() or {}
        assert timestamp(doc["expires_at"]) == start + DAY
    else:
        assert forgotten == 1
        assert follow_up.lockout(reference).failures == 0


def test_an_idempotency_record_is_kept_24_hours_then_a_retry_asks_for_a_new_key(
        office: Office) -> None:
    """Within 24 hours a retry with the same Idempotency-Key gets the first answer; after
    them the record (the request's keyed digest) is refused and then cleared by sweep, and
    a retry is a 409 naming the key: nothing is stored twice, nothing is replayed."""
    h, key, body = office.h, "retry-key-0123456789abcdef", payload("advice")
    start = office.clock.now()
    first = h.submit("submit_advice", body, **{"Idempotency-Key": key})
    assert first.status_code == 201
    reference = first.get_json()["reference"]
    submission_id = office.case(reference).submission_id
    office.clock.current = start + timedelta(hours=24) - timedelta(seconds=1)
    again = h.submit("submit_advice", body, **{"Idempotency-Key": key})
    assert again.status_code == 201 and again.get_json()["reference"] == reference
    assert office.container.use_cases.sweep().digests_forgotten == 0

    office.clock.current = start + timedelta(hours=24)
    late = h.submit("submit_advice", body, **{"Idempotency-Key": key})  # before sweep
    assert late.status_code == 409
    assert "Idempotency-Key" in late.get_json()["errors"]
    assert "new one" in late.get_json()["message"]
    assert office.container.use_cases.sweep().digests_forgotten == 1
    stored = office.store.get_submission(submission_id)
    assert stored is not None and stored.request_digest == "" and stored.replay_until is None
    assert stored.sealed  # the submission itself is kept, by the case's own schedule
    after = h.submit("submit_advice", body, **{"Idempotency-Key": key})
    assert after.status_code == 409
    assert [c.reference for c in office.store.list_cases(CaseQuery(limit=50))] == [reference]


def test_the_reasons_of_holds_and_extensions_are_sealed_at_rest_and_shown_to_officers(
        shredding_office: Office) -> None:
    """An officer's reason is free text: sealed like a note (under the cases key while the
    case is held, under its purge month's key otherwise), shown opened in the case's
    history, never stored in clear, and shredded with the case."""
    office = shredding_office
    office.clock.current = datetime(2027, 8, 2, 9, 0, tzinfo=UTC)
    reference, _ = closed_advice(office)
    hold_reason, lift_reason = "Litigation pending before the tribunal.", "Litigation over."
    extension_reason = "A related request is still open."
    assert hold(office, reference, True).status_code == 200  # with hold_reason
    lifted = office.call("POST", f"/{reference}/legal_hold",
                         {"held": False, "reason": lift_reason}, who=ADMIN)
    assert lifted.status_code == 200
    extended = office.call("POST", f"/{reference}/extension", {"reason": extension_reason})
    assert extended.status_code == 200
    office.container.use_cases.sweep()  # wraps what the last step sealed, if not done yet

    reasons = [e for e in office.events(reference) if "reason_text" in e.details]
    assert [e.kind for e in reasons] == ["legal_hold_placed", "legal_hold_lifted",
                                         "retention_extended"]
    for event in reasons:
        stored = event.details["reason_text"]
        assert set(stored) == {"message_id", "sealed"}
        assert stored["sealed"]["kid"] == "retention:2028-08"  # extended: a year later
    raw = json.dumps([e.details for e in office.events(reference)])
    for text in (hold_reason, lift_reason, extension_reason, "Litigation"):
        assert text not in raw

    read = office.call("GET", f"/{reference}")
    history = {e["kind"]: e for e in read.get_json()["history"]}
    assert history["legal_hold_lifted"]["text"] == lift_reason
    assert history["retention_extended"]["text"] == extension_reason
    assert "reason_text" not in history["retention_extended"]["details"]
    assert not history["retention_extended"]["unreadable"]

    office.clock.current = datetime(2028, 8, 20, 9, 0, tzinfo=UTC)
    assert office.container.use_cases.sweep().purged == [reference]
    assert not any("reason_text" in e.details for e in office.events(reference))
