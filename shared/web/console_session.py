"""The console's session: who signed in, when, and when they were last active, in a
cookie signed with ``INTAKE_CONSOLE_SECRET`` (HttpOnly, SameSite=Strict, session-only;
``__Host-`` and Secure over HTTPS). It is signed again with every page, so it ends after
``idle`` without activity, and in any case ``longest`` after sign-in. It holds no case,
no name and nothing an officer typed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from flask import Request
from itsdangerous import BadSignature, URLSafeSerializer

from shared.domain.text_input import is_email
from shared.web import security

SESSION_COOKIE = "console_session"
_SALT = "ethics-intake console session"


class Ended(Enum):
    NONE = "none"  # no session cookie, or one that is not ours
    EXPIRED = "expired"  # ours, but idle too long or too old


@dataclass(frozen=True)
class Session:
    email: str
    started: int  # seconds since the epoch
    seen: int  # the last page or action, seconds since the epoch


def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)


def sealed(secret: str, session: Session, *, salt: str = _SALT) -> str:
    """The cookie's value (``salt``: whose session it is, so that one kind of session
    never opens as another)."""
    return _serializer(secret, salt).dumps({"e": session.email, "s": session.started,
                                      "t": session.seen})


def opened(secret: str, value: str | None, *, now: float, idle: int,
           longest: int, salt: str = _SALT) -> Session | Ended:
    """The session a cookie holds, or why there is none. ``idle`` and ``longest`` are in
    seconds."""
    if not value or len(value) > 1000:
        return Ended.NONE
    try:
        data = _serializer(secret, salt).loads(value)
    except BadSignature:
        return Ended.NONE
    if not isinstance(data, dict):
        return Ended.NONE
    email, started, seen = data.get("e"), data.get("s"), data.get("t")
    if not isinstance(email, str) or not is_email(email) or not isinstance(started, int) \
            or not isinstance(seen, int) or seen < started:
        return Ended.NONE
    if now - seen > idle or now - started > longest:
        return Ended.EXPIRED
    return Session(email, started, seen)


def read(request: Request) -> str | None:
    return security.read_cookie(request, SESSION_COOKIE)


def set_header(request: Request, secret: str, session: Session) -> str:
    return security.cookie_header(request, SESSION_COOKIE, sealed(secret, session))


def clear_header(request: Request) -> str:
    return security.clear_cookie_header(request, SESSION_COOKIE)
