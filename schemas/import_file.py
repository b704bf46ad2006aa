"""Reading an import file: JSON Lines, one record per line, each validated on its own.

Every line is checked, and every bad line reported with its number, before anything is
written: an import with one bad line writes nothing. Blank lines are skipped; a UTF-8
byte-order mark at the start is ignored. Messages name fields and rules, never echo values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import ValidationError

from schemas.common import LOAD_CONTEXT, Code
from schemas.statistics import IMPORTED_SERVICE_CATEGORIES, LINE_SCHEMAS
from shared.domain import strict_json
from shared.domain.statistics import ImportLine
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ALLEGATION_TYPES,
    DUTY_STATIONS,
    INDEPENDENT_REVIEW_RESULTS,
    PANEL_REVIEW_STEPS,
    REQUESTER_TYPES,
    RETALIATION_OUTCOMES,
    STAFF_CATEGORIES,
)

MAX_LINE_BYTES = 16 * 1024
SEEN_LIMIT = 100_000  # distinct lines whose verdict validate_lines remembers
KINDS = tuple(LINE_SCHEMAS)
_KIND = Code(KINDS)  # read like every field of a line, before the line's own schema


@dataclass(frozen=True)
class LineError:
    line: int
    messages: dict[str, list[str]]

    def describe(self) -> str:
        parts = [f"{name}: {' '.join(texts)}" if name != "_line" else " ".join(texts)
                 for name, texts in self.messages.items()]
        return f"line {self.line}: " + "; ".join(parts)


@dataclass
class ValidatedFile:
    lines: list[ImportLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    blank: int = 0


def _field_name(name: Any) -> str:
    """A field name as it may be shown: a short printable key or a placeholder."""
    text = str(name)
    return text if len(text) <= 40 and text.isprintable() else "(a field name)"


def _messages(error: ValidationError) -> dict[str, list[str]]:
    raw = error.messages if isinstance(error.messages, dict) else {"_line": error.messages}
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        texts = value if isinstance(value, list) else [str(value)]
        name = "_line" if key == "_schema" else _field_name(key)
        out.setdefault(name, []).extend(str(t) for t in texts)
    return out


def parse_line(raw: bytes) -> dict[str, Any]:
    """One line as a JSON object; ValueError with a reason otherwise."""
    if len(raw) > MAX_LINE_BYTES:
        raise ValueError(f"Longer than {MAX_LINE_BYTES} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("Not valid UTF-8.") from None
    try:
        value = strict_json.loads(text)
    except strict_json.RepeatedKey:
        raise ValueError("A key appears twice in the object.") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"Not valid JSON: {error.msg} (column {error.colno}).") from None
    except (ValueError, RecursionError):
        raise ValueError("Not valid JSON: a number is not allowed or too long, or the "
                         "value is nested too deeply.") from None
    if not isinstance(value, dict):
        raise ValueError("Must be a JSON object, one record per line.")
    return value


def validate_line(number: int, raw: bytes) -> ImportLine | LineError:
    try:
        record = parse_line(raw)
    except ValueError as error:
        return LineError(number, {"_line": [str(error)]})
    kind = record.get("kind")
    if kind is None:
        return LineError(number, {"kind": ["Missing data for required field."]})
    try:
        schema = LINE_SCHEMAS[_KIND.deserialize(kind)]
    except ValidationError as error:
        return LineError(number, _messages(ValidationError({"kind": error.messages})))
    try:
        data: dict[str, Any] = schema.load(record)
    except ValidationError as error:
        return LineError(number, _messages(error))
    return ImportLine(number, str(kind), data)


def validate_lines(lines: Iterable[bytes], *, today: date) -> ValidatedFile:
    """Validate every line of an import; ``today`` bounds the dates.

    A line's verdict depends only on its bytes and ``today``, and exports repeat lines a
    lot (the same service on the same day), so verdicts are remembered by line, up to
    ``SEEN_LIMIT`` distinct lines: a repeated line costs a dictionary look-up, not a load.
    """
    result = ValidatedFile()
    disclosure_lines: dict[int, int] = {}
    seen: dict[bytes, ImportLine | LineError] = {}
    with LOAD_CONTEXT({"today": today}):
        for number, raw in enumerate(lines, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                result.blank += 1
                continue
            known = seen.get(raw)
            if known is None:
                outcome = validate_line(number, raw)
                if len(seen) < SEEN_LIMIT:
                    seen[raw] = outcome
            elif isinstance(known, LineError):
                outcome = LineError(number, known.messages)
            else:
                outcome = ImportLine(number, known.kind, known.data)
            if isinstance(outcome, LineError):
                result.errors.append(outcome)
                continue
            if outcome.kind == "disclosure":
                year = outcome.data["year"]
                if year in disclosure_lines:
                    result.errors.append(LineError(number, {"year": [
                        f"Year {year} is already given on line {disclosure_lines[year]}."]}))
                    continue
                disclosure_lines[year] = number
            result.lines.append(outcome)
    return result


def codes_help() -> str:
    """The codes an import file may use, as `intake import --help-codes` prints them."""
    def block(title: str, codes: Iterable[str]) -> list[str]:
        return [title, *(f"  {code}" for code in codes), ""]

    lines = ["Codes of import lines (docs/import-format.md).", ""]
    lines += block("kind (every line):", KINDS)
    lines += block('category (kind "service"):', IMPORTED_SERVICE_CATEGORIES)
    lines += ['subcategory (kind "advice"), under its group:']
    for group, leaves in ADVICE_GROUPS.items():
        lines.append(f"  {group}" if leaves == (group,) else f"  {group} (group):")
        if leaves != (group,):
            lines += [f"    {leaf}" for leaf in leaves]
    lines.append("")
    lines += block('outcome (kind "retaliation"):', RETALIATION_OUTCOMES)
    lines += block('step (kind "panel_review"):', PANEL_REVIEW_STEPS)
    lines += block('result (kind "independent_review"):', INDEPENDENT_REVIEW_RESULTS)
    lines += block('allegation_type (kind "misconduct", or "service" with category '
                   '"misconduct"; optional):',
                   ALLEGATION_TYPES)
    lines += block("duty_station (optional):", DUTY_STATIONS)
    lines += block("staff_category (optional):", STAFF_CATEGORIES)
    lines += block('requester_type (kind "advice", optional):', REQUESTER_TYPES)
    return "\n".join(lines).rstrip() + "\n"
