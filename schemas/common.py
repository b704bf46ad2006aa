"""Fields and the base schema shared by every form.

Rules every form inherits: unknown fields are refused, every string has a length limit, and
every string field is a ``String``: it refuses control characters, invisible format
characters and what is not a character (``shared.domain.text_input`` says which), before
any other rule of the field, with a message that names the character. Newline and tab are
kept only in multi-line text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from marshmallow.experimental.context import Context

from shared.domain.text_input import (
    CONTROL,
    EMAIL_INVALID,
    EMAIL_MAX_LENGTH,
    EMAIL_NOT_ASCII,
    EMAIL_QUOTED,
    EMAIL_TOO_LONG,
    FORMAT,
    NOT_TEXT,
    email_problem,
    forbidden_character,
)


class LoadContext(TypedDict):
    today: date


# The endpoint sets "today" from the injected clock; without it the real UTC date is used.
LOAD_CONTEXT = Context[LoadContext]

EARLIEST_DATE = date(1950, 1, 1)


def today() -> date:
    try:
        return LOAD_CONTEXT.get()["today"]
    except LookupError:
        return datetime.now(UTC).date()


class String(fields.String):
    """A string field. Every string field of every schema is one (a test checks it): the
    characters of ``shared.domain.text_input`` are refused first, so whatever the field's
    other rules, the error says which character and why."""

    multiline = False
    default_error_messages = {  # noqa: RUF012 (marshmallow merges this class attribute)
        CONTROL: "Must not contain control characters (found U+{code:04X}).",
        FORMAT: "Must not contain invisible formatting characters such as soft hyphens, "
                "zero-width spaces or direction marks (found U+{code:04X}).",
        NOT_TEXT: "Must not contain line separators or code points that are not "
                  "characters (found U+{code:04X}).",
    }

    def _prepare(self, text: str) -> str:
        """The text as checked (a subclass may rewrite it first)."""
        return text

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = self._prepare(str(super()._deserialize(value, attr, data, **kwargs)))
        refusal = forbidden_character(text, multiline=self.multiline)
        if refusal is not None:
            raise self.make_error(refusal.reason, code=refusal.code)
        return text


class Text(String):
    """Trimmed, NFC-normalised text of 1..max_length characters; in multi-line text, CRLF
    and CR are read as LF."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)
        self.multiline = multiline

    def _prepare(self, text: str) -> str:
        if not self.multiline:  # a lone CR is then refused as what it is
            return text
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return unicodedata.normalize("NFC", text).strip()


class Code(String):
    """One of a fixed set of codes from the taxonomy."""

    def __init__(self, codes: Iterable[str], **kwargs: Any) -> None:
        super().__init__(validate=validate.OneOf(list(codes)), **kwargs)


class Email(String):
    """An e-mail address (``shared.domain.text_input.email_problem``), surrounding spaces
    removed (after the character check: a control character is refused, not trimmed);
    kept as typed otherwise."""

    default_error_messages = {  # noqa: RUF012
        EMAIL_TOO_LONG: f"Longer than maximum length {EMAIL_MAX_LENGTH}.",
        EMAIL_QUOTED: "Enter the address without quotation marks: addresses with a quoted "
                      "part are not accepted.",
        EMAIL_NOT_ASCII: "Before the @, use only letters without accents (a to z), digits "
                         "and punctuation: this service cannot send mail to other "
                         "addresses.",
        EMAIL_INVALID: "Not a valid email address.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=EMAIL_MAX_LENGTH), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        address = super()._deserialize(value, attr, data, **kwargs).strip(" ")
        refusal = email_problem(address)
        if refusal is not None:
            raise self.make_error(refusal.reason, code=refusal.code)
        return address


class Phone(String):
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
