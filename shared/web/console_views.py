"""The console's pages: Today, the case list, a case (as an officer works it, or as an
auditor reads its history), the development sign-in and the problems. Each is a function
from what it shows to an HTTP response; nothing here reads a store or decides a rule
(the use cases of ``shared.services`` do, and their answers arrive here ready)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Response

from shared.domain import evidence_notices, taxonomy
from shared.domain.case_workflows import WORKFLOWS
from shared.domain.evidence import Attachment
from shared.domain.handling_times import ManagementIndicators
from shared.domain.measures import measures_allowed
from shared.domain.officers import ETHICS_ADMIN, ETHICS_AUDITOR, ETHICS_OFFICER, Officer
from shared.domain.records import (
    Case,
    CaseEvent,
    feedback_due,
    next_deadline,
    referral_status,
)
from shared.domain.workflow import ALLEGATION_TYPE, NOTE, REASON
from shared.web import console_labels as labels
from shared.web.console_submission import Section, sections
from shared.web.formdefs import N_
from shared.web.i18n import Language
from shared.web.render import asset_version, gettext_for, html_response, render
from shared.web.views import Problem


@dataclass(frozen=True)
class ConsoleUrls:
    """Root-relative URLs of the console (``root``: the path of ``INTAKE_CONSOLE_URL``)."""

    root: str

    def page(self, path: str = "", lang: str | None = None, **query: str) -> str:
        params = {**({"lang": lang} if lang else {}), **{k: v for k, v in query.items() if v}}
        return f"{self.root}/{path}" + (f"?{urlencode(params)}" if params else "")

    def static(self, name: str) -> str:
        return f"{self.root}/assets/{name}?v={asset_version()}"

    def case(self, reference: str, lang: str | None = None, **query: str) -> str:
        return self.page(f"cases/{reference}", lang, **query)


@dataclass(frozen=True)
class ConsoleContext:
    """What every console page of one request needs."""

    language: Language
    urls: ConsoleUrls
    https: bool
    csrf_token: str
    now: datetime
    officer: Officer | None = None
    development: bool = False
    cookies: tuple[str, ...] = ()
    switch_to: Callable[[str], str] | None = None

    @property
    def gettext(self) -> Callable[[str], str]:
        return gettext_for(self.language.code)  # type: ignore[no-any-return]

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        from babel.dates import format_datetime

        text = format_datetime(moment.astimezone(UTC), "medium", tzinfo=UTC,
                               locale=self.language.babel_locale)
        return f"{text} UTC"

    def day(self, iso: str | None) -> str:
        if not iso:
            return ""
        from babel.dates import format_date

        try:
            day = datetime.fromisoformat(iso).date()
        except ValueError:
            return iso
        return str(format_date(day, "medium", locale=self.language.babel_locale))

    def number(self, value: int) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.language.babel_locale))

    def decimal(self, value: float | None) -> str:
        """One decimal, in the language's digits and separators; a dash for none."""
        if value is None:
            return NONE
        from babel.numbers import format_decimal

        return str(format_decimal(value, format="#,##0.0",
                                  locale=self.language.babel_locale))

    def respond(self, status: int, template: str, *, headers: Mapping[str, str] | None = None,
                cookies: Sequence[str] = (), **context: Any) -> Response:
        context.setdefault("has_errors", False)
        context.setdefault("switch_to", self.switch_to)
        body = render(template, self.language, urls=self.urls, csrf_token=self.csrf_token,
                      officer=self.officer, development=self.development,
                      roles=_roles(self), **context)
        return html_response(status, body, language=self.language, https=self.https,
                             headers=headers, cookies=[*self.cookies, *cookies])


def _roles(ctx: ConsoleContext) -> list[str]:
    names = {ETHICS_OFFICER: N_("Ethics officer"), ETHICS_ADMIN: N_("Administrator"),
             ETHICS_AUDITOR: N_("Ethics auditor")}
    officer = ctx.officer
    return [ctx.gettext(text) for role, text in names.items()
            if officer is not None and officer.has_role(role)]


# --- labels -----------------------------------------------------------------------------

def _label(ctx: ConsoleContext, table: Mapping[str, str], code: str | None) -> str:
    if code is None:
        return ""
    text = table.get(code)
    return ctx.gettext(text) if text else code


