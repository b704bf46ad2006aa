"""The ``console`` function: the officers' web console, server-rendered, no JavaScript.

Routes (below the console's own URL, ``INTAKE_CONSOLE_URL``): ``/`` Today; ``/cases`` the
case list (filters and sorting in the query); ``/cases/<reference>`` a case (GET; the read
is recorded), and its actions (POST) ``transitions``, ``assignment``, ``notes``,
``replies``, ``measures``, ``legal_hold``, ``extension``; ``/sign-out`` (POST);
``/sign-in`` (local work only: GET a choice of demo officers, POST one);
``/assets/<file>``: one ``werkzeug.routing`` map (``ROUTES``, through
``shared.endpoints.routing`` as the case API and the pages), whose 405 lists in ``Allow``
what a path takes.

Who is signed in: on Google Cloud, Identity-Aware Proxy's assertion, verified on every
request and looked up in the officers directory; locally, the officer chosen on the
development sign-in. Either way a short session cookie (``shared.web.console_session``)
ends the session after idle minutes, and in any case some hours after sign-in. Every
post passes the same checks as the forms': same origin, an anti-forgery token bound to
this browser (signed with ``INTAKE_CONSOLE_SECRET``). Every action is the officers' use
case (``UseCases.cases``), exactly as the case API runs it; this module decides no rule.
An error a use case raises gets the console's page of its row in
``shared.endpoints.errors``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Request, Response
from marshmallow import Schema, ValidationError
from werkzeug.routing import Rule

from schemas.advice import AdviceRequestSchema
from schemas.cases import (
    FIRST_YEAR,
    LAST_YEAR,
    AssignmentSchema,
    ExtensionSchema,
    LegalHoldSchema,
    MeasureSchema,
    MessageSchema,
    OriginalReasonSchema,
    RecordedReportSchema,
    RecusalSchema,
    TransitionSchema,
)
from schemas.common import LOAD_CONTEXT
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared import config, logs
from shared.auth import IAP_ASSERTION_HEADER, DevelopmentSignIn, IapSignIn
from shared.config import url_origin
from shared.domain.casework import DetailProblem, NotAllowedNow, officer_actions
from shared.domain.disclosure import DisclosureError
from shared.domain.officers import (
    ETHICS_AUDITOR,
    ETHICS_OFFICER,
    Forbidden,
    Officer,
    normalise_email,
)
from shared.domain.records import CaseQuery
from shared.domain.retention import DUE_WINDOW, ReasonRequired, RetentionRefused
from shared.domain.workflow import IllegalTransition
from shared.endpoints.base import Handler, Wiring, endpoint, unavailable
from shared.endpoints.browser import language
from shared.endpoints.disclosure import Hex32, StaffId
from shared.endpoints.errors import answer_for
from shared.endpoints.routing import (
    NoRoute,
    ReferenceConverter,
    WrongMethod,
    match,
    path_of,
    routes,
)
from shared.http.bodies import read_form_pairs
from shared.http.browsers import Origin, origin_of
from shared.http.problems import HttpProblem
from shared.ports.disclosure import DeclarationConflict
from shared.ports.identity import Unauthenticated
from shared.reports.case_export import csv_chunks
from shared.services import disclosure as programme
from shared.services import verification as verifying
from shared.services.cases import AssigneeNotEligible
from shared.services.disclosure import (
    Caller,
    CampaignProblem,
    DeclarationNotFound,
    FilerNotFound,
)
from shared.services.workload import BUCKETS
from shared.web import (
    console_disclosure,
    console_labels,
    console_session,
    console_views,
    security,
)
from shared.web.console_views import ConsoleContext, ConsoleUrls, Problems
from shared.web.formdefs import N_
from shared.web.i18n import Language
from shared.web.render import PAGE_HEADERS, STATIC, asset_version

if TYPE_CHECKING:
    from shared.bootstrap import OfficerDesk, UseCases

log = logs.get_logger(__name__)

FUNCTION = "console"
IAP_SIGN_OUT = "/_gcp_iap/clear_login_cookie"
ASSETS = {"app.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml"}
ACTIONS = ("transitions", "assignment", "recusals", "notes", "replies", "measures",
           "legal_hold", "extension")
LIST_LIMIT = 200


@dataclass
class Visit:
    """One request: the process's use cases, the language, the page context."""

    uc: UseCases
    request: Request
    lang: Language
    ctx: ConsoleContext
    officer: Officer | None = None

    @property
    def desk(self) -> OfficerDesk:
        return self.uc.cases


def console_endpoint(wiring: Wiring) -> Handler:
    """The console's handler, over the process's use cases (``shared.bootstrap``)."""
    return endpoint(FUNCTION, _serve, wiring)


def _serve(uc: UseCases, request: Request) -> Response:
    """The console's answer; an error a use case raised gets the console's page of its row
    in ``shared.endpoints.errors`` (an officer whose roles do not cover the page: "You
    cannot do this", 403; a dependency down: "The service is busy", 503), and anything
    else is a logged bug (500)."""
    visit = _visit(uc, request, language(request))
    try:
        return _route(visit)
    except config.ConfigError:
        raise  # the function cannot start: logged as such, never as a page
    except Exception as error:
        answer = answer_for(error)
        if answer is None or answer.page is None:
            log.exception("unexpected error", extra={"event": "bug", "function": FUNCTION})
            return console_views.problem(visit.ctx, 500, "internal")
        problem = answer.problem(error)
        if answer.logged == "unavailable":
            unavailable(FUNCTION, error)
        elif answer.logged:
            log.info("request refused", extra={
                "event": "request_refused", "function": FUNCTION, "status": problem.status,
                "fields": problem.log_fields})
        return console_views.problem(visit.ctx, problem.status, answer.page,
                                     headers=problem.headers)


