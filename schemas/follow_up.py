"""The follow-up page: opening a case, and adding information to it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import validate

from schemas.common import Code, ErrorCollector, IntakeSchema, String, Text
from shared.domain.follow_up import MESSAGE_MAX_LENGTH
from shared.domain.references import normalise_symbols, parse_reference


class Reference(String):
    """A case reference as a person types it (any case, spaces, O for 0), canonicalised."""

    default_error_messages = {  # noqa: RUF012
        "reference": "Enter the reference exactly as you received it, for example "
                     "ETH-ADV-7K3MQ-9TZ4X.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        reference = parse_reference(super()._deserialize(value, attr, data, **kwargs)[:64])
        if reference is None:
            raise self.make_error("reference")
        return reference


class ReceiptCode(String):
    """A receipt code: 16 symbols of Crockford's base32, spaces and hyphens ignored."""

    default_error_messages = {  # noqa: RUF012
        "receipt": "Enter the 16-character receipt code, for example 7K3M-Q9TZ-4XAB-CD12.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        symbols = normalise_symbols(super()._deserialize(value, attr, data, **kwargs)[:64])
        if not re.fullmatch(r"[0-9A-Z]{16}", symbols):
            raise self.make_error("receipt")
        return symbols


class FollowUpLookupSchema(IntakeSchema):
    reference = Reference(required=True)
    receipt = ReceiptCode(required=True)


class FollowUpMessageSchema(IntakeSchema):
    message = Text(max_length=MESSAGE_MAX_LENGTH, multiline=True, required=True)
    message_id = String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{32}$", error="Reload the page and write your message again."))


class FollowUpReviewSchema(IntakeSchema):
    """The reporter's answer to an officer's record of their report: confirm it, or ask
    for a correction saying what is wrong or missing."""

    answer = Code(["confirm", "correct"], required=True)
    correction = Text(max_length=MESSAGE_MAX_LENGTH, multiline=True)
    message_id = String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{32}$", error="Reload the page and write your message again."))

    def more_rules(self, data: dict[str, Any], original: Any, errors: ErrorCollector) -> None:
        if data.get("answer") == "correct" and not data.get("correction"):
            errors.add(("correction",), "Say what is wrong or missing in the record.",
                       "required")
