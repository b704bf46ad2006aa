"""Public function: the web pages (start page, forms, confirmation, follow-up)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.forms import forms_endpoint

_handle = forms_endpoint(bootstrap.use_cases)


@functions_framework.http
def forms(request: Request) -> Response:
    return _handle(request)