def _urls(uc: UseCases) -> ConsoleUrls:
    return ConsoleUrls(urlsplit(uc.settings.console.url).path.rstrip("/"))


def _visit(uc: UseCases, request: Request, lang: Language) -> Visit:
    cookie = security.browser_cookie(request)
    cookies: tuple[str, ...] = ()
    if cookie is None:
        cookie = security.new_cookie()
        cookies = (security.set_cookie_header(request, cookie),)
    ctx = ConsoleContext(lang, _urls(uc), security.is_https(request),
                         security.issue_token(uc.console_secret, cookie), uc.now(),
                         cookies=cookies)
    return Visit(uc, request, lang, ctx)


def _with(visit: Visit, **changes: Any) -> None:
    visit.ctx = replace(visit.ctx, **changes)


def _redirect(visit: Visit, location: str, *, cookies: tuple[str, ...] = ()) -> Response:
    response = Response("", status=303)
    response.headers.update(PAGE_HEADERS)
    response.headers["Location"] = location
    for cookie in (*visit.ctx.cookies, *cookies):
        response.headers.add("Set-Cookie", cookie)
    return response


# --- routing ---------------------------------------------------------------------------------

def _route(visit: Visit) -> Response:
    """The page of a path (``ROUTES``). Assets and the development sign-in are served to
    anyone; every other path, even one that leads nowhere, first asks who is signed in."""
    request = visit.request
    method = "GET" if request.method == "HEAD" else request.method
    allowed: str | None = None
    try:
        page, arguments = match(ROUTES, path_of(request.path), method)
    except NoRoute:
        page, arguments = None, {}
    except WrongMethod as wrong:
        page, arguments, allowed = wrong.endpoint, {}, wrong.allow
    if page is _asset:
        found: Response | None = \
            _asset(arguments["name"], request) if allowed is None else None
        if found is not None:
            return found
        page, allowed = None, None  # an asset we do not have: as any unknown path
    sign_in = visit.uc.console_sign_in
    if page is _development_sign_in:
        if not isinstance(sign_in, DevelopmentSignIn):
            return console_views.problem(visit.ctx, 404, "not_found")
        if allowed is not None:
            return _method(visit, allowed)
        chosen: Response = _development_sign_in(visit, sign_in, method)
        return chosen
    signed_in = _signed_in(visit, sign_in)
    if isinstance(signed_in, Response):
        return signed_in
    visit.officer = signed_in
    _with(visit, officer=signed_in, development=isinstance(sign_in, DevelopmentSignIn))
    if page is None:
        return console_views.problem(visit.ctx, 404, "not_found")
    if allowed is not None:
        return _method(visit, allowed)
    response: Response = _sign_out(visit, sign_in) if page is _sign_out \
        else page(visit, **arguments)
    return response


def _method(visit: Visit, allowed: str) -> Response:
    return console_views.problem(visit.ctx, 405, "method", headers={"Allow": allowed})


def _asset(name: str, request: Request) -> Response | None:
    kind = ASSETS.get(name)
    if kind is None:
        return None
    response = Response((STATIC / name).read_bytes(), status=200, content_type=kind)
    response.headers.update({k: v for k, v in PAGE_HEADERS.items() if k != "Cache-Control"})
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable" \
        if request.args.get("v") == asset_version() else "private, max-age=300"
    return response


# --- signing in ------------------------------------------------------------------------------

def _session_limits(uc: UseCases) -> tuple[int, int]:
    console = uc.settings.console
    return console.session_idle_minutes * 60, console.session_max_minutes * 60


def _signed_in(visit: Visit, sign_in: IapSignIn | DevelopmentSignIn) -> Officer | Response:
    """The officer of this request, with their session renewed; or the answer that
    refuses, or leads to, a sign-in."""
    uc, request = visit.uc, visit.request
    now = int(visit.ctx.now.timestamp())
    idle, longest = _session_limits(uc)
    found = console_session.opened(uc.console_secret, console_session.read(request),
                                   now=now, idle=idle, longest=longest)
    if isinstance(sign_in, IapSignIn):
        try:
            officer = sign_in.officer(request.headers.get(IAP_ASSERTION_HEADER))
        except Unauthenticated as refusal:
            _refused("iap_" + refusal.reason)
            return console_views.problem(visit.ctx, 401, "not_signed_in")
        except Forbidden as refusal:
            _refused(refusal.reason)
            return console_views.problem(visit.ctx, 403, "not_an_officer")
        if found is console_session.Ended.EXPIRED:
            # Signed in too long ago or idle too long: Identity-Aware Proxy signs them in
            # again (its own re-authentication policy asks Google once more).
            _refused("session_ended")
            return _redirect(visit, IAP_SIGN_OUT,
                             cookies=(console_session.clear_header(request),))
        started = found.started if isinstance(found, console_session.Session) \
            and found.email == officer.email else now
    else:
        if not isinstance(found, console_session.Session):
            notice = "ended" if found is console_session.Ended.EXPIRED else ""
            return _redirect(visit, visit.ctx.urls.page("sign-in", visit.lang.code,
                                                        notice=notice),
                             cookies=(console_session.clear_header(request),))
        try:
            officer = sign_in.officer(found.email)
        except Forbidden as refusal:
            _refused(refusal.reason)
            return _redirect(visit, visit.ctx.urls.page("sign-in", visit.lang.code),
                             cookies=(console_session.clear_header(request),))
        started = found.started
    renewed = console_session.Session(officer.email, started, now)
    _with(visit, cookies=(*visit.ctx.cookies,
                          console_session.set_header(request, uc.console_secret, renewed)))
    return officer