def state_label(ctx: ConsoleContext, state: str | None) -> str:
    return _label(ctx, labels.STATES, state)


def actor_label(ctx: ConsoleContext, actor: str) -> str:
    kind, _, who = actor.partition(":")
    if kind == "officer" and who:
        return who
    return _label(ctx, labels.ACTORS, kind)


@dataclass(frozen=True)
class Row:
    """A case in a list: references, states, dates and deadlines only."""

    reference: str
    url: str
    form: str
    state: str
    received: str
    deadline: str
    overdue: bool
    assignee: str
    referral: str
    purge_after: str = ""


def row(ctx: ConsoleContext, case: Case) -> Row:
    due = next_deadline(case)
    return Row(case.reference, ctx.urls.case(case.reference, ctx.language.code),
               _label(ctx, labels.FORMS, case.form), state_label(ctx, case.state),
               ctx.when(case.received_at), ctx.when(due), due is not None and due < ctx.now,
               case.assignee or "", _label(ctx, labels.REFERRALS, referral_status(case)),
               ctx.when(case.purge_after) if case.purge_after else "")


# --- Today --------------------------------------------------------------------------------

TODAY_CARDS = (
    ("mine", N_("My open cases")),
    ("unassigned", N_("Open cases nobody has taken")),
    ("due_soon", N_("Due within 7 days")),
    ("overdue", N_("Overdue")),
    ("referral_failed", N_("Referrals that failed")),
    ("unseen_alerts", N_("Alerts you have not seen")),
)


@dataclass(frozen=True)
class Card:
    code: str
    title: str
    count: str
    url: str
    rows: tuple[Row, ...]


def today(ctx: ConsoleContext, buckets: Mapping[str, tuple[Sequence[Case], bool]]) -> Response:
    gettext = ctx.gettext
    cards = []
    for code, title in TODAY_CARDS:
        if code not in buckets:
            continue
        found, more = buckets[code]
        count = ctx.number(len(found))
        if more:
            count = gettext(N_("%(count)s or more")) % {"count": count}
        cards.append(Card(code, gettext(title), count,
                          ctx.urls.page("cases", ctx.language.code, view=code),
                          tuple(row(ctx, c) for c in list(found)[:5])))
    return ctx.respond(200, "console_today.html", cards=cards,
                       heading=gettext(N_("Today")), switch_to=_switch(ctx, ""))


def _switch(ctx: ConsoleContext, path: str, **query: str) -> Callable[[str], str]:
    return lambda code: ctx.urls.page(path, code, **query)


# --- The case list ------------------------------------------------------------------------

SORTS = {"newest": N_("Newest first"), "oldest": N_("Oldest first"),
         "deadline": N_("Next deadline first"), "feedback": N_("Feedback due first"),
         "updated": N_("Recently updated first")}
DUE = {"overdue": N_("Overdue"), "7": N_("Due within 7 days"), "30": N_("Due within 30 days")}
PURGE = {"30": N_("Due for purge within 30 days")}
# The feedback owed to the reporter (the feedback_due clock): every case still owing it, or
# those whose feedback is due by the end of today, or of the 7th or 30th day from today.
FEEDBACK = {"owed": N_("Feedback still owed"), "0": N_("Feedback due today or overdue"),
            "7": N_("Feedback due within 7 days"), "30": N_("Feedback due within 30 days")}
FILTERS = ("form", "state", "assignee", "due", "feedback", "referral", "purge", "sort",
           "view")


@dataclass(frozen=True)
class Choice:
    value: str
    text: str
    selected: bool


@dataclass(frozen=True)
class Select:
    name: str
    label: str
    choices: tuple[Choice, ...]
    groups: tuple[tuple[str, tuple[Choice, ...]], ...] = ()


def _select(name: str, label: str, options: Sequence[tuple[str, str]], chosen: str,
            any_text: str | None) -> Select:
    first = [("", any_text)] if any_text is not None else []
    return Select(name, label, tuple(Choice(v, t, v == chosen) for v, t in [*first, *options]))


