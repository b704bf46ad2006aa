"""Cloud Tasks target: refer a case to the investigations office (exactly once as the
receiver sees it)."""

import functions_framework
from flask import Request, Response

from shared import bootstrap
from shared.endpoints.tasks import FORWARD, task_endpoint

_handle = task_endpoint(FORWARD, lambda uc: uc.forward, bootstrap.use_cases)


@functions_framework.http
def forward_to_investigations(request: Request) -> Response:
    return _handle(request)
