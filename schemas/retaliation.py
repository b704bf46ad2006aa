"""Retaliation complaint (protection against retaliation). Never anonymous."""

from __future__ import annotations

from typing import Any

from marshmallow import post_load

from schemas.common import (
    Code,
    Email,
    ErrorCollector,
    Flag,
    Group,
    IntakeSchema,
    PastDate,
    Phone,
    Text,
    Unstated,
    consent,
    equals,
    nested_list,
    only_when,
    required,
)
from shared.domain.policy import earliest_day, latest_day
from shared.domain.taxonomy import (
    CONTACT_METHODS,
    DUTY_STATIONS,
    LANGUAGES,
    PROTECTED_ACTIVITIES,
    RETALIATORY_ACT_KINDS,
    STAFF_CATEGORIES,
)

NARRATIVE_MAX_LENGTH = 20000
ACT_MAX_LENGTH = 10000
_APPROXIMATE = "The date is approximate: about then, within a month either side."


class ComplainantSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    email = Email(required=True)
    phone = Phone()
    staff_id = Text(max_length=40, metadata={"description": "Index or personnel number."})
    state_change_emails = Flag(metadata={
        "description": "E-mail me when my complaint changes state: the e-mail says only "
                       "that it changed and where to read it, never its content."})


class EmploymentSchema(IntakeSchema):
    staff_category = Code(STAFF_CATEGORIES, required=True)
    grade = Text(max_length=20)
    duty_station = Code(DUTY_STATIONS, required=True)
    office = Text(max_length=200)
    function_title = Text(max_length=200)
    supervisor = Text(max_length=200)


class ProtectedActivitySchema(IntakeSchema):
    type = Code(PROTECTED_ACTIVITIES, required=True)
    date = PastDate(required=True)
    date_approximate = Flag(load_default=False, metadata={"description": _APPROXIMATE})
    reported_to = Text(max_length=300, required=True, metadata={
        "description": "To whom misconduct was reported, or which investigation or audit."})
    description = Text(max_length=NARRATIVE_MAX_LENGTH, multiline=True, required=True)


class RetaliatoryActSchema(IntakeSchema):
    date = PastDate(required=True)
    date_approximate = Flag(load_default=False, metadata={"description": _APPROXIMATE})
    kind = Code(RETALIATORY_ACT_KINDS, load_default="action")
    description = Text(max_length=ACT_MAX_LENGTH, multiline=True, required=True)
    by_whom = Text(max_length=300, required=True)


class RetaliationWitnessSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    contact = Text(max_length=300)
    may_contact = Flag(required=True, metadata={
        "description": "Whether the Ethics Office may contact this witness."})


BY_PHONE = equals("contact_method", "phone")
MEASURES_REQUESTED = equals("interim_measures_requested", True)


class RetaliationComplaintSchema(IntakeSchema):
    complainant = Group(ComplainantSchema, required=True)
    employment = Group(EmploymentSchema, required=True)
    protected_activity = Group(ProtectedActivitySchema, required=True)
    retaliatory_acts = nested_list(RetaliatoryActSchema, low=1, high=20, required=True)
    link_explanation = Text(max_length=NARRATIVE_MAX_LENGTH, multiline=True, required=True,
                            metadata={"description": "Why the acts are linked to the "
                                                     "protected activity."})
    interim_measures_requested = Flag(load_default=False)
    interim_measures_details = Text(max_length=ACT_MAX_LENGTH, multiline=True)
    witnesses = nested_list(RetaliationWitnessSchema, low=0, high=20, load_default=list)
    preferred_language = Code(LANGUAGES, load_default="en")
    contact_method = Code([c for c in CONTACT_METHODS if c != "follow_up_page"])
    consent_privacy_notice = consent("You must accept the privacy notice to file a complaint.")

    rules = (
        only_when("interim_measures_details",
                  message="Only when you request interim protective measures.",
                  when=MEASURES_REQUESTED, depends_on=("interim_measures_requested",)),
        required("complainant.phone", message="Required when you ask to be called.",
                 when=BY_PHONE, depends_on=("contact_method",), within="complainant"),
    )

    unstated = (Unstated(
        "acts_after_activity",
        ("protected_activity.date", "protected_activity.date_approximate",
         "retaliatory_acts.*.date", "retaliatory_acts.*.date_approximate"),
        "No retaliatory act predates the protected activity: the latest day an act's date "
        "may stand for (a month later when date_approximate) is not before the earliest "
        "day the activity's date may stand for (a month earlier when date_approximate)."),)

    def more_rules(self, data: dict[str, Any], original: Any, errors: ErrorCollector) -> None:
        activity = data.get("protected_activity") or {}
        if activity.get("date") is None:
            return
        earliest = earliest_day(activity["date"], bool(activity.get("date_approximate")))
        for index, act in enumerate(data.get("retaliatory_acts") or []):
            act_date = act.get("date") if isinstance(act, dict) else None
            if act_date is not None and latest_day(
                    act_date, bool(act.get("date_approximate"))) < earliest:
                errors.add(("retaliatory_acts", index, "date"),
                           "A retaliatory act cannot predate the protected activity.",
                           "predates_activity")

    @post_load
    def _defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data.setdefault("contact_method", "email")
        return data
