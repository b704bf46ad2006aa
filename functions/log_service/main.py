"""Internal function: an officer records a service given (training, media inquiry...)."""

import functions_framework
from flask import Request, Response

from shared.endpoints.service_log import log_service_endpoint


@functions_framework.http
def log_service(request: Request) -> Response:
    return log_service_endpoint(request)
