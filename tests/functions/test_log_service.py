"""log_service: an officer records a service (advice given on a mission, an allegation the
office was only copied on, a training...); bad input is a 4xx that stores nothing, and a
logged allegation is never forwarded."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.officers import parse_directory
from shared.domain.records import CaseQuery
from shared.domain.statistics import RecordCount
from shared.ports.storage import StoreUnavailable
from tests.support.harness import Harness, function_app
from tests.support.report_data import intake
from tests.support.tokens import dev_bearer, dev_verifier

KEY = "officer-retry-key-0001"
DIRECTORY = {
    "alice@example.org": {"name": "Alice Example", "roles": ["ethics_officer"]},
    "dana@example.org": {"name": "Dana Admin", "roles": ["ethics_admin"]},
}
ALICE = dev_bearer("alice@example.org")


class OfficerHarness(Harness):
    """Posts as Alice, an ethics officer, unless told otherwise."""

    def post(self, function: str, body: Any = None, *, raw: bytes | None = None,
             content_type: str = "application/json",
             headers: dict[str, str] | None = None) -> Any:
        return super().post(function, body, raw=raw, content_type=content_type,
                            headers=ALICE if headers is None else headers)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    # the clock says 2026-03-02
    return OfficerHarness.build(
        tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
        components={"verifier": dev_verifier(),
                    "officers": parse_directory(json.dumps(DIRECTORY))})


def stored(h: Harness, year: int, category: str) -> int:
    return h.container.statistics.count([RecordCount(year, category)])[0]


def test_a_training_is_recorded_with_its_participants(h: Harness) -> None:
    response = h.post("log_service", {"category": "training", "date": "2025-11-20",
                                      "participants": 42})
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer == {"id": answer["id"], "category": "training", "date": "2025-11-20",
                      "year": 2025, "participants": 42}
    assert stored(h, 2025, "training") == 1


def test_the_date_defaults_to_today(h: Harness) -> None:
    response = h.post("log_service", {"category": "media_inquiry"})
    assert response.status_code == 201
    assert response.get_json()["date"] == "2026-03-02"
    assert stored(h, 2026, "media_inquiry") == 1


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"category": "retaliation"}, "category", "Must be one of: advice, champion_request"),
    ({"category": "coffee"}, "category", "Must be one of"),
    ({"category": "advice"}, "subcategory", "Give the advice's sub-category."),
    ({"category": "advice", "subcategory": "conflict_of_interest"}, "subcategory",
     "Must be one of: work_environment"),
    ({"category": "advice", "subcategory": "other", "requester_type": "crowd"},
     "requester_type", "Must be one of: individual, group"),
    ({"category": "advice", "subcategory": "other", "allegation_type": "other"},
     "allegation_type", "Only for category misconduct."),
    ({"category": "advice", "subcategory": "other", "copied_only": True}, "copied_only",
     "Only for category misconduct."),
    ({"category": "training", "participants": 4, "subcategory": "other"}, "subcategory",
     "Only for category advice."),
    ({"category": "media_inquiry", "duty_station": "headquarters"}, "duty_station",
     "Only for categories advice and misconduct."),
    ({"category": "misconduct"}, "copied_only", "Log only an allegation the Ethics Office "
                                               "was copied on"),
    ({"category": "misconduct", "copied_only": False}, "copied_only",
     "goes through the misconduct form"),
    ({"category": "misconduct", "copied_only": "perhaps"}, "copied_only",
     "Not a valid boolean."),
    ({"category": "misconduct", "copied_only": True, "requester_type": "group"},
     "requester_type", "Only for category advice."),
    ({}, "category", "Missing data for required field."),
    ({"category": "training"}, "participants", "Say how many people took part"),
    ({"category": "media_inquiry", "participants": 3}, "participants", "Only for a training"),
    ({"category": "training", "participants": "many"}, "participants", "Not a valid integer."),
    ({"category": "training", "participants": 0}, "participants", "greater than or equal"),
    ({"category": "policy_input", "date": "2026-03-05"}, "date", "Must not be in the future."),
    ({"category": "policy_input", "date": "03/01/2026"}, "date", "Not a valid date."),
    ({"category": "policy_input", "note": "met Ms X"}, "note", "Unknown field."),
    ({"category": "training\u200b", "participants": 3}, "category",
     "invisible formatting characters such as soft hyphens, zero-width spaces or direction "
     "marks (found U+200B)"),
    ({"category": "media_inquiry\x00"}, "category", "control characters (found U+0000)"),
    ({"category": "advice", "subcategory": "other\u00ad"}, "subcategory",
     "invisible formatting characters such as soft hyphens, zero-width spaces or direction "
     "marks (found U+00AD)"),
    ({"category": "advice", "subcategory": "other", "requester_type": "\u202egroup"},
     "requester_type", "invisible formatting characters such as soft hyphens, zero-width "
     "spaces or direction marks (found U+202E)"),
    ({"category": "misconduct", "copied_only": True, "duty_station": "headquarters\x1b"},
     "duty_station", "control characters (found U+001B)"),
])
def test_a_bad_entry_is_a_422_naming_the_field_and_stores_nothing(
        h: Harness, body: dict[str, Any], field: str, message: str) -> None:
    response = h.post("log_service", body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(message in m for m in errors[field]), errors
    assert h.container.statistics.count([RecordCount(2026, c) for c in (
        "training", "media_inquiry", "policy_input", "advice", "misconduct")]) == [0] * 5


@pytest.mark.parametrize(("raw", "content_type", "status"), [
    (b"{not json", "application/json", 400),
    (b"[]", "application/json", 400),
    (b"category=training", "application/x-www-form-urlencoded", 415),
    (b'{"category": "' + b"x" * 5000 + b'"}', "application/json", 413),
])
def test_a_malformed_request_is_refused(h: Harness, raw: bytes, content_type: str,
                                        status: int) -> None:
    response = h.post("log_service", raw=raw, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["errors"]


def test_only_post(h: Harness) -> None:
    with bootstrap.using(h.container):
        response = function_app("log_service").test_client().get("/", headers=ALICE)
    assert response.status_code == 405


def test_a_retry_with_the_same_key_records_once_and_another_body_is_a_409(h: Harness) -> None:
    body = {"category": "ethics_coherence", "date": "2026-01-10"}
    first = h.post("log_service", body, headers={**ALICE, "Idempotency-Key": KEY})
    again = h.post("log_service", body, headers={**ALICE, "Idempotency-Key": KEY})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    other = h.post("log_service", {"category": "policy_input"},
                   headers={**ALICE, "Idempotency-Key": KEY})
    assert other.status_code == 409 and "Idempotency-Key" in other.get_json()["errors"]
    assert stored(h, 2026, "ethics_coherence") == 1
    assert stored(h, 2026, "policy_input") == 0


def test_a_store_that_is_down_is_a_503(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("injected")

    monkeypatch.setattr(h.container.statistics, "add_logged_service", down)
    response = h.post("log_service", {"category": "training", "participants": 3})
    assert response.status_code == 503 and response.headers["Retry-After"]


# Only a signed-in ethics officer records a service, and the entry names them.

def test_the_entry_records_the_officer_who_logged_it(h: Harness) -> None:
    response = h.post("log_service", {"category": "champion_request", "date": "2026-01-02"})
    assert response.status_code == 201
    record_id = response.get_json()["id"]
    path = h.container.settings.data_dir / "intake.sqlite3"
    with sqlite3.connect(path) as db:
        doc = json.loads(db.execute("SELECT doc FROM stat_records WHERE id = ?",
                                    (record_id,)).fetchone()[0])
    assert doc["recorded_by"] == "officer:alice@example.org"


@pytest.mark.parametrize(("headers", "status", "field"), [
    ({}, 401, "Authorization"),
    ({"Authorization": "Basic YWxpY2U6cHc="}, 401, "Authorization"),
    ({"Authorization": "Bearer dev:not an address"}, 401, "Authorization"),
    ({"Authorization": "Bearer dev:alice@example.org"}, 401, "Authorization"),  # forged
    (dev_bearer("mallory@example.org"), 403, "_access"),
    (dev_bearer("dana@example.org"), 403, "_access"),
])
def test_anyone_but_an_ethics_officer_is_refused_before_the_body_is_read(
        h: Harness, headers: dict[str, str], status: int, field: str) -> None:
    for body in ({"category": "training", "participants": 5}, None):
        raw = None if body else b"{not even json"
        response = h.post("log_service", body, raw=raw, headers=headers)
        assert response.status_code == status, response.get_json()
        assert field in response.get_json()["errors"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored(h, 2026, "training") == 0


# Advice given outside the form, and allegations the office was only copied on.

def test_advice_given_on_a_mission_counts_with_its_subcategory(h: Harness) -> None:
    body = {"category": "advice", "subcategory": "coi_gifts_hospitality", "date": "2025-10-07",
            "requester_type": "group", "duty_station": "country_office"}
    response = h.post("log_service", body)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer == {"id": answer["id"], "category": "advice", "date": "2025-10-07",
                      "year": 2025, "subcategory": "coi_gifts_hospitality",
                      "group": "conflict_of_interest", "requester_type": "group",
                      "duty_station": "country_office"}
    stats = h.container.statistics
    assert stats.count([RecordCount(2025, "advice"),
                        RecordCount(2025, "advice", subcategory="coi_gifts_hospitality"),
                        RecordCount(2025, "advice", where=("requester_type", "group"))]) == [
        1, 1, 1]
    report = json.loads(intake(h.container, "report", "--year", "2025").stdout)
    assert report["table_1"]["categories"]["advice"]["2025"] == 1
    assert report["figure_2"]["subcategories"]["coi_gifts_hospitality"]["count"] == 1
    assert report["figure_1"]["2025"] == 1
    assert report["breakdowns"]["advice_group_requests"] == 1


def test_an_allegation_the_office_was_copied_on_counts_and_is_never_forwarded(
        h: Harness) -> None:
    body = {"category": "misconduct", "copied_only": True, "date": "2025-06-02",
            "allegation_type": "sexual_harassment", "duty_station": "headquarters"}
    response = h.post("log_service", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["copied_only"] is True
    assert h.queue.tasks == []  # nothing queued: no triage, no referral
    assert h.drain() == []
    assert h.store.list_cases(CaseQuery()) == []  # no case, so nothing to forward
    report = json.loads(intake(h.container, "report", "--year", "2025").stdout)
    assert report["table_1"]["categories"]["misconduct"]["2025"] == 1
    assert report["misconduct_referrals"]["count"] == 0


def test_intake_log_records_advice_and_a_copied_allegation(h: Harness) -> None:
    logged = intake(h.container, "log", "advice", "--subcategory", "retaliation_advice",
                    "--requester-type", "individual", "--date", "2026-01-15")
    assert logged.exit_code == 0, logged.output
    assert json.loads(logged.stdout) | {"id": "x"} == {
        "id": "x", "category": "advice", "date": "2026-01-15",
        "subcategory": "retaliation_advice", "group": "retaliation_advice",
        "requester_type": "individual", "replayed": False}
    refused = intake(h.container, "log", "misconduct", "--allegation-type", "other")
    assert refused.exit_code == 1 and "--copied-only:" in refused.output
    copied = intake(h.container, "log", "misconduct", "--copied-only", "--allegation-type",
                    "other")
    assert copied.exit_code == 0, copied.output
    assert json.loads(copied.stdout)["copied_only"] is True
    assert stored(h, 2026, "advice") == 1
    assert stored(h, 2026, "misconduct") == 1
    assert h.queue.tasks == []


def test_intake_log_names_a_refused_character_and_records_nothing(h: Harness) -> None:
    refused = intake(h.container, "log", "advice", "--subcategory", "other\u200b",
                     "--date", "2026-01-15")
    assert refused.exit_code == 1
    assert "--subcategory:" in refused.output and "(found U+200B)" in refused.output
    assert stored(h, 2026, "advice") == 0
