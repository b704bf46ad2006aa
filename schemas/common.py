"""Fields and the base schema shared by every form.

Rules every form inherits: unknown fields are refused, every string has a length limit, and
control characters other than newline and tab (in multi-line text) are refused, as are lone
surrogates that cannot be stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from marshmallow.experimental.context import Context


class LoadContext(TypedDict):
    today: date


# The endpoint sets "today" from the injected clock; without it the real UTC date is used.
LOAD_CONTEXT = Context[LoadContext]

_FORBIDDEN_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
EARLIEST_DATE = date(1950, 1, 1)


def today() -> date:
    try:
        return LOAD_CONTEXT.get()["today"]
    except LookupError:
        return datetime.now(UTC).date()


class Text(fields.String):
    """Trimmed, NFC-normalised text of 1..max_length characters; CRLF read as LF."""

    default_error_messages = {  # noqa: RUF012 (marshmallow merges this class attribute)
        "control": "Must not contain control characters (found U+{code:04X}).",
    }

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        forbidden = _FORBIDDEN_MULTILINE if self.multiline else _FORBIDDEN_SINGLE_LINE
        found = forbidden.search(text)
        if found:
            raise self.make_error("control", code=ord(found.group()))
        return unicodedata.normalize("NFC", text).strip()


class Code(fields.String):
    """One of a fixed set of codes from the taxonomy."""

    def __init__(self, codes: Iterable[str], **kwargs: Any) -> None:
        super().__init__(validate=validate.OneOf(list(codes)), **kwargs)


class Email(fields.Email):
    """An e-mail address of at most 254 characters (checked before the address pattern)."""

    default_error_messages = {"too_long": "Longer than maximum length 254."}  # noqa: RUF012

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=254), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = str(super()._deserialize(value, attr, data, **kwargs)).strip()
        if len(text) > 254:
            raise self.make_error("too_long")
        return text


class Phone(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Regexp(
            r"^\+?[0-9][0-9 ().\-]{4,39}$",
            error="Enter a telephone number: digits, spaces, + ( ) . - only."), **kwargs)


class Count(fields.Integer):
    """A whole number given as a JSON integer or, from an HTML form, as digits."""

    def __init__(self, *, low: int, high: int, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(low, high), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> int:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        return int(super()._deserialize(value, attr, data, **kwargs))


class PastDate(fields.Date):
    """An ISO date, not in the future and not before 1950.

    "Future" allows one day of slack: a reporter in UTC+14 can be a day ahead of UTC.
    """

    default_error_messages = {  # noqa: RUF012
        "future": "Must not be in the future.",
        "too_old": "Must not be before 1950-01-01.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if day > today() + timedelta(days=1):
            raise self.make_error("future")
        if day < EARLIEST_DATE:
            raise self.make_error("too_old")
        return day


def consent(message: str) -> fields.Boolean:
    return fields.Boolean(required=True, validate=validate.Equal(True, error=message))


def nested_list(schema: type[Schema], *, low: int, high: int,
                **kwargs: Any) -> fields.List[Any]:
    return fields.List(fields.Nested(schema), validate=validate.Length(min=low, max=high),
                       **kwargs)


class IntakeSchema(Schema):
    """Base of every form schema: unknown fields raise."""

    class Meta:
        unknown = RAISE


def provided(original: Any, *path: str | int) -> bool:
    """Whether the client sent a non-blank value at ``path`` (valid or not): a rule that
    requires a field must not pile onto the field's own error."""
    node = original
    for key in path:
        in_mapping = isinstance(node, Mapping) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and key < len(node)
        if in_mapping or in_list:
            node = node[key]
        else:
            return False
    return not (node is None or (isinstance(node, str) and not node.strip()))


class ErrorCollector:
    """Collects cross-field errors keyed like marshmallow's (nested dicts, list indexes)."""

    def __init__(self) -> None:
        self.messages: dict[Any, Any] = {}

    def add(self, path: tuple[Any, ...], message: str) -> None:
        node = self.messages
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(path[-1], []).append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)
