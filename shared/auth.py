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
(``dev:<signed e-mail>``) for local work, which the composition root builds only where
``dev_token_refusals`` finds no sign of Google Cloud.

The officers' web console signs in without a token of its own: on Google Cloud it sits
behind Identity-Aware Proxy, whose signed assertion (``IapAssertionVerifier``) names the
officer on every request (``IapSignIn``); locally, a choice of the directory's officers
(``DevelopmentSignIn``), built only where development tokens would be.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import threading
import time
from collections.abc import Callable, Collection, Mapping
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
    "IAP_ASSERTION_HEADER", "IAP_ISSUER", "IAP_KEYS_URL",
    "CertificateCache", "DevTokenVerifier", "DevTokensRefused", "DevelopmentSignIn", "Forbidden",
    "GoogleIdTokenVerifier", "IapAssertionVerifier", "IapSignIn", "Officer", "TokenIdentity",
    "TokenVerifier", "Unauthenticated",
    "VerifierUnavailable", "authenticate", "bearer_token", "claimed_email",
    "dev_token_refusals", "google_cloud_markers", "google_cloud_signs",
    "metadata_server_answers",
    "refuse_dev_tokens_on_google_cloud", "require_role",
]

GOOGLE_ISSUERS: Final = ("accounts.google.com", "https://accounts.google.com")
MAX_TOKEN_LENGTH: Final = 8192
_TOKEN_RE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: JWTs and dev:<signed>

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


# Identity-Aware Proxy: the console's sign-in on Google Cloud.

