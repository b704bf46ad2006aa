"""Internal function: the ethics officers' case API (authenticated)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.cases import cases_endpoint

_handle = cases_endpoint(bootstrap.use_cases)


@functions_framework.http
def cases(request: Request) -> Response:
    return _handle(request)
