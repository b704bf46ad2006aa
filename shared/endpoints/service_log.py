"""The internal endpoint officers record services with (a training, a media inquiry...)."""

from __future__ import annotations

from flask import Request, Response

from schemas.statistics import ServiceLogSchema
from shared.bootstrap import Container
from shared.endpoints.base import handle
from shared.endpoints.validation import validated
from shared.http import HttpProblem, idempotency_key, json_response, read_body
from shared.services.service_log import log_service
from shared.statistics_ports import LoggedServiceConflict

_SCHEMA = ServiceLogSchema()
MAX_BODY_BYTES = 4096
UNVERIFIED_OFFICER = "officer:unverified"


# TODO(issue 4): officer authentication and roles. This is the one authorization step of
# log_service; issue 4 replaces its body with the real check (raise HttpProblem 401/403 to
# refuse, return the officer's id to record as the entry's author). Until then it refuses
# nobody, so the function must stay internal: no unauthenticated invocation (IAM only).
def authorize_officer(request: Request) -> str:
    """The officer making ``request`` (recorded with the entry); raises HttpProblem to refuse."""
    return UNVERIFIED_OFFICER


def log_service_endpoint(request: Request) -> Response:
    """Record one service: 201 with the entry; a retry with the same Idempotency-Key gets the
    first entry again, another body with that key a 409."""

    def run(c: Container) -> Response:
        actor = authorize_officer(request)
        body = read_body(request, MAX_BODY_BYTES, allow_form=False)
        key = idempotency_key(request, body)
        entry = validated(_SCHEMA, body, c)
        try:
            logged = log_service(entry, store=c.statistics, clock=c.clock, actor=actor,
                                 idempotency_key=key)
        except LoggedServiceConflict:
            message = "This Idempotency-Key was already used for a different entry."
            raise HttpProblem(409, message, {"Idempotency-Key": [message]}) from None
        record = logged.record
        body_out = {"id": record.id, "category": record.category,
                    "date": record.day.isoformat(), "year": record.year, **record.codes}
        headers = {"Idempotent-Replayed": "true"} if logged.replayed else {}
        return json_response(201, body_out, headers)

    return handle("log_service", request, run)