def sorted_cases(found: Sequence[Case], sort: str) -> list[Case]:
    far = datetime.max.replace(tzinfo=UTC)
    if sort == "oldest":
        return sorted(found, key=lambda c: c.received_at)
    if sort == "deadline":
        return sorted(found, key=lambda c: (next_deadline(c) or far, c.received_at))
    if sort == "feedback":
        return sorted(found, key=lambda c: (feedback_due(c) or far, c.received_at))
    if sort == "updated":
        return sorted(found, key=lambda c: c.updated_at, reverse=True)
    return sorted(found, key=lambda c: c.received_at, reverse=True)


def case_list(ctx: ConsoleContext, found: Sequence[Case], chosen: Mapping[str, str], *,
              officers: Sequence[Officer], more: bool = False,
              problems: Sequence[str] = (), status: int = 200) -> Response:
    gettext = ctx.gettext
    any_text = gettext(N_("Any"))
    state_groups = tuple(
        (gettext(labels.FORMS[form]), tuple(
            Choice(f"{state}", state_label(ctx, state), chosen.get("state") == state)
            for state in workflow.states))
        for form, workflow in WORKFLOWS.items())
    assignees = [("me", gettext(N_("Me"))), ("unassigned", gettext(N_("Nobody")))]
    assignees += [(o.email, f"{o.name} ({o.email})") for o in officers]
    selects = [
        _select("form", gettext(N_("Form")), [(k, gettext(v)) for k, v in labels.FORMS.items()],
                chosen.get("form", ""), any_text),
        Select("state", gettext(N_("State")), (Choice("", any_text, not chosen.get("state")),),
               state_groups),
        _select("assignee", gettext(N_("Assigned to")), assignees, chosen.get("assignee", ""),
                any_text),
        _select("due", gettext(N_("Deadline")), [(k, gettext(v)) for k, v in DUE.items()],
                chosen.get("due", ""), any_text),
        _select("feedback", gettext(N_("Feedback to the reporter")),
                [(k, gettext(v)) for k, v in FEEDBACK.items()], chosen.get("feedback", ""),
                any_text),
        _select("referral", gettext(N_("Referral")),
                [(k, gettext(v)) for k, v in labels.REFERRALS.items()],
                chosen.get("referral", ""), any_text),
        _select("purge", gettext(N_("Retention")),
                [(k, gettext(v)) for k, v in PURGE.items()], chosen.get("purge", ""),
                any_text),
        _select("sort", gettext(N_("Sort")), [(k, gettext(v)) for k, v in SORTS.items()],
                chosen.get("sort", "newest"), None),
    ]
    view = chosen.get("view", "")
    view_title = next((gettext(t) for code, t in TODAY_CARDS if code == view), None)
    rows = [row(ctx, c) for c in sorted_cases(found, chosen.get("sort", "newest"))]
    query = {k: v for k, v in chosen.items() if v}
    return ctx.respond(status, "console_list.html", rows=rows, selects=selects,
                       heading=view_title or gettext(N_("Cases")), view=view,
                       more=more, problems=list(problems), has_errors=bool(problems),
                       purge=bool(chosen.get("purge")),
                       switch_to=_switch(ctx, "cases", **query),
                       count=ctx.number(len(rows)))


# --- A case -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One event of the history, as the timeline shows it."""

    seq: int
    when: str
    actor: str
    what: str
    change: str
    details: tuple[str, ...]
    text: str | None = None
    unreadable: bool = False
    sealed: bool = False  # the event carries a sealed text (not shown to an auditor)


