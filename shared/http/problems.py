"""The answer to a request the caller must fix, or to one made while a dependency is down,
and the JSON responses of the API."""

from __future__ import annotations

import json
from typing import Any

from flask import Request, Response

JSON_TYPE = "application/json"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class HttpProblem(Exception):
    """A request the caller must fix (4xx), or a dependency that is down (503)."""

    def __init__(self, status: int, message: str, errors: dict[str, Any],
                 headers: dict[str, str] | None = None, *,
                 log_fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        # What may be logged of ``errors``: its keys unless they may hold client text.
        self.log_fields = sorted(set(log_fields if log_fields is not None else errors))

    def response(self) -> Response:
        return json_response(self.status, {"message": self.message, "errors": self.errors},
                             self.headers)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=JSON_TYPE)
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(headers or {})
    return response


def bad_body(message: str) -> HttpProblem:
    return HttpProblem(400, message, {"_body": [message]})


def post_only(method: str) -> HttpProblem:
    """The answer to ``method`` where only POST is accepted."""
    return HttpProblem(405, "Only POST is accepted.",
                       {"_method": [f"{method} is not allowed; use POST."]}, {"Allow": "POST"})


def require_post(request: Request) -> None:
    if request.method != "POST":
        raise post_only(request.method)
