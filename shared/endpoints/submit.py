"""Public form endpoints: JSON or form encoding in, 201 with a reference out."""

from __future__ import annotations

from typing import Any

from flask import Request, Response
from marshmallow import Schema

from shared.bootstrap import Container
from shared.domain.forms import FormSpec
from shared.endpoints import guards
from shared.endpoints.base import Handler, handle
from shared.endpoints.validation import validated
from shared.http import (
    HttpProblem,
    accepts_html,
    idempotency_key,
    is_browser_form_post,
    json_response,
    read_body,
    refuse_cross_site,
)
from shared.services.receive import IdempotencyConflict, receive_submission


def submission_endpoint(form: FormSpec, schema: Schema) -> Handler:
    """The public endpoint of a form: accepts JSON or form encoding, answers 201."""

    def submit(container: Container, request: Request) -> Response:
        # A browser's form post gets pages instead of JSON (rendering is imported only
        # then), after the same checks as below.
        if is_browser_form_post(request) or (request.method in ("GET", "HEAD")
                                             and accepts_html(request)):
            from shared.endpoints.browser_submit import submit_from_browser
            return submit_from_browser(form, schema, container, request)
        if request.method == "POST":  # before the body is read: whatever its type
            refuse_cross_site(request, container.settings.site_origin)
            wait = guards.over_limit(container, request, guards.SUBMIT_BUCKET)
            if wait is not None:
                raise guards.too_many(wait)
        body = read_body(request, container.settings.max_body_bytes)
        key = idempotency_key(request, body)
        data = validated(schema, body, container)
        c = container
        try:
            ack = receive_submission(form, data, idempotency_key=key, store=c.store,
                                     queue=c.queue, sealer=c.sealer,
                                     digests=c.replay_digests, clock=c.clock,
                                     receipt_window=c.replay_receipt_window)
        except IdempotencyConflict:
            message = "This Idempotency-Key was already used for a different submission."
            raise HttpProblem(409, message, {"Idempotency-Key": [message]}) from None
        body_out: dict[str, Any] = {"reference": ack.reference,
                                    "received_at": ack.received_at.isoformat(),
                                    "next_steps": list(form.next_steps(c.policy))}
        if ack.receipt is not None:
            body_out["receipt"] = ack.receipt
        headers = {"Idempotent-Replayed": "true"} if ack.replayed else {}
        return json_response(201, body_out, headers)

    def endpoint(request: Request) -> Response:
        return handle(form.function, request, lambda c: submit(c, request))

    return endpoint