def _details(ctx: ConsoleContext, event: CaseEvent) -> tuple[str, ...]:
    gettext, d = ctx.gettext, event.details
    found: list[str] = []
    if event.kind == "transition" and d.get("transition"):
        found.append(_label(ctx, labels.TRANSITIONS, str(d["transition"])))
    if event.kind == "assigned" and d.get("assignee"):
        found.append(gettext(N_("To %(who)s")) % {"who": d["assignee"]})
    if d.get("reason") in taxonomy.SUSPENSION_REASONS:
        found.append(gettext(taxonomy.SUSPENSION_REASONS[str(d["reason"])]))
    if d.get("allegation_type") in taxonomy.ALLEGATION_TYPES:
        found.append(gettext(taxonomy.ALLEGATION_TYPES[str(d["allegation_type"])]))
    if event.kind == "deadline_alert" and d.get("deadline"):
        found.append(_label(ctx, labels.DEADLINES, str(d["deadline"])))
    if event.kind in ("protective_measure", "corrective_measure"):
        found.append(_measure_kind(ctx, str(d.get("kind"))))
        if d.get("outcome") in taxonomy.PROTECTIVE_MEASURE_OUTCOMES:
            found.append(gettext(taxonomy.PROTECTIVE_MEASURE_OUTCOMES[str(d["outcome"])]))
        if d.get("decision") in taxonomy.MEASURE_DECISIONS:
            found.append(gettext(taxonomy.MEASURE_DECISIONS[str(d["decision"])]))
    if event.kind == "access_refused" and d.get("operation"):
        found.append(gettext(N_("Attempted: %(operation)s")) % {"operation": d["operation"]})
    if event.kind == "attachment_downloaded":
        found.append(str(d.get("attachment_id", "")))
        if d.get("copy") == "original":  # its reason is the entry's sealed text
            found.append(gettext(N_("The original")))
    if event.kind == "received" and d.get("channel") in labels.CHANNELS:
        found.append(_label(ctx, labels.CHANNELS, str(d["channel"])))
        if d.get("received_on"):
            found.append(gettext(N_("Received on %(day)s")) % {
                "day": ctx.day(str(d["received_on"]))})
    if event.kind == "officer_recused":
        found.append(str(d.get("officer", "")))
        if ctx.officer is not None and ctx.officer.has_role(ETHICS_ADMIN) and d.get("reason"):
            found.append(str(d["reason"]))  # the reason is for administrators
    if event.kind == "read" and d.get("scope") == "history":
        found.append(gettext(N_("History only (auditor)")))
    return tuple(found)


def _measure_kind(ctx: ConsoleContext, kind: str) -> str:
    text = taxonomy.PROTECTIVE_MEASURES.get(kind) or taxonomy.CORRECTIVE_MEASURES.get(kind)
    return ctx.gettext(text) if text else kind


def entries(ctx: ConsoleContext, history: Sequence[tuple[CaseEvent, str | None, bool]], *,
            with_text: bool) -> list[Entry]:
    found = []
    for event, text, unreadable in history:
        change = ""
        if event.to_state:
            change = f"{state_label(ctx, event.from_state)} → {state_label(ctx, event.to_state)}" \
                if event.from_state else state_label(ctx, event.to_state)
        sealed = any(k in event.details for k in ("sealed", "note", "reason_text"))
        found.append(Entry(event.seq, ctx.when(event.at), actor_label(ctx, event.actor),
                           _label(ctx, labels.EVENTS, event.kind), change,
                           _details(ctx, event), text if with_text else None,
                           unreadable and with_text, sealed))
    return list(reversed(found))


@dataclass(frozen=True)
class Summary:
    reference: str
    form: str
    state: str
    received: str
    updated: str
    assignee: str
    priority: str
    category: str
    referral: str
    deadlines: tuple[tuple[str, str, bool], ...]
    measures: tuple[MeasureView, ...]
    channel: str = ""
    record_review: str = ""  # empty for a case submitted through a form


@dataclass(frozen=True)
class MeasureView:
    measure_id: str
    purpose: str
    kind: str
    recommended_on: str
    outcome: str
    decision: str
    decided_on: str
    outcome_code: str
    decision_code: str
    updatable: bool
    kind_code: str
    purpose_code: str
    recommended_on_iso: str
    decided_on_iso: str