def _refused(reason: str) -> None:
    log.info("console sign-in refused", extra={"event": "console_refused", "reason": reason})


def _development_sign_in(visit: Visit, sign_in: DevelopmentSignIn, method: str) -> Response:
    choices = sign_in.choices()
    if method == "GET":
        notice = console_views.NOTICES.get(visit.request.args.get("notice", ""))
        return console_views.sign_in(visit.ctx, choices,
                                     notice=visit.ctx.gettext(notice) if notice else None)
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    try:
        officer = sign_in.officer(values.get("email", ""))
    except Forbidden:
        return console_views.sign_in(visit.ctx, choices, status=403,
                                     notice=visit.ctx.gettext(PROBLEM_NOT_AN_OFFICER))
    now = int(visit.ctx.now.timestamp())
    session = console_session.Session(officer.email, now, now)
    log.info("console sign-in", extra={"event": "console_signed_in", "mode": "development"})
    return _redirect(visit, visit.ctx.urls.page("", visit.lang.code), cookies=(
        console_session.set_header(visit.request, visit.uc.console_secret, session),))


PROBLEM_NOT_AN_OFFICER = N_("That account is not in the officers directory.")


def _sign_out(visit: Visit, sign_in: IapSignIn | DevelopmentSignIn) -> Response:
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    cleared = (console_session.clear_header(visit.request),)
    log.info("console sign-out", extra={"event": "console_signed_out"})
    if isinstance(sign_in, IapSignIn):
        return _redirect(visit, IAP_SIGN_OUT, cookies=cleared)
    return _redirect(visit, visit.ctx.urls.page("sign-in", visit.lang.code,
                                                notice="signed_out"), cookies=cleared)


def _post_values(visit: Visit) -> dict[str, str] | Response:
    """What a post sent, once it passed the checks every console post passes: from our
    own origin, with a fresh anti-forgery token bound to this browser's cookie."""
    uc, request = visit.uc, visit.request
    if origin_of(request, url_origin(uc.settings.console.url)) is Origin.CROSS:
        _refused("cross_site")
        return console_views.problem(visit.ctx, 403, "forbidden")
    try:
        _, pairs = read_form_pairs(request, uc.settings.max_body_bytes)
    except HttpProblem as problem:
        return console_views.problem(visit.ctx, problem.status,
                                     "too_large" if problem.status == 413 else "bad_request")
    values = dict(pairs)
    chosen = values.get(security.LANGUAGE_FIELD)
    if chosen is not None:
        visit.lang = language(request, chosen)
        _with(visit, language=visit.lang)
    check = security.check_token(uc.console_secret, values.get(security.TOKEN_FIELD),
                                 security.browser_cookie(request))
    if check is not security.TokenCheck.OK:
        _refused("csrf")
        return console_views.problem(visit.ctx, 403, "forbidden")
    for name in (security.TOKEN_FIELD, security.LANGUAGE_FIELD):
        values.pop(name, None)
    return values


# --- pages -----------------------------------------------------------------------------------

def _today(visit: Visit) -> Response:
    assert visit.officer is not None
    work = visit.desk.workload(visit.officer)
    buckets = {name: (work.bucket(name).cases, work.bucket(name).more) for name in BUCKETS
               if name != "mine" or visit.officer.has_role(ETHICS_OFFICER)}
    return console_views.today(visit.ctx, buckets)


_CHOICES: dict[str, Callable[[str], bool]] = {
    "form": lambda v: v in console_labels.FORMS,
    "state": lambda v: v in console_labels.STATES,
    "due": lambda v: v in console_views.DUE,
    "feedback": lambda v: v in console_views.FEEDBACK,
    "referral": lambda v: v in console_labels.REFERRALS,
    "purge": lambda v: v in console_views.PURGE,
    "sort": lambda v: v in console_views.SORTS,
    "view": lambda v: v in BUCKETS,
}
FILTER_PROBLEM = N_("A filter has a value the list does not offer; it was left out.")
BOTH_DEADLINES = N_("Filter on the next deadline or on the feedback to the reporter, not "
                    "both; the feedback filter was left out.")


