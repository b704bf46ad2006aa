"""Cloud Tasks target: send one notification e-mail (references and links only)."""

import functions_framework
from flask import Request, Response

from shared.endpoints.notify import notify_endpoint


@functions_framework.http
def notify(request: Request) -> Response:
    return notify_endpoint(request)
