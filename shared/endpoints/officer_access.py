"""Who is calling an officers' endpoint, as HTTP answers: 401 without a valid token, 503
when the token keys cannot be fetched, 403 for an account outside the directory or
without the role."""

from __future__ import annotations

from flask import Request

from shared.auth import Unauthenticated, VerifierUnavailable, authenticate
from shared.bootstrap import Container
from shared.domain.officers import Forbidden, Officer
from shared.endpoints.base import RETRY_AFTER_SECONDS
from shared.http import HttpProblem


def forbidden(refusal: Forbidden) -> HttpProblem:
    """The 403 of a refusal; its reason code goes to the log, never to the caller."""
    return HttpProblem(403, refusal.message, {"_access": [refusal.message]},
                       log_fields=[refusal.reason])


def signed_in_officer(request: Request, c: Container) -> Officer:
    """The officer the request's bearer token names; raises HttpProblem to refuse."""
    try:
        return authenticate(request.headers.get("Authorization"), c.verifier, c.officers)
    except Unauthenticated as refusal:
        raise HttpProblem(401, refusal.message, {"Authorization": [refusal.message]},
                          {"WWW-Authenticate": refusal.www_authenticate}) from None
    except VerifierUnavailable:
        raise HttpProblem(503, "Sign-in cannot be checked right now; try again shortly.",
                          {"Authorization": ["The token keys are unavailable."]},
                          {"Retry-After": RETRY_AFTER_SECONDS}) from None
    except Forbidden as refusal:
        raise forbidden(refusal) from None
