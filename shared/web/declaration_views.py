"""The filers' declaration pages (the ``forms`` function): their own declarations and
obligations, the declaration form (file, or amend until reviewed), a declaration as filed
with the Ethics Office's outcome and guidance, and the sign-in pages. Each is a function
from what it shows to an HTTP response; the programme's use cases decide everything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response

from shared.domain.disclosure import (
    AD_HOC,
    MAX_CHILDREN,
    SECTIONS,
    Declaration,
    Filer,
    Obligation,
    Thresholds,
    members_of,
)
from shared.web import declaration_form as fields
from shared.web.declaration_form import SECTION_TITLES, Message
from shared.web.formdefs import N_
from shared.web.formview import SummaryItem
from shared.web.views import PageContext, SwitchForm, when

OUTCOMES = {"no_conflict": N_("No conflict of interest"),
            "conflict_mitigated": N_("A conflict of interest, mitigated"),
            "guidance_given": N_("Guidance given: read it below")}
STATES = {"pending": N_("Not filed yet"), "filed": N_("Filed"),
          "separated": N_("Closed: you left the organisation"),
          "withdrawn": N_("Withdrawn: you no longer file")}
DONE = {"filed": N_("Your declaration was sent to the Ethics Office."),
        "amended": N_("Your amended declaration was sent. The earlier version is kept.")}


def field_id(name: str) -> str:
    return "f-" + name.replace("_", "-")


def _say(ctx: PageContext, message: Message) -> str:
    text = ctx.gettext(message.text)
    if not message.values:
        return text
    return text % {k: ctx.number(v) if isinstance(v, int) else v
                   for k, v in message.values.items()}


def member_label(ctx: PageContext, member: str) -> str:
    if member == "self":
        return ctx.gettext(N_("You"))
    if member == "spouse":
        return ctx.gettext(N_("Your spouse"))
    return ctx.gettext(N_("Child %(number)s")) % {"number": ctx.number(
        int(member.rpartition("_")[2]))}


def _day(ctx: PageContext, day: date) -> str:
    return ctx.format_date(day, "day")


def thresholds(ctx: PageContext, t: Thresholds) -> list[tuple[str, str]]:
    """Each section and what it asks for: the form's explanation of the thresholds."""
    return [(ctx.gettext(SECTION_TITLES[s]), _say(ctx, fields.threshold(s, t)))
            for s in SECTIONS]


# --- Signing in ----------------------------------------------------------------------------

def sign_in(ctx: PageContext, *, value: str = "", error: str | None = None,
            notice: str | None = None, status: int = 200) -> Response:
    """The development sign-in (local work only): the filer types their address."""
    gettext = ctx.gettext
    summary = [SummaryItem("f-email", error)] if error else []
    return ctx.respond(status, "declaration_sign_in.html", has_errors=bool(error),
                       summary=summary, heading=gettext(N_("Sign in to your declarations")),
                       value=value, error=error, notice=notice,
                       switch_to=lambda code: ctx.urls.page("declarations/sign-in", code))


REFUSALS = {
    "not_signed_in": (N_("Sign-in needed"), (
        N_("Your declarations open only after you sign in with your organisation's Google "
           "account. Open this page's address again to sign in."),)),
    "no_sign_in": (N_("Sign-in is not available"), (
        N_("The declaration pages cannot sign anyone in here. Ask the Ethics Office."),)),
    "not_a_filer": (N_("You have no declarations to make"), (
        N_("You signed in, but the Ethics Office's list of filers does not include you. "
           "If you think it should, ask the Ethics Office."),)),
    "not_found": (N_("Page not found"), (
        N_("There is no declaration of yours at this address. Open your declarations to "
           "find it."),)),
    "integrity": (N_("This declaration cannot be shown"), (
        N_("Its stored records failed an integrity check, so they are not shown. The "
           "Ethics Office has been alerted."),)),
    "reviewed": (N_("This declaration can no longer be changed"), (
        N_("The Ethics Office has reviewed it. To declare something new, make an ad hoc "
           "declaration."),)),
}


def refused(ctx: PageContext, status: int, kind: str, *,
            headers: Mapping[str, str] | None = None,
            cookies: tuple[str, ...] = ()) -> Response:
    title, paragraphs = REFUSALS[kind]
    return ctx.respond(status, "problem.html", headers=headers, cookies=cookies,
                       heading=ctx.gettext(title),
                       paragraphs=[ctx.gettext(p) for p in paragraphs],
                       back_url=ctx.urls.page("declarations", ctx.language.code),
                       back_label=ctx.gettext(N_("Back to your declarations")))


# --- The filer's own page ------------------------------------------------------------------

