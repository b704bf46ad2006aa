"""Google-signed ID tokens (officers signing in, Cloud Tasks and Cloud Scheduler calling
the task targets), verified with google-auth against Google's certificates."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from typing import Any, Final

import google.auth.exceptions
from google.oauth2 import id_token

from shared.auth import unverified_jwt
from shared.domain.officers import normalise_email
from shared.domain.text_input import is_email
from shared.google_certs import GOOGLE_CERTS_URL, CertificateCache, Certificates, replaying
from shared.ports.identity import TokenIdentity, Unauthenticated

GOOGLE_ISSUERS: Final = ("accounts.google.com", "https://accounts.google.com")


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
        claims = verified_claims(token, "RS256", self.certificates, self.audience,
                                 self.clock_skew_seconds)
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


def verified_claims(token: str, algorithm: str, certificates: CertificateCache,
                    audience: str, skew: int) -> Mapping[str, Any]:
    """The claims of a JWT signed with ``algorithm`` by a key of ``certificates`` (named by
    its ``kid``: google-auth would otherwise try every key), for ``audience``, within
    ``skew`` seconds of its ``iat`` and ``exp``; Unauthenticated otherwise. The issuer and
    the identity claims are the caller's to check."""
    parts = unverified_jwt(token)
    if parts is None:
        raise Unauthenticated("malformed")
    header, payload = parts
    if header.get("alg") != algorithm:
        raise Unauthenticated("unsupported_algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthenticated("missing_key_id")
    keys = certificates.get(kid)
    if kid not in keys.key_ids:
        raise Unauthenticated("unknown_key")
    claims = _checked_by_google_auth(token, certificates, keys, audience, skew)
    if claims is None:  # raised here, not in an except block: no chained exception
        raise Unauthenticated(refusal_reason(payload, audience, skew))
    if claims.get("aud") != audience:
        raise Unauthenticated("wrong_audience")
    return claims


def _checked_by_google_auth(token: str, certificates: CertificateCache, keys: Certificates,
                            audience: str, skew: int) -> Mapping[str, Any] | None:
    try:
        return id_token.verify_token(
            token, replaying(certificates.url, keys), audience=audience,
            certs_url=certificates.url, clock_skew_in_seconds=skew)
    except (ValueError, TypeError, google.auth.exceptions.GoogleAuthError):
        # google-auth's messages quote the token: they are dropped, never logged.
        return None


def refusal_reason(payload: Mapping[str, Any], audience: str, skew: int) -> str:
    """A reason code for a refused token, read from its unverified claims (for logs)."""
    now = time.time()
    exp, iat = payload.get("exp"), payload.get("iat")
    if isinstance(exp, int | float) and exp + skew < now:
        return "expired"
    if isinstance(iat, int | float) and iat - skew > now:
        return "not_yet_valid"
    if payload.get("aud") != audience:
        return "wrong_audience"
    return "bad_signature"
