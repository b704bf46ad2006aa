"""Who may call a task target (triage, forward_to_investigations, notify, sweep).

On Google Cloud, IAM lets only the queue's or the scheduler job's service account invoke
the function; the function checks the same again in code, so that a wrong IAM binding
alone opens nothing: a Google-signed OIDC token (issuer Google, audience this function's
own URL, the e-mail of one of ``INTAKE_TASK_CALLERS``). ``INTAKE_TASK_AUTH=none`` (the local
runner and the emulators, which send no token) must be chosen explicitly and is refused on
Google Cloud.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Request

from shared import config
from shared.auth import bearer_token
from shared.http.problems import HttpProblem

if TYPE_CHECKING:
    from shared.bootstrap import UseCases


def require_task_caller(request: Request, uc: UseCases, function: str) -> None:
    """Return if the caller may run ``function``'s tasks; raise Unauthenticated (401),
    VerifierUnavailable (503) or HttpProblem (403) otherwise, or ConfigError when no
    caller is configured for a checked target."""
    auth = uc.settings.task_auth
    if auth.mode == "none":
        return
    if not auth.callers:
        raise config.ConfigError("INTAKE_TASK_CALLERS must name the service accounts this "
                                 "task target accepts when INTAKE_TASK_AUTH=oidc")
    identity = uc.task_caller(function, bearer_token(request.headers.get("Authorization")))
    if identity.email not in auth.callers:
        message = "This identity may not run this function's tasks."
        raise HttpProblem(403, message, {"Authorization": [message]},
                          log_fields=["caller_not_allowed"])
