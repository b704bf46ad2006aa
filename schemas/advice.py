"""Confidential ethics advice request."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validates_schema

from schemas.common import (
    Code,
    Count,
    Email,
    ErrorCollector,
    IntakeSchema,
    Phone,
    Text,
    consent,
    provided,
)
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ADVICE_SUBCATEGORIES,
    CONTACT_METHODS,
    DUTY_STATIONS,
    LANGUAGES,
    REQUESTER_TYPES,
    STAFF_CATEGORIES,
)

IDENTITY_FIELDS = ("name", "email", "phone")


class AdviceRequestSchema(IntakeSchema):
    category = Code(ADVICE_GROUPS, required=True,
                    metadata={"description": "Figure II group of the question."})
    subcategory = Code(ADVICE_SUBCATEGORIES, metadata={
        "description": "Leaf sub-category; required for conflict_of_interest, otherwise "
                       "it defaults to the category."})
    question = Text(max_length=10000, multiline=True, required=True)
    requester_type = Code(REQUESTER_TYPES, load_default="individual")
    group_size = Count(low=2, high=10000, metadata={"description": "Required for a group."})
    group_unit = Text(max_length=200, metadata={"description": "Team or unit of a group."})
    anonymous = fields.Boolean(load_default=False)
    name = Text(max_length=200, metadata={"description": "Required unless anonymous."})
    email = Email(metadata={"description": "Required unless anonymous."})
    phone = Phone()
    duty_station = Code(DUTY_STATIONS)
    office = Text(max_length=200)
    staff_category = Code(STAFF_CATEGORIES)
    grade = Text(max_length=20)
    function_title = Text(max_length=200)
    preferred_language = Code(LANGUAGES, load_default="en")
    contact_method = Code(CONTACT_METHODS, metadata={
        "description": "Defaults to email, or to follow_up_page when anonymous."})
    consent_privacy_notice = consent("You must accept the privacy notice to send a request.")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _cross_field_rules(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ErrorCollector()
        category, subcategory = data.get("category"), data.get("subcategory")
        if isinstance(category, str) and category in ADVICE_GROUPS:
            leaves = ADVICE_GROUPS[category]
            if subcategory is None and len(leaves) > 1 and not provided(original, "subcategory"):
                errors.add(("subcategory",), "Choose a sub-category for this category.")
            elif subcategory is not None and subcategory not in leaves:
                errors.add(("subcategory",), f"Must be one of: {', '.join(leaves)}.")
        if data.get("requester_type") == "group":
            if not provided(original, "group_size"):
                errors.add(("group_size",), "Say how many people the group has.")
        else:
            for key in ("group_size", "group_unit"):
                if provided(original, key):
                    errors.add((key,), "Only for a request made for a group.")
        contact = data.get("contact_method")
        if data.get("anonymous"):
            for key in IDENTITY_FIELDS:
                if provided(original, key):
                    errors.add((key,), "Leave this empty: an anonymous request carries no "
                                       "identity.")
            if contact not in (None, "follow_up_page"):
                errors.add(("contact_method",), "An anonymous request is answered only "
                                                "through the follow-up page.")
        else:
            for key in ("name", "email"):
                if not provided(original, key):
                    errors.add((key,), "Required unless you ask anonymously.")
            if contact == "phone" and not provided(original, "phone"):
                errors.add(("phone",), "Required when you ask to be called.")
        errors.raise_if_any()

    @post_load
    def _defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data.setdefault("subcategory", ADVICE_GROUPS[data["category"]][0])
        data.setdefault("contact_method", "follow_up_page" if data["anonymous"] else "email")
        return data
