"""Cloud Tasks target: refer a case to the investigations office (exactly once as the
receiver sees it)."""

import functions_framework
from flask import Request, Response

from shared.endpoints.forward import forward_endpoint


@functions_framework.http
def forward_to_investigations(request: Request) -> Response:
    return forward_endpoint(request)
