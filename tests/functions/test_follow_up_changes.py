"""The follow-up page tells the submitter what changed since their last visit, and when:
each new state in their words and each new reply, never an internal event; on both
backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.casework import Office, open_office
from tests.support.payloads import flatten, payload
from tests.support.web import ORIGIN, Browser, Page, receipt_on, reference_on

REPLY = "We have started the preliminary review of your complaint."


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request, INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


def open_page(office: Office, reference: str, receipt: str) -> Page:
    browser = Browser(office.h)
    page = browser.get("/follow-up")
    return browser.follow(browser.post(
        "forms", [("csrf_token", page.token), ("lang", page.inputs["lang"]),
                  ("reference", reference), ("receipt", receipt)], path="/follow-up"))


def test_what_changed_since_the_last_visit_and_when(office: Office) -> None:
    confirmation = Browser(office.h).submit("retaliation", flatten(payload("retaliation")))
    reference, receipt = reference_on(confirmation), receipt_on(confirmation)
    office.h.drain()

    first = open_page(office, reference, receipt)
    assert first.status == 200, first.summary
    assert "Since your last visit" not in first.text  # nothing to compare with yet

    office.clock.advance(days=2)
    office.act(reference, "start_preliminary_review")
    office.call("POST", f"/{reference}/notes", {"text": "Internal: call the witness."})
    office.clock.advance(days=1)
    replied = office.call("POST", f"/{reference}/replies", {"text": REPLY})
    assert replied.status_code == 200, replied.get_json()
    office.h.drain()
    office.clock.advance(days=1)

    second = open_page(office, reference, receipt)
    assert "Since your last visit" in second.text
    section = second.text.split('class="since-last-visit"', 1)[1].split("</section>", 1)[0]
    assert "Mar 2, 2026" in section  # the first visit, on the harness's clock
    items = section.count("<li>")
    assert items == 2, section  # the new state and the reply; not the internal note
    assert "your case is now" in section and "a new reply" in section
    assert "Mar 4, 2026" in section and "Mar 5, 2026" in section
    assert "Internal" not in second.text

    third = open_page(office, reference, receipt)
    later = third.text.split('class="since-last-visit"', 1)[1].split("</section>", 1)[0]
    assert "Nothing has changed since then." in later
