"""Identity-Aware Proxy's signed assertions: the officers' console's sign-in on Google
Cloud (``shared.auth.IapSignIn``), verified with google-auth against IAP's public keys."""

from __future__ import annotations

from typing import Final

from shared.adapters.google_id_tokens import verified_claims
from shared.auth import token_shaped
from shared.domain.officers import normalise_email
from shared.domain.text_input import is_email
from shared.google_certs import CertificateCache
from shared.ports.identity import TokenIdentity, Unauthenticated

IAP_ISSUER: Final = "https://cloud.google.com/iap"
# IAP's signing keys as a map of key id -> PEM public key: the format google-auth's
# verify_token reads (the JWK document of the same keys needs another client).
IAP_KEYS_URL: Final = "https://www.gstatic.com/iap/verify/public_key"


class IapAssertionVerifier:
    """Verifies the JWT Identity-Aware Proxy signs for every request it lets through
    (``x-goog-iap-jwt-assertion``) with ``google.oauth2.id_token.verify_token``: ES256
    with a ``kid`` of IAP's published keys, ``iat``/``exp`` within ``clock_skew_seconds``,
    the audience of this backend service, the issuer ``https://cloud.google.com/iap``, an
    ``email`` and a ``sub``. Keys come through ``CertificateCache`` (``certificates``: its
    URL is injectable, so tests serve their own)."""

    def __init__(self, audience: str, *, certificates: CertificateCache | None = None,
                 clock_skew_seconds: int = 30) -> None:
        if not audience.strip():
            raise ValueError("the IAP audience must be set (INTAKE_IAP_AUDIENCE): without it "
                             "an assertion for any other IAP-protected service would pass")
        self.audience = audience
        self.clock_skew_seconds = clock_skew_seconds
        self.certificates = certificates or CertificateCache(IAP_KEYS_URL)

    def verify(self, token: str) -> TokenIdentity:
        if not token.strip():
            raise Unauthenticated("missing")
        if not token_shaped(token):
            raise Unauthenticated("malformed")
        claims = verified_claims(token, "ES256", self.certificates, self.audience,
                                 self.clock_skew_seconds)
        if claims.get("iss") != IAP_ISSUER:
            raise Unauthenticated("wrong_issuer")
        email, subject = claims.get("email"), claims.get("sub")
        if not isinstance(email, str) or not is_email(email):
            raise Unauthenticated("no_email")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("no_subject")
        return TokenIdentity(normalise_email(email), subject, IAP_ISSUER)
