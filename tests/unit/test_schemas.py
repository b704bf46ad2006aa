"""Cross-field rules of the three form schemas, and the characters every schema refuses."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields

from schemas.advice import AdviceRequestSchema
from schemas.common import LOAD_CONTEXT, IntakeSchema, String
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from tests.support.payloads import ADVICE_ANONYMOUS, MISCONDUCT_ANONYMOUS, payload

TODAY = date(2026, 3, 2)


def errors(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    with LOAD_CONTEXT({"today": TODAY}), pytest.raises(ValidationError) as caught:
        schema.load(data)
    assert isinstance(caught.value.messages, dict)
    return caught.value.messages


def load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    with LOAD_CONTEXT({"today": TODAY}):
        result: dict[str, Any] = schema.load(data)
    return result


class TestAdvice:
    schema = AdviceRequestSchema()

    def test_defaults(self) -> None:
        loaded = load(self.schema, payload("advice", category="work_environment",
                                           subcategory=None, contact_method=None))
        assert loaded["subcategory"] == "work_environment"
        assert loaded["contact_method"] == "email"
        assert load(self.schema, ADVICE_ANONYMOUS)["contact_method"] == "follow_up_page"

    def test_conflict_of_interest_needs_a_subcategory_of_its_own(self) -> None:
        assert errors(self.schema, payload("advice", subcategory=None)) == {
            "subcategory": ["Choose a sub-category for this category."]}
        assert "subcategory" in errors(self.schema, payload("advice",
                                                            subcategory="workplace_conflict"))

    def test_an_anonymous_request_carries_no_identity(self) -> None:
        data = dict(ADVICE_ANONYMOUS, name="Somebody Known", email="known@example.org",
                    contact_method="email")
        assert set(errors(self.schema, data)) == {"name", "email", "contact_method"}

    def test_a_named_request_needs_name_and_email(self) -> None:
        assert set(errors(self.schema, payload("advice", name=None, email=None))) == {
            "name", "email"}

    def test_a_phone_call_needs_a_number(self) -> None:
        assert errors(self.schema, payload("advice", contact_method="phone")) == {
            "phone": ["Required when you ask to be called."]}

    def test_group_requests(self) -> None:
        assert errors(self.schema, payload("advice", requester_type="group")) == {
            "group_size": ["Say how many people the group has."]}
        loaded = load(self.schema, payload("advice", requester_type="group", group_size="12",
                                           group_unit="Dakar drivers"))
        assert loaded["group_size"] == 12
        assert "group_size" in errors(self.schema, payload("advice", group_size=3))

    @pytest.mark.parametrize("size", [1, 5.5, "5.5", "12a", True, "", 10001])
    def test_group_size_is_a_whole_number_in_range(self, size: Any) -> None:
        data = payload("advice", requester_type="group", group_size=size)
        assert "group_size" in errors(self.schema, data)

    def test_text_is_trimmed_and_blank_text_is_refused(self) -> None:
        assert load(self.schema, payload("advice", question="  Why?\r\n "))["question"] == "Why?"
        assert errors(self.schema, payload("advice", office="   ")) == {
            "office": ["Length must be between 1 and 200."]}

    def test_windows_newlines_and_tabs_are_kept_in_multiline_text(self) -> None:
        loaded = load(self.schema, payload("advice", question="one\r\ntwo\tthree\rfour"))
        assert loaded["question"] == "one\ntwo\tthree\nfour"


class TestMisconduct:
    schema = MisconductReportSchema()

    def test_anonymous_reports_are_accepted_without_a_reporter(self) -> None:
        assert load(self.schema, MISCONDUCT_ANONYMOUS)["anonymous"] is True

    def test_an_anonymous_report_carries_no_identity(self) -> None:
        data = dict(MISCONDUCT_ANONYMOUS, reporter={"name": "X Y", "email": "x@example.org"})
        assert set(errors(self.schema, data)) == {"reporter"}

    def test_a_named_report_needs_a_way_to_reach_the_reporter(self) -> None:
        assert errors(self.schema, payload("misconduct", reporter=None)) == {
            "reporter": ["Required unless you report anonymously."]}
        data = payload("misconduct", reporter={"name": "Ottoline Farquharson"})
        assert errors(self.schema, data) == {"reporter": {"email": [
            "Give an e-mail address or a telephone number, or report anonymously."]}}

    def test_when_is_required_as_a_date_or_words(self) -> None:
        data = payload("misconduct", incident_date=None, incident_end_date=None)
        assert errors(self.schema, data) == {"when_description": [
            "Tell us when it happened: a date or a description."]}

    def test_an_incident_cannot_end_before_it_starts(self) -> None:
        data = payload("misconduct", incident_date="2025-09-30", incident_end_date="2025-06-01")
        assert errors(self.schema, data) == {"incident_end_date": [
            "Must not be before the incident date."]}
        data = payload("misconduct", incident_date=None, when_description="last year")
        assert "incident_date" in errors(self.schema, data)

    def test_tomorrow_is_allowed_for_time_zones_but_not_later(self) -> None:
        assert load(self.schema, payload("misconduct", incident_date="2026-03-03",
                                         incident_end_date=None))
        assert errors(self.schema, payload("misconduct", incident_date="2026-03-04",
                                           incident_end_date=None)) == {
            "incident_date": ["Must not be in the future."]}


class TestRetaliation:
    schema = RetaliationComplaintSchema()

    def test_a_complaint_is_never_anonymous(self) -> None:
        assert errors(self.schema, payload("retaliation", anonymous=True)) == {
            "anonymous": ["Unknown field."]}
        assert errors(self.schema, payload("retaliation", complainant=None)) == {
            "complainant": ["Missing data for required field."]}

    def test_a_retaliatory_act_cannot_predate_the_protected_activity(self) -> None:
        data = payload("retaliation")
        data["retaliatory_acts"][1]["date"] = "2025-10-01"
        assert errors(self.schema, data) == {"retaliatory_acts": {1: {"date": [
            "A retaliatory act cannot predate the protected activity."]}}}

    def test_at_least_one_and_at_most_twenty_acts(self) -> None:
        assert "retaliatory_acts" in errors(self.schema, payload("retaliation",
                                                                 retaliatory_acts=[]))
        act = payload("retaliation")["retaliatory_acts"][0]
        assert "retaliatory_acts" in errors(self.schema, payload(
            "retaliation", retaliatory_acts=[act] * 21))

    def test_each_witness_says_whether_they_may_be_contacted(self) -> None:
        data = payload("retaliation")
        del data["witnesses"][0]["may_contact"]
        assert errors(self.schema, data) == {"witnesses": {0: {"may_contact": [
            "Missing data for required field."]}}}

    def test_interim_details_only_with_a_request(self) -> None:
        data = payload("retaliation", interim_measures_requested=False)
        assert errors(self.schema, data) == {"interim_measures_details": [
            "Only when you request interim protective measures."]}

    def test_anonymous_follow_up_is_not_a_contact_method_here(self) -> None:
        assert "contact_method" in errors(self.schema, payload(
            "retaliation", contact_method="follow_up_page"))

    def test_field_errors_and_cross_field_errors_are_reported_together(self) -> None:
        data = payload("retaliation", link_explanation=None)
        data["retaliatory_acts"][0]["date"] = "2024-01-01"
        found = errors(self.schema, data)
        assert set(found) == {"link_explanation", "retaliatory_acts"}


# --- Characters: every string field of every schema -----------------------------------

def _input_schemas() -> list[type[Schema]]:
    """Every schema class the schemas package defines for reading input."""
    import importlib
    import pkgutil

    import schemas

    found: dict[str, type[Schema]] = {}
    for module_info in pkgutil.iter_modules(schemas.__path__):
        if module_info.name == "openapi":  # describes answers, never loads input
            continue
        module = importlib.import_module(f"schemas.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value is not Schema \
                    and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def _string_fields(schema: Schema) -> list[tuple[str, Any]]:
    """(name, field) of each string field, list items included (not nested schemas)."""
    out = []
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.String):
            out.append((name, inner))
    return out


INPUT_SCHEMAS = _input_schemas()
STRING_FIELDS = [(cls, name) for cls in INPUT_SCHEMAS for name, _ in _string_fields(cls())]


def test_the_schemas_are_found() -> None:
    names = {cls.__name__ for cls in INPUT_SCHEMAS}
    assert {"AdviceRequestSchema", "ReporterSchema", "ComplainantSchema",
            "FollowUpMessageSchema", "FollowUpLookupSchema", "MessageSchema",
            "ServiceLogSchema", "ServiceLineSchema", "TaskSchema"} <= names
    assert len(STRING_FIELDS) > 50


@pytest.mark.parametrize("cls", INPUT_SCHEMAS, ids=lambda c: c.__name__)
def test_every_input_schema_refuses_unknown_fields_and_every_string_field_checks_characters(
        cls: type[Schema]) -> None:
    assert issubclass(cls, IntakeSchema)
    plain = [name for name, field in _string_fields(cls()) if not isinstance(field, String)]
    assert plain == [], f"{cls.__name__}: use schemas.common.String (or a subclass)"


FORMAT_MESSAGE = ("Must not contain invisible formatting characters such as soft hyphens, "
                  "zero-width spaces or direction marks (found U+{code:04X}).")


@pytest.mark.parametrize(("cls", "name"), STRING_FIELDS,
                         ids=[f"{c.__name__}.{n}" for c, n in STRING_FIELDS])
@pytest.mark.parametrize(("char", "message"), [
    ("\u00ad", FORMAT_MESSAGE),
    ("\u202e", FORMAT_MESSAGE),
    ("\x1b", "Must not contain control characters (found U+{code:04X})."),
    ("\x9b", "Must not contain control characters (found U+{code:04X})."),
    ("\ufffe", "Must not contain line separators or code points that are not characters "
               "(found U+{code:04X})."),
])
def test_every_string_field_of_every_schema_names_a_refused_character(
        cls: type[Schema], name: str, char: str, message: str) -> None:
    field = cls().fields[name]
    value: Any = f"a{char}b"
    if isinstance(field, fields.List):
        value = [value]
    found = errors(cls(), {name: value})[name]
    if isinstance(field, fields.List):
        found = found[0]
    assert message.format(code=ord(char)) in found  # a cross-field rule may add its own


class TestApproximateDates:
    schema = RetaliationComplaintSchema()

    def test_an_approximate_act_a_little_before_the_activity_is_not_refused(self) -> None:
        data = payload("retaliation")
        data["retaliatory_acts"][1]["date"] = "2025-09-20"  # activity: 2025-10-06
        assert "retaliatory_acts" in errors(self.schema, data)
        data["retaliatory_acts"][1]["date_approximate"] = True
        assert load(self.schema, data)["retaliatory_acts"][1]["date_approximate"] is True
        data["retaliatory_acts"][1]["date"] = "2025-08-20"  # more than a month before
        assert errors(self.schema, data) == {"retaliatory_acts": {1: {"date": [
            "A retaliatory act cannot predate the protected activity."]}}}

    def test_an_approximate_activity_widens_the_check_the_same_way(self) -> None:
        data = payload("retaliation")
        data["protected_activity"]["date_approximate"] = True
        data["retaliatory_acts"][1]["date"] = "2025-09-10"
        assert load(self.schema, data)

    def test_the_flags_default_to_exact_dates(self) -> None:
        loaded = load(self.schema, payload("retaliation"))
        assert loaded["protected_activity"]["date_approximate"] is False
        assert {act["date_approximate"] for act in loaded["retaliatory_acts"]} == {False}
        loaded = load(MisconductReportSchema(), payload("misconduct"))
        assert loaded["incident_date_approximate"] is False


class TestProblems:
    """Every message says which problem it is, so a page can word it itself."""

    def codes(self, schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
        def walk(node: Any) -> Any:
            if isinstance(node, dict):
                return {key: walk(value) for key, value in node.items()}
            return sorted((m.code, dict(m.params)) if m.params else (m.code,) for m in node)
        return walk(errors(schema, data))  # type: ignore[no-any-return]

    def test_field_problems(self) -> None:
        schema = AdviceRequestSchema()
        found = self.codes(schema, payload("advice", question="x" * 20001, email="nope",
                                           phone="call me", category=None, grade=7))
        assert found == {"question": [("too_long", {"min": 1, "max": 20000, "count": 20001})],
                         "email": [("email",)], "phone": [("phone",)],
                         "category": [("required",)], "grade": [("invalid",)]}
        assert self.codes(schema, payload("advice", category="bribery", office="a\x07")) == {
            "category": [("choice",)], "office": [("control", {"code": 7})]}

    def test_rule_problems(self) -> None:
        assert self.codes(AdviceRequestSchema(), payload("advice", name=None)) == {
            "name": [("required",)]}
        assert self.codes(MisconductReportSchema(), payload(
            "misconduct", incident_date="2025-09-30", incident_end_date="2025-06-01",
            reporter={"name": "Ottoline Farquharson"})) == {
            "incident_end_date": [("before_start",)], "reporter": {"email": [("one_of",)]}}
        assert self.codes(RetaliationComplaintSchema(), payload(
            "retaliation", interim_measures_requested=False, witnesses=[{}],
            consent_privacy_notice=False)) == {
            "interim_measures_details": [("not_asked",)],
            "witnesses": {0: {"name": [("required",)], "may_contact": [("required",)]}},
            "consent_privacy_notice": [("consent",)]}
        assert self.codes(RetaliationComplaintSchema(), payload(
            "retaliation", shoe_size=44)) == {"shoe_size": [("unknown",)]}

    def test_character_and_address_problems(self) -> None:
        schema = AdviceRequestSchema()
        assert self.codes(schema, payload("advice", office="a\u00adb", name="x\u2028y")) == {
            "office": [("format", {"code": 0xAD})], "name": [("not_text", {"code": 0x2028})]}
        local = "a" * 60
        for address, code in [('"a b"@example.org', ("email_quoted",)),
                              ("jos\u00e9@example.org", ("email_not_ascii",)),
                              ("no-at-sign", ("email",)),
                              ("a\u200b@example.org", ("format", {"code": 0x200B})),
                              (f"{local}@{'b' * 200}.org", ("too_long", {"max": 254,
                                                                        "count": 265}))]:
            assert self.codes(schema, payload("advice", email=address)) == {"email": [code]}

    def test_problems_are_the_api_text(self) -> None:
        found = errors(AdviceRequestSchema(), payload("advice", name=None))
        assert found == {"name": ["Required unless you ask anonymously."]}
        assert json.loads(json.dumps(found)) == found


@pytest.mark.parametrize("size", [12, 12.0])
def test_a_count_may_be_any_json_integer_including_a_whole_float(size: Any) -> None:
    """JSON Schema's integers (what the document says) include 12.0; 12.5 is not one."""
    body = payload("advice", requester_type="group", group_size=size)
    assert load(AdviceRequestSchema(), body)["group_size"] == 12
    assert errors(AdviceRequestSchema(), {**body, "group_size": 12.5}) == {
        "group_size": ["Not a valid integer."]}
