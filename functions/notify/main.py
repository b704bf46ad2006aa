"""Cloud Tasks target: send one notification e-mail (references and links only)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.tasks import NOTIFY, task_endpoint

_handle = task_endpoint(NOTIFY, lambda uc: uc.notify, bootstrap.use_cases)


@functions_framework.http
def notify(request: Request) -> Response:
    return _handle(request)
