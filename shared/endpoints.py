"""Request -> schema -> service -> response, for each kind of function.

The functions/ entry points are one line each over these. Every outcome is mapped here:
4xx for the caller's mistakes, 503 with Retry-After when a dependency is down, and a logged
500 only for a bug.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Request, Response
from marshmallow import Schema, ValidationError

from schemas.common import LOAD_CONTEXT
from schemas.tasks import TriageTaskSchema
from shared import bootstrap, logs
from shared.bootstrap import Container
from shared.domain.forms import FormSpec
from shared.http import HttpProblem, idempotency_key, json_response, read_body, require_post
from shared.ports import QueueUnavailable, StoreUnavailable
from shared.services.receive import IdempotencyConflict, receive_submission
from shared.services.sweep import sweep
from shared.services.triage import UnknownSubmission, triage_submission

log = logs.get_logger(__name__)

RETRY_AFTER_SECONDS = "30"
_TRIAGE_TASK = TriageTaskSchema()

Handler = Callable[[Request], Response]


def _run(function: str, request: Request, action: Callable[[Container], Response]) -> Response:
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
    except HttpProblem as problem:
        log.info("request refused", extra={
            "event": "request_refused", "function": function, "status": problem.status,
            "fields": problem.log_fields})
        return problem.response()
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


def _validated(schema: Schema, body: dict[str, Any], container: Container) -> dict[str, Any]:
    try:
        with LOAD_CONTEXT({"today": container.clock.now().date()}):
            data: dict[str, Any] = schema.load(body)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {
            "_schema": error.messages}
        # Log only names the schema defines: an unknown key is client text.
        named = [k if k in schema.fields or k == "_schema" else "(unknown)" for k in messages]
        raise HttpProblem(422, "The submission has errors; see `errors`.", messages,
                          log_fields=named) from None
    return data


def submission_endpoint(form: FormSpec, schema: Schema) -> Handler:
    """The public endpoint of a form: accepts JSON or form encoding, answers 201."""

    def submit(container: Container, request: Request) -> Response:
        body = read_body(request, container.settings.max_body_bytes)
        key = idempotency_key(request, body)
        data = _validated(schema, body, container)
        c = container
        try:
            ack = receive_submission(form, data, idempotency_key=key, store=c.store,
                                     queue=c.queue, cipher=c.cipher, clock=c.clock)
        except IdempotencyConflict:
            message = "This Idempotency-Key was already used for a different submission."
            raise HttpProblem(409, message, {"Idempotency-Key": [message]}) from None
        body_out: dict[str, Any] = {"reference": ack.reference,
                                    "received_at": ack.received_at.isoformat(),
                                    "next_steps": list(ack.next_steps)}
        if ack.receipt is not None:
            body_out["receipt"] = ack.receipt
        headers = {"Idempotent-Replayed": "true"} if ack.replayed else {}
        return json_response(201, body_out, headers)

    def endpoint(request: Request) -> Response:
        return _run(form.function, request, lambda c: submit(c, request))

    return endpoint


def triage_endpoint(request: Request) -> Response:
    """Cloud Tasks target: triage one submission; redelivery answers 200 and changes nothing."""

    def run(c: Container) -> Response:
        body = read_body(request, 4096, allow_form=False)
        task = _validated(_TRIAGE_TASK, body, c)
        try:
            outcome = triage_submission(task["submission_id"], store=c.store, clock=c.clock,
                                        policy=c.policy)
        except UnknownSubmission:
            message = "No submission with this id."
            raise HttpProblem(404, message, {"submission_id": [message]}) from None
        return json_response(200, {"reference": outcome.reference, "changed": outcome.changed,
                                   "priority": outcome.triage.priority,
                                   "route": outcome.triage.route})

    return _run("triage", request, run)


def sweep_endpoint(request: Request) -> Response:
    """Cloud Scheduler target: re-queue pending work; 503 if some could not be re-queued,
    so the scheduler records a failure and the next run tries again."""

    def run(c: Container) -> Response:
        require_post(request)
        report = sweep(store=c.store, queue=c.queue, clock=c.clock, grace=c.sweep_grace,
                       batch=c.settings.sweep_batch)
        status = 503 if report.failed else 200
        headers = {"Retry-After": RETRY_AFTER_SECONDS} if report.failed else {}
        return json_response(status, {"requeued": len(report.requeued),
                                      "failed": len(report.failed)}, headers)

    return _run("sweep", request, run)
