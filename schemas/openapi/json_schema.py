"""What the field types and declared rules of the schemas say in JSON Schema (2020-12).

The document states everything JSON Schema can: the characters a text may hold (a
``pattern`` built from ``shared.domain.text_input``, the one definition the fields apply),
that a text is not blank, and every declared cross-field rule (``schemas.common.Rule``)
as ``if``/``then``/``else``, ``dependentRequired``, ``not`` and ``anyOf``. What it
cannot state (an order of dates, a date against today's) is listed in each schema's
``x-unstated-rules``, from the schema's own declarations (``IntakeSchema.unstated``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from marshmallow import Schema, fields, validate

from schemas.common import (
    CHOICE,
    EARLIEST_DATE,
    Code,
    Email,
    Group,
    IntakeSchema,
    PastDate,
    Rows,
    Rule,
    String,
    Text,
    rule_json_schema,
)
from shared.domain.text_input import MULTILINE_ALLOWED, character_reason

# Surrogates are left out of the patterns: a JSON text in UTF-8 cannot carry one, and not
# every regular expression engine takes them in a character class.
_SURROGATES = range(0xD800, 0xE000)


@lru_cache(maxsize=1)
def _refused_ranges() -> tuple[tuple[int, int], ...]:
    """The code points no text may hold, as ranges (surrogates aside)."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if code in _SURROGATES or character_reason(chr(code)) is None:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


def _escaped(code: int) -> str:
    # \uXXXX reads the same in ECMA-262 and Python; beyond the BMP the character itself.
    return f"\\u{code:04X}" if code <= 0xFFFF else chr(code)


def _class_body(multiline: bool) -> str:
    keep = {ord(c) for c in MULTILINE_ALLOWED} if multiline else set()
    parts = []
    for low, high in _refused_ranges():
        for start, end in _without(low, high, keep):
            parts.append(_escaped(start) if start == end
                         else f"{_escaped(start)}-{_escaped(end)}")
    return "".join(parts)


def _without(low: int, high: int, keep: set[int]) -> Iterator[tuple[int, int]]:
    start = low
    for code in range(low, high + 1):
        if code in keep:
            if start < code:
                yield start, code - 1
            start = code + 1
    if start <= high:
        yield start, high


@lru_cache(maxsize=4)
def text_pattern(*, multiline: bool, not_blank: bool) -> str:
    """The pattern of a text field: none of the refused characters (newline and tab kept in
    multi-line text) and, for ``not_blank``, at least one character that is not a space."""
    allowed = f"[^{_class_body(multiline)}]"
    if not not_blank:
        return f"^{allowed}*$"
    visible = f"[^{_class_body(multiline)}\\s]"
    return f"^{allowed}*{visible}{allowed}*$"


PAST_DATE_NOTE = (f"Not before {EARLIEST_DATE.isoformat()} and not after today (UTC), with "
                  "one day of slack for time zones ahead of UTC.")
TEXT_NOTE = ("Surrounding spaces are removed and the text is normalised to Unicode NFC "
             "before its length is counted.")
EMAIL_NOTE = ("Checked for syntax only (never a DNS look-up): only ASCII before the @, no "
              "quoted part, no IP address or reserved domain (other than .test), at most 64 "
              "characters before the @.")


def field_attributes(_converter: Any, field: fields.Field,  # type: ignore[type-arg]
                     **_kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: the character rules of every text field."""
    if isinstance(field, Text):
        return {"pattern": text_pattern(multiline=field.multiline, not_blank=True)}
    if isinstance(field, Email):
        return {"format": "email"}
    if isinstance(field, String) and not isinstance(field, Code) and not any(
            isinstance(v, validate.Regexp) for v in field.validators):
        # A field with a pattern of its own (ASCII only) keeps it.
        return {"pattern": text_pattern(multiline=field.multiline, not_blank=False)}
    return {}


def _walk(schema: Schema, prefix: str = "") -> Iterator[tuple[str, fields.Field]]:  # type: ignore[type-arg]
    for name, field in schema.fields.items():
        path = f"{prefix}{name}"
        yield path, field
        inner = field.inner if isinstance(field, Rows) else field
        if isinstance(inner, Group) and isinstance(inner.schema, Schema):
            yield from _walk(inner.schema, f"{path}.{'*.' if isinstance(field, Rows) else ''}")


def unstated_rules(schema: Schema) -> list[dict[str, Any]]:
    """The rules of ``schema`` JSON Schema cannot state, each with a ``code`` naming it,
    the ``paths`` it reads (``*``: every item of a list) and what it says."""
    found: list[dict[str, Any]] = []
    dates = [path for path, field in _walk(schema) if isinstance(field, PastDate)]
    if dates:
        found.append({"code": "past_date", "paths": dates, "description": PAST_DATE_NOTE})
    texts = [path for path, field in _walk(schema) if isinstance(field, Text)]
    if texts:
        found.append({"code": "text_length_normalised", "paths": texts,
                      "description": TEXT_NOTE})
    emails = [path for path, field in _walk(schema) if isinstance(field, Email)]
    if emails:
        found.append({"code": "email_syntax", "paths": emails, "description": EMAIL_NOTE})
    for rule in getattr(schema, "unstated", ()):
        found.append({"code": rule.code, "paths": list(rule.paths),
                      "description": rule.description})
    return found


def _described(rule: Rule) -> str:
    if rule.kind == CHOICE:
        return (f"{rule.paths[0]} is one of those listed here for the "
                f"{rule.depends_on[0]} given.")
    return rule.message


def rules_component(schema: Schema) -> dict[str, Any]:
    """What a schema's component adds to the fields apispec converts: its cross-field
    rules in JSON Schema, and the rules JSON Schema cannot state."""
    component: dict[str, Any] = {}
    stated = [{"description": _described(rule), **rule_json_schema(rule, schema)}
              for rule in getattr(schema, "rules", ())]
    if stated:
        component["allOf"] = stated
    unstated = unstated_rules(schema) if isinstance(schema, IntakeSchema) else []
    if unstated:
        component["x-unstated-rules"] = unstated
    return component