def summary(ctx: ConsoleContext, case: Case) -> Summary:
    triage = case.triage
    measures = tuple(MeasureView(
        m.measure_id, _label(ctx, taxonomy.MEASURE_PURPOSES, m.purpose),
        _measure_kind(ctx, m.kind), ctx.day(m.recommended_on),
        _label(ctx, taxonomy.PROTECTIVE_MEASURE_OUTCOMES, m.outcome),
        _label(ctx, taxonomy.MEASURE_DECISIONS, m.decision), ctx.day(m.decided_on),
        m.outcome, m.decision or "",
        case.form == "retaliation" and measures_allowed(case.state, m.purpose, new=False),
        m.kind, m.purpose, m.recommended_on, m.decided_on or "")
        for m in case.measures)
    return Summary(
        case.reference, _label(ctx, labels.FORMS, case.form), state_label(ctx, case.state),
        ctx.when(case.received_at), ctx.when(case.updated_at), case.assignee or "",
        _label(ctx, labels.PRIORITIES, triage.priority if triage else None),
        ctx.gettext(taxonomy.SERVICE_CATEGORIES[triage.category])
        if triage and triage.category in taxonomy.SERVICE_CATEGORIES
        else (triage.category if triage else ""),
        _label(ctx, labels.REFERRALS, referral_status(case)),
        tuple((_label(ctx, labels.DEADLINES, key), ctx.when(due), due < ctx.now)
              for key, due in sorted(case.deadlines.items(), key=lambda kv: kv[1])),
        measures, _label(ctx, labels.CHANNELS, case.channel),
        _label(ctx, labels.RECORD_REVIEWS, case.record_review))


@dataclass(frozen=True)
class TransitionForm:
    name: str
    label: str
    note_required: bool
    reason: bool
    allegation_type: bool
    consent: bool


@dataclass
class Problems:
    """What went wrong with one of the page's forms: ``form`` names it, ``fields`` maps a
    field to its message, ``values`` keeps what was typed."""

    form: str
    fields: dict[str, str] = field(default_factory=dict)
    general: str | None = None
    values: dict[str, str] = field(default_factory=dict)


def transition_forms(ctx: ConsoleContext, case: Case,
                     allowed: Sequence[str]) -> list[TransitionForm]:
    workflow = WORKFLOWS[case.form]
    found = []
    for name in allowed:
        transition = workflow.transition(name)
        requires = transition.requires if transition else frozenset()
        found.append(TransitionForm(
            name, _label(ctx, labels.TRANSITIONS, name), NOTE in requires, REASON in requires,
            ALLEGATION_TYPE in requires, name == "refer_as_misconduct" and case.form == "advice"))
    return found


DONE = {
    "transition": N_("The case moved on: its new state is shown below."),
    "assignment": N_("The case was assigned."),
    "note": N_("Your internal note was added to the history."),
    "reply": N_("Your reply was added: the submitter reads it on the follow-up page."),
    "measure": N_("The measure was recorded."),
    "legal_hold": N_("The legal hold was recorded in the history."),
    "extension": N_("The purge date was extended, once, and recorded in the history."),
    "recusal": N_("The officer was recused: the case is now invisible to them."),
}


@dataclass(frozen=True)
class RetentionView:
    """Where the case stands in its retention schedule, and what may be done about it."""

    purge_after: str
    held: bool
    extended: bool
    purged_at: str
    can_hold: bool
    can_lift: bool
    can_extend: bool


def retention_view(ctx: ConsoleContext, case: Case, *, acting: bool) -> RetentionView:
    officer = ctx.officer
    admin = acting and officer is not None and officer.has_role(ETHICS_ADMIN)
    alive = case.purged_at is None
    return RetentionView(
        ctx.when(case.purge_after) if case.purge_after else "", case.held, case.extended,
        ctx.when(case.purged_at) if case.purged_at else "",
        can_hold=admin and alive and not case.held, can_lift=admin and alive and case.held,
        can_extend=acting and alive and case.purge_after is not None and not case.extended)


