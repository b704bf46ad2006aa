"""Public function: the web pages (start page, forms, confirmation, follow-up)."""

import functions_framework
from flask import Request, Response

from shared.endpoints.forms import forms_endpoint


@functions_framework.http
def forms(request: Request) -> Response:
    return forms_endpoint(request)
