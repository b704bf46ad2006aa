"""The follow-up pages of every submitter, named or anonymous: asking for reference and
receipt code, and a case opened with them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Response

from shared.domain.follow_up import FAILURES_BEFORE_LOCK, MESSAGE_MAX_LENGTH
from shared.web import messages
from shared.web.formdefs import N_, Field
from shared.web.formview import Control, SummaryItem, field_id
from shared.web.requirements import OPTIONAL, REQUIRED
from shared.web.views import (
    PageContext,
    SwitchForm,
    evidence_input,
    minutes_in_plain_words,
    when,
)

REFERENCE = Field("reference", N_("Reference"), hint=N_("For example ETH-ADV-7K3MQ-9TZ4X."),
                  messages={"required": N_("Enter your reference"),
                            "reference": N_("Enter the reference exactly as you received it, "
                                            "for example ETH-ADV-7K3MQ-9TZ4X")})
RECEIPT = Field("receipt", N_("Receipt code"),
                hint=N_("16 letters and digits, for example 7K3M-Q9TZ-4XAB-CD12."),
                messages={"required": N_("Enter your receipt code"),
                          "receipt": N_("Enter the 16-character receipt code, for example "
                                        "7K3M-Q9TZ-4XAB-CD12")})
MESSAGE = Field("message", N_("Your message"), "textarea", rows=8,
                hint=N_("New facts, answers to our questions, or a description of documents "
                        "and where they are. This page cannot take files."),
                messages={"required": N_("Enter the information you want to add")})
PENDING = Field("message", N_("Your message, not sent yet"), "textarea", rows=8,
                hint=N_("It will be added to your case when you open it."),
                messages=MESSAGE.messages)
CORRECTION = Field("correction", N_("What is wrong or missing"), "textarea", rows=5,
                   hint=N_("Only if you ask for a correction. Say what the record should "
                           "say instead, or what it leaves out."),
                   messages={"required": N_("Say what is wrong or missing in the record")})
# How a report an officer recorded reached the office, as the reporter reads it.
CHANNELS = {"telephone": N_("by telephone"), "in_person": N_("in person"),
            "mission": N_("during a mission of the Ethics Office"), "post": N_("by post"),
            "email": N_("by e-mail")}
REVIEWS = {
    "pending": N_("You have not yet confirmed this record."),
    "confirmed": N_("You confirmed that this record is right."),
    "correction_requested": N_("You asked for a correction. The Ethics Office will correct "
                               "the record and answer you under Messages."),
}
EXPIRED_MESSAGE = N_("This page had expired: your message was not added. Send it again.")
LIMITS = {"reference": 40, "receipt": 40, "message": MESSAGE_MAX_LENGTH,
          "correction": MESSAGE_MAX_LENGTH}


def _control(ctx: PageContext, spec: Field, value: str, problems: list[Any], *,
             required: bool = True) -> Control:
    gettext = ctx.gettext
    limit = LIMITS.get(spec.name) if spec.kind == "textarea" else None
    return Control(
        name=spec.name, id=field_id(spec.name), label=gettext(spec.label), kind=spec.kind,
        value=value, hint=gettext(spec.hint) if spec.hint else None, rows=spec.rows,
        requirement=REQUIRED if required else OPTIONAL, max_length=limit,
        limit=ctx.number(limit) if limit else None,
        errors=[messages.say(spec, getattr(p, "code", "invalid"), getattr(p, "params", {}),
                             gettext, ctx.number) for p in problems])


def _summary(controls: list[Control], notice: str | None) -> list[SummaryItem]:
    items = [SummaryItem(None, notice)] if notice else []
    for control in controls:
        items += [SummaryItem(control.anchor, m) for m in control.errors]
    return items


def follow_up(ctx: PageContext, *, values: Mapping[str, str] | None = None,
              errors: Mapping[str, list[Any]] | None = None, notice: str | None = None,
              status: int = 200, pending: str | None = None, message_id: str | None = None,
              headers: Mapping[str, str] | None = None) -> Response:
    """The page that asks for a reference and receipt code (with any unsent message)."""
    values, errors = dict(values or {}), errors or {}
    controls = [_control(ctx, spec, values.get(spec.name, ""), errors.get(spec.name, []))
                for spec in (REFERENCE, RECEIPT)]
    unsent = None
    if pending:
        unsent = _control(ctx, PENDING, pending, errors.get("message", []), required=False)
    summary = _summary([*controls, *([unsent] if unsent else [])], notice)
    lock_minutes = ctx.settings.get("lock_minutes", 60)
    action = ctx.urls.page("follow-up")
    return ctx.respond(status, "follow_up.html", headers=headers,
                       heading=ctx.gettext(N_("Follow up a submission")),
                       has_errors=bool(summary), summary=summary, reference=controls[0],
                       receipt=controls[1], pending=unsent,
                       message_id=message_id or secrets.token_hex(16),
                       failures_before_lock=FAILURES_BEFORE_LOCK,
                       lock_time=minutes_in_plain_words(ctx, lock_minutes),
                       switch_form=SwitchForm("follow-up-form", action), switch_to=None)


def _record(ctx: PageContext, view: Any, correction: str,
            errors: Mapping[str, list[Any]]) -> dict[str, Any] | None:
    """An officer's record of the report, shown as the check page shows a form's answers
    (in the page's language), with its review."""
    record = view.record
    if record is None:
        return None
    from shared.web.flow import Flow
    from shared.web.formview import Renderer, check_answers
    from shared.web.pages import PAGES, SCHEMAS

    sections = None
    if record.submission is not None:
        flow = Flow(PAGES[view.form], SCHEMAS[view.form], ctx.today)
        sections = check_answers(Renderer(flow, flow.draft_of(record.submission),
                                          ctx.gettext, ctx.number, ctx.format_date,
                                          language=ctx.language.code))
    received = ctx.format_date(date.fromisoformat(record.received_on), "day")
    return {"sections": sections, "review": record.review,
            "review_text": ctx.gettext(REVIEWS[record.review]),
            "received": ctx.gettext(N_("An officer of the Ethics Office wrote down the "
                                       "report you made %(channel)s on %(date)s. Read it: "
                                       "if it is right, confirm it; if anything is wrong "
                                       "or missing, ask for a correction.")) % {
                "channel": ctx.gettext(CHANNELS[record.channel]), "date": received},
            "correction": _control(ctx, CORRECTION, correction,
                                   errors.get("correction", []), required=False)}


def case(ctx: PageContext, view: Any, *, message: str = "",
         errors: Mapping[str, list[Any]] | None = None, added: bool = False,
         status: int = 200, cookies: tuple[str, ...] = (), correction: str = "",
         notice: str | None = None, files: list[str] | None = None,
         headers: Mapping[str, str] | None = None) -> Response:
    """A case opened with its receipt: state, next step, messages, and a box to add more
    (text, and files where attachments are accepted); for a report an officer recorded,
    the record to confirm or have corrected. ``notice``: why what was sent was not added
    (a refused file, say); ``files``: what the submitter is told of each file just added."""
    gettext, errors = ctx.gettext, errors or {}
    control = _control(ctx, MESSAGE, message, errors.get("message", []))
    record = _record(ctx, view, correction, errors)
    shown = [{"at": when(ctx, m.at), "from_office": m.from_office, "text": m.text}
             for m in view.messages]
    since = when(ctx, view.since) if view.since is not None else None
    changes = [gettext(N_("%(when)s: your case is now: %(status)s")) % {
                   "when": when(ctx, c.at), "status": gettext(c.status.label)}
               if c.status is not None else
               gettext(N_("%(when)s: a new reply from the Ethics Office, under Messages.")) % {
                   "when": when(ctx, c.at)}
               for c in view.changes]
    if notice is None and errors.get("message_id"):
        notice = gettext(EXPIRED_MESSAGE)
    summary = _summary([*([record["correction"]] if record else []), control], notice)
    return ctx.respond(status, "follow_up_case.html", cookies=cookies, headers=headers,
                       evidence=evidence_input(ctx), files=files or [],
                       heading=gettext(N_("Your case")), has_errors=bool(summary),
                       summary=summary, case=view, received_at=when(ctx, view.received_at),
                       purged_on=when(ctx, view.purged_at) if view.purged_at else None,
                       status_label=gettext(view.status.label),
                       next_step=gettext(view.status.next_step), messages=shown,
                       since=since, changes=changes,
                       message=control, message_id=secrets.token_hex(16), added=added,
                       record=record,
                       session_time=minutes_in_plain_words(
                           ctx, ctx.settings.get("session_minutes", 15)),
                       switch_form=SwitchForm("message-form",
                                              ctx.urls.page("follow-up/message")),
                       switch_to=None)
