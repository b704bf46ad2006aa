"""The financial disclosure API in-process, with real Google-style ID tokens: who reads a
declaration (its filer and ethics officers; never another filer, a head of unit, an
administrator without the officer's role, or a caller without a token), amendments until
the review, the review's guidance, nominations by heads of units, campaigns, and bad
input refused with nothing stored."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from schemas.openapi import build_openapi
from shared import bootstrap
from shared.adapters.google_id_tokens import GoogleIdTokenVerifier
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.officers import parse_directory
from shared.services import disclosure as programme_service
from tests.support.disclosure import nothing_to_declare, roster_line, with_items
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness, function_app
from tests.support.tokens import CertServer, SigningKey

AUDIENCE = "https://europe-west1-ethics.cloudfunctions.net/disclosure"
ADMIN, OFFICER, HEAD = "ada@example.org", "otto@example.org", "hana@example.org"
DIRECTORY = {ADMIN: {"name": "Ada Admin", "roles": ["ethics_admin"]},
             OFFICER: {"name": "Otto Officer", "roles": ["ethics_officer"]}}
PROGRAMME = {"unit_heads": {HEAD: ["finance"]}}
FILER, OTHER = "filer1@example.org", "filer2@example.org"


@dataclass
class Api:
    harness: Harness
    key: SigningKey
    notifier: RecordingNotifier

    def token(self, email: str) -> str:
        now = int(time.time())
        return self.key.sign({"iss": "https://accounts.google.com", "aud": AUDIENCE,
                              "sub": "2" * 21, "email": email, "email_verified": True,
                              "iat": now, "exp": now + 3600})

    def call(self, method: str, path: str, body: Any = None, *, who: str | None = None
             ) -> Any:
        headers = {"Authorization": f"Bearer {self.token(who)}"} if who else {}
        client = function_app("disclosure").test_client()
        with bootstrap.using(self.harness.container):
            if method == "GET":
                return client.get(path, headers=headers)
            return client.post(path, data=json.dumps(body), content_type="application/json",
                               headers=headers)

    @property
    def store(self) -> Any:
        return self.harness.container.disclosure_store


@pytest.fixture(scope="module")
def certificates() -> Iterator[tuple[CertServer, SigningKey]]:
    key, server = SigningKey("google-1"), CertServer()
    server.publish(key)
    yield server, key
    server.close()


@pytest.fixture
def api(tmp_path: Path, certificates: tuple[CertServer, SigningKey]) -> Api:
    server, key = certificates
    notifier = RecordingNotifier()
    harness = Harness.build(
        tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
        components={"verifier": GoogleIdTokenVerifier(AUDIENCE, server.url),
                    "officers": parse_directory(json.dumps(DIRECTORY)),
                    "notifier": notifier},
        INTAKE_DISCLOSURE=json.dumps(PROGRAMME))
    api = Api(harness, key, notifier)
    p = harness.container.programme
    programme_service.import_roster(p, programme_service.caller(p, ADMIN), [
        roster_line(1), roster_line(2), roster_line(3, unit="legal")])
    opened = api.call("POST", "/campaigns", {"year": 2025}, who=ADMIN)
    assert opened.status_code == 201, opened.get_json()
    return api


def filed(api: Api, body: dict[str, Any] | None = None) -> str:
    response = api.call("POST", "/me/declarations",
                        {"kind": "annual", "year": 2025, "content": body or with_items()},
                        who=FILER)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["declaration"]["id"])


class TestWhoReadsADeclaration:
    def test_the_filer_reads_their_own(self, api: Api) -> None:
        declaration_id = filed(api)
        response = api.call("GET", f"/declarations/{declaration_id}", who=FILER)
        assert response.status_code == 200
        body = response.get_json()
        assert body["content"]["sections"]["assets"]["spouse"]["items"][0]["counterpart"] \
            == "Acme Supplies Ltd"
        assert body["history"] == []  # the history is the officers'

    @pytest.mark.parametrize("who", [OTHER, HEAD, ADMIN, "stranger@example.org"])
    def test_nobody_else_but_officers_reads_it(self, api: Api, who: str) -> None:
        declaration_id = filed(api)
        unknown = api.call("GET", "/declarations/" + "0" * 32, who=who)
        response = api.call("GET", f"/declarations/{declaration_id}", who=who)
        assert response.status_code == unknown.status_code == 404
        assert response.get_json() == unknown.get_json()
        assert "Acme" not in response.get_data(as_text=True)

    def test_no_token_reads_nothing(self, api: Api) -> None:
        declaration_id = filed(api)
        for path in (f"/declarations/{declaration_id}", "/me", "/filers", "/campaigns/2025"):
            response = api.call("GET", path)
            assert response.status_code == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_an_officer_reads_it_with_every_read_in_its_history(self, api: Api) -> None:
        declaration_id = filed(api)
        api.call("GET", f"/declarations/{declaration_id}", who=FILER)
        api.call("GET", f"/declarations/{declaration_id}", who=OTHER)
        response = api.call("GET", f"/declarations/{declaration_id}", who=OFFICER)
        assert response.status_code == 200
        actions = [(h["actor"], h["action"]) for h in response.get_json()["history"]]
        assert actions == [(FILER, "filed"), (FILER, "read"), (OTHER, "read_refused"),
                           (OFFICER, "read")]

    def test_the_filer_lists_only_their_own(self, api: Api) -> None:
        filed(api)
        mine = api.call("GET", "/me", who=FILER).get_json()
        assert mine["filer"]["staff_id"] == "S000001"
        assert mine["thresholds"]["gifts_at_least_per_source"] == 250
        assert mine["thresholds"]["stock_options_at_least"] is None
        assert [o["state"] for o in mine["obligations"]] == ["filed"]
        assert len(mine["declarations"]) == 1
        theirs = api.call("GET", "/me", who=OTHER).get_json()
        assert theirs["declarations"] == []
        assert api.call("GET", "/me", who=HEAD).status_code == 403

    def test_a_version_moved_in_place_of_another_does_not_open(self, api: Api) -> None:
        declaration_id = filed(api)
        stored = api.store.declaration(declaration_id)
        assert "Acme" not in json.dumps(stored.sealed)
        api.call("POST", f"/declarations/{declaration_id}/versions",
                 {"version": 1, "content": nothing_to_declare()}, who=FILER)
        first = api.store.versions(declaration_id)[0]
        # The first version's envelope put in the head's place does not open.
        api.store.amend_declaration(replace(api.store.declaration(declaration_id), version=3,
                                            sealed=first.sealed),
                                    replace(first, version=3))
        response = api.call("GET", f"/declarations/{declaration_id}", who=FILER)
        assert response.status_code == 409
        assert "_integrity" in response.get_json()["errors"]
        assert "Acme" not in response.get_data(as_text=True)


class TestAmendAndReview:
    def test_amendments_keep_every_version_until_the_review(self, api: Api) -> None:
        declaration_id = filed(api)
        stale = api.call("POST", f"/declarations/{declaration_id}/versions",
                         {"version": 2, "content": nothing_to_declare()}, who=FILER)
        assert stale.status_code == 409
        amended = api.call("POST", f"/declarations/{declaration_id}/versions",
                           {"version": 1, "content": nothing_to_declare()}, who=FILER)
        assert amended.status_code == 200
        assert amended.get_json()["declaration"]["version"] == 2
        assert [v.version for v in api.store.versions(declaration_id)] == [1, 2]
        other = api.call("POST", f"/declarations/{declaration_id}/versions",
                         {"version": 2, "content": nothing_to_declare()}, who=OTHER)
        assert other.status_code == 404

        not_an_officer = api.call("POST", f"/declarations/{declaration_id}/review",
                                  {"outcome": "no_conflict"}, who=ADMIN)
        assert not_an_officer.status_code == 403
        reviewed = api.call("POST", f"/declarations/{declaration_id}/review",
                            {"outcome": "guidance_given",
                             "guidance": "Step aside from the Acme tender."}, who=OFFICER)
        assert reviewed.status_code == 200
        again = api.call("POST", f"/declarations/{declaration_id}/review",
                         {"outcome": "no_conflict"}, who=OFFICER)
        assert again.status_code == 409
        late = api.call("POST", f"/declarations/{declaration_id}/versions",
                        {"version": 2, "content": with_items()}, who=FILER)
        assert late.status_code == 409
        read = api.call("GET", f"/declarations/{declaration_id}", who=FILER).get_json()
        assert read["guidance"] == "Step aside from the Acme tender."
        assert read["versions"] == [1, 2]
        # The notice goes through the notify function, once however often it is delivered.
        assert api.harness.deliver_tasks(times=2) == [200, 200]
        [mail] = api.notifier.sent
        # The link is to the filers' pages, where they sign in to read the guidance.
        assert mail.to == FILER and "Acme" not in mail.body
        assert "/forms/declarations" in mail.body

    def test_an_officer_does_not_review_their_own_declaration(self, api: Api) -> None:
        p = api.harness.container.programme
        officer_as_filer = {**roster_line(4), "email": OFFICER}
        programme_service.import_roster(p, programme_service.caller(p, ADMIN), [
            roster_line(1), roster_line(2), roster_line(3, unit="legal"), officer_as_filer])
        programme_service.open_campaign(p, programme_service.caller(p, ADMIN), 2025)
        own = api.call("POST", "/me/declarations", {"kind": "annual", "year": 2025,
                                                    "content": nothing_to_declare()},
                       who=OFFICER)
        assert own.status_code == 201
        declaration_id = own.get_json()["declaration"]["id"]
        refused = api.call("POST", f"/declarations/{declaration_id}/review",
                           {"outcome": "no_conflict"}, who=OFFICER)
        assert refused.status_code == 403
        assert api.store.declaration(declaration_id).review is None

    def test_guidance_given_needs_its_guidance(self, api: Api) -> None:
        declaration_id = filed(api)
        response = api.call("POST", f"/declarations/{declaration_id}/review",
                            {"outcome": "guidance_given"}, who=OFFICER)
        assert response.status_code == 422
        assert "guidance" in response.get_json()["errors"]
        assert api.store.declaration(declaration_id).review is None


class TestBadInput:
    @pytest.mark.parametrize(("content", "field"), [
        ({**nothing_to_declare(), "extra": 1}, "extra"),
        ({**nothing_to_declare(), "children": 13}, "children"),
    ])
    def test_a_bad_declaration_is_refused_and_nothing_stored(
            self, api: Api, content: dict[str, Any], field: str) -> None:
        response = api.call("POST", "/me/declarations",
                            {"kind": "annual", "year": 2025, "content": content}, who=FILER)
        assert response.status_code == 422
        assert field in response.get_json()["errors"]
        assert api.store.declarations_of("S000001") == []
        assert api.store.obligation(2025, "S000001").state == "pending"

    def test_a_section_needs_items_or_an_explicit_nothing_to_declare(self, api: Api) -> None:
        content = nothing_to_declare(spouse=True)
        content["sections"]["gifts"]["spouse"] = {"nothing_to_declare": False}
        del content["sections"]["liabilities"]
        response = api.call("POST", "/me/declarations",
                            {"kind": "annual", "year": 2025, "content": content}, who=FILER)
        assert response.status_code == 422
        errors = response.get_json()["errors"]
        assert set(errors) == {"sections.gifts.spouse", "sections.liabilities"}

    def test_an_annual_declaration_is_filed_once_then_amended(self, api: Api) -> None:
        filed(api)
        again = api.call("POST", "/me/declarations", {"kind": "annual", "year": 2025,
                                                      "content": nothing_to_declare()},
                         who=FILER)
        assert again.status_code == 409
        ad_hoc = api.call("POST", "/me/declarations", {
            "kind": "ad_hoc", "content": {**with_items(), "ad_hoc_reason": "A new board seat"}},
            who=FILER)
        assert ad_hoc.status_code == 201
        assert ad_hoc.get_json()["declaration"]["kind"] == "ad_hoc"

    def test_unknown_fields_and_wrong_types_are_named(self, api: Api) -> None:
        response = api.call("POST", "/me/declarations",
                            {"kind": "annual", "year": "soon", "content": [], "x": 1},
                            who=FILER)
        assert response.status_code == 422
        assert {"year", "content", "x"} <= set(response.get_json()["errors"])


class TestRosterAndCampaign:
    def test_a_head_of_unit_nominates_and_withdraws_in_their_unit_only(self, api: Api) -> None:
        nominee = {k: v for k, v in roster_line(7).items() if k != "reason"}
        created = api.call("POST", "/filers", nominee, who=HEAD)
        assert created.status_code == 201
        assert created.get_json()["filer"]["reason"] == "nominated"
        # Owed the open campaign's declaration, as a filer added during the cycle.
        assert api.store.obligation(2025, "S000007").state == "pending"
        elsewhere = api.call("POST", "/filers", {**roster_line(8), "unit": "legal"}, who=HEAD)
        assert elsewhere.status_code == 403 and api.store.filer("S000008") is None
        assert api.call("POST", "/filers/S000003/withdrawal", {}, who=HEAD).status_code == 403
        withdrawn = api.call("POST", "/filers/S000007/withdrawal", {}, who=HEAD)
        assert withdrawn.status_code == 200
        assert api.store.obligation(2025, "S000007").state == "withdrawn"
        assert api.call("POST", "/filers", nominee, who=FILER).status_code == 403
        same_address = {**roster_line(9), "email": FILER}
        assert api.call("POST", "/filers", same_address, who=HEAD).status_code == 409
        assert api.store.filer("S000009") is None

    def test_the_campaign_answers_match_the_document(self, api: Api) -> None:
        filed(api)
        documented = build_openapi()

        def valid(component: str, body: Any) -> list[str]:
            root = {"$ref": f"#/components/schemas/{component}",
                    "components": documented["components"]}
            validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
            return [e.message for e in validator.iter_errors(body)]

        again = api.call("POST", "/campaigns", {"year": 2025}, who=ADMIN)
        assert again.status_code == 200
        assert valid("CampaignOpened", again.get_json()) == []
        assert again.get_json()["created"] is False
        status = api.call("GET", "/campaigns/2025", who=ADMIN).get_json()
        assert valid("CampaignStatus", status) == []
        assert valid("CampaignStatus", {**status, "extra": 1}) != []  # the shape is closed
        operations = documented["paths"]["/disclosure/campaigns/{year}"]["get"]
        schema = operations["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/CampaignStatus"}

    def test_the_campaign_status_is_for_the_office(self, api: Api) -> None:
        filed(api)
        status = api.call("GET", "/campaigns/2025", who=ADMIN)
        assert status.status_code == 200
        body = status.get_json()
        assert body["states"] == {"pending": 2, "filed": 1, "separated": 0, "withdrawn": 0}
        assert body["due_on"] == "2026-03-31"
        assert body["compliance"]["filers"] == 3
        assert api.call("GET", "/campaigns/2025", who=FILER).status_code == 403
        assert api.call("GET", "/campaigns/2025", who=HEAD).status_code == 403
        assert api.call("POST", "/campaigns", {"year": 2025}, who=OFFICER).status_code == 403
        assert api.call("POST", "/campaigns", {"year": 2025}, who=ADMIN).status_code == 200
