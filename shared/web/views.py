"""The pages, each as a function from what it shows to an HTTP response."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Response

from shared.domain.forms import FormSpec
from shared.web import formview
from shared.web.formdefs import N_, FormPage
from shared.web.i18n import Language
from shared.web.render import Urls, gettext_for, html_response, render


@dataclass(frozen=True)
class PageContext:
    """What every page of one request needs."""

    language: Language
    urls: Urls
    https: bool
    csrf_token: str
    cookies: tuple[str, ...] = ()
    switch_to: Callable[[str], str] | None = None
    settings: Mapping[str, int] = field(default_factory=dict)
    cookie: str = field(default="", repr=False)  # the anti-forgery cookie tokens bind to

    @property
    def gettext(self) -> Callable[[str], str]:
        return gettext_for(self.language.code)  # type: ignore[no-any-return]

    def respond(self, status: int, template: str, *, headers: Mapping[str, str] | None = None,
                **context: Any) -> Response:
        body = render(template, self.language, urls=self.urls, csrf_token=self.csrf_token,
                      switch_to=self.switch_to, has_errors=context.pop("has_errors", False),
                      policy=self.settings, **context)
        return html_response(status, body, language=self.language, https=self.https,
                             headers=headers, cookies=list(self.cookies))


def when(ctx: PageContext, moment: datetime) -> str:
    from babel.dates import format_datetime

    text = format_datetime(moment.astimezone(UTC), "medium", tzinfo=UTC,
                           locale=ctx.language.babel_locale)
    return f"{text} UTC"


def new_idempotency_key() -> str:
    return "web-" + secrets.token_hex(16)


def start(ctx: PageContext) -> Response:
    return ctx.respond(200, "start.html", title=ctx.gettext(N_("Contact the Ethics Office")))


def form(ctx: PageContext, page: FormPage, *, values: Mapping[str, str] | None = None,
         errors: Mapping[str, list[str]] | None = None, status: int = 200,
         idempotency_key: str | None = None, notice: str | None = None,
         headers: Mapping[str, str] | None = None) -> Response:
    """A form page, blank or with what was sent and what is wrong with it. ``notice``: a
    problem that belongs to no field (shown first in the error summary)."""
    gettext = ctx.gettext
    view = formview.build(page, values or {}, errors or {}, gettext)
    if notice:
        view.summary.insert(0, formview.SummaryItem(None, notice))
    intro = [gettext(p) for p in page.intro]
    if page.code == "retaliation":
        intro.append(gettext(N_("File within %(months)s months of the last retaliatory act. "
                                "A later complaint is still received.")) % {
            "months": ctx.settings.get("filing_window_months", 6)})
    return ctx.respond(status, "form.html", headers=headers, title=gettext(page.title),
                       has_errors=bool(view.summary), view=view, intro=intro,
                       action=ctx.urls.function(page.function),
                       idempotency_key=idempotency_key or new_idempotency_key(),
                       submit_label=gettext(page.submit_label))


_RECEIVED = {
    "advice": N_("Your request was received"),
    "misconduct": N_("Your report was received"),
    "retaliation": N_("Your complaint was received"),
}
_RECEIVED_FALLBACK = N_("Your form was received")


def confirmation(ctx: PageContext, spec: FormSpec, reference: str, received_at: datetime,
                 next_steps: tuple[str, ...], receipt: str | None,
                 headers: Mapping[str, str] | None = None) -> Response:
    gettext = ctx.gettext
    heading = gettext(_RECEIVED.get(spec.code, _RECEIVED_FALLBACK))
    return ctx.respond(201, "confirmation.html", headers=headers, title=heading,
                       heading=heading, reference=reference,
                       received_at=when(ctx, received_at), receipt=receipt,
                       next_steps=[gettext(step) for step in next_steps])


@dataclass(frozen=True)
class Problem:
    title: str
    paragraphs: tuple[str, ...]


PROBLEMS = {
    "not_found": Problem(N_("Page not found"), (
        N_("There is no page at this address. Check it, or start again from the list of "
           "forms."),)),
    "method": Problem(N_("This page cannot do that"), (
        N_("The page was asked to do something it does not do. Start again from the list "
           "of forms."),)),
    "forbidden": Problem(N_("This form could not be accepted"), (
        N_("For your protection, we only accept forms sent from this site's own pages, "
           "with cookies allowed for it."),
        N_("Nothing was stored. Open the form again and send it from there."))),
    "too_large": Problem(N_("What you sent is too long"), (
        N_("Nothing was stored. Shorten the longest answers, or send the rest later on the "
           "follow-up page."),)),
    "bad_request": Problem(N_("The form could not be read"), (
        N_("Nothing was stored. Open the form again and send it from there."),)),
    "rate_limited": Problem(N_("Too many forms sent"), (
        N_("Too many forms were sent from your network in a short time. Nothing was "
           "stored. Wait %(minutes)s minutes and try again."),)),
    "unavailable": Problem(N_("The service is busy"), (
        N_("Nothing was stored. Wait a moment and try again."),)),
    "internal": Problem(N_("Something went wrong"), (
        N_("We could not handle your request. Try again in a few minutes."),)),
}


def problem(ctx: PageContext, status: int, kind: str, *, minutes: int = 1,
            headers: Mapping[str, str] | None = None) -> Response:
    gettext = ctx.gettext
    spec = PROBLEMS[kind]
    paragraphs = [gettext(p) % {"minutes": minutes} if "%(minutes)s" in p else gettext(p)
                  for p in spec.paragraphs]
    return ctx.respond(status, "problem.html", headers=headers, title=gettext(spec.title),
                       paragraphs=paragraphs, back_url=ctx.urls.page("", ctx.language.code),
                       back_label=gettext(N_("Back to all forms")))
