"""The anonymous follow-up page's posts: open a case with reference and receipt code, and
add information to an opened case.

Opening answers the same page, status and headers for an unknown reference as for a wrong
receipt code (the service does the same work for both); only the reference typed is shown
back, never the receipt code. Adding information needs the signed access token the opened
page carries; if it has expired, the person is asked for the receipt again and the message
they wrote travels with that form, so it is not lost.
"""

from __future__ import annotations

from datetime import datetime

from flask import Request, Response

from schemas.follow_up import FollowUpLookupSchema, FollowUpMessageSchema
from shared.bootstrap import Container
from shared.endpoints import browser
from shared.endpoints.validation import validated
from shared.http import HttpProblem
from shared.services.follow_up import (
    CaseView,
    Locked,
    NoMatch,
    add_message,
    open_case,
    read_case,
)
from shared.web import follow_up_views, security, views
from shared.web.errors import flat_errors
from shared.web.formdefs import N_

_LOOKUP = FollowUpLookupSchema()
_MESSAGE = FollowUpMessageSchema()
LIMIT = 64 * 1024
FUNCTION = "forms"

NO_MATCH = N_("No case matches this reference and receipt code. Check both and try again.")
LOCKED = N_("Too many wrong attempts for this reference. For your protection it is locked: "
            "try again in %(minutes)s minutes.")
TOO_MANY = N_("Too many attempts from your network in a short time. Try again in "
              "%(minutes)s minutes.")
EXPIRED = N_("For your safety, the page had expired. Enter your reference and receipt code "
             "again: your message is kept and will be added to your case.")


def _lookup_again(ctx: views.PageContext, values: dict[str, str], status: int,
                  notice: str | None = None, *, errors: dict[str, list[str]] | None = None,
                  headers: dict[str, str] | None = None) -> Response:
    kept = {"reference": values.get("reference", "")}  # never echo a receipt code
    return follow_up_views.follow_up(ctx, values=kept, errors=errors, notice=notice,
                                     status=status, pending=values.get("message") or None,
                                     message_id=values.get("message_id"), headers=headers)


def _minutes_until(until: datetime, now: datetime) -> int:
    return browser.wait_minutes((until - now).total_seconds())


def open_with_receipt(container: Container, request: Request) -> Response:
    """POST /follow-up: the case behind a reference and receipt code."""
    post = browser.receive_post(container, request, FUNCTION, LIMIT, _lookup_again)
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
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
        view = open_case(data["reference"], data["receipt"], store=c.store,
                         follow_up=c.follow_up, cipher=c.cipher, queue=c.queue, clock=c.clock,
                         lock_for=c.follow_up_lock, policy=c.policy)
    except NoMatch:
        return _lookup_again(ctx, values, 422, ctx.gettext(NO_MATCH))
    except Locked as locked:
        seconds = max(1.0, (locked.until - c.clock.now()).total_seconds())
        notice = ctx.gettext(LOCKED) % {"minutes": _minutes_until(locked.until, c.clock.now())}
        return _lookup_again(ctx, values, 429, notice, headers=browser.retry_headers(seconds))
    pending = post.body.get("message")
    if pending is not None:
        return _add(container, ctx, view, {"message": pending,
                                           "message_id": post.body.get("message_id")})
    return follow_up_views.case(ctx, view, access=_access(container, ctx, view))


def _access(container: Container, ctx: views.PageContext, view: CaseView) -> str:
    return security.issue_access(container.forms_secret, view.reference, ctx.cookie)


def _add(container: Container, ctx: views.PageContext, view: CaseView,
         body: dict[str, object]) -> Response:
    access = _access(container, ctx, view)
    try:
        data = validated(_MESSAGE, {k: v for k, v in body.items() if v is not None}, container)
    except HttpProblem as problem:
        return follow_up_views.case(ctx, view, access=access,
                                    message=str(body.get("message") or ""),
                                    errors=flat_errors(problem.errors, {}), status=422)
    c = container
    add_message(view.reference, data["message"], data["message_id"], store=c.store,
                follow_up=c.follow_up, cipher=c.cipher, queue=c.queue, clock=c.clock)
    opened = read_case(view.reference, store=c.store, follow_up=c.follow_up, cipher=c.cipher,
                       queue=c.queue, clock=c.clock, policy=c.policy)
    return follow_up_views.case(ctx, opened, access=access, added=True)


def add_information(container: Container, request: Request) -> Response:
    """POST /follow-up/message: add the submitter's text to a case they opened."""
    post = browser.receive_post(container, request, FUNCTION, LIMIT, _lookup_again)
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
    reference = security.check_access(container.forms_secret, values.get("access"),
                                      security.browser_cookie(request))
    if reference is None:
        return _lookup_again(ctx, values, 403, ctx.gettext(EXPIRED))
    limited = browser.rate_limited(container, request, post, "follow_up_message", FUNCTION,
                                   TOO_MANY, _lookup_again)
    if limited is not None:
        return limited
    c = container
    try:
        view = read_case(reference, store=c.store, follow_up=c.follow_up, cipher=c.cipher,
                         queue=c.queue, clock=c.clock, policy=c.policy)
    except NoMatch:
        return _lookup_again(ctx, {}, 422, ctx.gettext(NO_MATCH))
    body = {k: v for k, v in post.body.items() if k != "access"}
    return _add(container, ctx, view, body)