def case_page(ctx: ConsoleContext, case: Case, *, submission: Mapping[str, Any] | None,
              history: list[Entry], allowed: Sequence[str], assignable: Sequence[Officer],
              problems: Problems | None = None, done: str | None = None,
              status: int = 200, files: Sequence[Attachment] = ()) -> Response:
    """The case as an officer works it (``submission`` given), or as an auditor reads it
    (``submission`` None: no content, no actions). ``files``: what the reporter attached
    (their cleaned copies are downloads; a quarantined one is listed, never offered)."""
    gettext = ctx.gettext
    officer = ctx.officer
    acting = submission is not None and officer is not None \
        and officer.has_role(ETHICS_OFFICER) and case.purged_at is None
    shown: list[Section] = sections(case.form, submission, gettext) if submission else []
    summary_items = []
    if problems is not None:
        for name, message in problems.fields.items():
            summary_items.append((f"{problems.form}-{name}", message))
        if problems.general:
            summary_items.append((problems.form, problems.general))
    purposes = [p for p in ("protective", "corrective")
                if case.form == "retaliation" and measures_allowed(case.state, p, new=True)]
    measure_kinds = {"protective": taxonomy.PROTECTIVE_MEASURES,
                     "corrective": taxonomy.CORRECTIVE_MEASURES}
    return ctx.respond(
        status, "console_case.html", has_errors=bool(summary_items),
        summary_items=summary_items, problems=problems or Problems(""),
        done=gettext(DONE[done]) if done in DONE else None,
        case=summary(ctx, case), sections=shown, history=history, acting=acting,
        retention=retention_view(ctx, case, acting=acting),
        auditing=submission is None,
        transitions=transition_forms(ctx, case, allowed) if acting else [],
        can_take=acting and case.assignee != (officer.email if officer else None),
        can_give=acting and officer is not None and officer.has_role(ETHICS_ADMIN),
        assignable=[(o.email, f"{o.name} ({o.email})") for o in assignable],
        reasons=[(k, gettext(v)) for k, v in taxonomy.SUSPENSION_REASONS.items()],
        allegation_types=[(k, gettext(v)) for k, v in taxonomy.ALLEGATION_TYPES.items()],
        purposes=[(p, gettext(taxonomy.MEASURE_PURPOSES[p]),
                   [(k, gettext(v)) for k, v in measure_kinds[p].items()]) for p in purposes],
        outcomes=[(k, gettext(v)) for k, v in taxonomy.PROTECTIVE_MEASURE_OUTCOMES.items()],
        decisions=[(k, gettext(v)) for k, v in taxonomy.MEASURE_DECISIONS.items()],
        today=ctx.now.date().isoformat(),
        action=lambda name: ctx.urls.case(case.reference) + f"/{name}",
        files=[file_row(ctx, case.reference, f) for f in files] if acting else [],
        can_open_originals=acting and officer is not None and officer.has_role(ETHICS_ADMIN),
        switch_to=_switch(ctx, f"cases/{case.reference}"))


SCAN_LABELS = {"clean": N_("Scanned: clean"), "infected": N_("Infected: quarantined"),
               "not_scanned": N_("Not scanned (no scanner)")}


def file_row(ctx: ConsoleContext, reference: str, attachment: Attachment) -> dict[str, Any]:
    """One attached file on the case page."""
    gettext = ctx.gettext
    removed = evidence_notices.removed_items(attachment.removed, ctx.language.code)
    return {"id": attachment.attachment_id, "kind": attachment.kind.upper(),
            "size": f"{attachment.size / 1024:,.0f} KiB",
            "scan": gettext(SCAN_LABELS.get(attachment.scan, attachment.scan)),
            "removed": removed or gettext(N_("Nothing found to remove")),
            "href": (ctx.urls.case(reference) + f"/files/{attachment.attachment_id}"
                     if attachment.deliverable else None)}


# --- Signing in and problems --------------------------------------------------------------

def sign_in(ctx: ConsoleContext, choices: Sequence[Officer], *, notice: str | None = None,
            status: int = 200) -> Response:
    gettext = ctx.gettext
    return ctx.respond(status, "console_sign_in.html",
                       heading=gettext(N_("Sign in to the case console")),
                       choices=[(o.email, o.name, ", ".join(sorted(o.roles))) for o in choices],
                       notice=notice, switch_to=_switch(ctx, "sign-in"))


NOTICES = {
    "signed_out": N_("You have signed out."),
    "ended": N_("Your session ended. Sign in again to go on."),
}


