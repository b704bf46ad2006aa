"""What every browser-facing endpoint shares: the page context of a request (language,
URLs, anti-forgery cookie and token) and the checks a browser's form post must pass.

Order of the checks on a post: where it comes from (a cross-site post is refused before
its body is read), the per-client rate limit where the caller asks for it (decided before
the body is read, which is then read only to show the answers back), the anti-forgery
token, the honeypot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from flask import Request, Response

from shared import logs
from shared.domain import evidence_notices
from shared.domain.evidence import Upload
from shared.endpoints import guards
from shared.endpoints.base import unavailable
from shared.endpoints.errors import answer_for
from shared.endpoints.page_state import CASE_IDLE_SECONDS
from shared.http.bodies import read_form_pairs
from shared.http.browsers import Origin, origin_of
from shared.http.forms import MAX_FORM_FIELDS, MULTIPART_TYPE
from shared.http.multipart import MultipartProblem, read_multipart
from shared.http.problems import HttpProblem
from shared.web import security, views
from shared.web.formdefs import N_
from shared.web.i18n import LANGUAGES, Language, negotiate
from shared.web.render import Urls
from shared.web.security import TokenCheck

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

log = logs.get_logger(__name__)


def language(request: Request, explicit: str | None = None) -> Language:
    chosen = explicit if explicit is not None else request.args.get("lang")
    return LANGUAGES[negotiate(chosen, request.headers.get("Accept-Language"))]


def page_context(container: UseCases, request: Request, lang: Language, *,
                 switch_to: Callable[[str], str] | None = None) -> views.PageContext:
    """The context of a page: a fresh anti-forgery token bound to this browser's cookie
    (set now if the browser has none)."""
    cookie = security.browser_cookie(request)
    cookies: tuple[str, ...] = ()
    if cookie is None:
        cookie = security.new_cookie()
        cookies = (security.set_cookie_header(request, cookie),)
    settings = container.settings
    return views.PageContext(
        language=lang, urls=Urls.from_base_url(settings.functions_base_url),
        https=security.is_https(request),
        csrf_token=security.issue_token(container.forms_secret, cookie), cookies=cookies,
        switch_to=switch_to, cookie=cookie, today=container.now().date(),
        settings={"filing_window_months": settings.policy.filing_window_months,
                  "preliminary_review_days": settings.policy.preliminary_review_days,
                  "advice_working_days": settings.policy.advice_working_days,
                  "lock_minutes": max(1, settings.forms.follow_up_lock_seconds // 60),
                  "session_minutes": CASE_IDLE_SECONDS // 60,
                  "evidence_files": container.evidence_limits.max_files,
                  "evidence_file_bytes": settings.evidence.max_file_bytes,
                  "evidence_total_bytes": settings.evidence.max_total_bytes})


def with_error_pages(container: UseCases, request: Request, function: str,
                     page: Callable[[], Response]) -> Response:
    """``page()``, or the page of an error no page handles itself: the problem page of
    its row in ``shared.endpoints.errors`` (a dependency down: "The service is busy",
    503), else a logged bug (500)."""
    try:
        return page()
    except Exception as error:
        answer = answer_for(error)
        ctx = page_context(container, request, language(request))
        if answer is None or answer.page not in views.PROBLEMS:
            # A bug, or an officers' error (no public page has one of those).
            log.exception("unexpected error", extra={"event": "bug", "function": function})
            return views.problem(ctx, 500, "internal")
        problem = answer.problem(error)
        if answer.logged == "unavailable":
            unavailable(function, error)
        return views.problem(ctx, problem.status, str(answer.page), headers=problem.headers)


def refused(function: str, reason: str) -> None:
    log.info("form post refused", extra={"event": "form_refused", "function": function,
                                         "reason": reason})


@dataclass(frozen=True)
class Verdict:
    """The outcome of the anti-forgery check of a post."""

    accepted: bool
    recoverable: bool = False  # same-origin, token stale: show the form again with values


def check_forgery(container: UseCases, request: Request, values: Mapping[str, str],
                  origin: Origin) -> Verdict:
    """A fresh token bound to the browser's cookie passes. Without that, a post the browser
    itself says comes from our own pages is not a forgery: a fresh token of ours that is
    merely unbound (cookies blocked) passes, and a stale or missing one gets the form back
    with its values kept. With no word from the browser, anything else is refused."""
    check = security.check_token(container.forms_secret, values.get(security.TOKEN_FIELD),
                                 security.browser_cookie(request))
    if check is TokenCheck.OK or (check is TokenCheck.UNBOUND and origin is Origin.SAME):
        return Verdict(True)
    return Verdict(False, recoverable=origin is Origin.SAME)


def over_limit(container: UseCases, request: Request, bucket: str, *,
               allowance: int = 1) -> float | None:
    """Seconds to wait if this client made too many posts of this kind, else None."""
    return guards.over_limit(container, request, bucket, allowance=allowance)


def rate_limited(container: UseCases, request: Request, post: Post, bucket: str,
                 function: str, message: str, again: Again) -> Response | None:
    """The post's page again as a 429 with ``message`` (its ``%(time)s`` filled in) if
    this client made too many posts of this kind; None if it may go on."""
    wait = over_limit(container, request, bucket)
    if wait is None:
        return None
    return _limited(function, post.ctx, post.values, message, wait, again)


def _limited(function: str, ctx: views.PageContext, values: dict[str, str], message: str,
             wait: float, again: Again) -> Response:
    refused(function, "rate_limit")
    notice = ctx.gettext(message) % {"time": views.minutes_in_plain_words(ctx, wait_minutes(wait))}
    return again(ctx, values, 429, notice, headers=retry_headers(wait))


def retry_headers(seconds: float) -> dict[str, str]:
    return guards.retry_after(seconds)


def wait_minutes(seconds: float) -> int:
    return max(1, int(timedelta(seconds=seconds).total_seconds() + 59) // 60)


def forbidden(ctx: views.PageContext) -> Response:
    return views.problem(ctx, 403, "forbidden")


STALE = N_("For your security, this form had expired. Your answers are kept below: check "
           "them and send the form again.")
HONEYPOT = N_("This form could not be accepted. Check your answers and send it again.")
PAGE_FIELDS = (security.TOKEN_FIELD, security.HONEYPOT_FIELD, security.LANGUAGE_FIELD,
               "draft", "step", "action")


class Again(Protocol):
    """Shows the page of a post again with what was sent, a status and a notice."""

    def __call__(self, ctx: views.PageContext, values: dict[str, str], status: int,
                 notice: str | None = None, *,
                 headers: dict[str, str] | None = None) -> Response: ...


@dataclass(frozen=True)
class RateLimit:
    """A rate limit a post is counted against before its body is read, and the notice
    (with ``%(time)s``) shown with the form when the client is over it."""

    bucket: str
    notice: str
    allowance: int = 1  # times the limit (guards.over_limit)


@dataclass
class Post:
    """A browser's form post that passed the checks: its page context, its body without the
    page's own fields, and what was typed, as sent."""

    ctx: views.PageContext
    body: dict[str, Any]
    pairs: list[tuple[str, str]]
    values: dict[str, str]
    files: list[Upload] = field(default_factory=list)  # of a multipart post


