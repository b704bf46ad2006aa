"""A filer's session on the declaration pages, for local work's development sign-in: the
address typed, when, and when last active, in a cookie signed with the forms' secret under
a salt of its own (a console session never opens as a filer's, nor the reverse),
HttpOnly, SameSite=Strict, session-only. It ends after ``IDLE_SECONDS`` without activity and
in any case ``LONGEST_SECONDS`` after sign-in. On Google Cloud no cookie is needed:
Identity-Aware Proxy's assertion names the filer on every request."""

from __future__ import annotations

from typing import Final

from flask import Request

from shared.web import console_session, security
from shared.web.console_session import Ended, Session

COOKIE: Final = security.FILER_COOKIE  # "Exit this page" forgets it too
IDLE_SECONDS: Final = 30 * 60
LONGEST_SECONDS: Final = 8 * 3600
_SALT: Final = "ethics-intake filer session"

__all__ = ["COOKIE", "Ended", "Session", "clear_header", "opened", "set_header"]


def opened(secret: str, request: Request, *, now: float) -> Session | Ended:
    return console_session.opened(secret, security.read_cookie(request, COOKIE), now=now,
                                  idle=IDLE_SECONDS, longest=LONGEST_SECONDS, salt=_SALT)


def set_header(request: Request, secret: str, session: Session) -> str:
    return security.cookie_header(request, COOKIE,
                                  console_session.sealed(secret, session, salt=_SALT))


def clear_header(request: Request) -> str:
    return security.clear_cookie_header(request, COOKIE)
