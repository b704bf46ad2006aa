"""Who is calling: the bearer token of a request, verified by a ``TokenVerifier``
(``shared.ports.identity``), then looked up in the directory; and where the process runs,
which decides whether development tokens may be switched on.

``authenticate(header, verifier, directory)`` gives the ``Officer`` or raises:

- ``Unauthenticated`` (401): no token, malformed, invalid, expired, wrong audience or
  issuer, forged, unverified e-mail. Send ``www_authenticate`` as the WWW-Authenticate
  header. ``reason`` is a code for the logs; ``message`` is for the caller. Neither ever
  holds the token, and the exception carries no chained exception that could.
- ``Forbidden`` (403, from ``shared.domain.officers``): a valid token of someone who is
  not in the directory; ``require_role`` and recusal raise it too.
- ``VerifierUnavailable`` (503, from ``shared.google_certs``): Google's certificates could
  not be fetched and no usable copy is cached. Not the caller's fault.

Two verifiers, adapters of the port: ``GoogleIdTokenVerifier``
(``shared.adapters.google_id_tokens``) for production and ``DevTokenVerifier``
(``shared.adapters.dev_tokens``, ``dev:<signed e-mail>``) for local work, which the
composition root builds only where ``dev_token_refusals`` finds no sign of Google Cloud.

The officers' web console signs in without a token of its own: on Google Cloud it sits
behind Identity-Aware Proxy, whose signed assertion (``IAP_ASSERTION_HEADER``, verified by
``IapAssertionVerifier`` of ``shared.adapters.iap_assertions``) names the officer on every
request (``IapSignIn``); locally, a choice of the directory's officers
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
from typing import Any, Final

from shared.domain.officers import Officer, normalise_email, officer_for
from shared.ports.identity import TokenVerifier, Unauthenticated

MAX_TOKEN_LENGTH: Final = 8192
_TOKEN_RE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: JWTs and dev:<signed>


def bearer_token(authorization_header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive)."""
    if authorization_header is None or not authorization_header.strip():
        raise Unauthenticated("missing")
    parts = authorization_header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise Unauthenticated("not_bearer")
    token = parts[1]
    if not token_shaped(token):
        raise Unauthenticated("malformed")
    return token


def token_shaped(token: str) -> bool:
    """Whether a token could be one at all (visible ASCII, at most ``MAX_TOKEN_LENGTH``),
    checked before any verifier reads it."""
    return len(token) <= MAX_TOKEN_LENGTH and _TOKEN_RE.fullmatch(token) is not None


def authenticate(authorization_header: str | None, verifier: TokenVerifier,
                 directory: Mapping[str, Officer]) -> Officer:
    """The officer making a request (see the module's docstring for the errors)."""
    identity = verifier.verify(bearer_token(authorization_header))
    return officer_for(directory, identity.email)


# The console's sign-in: Identity-Aware Proxy on Google Cloud, a choice of officers locally.

IAP_ASSERTION_HEADER: Final = "x-goog-iap-jwt-assertion"


@dataclass(frozen=True)
class IapSignIn:
    """The console's sign-in on Google Cloud: the officer the request's IAP assertion
    names (``verifier``: ``shared.adapters.iap_assertions.IapAssertionVerifier``), looked
    up in the directory as the case API looks up a token's address. Unauthenticated,
    Forbidden or VerifierUnavailable otherwise."""

    verifier: TokenVerifier
    directory: Mapping[str, Officer]
    development: bool = False

    def officer(self, assertion: str | None) -> Officer:
        if assertion is None or not assertion.strip():
            raise Unauthenticated("missing")
        if not token_shaped(assertion):
            raise Unauthenticated("malformed")
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


# The filers' sign-in to their declaration pages (the ``forms`` function): anyone with an
# organisation Google account, told apart from the roster by the disclosure programme.

@dataclass(frozen=True)
class IapFilerSignIn:
    """A filer's sign-in on Google Cloud: the address the request's Identity-Aware Proxy
    assertion names (the declaration pages sit behind IAP, with Google sign-in), verified
    by ``verifier`` as the console's. Not looked up in the officers directory: the
    programme decides who is a filer. Unauthenticated or VerifierUnavailable otherwise."""

    verifier: TokenVerifier
    development: bool = False

    def email(self, assertion: str | None) -> str:
        if assertion is None or not assertion.strip():
            raise Unauthenticated("missing")
        if not token_shaped(assertion):
            raise Unauthenticated("malformed")
        return normalise_email(self.verifier.verify(assertion).email)


@dataclass(frozen=True)
class DevelopmentFilerSignIn:
    """A filer's sign-in for local work: the address typed on the development sign-in
    page. Built only where development tokens may be accepted; refuses to be built, or to
    sign anyone in, where a Google runtime shows."""

    environ: Mapping[str, str]
    development: bool = True

    def __post_init__(self) -> None:
        refuse_dev_tokens_on_google_cloud(self.environ)

    def email(self, typed: str) -> str:
        refuse_dev_tokens_on_google_cloud(self.environ)
        return normalise_email(typed)


# The tokens' formats, read without any check (the verifiers check).

def _segment(encoded: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def unverified_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
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


# Local development tokens: their format, and where they are refused.

DEV_TOKEN_PREFIX: Final = "dev:"  # noqa: S105 (a prefix, not a secret)
DEV_TOKEN_SALT: Final = "ethics-intake/development-token"  # noqa: S105 (a label)


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


def claimed_email(token: str) -> str | None:
    """The address a development token or an ID token names, read without any check (the
    server checks): for a client that wants to say who it signs in as."""
    if token.startswith(DEV_TOKEN_PREFIX):
        from itsdangerous import URLSafeTimedSerializer

        try:
            _, payload = URLSafeTimedSerializer("-", salt=DEV_TOKEN_SALT).loads_unsafe(
                token.removeprefix(DEV_TOKEN_PREFIX))
        except Exception:  # noqa: BLE001 (unreadable is unreadable, whatever the cause)
            return None
    else:
        parts = unverified_jwt(token)
        payload = parts[1] if parts else None
    email = payload.get("email") if isinstance(payload, dict) else None
    return normalise_email(email) if isinstance(email, str) else None
