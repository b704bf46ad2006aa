"""The console's page of the disclosure programme: the campaign's states, compliance,
reminders and overdue filers, in every language, for officers and administrators only,
and never a declaration's content."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.domain.officers import parse_directory
from shared.services import disclosure as programme_service
from shared.web.i18n import LANGUAGES
from tests.support.casework import Office, open_office
from tests.support.console import Browser, iap_keys, iap_sign_in, text
from tests.support.disclosure import roster_line, with_items
from tests.support.iap import IapKey
from tests.support.tokens import CertServer

OFFICER, ADMIN, AUDITOR = "olga@example.org", "carol@example.org", "audrey@example.org"
DIRECTORY = {OFFICER: {"name": "Olga Officer", "roles": ["ethics_officer"]},
             ADMIN: {"name": "Carol Admin", "roles": ["ethics_admin"]},
             AUDITOR: {"name": "Audrey Auditor", "roles": ["ethics_auditor"]}}


@pytest.fixture(scope="module")
def keys() -> Iterator[tuple[CertServer, IapKey]]:
    with iap_keys() as served:
        yield served


@pytest.fixture
def office(tmp_path: Path, request: pytest.FixtureRequest,
           keys: tuple[CertServer, IapKey]) -> Office:
    return open_office("sqlite", tmp_path, request, directory=DIRECTORY, components={
        "console_sign_in": iap_sign_in(keys[0], parse_directory(json.dumps(DIRECTORY)))})


def campaign(office: Office) -> None:
    p = office.container.programme
    admin = programme_service.caller(p, ADMIN)
    programme_service.import_roster(p, admin, [roster_line(n) for n in range(3)])
    programme_service.open_campaign(p, admin, 2025)
    programme_service.file_declaration(p, programme_service.caller(p, "filer0@example.org"),
                                       with_items(), kind="annual", year=2025)


def test_no_campaign_yet(office: Office, keys: tuple[CertServer, IapKey]) -> None:
    page = Browser(office.container, keys[1], OFFICER).get("/disclosure")
    assert page.status_code == 200
    assert "No campaign has been opened yet" in text(page)


def test_the_campaign_in_every_language(office: Office,
                                        keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    browser = Browser(office.container, keys[1], ADMIN)
    english = text(browser.get("/disclosure"))
    assert "Campaign for 2025" in english and "Overdue filers" in english
    assert "Acme" not in english  # never a declaration's content
    # Filed 1, not filed 2; due 31 March 2026 and the harness's clock is before it.
    assert ">Not filed yet</th><td>2<" in english and ">Filed</th><td>1<" in english
    for language in LANGUAGES.values():
        page = browser.get(f"/disclosure?lang={language.code}")
        assert page.status_code == 200
        assert f'lang="{language.html_lang}"' in text(page)
        assert "2025" in text(page)
    assert "Déclarants en retard" in text(browser.get("/disclosure?lang=fr"))
    assert "逾期申报人" in text(browser.get("/disclosure?lang=zh"))


def test_another_year_falls_back_to_the_latest_and_says_so(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    page = Browser(office.container, keys[1], OFFICER).get("/disclosure?year=1999")
    assert page.status_code == 200
    assert "There is no campaign for that year" in text(page)
    assert "Campaign for 2025" in text(page)


def test_an_auditor_is_refused(office: Office, keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    page = Browser(office.container, keys[1], AUDITOR).get("/disclosure")
    assert page.status_code == 403
    assert "Campaign for" not in text(page)


def review_of(office: Office, found: str) -> Any:
    stored = office.container.programme.store.declaration(found)
    assert stored is not None
    return stored.review


def status_of(office: Office, staff_id: str) -> str:
    filer = office.container.programme.store.filer(staff_id)
    assert filer is not None
    return filer.status


def declaration_id(office: Office) -> str:
    p = office.container.programme
    return p.store.declarations(2025)[0].id


def test_an_officer_reads_a_declaration_and_the_read_is_recorded(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    browser = Browser(office.container, keys[1], OFFICER)
    listing = browser.get("/disclosure/declarations?year=2025")
    assert listing.status_code == 200 and "S000000" in text(listing)
    assert "Acme" not in text(listing)  # the list never shows content
    found = declaration_id(office)
    page = browser.get(f"/disclosure/declarations/{found}")
    assert page.status_code == 200
    assert "Acme Supplies Ltd" in text(page) and "Record the review" in text(page)
    p = office.container.programme
    history = p.store.history(f"declaration:{found}")
    assert [(h.actor, h.action) for h in history][-1] == (OFFICER, "read")
    for language in LANGUAGES.values():
        assert browser.get(f"/disclosure/declarations/{found}?lang={language.code}"
                           ).status_code == 200


def test_the_review_outcome_and_guidance_from_the_console(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    found = declaration_id(office)
    browser = Browser(office.container, keys[1], OFFICER)
    path = f"/disclosure/declarations/{found}/review"
    missing = browser.post(path, {"outcome": "guidance_given", "guidance": ""})
    assert missing.status_code == 422 and "Write the guidance" in text(missing)
    wrong = browser.post(path, {"outcome": "maybe"})
    assert wrong.status_code == 422 and "Choose the outcome" in text(wrong)
    assert review_of(office, found) is None  # nothing recorded yet
    done = browser.post(path, {"outcome": "guidance_given",
                               "guidance": "Recuse yourself from the Acme tender."})
    assert done.status_code == 303
    review = review_of(office, found)
    assert review is not None and review.outcome == "guidance_given"
    again = browser.post(path, {"outcome": "no_conflict"})
    assert again.status_code == 409 and "reviewed already" in text(again)
    assert review_of(office, found).outcome == "guidance_given"
    shown = text(browser.get(f"/disclosure/declarations/{found}"))
    assert "Recuse yourself from the Acme tender." in shown
    assert "Record the review" not in shown


def test_an_administrator_without_the_officers_role_reads_no_declaration(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    found = declaration_id(office)
    admin = Browser(office.container, keys[1], ADMIN)
    for path in (f"/disclosure/declarations/{found}", "/disclosure/declarations?year=2025"):
        page = admin.get(path)
        assert page.status_code == 403 and "Acme" not in text(page)
    refused = admin.post(f"/disclosure/declarations/{found}/review", {"outcome": "no_conflict"})
    assert refused.status_code == 403
    assert review_of(office, found) is None
    auditor = Browser(office.container, keys[1], AUDITOR)
    assert auditor.get(f"/disclosure/declarations/{found}").status_code == 403
    assert auditor.get("/disclosure/filers").status_code == 403


def test_the_roster_nominate_and_withdraw(office: Office,
                                          keys: tuple[CertServer, IapKey]) -> None:
    campaign(office)
    admin = Browser(office.container, keys[1], ADMIN)
    roster = admin.get("/disclosure/filers")
    assert roster.status_code == 200 and "S000002" in text(roster)
    assert "Nominate a filer" in text(roster)
    nomination = {"staff_id": "S900001", "name": "Nina Nominee",
                  "email": "nina@example.org", "grade": "D-1",
                  "staff_category": "international_professional",
                  "duty_station": "headquarters", "office": "Office of Finance",
                  "unit": "finance"}
    bad = admin.post("/disclosure/filers", {**nomination, "email": "not an address"})
    assert bad.status_code == 422 and 'id="nominate-email-error"' in text(bad)
    p = office.container.programme
    assert p.store.filer("S900001") is None
    assert admin.post("/disclosure/filers", nomination).status_code == 303
    nominated = p.store.filer("S900001")
    assert nominated is not None and nominated.source == "nominated"
    assert p.store.obligation(2025, "S900001") is not None  # owes the open campaign
    twice = admin.post("/disclosure/filers", nomination)
    assert twice.status_code == 409
    assert admin.post("/disclosure/filers/S900001/withdrawal", {}).status_code == 303
    assert status_of(office, "S900001") == "withdrawn"
    assert admin.post("/disclosure/filers/S900001/withdrawal", {}).status_code == 404
    officer = Browser(office.container, keys[1], OFFICER)
    page = text(officer.get("/disclosure/filers"))
    assert "S900001" in page and "Nominate a filer" not in page
    assert officer.post("/disclosure/filers/S000001/withdrawal", {}).status_code == 403
    assert status_of(office, "S000001") == "active"


def test_an_administrator_opens_a_campaign(office: Office,
                                           keys: tuple[CertServer, IapKey]) -> None:
    p = office.container.programme
    programme_service.import_roster(p, programme_service.caller(p, ADMIN),
                                    [roster_line(n) for n in range(2)])
    admin = Browser(office.container, keys[1], ADMIN)
    assert "Open a campaign" in text(admin.get("/disclosure"))
    bad = admin.post("/disclosure/campaigns", {"year": "20x5", "due_on": "31/03/2026"})
    assert bad.status_code == 422
    assert "Enter a reporting year" in text(bad) and "YYYY-MM-DD" in text(bad)
    future = admin.post("/disclosure/campaigns", {"year": "2999"})
    assert future.status_code == 422
    assert p.store.campaigns() == []
    opened = admin.post("/disclosure/campaigns", {"year": "2025", "due_on": "2026-04-30"})
    assert opened.status_code == 303
    [made] = p.store.campaigns()
    assert made.year == 2025 and made.due_on.isoformat() == "2026-04-30"
    assert len(p.store.obligations(2025)) == 2
    officer = Browser(office.container, keys[1], OFFICER)
    assert "Open a campaign" not in text(officer.get("/disclosure"))
    assert officer.post("/disclosure/campaigns", {"year": "2024"}).status_code == 403
    assert [c.year for c in p.store.campaigns()] == [2025]