def _list(visit: Visit) -> Response:
    officer, desk = visit.officer, visit.desk
    assert officer is not None
    assignable = desk.assignable()
    emails = {o.email for o in assignable}
    chosen: dict[str, str] = {}
    problems = []
    for name in console_views.FILTERS:
        value = visit.request.args.get(name, "")
        if not value:
            continue
        ok = value in ("me", "unassigned") or value in emails if name == "assignee" \
            else _CHOICES[name](value)
        if ok:
            chosen[name] = value
        else:
            problems.append(visit.ctx.gettext(FILTER_PROBLEM))
    view = chosen.get("view")
    if view:
        bucket = desk.workload(officer).bucket(view)
        return console_views.case_list(visit.ctx, bucket.cases, chosen, officers=assignable,
                                       more=bucket.more, problems=problems,
                                       status=400 if problems else 200)
    assignee = chosen.get("assignee")
    due = chosen.get("due")
    due_within_days = 0 if due == "overdue" else int(due) if due else None
    if due and chosen.get("feedback"):
        problems.append(visit.ctx.gettext(BOTH_DEADLINES))
        del chosen["feedback"]
    feedback = chosen.get("feedback")
    # As the case API's deadline=feedback_due: due before the end of the day so many days
    # from today ("owed": every case still owing it).
    feedback_before = (visit.ctx.now + timedelta(
        days=(3650 if feedback == "owed" else int(feedback)) + 1)).replace(
        hour=0, minute=0, second=0, microsecond=0) if feedback else None
    found = desk.list_cases(officer, CaseQuery(
        form=chosen.get("form"), state=chosen.get("state"),
        assignee=officer.email if assignee == "me"
        else None if assignee == "unassigned" else assignee,
        due_before=visit.ctx.now + timedelta(days=due_within_days)
        if due_within_days is not None else None,
        feedback_due_before=feedback_before,
        referral=chosen.get("referral"), limit=LIST_LIMIT,
        purge_before=visit.ctx.now + DUE_WINDOW if chosen.get("purge") else None))
    more = len(found) >= LIST_LIMIT
    if assignee == "unassigned":
        found = [c for c in found if c.assignee is None]
    return console_views.case_list(visit.ctx, found, chosen, officers=assignable, more=more,
                                   problems=problems, status=400 if problems else 200)


def _case(visit: Visit, reference: str, *, problems: Problems | None = None,
          status: int = 200) -> Response:
    officer, desk, ctx = visit.officer, visit.desk, visit.ctx
    assert officer is not None
    # A case that names the officer answers as no case at all (CaseNotFound: "Page not
    # found", from the error table).
    if officer.has_role(ETHICS_OFFICER):
        view = desk.open_case(reference, officer)
        history = console_views.entries(
            ctx, [(e.event, e.text, e.unreadable) for e in view.history], with_text=True)
        return console_views.case_page(
            ctx, view.case, submission=view.submission, history=history,
            allowed=() if view.case.purged_at else officer_actions(view.case),
            assignable=desk.assignable(),
            problems=problems, done=visit.request.args.get("done"), status=status,
            files=desk.attachments(reference))
    if officer.has_role(ETHICS_AUDITOR):
        audit = desk.audit_case(reference, officer)
        history = console_views.entries(ctx, [(e, None, False) for e in audit.history],
                                        with_text=False)
        return console_views.case_page(ctx, audit.case, submission=None,
                                       history=history, allowed=(), assignable=())
    return console_views.problem(ctx, 403, "not_allowed")


# --- actions ---------------------------------------------------------------------------------

MESSAGES = {
    "note": N_("Write the note: at most 10,000 characters, without control or invisible "
               "characters."),
    "text": N_("Write the text: at most 10,000 characters, without control or invisible "
               "characters."),
    "reason": N_("Choose the reason for the suspension."),
    "allegation_type": N_("Choose the type of misconduct alleged."),
    "assignee": N_("Choose an officer who may take this case."),
    "kind": N_("Choose a measure of this purpose."),
    "recommended_on": N_("Enter the date of the recommendation: today or earlier."),
    "decided_on": N_("Enter the date of the decision: with a decision, on or after the "
                     "recommendation, today or earlier."),
    "outcome": N_("Choose an outcome that fits the decision."),
    "decision": N_("Choose the Executive Director's decision."),
    "requester_consent": N_("Record the requester's consent before referring an advice "
                            "request."),
}
# The reason of a legal hold or an extension is text, not the suspension's code.
REASON_TEXT = N_("Write the reason: 1 to 500 characters, without control or invisible "
                 "characters.")
RECUSAL_MESSAGES = {
    "officer": N_("Choose the officer to recuse."),
    "reason": N_("Write the reason for the recusal: at most 1,000 characters, without "
                 "control or invisible characters."),
}
GENERAL = N_("This cannot be done in the case's current state. The page shows what can be "
             "done now.")
CHECK = N_("Check this answer.")


def _form_of(action: str, values: dict[str, str]) -> str:
    if action == "transitions":
        return f"transition-{values.get('name', '')}"
    if action == "measures":
        return f"measure-{values.get('measure_id') or values.get('purpose', 'protective')}"
    return {"assignment": "assignment", "recusals": "recusal", "notes": "note",
            "replies": "reply", "legal_hold": "legal-hold", "extension": "extension"}[action]


def _load(schema: Schema, body: dict[str, Any], visit: Visit) -> dict[str, Any]:
    with LOAD_CONTEXT({"today": visit.ctx.now.date()}):
        data: dict[str, Any] = schema.load(body)
    return data


