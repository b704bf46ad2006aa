"""The anonymous follow-up pages: asking for reference and receipt code, and a case opened
with them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import Response

from shared.domain.follow_up import FAILURES_BEFORE_LOCK, MESSAGE_MAX_LENGTH
from shared.web import formview
from shared.web.formdefs import N_, Field
from shared.web.views import PageContext, when

REFERENCE = Field("reference", N_("Reference"), required=True, max_length=40,
                  hint=N_("For example ETH-ADV-7K3MQ-9TZ4X."))
RECEIPT = Field("receipt", N_("Receipt code"), required=True, max_length=40,
                hint=N_("16 letters and digits, for example 7K3M-Q9TZ-4XAB-CD12."))
MESSAGE = Field("message", N_("Your message"), "textarea", required=True,
                max_length=MESSAGE_MAX_LENGTH, rows=8,
                hint=N_("New facts, answers to our questions, or a description of documents "
                        "and where they are. This page cannot take files."))
PENDING = Field("message", N_("Your message, not sent yet"), "textarea",
                max_length=MESSAGE_MAX_LENGTH, rows=8,
                hint=N_("It will be added to your case when you open it."))


def _summary(controls: list[formview.Control], notice: str | None) -> list[Any]:
    items = [formview.SummaryItem(None, notice)] if notice else []
    for control in controls:
        items += [formview.SummaryItem(control.anchor, f"{control.label}: {m}")
                  for m in control.errors]
    return items


def follow_up(ctx: PageContext, *, values: Mapping[str, str] | None = None,
              errors: Mapping[str, list[str]] | None = None, notice: str | None = None,
              status: int = 200, pending: str | None = None, message_id: str | None = None,
              headers: Mapping[str, str] | None = None) -> Response:
    """The page that asks for a reference and receipt code (with any unsent message)."""
    gettext, values, errors = ctx.gettext, dict(values or {}), errors or {}
    controls = [formview.control_view(spec, spec.name, gettext(spec.label), values, errors,
                                      gettext) for spec in (REFERENCE, RECEIPT)]
    unsent = None
    if pending:
        unsent = formview.control_view(PENDING, "message", gettext(PENDING.label),
                                       {"message": pending}, {}, gettext)
    summary = _summary(controls, notice)
    return ctx.respond(status, "follow_up.html", headers=headers,
                       title=gettext(N_("Follow up an anonymous submission")),
                       has_errors=bool(summary), summary=summary, reference=controls[0],
                       receipt=controls[1], pending=unsent,
                       message_id=message_id or secrets.token_hex(16),
                       failures_before_lock=FAILURES_BEFORE_LOCK,
                       lock_minutes=ctx.settings.get("lock_minutes", 60))


def case(ctx: PageContext, view: Any, *, access: str, message: str = "",
         errors: Mapping[str, list[str]] | None = None, added: bool = False,
         status: int = 200) -> Response:
    """A case opened with its receipt: state, next step, messages, and a box to add more."""
    gettext = ctx.gettext
    control = formview.control_view(MESSAGE, "message", gettext(MESSAGE.label),
                                    {"message": message}, errors or {}, gettext)
    messages = [{"at": when(ctx, m.at), "from_office": m.from_office, "text": m.text}
                for m in view.messages]
    summary = _summary([control], None)
    return ctx.respond(status, "follow_up_case.html", title=gettext(N_("Your case")),
                       has_errors=bool(summary), summary=summary, case=view,
                       received_at=when(ctx, view.received_at),
                       status_label=gettext(view.status.label),
                       next_step=gettext(view.status.next_step), messages=messages,
                       message=control, access=access, message_id=secrets.token_hex(16),
                       added=added)
