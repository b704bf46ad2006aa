"""Internal function: an officer records a service given (training, media inquiry...)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.service_log import log_service_endpoint

_handle = log_service_endpoint(bootstrap.use_cases)


@functions_framework.http
def log_service(request: Request) -> Response:
    return _handle(request)
