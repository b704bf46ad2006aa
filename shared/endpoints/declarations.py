"""The filers' declaration pages of the ``forms`` function, server-rendered, no JavaScript.

Routes (below ``/forms``): ``/declarations`` the filer's own declarations and
obligations, with the thresholds explained; ``/declarations/new`` (GET ``?kind=annual&year=
YYYY`` or ``?kind=ad_hoc``: the form; POST: its buttons, up to "Send my declaration");
``/declarations/<id>`` a declaration as filed, with the Ethics Office's outcome and
guidance reply; ``/declarations/<id>/amend`` (GET the form filled in; POST a new
version); ``/declarations/sign-out`` (POST); ``/declarations/sign-in`` (local work only).

Who is signed in: on Google Cloud, Identity-Aware Proxy's assertion (Google sign-in),
verified on every request as the console's (``shared.auth.IapFilerSignIn``); locally, the
address typed on the development sign-in, kept in a short session cookie
(``shared.web.filer_session``), offered only where development tokens would be. Every post
passes the forms' checks (same origin, anti-forgery token, honeypot). Every action is the
programme's use case (``shared.services.disclosure``), exactly as the disclosure API runs
it: a filer reads and amends only their own declarations, and anyone else's answers as a
page not found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from shared import logs
from shared.auth import IAP_ASSERTION_HEADER, DevelopmentFilerSignIn, IapFilerSignIn
from shared.config import url_origin
from shared.domain.disclosure import AD_HOC, ANNUAL, DisclosureError
from shared.domain.officers import normalise_email
from shared.domain.sealing import IntegrityFailure
from shared.domain.text_input import is_email
from shared.endpoints import browser
from shared.endpoints.confirmation import see_other
from shared.ports.disclosure import DeclarationConflict
from shared.ports.identity import Unauthenticated
from shared.services import disclosure as programme
from shared.services.disclosure import Caller, CampaignProblem, DeclarationNotFound, NotAFiler
from shared.web import declaration_form, declaration_views, filer_session, views
from shared.web.console_session import Ended, Session
from shared.web.declaration_views import FormTarget
from shared.web.formdefs import N_
from shared.web.i18n import LANGUAGES
from shared.web.render import Urls

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

log = logs.get_logger(__name__)

FUNCTION = "forms"
IAP_SIGN_OUT = "/_gcp_iap/clear_login_cookie"
LIMIT = 1024 * 1024  # seven sections, each member, up to 50 items each

CHANGED = N_("Your declaration changed since you opened this form (another version was "
             "sent). Your answers are kept below: check them and send again.")
NOT_OWED = N_("You have no annual declaration to file for that year, or it is filed "
              "already: open it from your declarations to amend it.")
NOT_ACCEPTED = N_("The declaration could not be accepted. Check every section and send it "
                  "again.")
SIGN_IN_EMAIL = N_("Enter an e-mail address, like name@example.org.")
NOT_A_FILER_NOTICE = N_("That address is not on the Ethics Office's list of filers.")


def _lang(request: Request) -> str:
    return browser.language(request).code


def _ctx(uc: UseCases, request: Request, path: str, **query: str) -> views.PageContext:
    return browser.page_context(
        uc, request, browser.language(request),
        switch_to=lambda code: _urls(uc).page(path, code, **query))


def _urls(uc: UseCases) -> Urls:
    return Urls.from_base_url(uc.settings.functions_base_url)


# --- Who is signed in ------------------------------------------------------------------------

class _Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _signed_in(uc: UseCases, request: Request) -> tuple[Caller, tuple[str, ...]]:
    """The signed-in caller and the cookie that renews their session; ``_Refusal`` with the
    answer that refuses, or leads to, a sign-in."""
    sign_in = uc.filer_sign_in
    lang = _lang(request)
    if sign_in is None:
        ctx = _ctx(uc, request, "declarations")
        raise _Refusal(declaration_views.refused(ctx, 404, "no_sign_in"))
    if isinstance(sign_in, IapFilerSignIn):
        try:
            email = sign_in.email(request.headers.get(IAP_ASSERTION_HEADER))
        except Unauthenticated as refusal:
            browser.refused(FUNCTION, "iap_" + refusal.reason)
            ctx = _ctx(uc, request, "declarations")
            raise _Refusal(declaration_views.refused(ctx, 401, "not_signed_in")) from None
        return programme.caller(uc.disclosure, email), ()
    now = int(uc.now().timestamp())
    found = filer_session.opened(uc.forms_secret, request, now=now)
    if not isinstance(found, Session):
        query = {"notice": "ended"} if found is Ended.EXPIRED else {}
        raise _Refusal(see_other(_urls(uc).page("declarations/sign-in", lang, **query),
                                 (filer_session.clear_header(request),)))
    email = sign_in.email(found.email)
    renewed = filer_session.set_header(request, uc.forms_secret,
                                       Session(email, found.started, now))
    return programme.caller(uc.disclosure, email), (renewed,)


def _filer_page(page: Any) -> Any:
    """A page for signed-in filers: the caller, and the answers every such page shares (not
    a filer, someone else's declaration, a record that fails its integrity check)."""

    def serve(uc: UseCases, request: Request, **arguments: Any) -> Response:
        try:
            who, cookies = _signed_in(uc, request)
            response: Response = page(uc, request, who, **arguments)
        except _Refusal as refusal:
            return refusal.response
        except NotAFiler:
            browser.refused(FUNCTION, "not_a_filer")
            return declaration_views.refused(_ctx(uc, request, "declarations"), 403,
                                             "not_a_filer")
        except DeclarationNotFound:
            return declaration_views.refused(_ctx(uc, request, "declarations"), 404,
                                             "not_found")
        except IntegrityFailure:
            return declaration_views.refused(_ctx(uc, request, "declarations"), 500,
                                             "integrity")
        for cookie in cookies:
            response.headers.add("Set-Cookie", cookie)
        return response

    return serve


# --- Pages -------------------------------------------------------------------------------------

@_filer_page
def home(uc: UseCases, request: Request, who: Caller) -> Response:
    """GET /declarations."""
    filer, declarations, obligations = programme.my_declarations(uc.disclosure, who)
    ctx = _ctx(uc, request, "declarations")
    return declaration_views.home(ctx, filer, declarations, obligations,
                                  uc.disclosure.settings.thresholds,
                                  development=isinstance(uc.filer_sign_in,
                                                         DevelopmentFilerSignIn))


def _target_of(args: Mapping[str, str]) -> FormTarget | None:
    kind = args.get("kind")
    if kind == AD_HOC:
        return FormTarget(AD_HOC)
    year = args.get("year", "")
    if kind == ANNUAL and year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100:
        return FormTarget(ANNUAL, int(year))
    return None


@_filer_page
def new(uc: UseCases, request: Request, who: Caller) -> Response:
    """GET /declarations/new: an empty form."""
    programme.signed_in_filer(uc.disclosure, who)
    target = _target_of(request.args)
    ctx = _ctx(uc, request, "declarations/new", **{k: v for k, v in request.args.items()
                                                   if k in ("kind", "year")})
    if target is None:
        return views.problem(ctx, 404, "not_found")
    return declaration_views.form(ctx, target, {}, uc.disclosure.settings.thresholds)


@_filer_page
def declaration(uc: UseCases, request: Request, who: Caller,
                declaration_id: str) -> Response:
    """GET /declarations/<id>: one's own declaration, its outcome and guidance."""
    view = programme.read_declaration(uc.disclosure, who, declaration_id)
    ctx = _ctx(uc, request, f"declarations/{declaration_id}")
    return declaration_views.declaration(ctx, view.declaration, view.content, view.guidance,
                                         view.versions, done=request.args.get("done"))


@_filer_page
def amend_form(uc: UseCases, request: Request, who: Caller, declaration_id: str) -> Response:
    """GET /declarations/<id>/amend: the form filled in with the latest version."""
    view = programme.read_declaration(uc.disclosure, who, declaration_id)
    ctx = _ctx(uc, request, f"declarations/{declaration_id}/amend")
    if not view.declaration.amendable:
        return declaration_views.refused(ctx, 409, "reviewed")
    d = view.declaration
    return declaration_views.form(ctx, FormTarget(d.kind, d.year if d.kind == ANNUAL else None,
                                                  d.id, d.version),
                                  declaration_form.values_of(view.content),
                                  uc.disclosure.settings.thresholds)


def _posted_target(values: Mapping[str, str], declaration_id: str | None) -> FormTarget | None:
    if declaration_id is None:
        return _target_of(values)
    version = values.get("version", "")
    kind = values.get("kind")
    if kind not in (ANNUAL, AD_HOC) or not (version.isascii() and version.isdigit()):
        return None
    return FormTarget(kind, None, declaration_id, int(version))


def _post(uc: UseCases, request: Request, who: Caller,
          declaration_id: str | None = None) -> Response:
    thresholds = uc.disclosure.settings.thresholds
    programme.signed_in_filer(uc.disclosure, who)

    def again(ctx: views.PageContext, values: dict[str, str], status: int,
              notice: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
        target = _posted_target(values, declaration_id)
        if target is None:
            return views.problem(ctx, 400, "bad_request")
        return declaration_views.form(ctx, target, values, thresholds, notice=notice,
                                      status=status)

    # Reached through the load balancer's Identity-Aware Proxy on another host as well.
    post = browser.receive_post(uc, request, FUNCTION, LIMIT, again,
                                also_from=url_origin(uc.settings.forms.declarations_url),
                                max_fields=declaration_form.MAX_FIELDS)
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, dict(post.values)
    target = _posted_target(values, declaration_id)
    if target is None:
        return views.problem(ctx, 400, "bad_request")
    action = values.get("action", "send")
    if action.startswith("lang:") and action[5:] in LANGUAGES:
        ctx = browser.page_context(uc, request, LANGUAGES[action[5:]])
        return declaration_views.form(ctx, target, values, thresholds)
    if action == "household":
        return declaration_views.form(ctx, target, values, thresholds)
    if action.startswith("add:"):
        section, _, member = action[4:].partition(declaration_form.SEP)
        rows = declaration_form.rows_of(values, section, member)
        values[declaration_form.key(section, member, "rows")] = str(rows + 1)
        return declaration_views.form(ctx, target, values, thresholds)
    content, errors = declaration_form.parse(values, ad_hoc=target.kind == AD_HOC)
    if errors:
        return declaration_views.form(ctx, target, values, thresholds, errors=errors,
                                      status=422)
    p = uc.disclosure
    try:
        if target.declaration_id is None:
            made = programme.file_declaration(p, who, content, kind=target.kind,
                                              year=target.year)
            done = "filed"
        else:
            made = programme.amend_declaration(p, who, target.declaration_id, content,
                                               version=target.version or 0)
            done = "amended"
    except CampaignProblem:
        return declaration_views.form(ctx, target, values, thresholds, status=409,
                                      notice=ctx.gettext(NOT_OWED))
    except DeclarationConflict as conflict:
        if conflict.reason == "reviewed":
            return declaration_views.refused(ctx, 409, "reviewed")
        return declaration_views.form(ctx, target, values, thresholds, status=409,
                                      notice=ctx.gettext(CHANGED))
    except DisclosureError as error:
        # The form's own checks come first; this is what they let through.
        log.info("declaration refused", extra={"event": "form_refused", "function": FUNCTION,
                                               "fields": sorted(error.errors)[:10]})
        return declaration_views.form(ctx, target, values, thresholds, status=422,
                                      notice=ctx.gettext(NOT_ACCEPTED))
    return see_other(_urls(uc).page(f"declarations/{made.id}", ctx.language.code,
                                    done=done))


@_filer_page
def file_post(uc: UseCases, request: Request, who: Caller) -> Response:
    """POST /declarations/new."""
    return _post(uc, request, who)


@_filer_page
def amend_post(uc: UseCases, request: Request, who: Caller, declaration_id: str) -> Response:
    """POST /declarations/<id>/amend."""
    return _post(uc, request, who, declaration_id)


# --- Signing in and out ------------------------------------------------------------------------

def sign_in_page(uc: UseCases, request: Request) -> Response:
    """GET /declarations/sign-in (development sign-in only)."""
    ctx = _ctx(uc, request, "declarations/sign-in")
    if not isinstance(uc.filer_sign_in, DevelopmentFilerSignIn):
        return views.problem(ctx, 404, "not_found")
    notice = ctx.gettext(N_("Your session ended. Sign in again to go on.")) \
        if request.args.get("notice") == "ended" else None
    return declaration_views.sign_in(ctx, notice=notice)


def sign_in_post(uc: UseCases, request: Request) -> Response:
    """POST /declarations/sign-in (development sign-in only)."""
    sign_in = uc.filer_sign_in
    if not isinstance(sign_in, DevelopmentFilerSignIn):
        return views.problem(_ctx(uc, request, "declarations/sign-in"), 404, "not_found")

    def again(ctx: views.PageContext, values: dict[str, str], status: int,
              notice: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
        return declaration_views.sign_in(ctx, value=values.get("email", ""), error=notice,
                                         status=status)

    post = browser.receive_post(uc, request, FUNCTION, 16 * 1024, again)
    if isinstance(post, Response):
        return post
    ctx, values = post.ctx, post.values
    typed = values.get("email", "").strip()
    if not is_email(typed):
        return again(ctx, values, 422, ctx.gettext(SIGN_IN_EMAIL))
    email = sign_in.email(typed)
    try:
        programme.signed_in_filer(uc.disclosure, programme.caller(uc.disclosure, email))
    except NotAFiler:
        browser.refused(FUNCTION, "not_a_filer")
        return again(ctx, values, 403, ctx.gettext(NOT_A_FILER_NOTICE))
    now = int(uc.now().timestamp())
    cookie = filer_session.set_header(request, uc.forms_secret,
                                      Session(normalise_email(email), now, now))
    return see_other(_urls(uc).page("declarations", ctx.language.code), (cookie,))


def sign_out(uc: UseCases, request: Request) -> Response:
    """POST /declarations/sign-out."""

    def again(ctx: views.PageContext, values: dict[str, str], status: int,
              notice: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
        return browser.forbidden(ctx)

    post = browser.receive_post(uc, request, FUNCTION, 16 * 1024, again)
    if isinstance(post, Response):
        return post
    cleared = (filer_session.clear_header(request),)
    if isinstance(uc.filer_sign_in, IapFilerSignIn):
        return see_other(IAP_SIGN_OUT, cleared)
    return see_other(_urls(uc).page("declarations/sign-in", post.ctx.language.code),
                     cleared)
