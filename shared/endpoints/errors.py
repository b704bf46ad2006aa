"""One table from the errors use cases raise to the HTTP answers they get: the JSON answer
of the API (status, message, ``errors`` naming the field, headers) and the problem page a
browser is shown instead (by kind: the public pages and the officers' console each have
their own wording of it). An error missing from the table is a bug: a logged 500.

The table names each error by its module and class, so that importing it imports none of
the modules that raise them: a function's request path loads only what it uses
(tests/unit/test_error_answers.py checks every name is an exception class)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.http.problems import HttpProblem

if TYPE_CHECKING:  # the table names the errors: a request path imports only its own
    from shared.domain.disclosure import DisclosureError
    from shared.domain.evidence import FileRefused
    from shared.domain.officers import Forbidden
    from shared.domain.sealing import IntegrityFailure
    from shared.domain.workflow import IllegalTransition
    from shared.ports.identity import Unauthenticated
    from shared.services.notify import HeldBack

RETRY_AFTER_SECONDS = "30"
RETRY_LATER = {"Retry-After": RETRY_AFTER_SECONDS}


@dataclass(frozen=True)
class Answer:
    """How one kind of error is answered."""

    problem: Callable[[Any], HttpProblem]  # the API's answer, from the error
    # The kind of problem page a browser gets, with the answer's status and headers; None
    # (or a kind a front end has no page for): its 500 page.
    page: str | None = None
    # How it is logged: "refused" (the caller's mistake, INFO), "unavailable" (a
    # dependency is down, ERROR), "" (the use case logged it already).
    logged: str = "refused"


def _fixed(status: int, field: str | None, message: str,
           headers: dict[str, str] | None = None) -> Callable[[Any], HttpProblem]:
    errors = {field: [message]} if field else {}
    return lambda _: HttpProblem(status, message, dict(errors), dict(headers or {}))


def _said(status: int, field: str) -> Callable[[Any], HttpProblem]:
    """The error's own message, which says what to do and never holds client text."""
    return lambda error: HttpProblem(status, str(error), {field: [str(error)]})


def _illegal(error: IllegalTransition) -> HttpProblem:
    problem = HttpProblem(409, str(error), {"name": [str(error)]})
    problem.errors["allowed"] = list(error.allowed)
    return problem


def _forbidden(refusal: Forbidden) -> HttpProblem:
    """Its reason code goes to the log, never to the caller."""
    return HttpProblem(403, refusal.message, {"_access": [refusal.message]},
                       log_fields=[refusal.reason])


def _unauthenticated(refusal: Unauthenticated) -> HttpProblem:
    return HttpProblem(401, refusal.message, {"Authorization": [refusal.message]},
                       {"WWW-Authenticate": refusal.www_authenticate},
                       log_fields=[refusal.reason])


def _integrity(failure: IntegrityFailure) -> HttpProblem:
    message = ("This case's stored records failed an integrity check, so they are not "
               "shown. The Ethics Office has been alerted.")
    return HttpProblem(409, message, {"_integrity": [failure.code]})


def _file_refused(refused: FileRefused) -> HttpProblem:
    """Names the file (its index in the ``evidence`` field, and its name) and says why."""
    message = f"{refused.name}: {refused.detail}" if refused.name else refused.detail
    field = f"evidence.{refused.index}" if refused.index is not None else "evidence"
    return HttpProblem(refused.status, message, {field: [message]},
                       log_fields=[refused.reason])


def _held_back(held: HeldBack) -> HttpProblem:
    return HttpProblem(503, "A send limit is reached; the e-mail stays pending and will be "
                            "retried.", {"_limit": [held.limit]},
                       {"Retry-After": str(int(held.seconds) + 1)})


def _disclosure_error(error: DisclosureError) -> HttpProblem:
    """Each field and why; the field names may hold client text (an unknown key), so only
    their number is logged."""
    return HttpProblem(422, "The declaration or filer has errors; see `errors`.",
                       dict(error.errors), log_fields=[f"{len(error.errors)} fields"])


_CONFLICTS = {
    "reviewed": "This declaration has been reviewed: it can no longer be amended. File an "
                "ad hoc declaration for anything new.",
    "version": "This declaration changed since you read it: read it again, then amend the "
               "latest version.",
    "exists": "This declaration exists already.",
}


def _upstream(message: str) -> Callable[[Any], HttpProblem]:
    return lambda error: HttpProblem(503, message, {"_upstream": [str(error)]}, RETRY_LATER)


_UNAVAILABLE = Answer(_fixed(503, None, "The service is temporarily unavailable; "
                             "nothing was stored. Please try again shortly.", RETRY_LATER),
                      page="unavailable", logged="unavailable")

