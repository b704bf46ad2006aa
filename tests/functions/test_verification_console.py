"""The console's verification page: officers read the year's sample (seed, allocation per
stratum, the filers drawn); administrators preview the allocation, draw, and void with a
reason, through the same use cases as the API and `intake verification`; in every
language; nobody else sees it."""

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
from tests.support.disclosure import roster_line
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
    opened = open_office("sqlite", tmp_path, request, directory=DIRECTORY, components={
        "console_sign_in": iap_sign_in(keys[0], parse_directory(json.dumps(DIRECTORY)))})
    p = opened.container.programme
    admin = programme_service.caller(p, ADMIN)
    programme_service.import_roster(p, admin, [
        roster_line(n, grade=("P-4", "G-5")[n % 2]) for n in range(20)])
    programme_service.open_campaign(p, admin, 2025)
    return opened


def test_preview_draw_and_void(office: Office, keys: tuple[CertServer, IapKey]) -> None:
    admin = Browser(office.container, keys[1], ADMIN)
    page = admin.get("/disclosure/verification?year=2025")
    assert page.status_code == 200
    assert "No sample has been drawn for this year." in text(page)
    preview = admin.post("/disclosure/verification/draw",
                         {"year": "2025", "share": "0.25", "dry_run": "1"})
    assert preview.status_code == 200
    assert "Allocation if 0.25 of 20 filers were drawn: 5" in text(preview)
    assert office.container.disclosure_store.draws(2025) == []
    wrong = admin.post("/disclosure/verification/draw", {"year": "2025", "share": "7"})
    assert wrong.status_code == 422 and "Enter the share as a decimal" in text(wrong)
    drawn = admin.post("/disclosure/verification/draw", {"year": "2025", "share": "0.25"})
    assert drawn.status_code == 303, text(drawn)
    stored = office.container.disclosure_store.draws(2025)
    assert len(stored) == 1 and len(stored[0].sample) == 5
    shown = text(admin.get("/disclosure/verification?year=2025&done=drawn"))
    assert stored[0].seed in shown and "The sample was drawn" in shown
    assert all(staff_id in shown for staff_id in stored[0].sample)
    assert "Headquarters · International professional · Senior professional" in shown
    again = admin.post("/disclosure/verification/draw", {"year": "2025", "share": "0.25"})
    assert again.status_code == 409
    empty = admin.post("/disclosure/verification/void", {"year": "2025", "reason": " "})
    assert empty.status_code == 422 and not office.container.disclosure_store.draws(
        2025)[0].voided
    voided = admin.post("/disclosure/verification/void",
                        {"year": "2025", "reason": "A rehearsal."})
    assert voided.status_code == 303
    shown = text(admin.get("/disclosure/verification?year=2025"))
    assert "A rehearsal." in shown and "No sample has been drawn for this year." in shown


def test_officers_read_administrators_act_others_are_refused(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    admin = Browser(office.container, keys[1], ADMIN)
    admin.post("/disclosure/verification/draw", {"year": "2025", "share": "0.1"})
    officer = Browser(office.container, keys[1], OFFICER)
    page = text(officer.get("/disclosure/verification"))
    assert office.container.disclosure_store.draws(2025)[0].seed in page
    assert "Void the draw" not in page
    refused = officer.post("/disclosure/verification/void",
                           {"year": "2025", "reason": "Mine."})
    assert refused.status_code == 403
    assert not office.container.disclosure_store.draws(2025)[0].voided
    auditor = Browser(office.container, keys[1], AUDITOR)
    assert auditor.get("/disclosure/verification").status_code == 403
    for language in LANGUAGES.values():
        shown = officer.get(f"/disclosure/verification?lang={language.code}")
        assert shown.status_code == 200
        assert f'lang="{language.html_lang}"' in text(shown)
    assert "Verification of declarations" in text(officer.get("/disclosure"))
