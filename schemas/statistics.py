"""The service log entry and the four kinds of import line (docs/import-format.md).

Codes only: none of these records carries a name or a narrative, so none has a free-text
field. Unknown fields are refused like everywhere else.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates, validates_schema

from schemas.common import Code, Count, ErrorCollector, IntakeSchema, PastDate, String, today
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ADVICE_SUBCATEGORIES,
    ALLEGATION_TYPES,
    DUTY_STATIONS,
    LOGGED_SERVICE_CATEGORIES,
    REQUESTER_TYPES,
    RETALIATION_OUTCOMES,
    STAFF_CATEGORIES,
)

MAX_PARTICIPANTS = 100_000
MAX_FILERS = 10_000_000
# A historical import may record misconduct allegations received outside the form (the
# report counts allegations e-mailed to the office); the live service log may not, because
# an allegation logged there would never be forwarded.
IMPORTED_SERVICE_CATEGORIES = (*LOGGED_SERVICE_CATEGORIES, "misconduct")
OWN_KIND = {"advice": "advice requests are imported as kind \"advice\" with their "
                      "subcategory, so Figure II counts them too",
            "retaliation": "retaliation complaints are imported as kind \"retaliation\" "
                           "with their outcome"}


def _participants_rule(data: dict[str, Any], original: Any, errors: ErrorCollector) -> None:
    has = isinstance(original, dict) and original.get("participants") is not None
    if data.get("category") == "training":
        if not has:
            errors.add(("participants",), "Say how many people took part in the training.")
    elif has:
        errors.add(("participants",), "Only for a training.")


class ServiceLogSchema(IntakeSchema):
    """A service an officer records: one training, one media inquiry..."""

    category = Code(LOGGED_SERVICE_CATEGORIES, required=True, metadata={
        "description": "Table 1 category. Advice, retaliation and misconduct come through "
                       "their forms."})
    date = PastDate(metadata={"description": "When the service was given; default today."})
    participants = Count(low=1, high=MAX_PARTICIPANTS, metadata={
        "description": "Trainings only, and required for them."})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _rules(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ErrorCollector()
        _participants_rule(data, original, errors)
        errors.raise_if_any()


class ServiceLineSchema(IntakeSchema):
    kind = Code(["service"], required=True)
    category = String(required=True)
    date = PastDate(required=True)
    participants = Count(low=1, high=MAX_PARTICIPANTS)
    allegation_type = Code(ALLEGATION_TYPES)

    @validates("category")
    def _category(self, value: str, **kwargs: Any) -> None:
        if value in OWN_KIND:
            raise ValidationError(f"Not a service: {OWN_KIND[value]}.")
        if value not in IMPORTED_SERVICE_CATEGORIES:
            raise ValidationError(f"Must be one of: {', '.join(IMPORTED_SERVICE_CATEGORIES)}.")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _rules(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ErrorCollector()
        _participants_rule(data, original, errors)
        if data.get("allegation_type") is not None and data.get("category") != "misconduct":
            errors.add(("allegation_type",), "Only for category misconduct.")
        errors.raise_if_any()


class AdviceLineSchema(IntakeSchema):
    kind = Code(["advice"], required=True)
    subcategory = String(required=True)
    date = PastDate(required=True)
    category = Code(ADVICE_GROUPS)
    requester_type = Code(REQUESTER_TYPES)
    duty_station = Code(DUTY_STATIONS)
    staff_category = Code(STAFF_CATEGORIES)

    @validates("subcategory")
    def _subcategory(self, value: str, **kwargs: Any) -> None:
        if value in ADVICE_GROUPS and value not in ADVICE_SUBCATEGORIES:
            raise ValidationError(f"{value} is a group: use one of its sub-categories "
                                  f"({', '.join(ADVICE_GROUPS[value])}).")
        if value not in ADVICE_SUBCATEGORIES:
            raise ValidationError(f"Must be one of: {', '.join(ADVICE_SUBCATEGORIES)}.")

    @validates_schema(skip_on_field_errors=True)
    def _group(self, data: dict[str, Any], **kwargs: Any) -> None:
        group = data.get("category")
        if group is not None and data["subcategory"] not in ADVICE_GROUPS[group]:
            raise ValidationError(f"In category {group}, must be one of: "
                                  f"{', '.join(ADVICE_GROUPS[group])}.", "subcategory")


class RetaliationLineSchema(IntakeSchema):
    kind = Code(["retaliation"], required=True)
    date = PastDate(required=True, metadata={"description": "When the complaint was received."})
    outcome = Code(RETALIATION_OUTCOMES, required=True)
    duty_station = Code(DUTY_STATIONS)
    staff_category = Code(STAFF_CATEGORIES)


class MisconductLineSchema(IntakeSchema):
    """The same record as a service line of category misconduct, for files that give
    misconduct allegations a kind of their own."""

    kind = Code(["misconduct"], required=True)
    date = PastDate(required=True, metadata={"description": "When it was reported."})
    allegation_type = Code(ALLEGATION_TYPES)
    duty_station = Code(DUTY_STATIONS)


class DisclosureLineSchema(IntakeSchema):
    kind = Code(["disclosure"], required=True)
    year = Count(low=1950, high=9999, required=True)
    filers = Count(low=1, high=MAX_FILERS, required=True)
    compliant = Count(low=0, high=MAX_FILERS, required=True)

    @validates("year")
    def _past(self, value: int, **kwargs: Any) -> None:
        if value > today().year:
            raise ValidationError("Must not be in the future.")

    @validates_schema(skip_on_field_errors=True)
    def _compliant(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["compliant"] > data["filers"]:
            raise ValidationError("Must not be more than filers.", "compliant")


LINE_SCHEMAS: dict[str, IntakeSchema] = {
    "service": ServiceLineSchema(),
    "advice": AdviceLineSchema(),
    "retaliation": RetaliationLineSchema(),
    "misconduct": MisconductLineSchema(),
    "disclosure": DisclosureLineSchema(),
}
