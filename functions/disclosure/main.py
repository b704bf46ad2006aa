"""Internal function: the financial disclosure API for filers, heads of units and ethics
officers (authenticated)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.disclosure import disclosure_endpoint

_handle = disclosure_endpoint(bootstrap.use_cases)


@functions_framework.http
def disclosure(request: Request) -> Response:
    return _handle(request)
