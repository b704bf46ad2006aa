"""Internal function: the officers' web console, behind Identity-Aware Proxy."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.console import console_endpoint

_handle = console_endpoint(bootstrap.use_cases)


@functions_framework.http
def console(request: Request) -> Response:
    return _handle(request)
