"""Who is calling the officer API: a bearer token verified, then looked up in the directory.

``authenticate(header, verifier, directory)`` gives the ``Officer`` or raises:

- ``Unauthenticated`` (401): no token, malformed, invalid, expired, wrong audience or
  issuer, forged, unverified e-mail. Send ``www_authenticate`` as the WWW-Authenticate
  header. ``reason`` is a code for the logs; ``message`` is for the caller. Neither ever
  holds the token, and the exception carries no chained exception that could.
- ``Forbidden`` (403, from ``shared.domain.officers``): a valid token of someone who is
  not in the directory; ``require_role`` and recusal raise it too.
- ``VerifierUnavailable`` (503): Google's certificates could not be fetched and no usable
  copy is cached. Not the caller's fault.

Two verifiers: ``GoogleIdTokenVerifier`` for production and ``DevTokenVerifier``
(``dev:<email>``) for local work, which refuses to exist on Google Cloud.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

import google.auth.exceptions
from google.oauth2 import id_token

from shared.domain.officers import (
    Forbidden,
    Officer,
    normalise_email,
    officer_for,
    require_role,
)
from shared.domain.text_input import is_email
from shared.google_certs import (
    GOOGLE_CERTS_URL,
    CertificateCache,
    Certificates,
    VerifierUnavailable,
    replaying,
)

__all__ = [
    "DEV_TOKEN_PREFIX", "GOOGLE_CERTS_URL", "GOOGLE_CLOUD_MARKERS", "GOOGLE_ISSUERS",
    "CertificateCache", "DevTokenVerifier", "DevTokensRefused", "Forbidden",
    "GoogleIdTokenVerifier", "Officer", "TokenIdentity", "TokenVerifier", "Unauthenticated",
    "VerifierUnavailable", "authenticate", "bearer_token", "google_cloud_markers",
    "refuse_dev_tokens_on_google_cloud", "require_role",
]

GOOGLE_ISSUERS: Final = ("accounts.google.com", "https://accounts.google.com")
MAX_TOKEN_LENGTH: Final = 8192
_TOKEN_RE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: JWTs and dev:<email>

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
    email: str  # normalised
    subject: str
    issuer: str


class TokenVerifier(Protocol):
    def verify(self, token: str) -> TokenIdentity:
        """The identity a token proves; Unauthenticated if it proves none."""
        ...


def bearer_token(authorization_header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive)."""
    if authorization_header is None or not authorization_header.strip():
        raise Unauthenticated("missing")
    parts = authorization_header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise Unauthenticated("not_bearer")
    token = parts[1]
    if len(token) > MAX_TOKEN_LENGTH or not _TOKEN_RE.fullmatch(token):
        raise Unauthenticated("malformed")
    return token


def authenticate(authorization_header: str | None, verifier: TokenVerifier,
                 directory: Mapping[str, Officer]) -> Officer:
    """The officer making a request (see the module's docstring for the errors)."""
    identity = verifier.verify(bearer_token(authorization_header))
    return officer_for(directory, identity.email)


# Google-signed ID tokens.

