"""The Cloud Tasks target that triages one submission."""

from __future__ import annotations

from flask import Request, Response

from schemas.tasks import TriageTaskSchema
from shared.bootstrap import Container
from shared.domain.records import UnknownSubmission
from shared.endpoints.base import handle
from shared.endpoints.task_caller import require_task_caller
from shared.endpoints.validation import validated
from shared.http import HttpProblem, json_response, read_body
from shared.services.triage import triage_submission

_TRIAGE_TASK = TriageTaskSchema()


def triage_endpoint(request: Request) -> Response:
    """Cloud Tasks target: triage one submission; redelivery answers 200 and changes nothing."""

    def run(c: Container) -> Response:
        require_task_caller(request, c, "triage")
        body = read_body(request, 4096, allow_form=False)
        task = validated(_TRIAGE_TASK, body, c)
        try:
            outcome = triage_submission(task["submission_id"], store=c.store, queue=c.queue,
                                        clock=c.clock, policy=c.policy, cipher=c.cipher,
                                        marker=c.name_marker)
        except UnknownSubmission:
            message = "No submission with this id."
            raise HttpProblem(404, message, {"submission_id": [message]}) from None
        return json_response(200, {"reference": outcome.reference, "changed": outcome.changed,
                                   "priority": outcome.triage.priority,
                                   "route": outcome.triage.route})

    return handle("triage", request, run)


