"""Confidential ethics advice request."""

from __future__ import annotations

from typing import Any

from marshmallow import post_load

from schemas.common import (
    All,
    Code,
    Count,
    Email,
    Flag,
    IntakeSchema,
    IsOneOf,
    Not,
    Phone,
    Text,
    choice_by,
    consent,
    equals,
    only_when,
    required,
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

IDENTITY_FIELDS = ("name", "email", "phone", "state_change_emails")
QUESTION_MAX_LENGTH = 20000


NAMED = Not(equals("anonymous", True))
FOR_A_GROUP = equals("requester_type", "group")
# A category with several sub-categories needs one; the others default to their only one.
SEVERAL_KINDS = IsOneOf("category", tuple(c for c, leaves in ADVICE_GROUPS.items()
                                          if len(leaves) > 1))


class AdviceRequestSchema(IntakeSchema):
    category = Code(ADVICE_GROUPS, required=True,
                    metadata={"description": "Figure II group of the question."})
    subcategory = Code(ADVICE_SUBCATEGORIES, metadata={
        "description": "Leaf sub-category; required for conflict_of_interest, otherwise "
                       "it defaults to the category."})
    question = Text(max_length=QUESTION_MAX_LENGTH, multiline=True, required=True)
    requester_type = Code(REQUESTER_TYPES, load_default="individual")
    group_size = Count(low=2, high=10000, metadata={"description": "Required for a group."})
    group_unit = Text(max_length=200, metadata={"description": "Team or unit of a group."})
    anonymous = Flag(load_default=False)
    name = Text(max_length=200, metadata={"description": "Required unless anonymous."})
    email = Email(metadata={"description": "Required unless anonymous."})
    phone = Phone()
    state_change_emails = Flag(metadata={
        "description": "E-mail me when my request changes state: the e-mail says only that "
                       "it changed and where to read it, never its content. Not when "
                       "anonymous."})
    duty_station = Code(DUTY_STATIONS)
    office = Text(max_length=200)
    staff_category = Code(STAFF_CATEGORIES)
    grade = Text(max_length=20)
    function_title = Text(max_length=200)
    preferred_language = Code(LANGUAGES, load_default="en")
    contact_method = Code(CONTACT_METHODS, metadata={
        "description": "Defaults to email, or to follow_up_page when anonymous."})
    consent_privacy_notice = consent("You must accept the privacy notice to send a request.")

    rules = (
        required("subcategory", message="Choose a sub-category for this category.",
                 when=SEVERAL_KINDS, depends_on=("category",)),
        choice_by("subcategory", "category", ADVICE_GROUPS),
        required("group_size", message="Say how many people the group has.",
                 when=FOR_A_GROUP, depends_on=("requester_type",)),
        only_when("group_size", "group_unit", message="Only for a request made for a group.",
                  when=FOR_A_GROUP, depends_on=("requester_type",)),
        only_when(*IDENTITY_FIELDS,
                  message="Leave this empty: an anonymous request carries no identity.",
                  when=NAMED, depends_on=("anonymous",)),
        only_when("contact_method", allowed=("follow_up_page",),
                  message="An anonymous request is answered only through the follow-up page.",
                  when=NAMED, depends_on=("anonymous",)),
        required("name", "email", message="Required unless you ask anonymously.",
                 when=NAMED, depends_on=("anonymous",)),
        required("phone", message="Required when you ask to be called.",
                 when=All((NAMED, equals("contact_method", "phone"))),
                 depends_on=("anonymous", "contact_method")),
    )

    @post_load
    def _defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data.setdefault("subcategory", ADVICE_GROUPS[data["category"]][0])
        data.setdefault("contact_method", "follow_up_page" if data["anonymous"] else "email")
        return data
