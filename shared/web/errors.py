"""The API's error dictionary as a page needs it: one list of messages per control name.

Errors are nested (objects by field, list items by index), and the form parser skips list
rows left blank, so a parsed index is turned back into the row the person filled in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_INDEX = re.compile(r"^[0-9]{1,2}$")


def row_map(pairs: Iterable[tuple[str, str]]) -> dict[str, list[int]]:
    """For each list, the row numbers the person filled in, in order: a parsed list's
    index i is row ``row_map[list][i]`` on the page."""
    rows: dict[str, set[int]] = {}
    for name, value in pairs:
        parts = name.split(".")
        if len(parts) >= 3 and _INDEX.match(parts[1]) and value.strip():
            rows.setdefault(parts[0], set()).add(int(parts[1]))
    return {name: sorted(found) for name, found in rows.items()}


def flat_errors(errors: Mapping[Any, Any], rows: Mapping[str, list[int]],
                prefix: str = "") -> dict[str, list[Any]]:
    """The API's nested errors as ``{form-encoding name: [messages]}``, rows restored (the
    messages as the schema made them: ``schemas.common.Problem``)."""
    flat: dict[str, list[Any]] = {}
    for key, value in errors.items():
        part = str(key)
        if prefix and _INDEX.match(part) and "." not in prefix:
            filled = rows.get(prefix, [])
            position = int(part)
            part = str(filled[position]) if position < len(filled) else part
        name = f"{prefix}.{part}" if prefix else part
        if isinstance(value, Mapping):
            flat.update(flat_errors(value, rows, name))
        elif isinstance(value, list | tuple):
            flat.setdefault(name, []).extend(v for v in value if not isinstance(v, Mapping))
            for item in value:
                if isinstance(item, Mapping):
                    flat.update(flat_errors(item, rows, name))
    return flat
