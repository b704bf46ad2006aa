"""A browser's form post to a submit function: the same parsing, validation and service as
the JSON API, answered with pages.

Whatever goes wrong, the person gets the form back with what they typed: errors next to
the fields and in a summary (422), a stale anti-forgery token (403), the honeypot (400), the
rate limit (429, decided before the body is read, and counting every post), a reused
idempotency key (409), a store that is down (503). Success is the confirmation page (201)
with the reference, the next steps and the receipt code.
"""

from __future__ import annotations

from flask import Request, Response
from marshmallow import Schema

from shared import logs
from shared.bootstrap import Container
from shared.domain.forms import FormSpec
from shared.endpoints import browser, guards
from shared.endpoints.validation import validated
from shared.http import BROWSER_FORM_FACTOR, HttpProblem, idempotency_key
from shared.ports import StoreUnavailable
from shared.services.receive import IdempotencyConflict, receive_submission
from shared.web import views
from shared.web.errors import flat_errors, row_map
from shared.web.formdefs import N_
from shared.web.pages import PAGES
from shared.web.render import Urls

log = logs.get_logger(__name__)

NOTICES = {
    "rate_limited": N_("Too many forms were sent from your network in a short time, so "
                       "nothing was stored. Your answers are kept below: wait %(minutes)s "
                       "minutes and send the form again."),
    "conflict": N_("This form was already sent with different answers. To send these answers "
                   "as a new, separate submission, check them and send the form again."),
    "unavailable": N_("The service is busy and nothing was stored. Your answers are kept "
                      "below: wait a moment and send the form again."),
    "bad_key": N_("The form could not be read. Your answers are kept below: send the form "
                  "again."),
}


def submit_from_browser(form: FormSpec, schema: Schema, container: Container,
                        request: Request) -> Response:
    """Answer a browser: pages for a form post, the form page for a GET."""
    if request.method in ("GET", "HEAD"):
        urls = Urls.from_base_url(container.settings.functions_base_url)
        location = urls.page(form.code, browser.language(request).code)
        return Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})
    try:
        return _post(form, schema, container, request)
    except Exception:
        log.exception("unexpected error", extra={"event": "bug", "function": form.function})
        ctx = browser.page_context(container, request, browser.language(request))
        return views.problem(ctx, 500, "internal")


def _post(form: FormSpec, schema: Schema, container: Container, request: Request) -> Response:
    page = PAGES[form.code]

    def again(ctx: views.PageContext, values: dict[str, str], status: int,
              notice: str | None = None, *, errors: dict[str, list[str]] | None = None,
              key: str | None = None, headers: dict[str, str] | None = None) -> Response:
        return views.form(ctx, page, values=values, errors=errors, status=status,
                          idempotency_key=key or values.get("idempotency_key"),
                          notice=notice, headers=headers)

    post = browser.receive_post(container, request, form.function,
                                container.settings.max_body_bytes * BROWSER_FORM_FACTOR, again,
                                rate_limit=browser.RateLimit(guards.SUBMIT_BUCKET,
                                                             NOTICES["rate_limited"]))
    if isinstance(post, Response):
        return post
    ctx, body, values = post.ctx, post.body, post.values
    gettext = ctx.gettext
    try:
        key = idempotency_key(request, body)
    except HttpProblem:
        browser.refused(form.function, "idempotency_key")
        return again(ctx, values, 400, gettext(NOTICES["bad_key"]),
                     key=views.new_idempotency_key())
    try:
        data = validated(schema, body, container)
    except HttpProblem as problem:
        log.info("request refused", extra={"event": "request_refused",
                                           "function": form.function, "status": problem.status,
                                           "fields": problem.log_fields})
        return again(ctx, values, problem.status,
                     errors=flat_errors(problem.errors, row_map(post.pairs)))
    c = container
    try:
        ack = receive_submission(form, data, idempotency_key=key, store=c.store,
                                 queue=c.queue, sealer=c.sealer,
                                 digests=c.replay_digests, clock=c.clock,
                                 receipt_window=c.replay_receipt_window)
    except IdempotencyConflict:
        return again(ctx, values, 409, gettext(NOTICES["conflict"]),
                     key=views.new_idempotency_key())
    except StoreUnavailable as error:
        log.error("dependency unavailable", extra={
            "event": "dependency_unavailable", "function": form.function,
            "error": str(error)[:300]})
        return again(ctx, values, 503, gettext(NOTICES["unavailable"]),
                     headers={"Retry-After": "30"})
    headers = {"Idempotent-Replayed": "true"} if ack.replayed else {}
    return views.confirmation(ctx, form, ack.reference, ack.received_at, ack.next_steps,
                              ack.receipt, headers=headers)
