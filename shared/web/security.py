"""Anti-forgery for the forms, and signed access to a case on the follow-up page.

CSRF: a signed double-submit token. Each browser gets a random cookie (HttpOnly,
SameSite=Strict, session-only, ``__Host-`` and Secure over HTTPS); every form carries a
token signed with ``INTAKE_FORMS_SECRET`` that binds a hash of that cookie and the time it
was issued. A post is accepted only with a fresh token that matches the cookie it came
with, and never when the browser says it comes from another site (``Sec-Fetch-Site``,
``Origin``: ``shared.http.origin_of``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import Enum
from typing import Any

from flask import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOKEN_FIELD = "csrf_token"  # noqa: S105 (a field name, not a secret)
HONEYPOT_FIELD = "website"
LANGUAGE_FIELD = "lang"
TOKEN_MAX_AGE = 24 * 3600  # a long complaint may take an evening to write
ACCESS_MAX_AGE = 2 * 3600


class TokenCheck(Enum):
    OK = "ok"  # fresh, and bound to the cookie that came with it
    UNBOUND = "unbound"  # fresh and ours, but the cookie is missing or another one
    EXPIRED = "expired"
    INVALID = "invalid"


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.scheme == "https" or forwarded == "https"


def cookie_name(request: Request) -> str:
    return "__Host-csrf" if is_https(request) else "csrf"


def browser_cookie(request: Request) -> str | None:
    value = request.cookies.get(cookie_name(request))
    return value if value and 20 <= len(value) <= 100 else None


def new_cookie() -> str:
    return secrets.token_urlsafe(32)


def set_cookie_header(request: Request, value: str) -> str:
    secure = "; Secure" if is_https(request) else ""
    return f"{cookie_name(request)}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"


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


def issue_access(secret: str, reference: str, cookie: str) -> str:
    """A token that lets this browser add information to a case it has opened."""
    return _signer(secret, "follow-up access").dumps({"r": reference, "c": _binding(cookie)})


def check_access(secret: str, token: str | None, cookie: str | None,
                 max_age: int = ACCESS_MAX_AGE) -> str | None:
    """The reference an access token opens, if it is fresh and bound to this cookie."""
    if not token or not cookie or len(token) > 400:
        return None
    try:
        claims: Any = _signer(secret, "follow-up access").loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("r"), str) or not \
            hmac.compare_digest(str(claims.get("c", "")), _binding(cookie)):
        return None
    return str(claims["r"])