PROBLEMS = {
    "not_found": Problem(N_("Page not found"), (
        N_("There is no page or case at this address. Check the reference, or find the "
           "case in the list."),)),
    "method": Problem(N_("This page cannot do that"), (
        N_("The page was asked to do something it does not do."),)),
    "forbidden": Problem(N_("This action could not be accepted"), (
        N_("For your protection, the console accepts actions only from its own pages, "
           "sent in this session. Nothing was changed. Open the page again and retry."),)),
    "not_allowed": Problem(N_("You cannot do this"), (
        N_("Your role in the Ethics Office's directory does not allow it. Nothing was "
           "changed."),)),
    "not_an_officer": Problem(N_("You are not in the officers directory"), (
        N_("You signed in, but your account is not in the Ethics Office's directory of "
           "officers. Ask the Ethics Office's administrator to add you."),)),
    "not_signed_in": Problem(N_("Sign-in needed"), (
        N_("The console opens only through the organisation's sign-in (Identity-Aware "
           "Proxy). Open the console's address again to sign in."),)),
    "bad_request": Problem(N_("The request could not be read"), (
        N_("Nothing was changed. Open the page again and retry."),)),
    "too_large": Problem(N_("What you sent is too long"), (
        N_("Nothing was changed. Shorten the text and retry."),)),
    "integrity": Problem(N_("This case cannot be shown"), (
        N_("Its stored records failed an integrity check, so they are not shown. The "
           "Ethics Office has been alerted."),)),
    "unavailable": Problem(N_("The service is busy"), (
        N_("Nothing was changed. Wait a moment and try again."),)),
    "internal": Problem(N_("Something went wrong"), (
        N_("We could not handle your request. Try again in a few minutes."),)),
}


def problem(ctx: ConsoleContext, status: int, kind: str, *,
            headers: Mapping[str, str] | None = None, cookies: Sequence[str] = ()) -> Response:
    gettext = ctx.gettext
    spec = PROBLEMS[kind]
    return ctx.respond(status, "console_problem.html", headers=headers, cookies=cookies,
                       heading=gettext(spec.title),
                       paragraphs=[gettext(p) for p in spec.paragraphs],
                       switch_to=None)


# --- The disclosure programme -------------------------------------------------------------

DISCLOSURE_STATES = {"pending": N_("Not filed yet"), "filed": N_("Filed"),
                     "separated": N_("Left without filing"), "withdrawn": N_("Withdrawn")}


def disclosure(ctx: ConsoleContext, years: Sequence[int], status: Any, *,
               problem: bool = False, open_problems: Mapping[str, str] | None = None,
               open_values: Mapping[str, str] | None = None, done: str | None = None,
               code: int = 200) -> Response:
    """The disclosure campaigns' page: ``status`` is a ``CampaignStatus`` of
    ``shared.services.disclosure`` (None: no campaign yet). Administrators also get the
    form that opens a campaign (``open_problems``/``open_values``: what was wrong with, and
    typed in, the last one sent)."""
    gettext = ctx.gettext
    officer = ctx.officer
    open_fields = [
        ("year", gettext(N_("Reporting year")),
         gettext(N_("The calendar year declared, for example %(year)s.")) % {
             "year": ctx.now.year - 1}),
        ("due_on", gettext(N_("Due on")),
         gettext(N_("YYYY-MM-DD. Empty: the configured date in the next year.")))]
    tables: dict[str, Any] = {}
    if status is not None:
        figures = status.compliance
        tables = {
            "year": status.campaign.year,
            "due": ctx.day(status.campaign.due_on.isoformat()),
            "states": [(gettext(label), ctx.number(status.states.get(code, 0)))
                       for code, label in DISCLOSURE_STATES.items()],
            "compliance": [
                (gettext(N_("Filers")), ctx.number(figures.filers)),
                (gettext(N_("Filed late")), ctx.number(figures.late)),
                (gettext(N_("Compliance (per cent)")),
                 "—" if figures.compliance is None else f"{figures.compliance:.1f}"),
                (gettext(N_("Compliance of those still employed (per cent)")),
                 "—" if figures.compliance_employed is None
                 else f"{figures.compliance_employed:.1f}"),
                (gettext(N_("Reminders sent")),
                 ctx.number(status.reminders_sent.get("reminder", 0))),
                (gettext(N_("Escalations to heads of units")),
                 ctx.number(status.reminders_sent.get("escalation", 0)))],
            "overdue": [(o.staff_id, o.unit, ctx.day(o.due_on.isoformat()))
                        for o in status.overdue],
        }
    links = [(str(y), ctx.urls.page("disclosure", ctx.language.code, year=str(y)),
              status is not None and y == status.campaign.year) for y in years]
    problems = [gettext(N_("There is no campaign for that year; the latest is shown."))] \
        if problem and status is not None else []
    opened = gettext(N_("The campaign is open: every active filer owes a declaration."))
    return ctx.respond(code, "console_disclosure.html",
                       heading=gettext(N_("Financial disclosure")),
                       campaign=tables, years=links, problems=problems,
                       has_errors=bool(problems or open_problems),
                       can_open=officer is not None and officer.has_role(ETHICS_ADMIN),
                       can_read=officer is not None and officer.has_role(ETHICS_OFFICER),
                       open_fields=open_fields, open_problems=dict(open_problems or {}),
                       open_values=dict(open_values or {}),
                       done=opened if done == "opened" else None,
                       switch_to=_switch(ctx, "disclosure",
                                         **({"year": str(status.campaign.year)}
                                            if status is not None else {})))


