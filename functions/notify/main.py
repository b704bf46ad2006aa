"""Cloud Tasks target: send one notification e-mail, or one reminder of the disclosure
programme (references and links only)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.tasks import DISCLOSURE_REMINDER, NOTIFY, task_endpoint

_handle = task_endpoint(NOTIFY, lambda uc: uc.notify, bootstrap.use_cases,
                        (DISCLOSURE_REMINDER, lambda uc: uc.disclosure_reminder))


@functions_framework.http
def notify(request: Request) -> Response:
    return _handle(request)
