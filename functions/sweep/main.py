"""Cloud Scheduler target: re-queue pending work whose task may have been lost."""

import functions_framework
from flask import Request, Response

from shared.endpoints.sweep import sweep_endpoint


@functions_framework.http
def sweep(request: Request) -> Response:
    return sweep_endpoint(request)
