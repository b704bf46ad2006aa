"""The follow-up page's posts (for every submitter, named or anonymous): open a case with
reference and receipt code, add information to it, and leave it; and the opened case.

Opening answers the same page, status and headers for an unknown reference as for a wrong
receipt code (the service does the same work for both), the warning before this client's
last attempt and its pause included; only the reference typed is shown back, never the
receipt code. An opened case lives in a short-lived cookie (post, redirect,
get): the browser's history holds only the address of the case page, which shows "This
page has expired" once the case is left or its time is up. Adding information needs that
cookie; if it has expired, the person is asked for the receipt again and the message they
wrote travels with that form, so it is not lost (files do not: they are asked for again).

Information may come with files (a multipart post, where attachments are accepted): checked,
cleaned and scanned as the forms' files are, before anything is added; the page that
answers says what was removed from each (docs/evidence.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Request, Response

from schemas.follow_up import FollowUpLookupSchema, FollowUpMessageSchema, FollowUpReviewSchema
from shared.domain import evidence_notices
from shared.domain.evidence import FileRefused, Upload
from shared.endpoints import browser, guards, page_state
from shared.endpoints.base import unavailable
from shared.endpoints.confirmation import see_other
from shared.endpoints.errors import ANSWERS, name_of
from shared.endpoints.validation import validated
from shared.http.forms import MULTIPART_TYPE
from shared.http.problems import HttpProblem
from shared.ports.evidence import EvidenceUnavailable, ScannerUnavailable
from shared.ports.storage import StoreUnavailable
from shared.services.follow_up import CaseView, Locked, NoMatch, Paced
from shared.services.proxy_intake import NotReviewable
from shared.web import follow_up_views, security, views
from shared.web.errors import flat_errors
from shared.web.formdefs import N_
from shared.web.i18n import LANGUAGES

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

_LOOKUP = FollowUpLookupSchema()
_MESSAGE = FollowUpMessageSchema()
_REVIEW = FollowUpReviewSchema()
LIMIT = 256 * 1024
FUNCTION = "forms"

NO_MATCH = N_("No case matches this reference and receipt code. Check both and try again.")
LAST_ATTEMPT = N_("No case matches this reference and receipt code. Check both carefully: "
                  "if the next attempt is wrong too, attempts from your network are paused "
                  "for %(time)s.")
LOCKED = N_("Too many wrong attempts from your network for this reference. For your "
            "protection, attempts from your network are paused: try again in %(time)s.")
PACED = N_("Many wrong attempts have been made for this reference. For your protection, it "
           "can only be tried now and then: try again in %(time)s.")
TOO_MANY = N_("Too many attempts from your network in a short time. Try again in "
              "%(time)s.")
EXPIRED_REVIEW = N_("For your safety, your case was closed on this device. Enter your "
                    "reference and receipt code again, then answer about the record.")
MESSAGES_LIMIT = browser.RateLimit("follow_up_message", TOO_MANY)
UNAVAILABLE = N_("The service is busy and nothing was added. Your message is kept below: "
                 "wait a moment and send it again, with its files.")
FILES_AGAIN = N_("Attach your files again when you send it.")
EXPIRED = N_("For your safety, your case was closed on this device. Enter your reference and "
             "receipt code again: your message is kept and will be added to your case.")


def _lookup_again(ctx: views.PageContext, values: dict[str, str], status: int,
                  notice: str | None = None, *, errors: dict[str, list[object]] | None = None,
                  headers: dict[str, str] | None = None) -> Response:
    kept = {"reference": values.get("reference", "")}  # never echo a receipt code
    return follow_up_views.follow_up(ctx, values=kept, errors=errors, notice=notice,
                                     status=status, pending=values.get("message") or None,
                                     message_id=values.get("message_id"), headers=headers)


def _time_until(ctx: views.PageContext, until: datetime, now: datetime) -> str:
    return views.minutes_in_plain_words(
        ctx, browser.wait_minutes((until - now).total_seconds()))


def _paused(ctx: views.PageContext, values: dict[str, str], message: str, until: datetime,
            now: datetime) -> Response:
    seconds = max(1.0, (until - now).total_seconds())
    notice = ctx.gettext(message) % {"time": _time_until(ctx, until, now)}
    return _lookup_again(ctx, values, 429, notice, headers=browser.retry_headers(seconds))


def _switched(container: UseCases, request: Request, values: dict[str, str],
              ctx: views.PageContext) -> views.PageContext | None:
    """The page context in the language a language button asked for, if one was pressed."""
    action = values.get("action", "")
    if action.startswith("lang:") and action[5:] in LANGUAGES:
        return browser.page_context(container, request, LANGUAGES[action[5:]])
    return None


def open_with_receipt(container: UseCases, request: Request) -> Response:
    """POST /follow-up: the case behind a reference and receipt code."""
    post = browser.receive_post(container, request, FUNCTION, LIMIT, _lookup_again)
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
    switched = _switched(container, request, values, ctx)
    if switched is not None:
        return _lookup_again(switched, values, 200)
    lookup = {k: v for k, v in post.body.items() if k not in ("message", "message_id")}
    try:
        data = validated(_LOOKUP, lookup, container)
    except HttpProblem as problem:
        return _lookup_again(ctx, values, 422, errors=flat_errors(problem.errors, {}))
    limited = browser.rate_limited(container, request, post, "follow_up", FUNCTION, TOO_MANY,
                                   _lookup_again)
    if limited is not None:
        return limited
    c = container
    try:
        view = c.follow_up.open_case(data["reference"], data["receipt"],
                                     client=guards.client_of(c, request))
    except NoMatch as miss:
        if miss.remaining == 1:
            lock_time = views.minutes_in_plain_words(ctx, ctx.settings.get("lock_minutes", 60))
            notice = ctx.gettext(LAST_ATTEMPT) % {"time": lock_time}
        else:
            notice = ctx.gettext(NO_MATCH)
        return _lookup_again(ctx, values, 422, notice)
    except Paced as paced:
        return _paused(ctx, values, PACED, paced.until, c.now())
    except Locked as locked:
        return _paused(ctx, values, LOCKED, locked.until, c.now())
    opened_at = c.now().timestamp()
    pending = post.body.get("message")
    if pending is not None:
        return _add(container, request, ctx, view, opened_at,
                    {"message": pending, "message_id": post.body.get("message_id")})
    return _to_case(container, request, ctx, view.reference, opened_at)


def _to_case(container: UseCases, request: Request, ctx: views.PageContext, reference: str,
             opened_at: float, *, added: bool = False) -> Response:
    cookie = page_state.case_cookie(container, request, ctx.cookie, reference, opened_at,
                                    added=added)
    return see_other(ctx.urls.page("follow-up/case", ctx.language.code), (*ctx.cookies, cookie))


def show_case(container: UseCases, request: Request) -> Response:
    """GET /follow-up/case: the case this browser opened, while it stays open."""
    ctx = browser.page_context(container, request, browser.language(request))
    opened = page_state.read_case(container, request)
    if opened is None:
        return views.expired(ctx, case=True,
                             cookies=page_state.clear(request, security.CASE_COOKIE))
    try:
        view = container.follow_up.read_case(opened.reference)
    except NoMatch:
        return views.expired(ctx, case=True,
                             cookies=page_state.clear(request, security.CASE_COOKIE))
    renewed = page_state.case_cookie(container, request, ctx.cookie, opened.reference,
                                     opened.opened_at)
    return follow_up_views.case(ctx, view, added=opened.added, cookies=(renewed,))


def _add(container: UseCases, request: Request, ctx: views.PageContext, view: CaseView,
         opened_at: float, body: dict[str, object],
         uploads: Sequence[Upload] = ()) -> Response:
    def again(status: int, *, errors: dict[str, list[object]] | None = None,
              notice: str | None = None, headers: dict[str, str] | None = None) -> Response:
        cookie = page_state.case_cookie(container, request, ctx.cookie, view.reference,
                                        opened_at)
        return follow_up_views.case(ctx, view, message=str(body.get("message") or ""),
                                    errors=errors, notice=notice, status=status,
                                    cookies=(cookie,), headers=headers)

    try:
        data = validated(_MESSAGE, {k: v for k, v in body.items() if v is not None}, container)
    except HttpProblem as problem:
        return again(422, errors=flat_errors(problem.errors, {}))
    if view.purged_at is not None:  # a purged case takes nothing: its page says so
        return _to_case(container, request, ctx, view.reference, opened_at)
    # Files are checked after the text, and a refused one adds nothing (the text is kept).
    try:
        evidence = tuple(container.prepare_evidence(uploads)) if uploads else ()
    except FileRefused as refused:
        browser.refused(FUNCTION, f"http_{refused.status}")
        return again(refused.status, notice=evidence_notices.refused(
            refused.reason, refused.name, ctx.language.code, container.evidence_limits))
    except ScannerUnavailable as error:
        unavailable(FUNCTION, error)
        answer = ANSWERS[name_of(ScannerUnavailable)].problem(error)
        return again(answer.status, notice=ctx.gettext(UNAVAILABLE), headers=answer.headers)
    try:
        added = container.follow_up.add_message(view.reference, data["message"],
                                                 data["message_id"], evidence=evidence)
    except (StoreUnavailable, EvidenceUnavailable) as error:
        unavailable(FUNCTION, error)
        answer = ANSWERS[name_of(StoreUnavailable)].problem(error)
        return again(answer.status, notice=ctx.gettext(UNAVAILABLE), headers=answer.headers)
    except NoMatch:  # purged since the page was read: its page says so
        return _to_case(container, request, ctx, view.reference, opened_at)
    if added.files:
        # What was removed from each file is said on the page that answers the post: the
        # names of the files never go into a cookie. A reload posts the same message id
        # again, which adds nothing.
        told = [" ".join(evidence_notices.tell(notice, ctx.language.code))
                for notice in added.files]
        cookie = page_state.case_cookie(container, request, ctx.cookie, view.reference,
                                        opened_at)
        return follow_up_views.case(ctx, container.follow_up.read_case(view.reference),
                                    added=True, files=told, cookies=(cookie,))
    return _to_case(container, request, ctx, view.reference, opened_at, added=True)


def _case_again(container: UseCases, request: Request) -> browser.Again:
    """The case page again, the text kept and a file named, when a file of a post is over
    a limit (the lookup page if the case is no longer open on this browser)."""

    def again(ctx: views.PageContext, values: dict[str, str], status: int,
              notice: str | None = None, *,
              headers: dict[str, str] | None = None) -> Response:
        opened = page_state.read_case(container, request)
        if opened is None:
            return _lookup_again(ctx, values, status, notice, headers=headers)
        try:
            view = container.follow_up.read_case(opened.reference)
        except NoMatch:
            return _lookup_again(ctx, {}, 422, ctx.gettext(NO_MATCH))
        cookie = page_state.case_cookie(container, request, ctx.cookie, view.reference,
                                        opened.opened_at)
        return follow_up_views.case(ctx, view, message=values.get("message", ""),
                                    notice=notice, status=status, cookies=(cookie,),
                                    headers=headers)

    return again


def add_information(container: UseCases, request: Request) -> Response:
    """POST /follow-up/message: add the submitter's text, and files, to the case they
    opened."""
    # A post that may carry files is counted before its body is read, as the forms' posts
    # are; one without is counted once it is known to be a message (not a language switch).
    with_files = request.mimetype == MULTIPART_TYPE
    post = browser.receive_post(container, request, FUNCTION, LIMIT, _lookup_again,
                                rate_limit=MESSAGES_LIMIT if with_files else None,
                                file_refused=_case_again(container, request))
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
    opened = page_state.read_case(container, request)
    if opened is None:
        # The text travels with the receipt form; files are never held unstored.
        notice = ctx.gettext(EXPIRED) + (" " + ctx.gettext(FILES_AGAIN) if post.files else "")
        return _lookup_again(ctx, values, 403, notice)
    try:
        view = container.follow_up.read_case(opened.reference)
    except NoMatch:
        return _lookup_again(ctx, {}, 422, ctx.gettext(NO_MATCH))
    switched = _switched(container, request, values, ctx)
    if switched is not None:
        cookie = page_state.case_cookie(container, request, ctx.cookie, view.reference,
                                        opened.opened_at)
        return follow_up_views.case(switched, view, message=values.get("message", ""),
                                    cookies=(cookie,))
    if not with_files:
        limited = browser.rate_limited(container, request, post, MESSAGES_LIMIT.bucket,
                                       FUNCTION, TOO_MANY, _lookup_again)
        if limited is not None:
            return limited
    return _add(container, request, ctx, view, opened.opened_at, post.body, post.files)


def review_record(container: UseCases, request: Request) -> Response:
    """POST /follow-up/review: the reporter confirms the officer's record of their report,
    or asks for a correction (their words added to the case as a message)."""
    post = browser.receive_post(container, request, FUNCTION, LIMIT, _lookup_again)
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
    opened = page_state.read_case(container, request)
    if opened is None:
        return _lookup_again(ctx, {}, 403, ctx.gettext(EXPIRED_REVIEW))
    try:
        view = container.follow_up.read_case(opened.reference)
    except NoMatch:
        return _lookup_again(ctx, {}, 422, ctx.gettext(NO_MATCH))
    cookie = page_state.case_cookie(container, request, ctx.cookie, view.reference,
                                    opened.opened_at)
    switched = _switched(container, request, values, ctx)
    if switched is not None:
        return follow_up_views.case(switched, view, correction=values.get("correction", ""),
                                    cookies=(cookie,))
    limited = browser.rate_limited(container, request, post, "follow_up_message", FUNCTION,
                                   TOO_MANY, _lookup_again)
    if limited is not None:
        return limited
    body = {k: v for k, v in post.body.items() if v is not None and v != ""}
    try:
        data = validated(_REVIEW, body, container)
    except HttpProblem as problem:
        return follow_up_views.case(ctx, view, correction=str(values.get("correction", "")),
                                    errors=flat_errors(problem.errors, {}), status=422,
                                    cookies=(cookie,))
    try:
        container.follow_up.review_record(view.reference, data["answer"],
                                          data.get("correction"), data["message_id"])
    except NotReviewable:
        return follow_up_views.case(ctx, view, status=409, cookies=(cookie,))
    return _to_case(container, request, ctx, view.reference, opened.opened_at, added=True)


def leave(container: UseCases, request: Request) -> Response:
    """POST /follow-up/leave: close the case on this device."""
    post = browser.receive_post(container, request, FUNCTION, 16 * 1024, _lookup_again)
    if isinstance(post, Response):
        return post
    return see_other(post.ctx.urls.page("done", post.ctx.language.code, left="case"),
                     page_state.clear(request, security.CASE_COOKIE))