def receive_post(container: UseCases, request: Request, function: str, limit: int,
                 again: Again, *, rate_limit: RateLimit | None = None,
                 file_refused: Again | None = None,
                 also_from: str | None = None,
                 max_fields: int = MAX_FORM_FIELDS) -> Post | Response:
    """Run the checks every browser post passes; a Response if one refuses it.
    ``file_refused`` shows the page again when a file of a multipart post is over a limit
    (by default a form's last step does, and any other post gets the problem page).
    ``also_from``: another origin whose posts this page accepts (pages reached through a
    load balancer on another host too)."""
    origin = origin_of(request, container.settings.site_origin)
    if origin is Origin.CROSS and also_from is not None:
        origin = origin_of(request, also_from)
    if origin is Origin.CROSS:
        refused(function, "cross_site")
        return forbidden(page_context(container, request, language(request)))
    wait = over_limit(container, request, rate_limit.bucket,
                      allowance=rate_limit.allowance) if rate_limit else None
    files: list[Upload] = []
    try:
        if request.mimetype == MULTIPART_TYPE and container.evidence_limits.max_files:
            multipart = read_multipart(request, limit, container.evidence_limits)
            body, pairs, files = multipart.fields, multipart.pairs, multipart.files
        else:
            body, pairs = read_form_pairs(request, limit, max_fields)
    except MultipartProblem as problem:
        # A file over a limit: the page again, with its answers and the file named.
        values = dict(problem.pairs)
        ctx = page_context(container, request,
                           language(request, values.get(security.LANGUAGE_FIELD)))
        refused(function, f"http_{problem.status}")
        if file_refused is None and "draft" not in values:
            return views.problem(ctx, problem.status, "too_large")
        return (file_refused or again)(ctx, values, problem.status, evidence_notices.refused(
            problem.refused.reason, problem.refused.name, ctx.language.code,
            container.evidence_limits))
    except HttpProblem as problem:
        ctx = page_context(container, request, language(request))
        if wait is not None:  # over the limit with a body that cannot be shown back
            refused(function, "rate_limit")
            return views.problem(ctx, 429, "rate_limited", minutes=wait_minutes(wait),
                                 headers=retry_headers(wait))
        refused(function, f"http_{problem.status}")
        return views.problem(ctx, problem.status,
                             "too_large" if problem.status == 413 else "bad_request")
    values = dict(pairs)
    ctx = page_context(container, request,
                       language(request, values.get(security.LANGUAGE_FIELD)))
    if wait is not None and rate_limit is not None:
        return _limited(function, ctx, values, rate_limit.notice, wait, again)
    verdict = check_forgery(container, request, values, origin)
    if not verdict.accepted:
        refused(function, "csrf")
        return again(ctx, values, 403, ctx.gettext(STALE)) if verdict.recoverable \
            else forbidden(ctx)
    if values.get(security.HONEYPOT_FIELD, "").strip():
        refused(function, "honeypot")
        return again(ctx, values, 400, ctx.gettext(HONEYPOT))
    for name in PAGE_FIELDS:
        body.pop(name, None)
    return Post(ctx, body, pairs, values, files)
