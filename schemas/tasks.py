"""Payloads of the internal task and scheduler targets."""

from __future__ import annotations

from marshmallow import validate

from schemas.common import IntakeSchema, String


class TriageTaskSchema(IntakeSchema):
    """A task about one submission: triage and forwarding."""

    submission_id = String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{32}$", error="Must be a submission id (32 lowercase hex digits)."))


class ForwardTaskSchema(TriageTaskSchema):
    """The referral of the submission's case, or (``item``) one supplement to it."""

    item = String(validate=validate.Regexp(
        r"^supplement_[0-9a-f]{32}$",
        error="Must be a supplement item such as supplement_<32 lowercase hex digits>."))


class NotifyTaskSchema(TriageTaskSchema):
    item = String(required=True, validate=validate.Regexp(
        r"^[a-z_]{1,40}(\.[a-z0-9_.]{1,80})?-[a-z_]{1,40}$",
        error="Must be a notification item such as referral_made-ethics_office."))
