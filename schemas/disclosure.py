"""Bodies and query parameters of the financial disclosure API (filers, heads of units and
officers). A declaration's content is checked by the domain
(``shared.domain.disclosure.parse_content``), which names each section and member."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.common import (
    Code,
    Count,
    Email,
    Flag,
    IntakeSchema,
    String,
    Text,
    equals,
    required,
)
from shared.domain.disclosure import (
    ANNUAL,
    GUIDANCE_GIVEN,
    KINDS,
    MAX_CHILDREN,
    OUTCOMES,
    REASONS,
)
from shared.domain.taxonomy import DUTY_STATIONS, STAFF_CATEGORIES

FILER_STATUSES = ("active", "separated", "withdrawn")


class ContentField(fields.Dict):
    """The declaration: ``spouse`` (boolean), ``children`` (0 to 12), ``sections`` (each
    section -> each member ``self``, ``spouse``, ``child_1``... -> ``{"nothing_to_declare":
    true}`` or ``{"items": [{"description", "counterpart", "value_usd"}]}``), and
    ``ad_hoc_reason`` for an ad hoc declaration."""


class FilingSchema(IntakeSchema):
    kind = Code(KINDS, required=True, metadata={
        "description": "annual (the declaration a campaign asks for) or ad_hoc (at any "
                       "time: a new outside activity, a gift)."})
    year = Count(low=2000, high=2100, metadata={
        "description": "The reporting year of an annual declaration."})
    content = ContentField(required=True, metadata={
        "description": f"The declaration (at most {MAX_CHILDREN} dependent children)."})

    rules = (required("year", when=equals("kind", ANNUAL), depends_on=("kind",),
                      message="Give the reporting year of an annual declaration."),)


class AmendmentSchema(IntakeSchema):
    version = Count(low=1, high=10000, required=True, metadata={
        "description": "The version this amends (the latest): a stale one is refused "
                       "(409)."})
    content = ContentField(required=True)


class ReviewSchema(IntakeSchema):
    outcome = Code(OUTCOMES, required=True)
    guidance = Text(max_length=5000, multiline=True, metadata={
        "description": "Required with guidance_given: sealed, read by the filer after "
                       "signing in (the e-mail carries only a link)."})

    rules = (required("guidance", when=equals("outcome", GUIDANCE_GIVEN),
                      depends_on=("outcome",),
                      message="Give the guidance the filer is to read."),)


class CampaignSchema(IntakeSchema):
    year = Count(low=2000, high=2100, required=True)
    due_on = fields.Date(metadata={
        "description": "Default: the programme's due date in the following year."})


class NominationSchema(IntakeSchema):
    staff_id = String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9._-]{1,40}$", error="Letters, digits, '-', '_' and '.' only."))
    name = Text(required=True, max_length=200)
    email = Email(required=True)
    grade = Text(required=True, max_length=20)
    staff_category = Code(STAFF_CATEGORIES, required=True)
    duty_station = Code(DUTY_STATIONS, required=True)
    office = Text(required=True, max_length=200)
    reason = Code(REASONS, load_default="nominated")
    unit = Text(required=True, max_length=200)
    appointed_on = fields.Date()


class FilerListQuerySchema(IntakeSchema):
    status = Code(FILER_STATUSES)


class DrawSchema(IntakeSchema):
    share = String(required=True, validate=validate.Regexp(
        r"^(0?\.[0-9]{0,3}[1-9]|1(\.0{1,4})?)$",
        error="A decimal more than 0 and at most 1, with at most 4 decimal places and no "
              "trailing zero, as text (\"0.06\")."),
        metadata={"description": "The share of the frame to draw, as exact decimal text "
                                 "(\"0.06\"): more than 0, at most 1, at most 4 decimal "
                                 "places."})
    dry_run = Flag(load_default=False, truthy={True}, falsy={False}, metadata={
        "description": "Only show the allocation per stratum: nothing is drawn or "
                       "written."})


class VoidSchema(IntakeSchema):
    reason = Text(required=True, max_length=1000, multiline=True, metadata={
        "description": "Why the draw is voided: kept in the programme's history."})
