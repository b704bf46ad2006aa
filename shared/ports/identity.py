"""Who a bearer token proves the caller to be: the port the officer API and the task
targets verify tokens through, and the refusal every verifier raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

_MESSAGES: Final = {
    "missing": "Sign in: this API needs an 'Authorization: Bearer <token>' header.",
    "expired": "The token has expired; sign in again.",
}
_INVALID = "The bearer token is not valid."


class Unauthenticated(Exception):
    """No usable credentials (an API's 401)."""

    status: Final = 401

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.message = _MESSAGES.get(reason, _INVALID)
        super().__init__(self.message)

    @property
    def www_authenticate(self) -> str:
        challenge = 'Bearer realm="ethics-office"'
        return challenge if self.reason == "missing" else challenge + ', error="invalid_token"'


@dataclass(frozen=True)
class TokenIdentity:
    """What a verified token proves."""

    email: str  # normalised
    subject: str
    issuer: str


class TokenVerifier(Protocol):
    """Verifies bearer tokens: Google-signed ID tokens in production, development tokens
    locally."""

    def verify(self, token: str) -> TokenIdentity:
        """The identity a token proves; Unauthenticated if it proves none."""
        ...
