"""A browser's "Send" on a form's last page, "Check your answers": the same validation and
service as the JSON API, answered with pages.

The answers come sealed in the page (``shared.endpoints.form_steps``); a post of the whole
form in one go (the names the API's form encoding uses) is read the same way. Whatever goes
wrong, the person gets "Check your answers" back with every answer kept and the problem
said: errors linked to the step that fixes them (422), a stale anti-forgery token (403),
the honeypot (400), the rate limit (429, decided before the body is read, and counting
every post, as on the API), a store that is down (503). Success is a redirect to the
one-time confirmation, which a short-lived cookie carries (post, redirect, get); a browser
that sent no cookie gets the confirmation in the answer itself. Every submitter, named or
anonymous, gets a receipt code with the reference.

A form already sent (the browser's Back and reload, or "Send" pressed again) never makes a
second case and never shows the receipt code again: it answers "This page has expired".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import Request, Response
from marshmallow import Schema

from shared import logs
from shared.domain import evidence_notices
from shared.domain.evidence import FileRefused, Prepared
from shared.domain.forms import FormSpec
from shared.endpoints import browser, guards, page_state
from shared.endpoints.base import unavailable
from shared.endpoints.confirmation import see_other
from shared.endpoints.errors import answer_for
from shared.endpoints.form_steps import EXPIRED_DRAFT, flow_of, show
from shared.endpoints.validation import validated
from shared.http.browsers import BROWSER_FORM_FACTOR
from shared.http.idempotency import IDEMPOTENCY_FIELD
from shared.http.problems import HttpProblem
from shared.ports.evidence import EvidenceUnavailable, ScannerUnavailable
from shared.ports.storage import StoreUnavailable
from shared.services.receive import IdempotencyConflict
from shared.web import security, views
from shared.web.errors import flat_errors
from shared.web.flow import Draft, Flow, new_key
from shared.web.formdefs import CHECK_STEP, N_
from shared.web.pages import PAGES
from shared.web.render import Urls

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

log = logs.get_logger(__name__)

NOTICES = {
    "rate_limited": N_("Too many forms were sent from your network in a short time, so "
                       "nothing was stored. Your answers are kept below: wait %(time)s "
                       "and send the form again."),
    "unavailable": N_("The service is busy and nothing was stored. Your answers are kept "
                      "below: wait a moment and send the form again."),
}
_KEY = re.compile(r"[A-Za-z0-9._:-]{16,128}")


def submit_from_browser(form: FormSpec, schema: Schema, container: UseCases,
                        request: Request) -> Response:
    """Answer a browser: pages for a form post, the form page for a GET."""
    if request.method in ("GET", "HEAD"):
        urls = Urls.from_base_url(container.settings.functions_base_url)
        location = urls.page(form.code, browser.language(request).code)
        return Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})
    return browser.with_error_pages(container, request, form.function,
                                    lambda: _post(form, schema, container, request))


def _draft(container: UseCases, request: Request, form: FormSpec,
           values: dict[str, str]) -> Draft | None:
    """The answers of a post: its sealed draft, or the whole form posted in one go."""
    if "draft" in values:
        return page_state.open_draft(container, request, form.code, values["draft"])
    key = values.get(IDEMPOTENCY_FIELD, "")
    flat = {k: v for k, v in values.items()
            if k not in (*browser.PAGE_FIELDS, IDEMPOTENCY_FIELD)}
    return Draft(form.code, key if _KEY.fullmatch(key) else new_key(), flat)


def _post(form: FormSpec, schema: Schema, container: UseCases, request: Request) -> Response:
    page = PAGES[form.code]
    flow = flow_of(container, page)

    def again(ctx: views.PageContext, values: dict[str, str], status: int,
              notice: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
        draft = _draft(container, request, form, values)
        if draft is None or page_state.already_sent(container, form.code, draft.key):
            return views.expired(ctx, status=status if draft is None else 410)
        draft.values[page.consent.name] = values.get(page.consent.name, "")
        return show(container, request, ctx, flow, draft, CHECK_STEP, notice=notice,
                    status=status, headers=headers)

    post = browser.receive_post(container, request, form.function,
                                container.settings.max_body_bytes * BROWSER_FORM_FACTOR, again,
                                rate_limit=browser.RateLimit(guards.SUBMIT_BUCKET,
                                                             NOTICES["rate_limited"]))
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
    draft = _draft(container, request, form, values)
    if draft is None:
        draft = Draft(form.code)
        return show(container, request, ctx, flow, draft, flow.next_step(draft),
                    notice=ctx.gettext(EXPIRED_DRAFT), status=400)
    draft.values[page.consent.name] = values.get(page.consent.name, "")
    if page_state.already_sent(container, form.code, draft.key):
        return _sent_before(container, request, ctx, draft)
    problems = flow.problems(draft, consent=True)
    assembled = flow.assemble(draft)
    try:
        data = validated(schema, assembled.body, container)
    except HttpProblem as problem:
        log.info("request refused", extra={"event": "request_refused",
                                           "function": form.function, "status": problem.status,
                                           "fields": problem.log_fields})
        found = flat_errors(problem.errors, assembled.rows)
        problems = {**found, **problems}
    if problems:
        return show(container, request, ctx, flow, draft, CHECK_STEP, problems=problems,
                    status=422)
    try:
        evidence = tuple(container.prepare_evidence(post.files)) if post.files else ()
    except FileRefused as refused:
        log.info("attachment refused", extra={"event": "request_refused",
                                              "function": form.function,
                                              "status": refused.status,
                                              "fields": [refused.reason]})
        return show(container, request, ctx, flow, draft, CHECK_STEP,
                    notice=evidence_notices.refused(refused.reason, refused.name,
                                                    ctx.language.code,
                                                    container.evidence_limits),
                    status=refused.status)
    except ScannerUnavailable as error:
        unavailable(form.function, error)
        answer = answer_for(error).problem(error)  # type: ignore[union-attr]
        return show(container, request, ctx, flow, draft, CHECK_STEP,
                    notice=ctx.gettext(NOTICES["unavailable"]), status=answer.status,
                    headers=answer.headers)
    return _send(container, request, ctx, flow, form, draft, data, evidence)


def _send(container: UseCases, request: Request, ctx: views.PageContext, flow: Flow,
          form: FormSpec, draft: Draft, data: dict[str, object],
          evidence: tuple[Prepared, ...] = ()) -> Response:
    try:
        ack = container.receive_submission(form, data, idempotency_key=draft.key,
                                           evidence=evidence)
    except IdempotencyConflict:
        return _sent_before(container, request, ctx, draft)
    except (StoreUnavailable, EvidenceUnavailable) as error:
        # As the error table answers it, with the answers kept on "Check your answers".
        unavailable(form.function, error)
        answer = answer_for(error).problem(error)  # type: ignore[union-attr]
        return show(container, request, ctx, flow, draft, CHECK_STEP,
                    notice=ctx.gettext(NOTICES["unavailable"]), status=answer.status,
                    headers=answer.headers)
    if ack.replayed:
        return _sent_before(container, request, ctx, draft)
    receipt = views.Receipt(form.code, ack.reference, ack.received_at, ack.receipt,
                            ack.proof)
    confirmation = page_state.Confirmation(receipt, draft.key)
    if ack.files:
        # What was removed from each file is said on the confirmation itself: the names of
        # the files never go into a cookie.
        told = [" ".join(evidence_notices.tell(notice, ctx.language.code))
                for notice in ack.files]
        return views.confirmation(ctx, PAGES[form.code], confirmation.receipt, status=201,
                                  shown=True, files=told)
    if security.browser_cookie(request) is None:  # no cookie came: it may never be kept
        return views.confirmation(ctx, PAGES[form.code], confirmation.receipt, status=201,
                                  shown=True)
    cookie = page_state.receipt_cookie(container, request, ctx.cookie, confirmation)
    return see_other(ctx.urls.page("received", ctx.language.code), (cookie,))


def _sent_before(container: UseCases, request: Request, ctx: views.PageContext,
                 draft: Draft) -> Response:
    """A form sent again: its confirmation if it was not shown yet (a double click), else
    "This page has expired"."""
    pending = page_state.read_confirmation(container, request)
    if pending is not None and pending.key == draft.key and not pending.shown:
        return see_other(ctx.urls.page("received", ctx.language.code))
    log.info("a sent form was sent again", extra={"event": "form_resent",
                                                  "function": f"submit_{draft.form}"})
    return views.expired(ctx)
