"""The ``forms`` function: the public pages. The start page, one page per form (they post
to the submit functions), the follow-up page, and the pages' own assets.

Routes (as the function sees them, below its own URL ``/forms``):
``/`` start; ``/advice`` ``/misconduct`` ``/retaliation`` the forms (GET: the first step;
POST: from step to step, up to "Check your answers", which posts to the submit function);
``/received`` the one-time confirmation (GET), ended by "I have written it down" (POST),
``/received/text`` its text file, ``/received/proof`` the proof of submission;
``/keys`` (and ``/keys.json``) the public keys that sign proofs, ``/verify`` (GET, POST)
the page where a proof is checked; ``/done``; ``/exit`` ("Exit this page"); ``/follow-up``
(GET: ask for reference and receipt; POST: open the case), ``/follow-up/case`` (GET: the
opened case), ``/follow-up/message`` (POST: add information), ``/follow-up/review``
(POST: confirm an officer's record of the report, or ask for a correction),
``/follow-up/leave`` (POST);
the filers' declaration pages ``/declarations...`` (``shared.endpoints.declarations``);
``/assets/<file>`` (not ``/static``: Flask, under functions-framework, keeps that path for
itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Request, Response
from werkzeug.routing import Rule

from shared import logs
from shared.endpoints import browser, confirmation, declarations, form_steps, proofs
from shared.endpoints.base import Action, Handler, Wiring, endpoint
from shared.endpoints.disclosure import Hex32
from shared.endpoints.follow_up import (
    add_information,
    leave,
    open_with_receipt,
    review_record,
    show_case,
)
from shared.endpoints.routing import NoRoute, WrongMethod, match, routes
from shared.web import follow_up_views, views
from shared.web.pages import PAGES
from shared.web.render import PAGE_HEADERS, STATIC, Urls, asset_version

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

log = logs.get_logger(__name__)

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}

Page = Action  # a page of the forms function


def _get(render: Callable[[views.PageContext], Response], name: str) -> Page:
    def page(container: UseCases, request: Request) -> Response:
        urls = Urls.from_base_url(container.settings.functions_base_url)
        ctx = browser.page_context(container, request, browser.language(request),
                                   switch_to=lambda code: urls.page(name, code))
        return render(ctx)

    return page


_FIRST_STEPS = {code: form_steps.first_step(code) for code in PAGES}
_STEP_POSTS = {code: form_steps.step_post(code) for code in PAGES}


def _first_step(container: UseCases, request: Request, code: str) -> Response:
    return _FIRST_STEPS[code](container, request)


def _step_post(container: UseCases, request: Request, code: str) -> Response:
    return _STEP_POSTS[code](container, request)


def _asset(container: UseCases, request: Request, name: str) -> Response:
    found = _static(name, request) if request.method in ("GET", "HEAD") else None
    return found if found is not None else _not_found(container, request)


_FORM = f"<any({', '.join(PAGES)}):code>"
ROUTES = routes([
    Rule("/", endpoint=_get(views.start, ""), methods=["GET"]),
    Rule("/received", endpoint=confirmation.show, methods=["GET"]),
    Rule("/received", endpoint=confirmation.finish, methods=["POST"]),
    Rule("/received/text", endpoint=confirmation.download, methods=["GET"]),
    Rule("/received/proof", endpoint=proofs.download, methods=["GET"]),
    Rule("/keys", endpoint=proofs.keys_page, methods=["GET"]),
    Rule("/keys.json", endpoint=proofs.keys_document, methods=["GET"]),
    Rule("/verify", endpoint=proofs.verify_form, methods=["GET"]),
    Rule("/verify", endpoint=proofs.verify, methods=["POST"]),
    Rule("/done", endpoint=confirmation.done, methods=["GET"]),
    Rule("/exit", endpoint=confirmation.leave_now, methods=["GET"]),
    Rule("/follow-up", methods=["GET"],
         endpoint=_get(lambda ctx: follow_up_views.follow_up(ctx), "follow-up")),
    Rule("/follow-up", endpoint=open_with_receipt, methods=["POST"]),
    Rule("/follow-up/case", endpoint=show_case, methods=["GET"]),
    Rule("/follow-up/message", endpoint=add_information, methods=["POST"]),
    Rule("/follow-up/review", endpoint=review_record, methods=["POST"]),
    Rule("/follow-up/leave", endpoint=leave, methods=["POST"]),
    Rule("/declarations", endpoint=declarations.home, methods=["GET"]),
    Rule("/declarations/new", endpoint=declarations.new, methods=["GET"]),
    Rule("/declarations/new", endpoint=declarations.file_post, methods=["POST"]),
    Rule("/declarations/sign-in", endpoint=declarations.sign_in_page, methods=["GET"]),
    Rule("/declarations/sign-in", endpoint=declarations.sign_in_post, methods=["POST"]),
    Rule("/declarations/sign-out", endpoint=declarations.sign_out, methods=["POST"]),
    Rule("/declarations/<hex32:declaration_id>", endpoint=declarations.declaration,
         methods=["GET"]),
    Rule("/declarations/<hex32:declaration_id>/amend", endpoint=declarations.amend_form,
         methods=["GET"]),
    Rule("/declarations/<hex32:declaration_id>/amend", endpoint=declarations.amend_post,
         methods=["POST"]),
    Rule(f"/{_FORM}", endpoint=_first_step, methods=["GET"]),
    Rule(f"/{_FORM}", endpoint=_step_post, methods=["POST"]),
    # Any method: an asset that is not there, or not asked with GET, is a page not found.
    Rule("/assets/<name>", endpoint=_asset),
], converters={"hex32": Hex32})


def _static(name: str, request: Request) -> Response | None:
    path = STATIC / name
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or "/" in name or not path.is_file():
        return None
    response = Response(path.read_bytes(), status=200, content_type=kind)
    response.headers.update({k: v for k, v in PAGE_HEADERS.items() if k != "Cache-Control"})
    versioned = request.args.get("v") == asset_version()
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if versioned \
        else "public, max-age=300"
    return response


def _not_found(container: UseCases, request: Request) -> Response:
    ctx = browser.page_context(container, request, browser.language(request))
    return views.problem(ctx, 404, "not_found")


def _route(container: UseCases, request: Request) -> Response:
    try:
        page, arguments = match(ROUTES, request.path.rstrip("/") or "/", request.method)
    except NoRoute:
        return _not_found(container, request)
    except WrongMethod as wrong:
        ctx = browser.page_context(container, request, browser.language(request))
        return views.problem(ctx, 405, "method", headers={"Allow": wrong.allow})
    response: Response = page(container, request, **arguments)
    return response


def _forms(container: UseCases, request: Request) -> Response:
    """Serve the public pages; an error answers a page saying so."""
    return browser.with_error_pages(container, request, "forms",
                                    lambda: _route(container, request))


def forms_endpoint(wiring: Wiring) -> Handler:
    return endpoint("forms", _forms, wiring)
