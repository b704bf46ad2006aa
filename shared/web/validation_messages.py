"""Every error message the form schemas can produce, as catalogue entries.

The schemas are the single source of validation: their fields' messages and their
validators' templates (``Length must be between {min} and {max}.``) are read from the
schema objects themselves, and become msgids in Python format
(``Length must be between %(min)s and %(max)s.``). Messages the schemas write literally in
their cross-field rules are found by the catalogue extractor in ``schemas/``.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from marshmallow import Schema, fields, validate

_PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def _schemas() -> list[Schema]:
    from schemas.advice import AdviceRequestSchema
    from schemas.follow_up import FollowUpLookupSchema, FollowUpMessageSchema
    from schemas.misconduct import MisconductReportSchema
    from schemas.retaliation import RetaliationComplaintSchema

    return [AdviceRequestSchema(), MisconductReportSchema(), RetaliationComplaintSchema(),
            FollowUpLookupSchema(), FollowUpMessageSchema()]


def page_schema_files() -> tuple[Path, ...]:
    """Source files of the page schemas and of their bases, where their literal rules live.

    Officer-facing schemas (cases, the service log, imports) answer in English and stay out.
    """
    files = {Path(inspect.getfile(cls)) for schema in _schemas()
             for cls in type(schema).__mro__ if cls.__module__.startswith("schemas.")}
    return tuple(sorted(files))


def _validator_templates(validator: object) -> Iterator[str]:
    if isinstance(validator, validate.Length):
        if validator.equal is not None:
            yield validator.error or validator.message_equal
        elif validator.min is not None and validator.max is not None:
            yield validator.error or validator.message_all
        elif validator.min is not None:
            yield validator.error or validator.message_min
        elif validator.max is not None:
            yield validator.error or validator.message_max
    elif isinstance(validator, validate.Range):
        if validator.min is not None and validator.max is not None:
            yield validator.error or validator.message_all
        elif validator.min is not None:
            yield validator.error or validator.message_min
        else:
            yield validator.error or validator.message_max
    elif isinstance(validator, validate.OneOf | validate.Equal | validate.Regexp):
        yield validator.error


def _field_templates(field: fields.Field[Any]) -> Iterator[str]:
    yield from (m for m in field.error_messages.values() if isinstance(m, str))
    for validator in field.validators:
        yield from _validator_templates(validator)
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        yield from _schema_templates(field.schema)
    if isinstance(field, fields.List):
        yield from _field_templates(field.inner)


def _schema_templates(schema: Schema) -> Iterator[str]:
    yield from schema.error_messages.values()
    for field in schema.fields.values():
        yield from _field_templates(field)


def as_msgid(template: str) -> str:
    """``{min}`` / ``{code:04X}`` placeholders in gettext's Python format."""
    return _PLACEHOLDER.sub(lambda m: f"%({m.group(1)})s", template.replace("%", "%%"))


@functools.cache
def schema_msgids() -> tuple[str, ...]:
    """Every message the schemas define, as msgids."""
    found = {as_msgid(t) for schema in _schemas() for t in _schema_templates(schema)}
    return tuple(sorted(found))


@functools.cache
def template_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(regex matching a produced message, its msgid) for the messages with values."""
    patterns = []
    for schema in _schemas():
        for template in set(_schema_templates(schema)):
            if not _PLACEHOLDER.search(template):
                continue
            pieces, last = [], 0
            for match in _PLACEHOLDER.finditer(template):
                pieces.append(re.escape(template[last:match.start()]))
                pieces.append(f"(?P<{match.group(1)}>.+?)")
                last = match.end()
            pieces.append(re.escape(template[last:]))
            patterns.append((re.compile("^" + "".join(pieces) + "$", re.DOTALL),
                             as_msgid(template)))
    return tuple(sorted(set(patterns), key=lambda p: p[1]))
