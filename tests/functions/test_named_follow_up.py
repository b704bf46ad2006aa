"""Every submitter reaches their case's follow-up page, named ones included, on both backends
(SQLite and the Firestore emulator): a named complainant files through the web form, is
given a receipt code like anyone else, is e-mailed that the office replied (the e-mail
says how to open the page, and nothing of the reply), and reads the reply there."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.services import follow_up as follow_up_service
from tests.support.casework import Office, open_office
from tests.support.payloads import SENSITIVE, flatten, payload
from tests.support.web import ORIGIN, Browser, Page, receipt_on, reference_on

REPLY = "We have started the preliminary review. Could you send the e-mail of 27 October?"
COMPLAINANT = payload("retaliation")["complainant"]["email"]


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request, INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


def open_page(browser: Browser, reference: str, receipt: str) -> Page:
    """Open a case as a browser does: the post, then the case page it is sent to."""
    page = browser.get("/follow-up")
    return browser.follow(browser.post(
        "forms", [("csrf_token", page.token), ("lang", page.inputs["lang"]),
                  ("reference", reference), ("receipt", receipt)], path="/follow-up"))


def test_a_named_complainant_reads_the_offices_reply(office: Office) -> None:
    browser = Browser(office.h)
    confirmation = browser.submit("retaliation", flatten(payload("retaliation")))
    assert confirmation.status == 200, confirmation.summary  # the one-time confirmation
    reference, receipt = reference_on(confirmation), receipt_on(confirmation)
    office.h.drain()

    replied = office.call("POST", f"/{reference}/replies", {"text": REPLY})
    assert replied.status_code == 200, replied.get_json()
    office.h.drain()
    [mail] = office.mail_to(COMPLAINANT)
    assert reference in mail.subject
    assert "follow-up page" in mail.body and "receipt code" in mail.body
    assert REPLY not in mail.body
    assert not [s for s in SENSITIVE if s in mail.subject + mail.body]

    page = open_page(Browser(office.h), reference, receipt)
    assert page.status == 200, page.summary
    assert reference in page.text
    assert "We have started the preliminary review." in page.text
    # The status texts a complainant reads, now reachable.
    assert "The Ethics Office will start a preliminary review of your complaint." in page.text

    # The code opens this case only: a wrong one is refused like any other.
    wrong = open_page(Browser(office.h), reference, "0000-0000-0000-0000")
    assert wrong.status == 422 and REPLY not in wrong.text


def test_a_named_submission_through_the_api_opens_with_its_receipt(office: Office) -> None:
    for form in ("advice", "misconduct", "retaliation"):
        answer = office.submit(form)  # named, JSON
        c = office.container
        view = follow_up_service.open_case(answer["reference"], answer["receipt"],
                                           client="203.0.113.5", clients=c.rate_limiter,
                                           store=c.store, follow_up=c.follow_up,
                                           cipher=c.cipher, queue=c.queue, clock=c.clock,
                                           lock_for=c.follow_up_lock, policy=c.policy)
        assert view.reference == answer["reference"] and view.form == form
