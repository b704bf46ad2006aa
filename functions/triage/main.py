"""Cloud Tasks target: triage a stored submission (idempotent)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.tasks import TRIAGE, task_endpoint

_handle = task_endpoint(TRIAGE, lambda uc: uc.triage, bootstrap.use_cases)


@functions_framework.http
def triage(request: Request) -> Response:
    return _handle(request)
