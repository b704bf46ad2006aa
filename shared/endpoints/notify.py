"""The Cloud Tasks target that sends one notification e-mail: 200 once it is settled (sent,
skipped, already sent, or never queued), 503 with Retry-After while it must wait (a send
limit, another delivery sending it, the mail service down), so the queue retries."""

from __future__ import annotations

from flask import Request, Response

from schemas.tasks import NotifyTaskSchema
from shared.bootstrap import Container
from shared.domain.notifications import UnknownNotification
from shared.domain.records import UnknownSubmission
from shared.endpoints.base import RETRY_AFTER_SECONDS, handle
from shared.endpoints.task_caller import require_task_caller
from shared.endpoints.validation import validated
from shared.http import HttpProblem, json_response, read_body
from shared.ports.mail import NotifierUnavailable
from shared.services.notify import HeldBack, SendInProgress, send_notification

_TASK = NotifyTaskSchema()


def notify_endpoint(request: Request) -> Response:
    def run(c: Container) -> Response:
        require_task_caller(request, c, "notify")
        task = validated(_TASK, read_body(request, 4096, allow_form=False), c)
        try:
            status = send_notification(task["submission_id"], task["item"], store=c.store,
                                       cipher=c.cipher, queue=c.queue, notifier=c.notifier,
                                       clock=c.clock, mail=c.mail, ledger=c.mail_ledger,
                                       limits=c.send_limits, officers=c.officers,
                                       marker=c.name_marker, policy=c.policy)
        except UnknownSubmission:
            message = "No submission with this id."
            raise HttpProblem(404, message, {"submission_id": [message]}) from None
        except UnknownNotification:
            # Only the item's own parse: a sealed value that fails to open is an integrity
            # alert in the service (its SealBroken is a ValueError too), never this 422.
            message = "Not a notification this system sends."
            raise HttpProblem(422, message, {"item": [message]}) from None
        except HeldBack as held:
            return json_response(503, {"message": "A send limit is reached; the e-mail "
                                                  "stays pending and will be retried.",
                                       "errors": {"_limit": [held.limit]}},
                                 {"Retry-After": str(int(held.seconds) + 1)})
        except SendInProgress:
            return json_response(503, {"message": "Another delivery is sending this e-mail.",
                                       "errors": {"item": ["being sent"]}},
                                 {"Retry-After": RETRY_AFTER_SECONDS})
        except NotifierUnavailable as error:
            return json_response(503, {"message": "E-mail could not be handed over; it will "
                                                  "be retried.", "errors": {"_upstream": [
                                                      str(error)]}},
                                 {"Retry-After": RETRY_AFTER_SECONDS})
        return json_response(200, {"status": status})

    return handle("notify", request, run)
