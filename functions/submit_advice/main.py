"""Public function: a confidential ethics advice request."""

import functions_framework
from flask import Request, Response

from schemas.advice import AdviceRequestSchema
from shared import bootstrap
from shared.domain.forms import ADVICE
from shared.endpoints.submit import submission_endpoint

_handle = submission_endpoint(ADVICE, AdviceRequestSchema(), bootstrap.use_cases)


@functions_framework.http
def submit_advice(request: Request) -> Response:
    return _handle(request)
