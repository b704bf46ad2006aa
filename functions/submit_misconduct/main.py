"""Public function: a misconduct report, forwarded to the investigations office."""

import functions_framework
from flask import Request, Response

from schemas.misconduct import MisconductReportSchema
from shared import bootstrap
from shared.domain.forms import MISCONDUCT
from shared.endpoints.submit import submission_endpoint

_handle = submission_endpoint(MISCONDUCT, MisconductReportSchema(), bootstrap.use_cases)


@functions_framework.http
def submit_misconduct(request: Request) -> Response:
    return _handle(request)
