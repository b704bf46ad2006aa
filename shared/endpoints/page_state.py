"""What the pages keep in the browser, sealed: a form's unsent answers (in the page), the
confirmation of a submission and an opened follow-up case (in short-lived cookies).

Each is bound to the browser's anti-forgery cookie, so "Exit this page", which clears that
cookie, also ends them. A form's first page may be shown to a browser that has no cookie
yet: its (empty) draft is bound to none, and every later one to the cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Request

from shared.web import security
from shared.web.flow import Draft
from shared.web.sealed import Sealer
from shared.web.views import Receipt

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

DRAFT_MAX_AGE = 24 * 3600  # a long complaint may take an evening: each step renews it
RECEIPT_MAX_AGE = 30 * 60  # time to write the codes down
CASE_IDLE_SECONDS = 15 * 60  # an opened case closes after this long without an action
CASE_MAX_AGE = 2 * 3600  # and after this long in any case


def _now(container: UseCases) -> float:
    return container.now().timestamp()


def seal_draft(container: UseCases, cookie: str | None, draft: Draft) -> str:
    return Sealer(container.forms_secret, f"draft {draft.form}").seal(
        draft.as_json(), cookie=cookie, now=_now(container))


def open_draft(container: UseCases, request: Request, form: str,
               token: str | None) -> Draft | None:
    """The draft in a page, if it is this form's, fresh and this browser's."""
    sealer = Sealer(container.forms_secret, f"draft {form}")
    cookie = security.browser_cookie(request)
    for binding in ((cookie, None) if cookie else (None,)):
        value = sealer.open(token, cookie=binding, now=_now(container), max_age=DRAFT_MAX_AGE)
        if value is not None:
            draft = Draft.from_json(value)
            return draft if draft is not None and draft.form == form else None
    return None


def already_sent(container: UseCases, form: str, key: str) -> bool:
    """Whether a submission was made with this form's idempotency key."""
    from shared.domain.forms import FORMS

    return container.submitted(FORMS[form], key)


@dataclass(frozen=True)
class Confirmation:
    """The confirmation kept in its cookie: what it shows, and what was already used."""

    receipt: Receipt
    key: str
    shown: bool = False
    downloaded: bool = False

    def as_json(self) -> dict[str, object]:
        r = self.receipt
        return {"f": r.form, "r": r.reference, "a": r.received_at.isoformat(),
                "c": r.receipt, "p": r.proof, "k": self.key, "s": self.shown,
                "d": self.downloaded}


def receipt_cookie(container: UseCases, request: Request, cookie: str,
                   confirmation: Confirmation) -> str:
    token = Sealer(container.forms_secret, "receipt").seal(
        confirmation.as_json(), cookie=cookie, now=_now(container))
    return security.cookie_header(request, security.RECEIPT_COOKIE, token,
                                  max_age=RECEIPT_MAX_AGE)


def read_confirmation(container: UseCases, request: Request) -> Confirmation | None:
    value = Sealer(container.forms_secret, "receipt").open(
        security.read_cookie(request, security.RECEIPT_COOKIE),
        cookie=security.browser_cookie(request), now=_now(container),
        max_age=RECEIPT_MAX_AGE)
    if not isinstance(value, dict):
        return None
    try:
        receipt = Receipt(str(value["f"]), str(value["r"]),
                          datetime.fromisoformat(str(value["a"])),
                          str(value["c"]) if value["c"] else None,
                          str(value["p"]) if value.get("p") else None)
        return Confirmation(receipt, str(value["k"]), bool(value["s"]), bool(value["d"]))
    except (KeyError, TypeError, ValueError):
        return None


def case_cookie(container: UseCases, request: Request, cookie: str, reference: str,
                opened_at: float, *, added: bool = False) -> str:
    token = Sealer(container.forms_secret, "case").seal(
        {"r": reference, "o": opened_at, "added": added}, cookie=cookie, now=_now(container))
    return security.cookie_header(request, security.CASE_COOKIE, token,
                                  max_age=CASE_IDLE_SECONDS)


@dataclass(frozen=True)
class OpenCase:
    reference: str
    opened_at: float
    added: bool


def read_case(container: UseCases, request: Request) -> OpenCase | None:
    """The case this browser opened, while its session lasts."""
    value = Sealer(container.forms_secret, "case").open(
        security.read_cookie(request, security.CASE_COOKIE),
        cookie=security.browser_cookie(request), now=_now(container),
        max_age=CASE_IDLE_SECONDS)
    if not isinstance(value, dict) or not isinstance(value.get("r"), str):
        return None
    opened = value.get("o")
    if not isinstance(opened, int | float) or _now(container) - opened > CASE_MAX_AGE:
        return None
    return OpenCase(value["r"], float(opened), bool(value.get("added")))


def clear(request: Request, *names: str) -> tuple[str, ...]:
    return tuple(security.clear_cookie_header(request, name) for name in names)
