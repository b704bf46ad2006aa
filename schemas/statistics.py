"""The service log entry and the kinds of import line (docs/import-format.md).

Codes only: none of these records carries a name or a narrative, so none has a free-text
field. Unknown fields are refused like everywhere else.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates, validates_schema

from schemas.common import (
    Code,
    Count,
    IntakeSchema,
    IsOneOf,
    PastDate,
    Rule,
    String,
    equals,
    only_when,
    required,
    today,
    value_in,
)
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ADVICE_SUBCATEGORIES,
    ALLEGATION_TYPES,
    DUTY_STATIONS,
    INDEPENDENT_REVIEW_RESULTS,
    LOGGED_CODES,
    LOGGED_SERVICE_CATEGORIES,
    OTHER_SERVICE_CATEGORIES,
    PANEL_REVIEW_STEPS,
    REQUESTER_TYPES,
    RETALIATION_OUTCOMES,
    STAFF_CATEGORIES,
)

MAX_PARTICIPANTS = 100_000
MAX_FILERS = 10_000_000
# A historical import may record misconduct allegations received outside the form (the
# report counts allegations e-mailed to the office), and the service log those the office
# was only copied on, which are never forwarded.
IMPORTED_SERVICE_CATEGORIES = (*OTHER_SERVICE_CATEGORIES, "misconduct")
COPIED_ONLY_MESSAGE = (
    "Log only an allegation the Ethics Office was copied on (true): it is never forwarded. "
    "An allegation made to the office goes through the misconduct form, which forwards it "
    "to the investigations office.")
OWN_KIND = {"advice": "advice requests are imported as kind \"advice\" with their "
                      "subcategory, so Figure II counts them too",
            "retaliation": "retaliation complaints are imported as kind \"retaliation\" "
                           "with their outcome"}


TRAINING = equals("category", "training")


def _participants_rules() -> tuple[Rule, ...]:
    """A training says how many took part; nothing else does."""
    return (required("participants", message="Say how many people took part in the training.",
                     when=TRAINING, depends_on=("category",), code="invalid"),
            only_when("participants", message="Only for a training.", when=TRAINING,
                      depends_on=("category",), code="invalid"))


def _only_for(categories: tuple[str, ...]) -> str:
    if len(categories) == 1:
        return f"Only for category {categories[0]}."
    return f"Only for categories {', '.join(categories[:-1])} and {categories[-1]}."


# The categories each optional field of a logged entry belongs to (participants has rules
# of its own, shared with import lines).
_LOGGED_FIELDS: dict[str, tuple[str, ...]] = {
    field: tuple(c for c in LOGGED_SERVICE_CATEGORIES if field in LOGGED_CODES.get(c, ()))
    for codes in LOGGED_CODES.values() for field in codes if field != "participants"
} | {"subcategory": ("advice",), "copied_only": ("misconduct",)}


class ServiceLogSchema(IntakeSchema):
    """A service an officer records: one training, one media inquiry, one piece of advice
    given on a mission, one allegation the office was copied on..."""

    category = Code(LOGGED_SERVICE_CATEGORIES, required=True, metadata={
        "description": "Table 1 category. A retaliation complaint comes only through its "
                       "form; advice is logged when given outside the form (missions, "
                       "visits, events), misconduct only when the office was copied on an "
                       "allegation made to the investigations office."})
    date = PastDate(metadata={"description": "When the service was given; default today."})
    participants = Count(low=1, high=MAX_PARTICIPANTS, metadata={
        "description": "Trainings only, and required for them."})
    subcategory = Code(ADVICE_SUBCATEGORIES, metadata={
        "description": "Advice only, and required for it: the leaf sub-category (Figure "
                       "II)."})
    requester_type = Code(REQUESTER_TYPES, metadata={
        "description": "Advice only: given to one person or to a group or team."})
    duty_station = Code(DUTY_STATIONS, metadata={
        "description": "Advice and misconduct only."})
    staff_category = Code(STAFF_CATEGORIES, metadata={"description": "Advice only."})
    allegation_type = Code(ALLEGATION_TYPES, metadata={"description": "Misconduct only."})
    copied_only = fields.Boolean(metadata={
        "description": "Misconduct only, and required to be true: the office was only "
                       "copied on an allegation made to the investigations office, which "
                       "therefore has it; it is never forwarded."})

    rules = (
        *_participants_rules(),
        *(only_when(name, message=_only_for(categories), when=IsOneOf("category", categories),
                    depends_on=("category",), code="invalid")
          for name, categories in _LOGGED_FIELDS.items()),
        required("subcategory", message="Give the advice's sub-category.",
                 when=equals("category", "advice"), depends_on=("category",), code="invalid"),
        required("copied_only", message=COPIED_ONLY_MESSAGE,
                 when=equals("category", "misconduct"), depends_on=("category",),
                 code="invalid"),
        value_in("copied_only", (True,), message=COPIED_ONLY_MESSAGE,
                 when=equals("category", "misconduct"), depends_on=("category",)),
    )


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

    rules = (
        *_participants_rules(),
        only_when("allegation_type", message="Only for category misconduct.",
                  when=equals("category", "misconduct"), depends_on=("category",),
                  code="invalid"),
    )


class AdviceLineSchema(IntakeSchema):
    kind = Code(["advice"], required=True)
    subcategory = String(required=True)
    date = PastDate(required=True)
    category = Code(ADVICE_GROUPS)
    requester_type = Code(REQUESTER_TYPES)
    duty_station = Code(DUTY_STATIONS)
    staff_category = Code(STAFF_CATEGORIES)
    anonymous = fields.Boolean(metadata={"description": "The request was made anonymously."})

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


# Outcome codes of a complaint found prima facie (an independent review follows that finding).
PRIMA_FACIE_OUTCOMES = ("prima_facie_established", *INDEPENDENT_REVIEW_RESULTS)


class RetaliationLineSchema(IntakeSchema):
    kind = Code(["retaliation"], required=True)
    date = PastDate(required=True, metadata={"description": "When the complaint was received."})
    outcome = Code(RETALIATION_OUTCOMES, required=True)
    duty_station = Code(DUTY_STATIONS)
    staff_category = Code(STAFF_CATEGORIES)
    protective_measures = fields.Boolean(metadata={
        "description": "At least one protective measure was recommended in the year."})

    @validates_schema(skip_on_field_errors=True)
    def _measures(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("protective_measures") and data["outcome"] not in PRIMA_FACIE_OUTCOMES:
            raise ValidationError("Only for a complaint found prima facie (outcome "
                                  f"{', '.join(PRIMA_FACIE_OUTCOMES)}).",
                                  "protective_measures")


class MisconductLineSchema(IntakeSchema):
    """The same record as a service line of category misconduct, for files that give
    misconduct allegations a kind of their own."""

    kind = Code(["misconduct"], required=True)
    date = PastDate(required=True, metadata={"description": "When it was reported."})
    allegation_type = Code(ALLEGATION_TYPES)
    duty_station = Code(DUTY_STATIONS)
    anonymous = fields.Boolean(metadata={"description": "It was reported anonymously."})


class PanelReviewLineSchema(IntakeSchema):
    """One step of a review by the Ethics Panel chair of a no-prima-facie determination."""

    kind = Code(["panel_review"], required=True)
    date = PastDate(required=True, metadata={"description": "When the step was taken."})
    step = Code(PANEL_REVIEW_STEPS, required=True)


class IndependentReviewLineSchema(IntakeSchema):
    """The result of an independent review of an investigation report, in the year it was
    completed, of a complaint of any year."""

    kind = Code(["independent_review"], required=True)
    date = PastDate(required=True, metadata={"description": "When the review was completed."})
    result = Code(INDEPENDENT_REVIEW_RESULTS, required=True)


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
    "panel_review": PanelReviewLineSchema(),
    "independent_review": IndependentReviewLineSchema(),
    "disclosure": DisclosureLineSchema(),
}
