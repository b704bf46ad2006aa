"""Anti-forgery for the forms, and the short-lived cookies of the pages.

CSRF: a signed double-submit token. Each browser gets a random cookie (HttpOnly,
SameSite=Strict, session-only, ``__Host-`` and Secure over HTTPS); every form carries a
token signed with ``INTAKE_FORMS_SECRET`` that binds a hash of that cookie and the time it
was issued. A post is accepted only with a fresh token that matches the cookie it came
with, and never when the browser says it comes from another site (``Sec-Fetch-Site``,
``Origin``: ``shared.http.browsers.origin_of``).

Two more cookies, each holding a token sealed to the anti-forgery cookie
(``shared.web.sealed``): the confirmation of a submission (shown once, then only its text
file once more, until the person says they have written the codes down) and an opened
follow-up case (closed by "Leave", or by itself after some idle minutes). "Exit this page"
clears all three.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import Enum

from flask import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOKEN_FIELD = "csrf_token"  # noqa: S105 (a field name, not a secret)
HONEYPOT_FIELD = "website"
LANGUAGE_FIELD = "lang"
TOKEN_MAX_AGE = 24 * 3600  # a long complaint may take an evening to write


class TokenCheck(Enum):
    OK = "ok"  # fresh, and bound to the cookie that came with it
    UNBOUND = "unbound"  # fresh and ours, but the cookie is missing or another one
    EXPIRED = "expired"
    INVALID = "invalid"


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.scheme == "https" or forwarded == "https"


CSRF_COOKIE = "csrf"
RECEIPT_COOKIE = "receipt"
CASE_COOKIE = "case"
FILER_COOKIE = "filer_session"  # the development sign-in of the declaration pages
PAGE_COOKIES = (CSRF_COOKIE, RECEIPT_COOKIE, CASE_COOKIE, FILER_COOKIE)


def cookie_name(request: Request, base: str = CSRF_COOKIE) -> str:
    return f"__Host-{base}" if is_https(request) else base


def read_cookie(request: Request, base: str) -> str | None:
    return request.cookies.get(cookie_name(request, base)) or None


def cookie_header(request: Request, base: str, value: str, *,
                  max_age: int | None = None) -> str:
    """A Set-Cookie header: HttpOnly, SameSite=Strict, for the whole site (Secure and
    ``__Host-`` over HTTPS); a session cookie unless ``max_age`` is given."""
    secure = "; Secure" if is_https(request) else ""
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return f"{cookie_name(request, base)}={value}; Path=/; HttpOnly; SameSite=Strict{age}{secure}"


def clear_cookie_header(request: Request, base: str) -> str:
    return cookie_header(request, base, "", max_age=0)


def browser_cookie(request: Request) -> str | None:
    value = request.cookies.get(cookie_name(request))
    return value if value and 20 <= len(value) <= 100 else None


def new_cookie() -> str:
    return secrets.token_urlsafe(32)


def set_cookie_header(request: Request, value: str) -> str:
    return cookie_header(request, CSRF_COOKIE, value)


def _binding(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()[:32]


def _signer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"ethics-intake {purpose}")


def issue_token(secret: str, cookie: str) -> str:
    return _signer(secret, "csrf").dumps(_binding(cookie))


def check_token(secret: str, token: str | None, cookie: str | None,
                max_age: int = TOKEN_MAX_AGE) -> TokenCheck:
    """Whether a form's token is ours, fresh, and belongs to the cookie sent with it."""
    if not token or len(token) > 300:
        return TokenCheck.INVALID
    try:
        bound = _signer(secret, "csrf").loads(token, max_age=max_age)
    except SignatureExpired:
        return TokenCheck.EXPIRED
    except BadSignature:
        return TokenCheck.INVALID
    if cookie and isinstance(bound, str) and hmac.compare_digest(bound, _binding(cookie)):
        return TokenCheck.OK
    return TokenCheck.UNBOUND


