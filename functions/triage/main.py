"""Cloud Tasks target: triage a stored submission (idempotent)."""

import functions_framework
from flask import Request, Response

from shared.endpoints.triage import triage_endpoint


@functions_framework.http
def triage(request: Request) -> Response:
    return triage_endpoint(request)
