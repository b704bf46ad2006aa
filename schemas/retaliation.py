"""Retaliation complaint (protection against retaliation). Never anonymous."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validates_schema

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
from shared.domain.taxonomy import (
    CONTACT_METHODS,
    DUTY_STATIONS,
    LANGUAGES,
    PROTECTED_ACTIVITIES,
    RETALIATORY_ACT_KINDS,
    STAFF_CATEGORIES,
)


class ComplainantSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    email = Email(required=True)
    phone = Phone()
    staff_id = Text(max_length=40, metadata={"description": "Index or personnel number."})


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
    reported_to = Text(max_length=300, required=True, metadata={
        "description": "To whom misconduct was reported, or which investigation or audit."})
    description = Text(max_length=10000, multiline=True, required=True)


class RetaliatoryActSchema(IntakeSchema):
    date = PastDate(required=True)
    kind = Code(RETALIATORY_ACT_KINDS, load_default="action")
    description = Text(max_length=5000, multiline=True, required=True)
    by_whom = Text(max_length=300, required=True)


class RetaliationWitnessSchema(IntakeSchema):
    name = Text(max_length=200, required=True)
    contact = Text(max_length=300)
    may_contact = fields.Boolean(required=True, metadata={
        "description": "Whether the Ethics Office may contact this witness."})


class RetaliationComplaintSchema(IntakeSchema):
    complainant = fields.Nested(ComplainantSchema, required=True)
    employment = fields.Nested(EmploymentSchema, required=True)
    protected_activity = fields.Nested(ProtectedActivitySchema, required=True)
    retaliatory_acts = nested_list(RetaliatoryActSchema, low=1, high=20, required=True)
    link_explanation = Text(max_length=10000, multiline=True, required=True, metadata={
        "description": "Why the acts are linked to the protected activity."})
    interim_measures_requested = fields.Boolean(load_default=False)
    interim_measures_details = Text(max_length=5000, multiline=True)
    witnesses = nested_list(RetaliationWitnessSchema, low=0, high=20, load_default=list)
    preferred_language = Code(LANGUAGES, load_default="en")
    contact_method = Code([c for c in CONTACT_METHODS if c != "follow_up_page"])
    consent_privacy_notice = consent("You must accept the privacy notice to file a complaint.")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _cross_field_rules(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ErrorCollector()
        activity = data.get("protected_activity") or {}
        activity_date = activity.get("date")
        for index, act in enumerate(data.get("retaliatory_acts") or []):
            act_date = act.get("date") if isinstance(act, dict) else None
            if activity_date is not None and act_date is not None and act_date < activity_date:
                errors.add(("retaliatory_acts", index, "date"),
                           "A retaliatory act cannot predate the protected activity.")
        if provided(original, "interim_measures_details") and not data.get(
                "interim_measures_requested"):
            errors.add(("interim_measures_details",),
                       "Only when you request interim protective measures.")
        if data.get("contact_method") == "phone" and provided(original, "complainant") \
                and not provided(original, "complainant", "phone"):
            errors.add(("complainant", "phone"), "Required when you ask to be called.")
        errors.raise_if_any()

    @post_load
    def _defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data.setdefault("contact_method", "email")
        return data
