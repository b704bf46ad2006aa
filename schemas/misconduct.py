"""Misconduct report: what an investigations office needs (who, what, when, where, how)."""

from __future__ import annotations

from typing import Any

from schemas.common import (
    Code,
    Email,
    ErrorCollector,
    Flag,
    Given,
    Group,
    IntakeSchema,
    Not,
    PastDate,
    Phone,
    Text,
    Unstated,
    consent,
    equals,
    nested_list,
    one_of,
    only_when,
    required,
)
from shared.domain.taxonomy import ALLEGATION_TYPES, DUTY_STATIONS, LANGUAGES, STAFF_CATEGORIES

NARRATIVE_MAX_LENGTH = 20000


NAMED = Not(equals("anonymous", True))


class SubjectSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    title = Text(max_length=200)
    organisation = Text(max_length=200)


class WitnessSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    contact = Text(max_length=300, metadata={"description": "How to reach the witness."})
    may_contact = Flag(load_default=False)


class ReporterSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    email = Email()
    phone = Phone()
    state_change_emails = Flag(metadata={
        "description": "E-mail me when my report changes state: the e-mail says only that "
                       "it changed and where to read it, never its content."})
    staff_category = Code(STAFF_CATEGORIES)


class MisconductReportSchema(IntakeSchema):
    allegation_type = Code(ALLEGATION_TYPES, required=True)
    subjects = nested_list(SubjectSchema, low=0, high=20, load_default=list, metadata={
        "description": "Who: the people the report is about, if known."})
    what = Text(max_length=NARRATIVE_MAX_LENGTH, multiline=True, required=True)
    incident_date = PastDate(metadata={"description": "When it happened (or started)."})
    incident_date_approximate = Flag(load_default=False, metadata={
        "description": "The incident date is approximate: about then, within a month either side."})
    incident_end_date = PastDate(metadata={"description": "When it ended, if it lasted."})
    when_description = Text(max_length=500, multiline=True, metadata={
        "description": "When, in words, if there is no exact date."})
    location = Text(max_length=500, required=True, metadata={
        "description": "Where: office, country, place."})
    duty_station = Code(DUTY_STATIONS)
    project = Text(max_length=300)
    how = Text(max_length=NARRATIVE_MAX_LENGTH, multiline=True)
    witnesses = nested_list(WitnessSchema, low=0, high=20, load_default=list)
    evidence_description = Text(max_length=NARRATIVE_MAX_LENGTH, multiline=True, metadata={
        "description": "Documents or other evidence, and where they are."})
    anonymous = Flag(load_default=False)
    reporter = Group(ReporterSchema, metadata={
        "description": "Who reports, and how to reach them; absent when anonymous."})
    preferred_language = Code(LANGUAGES, load_default="en")
    consent_forwarding = consent("You must acknowledge that the report will be forwarded to "
                                 "the investigations office.")

    rules = (
        required("incident_date", message="Give the start date as well as the end date.",
                 when=Given("incident_end_date"),
                 depends_on=("incident_end_date",)),
        one_of("incident_date", "incident_end_date", "when_description",
               message="Tell us when it happened: a date or a description.",
               error_path="when_description"),
        only_when("reporter", message="Leave this empty: an anonymous report carries no "
                                      "identity.", when=NAMED, depends_on=("anonymous",)),
        required("reporter", message="Required unless you report anonymously.", when=NAMED,
                 depends_on=("anonymous",)),
        one_of("reporter.email", "reporter.phone", error_path="reporter.email",
               message="Give an e-mail address or a telephone number, or report "
                       "anonymously.", when=NAMED, depends_on=("anonymous",),
               within="reporter"),
    )

    unstated = (Unstated("dates_in_order", ("incident_date", "incident_end_date"),
                         "incident_end_date is not before incident_date."),)

    def more_rules(self, data: dict[str, Any], original: Any, errors: ErrorCollector) -> None:
        start, end = data.get("incident_date"), data.get("incident_end_date")
        if start is not None and end is not None and end < start:
            errors.add(("incident_end_date",), "Must not be before the incident date.",
                       "before_start")