ANSWERS: dict[str, Answer] = {
    # The caller's mistakes.
    "shared.domain.records.UnknownSubmission":
        Answer(_fixed(404, "submission_id", "No submission with this id.")),
    "shared.domain.notifications.UnknownNotification":
        Answer(_fixed(422, "item", "Not a notification this system sends.")),
    # Also a case that names the officer: the same answer, word for word.
    "shared.services.cases.CaseNotFound":
        Answer(_fixed(404, "reference", "No case with this reference."), page="not_found"),
    "shared.services.cases.AssigneeNotEligible": Answer(_fixed(
        422, "assignee", "This case cannot be given to that officer; choose another officer.")),
    "shared.domain.workflow.IllegalTransition": Answer(_illegal),
    "shared.domain.casework.NotAllowedNow": Answer(_said(409, "_state")),
    "shared.domain.retention.RetentionRefused": Answer(_said(409, "_state")),
    "shared.domain.retention.ReasonRequired": Answer(_said(422, "reason")),
    "shared.domain.casework.DetailProblem":
        Answer(lambda problem: _said(422, problem.field)(problem)),
    "shared.services.receive.IdempotencyKeyExpired": Answer(_fixed(
        409, "Idempotency-Key",
        "This Idempotency-Key was used too long ago to be recognised; send again with a new "
        "one.")),
    "shared.services.receive.IdempotencyConflict": Answer(_fixed(
        409, "Idempotency-Key",
        "This Idempotency-Key was already used for a different submission.")),
    "shared.ports.statistics.LoggedServiceConflict": Answer(_fixed(
        409, "Idempotency-Key", "This Idempotency-Key was already used for a different entry.")),
    "shared.ports.identity.Unauthenticated": Answer(_unauthenticated),
    # The disclosure programme. A declaration the caller may not read is "not found".
    "shared.domain.disclosure.DisclosureError": Answer(_disclosure_error),
    "shared.services.disclosure.DeclarationNotFound":
        Answer(_fixed(404, "declaration_id", "No declaration with this id.")),
    "shared.services.disclosure.FilerNotFound":
        Answer(_fixed(404, "staff_id", "No active filer with this staff id.")),
    "shared.services.disclosure.NotAFiler":
        Answer(_fixed(403, "_access", "This address is not an active filer's in the "
                                      "financial disclosure programme.")),
    "shared.services.disclosure.CampaignProblem": Answer(_said(409, "_state")),
    "shared.ports.disclosure.DeclarationConflict": Answer(lambda conflict: HttpProblem(
        409, _CONFLICTS[conflict.reason], {"version": [_CONFLICTS[conflict.reason]]})),
    "shared.domain.evidence.FileRefused": Answer(_file_refused),
    "shared.services.cases.AttachmentNotFound":
        Answer(_fixed(404, "attachment_id", "No such file in this case."), page="not_found"),
    "shared.services.cases.AttachmentQuarantined": Answer(_fixed(
        409, "attachment_id", "This file was found infected: it is quarantined and never "
        "delivered.")),
    # An officer whose roles do not cover the operation or page.
    "shared.domain.officers.Forbidden": Answer(_forbidden, page="not_allowed"),
    # Stored records that cannot be served: already logged as an ERROR and alerted.
    "shared.domain.sealing.IntegrityFailure": Answer(_integrity, page="integrity", logged=""),
    # A dependency that is down: nothing was stored, try again.
    "shared.ports.storage.StoreUnavailable": _UNAVAILABLE,
    "shared.ports.tasks.QueueUnavailable": _UNAVAILABLE,
    "shared.ports.evidence.ScannerUnavailable": _UNAVAILABLE,
    "shared.ports.evidence.EvidenceUnavailable": _UNAVAILABLE,
    # A file the case lists that its store no longer holds: an integrity problem.
    "shared.ports.evidence.EvidenceMissing": Answer(lambda _: HttpProblem(
        409, "The file's stored copy is missing. The Ethics Office has been alerted.",
        {"_integrity": ["evidence_missing"]}), logged="unavailable"),
    "shared.google_certs.VerifierUnavailable": Answer(lambda _: HttpProblem(
        503, "Sign-in cannot be checked right now; try again shortly.",
        {"Authorization": ["The token keys are unavailable."]}, RETRY_LATER),
        page="unavailable", logged="unavailable"),
    # Work a task target must do later: the queue retries it with its backoff.
    "shared.services.forward.ForwardLater":
        Answer(_upstream("The investigations office did not answer; the referral "
                         "will be retried."), logged=""),
    "shared.services.notify.HeldBack": Answer(_held_back, logged=""),
    "shared.services.notify.SendInProgress": Answer(lambda _: HttpProblem(
        503, "Another delivery is sending this e-mail.", {"item": ["being sent"]},
        RETRY_LATER), logged=""),
    "shared.ports.mail.NotifierUnavailable":
        Answer(_upstream("E-mail could not be handed over; it will be retried."), logged=""),
}


def answer_for(error: BaseException) -> Answer | None:
    """The answer of ``error``'s kind (or of the nearest kind it is a case of)."""
    for kind in type(error).__mro__:
        answer = ANSWERS.get(name_of(kind))
        if answer is not None:
            return answer
    return None


def name_of(kind: type) -> str:
    """The name the table knows an error by."""
    return f"{kind.__module__}.{kind.__qualname__}"
