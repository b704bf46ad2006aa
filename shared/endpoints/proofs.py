"""The public pages of the proofs of submission: the proof file from the confirmation,
the published keys (a page and JSON), and the page where a proof is pasted and checked.
Checking reads nothing stored and needs no login."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flask import Request, Response

from shared.domain.proofs import format_time, keys_json
from shared.endpoints import browser, guards, page_state
from shared.endpoints.follow_up import TOO_MANY
from shared.web import proof_views, views
from shared.web.render import PAGE_HEADERS, Urls

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

# The proof, a kept copy of what was sent, and the page's own fields.
LIMIT = proof_views.CONTENT_LIMIT + 16 * 1024
VERIFY_LIMIT = browser.RateLimit(guards.VERIFY_BUCKET, TOO_MANY)


def download(container: UseCases, request: Request) -> Response:
    """GET /received/proof: the proof of submission as a small text file, for as long as
    the confirmation is kept (it holds no receipt code: it may be saved and shown)."""
    ctx = browser.page_context(container, request, browser.language(request))
    confirmation = page_state.read_confirmation(container, request)
    if confirmation is None or not confirmation.receipt.proof:
        return views.expired(ctx)
    response = Response(confirmation.receipt.proof.encode("ascii"), status=200,
                        content_type="text/plain; charset=us-ascii")
    response.headers.update(PAGE_HEADERS)
    name = f"proof-{confirmation.receipt.reference}.txt"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def keys_page(container: UseCases, request: Request) -> Response:
    """GET /keys: the public keys with their periods, as a page."""
    ctx = browser.page_context(container, request, browser.language(request),
                               switch_to=lambda code: _urls(container).page("keys", code))
    return proof_views.keys_page(ctx, container.published_keys())


def keys_document(container: UseCases, request: Request) -> Response:
    """GET /keys.json: the same keys for programs (``intake verify-proof --keys``)."""
    body = json.dumps(keys_json(container.published_keys()), indent=1) + "\n"
    response = Response(body.encode(), status=200,
                        content_type="application/json; charset=utf-8")
    response.headers.update({k: v for k, v in PAGE_HEADERS.items() if k != "Cache-Control"})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def verify_form(container: UseCases, request: Request) -> Response:
    """GET /verify: the empty page."""
    ctx = browser.page_context(container, request, browser.language(request),
                               switch_to=lambda code: _urls(container).page("verify", code))
    return proof_views.verify_page(ctx)


def verify(container: UseCases, request: Request) -> Response:
    """POST /verify: check the pasted proof (and copy of what was sent); nothing is kept."""
    post = browser.receive_post(container, request, "forms", LIMIT, _again,
                                rate_limit=VERIFY_LIMIT)
    if isinstance(post, Response):
        return post
    values = {"proof": post.values.get("proof", ""), "content": post.values.get("content", "")}
    if not values["proof"].strip():
        return proof_views.verify_page(post.ctx, values=values, missing_proof=True,
                                       status=422)
    content = values["content"].encode("utf-8") if values["content"].strip() else None
    check = container.check_proof(values["proof"], content)
    detail = {}
    if check.proof is not None:
        statement = check.proof.statement
        detail = {"reference": statement.reference, "key": statement.key_id,
                  "received_at": views.when(post.ctx, statement.received_at),
                  "received_at_utc": format_time(statement.received_at)}
    return proof_views.verify_page(post.ctx, values=values, outcome=check.outcome,
                                   detail=detail,
                                   content_matches=check.valid and check.content_checked)


def _again(ctx: views.PageContext, values: dict[str, str], status: int,
           notice: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
    kept = {"proof": values.get("proof", ""), "content": values.get("content", "")}
    return proof_views.verify_page(ctx, values=kept, status=status, notice=notice,
                                   headers=headers)


def _urls(container: UseCases) -> Urls:
    return Urls.from_base_url(container.settings.functions_base_url)
