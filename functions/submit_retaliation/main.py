"""Public function: a retaliation complaint (protection against retaliation)."""

import functions_framework
from flask import Request, Response

from schemas.retaliation import RetaliationComplaintSchema
from shared import bootstrap
from shared.domain.forms import RETALIATION
from shared.endpoints.submit import submission_endpoint

_handle = submission_endpoint(RETALIATION, RetaliationComplaintSchema(), bootstrap.use_cases)


@functions_framework.http
def submit_retaliation(request: Request) -> Response:
    return _handle(request)
