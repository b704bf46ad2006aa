"""The client's idempotency key: a header, or a form's hidden field."""

from __future__ import annotations

import re
from typing import Any

from flask import Request

from shared.http.problems import HttpProblem

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_FIELD = "idempotency_key"
_IDEMPOTENCY_RE = re.compile(r"[A-Za-z0-9._:-]{16,128}")


def idempotency_key(request: Request, body: dict[str, Any]) -> str | None:
    """The client's idempotency key, from the header or the form's hidden field (removed
    from ``body``); None if neither is given."""
    from_body = body.pop(IDEMPOTENCY_FIELD, None)
    from_header = request.headers.get(IDEMPOTENCY_HEADER)
    if from_body is not None and from_header is not None and from_body != from_header:
        message = "The header and the form field carry different idempotency keys."
        raise HttpProblem(400, message, {IDEMPOTENCY_HEADER: [message]})
    key = from_header if from_header is not None else from_body
    if key is None:
        return None
    if not isinstance(key, str) or not _IDEMPOTENCY_RE.fullmatch(key):
        message = "Must be 16 to 128 characters from A-Z a-z 0-9 . _ : -"
        raise HttpProblem(400, f"{IDEMPOTENCY_HEADER}: {message}",
                          {IDEMPOTENCY_HEADER: [message]})
    return key
