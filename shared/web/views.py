"""The pages, each as a function from what it shows to an HTTP response.

Every page has the same neutral title, "Ethics Office" ("Error: Ethics Office" when it
shows problems): a browser's history, tabs and window list must not say what someone was
doing here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import Response

from shared.web import formview
from shared.web.flow import Draft, Flow, Problems
from shared.web.formdefs import CHECK_STEP, N_, FormPage, Step
from shared.web.i18n import Language
from shared.web.messages import DATE_EXAMPLE, isolate
from shared.web.render import Urls, gettext_for, html_response, render


@dataclass(frozen=True)
class SwitchForm:
    """Language buttons that send the page's form (what was typed is kept)."""

    id: str
    action: str


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
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    @property
    def gettext(self) -> Callable[[str], str]:
        return gettext_for(self.language.code)  # type: ignore[no-any-return]

    def number(self, value: int) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.language.babel_locale))

    def format_date(self, day: date, precision: str) -> str:
        from babel.dates import format_date

        pattern = "long" if precision == "day" else "MMMM y"
        return str(format_date(day, pattern, locale=self.language.babel_locale))

    def respond(self, status: int, template: str, *, headers: Mapping[str, str] | None = None,
                cookies: tuple[str, ...] = (), **context: Any) -> Response:
        context.setdefault("switch_to", self.switch_to)
        context.setdefault("switch_form", None)
        context.setdefault("lock_links", False)
        context.setdefault("one_time", False)
        context.setdefault("default_button", False)
        context.setdefault("date_example", isolate(DATE_EXAMPLE))
        body = render(template, self.language, urls=self.urls, csrf_token=self.csrf_token,
                      has_errors=context.pop("has_errors", False), policy=self.settings,
                      **context)
        return html_response(status, body, language=self.language, https=self.https,
                             headers=headers, cookies=[*self.cookies, *cookies])


def when(ctx: PageContext, moment: datetime) -> str:
    from babel.dates import format_datetime

    text = format_datetime(moment.astimezone(UTC), "medium", tzinfo=UTC,
                           locale=ctx.language.babel_locale)
    return f"{text} UTC"


def in_plain_words(ctx: PageContext, days: int) -> str:
    """A time limit as a person says it: "about a month", not "30 days"."""
    gettext = ctx.gettext
    if days <= 3:
        return gettext(N_("within a few days"))
    if days <= 10:
        return gettext(N_("within about a week"))
    if days <= 20:
        return gettext(N_("within about two weeks"))
    if days <= 45:
        return gettext(N_("within about a month"))
    if days <= 75:
        return gettext(N_("within about two months"))
    return gettext(N_("within about %(months)s months")) % {"months": round(days / 30)}


