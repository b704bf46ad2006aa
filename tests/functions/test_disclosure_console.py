"""The console's page of the disclosure programme: the campaign's states, compliance,
reminders and overdue filers, in every language, for officers and administrators only,
and never a declaration's content."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

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