def _act(visit: Visit, reference: str, action: str) -> Response:
    officer, desk = visit.officer, visit.desk
    assert officer is not None
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    form = _form_of(action, values)
    body = {k: v for k, v in values.items() if v != ""}
    gettext = visit.ctx.gettext

    def again(fields: dict[str, str], general: str | None, status: int) -> Response:
        if form == "assignment" and values.get("assignee") == officer.email:
            # "Take this case" has no field to show a problem beside.
            form_shown, general = "take", general or next(iter(fields.values()), None)
            fields = {}
        else:
            form_shown = form
        return _case(visit, reference, problems=Problems(form_shown, fields, general, values),
                     status=status)

    try:
        if action == "transitions":
            data = _load(TransitionSchema(), body, visit)
            desk.apply_transition(reference, data["name"], officer, note=data.get("note"),
                                  requester_consent=data["requester_consent"],
                                  reason=data.get("reason"),
                                  allegation_type=data.get("allegation_type"))
        elif action == "assignment":
            assignee = _load(AssignmentSchema(), body, visit)["assignee"]
            desk.assign(reference, visit.uc.officer_named(normalise_email(assignee)), officer)
        elif action == "recusals":
            data = _load(RecusalSchema(), body, visit)
            desk.recuse(reference, visit.uc.officer_named(normalise_email(data["officer"])),
                        data["reason"], officer)
        elif action == "notes":
            desk.add_note(reference, _load(MessageSchema(), body, visit)["text"], officer)
        elif action == "replies":
            desk.reply(reference, _load(MessageSchema(), body, visit)["text"], officer)
        elif action == "legal_hold":
            try:
                data = _load(LegalHoldSchema(), body, visit)
            except ValidationError:
                return again({"reason": gettext(REASON_TEXT)}, None, 422)
            (desk.place_hold if data["held"] else desk.lift_hold)(reference, data["reason"],
                                                                  officer)
        elif action == "extension":
            try:
                reason = _load(ExtensionSchema(), body, visit)["reason"]
            except ValidationError:
                return again({"reason": gettext(REASON_TEXT)}, None, 422)
            desk.extend_retention(reference, reason, officer)
        else:
            data = _load(MeasureSchema(), body, visit)
            decided = data.get("decided_on")
            desk.record_measure(reference, data["kind"], data["recommended_on"].isoformat(),
                                data["outcome"], officer, measure_id=data.get("measure_id"),
                                purpose=data["purpose"], decision=data.get("decision"),
                                decided_on=decided.isoformat() if decided else None)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        known = RECUSAL_MESSAGES if action == "recusals" else MESSAGES
        fields = {name: gettext(known.get(name, CHECK)) for name in messages
                  if isinstance(name, str) and name in known}
        return again(fields, None if fields else gettext(CHECK), 422)
    except DetailProblem as problem:
        known = RECUSAL_MESSAGES if action == "recusals" else MESSAGES
        return again({problem.field: gettext(known.get(problem.field, CHECK))}, None, 422)
    except AssigneeNotEligible:
        return again({"assignee": gettext(MESSAGES["assignee"])}, None, 422)
    except RetentionRefused:
        return again({}, gettext(GENERAL), 409)
    except ReasonRequired:
        return again({"reason": gettext(REASON_TEXT)}, None, 422)
    except (IllegalTransition, NotAllowedNow) as refusal:
        if isinstance(refusal, NotAllowedNow) and form.startswith("transition-refer_as"):
            return again({"requester_consent": gettext(MESSAGES["requester_consent"])}, None,
                         409)
        return again({}, gettext(GENERAL), 409)
    done = {"transitions": "transition", "assignment": "assignment", "recusals": "recusal",
            "notes": "note", "replies": "reply", "measures": "measure",
            "legal_hold": "legal_hold", "extension": "extension"}[action]
    return _redirect(visit, visit.ctx.urls.case(reference, visit.lang.code, done=done))


def _caller(visit: Visit) -> Caller:
    assert visit.officer is not None
    return Caller(visit.officer.email, visit.officer)