def working_days_in_plain_words(ctx: PageContext, working_days: int) -> str:
    """Working days as a person says the time they take: 10 working days are "within
    about two weeks" (five working days to a week)."""
    return in_plain_words(ctx, -(-working_days * 7 // 5))


def minutes_in_plain_words(ctx: PageContext, minutes: int) -> str:
    gettext = ctx.gettext
    if minutes >= 90:
        return gettext(N_("about %(hours)s hours")) % {"hours": round(minutes / 60)}
    if minutes >= 45:
        return gettext(N_("about an hour"))
    if minutes <= 1:
        return gettext(N_("about a minute"))
    return gettext(N_("about %(minutes)s minutes")) % {"minutes": minutes}


def start(ctx: PageContext) -> Response:
    months = ctx.settings.get("filing_window_months", 6)
    return ctx.respond(200, "start.html",
                       review_time=in_plain_words(ctx, ctx.settings.get(
                           "preliminary_review_days", 30)), filing_months=months,
                       advice_time=_advice_time(ctx))


def _advice_time(ctx: PageContext) -> str:
    return working_days_in_plain_words(ctx, ctx.settings.get("advice_working_days", 10))


def _intro(ctx: PageContext, page: FormPage) -> list[str]:
    intro = [ctx.gettext(p) for p in page.intro]
    if page.code == "retaliation":
        intro.append(ctx.gettext(N_("File within %(months)s months of the last thing done to "
                                    "you. A later complaint is still received.")) % {
            "months": ctx.settings.get("filing_window_months", 6)})
    return intro


def _renderer(ctx: PageContext, flow: Flow, draft: Draft,
              problems: Problems | None) -> formview.Renderer:
    return formview.Renderer(flow, draft, ctx.gettext, ctx.number, ctx.format_date,
                             problems or {}, language=ctx.language.code)


def step_page(ctx: PageContext, flow: Flow, draft: Draft, step: Step, token: str, *,
              problems: Problems | None = None, notice: str | None = None, status: int = 200,
              headers: Mapping[str, str] | None = None) -> Response:
    """One step of a form: its questions, with what was typed and what is wrong."""
    page, gettext = flow.page, ctx.gettext
    view = _renderer(ctx, flow, draft, problems).step_view(step)
    if notice:
        view.summary.insert(0, formview.SummaryItem(None, notice))
    asked = flow.asked_steps(draft)
    number = asked.index(step) + 1 if step in asked else 1
    first = number == 1
    action = ctx.urls.page(page.code)
    return ctx.respond(
        status, "step.html", headers=headers, has_errors=bool(view.summary), view=view,
        caption=gettext(page.title), title=gettext(step.title),
        progress=gettext(N_("Question %(number)s of %(count)s")) % {
            "number": number, "count": len(asked) + 1},
        first=first, intro=_intro(ctx, page) if first else [],
        step_intro=[gettext(p) for p in step.intro],
        explained=[(gettext(t.term), gettext(t.meaning)) for t in step.terms],
        who=[gettext(p) for p in page.who_knows] if first else [],
        action=action, draft=token, step_code=step.code, back=not first,
        switch_form=SwitchForm("step-form", action), default_button=True)


def check_page(ctx: PageContext, flow: Flow, draft: Draft, token: str, *,
               problems: Problems | None = None, notice: str | None = None,
               status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """Every answer, a way to change each, and the send button."""
    page, gettext = flow.page, ctx.gettext
    renderer = _renderer(ctx, flow, draft, problems)
    sections = formview.check_answers(renderer)
    consent = renderer.consent_control()
    summary = [formview.SummaryItem(f"change-{s.code}", f"{s.title}: {text}")
               for s in sections for text in s.problems]
    summary += [formview.SummaryItem(consent.anchor, text) for text in consent.errors]
    if notice:
        summary.insert(0, formview.SummaryItem(None, notice))
    asked = flow.asked_steps(draft)
    return ctx.respond(
        status, "check.html", headers=headers, has_errors=bool(summary), summary=summary,
        caption=gettext(page.title), title=gettext(CHECK_STEP.title),
        progress=gettext(N_("Question %(number)s of %(count)s")) % {
            "number": len(asked) + 1, "count": len(asked) + 1},
        sections=sections, consent=consent, draft=token,
        who=[gettext(p) for p in page.who_knows],
        explained=[(gettext(t.term), gettext(t.meaning)) for t in page.terms],
        action=ctx.urls.function(page.function), change_action=ctx.urls.page(page.code),
        submit_label=gettext(page.submit_label),
        switch_form=SwitchForm("step-form", ctx.urls.page(page.code)),
        evidence=evidence_input(ctx))


def evidence_input(ctx: PageContext) -> dict[str, Any] | None:
    """The limits a form's file input states; None where attachments are not accepted."""
    if not ctx.settings.get("evidence_files", 0):
        return None
    return {"files": ctx.settings["evidence_files"],
            "file_mib": f"{ctx.settings['evidence_file_bytes'] / 1048576:g}",
            "total_mib": f"{ctx.settings['evidence_total_bytes'] / 1048576:g}"}


@dataclass(frozen=True)
class Receipt:
    """What the confirmation shows, once."""

    form: str
    reference: str
    received_at: datetime
    receipt: str | None
    proof: str | None = None  # the signed proof of submission (no secret in it)


def next_steps(ctx: PageContext, form: str) -> list[str]:
    gettext = ctx.gettext
    review = in_plain_words(ctx, ctx.settings.get("preliminary_review_days", 30))
    steps = {
        "advice": [N_("An ethics adviser reads your request. It stays between you and the "
                      "Ethics Office.")],
        "misconduct": [N_("Your report is forwarded to the Office of Internal Audit and "
                          "Investigations (OIAI), which assesses every allegation."),
                       N_("The Ethics Office does not investigate misconduct itself.")],
        "retaliation": [N_("The Ethics Office first checks whether there was a protected "
                           "activity, an adverse action, and a likely link between them: "
                           "the preliminary review.")],
    }.get(form, [])
    found = [gettext(s) for s in steps]
    if form == "advice":
        found.append(gettext(N_("You get an answer by the way you chose, usually "
                                "%(when)s.")) % {"when": _advice_time(ctx)})
    if form == "retaliation":
        found.append(gettext(N_("You hear the result of that review %(when)s. You can ask "
                                "for interim protective measures at any time.")) % {
            "when": review})
    found.append(gettext(N_("Keep your reference: quote it whenever you contact us.")))
    return found


def confirmation(ctx: PageContext, page: FormPage, receipt: Receipt, *, status: int = 200,
                 cookies: tuple[str, ...] = (), shown: bool = False,
                 files: list[str] | None = None) -> Response:
    """The one-time page with the reference and the receipt code (every submitter, named
    or anonymous, gets one). Nothing on it leads elsewhere until the person says they have
    written it down. ``shown``: the page is the answer to the send itself (no cookie to
    keep it in), so its text file cannot be offered."""
    gettext = ctx.gettext
    return ctx.respond(status, "confirmation.html", cookies=cookies, download=not shown,
                       heading=gettext(page.received), reference=receipt.reference,
                       received_at=when(ctx, receipt.received_at), receipt=receipt.receipt,
                       proof=receipt.proof, next_steps=next_steps(ctx, page.code),
                       who=[gettext(p) for p in page.who_knows],
                       explained=[(gettext(t.term), gettext(t.meaning)) for t in page.terms],
                       switch_to=None, lock_links=True, one_time=True, files=files or [])


def receipt_text(ctx: PageContext, receipt: Receipt, follow_up_url: str) -> str:
    """The plain text file a person may save instead of writing the codes down."""
    gettext = ctx.gettext
    lines = [gettext(N_("Ethics Office")), "",
             f"{gettext(N_('Reference'))}: {receipt.reference}"]
    if receipt.receipt:
        lines.append(f"{gettext(N_('Receipt code'))}: {receipt.receipt}")
    lines += [gettext(N_("Received on %(when)s.")) % {"when": when(ctx, receipt.received_at)},
              ""]
    if receipt.receipt:
        lines += [gettext(N_("To read replies or add information, open the follow-up page and "
                             "enter the reference and the receipt code:")), follow_up_url, ""]
    lines.append(gettext(N_("Keep this file where nobody else can find it.")))
    return "\r\n".join(lines) + "\r\n"


def expired(ctx: PageContext, *, status: int = 410, case: bool = False,
            headers: Mapping[str, str] | None = None,
            cookies: tuple[str, ...] = ()) -> Response:
    """The neutral answer to a page asked for again: from history, by reloading, or by
    sending a form that was already sent."""
    gettext = ctx.gettext
    paragraphs = [gettext(N_("For your safety, this page can be shown only once. It cannot be "
                             "shown again by going back or reloading."))]
    if case:
        paragraphs.append(gettext(N_("To read your case again, open it on the follow-up page "
                                     "with your reference and receipt code.")))
    else:
        paragraphs.append(gettext(N_("If you sent a form, it was received: nothing was lost, "
                                     "and nothing was sent twice.")))
    return ctx.respond(status, "expired.html", headers=headers, cookies=cookies,
                       heading=gettext(N_("This page has expired")), paragraphs=paragraphs,
                       follow_up=case)


def done(ctx: PageContext, *, left_case: bool = False) -> Response:
    gettext = ctx.gettext
    heading = gettext(N_("You have left your case")) if left_case else gettext(
        N_("You have finished"))
    return ctx.respond(200, "done.html", heading=heading)


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
           "stored. Wait %(time)s and try again."),)),
    "unavailable": Problem(N_("The service is busy"), (
        N_("Nothing was stored. Wait a moment and try again."),)),
    "internal": Problem(N_("Something went wrong"), (
        N_("We could not handle your request. Try again in a few minutes."),)),
}


def problem(ctx: PageContext, status: int, kind: str, *, minutes: int = 1,
            headers: Mapping[str, str] | None = None) -> Response:
    gettext = ctx.gettext
    spec = PROBLEMS[kind]
    time = minutes_in_plain_words(ctx, minutes)
    paragraphs = [gettext(p) % {"time": time} if "%(time)s" in p else gettext(p)
                  for p in spec.paragraphs]
    return ctx.respond(status, "problem.html", headers=headers, heading=gettext(spec.title),
                       paragraphs=paragraphs, back_url=ctx.urls.page("", ctx.language.code),
                       back_label=gettext(N_("Back to all forms")))