@dataclass(frozen=True)
class ObligationRow:
    year: int
    due: str
    state: str
    late: bool
    start_url: str | None
    declaration_url: str | None


@dataclass(frozen=True)
class DeclarationRow:
    title: str
    url: str
    filed: str
    updated: str
    version: int
    status: str


def _title(ctx: PageContext, d: Declaration) -> str:
    if d.kind == AD_HOC:
        return ctx.gettext(N_("Ad hoc declaration of %(date)s")) % {
            "date": _day(ctx, d.filed_at.date())}
    return ctx.gettext(N_("Annual declaration for %(year)s")) % {"year": d.year}


def _status(ctx: PageContext, d: Declaration) -> str:
    if d.review is None:
        return ctx.gettext(N_("Waiting for review: you can still amend it"))
    return ctx.gettext(OUTCOMES[d.review.outcome])


def home(ctx: PageContext, filer: Filer, declarations: Sequence[Declaration],
         obligations: Sequence[Obligation], t: Thresholds, *,
         development: bool) -> Response:
    gettext, lang = ctx.gettext, ctx.language.code
    rows = [ObligationRow(
        o.year, _day(ctx, o.due_on), gettext(STATES.get(o.state, o.state)),
        o.state == "pending" and o.due_on < ctx.today,
        ctx.urls.page("declarations/new", lang, kind="annual", year=str(o.year))
        if o.state == "pending" else None,
        ctx.urls.page(f"declarations/{o.declaration_id}", lang)
        if o.declaration_id else None)
        for o in sorted(obligations, key=lambda o: o.year, reverse=True)]
    mine = [DeclarationRow(_title(ctx, d), ctx.urls.page(f"declarations/{d.id}", lang),
                           when(ctx, d.filed_at), when(ctx, d.updated_at), d.version,
                           _status(ctx, d))
            for d in sorted(declarations, key=lambda d: d.filed_at, reverse=True)]
    return ctx.respond(200, "declarations.html", heading=gettext(N_("Your declarations")),
                       name=filer.name, obligations=rows, declarations=mine,
                       thresholds=thresholds(ctx, t), development=development,
                       ad_hoc_url=ctx.urls.page("declarations/new", lang, kind="ad_hoc"),
                       switch_to=lambda code: ctx.urls.page("declarations", code))


# --- The form ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    id: str
    label: str
    value: str
    errors: tuple[str, ...]
    hint: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class ItemRow:
    legend: str
    id: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class MemberAnswer:
    key: str  # <section>__<member>
    id: str
    legend: str
    answer: str
    errors: tuple[str, ...]
    rows: tuple[ItemRow, ...]
    row_count: int


@dataclass(frozen=True)
class SectionView:
    code: str
    title: str
    hint: str
    members: tuple[MemberAnswer, ...]


@dataclass(frozen=True)
class FormTarget:
    """What the form files: an annual declaration of ``year``, an ad hoc one, or a new
    version of ``declaration_id`` (at ``version``)."""

    kind: str
    year: int | None = None
    declaration_id: str | None = None
    version: int | None = None

    def action(self, ctx: PageContext) -> str:
        if self.declaration_id:
            return ctx.urls.page(f"declarations/{self.declaration_id}/amend")
        return ctx.urls.page("declarations/new")


def _field(ctx: PageContext, name: str, label: str, values: Mapping[str, str],
           errors: Mapping[str, Message], *, hint: str = "", numeric: bool = False) -> Field:
    problem = errors.get(name)
    return Field(name, field_id(name), label, values.get(name, ""),
                 (_say(ctx, problem),) if problem else (), hint, numeric)


def _sections(ctx: PageContext, values: Mapping[str, str], errors: Mapping[str, Message],
              t: Thresholds) -> list[SectionView]:
    gettext = ctx.gettext
    spouse, children = fields.household(values)
    found = []
    for section in SECTIONS:
        members = []
        for member in members_of(spouse, children):
            key = fields.key(section, member)
            count = fields.rows_of(values, section, member)
            rows = []
            for n in range(count):
                at = fields.key(key, n)
                rows.append(ItemRow(
                    gettext(N_("Item %(number)s")) % {"number": ctx.number(n + 1)},
                    field_id(at), (
                        _field(ctx, fields.key(at, "description"),
                               gettext(N_("What it is")), values, errors),
                        _field(ctx, fields.key(at, "counterpart"),
                               gettext(N_("With whom: the company, creditor, organisation "
                                          "or person")), values, errors),
                        _field(ctx, fields.key(at, "value"),
                               gettext(N_("Value in US dollars")), values, errors,
                               hint=gettext(N_("A whole number. Leave it empty if it has "
                                               "no value.")),
                               numeric=True))))
            problem = errors.get(fields.key(key, "answer"))
            members.append(MemberAnswer(key, field_id(key), member_label(ctx, member),
                                        values.get(fields.key(key, "answer"), ""),
                                        (_say(ctx, problem),) if problem else (),
                                        tuple(rows), count))
        found.append(SectionView(section, gettext(SECTION_TITLES[section]),
                                 _say(ctx, fields.threshold(section, t)), tuple(members)))
    return found


