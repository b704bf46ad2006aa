"""The checks a public post passes before its body is read, on the JSON path and the
browser's alike (a submission, or a move between a form's steps): where it comes from
(``shared.http.browsers.refuse_cross_site``) and how often this client posted (the
per-client rate limit); and who the client is, for every per-client counter. Nothing here
imports page rendering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Request

from shared.http.browsers import client_address
from shared.http.problems import HttpProblem

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

# One count for a client's submissions, whichever form and whichever path (JSON, form
# encoding, a browser's post) they take.
SUBMIT_BUCKET = "submit"
# The posts that move between a form's steps, counted apart: one form takes many (a step
# each, Back, Change, Add another, a language), so the limit allows this many per form.
STEPS_BUCKET = "form_steps"
STEP_POSTS_PER_FORM = 50
# Checks of pasted proofs: each reads the published keys (Cloud KMS on gcp), so a client
# gets as many as it may send submissions, counted apart.
VERIFY_BUCKET = "verify_proof"


def client_of(container: UseCases, request: Request) -> str:
    """Who sent this post, for the per-client counters (the rate limit, the receipt
    checks): its network address, the one the trusted front end appended when there is
    one (``INTAKE_PROXY_HOPS``), never one the client wrote itself. Never stored."""
    return client_address(request, container.settings.forms.proxy_hops)


def over_limit(container: UseCases, request: Request, bucket: str, *,
               allowance: int = 1) -> float | None:
    """Count this post; the seconds to wait if this client made too many posts of this
    kind (``allowance`` times the limit), else None."""
    return container.count_post(bucket, client_of(container, request), allowance=allowance)


def retry_after(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(int(seconds) + 1)}


def too_many(seconds: float) -> HttpProblem:
    """The API's 429: nothing was read or stored; when to try again."""
    minutes = max(1, (int(seconds) + 59) // 60)
    message = (f"Too many submissions from your network in a short time; nothing was "
               f"stored. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    return HttpProblem(429, message, {"_client": [message]}, retry_after(seconds))