def _segment(encoded: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Header and payload of a JWT, read without any check; None if it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, payload = _segment(parts[0]), _segment(parts[1])
    except (ValueError, RecursionError):  # binascii, Unicode and JSON errors are ValueErrors
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    return header, payload


class GoogleIdTokenVerifier:
    """Verifies Google-signed ID tokens with ``google.oauth2.id_token.verify_token``.

    On top of google-auth's checks (signature against the certificate named by ``kid``,
    ``iat``/``exp`` with ``clock_skew_seconds``, audience) it requires: RS256 and a ``kid``
    (google-auth would otherwise try every certificate), an issuer of ``issuers``, an
    ``email`` claim and ``email_verified`` true. Certificates come from ``certs_url`` (the
    v1 format: key id -> PEM certificate) through ``CertificateCache``.
    """

    def __init__(self, audience: str, certs_url: str = GOOGLE_CERTS_URL, *,
                 issuers: Collection[str] = GOOGLE_ISSUERS, clock_skew_seconds: int = 10,
                 certificates: CertificateCache | None = None) -> None:
        if not audience.strip():
            raise ValueError("the audience must be set: without it any Google ID token of "
                             "any application would be accepted")
        self.audience = audience
        self.issuers = frozenset(issuers)
        self.clock_skew_seconds = clock_skew_seconds
        if certificates is not None and certificates.url != certs_url:
            raise ValueError("certs_url and the certificate cache's URL differ")
        self.certificates = certificates or CertificateCache(certs_url)

    def verify(self, token: str) -> TokenIdentity:
        parts = _unverified(token)
        if parts is None:
            raise Unauthenticated("malformed")
        header, payload = parts
        if header.get("alg") != "RS256":
            raise Unauthenticated("unsupported_algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("missing_key_id")
        certs = self.certificates.get(kid)
        if kid not in certs.key_ids:
            raise Unauthenticated("unknown_key")
        claims = self._verified_claims(token, certs)
        if claims is None:  # raised here, not in an except block: no chained exception
            raise Unauthenticated(self._why(payload))
        if claims.get("aud") != self.audience:
            raise Unauthenticated("wrong_audience")
        if claims.get("iss") not in self.issuers:
            raise Unauthenticated("wrong_issuer")
        email, subject = claims.get("email"), claims.get("sub")
        if not isinstance(email, str) or not is_email(email):
            raise Unauthenticated("no_email")
        if claims.get("email_verified") is not True:
            raise Unauthenticated("email_unverified")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("no_subject")
        return TokenIdentity(normalise_email(email), subject, str(claims["iss"]))

    def _verified_claims(self, token: str, certs: Certificates) -> Mapping[str, Any] | None:
        try:
            return id_token.verify_token(
                token, replaying(self.certificates.url, certs), audience=self.audience,
                certs_url=self.certificates.url,
                clock_skew_in_seconds=self.clock_skew_seconds)
        except (ValueError, TypeError, google.auth.exceptions.GoogleAuthError):
            # google-auth's messages quote the token: they are dropped, never logged.
            return None

    def _why(self, payload: Mapping[str, Any]) -> str:
        """A reason code for a refused token, read from its unverified claims (for logs)."""
        now = time.time()
        exp, iat = payload.get("exp"), payload.get("iat")
        if isinstance(exp, int | float) and exp + self.clock_skew_seconds < now:
            return "expired"
        if isinstance(iat, int | float) and iat - self.clock_skew_seconds > now:
            return "not_yet_valid"
        if payload.get("aud") != self.audience:
            return "wrong_audience"
        return "bad_signature"


# Local development tokens.

DEV_TOKEN_PREFIX: Final = "dev:"  # noqa: S105 (a prefix, not a secret)

# Set by the platform on Google Cloud, never by our local tools: K_SERVICE, K_REVISION and
# K_CONFIGURATION on Cloud Run services, which Cloud Functions 2nd gen (Cloud Run
# functions) are; CLOUD_RUN_JOB and CLOUD_RUN_EXECUTION on Cloud Run jobs;
# CLOUD_RUN_WORKER_POOL on worker pools; GAE_APPLICATION on App Engine. FUNCTION_TARGET is
# no sign: functions-framework sets it (and FUNCTION_SIGNATURE_TYPE) in every local run.
# Only presence counts, even with an empty value. Compute Engine and GKE set no such
# variable; this project does not deploy there.
GOOGLE_CLOUD_MARKERS: Final = (
    "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION",
    "CLOUD_RUN_WORKER_POOL", "GAE_APPLICATION")


class DevTokensRefused(RuntimeError):
    """Development tokens were switched on where the code runs on Google Cloud."""


def google_cloud_markers(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The variables of ``environ`` that show the process runs on Google Cloud."""
    return tuple(name for name in GOOGLE_CLOUD_MARKERS if name in environ)


def refuse_dev_tokens_on_google_cloud(environ: Mapping[str, str]) -> None:
    found = google_cloud_markers(environ)
    if found:
        raise DevTokensRefused(
            "development tokens are switched on, but this process runs on Google Cloud "
            f"({', '.join(found)} set): switch them off; officers sign in with Google")


class DevTokenVerifier:
    """Accepts ``dev:<email>`` as proof of being ``<email>``, for local work only.

    Constructing one is the explicit switch (the composition root does it only when its
    configuration says so), and it refuses to be constructed, or to verify, when
    ``environ`` shows Google Cloud. The e-mail must still be in the officers directory.
    """

    def __init__(self, environ: Mapping[str, str]) -> None:
        refuse_dev_tokens_on_google_cloud(environ)
        self._environ = environ

    def verify(self, token: str) -> TokenIdentity:
        refuse_dev_tokens_on_google_cloud(self._environ)
        email = token.removeprefix(DEV_TOKEN_PREFIX)
        if not token.startswith(DEV_TOKEN_PREFIX) or not is_email(email):
            raise Unauthenticated("malformed")
        return TokenIdentity(normalise_email(email), token, "dev")
