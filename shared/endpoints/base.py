"""What every endpoint shares: the process's use cases, injected, and each outcome mapped
to a response.

4xx for the caller's mistakes, 503 with Retry-After when a dependency is down (both from
``shared.endpoints.errors``), and a logged 500 only for a bug. Each function imports only
the endpoint module of its own path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Request, Response, current_app, has_app_context
from werkzeug.routing import PathConverter

from shared import config, logs
from shared.endpoints.errors import answer_for
from shared.http.problems import HttpProblem, json_response

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

log = logs.get_logger(__name__)

Handler = Callable[[Request], Response]
# The process's use cases, built once on first call (``shared.bootstrap.use_cases``).
Wiring = Callable[[], "UseCases"]
Action = Callable[["UseCases", Request], Response]


class AnyPath(PathConverter):
    """werkzeug's path converter, but taking every character: its own stops at a newline."""

    regex = "[^/][\\s\\S]*?"


def endpoint(function: str, action: Action, wiring: Wiring) -> Handler:
    """The handler of ``function``: runs ``action`` with the process's use cases."""
    if has_app_context():
        # functions-framework loads main.py inside its Flask app, then routes /<path:path>
        # to the function: a path holding a newline (%0A) would get Flask's own HTML 404
        # without reaching us. Every path gets our answer instead (JSON, or the pages').
        current_app.url_map.converters["path"] = AnyPath

    def handler(request: Request) -> Response:
        return handle(function, request, action, wiring)

    return handler


def _internal_error() -> Response:
    return json_response(500, {"message": "Internal error.", "errors": {}})


def handle(function: str, request: Request, action: Action, wiring: Wiring) -> Response:
    try:
        use_cases = wiring()
        token = logs.set_trace(logs.trace_from_headers(request.headers,
                                                       use_cases.settings.project))
    except Exception:
        log.exception("function could not start: check its configuration",
                      extra={"event": "startup_failed", "function": function})
        return _internal_error()
    try:
        return action(use_cases, request)
    except config.ConfigError:
        log.exception("function could not start: check its configuration",
                      extra={"event": "startup_failed", "function": function})
        return _internal_error()
    except HttpProblem as problem:
        return refused(function, problem)
    except Exception as error:
        answer = answer_for(error)
        if answer is None:
            log.exception("unexpected error", extra={"event": "bug", "function": function})
            return _internal_error()
        answered = answer.problem(error)
        if answer.logged == "unavailable":
            unavailable(function, error)
        elif answer.logged:
            return refused(function, answered)
        return answered.response()
    finally:
        logs.reset_trace(token)


def refused(function: str, problem: HttpProblem) -> Response:
    log.info("request refused", extra={
        "event": "request_refused", "function": function, "status": problem.status,
        "fields": problem.log_fields})
    return problem.response()


def unavailable(function: str, error: Exception) -> None:
    log.error("dependency unavailable", extra={
        "event": "dependency_unavailable", "function": function, "error": str(error)[:300]})
