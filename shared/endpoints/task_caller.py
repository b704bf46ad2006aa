"""Who may call a task target (triage, forward_to_investigations, notify, sweep).

On Google Cloud, IAM lets only the queue's or the scheduler job's service account invoke
the function; the function checks the same again in code, so that a wrong IAM binding
alone opens nothing: a Google-signed OIDC token (issuer Google, audience this function's
own URL, the e-mail of one of ``INTAKE_TASK_CALLERS``). ``INTAKE_TASK_AUTH=none`` (the local
runner and the emulators, which send no token) must be chosen explicitly and is refused on
Google Cloud.
"""

from __future__ import annotations

from flask import Request

from shared import config, logs
from shared.auth import Unauthenticated, VerifierUnavailable, bearer_token
from shared.bootstrap import Container
from shared.endpoints.base import RETRY_AFTER_SECONDS
from shared.http import HttpProblem

log = logs.get_logger(__name__)


def require_task_caller(request: Request, c: Container, function: str) -> None:
    """Return if the caller may run ``function``'s tasks; raise HttpProblem (401, 403,
    503) otherwise, or ConfigError when no caller is configured for a checked target."""
    auth = c.settings.task_auth
    if auth.mode == "none":
        return
    if not auth.callers:
        raise config.ConfigError("INTAKE_TASK_CALLERS must name the service accounts this "
                                 "task target accepts when INTAKE_TASK_AUTH=oidc")
    try:
        identity = c.task_verifier(function).verify(
            bearer_token(request.headers.get("Authorization")))
    except Unauthenticated as refusal:
        raise HttpProblem(401, refusal.message, {"Authorization": [refusal.message]},
                          {"WWW-Authenticate": refusal.www_authenticate},
                          log_fields=[refusal.reason]) from None
    except VerifierUnavailable:
        raise HttpProblem(503, "The caller cannot be checked right now; try again shortly.",
                          {"Authorization": ["The token keys are unavailable."]},
                          {"Retry-After": RETRY_AFTER_SECONDS}) from None
    if identity.email not in auth.callers:
        message = "This identity may not run this function's tasks."
        raise HttpProblem(403, message, {"Authorization": [message]},
                          log_fields=["caller_not_allowed"])
