"""The console's pages of the disclosure programme beyond the campaign's figures: the
declarations of a year, one declaration as an ethics officer reads and reviews it (the
read is recorded), and the roster, where administrators nominate and withdraw filers.
Each is a function from what it shows to an HTTP response; the programme's use cases
(``shared.services.disclosure``) decide every rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response

from shared.domain.disclosure import (
    AD_HOC,
    OUTCOMES,
    REASONS,
    SECTIONS,
    Declaration,
    Filer,
    HistoryEntry,
    members_of,
)
from shared.domain.officers import ETHICS_ADMIN, ETHICS_OFFICER
from shared.domain.taxonomy import DUTY_STATIONS, STAFF_CATEGORIES
from shared.domain.verification import GRADE_BANDS, Draw, Stratum
from shared.web.console_views import ConsoleContext, Problems, _switch
from shared.web.declaration_form import SECTION_TITLES
from shared.web.formdefs import N_

OUTCOME_LABELS = {"no_conflict": N_("No conflict"),
                  "conflict_mitigated": N_("Conflict mitigated"),
                  "guidance_given": N_("Guidance given")}
REASON_LABELS = {"seniority": N_("Seniority"), "procurement": N_("Procurement duties"),
                 "investment": N_("Investment duties"),
                 "confidential_information": N_("Access to confidential information"),
                 "ethics_office_staff": N_("Ethics Office staff"),
                 "nominated": N_("Nominated by a head of unit")}
FILER_STATES = {"active": N_("Active"), "separated": N_("Left the organisation"),
                "withdrawn": N_("Withdrawn")}
ACTIONS = {"read": N_("Read"), "read_refused": N_("Read refused"), "filed": N_("Filed"),
           "amended": N_("Amended"), "reviewed": N_("Reviewed"),
           "integrity_failure": N_("Integrity check failed")}
DONE = {"reviewed": N_("The review was recorded. Guidance, if any, is sent to the filer as "
                       "a link to sign in and read it."),
        "nominated": N_("The filer was nominated."),
        "withdrawn": N_("The filer was withdrawn: their pending declarations are closed."),
        "opened": N_("The campaign is open: every active filer owes a declaration.")}
assert set(OUTCOME_LABELS) == set(OUTCOMES) and set(REASON_LABELS) == set(REASONS)


def _outcome(ctx: ConsoleContext, d: Declaration) -> str:
    if d.review is None:
        return ctx.gettext(N_("Not reviewed yet"))
    return ctx.gettext(OUTCOME_LABELS[d.review.outcome])


def _kind(ctx: ConsoleContext, d: Declaration) -> str:
    return ctx.gettext(N_("Ad hoc")) if d.kind == AD_HOC else ctx.gettext(N_("Annual"))


def _officer_can(ctx: ConsoleContext, role: str) -> bool:
    return ctx.officer is not None and ctx.officer.has_role(role)


# --- The declarations of a year -------------------------------------------------------------

@dataclass(frozen=True)
class DeclarationRow:
    url: str
    staff_id: str
    name: str
    kind: str
    filed: str
    version: int
    outcome: str


def declarations(ctx: ConsoleContext, year: int, found: Sequence[Declaration],
                 names: Mapping[str, str]) -> Response:
    gettext, lang = ctx.gettext, ctx.language.code
    rows = [DeclarationRow(ctx.urls.page(f"disclosure/declarations/{d.id}", lang),
                           d.staff_id, names.get(d.staff_id, ""), _kind(ctx, d),
                           ctx.when(d.filed_at), d.version, _outcome(ctx, d))
            for d in sorted(found, key=lambda d: (d.review is not None, d.filed_at))]
    return ctx.respond(200, "console_declarations.html",
                       heading=gettext(N_("Declarations of %(year)s")) % {"year": year},
                       rows=rows, year=year,
                       switch_to=_switch(ctx, "disclosure/declarations", year=str(year)))


# --- One declaration ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberItems:
    label: str
    nothing: bool
    items: tuple[tuple[str, str, str], ...]


def _member(ctx: ConsoleContext, member: str) -> str:
    if member == "self":
        return ctx.gettext(N_("Filer"))
    if member == "spouse":
        return ctx.gettext(N_("Spouse"))
    return ctx.gettext(N_("Child %(number)s")) % {"number": member.rpartition("_")[2]}


def _content(ctx: ConsoleContext, content: Mapping[str, Any]
             ) -> list[tuple[str, list[MemberItems]]]:
    spouse, children = bool(content.get("spouse")), int(content.get("children") or 0)
    shown = []
    for section in SECTIONS:
        answers = (content.get("sections") or {}).get(section) or {}
        shown.append((ctx.gettext(SECTION_TITLES[section]), [
            MemberItems(_member(ctx, m), bool((answers.get(m) or {}).get("nothing_to_declare")),
                        tuple((str(i.get("description", "")), str(i.get("counterpart") or ""),
                               "" if i.get("value_usd") is None else ctx.number(i["value_usd"]))
                              for i in (answers.get(m) or {}).get("items") or []))
            for m in members_of(spouse, children)]))
    return shown


def declaration(ctx: ConsoleContext, d: Declaration, filer: Filer | None,
                content: Mapping[str, Any], guidance: str | None, versions: Sequence[int],
                history: Sequence[HistoryEntry], *, problems: Problems | None = None,
                done: str | None = None, status: int = 200) -> Response:
    """A declaration as an ethics officer reads it, with its history, and the review form
    while it has none."""
    gettext = ctx.gettext
    facts = [(gettext(N_("Staff id")), d.staff_id),
             (gettext(N_("Name")), filer.name if filer else ""),
             (gettext(N_("Unit")), filer.unit if filer else ""),
             (gettext(N_("Kind")), _kind(ctx, d)), (gettext(N_("Year")), str(d.year)),
             (gettext(N_("Filed")), ctx.when(d.filed_at)),
             (gettext(N_("Last changed")), ctx.when(d.updated_at)),
             (gettext(N_("Versions kept")), ", ".join(str(v) for v in versions)),
             (gettext(N_("Review")), _outcome(ctx, d))]
    summary = []
    if problems is not None:
        summary = [(f"review-{name}", text) for name, text in problems.fields.items()]
        if problems.general:
            summary.append(("review", problems.general))
    entries = [(ctx.when(h.at), h.actor, gettext(ACTIONS[h.action])
                if h.action in ACTIONS else h.action)
               for h in reversed(list(history))]
    return ctx.respond(
        status, "console_declaration.html", has_errors=bool(summary),
        summary_items=summary, problems=problems or Problems(""),
        heading=gettext(N_("Declaration of %(staff_id)s")) % {"staff_id": d.staff_id},
        facts=facts, reason=str(content.get("ad_hoc_reason") or ""),
        sections=_content(ctx, content), guidance=guidance, history=entries,
        can_review=d.review is None and _officer_can(ctx, ETHICS_OFFICER),
        outcomes=[(k, gettext(v)) for k, v in OUTCOME_LABELS.items()],
        action=ctx.urls.page(f"disclosure/declarations/{d.id}/review"),
        done=gettext(DONE[done]) if done in DONE else None,
        back_url=ctx.urls.page("disclosure/declarations", ctx.language.code,
                               year=str(d.year)),
        switch_to=_switch(ctx, f"disclosure/declarations/{d.id}"))


# --- The roster -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FilerRow:
    staff_id: str
    name: str
    email: str
    unit: str
    grade: str
    reason: str
    status: str
    active: bool
    withdraw_url: str


NOMINATION_FIELDS = ("staff_id", "name", "email", "grade", "staff_category", "duty_station",
                     "office", "unit", "appointed_on")


def filers(ctx: ConsoleContext, found: Sequence[Filer], *, problems: Problems | None = None,
           done: str | None = None, status: int = 200) -> Response:
    gettext = ctx.gettext
    rows = [FilerRow(f.staff_id, f.name, f.email, f.unit, f.grade,
                     gettext(REASON_LABELS.get(f.reason, f.reason)),
                     gettext(FILER_STATES.get(f.status, f.status)), f.status == "active",
                     ctx.urls.page(f"disclosure/filers/{f.staff_id}/withdrawal"))
            for f in sorted(found, key=lambda f: (f.status != "active", f.staff_id))]
    summary = []
    if problems is not None:
        summary = [(f"{problems.form}-{name}", text) for name, text in problems.fields.items()]
        if problems.general:
            summary.append((problems.form, problems.general))
    labels = {"staff_id": N_("Staff id"), "name": N_("Name"), "email": N_("E-mail address"),
              "grade": N_("Grade"), "staff_category": N_("Staff category"),
              "duty_station": N_("Duty station"), "office": N_("Office"),
              "unit": N_("Nominating unit"),
              "appointed_on": N_("Appointed on (YYYY-MM-DD)")}
    return ctx.respond(
        status, "console_filers.html", has_errors=bool(summary), summary_items=summary,
        problems=problems or Problems(""), heading=gettext(N_("Filers")), rows=rows,
        can_manage=_officer_can(ctx, ETHICS_ADMIN),
        fields=[(name, gettext(labels[name])) for name in NOMINATION_FIELDS],
        choices={"staff_category": [(k, gettext(v)) for k, v in STAFF_CATEGORIES.items()],
                 "duty_station": [(k, gettext(v)) for k, v in DUTY_STATIONS.items()]},
        action=ctx.urls.page("disclosure/filers"),
        done=gettext(DONE[done]) if done in DONE else None,
        switch_to=_switch(ctx, "disclosure/filers"))


# --- The verification sample ---------------------------------------------------------------

GRADE_BAND_LABELS = {"senior_leadership": N_("Senior leadership"),
                     "director": N_("Director"),
                     "senior_professional": N_("Senior professional"),
                     "professional": N_("Professional"),
                     "national_officer": N_("National officer"),
                     "general_service": N_("General service"), "other": N_("Other")}
VERIFICATION_DONE = {"drawn": N_("The sample was drawn; its seed is recorded with it."),
                     "voided": N_("The draw was voided: another can be drawn.")}
assert set(GRADE_BAND_LABELS) == set(GRADE_BANDS)


def _stratum(ctx: ConsoleContext, name: str) -> str:
    station, category, band = [*name.split("/"), "", "", ""][:3]
    gettext = ctx.gettext
    return " · ".join((gettext(DUTY_STATIONS.get(station, station)),
                       gettext(STAFF_CATEGORIES.get(category, category)),
                       gettext(GRADE_BAND_LABELS.get(band, band))))


def _strata(ctx: ConsoleContext, strata: Sequence[Stratum]) -> list[tuple[str, str, str]]:
    return [(_stratum(ctx, s.name), ctx.number(s.size), ctx.number(s.allocated))
            for s in strata]


def verification(ctx: ConsoleContext, year: int, years: Sequence[int],
                 draws: Sequence[Draw], names: Mapping[str, str], *,
                 plan: Any = None, problems: Problems | None = None,
                 done: str | None = None, status: int = 200) -> Response:
    """A year's verification sample: the standing draw (seed, allocation per stratum, the
    filers drawn), the draws voided and why; for administrators, the forms that preview
    the allocation, draw, and void. ``plan`` is an ``Allocation`` to preview."""
    gettext, lang = ctx.gettext, ctx.language.code
    standing = next((d for d in draws if not d.voided), None)
    shown: dict[str, Any] = {}
    if standing is not None:
        shown = {
            "facts": [(gettext(N_("Share drawn")), standing.share),
                      (gettext(N_("Filers in the frame")), ctx.number(standing.population)),
                      (gettext(N_("Filers drawn")), ctx.number(len(standing.sample))),
                      (gettext(N_("Drawn")), ctx.when(standing.drawn_at)),
                      (gettext(N_("Drawn by")), standing.drawn_by),
                      (gettext(N_("Seed")), standing.seed),
                      (gettext(N_("Frame (SHA-256)")), standing.digest)],
            "strata": _strata(ctx, standing.strata),
            "sample": [(s, names.get(s, "")) for s in standing.sample]}
    voided = [(ctx.number(d.number), ctx.when(d.voided_at) if d.voided_at else "",
               d.voided_by or "", d.void_reason or "") for d in draws if d.voided]
    preview = None
    if plan is not None:
        preview = {"share": str(plan.share), "population": ctx.number(plan.population),
                   "total": ctx.number(plan.total), "strata": _strata(ctx, plan.strata)}
    summary = []
    if problems is not None:
        summary = [(f"{problems.form}-{name}", text) for name, text in problems.fields.items()]
        if problems.general:
            summary.append((problems.form, problems.general))
    links = [(str(y), ctx.urls.page("disclosure/verification", lang, year=str(y)), y == year)
             for y in years]
    return ctx.respond(
        status, "console_verification.html", has_errors=bool(summary), summary_items=summary,
        problems=problems or Problems(""),
        heading=gettext(N_("Verification of declarations, %(year)s")) % {"year": year},
        year=year, years=links, draw=shown, voided=voided, preview=preview,
        can_draw=_officer_can(ctx, ETHICS_ADMIN),
        draw_action=ctx.urls.page("disclosure/verification/draw"),
        void_action=ctx.urls.page("disclosure/verification/void"),
        done=gettext(VERIFICATION_DONE[done]) if done in VERIFICATION_DONE else None,
        switch_to=_switch(ctx, "disclosure/verification", year=str(year)))
