"""The internal endpoint officers record services with (a training, a media inquiry, advice
given on a mission, an allegation the office was copied on...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Request, Response

from schemas.statistics import ServiceLogSchema
from shared.domain.casework import officer_actor
from shared.domain.officers import ETHICS_OFFICER, require_role
from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.validation import validated
from shared.http.bodies import read_body
from shared.http.idempotency import idempotency_key
from shared.http.problems import json_response
from shared.services.service_log import logged_service_json

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

_SCHEMA = ServiceLogSchema()
MAX_BODY_BYTES = 4096


def _log_service(uc: UseCases, request: Request) -> Response:
    """Record one service: 201 with the entry; a retry with the same Idempotency-Key gets the
    first entry again, another body with that key a 409."""
    officer = uc.officer(request.headers.get("Authorization"))
    require_role(officer, ETHICS_OFFICER)
    # The actor recorded with the entry, as in a case's history.
    actor = officer_actor(officer.email)
    body = read_body(request, MAX_BODY_BYTES, allow_form=False)
    key = idempotency_key(request, body)
    entry = validated(_SCHEMA, body, uc)
    logged = uc.log_service(entry, actor=actor, idempotency_key=key)
    headers = {"Idempotent-Replayed": "true"} if logged.replayed else {}
    return json_response(201, logged_service_json(logged.record), headers)


def log_service_endpoint(wiring: Wiring) -> Handler:
    return endpoint("log_service", _log_service, wiring)
