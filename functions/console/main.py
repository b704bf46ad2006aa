"""Internal function: the officers' web console, behind Identity-Aware Proxy."""

import functions_framework
from flask import Request, Response

from shared.endpoints.console import console_endpoint


@functions_framework.http
def console(request: Request) -> Response:
    return console_endpoint(request)
