"""Cloud Scheduler target: re-queue pending work whose task may have been lost."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.sweep import sweep_endpoint

_handle = sweep_endpoint(bootstrap.use_cases)


@functions_framework.http
def sweep(request: Request) -> Response:
    return _handle(request)