# --- Recording a report taken on the reporter's behalf ------------------------------------

@dataclass(frozen=True)
class Recorded:
    """What the officer gives the reporter, shown once."""

    reference: str
    receipt: str | None
    received: str
    proof: str | None


RECORD_MESSAGES = {
    "form": N_("Choose the form of the report."),
    "channel": N_("Choose how the report reached the office."),
    "received_on": N_("Enter the day the office received the report: today or earlier."),
    "submission": N_("Paste the report as the form's JSON document; the problems are "
                     "listed below the field."),
}


def record_page(ctx: ConsoleContext, *, problems: Problems | None = None,
                submission_problems: Sequence[str] = (), recorded: Recorded | None = None,
                status: int = 200) -> Response:
    """The form an officer records a report with, or (``recorded``) the codes to give the
    reporter."""
    gettext = ctx.gettext
    problems = problems or Problems("record")
    items = [(f"record-{name}", message) for name, message in problems.fields.items()]
    if problems.general:
        items.append(("record", problems.general))
    return ctx.respond(
        status, "console_record.html", has_errors=bool(items), summary_items=items,
        problems=problems, submission_problems=list(submission_problems), recorded=recorded,
        forms=[(code, gettext(text)) for code, text in labels.FORMS.items()],
        channels=[(code, gettext(text)) for code, text in labels.CHANNELS.items()
                  if code != "web"],
        today=ctx.now.date().isoformat(), switch_to=_switch(ctx, "record"),
        # One key per page shown: a post sent twice records the report once.
        idempotency_key=problems.values.get("idempotency_key") or
        f"console-{secrets.token_hex(16)}")


# --- Figures: the management indicators and the export -----------------------------------

NONE = "—"
FIGURES_YEAR_PROBLEM = N_("The year must be a number from 1950 to 9999; this year is shown.")


@dataclass(frozen=True)
class FigureRow:
    cells: tuple[str, ...]


def figures_page(ctx: ConsoleContext, indicators: ManagementIndicators, *,
                 problems: Sequence[str] = (), status: int = 200) -> Response:
    """The year's handling times, clocks met and reopened cases, and the link to
    download the year's cases as CSV."""
    gettext = ctx.gettext
    forms = indicators.forms
    times = [FigureRow((_label(ctx, labels.FORMS, form),
                        _label(ctx, labels.MILESTONES, m), ctx.number(d.reached),
                        ctx.number(d.pending), ctx.decimal(d.median), ctx.decimal(d.p90)))
             for form, f in forms.items() for m, d in f.durations.items()]
    clocks = [FigureRow((_label(ctx, labels.FORMS, form),
                         _label(ctx, labels.CLOCKS, c), ctx.number(k.met),
                         ctx.number(k.missed), ctx.number(k.overdue), ctx.number(k.running),
                         ctx.decimal(k.percent_met)))
              for form, f in forms.items() for c, k in f.clocks.items()]
    reopened = [FigureRow((_label(ctx, labels.FORMS, form), ctx.number(f.cases),
                           ctx.number(f.reopened_cases), ctx.number(f.reopenings)))
                for form, f in forms.items()]
    year = str(indicators.year)
    return ctx.respond(
        status, "console_figures.html", year=year, times=times, clocks=clocks,
        reopened=reopened, problems=list(problems), has_errors=bool(problems),
        export_url=ctx.urls.page("export", year=year),
        heading=gettext(N_("Handling times and clocks, %(year)s")) % {"year": year},
        switch_to=_switch(ctx, "figures", year=year))
