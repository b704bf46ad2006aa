"""Internal function: the ethics officers' case API (authenticated)."""

import functions_framework
from flask import Request, Response

from shared.endpoints.cases import cases_endpoint


@functions_framework.http
def cases(request: Request) -> Response:
    return cases_endpoint(request)
