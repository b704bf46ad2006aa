"""Request bodies within their size limit: a JSON object, or (where allowed) form encoding.

``read_body`` and ``read_form_pairs`` make the same checks in the same order (method, size,
type, charset) and parse the body once.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request

from shared.domain import strict_json
from shared.http.forms import FORM_TYPE, MAX_FORM_FIELDS, form_data, form_pairs, parse_form
from shared.http.problems import JSON_TYPE, HttpProblem, bad_body, require_post


def _raw_body(request: Request, limit: int, accepted: list[str]) -> bytes:
    """The body of a POST of one of the ``accepted`` types, at most ``limit`` bytes."""
    require_post(request)
    too_large = HttpProblem(413, f"The body is larger than {limit} bytes.",
                            {"_body": [f"Must not be larger than {limit} bytes."]})
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    if request.mimetype not in accepted:
        message = f"Content-Type must be {' or '.join(accepted)}."
        raise HttpProblem(415, message, {"Content-Type": [message]})
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        message = "The only accepted charset is utf-8."
        raise HttpProblem(415, message, {"Content-Type": [message]})
    raw = _read_at_most(request, limit + 1)
    if len(raw) > limit:
        raise too_large
    return raw


def read_body(request: Request, limit: int, *, allow_form: bool = True) -> dict[str, Any]:
    """The request body as a dict, from JSON or (if allowed) form encoding."""
    raw = _raw_body(request, limit, [JSON_TYPE, FORM_TYPE] if allow_form else [JSON_TYPE])
    return parse_json(raw) if request.mimetype == JSON_TYPE else parse_form(raw)


def read_form_pairs(request: Request, limit: int, max_fields: int = MAX_FORM_FIELDS
                    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A form-encoded body, parsed as ``read_body`` parses it (same checks, same problems),
    and its raw (name, value) pairs, blank ones included, so a page can show back exactly
    what was typed."""
    pairs = form_pairs(_raw_body(request, limit, [FORM_TYPE]), max_fields)
    return form_data(pairs), pairs


def _read_at_most(request: Request, size: int) -> bytes:
    """Up to ``size`` bytes of the body, without allocating ``size`` bytes up front."""
    if request.content_length is not None:
        return bytes(request.stream.read(min(size, request.content_length)))
    chunks, total = [], 0  # chunked transfer: no length announced
    while total < size:
        chunk = request.stream.read(min(65536, size - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_body("The body is not valid UTF-8.") from None
    try:
        value = strict_json.loads(text)
    except RecursionError:
        raise bad_body("The JSON is nested too deeply.") from None
    except strict_json.RepeatedKey:
        raise bad_body("The JSON repeats a key inside one object.") from None
    except json.JSONDecodeError as error:
        raise bad_body(f"The body is not valid JSON: {error.msg} (line {error.lineno}, "
                        f"column {error.colno}).") from None
    except ValueError:
        raise bad_body("The body is not valid JSON: a number is too long or not "
                        "allowed.") from None
    if not isinstance(value, dict):
        raise bad_body("The body must be a JSON object.")
    return value
