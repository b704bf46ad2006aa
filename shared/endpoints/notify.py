"""The Cloud Tasks target that sends one notification e-mail."""

from __future__ import annotations

from flask import Request, Response

from schemas.tasks import NotifyTaskSchema
from shared.bootstrap import Container
from shared.endpoints.base import RETRY_AFTER_SECONDS, handle
from shared.endpoints.validation import validated
from shared.http import HttpProblem, json_response, read_body
from shared.ports import NotifierUnavailable
from shared.services.notify import send_notification
from shared.services.recusal import Recusal
from shared.services.triage import UnknownSubmission

_TASK = NotifyTaskSchema()


def notify_endpoint(request: Request) -> Response:
    def run(c: Container) -> Response:
        task = validated(_TASK, read_body(request, 4096, allow_form=False), c)
        try:
            status = send_notification(task["submission_id"], task["item"], store=c.store,
                                       cipher=c.cipher, notifier=c.notifier, clock=c.clock,
                                       mail=c.mail, officers=c.officers,
                                       recusal=Recusal(c.store, c.cipher, c.name_marker))
        except UnknownSubmission:
            message = "No submission with this id."
            raise HttpProblem(404, message, {"submission_id": [message]}) from None
        except ValueError:
            message = "Not a notification this system sends."
            raise HttpProblem(422, message, {"item": [message]}) from None
        except NotifierUnavailable as error:
            return json_response(503, {"message": "E-mail could not be handed over; it will "
                                                  "be retried.", "errors": {"_upstream": [
                                                      str(error)]}},
                                 {"Retry-After": RETRY_AFTER_SECONDS})
        return json_response(200, {"status": status})

    return handle("notify", request, run)
