"""Recusal by an officer's own declarations: officers are filers of the disclosure
programme, and a case that names an organisation, vendor, office or person matching what
an officer declared (for themselves, their spouse or children) is invisible to that officer
exactly as a case that names them: no list entry, and the answer of an unknown reference,
through the API and `intake cases`; others still see it. Matching folds case, accents,
invisible characters and confusables, and ignores organisations' legal forms. On SQLite
and the Firestore emulator."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.officers import parse_directory
from shared.domain.records import CaseChange
from shared.ports.storage import IntakeStore
from shared.services import disclosure as programme_service
from tests.support.case_cli import cases_cli
from tests.support.disclosure import nothing_to_declare, roster_line
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness, function_app
from tests.support.payloads import payload
from tests.support.tokens import dev_bearer, dev_verifier

ALICE, DANA, CAROL = "alice@example.org", "dana@example.org", "carol@example.org"
BOB = "bob@example.org"
DIRECTORY = {
    BOB: {"name": "Bob Oyelaran", "roles": ["ethics_officer", "ethics_admin"]},
    ALICE: {"name": "Alice Mbeki-Laurent", "roles": ["ethics_officer"]},
    DANA: {"name": "Dana Officer", "roles": ["ethics_officer"]},
    CAROL: {"name": "Carol Admin", "roles": ["ethics_admin"]},
}
SPOUSE_EMPLOYER = "Société Générale d'Équipements Hydrauliques SA"


@pytest.fixture(params=["sqlite", "firestore"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    store: IntakeStore
    if request.param == "sqlite":
        store = SqliteStore.open(tmp_path / "intake.sqlite3")
    else:
        from shared.adapters.firestore_store import FirestoreStore

        store = FirestoreStore.connect(request.getfixturevalue("firestore_project"),
                                       "(default)", timeout=10)
    harness = Harness.build(tmp_path, store, components={
        "officers": parse_directory(json.dumps(DIRECTORY)), "verifier": dev_verifier(),
        "notifier": RecordingNotifier()})
    p = harness.container.programme
    admin = programme_service.caller(p, CAROL)
    programme_service.import_roster(p, admin, [
        roster_line(1, name="Dana Officer", email=DANA, reason="ethics_office_staff"),
        roster_line(2, name="Alice Mbeki-Laurent", email=ALICE,
                    reason="ethics_office_staff")])
    programme_service.open_campaign(p, admin, 2025)
    declaration = nothing_to_declare(spouse=True)
    declaration["sections"]["relationships"]["spouse"] = {"items": [
        {"description": "My husband is a procurement engineer there",
         "counterpart": SPOUSE_EMPLOYER, "value_usd": None}]}
    declaration["sections"]["outside_activities"]["self"] = {"items": [
        {"description": "Treasurer", "counterpart": "Friends of the Park",
         "value_usd": None}]}
    programme_service.file_declaration(p, programme_service.caller(p, DANA), declaration,
                                       kind="annual", year=2025)
    return harness


def call(h: Harness, method: str, path: str, who: str, body: Any = None) -> Any:
    client = function_app("cases").test_client()
    with bootstrap.using(h.container):
        if method == "GET":
            return client.get(path, headers=dev_bearer(who))
        return client.post(path, data=json.dumps(body), content_type="application/json",
                           headers=dev_bearer(who))


def report(h: Harness, organisation: str) -> str:
    subjects = [{"name": "Bartholomew Quennell-Ashdown", "title": "Sales manager",
                 "organisation": organisation}]
    response = h.submit("submit_misconduct", payload("misconduct", subjects=subjects))
    assert response.status_code == 201, response.get_json()
    h.drain()
    return str(response.get_json()["reference"])


def listed(h: Harness, who: str) -> list[str]:
    response = call(h, "GET", "/?limit=500", who)
    assert response.status_code == 200, response.get_json()
    return [c["reference"] for c in response.get_json()["cases"]]


def test_the_spouse_s_declared_employer_recuses_the_officer_in_the_api_and_the_cli(
        h: Harness) -> None:
    # Other case, no accents, another legal form, and a Cyrillic capital O (U+041E).
    reference = report(h, "S\u041eCIETE GENERALE D'EQUIPEMENTS HYDRAULIQUES LTD")
    h.clock.advance(minutes=1)
    other = report(h, "Zephyrine Logistics")
    assert listed(h, DANA) == [other]
    assert sorted(listed(h, ALICE)) == sorted([reference, other])
    unknown = "ETH-MIS-00000-00000"
    refused = call(h, "GET", f"/{reference}", DANA)
    absent = call(h, "GET", f"/{unknown}", DANA)
    assert refused.status_code == absent.status_code == 404
    assert refused.get_data() == absent.get_data()
    assert call(h, "GET", f"/{reference}", ALICE).status_code == 200
    # The command line is a client of the same API.
    as_dana = cases_cli(h.container, DANA, "list", "--json")
    assert as_dana.exit_code == 0, as_dana.output
    assert reference not in as_dana.output and other in as_dana.output
    shown = cases_cli(h.container, DANA, "show", reference)
    unknown_shown = cases_cli(h.container, DANA, "show", unknown)
    assert shown.exit_code == unknown_shown.exit_code != 0
    assert shown.output.replace(reference, unknown) == unknown_shown.output
    as_alice = cases_cli(h.container, ALICE, "list", "--json")
    assert reference in as_alice.output and other in as_alice.output
    assert cases_cli(h.container, ALICE, "show", reference).exit_code == 0
    # Why is in the history, for the other officers and administrators.
    refusals = [e.details for e in h.store.case_events(reference)
                if e.kind == "access_refused"]
    assert refusals and all(d["reason"] == "declared_interest" for d in refusals)


def test_the_case_is_never_given_to_the_recused_officer(h: Harness) -> None:
    reference = report(h, "Société Générale d’Équipements Hydrauliques GmbH")
    given = call(h, "POST", f"/{reference}/assignment", CAROL, {"assignee": DANA})
    stranger = call(h, "POST", f"/{reference}/assignment", CAROL,
                    {"assignee": "nobody@example.org"})
    assert given.status_code == stranger.status_code == 422
    assert given.get_json() == stranger.get_json()
    taken = call(h, "POST", f"/{reference}/assignment", DANA, {"assignee": DANA})
    assert taken.status_code == 404
    assert call(h, "POST", f"/{reference}/assignment", CAROL,
                {"assignee": ALICE}).status_code == 200


def test_an_unindexed_case_is_checked_by_opening_it(h: Harness) -> None:
    reference = report(h, "societe generale d'equipements hydrauliques s.a.")
    h.store.update_case(reference, lambda c: CaseChange(replace(c, named_index=None)))
    assert listed(h, DANA) == []
    assert call(h, "GET", f"/{reference}", DANA).status_code == 404
    assert listed(h, ALICE) == [reference]


def test_what_was_not_declared_does_not_recuse(h: Harness) -> None:
    unrelated = [report(h, name) for name in (
        "Générale Hydraulique SA",  # another company
        "Equipements Hydrauliques",  # a part of the name
        "The Park Cafe Ltd")]
    assert sorted(listed(h, DANA)) == sorted(unrelated)
    assert report(h, "FRIENDS OF THE PARK") not in listed(h, DANA)  # her own activity