def _year(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


def _disclosure(visit: Visit, *, open_problems: dict[str, str] | None = None,
                open_values: dict[str, str] | None = None, status: int = 200) -> Response:
    """The disclosure programme's campaigns: per state, overdue filers, reminders sent and
    compliance (ethics officers and administrators; never a declaration's content); and,
    for administrators, the form that opens a campaign."""
    asked = visit.request.args.get("year", "")
    year = _year(asked)
    years, found = programme.campaigns_overview(visit.uc.disclosure, _caller(visit), year)
    return console_views.disclosure(
        visit.ctx, years, found,
        problem=bool(asked) and (found is None or found.campaign.year != year),
        open_problems=open_problems, open_values=open_values,
        done=visit.request.args.get("done"), code=status)


OPEN_YEAR = N_("Enter a reporting year that has begun, from 2000, like 2025.")
OPEN_DUE = N_("Enter the due date as YYYY-MM-DD, or leave it empty.")
REVIEW_OUTCOME = N_("Choose the outcome of the review.")
REVIEW_GUIDANCE = N_("Write the guidance: it is required with “Guidance given”, at most "
                     "10,000 characters.")
REVIEWED_ALREADY = N_("This declaration was reviewed already: its one outcome is shown.")
NOMINATED_ALREADY = N_("This staff id or e-mail address is already an active filer's.")


def _open_campaign(visit: Visit) -> Response:
    """POST /disclosure/campaigns (administrators): open a reporting year's cycle, as
    ``intake campaign open`` and the API do."""
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    gettext = visit.ctx.gettext
    year = _year(values.get("year", "").strip())
    due_text = values.get("due_on", "").strip()
    problems: dict[str, str] = {}
    due_on = None
    if due_text:
        try:
            due_on = date.fromisoformat(due_text) if len(due_text) == 10 else None
        except ValueError:
            due_on = None
        if due_on is None:
            problems["due_on"] = gettext(OPEN_DUE)
    if year is None:
        problems["year"] = gettext(OPEN_YEAR)
    if not problems and year is not None:
        try:
            programme.open_campaign(visit.uc.disclosure, _caller(visit), year, due_on=due_on)
        except (CampaignProblem, DisclosureError):
            problems["year"] = gettext(OPEN_YEAR)
        else:
            return _redirect(visit, visit.ctx.urls.page("disclosure", visit.lang.code,
                                                        year=str(year), done="opened"))
    return _disclosure(visit, open_problems=problems, open_values=values, status=422)


def _declarations(visit: Visit) -> Response:
    """GET /disclosure/declarations?year=YYYY (ethics officers): a year's declarations,
    those not reviewed first; never their content."""
    p, who = visit.uc.disclosure, _caller(visit)
    year = _year(visit.request.args.get("year", ""))
    if year is None:
        years = programme.campaigns_overview(p, who, None)[0]
        year = years[-1] if years else visit.ctx.now.year - 1
    found = programme.declarations_of_year(p, who, year)
    names = {f.staff_id: f.name for f in programme.list_filers(p, who)}
    return console_disclosure.declarations(visit.ctx, year, found, names)


def _declaration(visit: Visit, declaration_id: str, *, problems: Problems | None = None,
                 status: int = 200) -> Response:
    """GET /disclosure/declarations/<id> (ethics officers): the declaration, its versions
    and history, and the review form; the read is recorded."""
    try:
        view, filer = programme.declaration_for_review(visit.uc.disclosure, _caller(visit),
                                                        declaration_id)
    except DeclarationNotFound:
        return console_views.problem(visit.ctx, 404, "not_found")
    return console_disclosure.declaration(
        visit.ctx, view.declaration, filer, view.content, view.guidance, view.versions,
        view.history, problems=problems, done=visit.request.args.get("done"), status=status)


def _review(visit: Visit, declaration_id: str) -> Response:
    """POST /disclosure/declarations/<id>/review (ethics officers): its one outcome."""
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    gettext = visit.ctx.gettext
    outcome = values.get("outcome", "")
    guidance = values.get("guidance", "")
    try:
        programme.review_declaration(visit.uc.disclosure, _caller(visit), declaration_id,
                                     outcome, guidance or None)
    except DeclarationNotFound:
        return console_views.problem(visit.ctx, 404, "not_found")
    except DisclosureError as error:
        fields = {"outcome": gettext(REVIEW_OUTCOME)} if "outcome" in error.errors else {
            "guidance": gettext(REVIEW_GUIDANCE)}
        return _declaration(visit, declaration_id,
                            problems=Problems("review", fields, None, values), status=422)
    except DeclarationConflict:
        return _declaration(visit, declaration_id, problems=Problems(
            "review", {}, gettext(REVIEWED_ALREADY), values), status=409)
    return _redirect(visit, visit.ctx.urls.page(f"disclosure/declarations/{declaration_id}",
                                                visit.lang.code, done="reviewed"))


def _verification(visit: Visit, *, year: int | None = None, plan: Any = None,
                  problems: Problems | None = None, status: int = 200) -> Response:
    """GET /disclosure/verification?year=YYYY (ethics officers and administrators): the
    year's verification sample, the draws voided; for administrators, preview, draw and
    void, as ``intake verification`` and the API do."""
    p, who = visit.uc.disclosure, _caller(visit)
    years = programme.campaigns_overview(p, who, None)[0]
    if year is None:
        year = _year(visit.request.args.get("year", ""))
    if year is None or not 2000 <= year <= 2100:
        year = years[-1] if years else visit.ctx.now.year - 1
    found = verifying.verification(p, who, year)
    names = {f.staff_id: f.name for f in programme.list_filers(p, who)}
    return console_disclosure.verification(
        visit.ctx, year, years, found.draws, names, plan=plan, problems=problems,
        done=visit.request.args.get("done"), status=status)


DRAW_SHARE = N_("Enter the share as a decimal more than 0 and at most 1, with at most 4 "
                "decimal places, like 0.06.")
DRAW_REFUSED = N_("The sample cannot be drawn: there is no campaign for this year, nobody "
                  "to draw, or a draw already stands.")
VOID_REASON = N_("Write why the draw is voided, in at most 1,000 characters.")
VOID_NOTHING = N_("No draw of this year stands: there is nothing to void.")


def _posted_year(visit: Visit, values: dict[str, str]) -> int | None:
    year = _year(values.get("year", "").strip())
    return year if year is not None and 2000 <= year <= 2100 else None


def _draw_sample(visit: Visit) -> Response:
    """POST /disclosure/verification/draw (administrators): preview the allocation
    (``dry_run``) or draw the year's sample."""
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    gettext = visit.ctx.gettext
    year = _posted_year(visit, values)
    if year is None:
        return console_views.problem(visit.ctx, 400, "bad_request")
    share = values.get("share", "").strip()
    p, who = visit.uc.disclosure, _caller(visit)
    try:
        if values.get("dry_run"):
            return _verification(visit, year=year, plan=verifying.plan(p, who, year, share))
        verifying.draw(p, who, year, share)
    except DisclosureError:
        return _verification(visit, year=year, problems=Problems(
            "draw", {"share": gettext(DRAW_SHARE)}, None, values), status=422)
    except CampaignProblem:
        return _verification(visit, year=year, problems=Problems(
            "draw", {}, gettext(DRAW_REFUSED), values), status=409)
    return _redirect(visit, visit.ctx.urls.page("disclosure/verification", visit.lang.code,
                                                year=str(year), done="drawn"))


def _void_sample(visit: Visit) -> Response:
    """POST /disclosure/verification/void (administrators): void the standing draw."""
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    gettext = visit.ctx.gettext
    year = _posted_year(visit, values)
    if year is None:
        return console_views.problem(visit.ctx, 400, "bad_request")
    try:
        verifying.void(visit.uc.disclosure, _caller(visit), year, values.get("reason", ""))
    except DisclosureError:
        return _verification(visit, year=year, problems=Problems(
            "void", {"reason": gettext(VOID_REASON)}, None, values), status=422)
    except CampaignProblem:
        return _verification(visit, year=year, problems=Problems(
            "void", {}, gettext(VOID_NOTHING), values), status=409)
    return _redirect(visit, visit.ctx.urls.page("disclosure/verification", visit.lang.code,
                                                year=str(year), done="voided"))


def _filers(visit: Visit, *, problems: Problems | None = None, status: int = 200) -> Response:
    """GET /disclosure/filers (ethics officers and administrators): the roster; for
    administrators, nominate and withdraw."""
    found = programme.list_filers(visit.uc.disclosure, _caller(visit))
    return console_disclosure.filers(visit.ctx, found, problems=problems,
                                     done=visit.request.args.get("done"), status=status)


def _nominate(visit: Visit) -> Response:
    """POST /disclosure/filers: nominate a filer (the use case decides who may)."""
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    gettext = visit.ctx.gettext
    raw = {k: v.strip() for k, v in values.items()
           if k in console_disclosure.NOMINATION_FIELDS and v.strip()}
    try:
        programme.nominate(visit.uc.disclosure, _caller(visit), raw)
    except DisclosureError as error:
        fields = {name: gettext(CHECK) for name in error.errors
                  if name in console_disclosure.NOMINATION_FIELDS}
        return _filers(visit, problems=Problems("nominate", fields,
                                                None if fields else gettext(CHECK), values),
                       status=422)
    except CampaignProblem:
        return _filers(visit, problems=Problems("nominate", {}, gettext(NOMINATED_ALREADY),
                                                values), status=409)
    return _redirect(visit, visit.ctx.urls.page("disclosure/filers", visit.lang.code,
                                                done="nominated"))


def _withdraw(visit: Visit, staff_id: str) -> Response:
    """POST /disclosure/filers/<staff_id>/withdrawal."""
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    try:
        programme.withdraw(visit.uc.disclosure, _caller(visit), staff_id)
    except FilerNotFound:
        return console_views.problem(visit.ctx, 404, "not_found")
    return _redirect(visit, visit.ctx.urls.page("disclosure/filers", visit.lang.code,
                                                done="withdrawn"))


def _file(visit: Visit, reference: str, attachment_id: str) -> Response:
    """The cleaned copy of a file of the case, as a download (recorded in the history, as
    through the case API)."""
    assert visit.officer is not None
    from shared.endpoints.cases import file_response

    return file_response(visit.desk.download_attachment(reference, attachment_id,
                                                        visit.officer), attachment_id)


_FORM_SCHEMAS: dict[str, type[Schema]] = {
    "advice": AdviceRequestSchema, "misconduct": MisconductReportSchema,
    "retaliation": RetaliationComplaintSchema}


def _problems_of(messages: Any, prefix: str = "") -> list[str]:
    """A schema's errors as "field.path: message" lines."""
    if isinstance(messages, dict):
        return [line for key, value in messages.items()
                for line in _problems_of(value, f"{prefix}{key}.")]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix.rstrip('.') or 'submission'}: {m}" for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in _problems_of(m, prefix)]
    return [f"{prefix.rstrip('.')}: {messages}"]


