"""What every endpoint shares: mapping each outcome to a response.

4xx for the caller's mistakes, 503 with Retry-After when a dependency is down, and a logged
500 only for a bug. Each function imports only the endpoint module of its own path.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Request, Response

from shared import bootstrap, config, logs
from shared.bootstrap import Container
from shared.domain.sealing import IntegrityFailure
from shared.http import HttpProblem, json_response
from shared.ports.storage import StoreUnavailable
from shared.ports.tasks import QueueUnavailable

log = logs.get_logger(__name__)

RETRY_AFTER_SECONDS = "30"

Handler = Callable[[Request], Response]


def handle(function: str, request: Request, action: Callable[[Container], Response]) -> Response:
    try:
        container = bootstrap.container()
        token = logs.set_trace(logs.trace_from_headers(request.headers,
                                                       container.settings.project))
    except Exception:
        log.exception("function could not start: check its configuration",
                      extra={"event": "startup_failed", "function": function})
        return json_response(500, {"message": "Internal error.", "errors": {}})
    try:
        return action(container)
    except config.ConfigError:
        log.exception("function could not start: check its configuration",
                      extra={"event": "startup_failed", "function": function})
        return json_response(500, {"message": "Internal error.", "errors": {}})
    except HttpProblem as problem:
        log.info("request refused", extra={
            "event": "request_refused", "function": function, "status": problem.status,
            "fields": problem.log_fields})
        return problem.response()
    except IntegrityFailure as failure:
        # Already logged as an ERROR and alerted; what is stored is not served.
        message = ("This case's stored records failed an integrity check, so they are not "
                   "shown. The Ethics Office has been alerted.")
        return json_response(409, {"message": message,
                                   "errors": {"_integrity": [failure.code]}})
    except (StoreUnavailable, QueueUnavailable) as error:
        log.error("dependency unavailable", extra={
            "event": "dependency_unavailable", "function": function,
            "error": str(error)[:300]})
        return json_response(503, {
            "message": "The service is temporarily unavailable; nothing was stored. "
                       "Please try again shortly.",
            "errors": {}}, {"Retry-After": RETRY_AFTER_SECONDS})
    except Exception:
        log.exception("unexpected error", extra={"event": "bug", "function": function})
        return json_response(500, {"message": "Internal error.", "errors": {}})
    finally:
        logs.reset_trace(token)
