"""JSON text as the office accepts it, from a request body or a line of an import file."""

from __future__ import annotations

import json
from typing import Any


class RepeatedKey(ValueError):
    """A key appears twice in one object: which value was meant cannot be known."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise RepeatedKey(key)
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def loads(text: str) -> Any:
    """``json.loads`` refusing a repeated key (``RepeatedKey``) and ``NaN``/``Infinity``
    (``ValueError``); malformed text raises ``json.JSONDecodeError`` (a ``ValueError``),
    and nesting too deep ``RecursionError``."""
    return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