def _record(visit: Visit) -> Response:
    """GET: the form to record a report taken on the reporter's behalf; POST: record it
    through the officers' use case (the same as ``POST /cases/records``) and show the codes
    to give the reporter, once."""
    officer, desk, ctx = visit.officer, visit.desk, visit.ctx
    assert officer is not None
    if not officer.has_role(ETHICS_OFFICER):
        return console_views.problem(ctx, 403, "not_allowed")
    if visit.request.method != "POST":
        return console_views.record_page(ctx)
    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    ctx = visit.ctx  # in the language the post chose
    gettext = ctx.gettext

    def again(fields: dict[str, str], lines: Sequence[str] = ()) -> Response:
        return console_views.record_page(
            ctx, problems=Problems("record", {k: gettext(console_views.RECORD_MESSAGES[k])
                                              for k in fields}, None, values),
            submission_problems=lines, status=422)

    key = values.pop("idempotency_key", "")
    values["idempotency_key"] = key
    idempotency = key if re.fullmatch(r"[A-Za-z0-9._:-]{16,128}", key) else None
    body: dict[str, Any] = {k: values[k] for k in ("form", "channel", "received_on")
                            if values.get(k)}
    fields: dict[str, str] = {}
    try:
        body["submission"] = json.loads(values.get("submission", ""))
    except ValueError:
        fields["submission"] = "submission"
    try:
        outer = _load(RecordedReportSchema(), body, visit)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        fields |= {name: name for name in messages if name in console_views.RECORD_MESSAGES}
        return again(fields or {"submission": "submission"})
    if fields:
        return again(fields)
    try:
        data = _load(_FORM_SCHEMAS[outer["form"]](), outer["submission"], visit)
    except ValidationError as error:
        return again({"submission": "submission"}, _problems_of(error.messages))
    try:
        ack = desk.record_report(outer["form"], data, channel=outer["channel"],
                                 received_on=outer["received_on"], officer=officer,
                                 idempotency_key=idempotency)
    except ValueError:
        return again({"received_on": "received_on"})
    return console_views.record_page(ctx, recorded=console_views.Recorded(
        ack.reference, ack.receipt, ctx.when(ack.received_at), ack.proof))