IAP_ISSUER: Final = "https://cloud.google.com/iap"
# IAP's signing keys as a map of key id -> PEM public key: the format google-auth's
# verify_token reads (the JWK document of the same keys needs another client).
IAP_KEYS_URL: Final = "https://www.gstatic.com/iap/verify/public_key"
IAP_ASSERTION_HEADER: Final = "x-goog-iap-jwt-assertion"


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

    def verify(self, assertion: str | None) -> TokenIdentity:
        if assertion is None or not assertion.strip():
            raise Unauthenticated("missing")
        if len(assertion) > MAX_TOKEN_LENGTH or not _TOKEN_RE.fullmatch(assertion):
            raise Unauthenticated("malformed")
        parts = _unverified(assertion)
        if parts is None:
            raise Unauthenticated("malformed")
        header, payload = parts
        if header.get("alg") != "ES256":
            raise Unauthenticated("unsupported_algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("missing_key_id")
        keys = self.certificates.get(kid)
        if kid not in keys.key_ids:
            raise Unauthenticated("unknown_key")
        claims = self._verified_claims(assertion, keys)
        if claims is None:  # raised here, not in an except block: no chained exception
            raise Unauthenticated(_why(payload, self.audience, self.clock_skew_seconds))
        if claims.get("aud") != self.audience:
            raise Unauthenticated("wrong_audience")
        if claims.get("iss") != IAP_ISSUER:
            raise Unauthenticated("wrong_issuer")
        email, subject = claims.get("email"), claims.get("sub")
        if not isinstance(email, str) or not is_email(email):
            raise Unauthenticated("no_email")
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("no_subject")
        return TokenIdentity(normalise_email(email), subject, IAP_ISSUER)

    def _verified_claims(self, assertion: str, keys: Certificates) -> Mapping[str, Any] | None:
        try:
            return id_token.verify_token(
                assertion, replaying(self.certificates.url, keys), audience=self.audience,
                certs_url=self.certificates.url,
                clock_skew_in_seconds=self.clock_skew_seconds)
        except (ValueError, TypeError, google.auth.exceptions.GoogleAuthError):
            return None  # google-auth's messages quote the assertion: never logged


def _why(payload: Mapping[str, Any], audience: str, skew: int) -> str:
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


@dataclass(frozen=True)
class IapSignIn:
    """The console's sign-in on Google Cloud: the officer the request's IAP assertion
    names, looked up in the directory as the case API looks up a token's address.
    Unauthenticated, Forbidden or VerifierUnavailable otherwise."""

    verifier: IapAssertionVerifier
    directory: Mapping[str, Officer]
    development: bool = False

    def officer(self, assertion: str | None) -> Officer:
        return officer_for(self.directory, self.verifier.verify(assertion).email)


@dataclass(frozen=True)
class DevelopmentSignIn:
    """The console's sign-in for local work: the officer chooses who they are among the
    directory's officers. The composition root builds it only where development tokens
    may be accepted (embedded backend, no KMS key, no sign of Google Cloud), and it
    refuses to be built, or to sign anyone in, where a Google runtime shows."""

    directory: Mapping[str, Officer]
    environ: Mapping[str, str]
    development: bool = True

    def __post_init__(self) -> None:
        refuse_dev_tokens_on_google_cloud(self.environ)

    def choices(self) -> list[Officer]:
        return sorted(self.directory.values(), key=lambda o: (o.name.casefold(), o.email))

    def officer(self, email: str) -> Officer:
        refuse_dev_tokens_on_google_cloud(self.environ)
        return officer_for(self.directory, email)


# Where the process runs: switches meant for local work refuse on Google Cloud.

# Set by the platform on Google Cloud, never by our local tools: K_SERVICE, K_REVISION and
# K_CONFIGURATION on Cloud Run services, which Cloud Functions 2nd gen (Cloud Run
# functions) are; CLOUD_RUN_* on Cloud Run jobs and worker pools; FUNCTION_NAME,
# FUNCTION_REGION and X_GOOGLE_* on Cloud Functions 1st gen; GAE_* on App Engine;
# KUBERNETES_SERVICE_HOST in every GKE (and other Kubernetes) pod; CLOUD_SHELL and
# DEVSHELL_* in Cloud Shell. FUNCTION_TARGET is no sign: functions-framework sets it (and
# FUNCTION_SIGNATURE_TYPE) in every local run. Only presence counts, even with an empty
# value. Compute Engine sets no variable: its metadata server gives it away.
GOOGLE_CLOUD_MARKERS: Final = (
    "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "FUNCTION_NAME", "FUNCTION_REGION",
    "GAE_APPLICATION", "KUBERNETES_SERVICE_HOST", "CLOUD_SHELL")
GOOGLE_CLOUD_MARKER_PREFIXES: Final = ("CLOUD_RUN_", "GAE_", "DEVSHELL_", "X_GOOGLE_")
METADATA_PROBE_SECONDS: Final = 0.3


def google_cloud_markers(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The variables of ``environ`` that show the process runs on Google Cloud."""
    return tuple(sorted(name for name in environ if name in GOOGLE_CLOUD_MARKERS
                        or name.startswith(GOOGLE_CLOUD_MARKER_PREFIXES)))


def metadata_server_answers(hosts: Collection[str],
                            timeout: float = METADATA_PROBE_SECONDS) -> str | None:
    """The first of ``hosts`` (host or host:port) where Google's metadata server answers
    (``Metadata-Flavor: Google``), or None. Every host is asked at once and none is
    waited for longer than ``timeout`` seconds, name resolution included."""
    found: list[str] = []

    def ask(host: str) -> None:
        connection = http.client.HTTPConnection(host, timeout=timeout)
        try:
            connection.request("GET", "/computeMetadata/v1/",
                               headers={"Metadata-Flavor": "Google"})
            if connection.getresponse().getheader("Metadata-Flavor") == "Google":
                found.append(host)
        except (OSError, http.client.HTTPException, ValueError):
            pass
        finally:
            connection.close()

    probes = [threading.Thread(target=ask, args=(host,), daemon=True,
                               name="metadata-probe") for host in hosts if host]
    for probe in probes:
        probe.start()
    deadline = time.monotonic() + timeout
    for probe in probes:
        probe.join(max(0.0, deadline - time.monotonic()) + 0.05)
    return found[0] if found else None


def google_cloud_signs(environ: Mapping[str, str],
                       metadata_server: Callable[[], str | None]) -> list[str]:
    """Why this process is taken to run on Google Cloud ([] when nothing shows it): a
    runtime variable of ``environ`` (``google_cloud_markers``), else Google's metadata
    server answering (``metadata_server`` says where, asked only when no variable did).
    Every switch meant for local work only (development tokens, open task targets)
    refuses on these same signs."""
    markers = google_cloud_markers(environ)
    if markers:
        return [f"this process runs on Google Cloud ({', '.join(markers)} set)"]
    where = metadata_server()
    return [f"a Google metadata server answers at {where}"] if where else []


# Local development tokens.

DEV_TOKEN_PREFIX: Final = "dev:"  # noqa: S105 (a prefix, not a secret)
DEV_TOKEN_MAX_AGE_SECONDS: Final = 7 * 86400
_DEV_TOKEN_SALT: Final = "ethics-intake/development-token"  # noqa: S105 (a label)


class DevTokensRefused(RuntimeError):
    """Development tokens were switched on where they must not be accepted."""


def dev_token_refusals(*, backend: str, kms_key: str, environ: Mapping[str, str],
                       metadata_server: Callable[[], str | None]) -> list[str]:
    """Why development tokens must not be accepted here ([] when they may be): only on
    the embedded backend, without a KMS key, with no sign of Google Cloud
    (``google_cloud_signs``). The metadata server is asked only when nothing else refused
    already."""
    reasons = []
    if backend != "embedded":
        reasons.append(f"the backend is {backend!r}, not 'embedded'")
    if kms_key:
        reasons.append("INTAKE_KMS_KEY is set")
    return reasons + google_cloud_signs(
        environ, (lambda: None) if reasons else metadata_server)


def refuse_dev_tokens_on_google_cloud(environ: Mapping[str, str]) -> None:
    """DevTokensRefused when a runtime variable shows Google Cloud (checked on every
    verification too: cheap, no network)."""
    found = google_cloud_markers(environ)
    if found:
        raise DevTokensRefused(
            "development tokens are switched on, but this process runs on Google Cloud "
            f"({', '.join(found)} set): switch them off; officers sign in with Google")


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
        self._serializer = URLSafeTimedSerializer(secret, salt=_DEV_TOKEN_SALT)

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


def claimed_email(token: str) -> str | None:
    """The address a development token or an ID token names, read without any check (the
    server checks): for a client that wants to say who it signs in as."""
    if token.startswith(DEV_TOKEN_PREFIX):
        from itsdangerous import URLSafeTimedSerializer

        try:
            _, payload = URLSafeTimedSerializer("-", salt=_DEV_TOKEN_SALT).loads_unsafe(
                token.removeprefix(DEV_TOKEN_PREFIX))
        except Exception:  # noqa: BLE001 (unreadable is unreadable, whatever the cause)
            return None
    else:
        parts = _unverified(token)
        payload = parts[1] if parts else None
    email = payload.get("email") if isinstance(payload, dict) else None
    return normalise_email(email) if isinstance(email, str) else None
