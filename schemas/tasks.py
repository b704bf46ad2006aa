"""Payloads of the internal task targets: one schema for every target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from schemas.common import IntakeSchema, String


@dataclass(frozen=True)
class ItemRule:
    """What the ``item`` of a target's tasks names (which part of the submission's work)."""

    pattern: str
    error: str
    required: bool = False


# forward_to_investigations: the referral of the submission's case, or one supplement to it.
SUPPLEMENT_ITEM = ItemRule(
    r"^supplement_[0-9a-f]{32}$",
    "Must be a supplement item such as supplement_<32 lowercase hex digits>.")
# notify: the notification to send.
NOTIFICATION_ITEM = ItemRule(
    r"^[a-z_]{1,40}(\.[a-z0-9_.]{1,80})?-[a-z_]{1,40}$",
    "Must be a notification item such as referral_made-ethics_office.", required=True)


class TaskSchema(IntakeSchema):
    """A task about one submission, for any task target: the submission, and an ``item`` as
    the target's rule says (``item=None``: the target takes none, as triage)."""

    submission_id = String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{32}$", error="Must be a submission id (32 lowercase hex digits)."))
    item = String()

    def __init__(self, item: ItemRule | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.item_rule = item

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _item(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        rule = self.item_rule
        sent = isinstance(original, dict) and "item" in original
        if rule is None:
            if sent:
                raise ValidationError(self.error_messages["unknown"], "item")
        elif not sent:
            if rule.required:
                raise ValidationError(self.fields["item"].error_messages["required"], "item")
        elif "item" in data:
            try:
                validate.Regexp(rule.pattern, error=rule.error)(data["item"])
            except ValidationError as error:
                raise ValidationError(error.messages, "item") from None


class ReminderTaskSchema(IntakeSchema):
    """A reminder, escalation or guidance notice of the disclosure programme (notify): its
    key, ``<year>:<staff id>:<reminder|escalation>:<days from the due date>`` or
    ``<year>:<staff id>:guidance:<declaration id>``."""

    reminder = String(required=True, validate=validate.Regexp(
        r"^[0-9]{4}:[A-Za-z0-9._-]{1,40}:((reminder|escalation):[+-][0-9]{1,3}"
        r"|guidance:[0-9a-f]{32})$",
        error="Must be a reminder key such as 2025:S000123:reminder:-14."))
