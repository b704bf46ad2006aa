"""The Cloud Tasks target that refers a case to the investigations office, or sends on one
supplement to its referral."""

from __future__ import annotations

from flask import Request, Response

from schemas.tasks import ForwardTaskSchema
from shared.bootstrap import Container
from shared.domain.records import UnknownSubmission
from shared.endpoints.base import RETRY_AFTER_SECONDS, handle
from shared.endpoints.task_caller import require_task_caller
from shared.endpoints.validation import validated
from shared.http import HttpProblem, json_response, read_body
from shared.services.forward import ForwardLater, forward_case

_TASK = ForwardTaskSchema()


def forward_endpoint(request: Request) -> Response:
    """200 once the referral is settled (delivered or visibly failed); 503 while the
    investigations office does not answer, so the queue retries with its backoff."""

    def run(c: Container) -> Response:
        require_task_caller(request, c, "forward_to_investigations")
        task = validated(_TASK, read_body(request, 4096, allow_form=False), c)
        try:
            outcome = forward_case(task["submission_id"], store=c.store,
                                   follow_up=lambda: c.follow_up, gateway=c.gateway,
                                   cipher=c.cipher, queue=c.queue, clock=c.clock,
                                   max_attempts=c.settings.forward_max_attempts,
                                   item=task.get("item", ""))
        except UnknownSubmission:
            message = "No submission with this id."
            raise HttpProblem(404, message, {"submission_id": [message]}) from None
        except ForwardLater as later:
            return json_response(503, {"message": "The investigations office did not "
                                                  "answer; the referral will be retried.",
                                       "errors": {"_upstream": [str(later)]}},
                                 {"Retry-After": RETRY_AFTER_SECONDS})
        return json_response(200, {"reference": outcome.reference, "status": outcome.status,
                                   "attempt": outcome.attempt})

    return handle("forward_to_investigations", request, run)
