"""The document and the validators agree on every cross-field rule: for each rule a
request schema states, a body that breaks it is refused by both the JSON Schema of the
document and the endpoint's schema, and a body that keeps it is accepted by both. Every
stated rule must have both kinds of example here (a new rule without them fails)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import jsonschema_rs
import pytest
from marshmallow import Schema, ValidationError

from schemas.advice import AdviceRequestSchema
from schemas.cases import MeasureSchema
from schemas.common import LOAD_CONTEXT
from schemas.disclosure import FilingSchema, ReviewSchema
from schemas.misconduct import MisconductReportSchema
from schemas.openapi import build_openapi
from schemas.retaliation import RetaliationComplaintSchema
from schemas.statistics import ServiceLogSchema
from tests.support.disclosure import nothing_to_declare
from tests.support.payloads import ADVICE, ADVICE_ANONYMOUS, MISCONDUCT, RETALIATION

DOCUMENT = build_openapi()
TODAY = date(2026, 3, 2)


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def _nested(base: dict[str, Any], group: str, **changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(base)
    body[group] = _with(body[group], **changes)
    return body


MEASURE = {"kind": "temporary_reassignment", "recommended_on": "2026-01-10"}
SERVICE = {"category": "training", "date": "2026-01-10", "participants": 30}
FILING = {"kind": "annual", "year": 2025, "content": nothing_to_declare()}
ANON_REPORT = _with(MISCONDUCT, anonymous=True, reporter=None)

# component -> rule description -> [(body, valid)]
CASES: dict[str, dict[str, list[tuple[dict[str, Any], bool]]]] = {
    "AdviceRequest": {
        "Choose a sub-category for this category.": [
            (_with(ADVICE, subcategory=None), False),
            (_with(ADVICE, category="other", subcategory=None), True)],
        "subcategory is one of those listed here for the category given.": [
            (_with(ADVICE, subcategory="other"), False),
            (_with(ADVICE, category="other", subcategory="other"), True)],
        "Say how many people the group has.": [
            (_with(ADVICE, requester_type="group"), False),
            (_with(ADVICE, requester_type="group", group_size=12), True)],
        "Only for a request made for a group.": [
            (_with(ADVICE, group_size=12), False),
            (_with(ADVICE, group_unit="Supply"), False),
            (_with(ADVICE, requester_type="group", group_size=12, group_unit="Supply"),
             True)],
        "Leave this empty: an anonymous request carries no identity.": [
            (_with(ADVICE_ANONYMOUS, name="Ann Other"), False),
            (_with(ADVICE_ANONYMOUS, phone="+41 22 555 0100"), False),
            (ADVICE_ANONYMOUS, True)],
        "An anonymous request is answered only through the follow-up page.": [
            (_with(ADVICE_ANONYMOUS, contact_method="email"), False),
            (_with(ADVICE_ANONYMOUS, contact_method="follow_up_page"), True)],
        "Required unless you ask anonymously.": [
            (_with(ADVICE, name=None), False), (_with(ADVICE, email=None), False),
            (_with(ADVICE, anonymous=None), True),
            (_with(ADVICE, anonymous=None, name=None, email=None), False)],
        "Required when you ask to be called.": [
            (_with(ADVICE, contact_method="phone"), False),
            (_with(ADVICE, contact_method="phone", phone="+41 22 555 0100"), True)],
    },
    "MisconductReport": {
        "Give the start date as well as the end date.": [
            (_with(MISCONDUCT, incident_date=None), False),
            (_with(MISCONDUCT, incident_end_date=None), True)],
        "Tell us when it happened: a date or a description.": [
            (_with(MISCONDUCT, incident_date=None, incident_end_date=None), False),
            (_with(MISCONDUCT, incident_date=None, incident_end_date=None,
                   when_description="Last spring"), True)],
        "Leave this empty: an anonymous report carries no identity.": [
            (_with(MISCONDUCT, anonymous=True), False), (ANON_REPORT, True)],
        "Required unless you report anonymously.": [
            (_with(MISCONDUCT, reporter=None), False),
            (_with(MISCONDUCT, anonymous=None, reporter=None), False),
            (_with(MISCONDUCT, anonymous=None), True)],
        "Give an e-mail address or a telephone number, or report anonymously.": [
            (_nested(MISCONDUCT, "reporter", email=None, phone=None), False),
            (_nested(MISCONDUCT, "reporter", email=None), True),
            (_nested(MISCONDUCT, "reporter", phone=None), True)],
    },
    "RetaliationComplaint": {
        "Only when you request interim protective measures.": [
            (_with(RETALIATION, interim_measures_requested=False), False),
            (_with(RETALIATION, interim_measures_requested=None), False),
            (_with(RETALIATION, interim_measures_requested=False,
                   interim_measures_details=None), True)],
        "Required when you ask to be called.": [
            (_nested(_with(RETALIATION, contact_method="phone"), "complainant", phone=None),
             False),
            (_with(RETALIATION, contact_method="phone"), True)],
    },
    "Measure": {
        "kind is one of those listed here for the purpose given.": [
            (_with(MEASURE, purpose="corrective"), False),
            (_with(MEASURE, kind="compensation"), False),
            (_with(MEASURE, purpose="corrective", kind="compensation"), True)],
        "Only with the decision it dates.": [
            (_with(MEASURE, decided_on="2026-01-20"), False),
            (_with(MEASURE, decided_on="2026-01-20", decision="accepted"), True)],
        "A measure the Executive Director declined is not implemented or lifted.": [
            (_with(MEASURE, decision="declined", outcome="implemented"), False),
            (_with(MEASURE, decision="accepted", outcome="implemented"), True),
            (_with(MEASURE, decision="declined"), True)],
    },
    "Filing": {
        "Give the reporting year of an annual declaration.": [
            (_with(FILING, year=None), False), (FILING, True),
            (_with(FILING, kind="ad_hoc", year=None,
                   content={**nothing_to_declare(), "ad_hoc_reason": "A gift"}), True)],
    },
    "Review": {
        "Give the guidance the filer is to read.": [
            ({"outcome": "guidance_given"}, False),
            ({"outcome": "guidance_given", "guidance": "Step aside."}, True),
            ({"outcome": "no_conflict"}, True)],
    },
    "ServiceLogEntry": {
        "Say how many people took part in the training.": [
            (_with(SERVICE, participants=None), False), (SERVICE, True)],
        "Only for a training.": [
            (_with(SERVICE, category="media_inquiry"), False),
            (_with(SERVICE, category="media_inquiry", participants=None), True)],
        "Give the advice's sub-category.": [
            (_with(SERVICE, category="advice", participants=None), False),
            (_with(SERVICE, category="advice", participants=None,
                   subcategory="coi_investments"), True)],
        "Only for category advice.": [
            (_with(SERVICE, subcategory="coi_investments"), False),
            (_with(SERVICE, staff_category="intern"), False),
            (_with(SERVICE, category="advice", participants=None, staff_category="intern",
                   subcategory="coi_investments"), True)],
        "Only for categories advice and misconduct.": [
            (_with(SERVICE, duty_station="headquarters"), False),
            (_with(SERVICE, category="advice", participants=None, duty_station="headquarters",
                   subcategory="coi_investments"), True)],
        "Only for category misconduct.": [
            (_with(SERVICE, copied_only=True), False),
            (_with(SERVICE, allegation_type="fraud_corruption"), False),
            (_with(SERVICE, category="misconduct", participants=None, copied_only=True,
                   allegation_type="fraud_corruption"), True)],
        "Log only an allegation the Ethics Office was copied on (true): it is never "
        "forwarded. An allegation made to the office goes through the misconduct form, "
        "which forwards it to the investigations office.": [
            (_with(SERVICE, category="misconduct", participants=None), False),
            (_with(SERVICE, category="misconduct", participants=None, copied_only=False),
             False),
            (_with(SERVICE, category="misconduct", participants=None, copied_only=True),
             True)],
    },
}

SCHEMAS: dict[str, type[Schema]] = {
    "AdviceRequest": AdviceRequestSchema, "MisconductReport": MisconductReportSchema,
    "RetaliationComplaint": RetaliationComplaintSchema, "Measure": MeasureSchema,
    "ServiceLogEntry": ServiceLogSchema, "Filing": FilingSchema, "Review": ReviewSchema,
}


def document_accepts(component: str, body: dict[str, Any]) -> bool:
    root = {"$ref": f"#/components/schemas/{component}", "components": DOCUMENT["components"]}
    validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    return bool(validator.is_valid(body))


def schema_accepts(component: str, body: dict[str, Any]) -> bool:
    try:
        with LOAD_CONTEXT({"today": TODAY}):
            SCHEMAS[component]().load(body)
    except ValidationError:
        return False
    return True


def _stated(component: str) -> list[str]:
    return [rule["description"] for rule in
            DOCUMENT["components"]["schemas"][component].get("allOf", [])]


EXAMPLES = [pytest.param(component, rule, body, valid, id=f"{component}:{rule[:40]}:{n}")
            for component, rules in CASES.items() for rule, examples in rules.items()
            for n, (body, valid) in enumerate(examples)]


@pytest.mark.parametrize(("component", "rule", "body", "valid"), EXAMPLES)
def test_the_document_and_the_schema_agree_on_each_example(
        component: str, rule: str, body: dict[str, Any], valid: bool) -> None:
    assert rule in _stated(component)
    assert schema_accepts(component, body) is valid, rule
    assert document_accepts(component, body) is valid, rule


@pytest.mark.parametrize("component", sorted(SCHEMAS))
def test_every_stated_rule_has_examples_that_break_and_keep_it(component: str) -> None:
    for rule in _stated(component):
        examples = CASES[component].get(rule, [])
        assert any(not valid for _, valid in examples), f"{component}: {rule}: none breaks it"
        assert any(valid for _, valid in examples), f"{component}: {rule}: none keeps it"


def test_every_component_with_rules_is_covered() -> None:
    # Transition's rules come from the workflows, RecordedReport's from the forms' own
    # components (each checked below).
    with_rules = {name for name, schema in DOCUMENT["components"]["schemas"].items()
                  if schema.get("allOf") and name not in ("Transition", "RecordedReport")}
    assert with_rules == set(SCHEMAS)


@pytest.mark.parametrize(("form", "valid", "other"), [
    ("advice", ADVICE, MISCONDUCT), ("misconduct", MISCONDUCT, RETALIATION),
    ("retaliation", RETALIATION, ADVICE)])
def test_a_recorded_report_carries_its_forms_document(form: str, valid: dict[str, Any],
                                                      other: dict[str, Any]) -> None:
    body = {"form": form, "channel": "telephone", "received_on": "2024-03-01",
            "submission": valid}
    assert document_accepts("RecordedReport", body)
    assert not document_accepts("RecordedReport", {**body, "submission": other})
    assert not document_accepts("RecordedReport", {**body, "channel": "web"})
