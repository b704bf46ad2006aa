"""After a form is sent: the one-time confirmation, its text file, the page that ends it,
and "Exit this page".

The submit function answers a browser's send with a redirect here and the confirmation in
a short-lived cookie (post, redirect, get). The confirmation is shown once: reloading it,
or coming back to it through the history, shows "This page has expired". Its text file
can be downloaded once. "I have written it down" forgets it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from flask import Request, Response

from shared.endpoints import browser, page_state
from shared.web import security, views
from shared.web.pages import PAGES
from shared.web.render import PAGE_HEADERS

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

LIMIT = 16 * 1024


def show(container: UseCases, request: Request) -> Response:
    """GET /received: the confirmation, the first time only."""
    ctx = browser.page_context(container, request, browser.language(request))
    confirmation = page_state.read_confirmation(container, request)
    if confirmation is None or confirmation.shown:
        return views.expired(ctx)
    cookie = page_state.receipt_cookie(container, request, ctx.cookie,
                                       replace(confirmation, shown=True))
    return views.confirmation(ctx, PAGES[confirmation.receipt.form], confirmation.receipt,
                              cookies=(cookie,))


def download(container: UseCases, request: Request) -> Response:
    """GET /received/text: the reference and receipt code as a text file, once."""
    ctx = browser.page_context(container, request, browser.language(request))
    confirmation = page_state.read_confirmation(container, request)
    if confirmation is None or confirmation.downloaded:
        return views.expired(ctx)
    text = views.receipt_text(ctx, confirmation.receipt, container.settings.follow_up_url)
    response = Response(text.encode("utf-8"), status=200,
                        content_type="text/plain; charset=utf-8")
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Disposition"] = 'attachment; filename="ethics-office.txt"'
    response.headers.add("Set-Cookie", page_state.receipt_cookie(
        container, request, ctx.cookie, replace(confirmation, downloaded=True)))
    return response


def finish(container: UseCases, request: Request) -> Response:
    """POST /received: "I have written it down": the confirmation is forgotten."""
    post = browser.receive_post(container, request, "forms", LIMIT, _again)
    if isinstance(post, Response):
        return post
    return see_other(post.ctx.urls.page("done", post.ctx.language.code),
                     page_state.clear(request, security.RECEIPT_COOKIE))


def _again(ctx: views.PageContext, values: dict[str, str], status: int,
           notice: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
    return views.expired(ctx, status=status, headers=headers)


def done(container: UseCases, request: Request) -> Response:
    ctx = browser.page_context(container, request, browser.language(request))
    return views.done(ctx, left_case=request.args.get("left") == "case")


def leave_now(container: UseCases, request: Request) -> Response:
    """GET /exit: forget every cookie of the pages, then go to the neutral outside page."""
    response = see_other(container.settings.forms.exit_url,
                         page_state.clear(request, *security.PAGE_COOKIES))
    response.headers["Clear-Site-Data"] = '"cookies"'
    return response


def see_other(location: str, cookies: tuple[str, ...] = ()) -> Response:
    response = Response(status=303, headers={"Location": location})
    response.headers.update(PAGE_HEADERS)
    for cookie in cookies:
        response.headers.add("Set-Cookie", cookie)
    return response
