"""Payloads of the internal task and scheduler targets."""

from __future__ import annotations

from marshmallow import fields, validate

from schemas.common import IntakeSchema


class TriageTaskSchema(IntakeSchema):
    submission_id = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{32}$", error="Must be a submission id (32 lowercase hex digits)."))
