"""The officers' console pages of retention, on both backends: the case list of cases due
for purge within 30 days, the case page's retention facts, an administrator's legal hold
and its lifting, an officer's one extension, and a purged case's tombstone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.functions.test_console import DIRECTORY, console_office
from tests.support.casework import COLLEAGUE, OFFICER, Office
from tests.support.console import Browser, iap_keys, text
from tests.support.iap import IapKey
from tests.support.tokens import CertServer


@pytest.fixture(scope="module")
def keys() -> Iterator[tuple[CertServer, IapKey]]:
    with iap_keys() as served:
        yield served


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path,
           keys: tuple[CertServer, IapKey]) -> Office:
    return console_office(request.param, tmp_path, request, keys,
                          INTAKE_RETENTION_ADVICE_DAYS="10")


def closed_advice(office: Office) -> str:
    reference = str(office.submit("advice")["reference"])
    office.walk(reference, "assign", "answer", "close")
    return reference


def test_the_console_lists_holds_extends_and_shows_the_tombstone(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    assert COLLEAGUE in DIRECTORY and "ethics_admin" in DIRECTORY[COLLEAGUE]["roles"]
    olga, omar = Browser(office.container, keys[1], OFFICER), \
        Browser(office.container, keys[1], COLLEAGUE)
    due = closed_advice(office)
    office.clock.advance(days=1)
    open_case = str(office.submit("advice")["reference"])

    listed = text(olga.get("/cases?purge=30"))
    assert due in listed and open_case not in listed and "Purge after" in listed
    narrowed = olga.get("/cases?purge=30&form=retaliation")
    assert narrowed.status_code == 200 and due not in text(narrowed)
    assert due in text(olga.get("/cases?purge=30&form=advice"))

    page = text(olga.get(f"/cases/{due}"))
    assert "Retention" in page and "Extend the purge date (once)" in page
    assert "Place a legal hold" not in page  # an administrator's action
    assert "Not set: the case is open" in text(olga.get(f"/cases/{open_case}"))

    refused = olga.post(f"/cases/{due}/legal_hold", {"held": "true", "reason": "Audit."})
    assert refused.status_code == 403
    assert not office.case(due).held
    empty = omar.post(f"/cases/{due}/legal_hold", {"held": "true", "reason": ""})
    assert empty.status_code == 422 and "Write the reason" in text(empty)
    placed = omar.post(f"/cases/{due}/legal_hold", {"held": "true",
                                                    "reason": "Tribunal case pending."})
    assert placed.status_code == 303, text(placed)
    assert office.case(due).held
    assert due not in text(olga.get("/cases?purge=30"))
    held_page = text(omar.get(f"/cases/{due}"))
    assert "Yes: never purged while it holds" in held_page and "Lift the legal hold" in held_page
    assert "Legal hold placed" in held_page
    lifted = omar.post(f"/cases/{due}/legal_hold", {"held": "false", "reason": "Settled."})
    assert lifted.status_code == 303 and not office.case(due).held

    before = office.case(due).purge_after
    assert before is not None
    extended = olga.post(f"/cases/{due}/extension", {"reason": "A related request."})
    assert extended.status_code == 303, text(extended)
    assert office.case(due).extended and office.case(due).purge_after != before
    again = olga.post(f"/cases/{due}/extension", {"reason": "Again."})
    assert again.status_code == 409  # the form is gone, and a replayed post is refused
    assert "Extend the purge date (once)" not in text(olga.get(f"/cases/{due}"))

    purge_after = office.case(due).purge_after
    assert purge_after is not None
    office.clock.current = purge_after + timedelta(minutes=1)
    assert office.container.use_cases.sweep().purged == [due]
    olga = Browser(office.container, keys[1], OFFICER)  # a year on: a new session
    opened = olga.get(f"/cases/{due}")
    assert opened.status_code == 200, opened.status_code
    tombstone = text(opened)
    assert "Records deleted" in tombstone and "tombstone is left" in tombstone
    assert "<textarea" not in tombstone and "/transitions" not in tombstone
