"""Misconduct report: what an investigations office needs (who, what, when, where, how)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validates_schema

from schemas.common import (
    Code,
    Email,
    ErrorCollector,
    IntakeSchema,
    PastDate,
    Phone,
    Text,
    consent,
    nested_list,
    provided,
)
from shared.domain.taxonomy import ALLEGATION_TYPES, DUTY_STATIONS, LANGUAGES, STAFF_CATEGORIES


class SubjectSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    title = Text(max_length=200)
    organisation = Text(max_length=200)


class WitnessSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    contact = Text(max_length=300, metadata={"description": "How to reach the witness."})
    may_contact = fields.Boolean(load_default=False)


class ReporterSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    email = Email()
    phone = Phone()
    staff_category = Code(STAFF_CATEGORIES)


class MisconductReportSchema(IntakeSchema):
    allegation_type = Code(ALLEGATION_TYPES, required=True)
    subjects = nested_list(SubjectSchema, low=0, high=20, load_default=list, metadata={
        "description": "Who: the people the report is about, if known."})
    what = Text(max_length=10000, multiline=True, required=True)
    incident_date = PastDate(metadata={"description": "When it happened (or started)."})
    incident_end_date = PastDate(metadata={"description": "When it ended, if it lasted."})
    when_description = Text(max_length=500, multiline=True, metadata={
        "description": "When, in words, if there is no exact date."})
    location = Text(max_length=500, required=True, metadata={
        "description": "Where: office, country, place."})
    duty_station = Code(DUTY_STATIONS)
    project = Text(max_length=300)
    how = Text(max_length=10000, multiline=True)
    witnesses = nested_list(WitnessSchema, low=0, high=20, load_default=list)
    evidence_description = Text(max_length=10000, multiline=True, metadata={
        "description": "Documents or other evidence, and where they are."})
    anonymous = fields.Boolean(load_default=False)
    reporter = fields.Nested(ReporterSchema, metadata={
        "description": "Who reports, and how to reach them; absent when anonymous."})
    preferred_language = Code(LANGUAGES, load_default="en")
    consent_forwarding = consent("You must acknowledge that the report will be forwarded to "
                                 "the investigations office.")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _cross_field_rules(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ErrorCollector()
        start, end = data.get("incident_date"), data.get("incident_end_date")
        if end is not None:
            if not provided(original, "incident_date"):
                errors.add(("incident_date",), "Give the start date as well as the end date.")
            elif start is not None and end < start:
                errors.add(("incident_end_date",), "Must not be before the incident date.")
        if not any(provided(original, key)
                   for key in ("incident_date", "incident_end_date", "when_description")):
            errors.add(("when_description",), "Tell us when it happened: a date or a "
                                              "description.")
        if data.get("anonymous"):
            if provided(original, "reporter"):
                errors.add(("reporter",), "Leave this empty: an anonymous report carries no "
                                          "identity.")
        elif not provided(original, "reporter"):
            errors.add(("reporter",), "Required unless you report anonymously.")
        elif not (provided(original, "reporter", "email")
                  or provided(original, "reporter", "phone")):
            errors.add(("reporter", "email"), "Give an e-mail address or a telephone number, "
                                              "or report anonymously.")
        errors.raise_if_any()