ORIGINAL_REASON = N_("Say why you open the original: at most 2,000 characters, without "
                     "control or invisible characters. The reason is recorded in the "
                     "history.")


def _original(visit: Visit, reference: str) -> Response:
    """The original of a file, as it came, for an administrator who gives a reason: the
    reason is recorded in the case's history with the download, before anything is opened
    (as through the case API)."""
    assert visit.officer is not None
    from shared.endpoints.cases import file_response

    values = _post_values(visit)
    if isinstance(values, Response):
        return values
    attachment_id = values.get("attachment_id", "")
    try:
        reason = _load(OriginalReasonSchema(), {"reason": values.get("reason", "")},
                       visit)["reason"]
    except ValidationError:
        problems = Problems("original", {"reason": visit.ctx.gettext(ORIGINAL_REASON)},
                            None, values)
        return _case(visit, reference, problems=problems, status=422)
    return file_response(visit.desk.download_attachment(
        reference, attachment_id, visit.officer, original_reason=reason), attachment_id)


def _figures_year(visit: Visit) -> tuple[int, list[str]]:
    """The year asked for (``?year=``), or this year with a problem to show."""
    raw = visit.request.args.get("year", "")
    this_year = visit.ctx.now.year
    if not raw:
        return this_year, []
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw), []
    return this_year, [visit.ctx.gettext(console_views.FIGURES_YEAR_PROBLEM)]


def _figures(visit: Visit) -> Response:
    """The year's handling times, clocks met and reopened cases (officers and auditors:
    the use case checks the role), with the link to the year's export."""
    assert visit.officer is not None
    year, problems = _figures_year(visit)
    indicators = visit.desk.indicators(year, visit.officer)
    return console_views.figures_page(visit.ctx, indicators, problems=problems,
                                      status=400 if problems else 200)


def _export(visit: Visit) -> Response:
    """The year's cases as CSV, streamed, as the case API's export: codes and dates, no
    text, without the cases that name the officer. A bad year is the figures page's
    problem, not a file."""
    assert visit.officer is not None
    year, problems = _figures_year(visit)
    if problems or not visit.request.args.get("year"):
        indicators = visit.desk.indicators(year, visit.officer)
        return console_views.figures_page(
            visit.ctx, indicators, status=400,
            problems=problems or [visit.ctx.gettext(console_views.FIGURES_YEAR_PROBLEM)])
    chunks = csv_chunks(visit.desk.export_cases(year, visit.officer))
    first = next(chunks, "")  # a store that is down is the busy page, not a cut-off file

    def body() -> Iterator[str]:
        yield first
        yield from chunks

    response = Response(body(), status=200, mimetype="text/csv")
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Disposition"] = f'attachment; filename="cases-{year}.csv"'
    for cookie in visit.ctx.cookies:
        response.headers.add("Set-Cookie", cookie)
    return response


ROUTES = routes([
    Rule("/assets/<name>", endpoint=_asset, methods=["GET"]),
    Rule("/disclosure", endpoint=_disclosure, methods=["GET"]),
    Rule("/disclosure/campaigns", endpoint=_open_campaign, methods=["POST"]),
    Rule("/disclosure/declarations", endpoint=_declarations, methods=["GET"]),
    Rule("/disclosure/declarations/<hex32:declaration_id>", endpoint=_declaration,
         methods=["GET"]),
    Rule("/disclosure/declarations/<hex32:declaration_id>/review", endpoint=_review,
         methods=["POST"]),
    Rule("/disclosure/filers", endpoint=_filers, methods=["GET"]),
    Rule("/disclosure/verification", endpoint=_verification, methods=["GET"]),
    Rule("/disclosure/verification/draw", endpoint=_draw_sample, methods=["POST"]),
    Rule("/disclosure/verification/void", endpoint=_void_sample, methods=["POST"]),
    Rule("/disclosure/filers", endpoint=_nominate, methods=["POST"]),
    Rule("/disclosure/filers/<staff_id:staff_id>/withdrawal", endpoint=_withdraw,
         methods=["POST"]),
    Rule("/sign-in", endpoint=_development_sign_in, methods=["GET", "POST"]),
    Rule("/sign-out", endpoint=_sign_out, methods=["POST"]),
    Rule("/", endpoint=_today, methods=["GET"]),
    Rule("/cases", endpoint=_list, methods=["GET"]),
    Rule("/record", endpoint=_record, methods=["GET", "POST"]),
    Rule("/figures", endpoint=_figures, methods=["GET"]),
    Rule("/export", endpoint=_export, methods=["GET"]),
    Rule("/cases/<reference:reference>", endpoint=_case, methods=["GET"]),
    Rule("/cases/<reference:reference>/files/<attachment_id>", endpoint=_file,
         methods=["GET"]),
    Rule("/cases/<reference:reference>/originals", endpoint=_original, methods=["POST"]),
    Rule(f"/cases/<reference:reference>/<any({', '.join(ACTIONS)}):action>", endpoint=_act,
         methods=["POST"]),
], converters={"reference": ReferenceConverter, "hex32": Hex32, "staff_id": StaffId})
