"""Bodies and query parameters of the officers' case API."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.common import Code, Count, Email, IntakeSchema, PastDate, String, Text
from shared.domain.taxonomy import PROTECTIVE_MEASURE_OUTCOMES, PROTECTIVE_MEASURES

_NAME = validate.Regexp(r"^[a-z_]{1,60}$", error="Must be a transition or state name.")


class CaseListQuerySchema(IntakeSchema):
    form = Code(["advice", "misconduct", "retaliation"])
    state = String(validate=_NAME)
    assignee = Email()
    due_within_days = Count(low=0, high=3650)
    limit = Count(low=1, high=500, load_default=100)


class TransitionSchema(IntakeSchema):
    name = String(required=True, validate=_NAME)
    note = Text(max_length=10000, multiline=True, metadata={
        "description": "The reasons, e.g. of a determination; sealed, officers only."})
    requester_consent = fields.Boolean(load_default=False, metadata={
        "description": "For refer_as_misconduct on an advice request: the requester agreed."})


class AssignmentSchema(IntakeSchema):
    assignee = Email(required=True)


class MessageSchema(IntakeSchema):
    text = Text(max_length=10000, multiline=True, required=True)


class MeasureSchema(IntakeSchema):
    measure_id = String(validate=validate.Regexp(
        r"^[0-9a-f]{16}$", error="Must be the id of a recorded measure."))
    kind = Code(PROTECTIVE_MEASURES, required=True)
    recommended_on = PastDate(required=True)
    outcome = Code(PROTECTIVE_MEASURE_OUTCOMES, load_default="recommended")