def form(ctx: PageContext, target: FormTarget, values: Mapping[str, str], t: Thresholds, *,
         errors: Mapping[str, Message] | None = None, notice: str | None = None,
         status: int = 200) -> Response:
    """The declaration form: the household, then each section for each member."""
    gettext = ctx.gettext
    errors = errors or {}
    summary = [SummaryItem(None, notice)] if notice else []
    summary += [SummaryItem(field_id(name), _say(ctx, message))
                for name, message in errors.items()]
    if target.declaration_id:
        heading = gettext(N_("Amend your declaration"))
    elif target.kind == AD_HOC:
        heading = gettext(N_("Make an ad hoc declaration"))
    else:
        heading = gettext(N_("Your annual declaration for %(year)s")) % {"year": target.year}
    household = [
        _field(ctx, "children", gettext(N_("How many dependent children do you have?")),
               values, errors, hint=gettext(N_("A number from 0 to %(most)s.")) % {
                   "most": ctx.number(MAX_CHILDREN)}, numeric=True)]
    spouse_problem = errors.get("spouse")
    reason = _field(ctx, "ad_hoc_reason", gettext(N_("Why are you making this declaration?")),
                    values, errors, hint=gettext(N_("For example: a new outside activity, "
                                                    "a gift, a new investment.")))
    return ctx.respond(
        status, "declaration_form.html", has_errors=bool(summary), summary=summary,
        heading=heading, target=target, action=target.action(ctx),
        spouse=values.get("spouse", ""),
        spouse_errors=(_say(ctx, spouse_problem),) if spouse_problem else (),
        household=household, reason=reason if target.kind == AD_HOC else None,
        sections=_sections(ctx, values, errors, t),
        back_url=ctx.urls.page("declarations", ctx.language.code),
        switch_form=SwitchForm("declaration-form", target.action(ctx)))


# --- A declaration -------------------------------------------------------------------------

@dataclass(frozen=True)
class ShownItem:
    description: str
    counterpart: str
    value: str


@dataclass(frozen=True)
class ShownMember:
    label: str
    nothing: bool
    items: tuple[ShownItem, ...]


def _shown(ctx: PageContext, content: Mapping[str, Any]) -> list[tuple[str, list[ShownMember]]]:
    spouse, children = bool(content.get("spouse")), int(content.get("children") or 0)
    found = []
    for section in SECTIONS:
        answers = (content.get("sections") or {}).get(section) or {}
        members = []
        for member in members_of(spouse, children):
            answer = answers.get(member) or {}
            members.append(ShownMember(member_label(ctx, member),
                                       bool(answer.get("nothing_to_declare")), tuple(
                ShownItem(str(i.get("description", "")), str(i.get("counterpart") or ""),
                          "" if i.get("value_usd") is None else ctx.number(i["value_usd"]))
                for i in answer.get("items") or [])))
        found.append((ctx.gettext(SECTION_TITLES[section]), members))
    return found


def declaration(ctx: PageContext, d: Declaration, content: Mapping[str, Any],
                guidance: str | None, versions: Sequence[int], *,
                done: str | None = None) -> Response:
    gettext, lang = ctx.gettext, ctx.language.code
    facts = [(gettext(N_("Filed")), when(ctx, d.filed_at)),
             (gettext(N_("Last changed")), when(ctx, d.updated_at)),
             (gettext(N_("Version")), gettext(N_("%(number)s of %(count)s")) % {
                 "number": d.version, "count": len(versions) or d.version}),
             (gettext(N_("Review")), _status(ctx, d))]
    return ctx.respond(
        200, "declaration.html", heading=_title(ctx, d), facts=facts,
        done=gettext(DONE[done]) if done in DONE else None,
        reason=str(content.get("ad_hoc_reason") or ""), sections=_shown(ctx, content),
        guidance=guidance, amend_url=ctx.urls.page(f"declarations/{d.id}/amend", lang)
        if d.amendable else None,
        back_url=ctx.urls.page("declarations", lang),
        switch_to=lambda code: ctx.urls.page(f"declarations/{d.id}", code))
