"""Development tokens for local work (``dev:<signed e-mail>``), which the composition
root switches on only where ``shared.auth.dev_token_refusals`` finds no sign of Google
Cloud."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.auth import DEV_TOKEN_PREFIX, DEV_TOKEN_SALT, refuse_dev_tokens_on_google_cloud
from shared.domain.officers import normalise_email
from shared.domain.text_input import is_email
from shared.ports.identity import TokenIdentity, Unauthenticated

DEV_TOKEN_MAX_AGE_SECONDS: Final = 7 * 86400


class DevTokenVerifier:
    """Development tokens for local work: ``dev:<signed e-mail>``, signed (itsdangerous,
    HMAC) with a secret of the local data folder and valid for
    ``DEV_TOKEN_MAX_AGE_SECONDS``. Nobody without the secret can make one, so a token
    proves an address as a Google ID token does; the address must still be in the
    officers directory.

    Constructing one is the explicit switch (the composition root does it only when its
    configuration says so and ``dev_token_refusals`` finds nothing), and it refuses to be
    constructed, or to verify, when ``environ`` shows Google Cloud.
    """

    def __init__(self, secret: str, environ: Mapping[str, str]) -> None:
        from itsdangerous import URLSafeTimedSerializer

        refuse_dev_tokens_on_google_cloud(environ)
        if len(secret) < 32:
            raise ValueError("the development token secret must be at least 32 characters")
        self._environ = environ
        self._serializer = URLSafeTimedSerializer(secret, salt=DEV_TOKEN_SALT)

    def mint(self, email: str) -> str:
        """A development token proving ``email``."""
        if not is_email(email):
            raise ValueError("not an e-mail address")
        return DEV_TOKEN_PREFIX + self._serializer.dumps({"email": normalise_email(email)})

    def verify(self, token: str) -> TokenIdentity:
        refuse_dev_tokens_on_google_cloud(self._environ)
        if not token.startswith(DEV_TOKEN_PREFIX):
            raise Unauthenticated("malformed")
        payload, reason = self._loads(token.removeprefix(DEV_TOKEN_PREFIX))
        if reason is not None:  # raised here, not in an except block: no chained exception
            raise Unauthenticated(reason)
        email = payload.get("email") if isinstance(payload, dict) else None
        if not isinstance(email, str) or not is_email(email):
            raise Unauthenticated("malformed")
        return TokenIdentity(normalise_email(email), f"dev:{normalise_email(email)}", "dev")

    def _loads(self, signed: str) -> tuple[Any, str | None]:
        from itsdangerous import BadData, SignatureExpired

        try:
            return self._serializer.loads(signed, max_age=DEV_TOKEN_MAX_AGE_SECONDS), None
        except SignatureExpired:
            return None, "expired"
        except BadData:
            return None, "bad_signature"
