"""Every kind of bad request gets the documented 4xx with a field and a reason, and changes
nothing: asserted on the SQLite store's tables and on the queue."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from tests.support.harness import Harness, function_app
from tests.support.payloads import FUNCTIONS, payload

TEXT_FIELD = {"advice": "question", "misconduct": "what", "retaliation": "link_explanation"}
ENUM_FIELD = {"advice": "category", "misconduct": "allegation_type",
              "retaliation": "preferred_language"}
BOOL_FIELD = {"advice": "anonymous", "misconduct": "anonymous",
              "retaliation": "interim_measures_requested"}
CONSENT = {"advice": "consent_privacy_notice", "misconduct": "consent_forwarding",
           "retaliation": "consent_privacy_notice"}
FORMS = ["advice", "misconduct", "retaliation"]


def row_counts(harness: Harness) -> dict[str, int]:
    path = Path(harness.container.settings.data_dir) / "intake.sqlite3"
    with sqlite3.connect(path) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("submissions", "cases", "case_events", "pending_tasks")}


EMPTY = {"submissions": 0, "cases": 0, "case_events": 0, "pending_tasks": 0}


def refused(harness: Harness, form: str, *, status: int, body: Any = None,
            raw: bytes | None = None, content_type: str = "application/json",
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = harness.post(FUNCTIONS[form], body, raw=raw, content_type=content_type,
                            headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    answer = response.get_json()
    assert isinstance(answer["message"], str) and answer["errors"], answer
    assert row_counts(harness) == EMPTY
    assert harness.queue.tasks == []
    return answer["errors"]  # type: ignore[no-any-return]


@pytest.fixture
def h(sqlite_harness: Harness) -> Harness:
    return sqlite_harness


@pytest.mark.parametrize("form", FORMS)
class TestMalformedRequests:
    def test_malformed_json(self, h: Harness, form: str) -> None:
        errors = refused(h, form, status=400, raw=b'{"question": "unterminated')
        assert "not valid JSON" in errors["_body"][0]

    @pytest.mark.parametrize("raw", [b"[]", b"null", b'"text"', b"42"])
    def test_json_that_is_not_an_object(self, h: Harness, form: str, raw: bytes) -> None:
        assert refused(h, form, status=400, raw=raw)["_body"] == [
            "The body must be a JSON object."]

    def test_duplicate_keys(self, h: Harness, form: str) -> None:
        raw = b'{"anonymous": true, "anonymous": false}'
        assert "repeats a key" in refused(h, form, status=400, raw=raw)["_body"][0]

    def test_nesting_bomb(self, h: Harness, form: str) -> None:
        raw = b"[" * 100_000 + b"]" * 100_000
        assert "nested too deeply" in refused(h, form, status=400, raw=raw)["_body"][0]

    def test_invalid_utf8(self, h: Harness, form: str) -> None:
        assert "UTF-8" in refused(h, form, status=400, raw=b'{"a": "\xff\xfe"}')["_body"][0]

    def test_huge_number(self, h: Harness, form: str) -> None:
        refused(h, form, status=400, raw=b'{"group_size": ' + b"9" * 5000 + b"}")

    @pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
    def test_wrong_content_type(self, h: Harness, form: str, content_type: str) -> None:
        errors = refused(h, form, status=415, body=payload(form), content_type=content_type)
        assert "Content-Type" in errors

    @pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x",
                                              "multipart/form-data"])
    def test_a_body_that_is_not_the_multipart_it_claims(self, h: Harness, form: str,
                                                        content_type: str) -> None:
        # Multipart carries attachments; a JSON body sent under its name is malformed.
        errors = refused(h, form, status=400, body=payload(form), content_type=content_type)
        assert "multipart" in errors["_body"][0]

    def test_charset_other_than_utf8(self, h: Harness, form: str) -> None:
        refused(h, form, status=415, body=payload(form),
                content_type="application/json; charset=latin-1")

    def test_one_mebibyte_body(self, h: Harness, form: str) -> None:
        raw = json.dumps(payload(form, **{TEXT_FIELD[form]: "x" * (1 << 20)})).encode()
        assert "larger than" in refused(h, form, status=413, raw=raw)["_body"][0]

    def test_method_other_than_post(self, h: Harness, form: str) -> None:
        with bootstrap.using(h.container):
            response = function_app(FUNCTIONS[form]).test_client().get("/")
        assert response.status_code == 405
        assert response.headers["Allow"] == "POST"

    @pytest.mark.parametrize("key", ["short", "x" * 129, "has space in it....",
                                     "ünïcode-key-123456"])
    def test_bad_idempotency_key(self, h: Harness, form: str, key: str) -> None:
        errors = refused(h, form, status=400, body=payload(form),
                         headers={"Idempotency-Key": key.encode("utf-8").decode("latin-1")})
        assert "Idempotency-Key" in errors


@pytest.mark.parametrize("form", FORMS)
class TestInvalidFields:
    def test_unknown_field(self, h: Harness, form: str) -> None:
        errors = refused(h, form, status=422, body=payload(form, favourite_colour="blue"))
        assert errors == {"favourite_colour": ["Unknown field."]}

    def test_unknown_field_in_a_list_item(self, h: Harness, form: str) -> None:
        body = payload(form)
        if form == "advice":
            body = payload(form, group_members=[{"shoe_size": 44}])
            assert refused(h, form, status=422, body=body) == {
                "group_members": ["Unknown field."]}
            return
        body["witnesses"][0]["shoe_size"] = 44
        assert refused(h, form, status=422, body=body)["witnesses"] == {
            "0": {"shoe_size": ["Unknown field."]}}

    @pytest.mark.parametrize("value", ["maybe", [True], {"a": 1}, 3])
    def test_wrong_type_for_a_boolean(self, h: Harness, form: str, value: Any) -> None:
        errors = refused(h, form, status=422, body=payload(form, **{BOOL_FIELD[form]: value}))
        assert errors[BOOL_FIELD[form]] == ["Not a valid boolean."]

    @pytest.mark.parametrize("value", [42, ["text"], {"text": 1}, True])
    def test_wrong_type_for_text(self, h: Harness, form: str, value: Any) -> None:
        errors = refused(h, form, status=422, body=payload(form, **{TEXT_FIELD[form]: value}))
        assert errors[TEXT_FIELD[form]] == ["Not a valid string."]

    def test_enum_out_of_range(self, h: Harness, form: str) -> None:
        errors = refused(h, form, status=422, body=payload(form, **{ENUM_FIELD[form]: "bribery"}))
        assert errors[ENUM_FIELD[form]][0].startswith("Must be one of:")

    def test_over_long_string(self, h: Harness, form: str) -> None:
        text = "x" * 20001
        errors = refused(h, form, status=422, body=payload(form, **{TEXT_FIELD[form]: text}))
        assert errors[TEXT_FIELD[form]] == ["Length must be between 1 and 20000."]

    @pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
    def test_control_characters(self, h: Harness, form: str, character: str) -> None:
        text = f"before{character}after"
        errors = refused(h, form, status=422, body=payload(form, **{TEXT_FIELD[form]: text}))
        assert errors[TEXT_FIELD[form]] == [
            f"Must not contain control characters (found U+{ord(character):04X})."]

    def test_newline_in_a_single_line_field(self, h: Harness, form: str) -> None:
        body = payload(form)
        target = body if form == "advice" else body[
            "reporter" if form == "misconduct" else "complainant"]
        target["name"] = "first line\nsecond line"
        refused(h, form, status=422, body=body)

    def test_lone_surrogate(self, h: Harness, form: str) -> None:
        raw = json.dumps(payload(form, **{TEXT_FIELD[form]: "PLACEHOLDER"})).replace(
            "PLACEHOLDER", "bad \\ud800 text")
        errors = refused(h, form, status=422, raw=raw.encode())
        assert errors[TEXT_FIELD[form]] == [
            "Must not contain line separators or code points that are not characters "
            "(found U+D800)."]

    def test_missing_consent(self, h: Harness, form: str) -> None:
        errors = refused(h, form, status=422, body=payload(form, **{CONSENT[form]: None}))
        assert errors[CONSENT[form]] == ["Missing data for required field."]

    def test_refused_consent(self, h: Harness, form: str) -> None:
        errors = refused(h, form, status=422, body=payload(form, **{CONSENT[form]: False}))
        assert errors[CONSENT[form]][0].startswith("You must")

    def test_empty_object(self, h: Harness, form: str) -> None:
        errors = refused(h, form, status=422, body={})
        assert errors[CONSENT[form]] == ["Missing data for required field."]


@pytest.mark.parametrize(("form", "path"), [
    ("misconduct", ("incident_date",)),
    ("retaliation", ("protected_activity", "date")),
])
@pytest.mark.parametrize(("value", "message"), [
    ("2025-02-30", "Not a valid date."),
    ("30/01/2025", "Not a valid date."),
    ("2025-01-01T10:00:00", "Not a valid date."),
    ("2999-01-01", "Must not be in the future."),
    ("1899-12-31", "Must not be before 1950-01-01."),
    (20250101, "Not a valid date."),
])
def test_invalid_dates(h: Harness, form: str, path: tuple[str, ...], value: Any,
                       message: str) -> None:
    body = payload(form)
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    errors = refused(h, form, status=422, body=body)
    for key in path:
        errors = errors[key]
    assert message in errors


FORM_TYPE = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("raw", [
    b"question=a&question=b",
    b"complainant.name=a&complainant=b",
    b"a..b=1",
    b"witnesses.0.name=x&witnesses.foo=y",
    b"witnesses.100.name=x",
    b"a.b.c.d.e=1",
    b"%ff%fe=1",
    b"novalue",
    "question=caf\u00e9".encode(),
])
def test_malformed_form_bodies(h: Harness, raw: bytes) -> None:
    assert "_body" in refused(h, "advice", status=400, raw=raw, content_type=FORM_TYPE)


def test_blank_form_fields_count_as_absent(h: Harness) -> None:
    from urllib.parse import urlencode

    from tests.support.payloads import flatten

    pairs = [*flatten(payload("advice")), ("office", ""), ("phone", "  "), ("group_unit", "")]
    response = h.post("submit_advice", raw=urlencode(pairs).encode(),
                      content_type=FORM_TYPE)
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("name", ["cases", "submit_advice", "forms", "disclosure"])
def test_a_path_holding_a_newline_gets_our_own_answer(h: Harness, name: str) -> None:
    # werkzeug's path converter stops at a newline: the framework's HTML 404 answered such
    # a path without reaching the function.
    with bootstrap.using(h.container):
        client = function_app(name).test_client()
        response = client.post("/ETH-MIS-%0A/legal_hold", json={},
                               headers={"Accept": "application/json"})
        framework_page = b"The requested URL was not found on the server"
        assert framework_page not in response.data
        assert 400 <= response.status_code < 500
        if name != "forms":
            assert response.is_json and "message" in response.get_json()
