"""The internal endpoint officers record services with (a training, a media inquiry, advice
given on a mission, an allegation the office was copied on...)."""

from __future__ import annotations

from flask import Request, Response

from schemas.statistics import ServiceLogSchema
from shared.bootstrap import Container
from shared.domain.casework import officer_actor
from shared.domain.officers import ETHICS_OFFICER, Forbidden, require_role
from shared.endpoints.base import handle
from shared.endpoints.officer_access import forbidden, signed_in_officer
from shared.endpoints.validation import validated
from shared.http import HttpProblem, idempotency_key, json_response, read_body
from shared.ports.statistics import LoggedServiceConflict
from shared.services.service_log import log_service, logged_service_json

_SCHEMA = ServiceLogSchema()
MAX_BODY_BYTES = 4096


def authorize_officer(request: Request, c: Container) -> str:
    """The signed-in ethics officer, as the actor recorded with the entry (as in a case's
    history); 401, 403 or 503 (HttpProblem) otherwise."""
    officer = signed_in_officer(request, c)
    try:
        require_role(officer, ETHICS_OFFICER)
    except Forbidden as refusal:
        raise forbidden(refusal) from None
    return officer_actor(officer.email)


def log_service_endpoint(request: Request) -> Response:
    """Record one service: 201 with the entry; a retry with the same Idempotency-Key gets the
    first entry again, another body with that key a 409."""

    def run(c: Container) -> Response:
        actor = authorize_officer(request, c)
        body = read_body(request, MAX_BODY_BYTES, allow_form=False)
        key = idempotency_key(request, body)
        entry = validated(_SCHEMA, body, c)
        try:
            logged = log_service(entry, store=c.statistics, clock=c.clock, actor=actor,
                                 idempotency_key=key)
        except LoggedServiceConflict:
            message = "This Idempotency-Key was already used for a different entry."
            raise HttpProblem(409, message, {"Idempotency-Key": [message]}) from None
        body_out = logged_service_json(logged.record)
        headers = {"Idempotent-Replayed": "true"} if logged.replayed else {}
        return json_response(201, body_out, headers)

    return handle("log_service", request, run)
