"""Records kept as long as the schedule says and no longer, on both backends (SQLite and
the Firestore emulator): the clock starts on closing (on the investigations office's
acknowledgement for a misconduct report), reopening clears it and the submitter's new
information pushes it back; sweep purges what is due, leaving a content-free tombstone and
an audit event; the follow-up page says the records were deleted and when; the annual
report does not change."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.services import follow_up as follow_up_service
from shared.services.annual_report import annual_report
from tests.support.casework import Office, open_office
from tests.support.payloads import SENSITIVE
from tests.support.web import ORIGIN, Browser

DAY = timedelta(days=1)


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request,
                       INTAKE_RETENTION_ADVICE_DAYS="10",
                       INTAKE_RETENTION_MISCONDUCT_DAYS="0",
                       INTAKE_RETENTION_RETALIATION_DAYS="20",
                       INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


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
