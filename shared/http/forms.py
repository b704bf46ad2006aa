"""Form encoding (``application/x-www-form-urlencoded``) to nested data: ``a.b`` is a
nested field, ``a.0.b`` a list item. Parsed once: the (name, value) pairs as typed, and the
data made from them."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from shared.http.problems import bad_body

FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"  # a post with files: shared.http.multipart
MAX_FORM_FIELDS = 600
MAX_FORM_DEPTH = 4
MAX_LIST_INDEX = 99
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_INDEX_RE = re.compile(r"[0-9]{1,2}")


def form_pairs(raw: bytes, max_fields: int = MAX_FORM_FIELDS) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form body, blank values included, in order; at most
    ``max_fields`` of them (a page with more fields than the forms' says how many)."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise bad_body("A form body must be percent-encoded ASCII.") from None
    if not text.strip():
        return []
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True,
                                      encoding="utf-8", errors="strict",
                                      max_num_fields=max_fields)
    except UnicodeDecodeError:
        raise bad_body("A form value is not valid UTF-8 once decoded.") from None
    except ValueError:
        raise bad_body(f"The form is malformed or has more than {max_fields} "
                       "fields.") from None


def form_data(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The nested data of a form's pairs. A blank value is dropped: an HTML form sends every
    field, filled in or not."""
    return _unflatten([(name, value) for name, value in pairs if value.strip()])


def parse_form(raw: bytes) -> dict[str, Any]:
    """A form body as nested data."""
    return form_data(form_pairs(raw))


def _unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
        parts = name.split(".")
        if len(parts) > MAX_FORM_DEPTH or not _NAME_RE.fullmatch(parts[0]) or not all(
                _NAME_RE.fullmatch(p) or _INDEX_RE.fullmatch(p) for p in parts[1:]):
            raise bad_body("A form field name is not of the form name, name.field or "
                            "name.0.field.")
        node = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise bad_body(f"Form field {parts[0]!r} is both a value and a group.")
            node = child
        if parts[-1] in node:
            raise bad_body(f"Form field {name!r} appears more than once.")
        node[parts[-1]] = value
    return _lists(root)  # type: ignore[no-any-return]


def _lists(node: Any) -> Any:
    """Dicts keyed only by indexes become lists, in index order (gaps close up)."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(_INDEX_RE.fullmatch(key) for key in converted):
        if any(int(key) > MAX_LIST_INDEX for key in converted):
            raise bad_body(f"A list index is larger than {MAX_LIST_INDEX}.")
        return [converted[key] for key in sorted(converted, key=int)]
    if any(_INDEX_RE.fullmatch(key) for key in converted):
        raise bad_body("A form group mixes list indexes and field names.")
    return converted
