"""Officer authentication through google-auth's real verification path.

RSA keys and certificates are generated here, tokens are signed with google-auth's own
signer, and the certificates are served by a local HTTP server that the verifier fetches
through google-auth's requests transport, as it fetches Google's in production.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import functions_framework
import pytest

from shared.adapters.dev_tokens import DEV_TOKEN_MAX_AGE_SECONDS, DevTokenVerifier
from shared.adapters.google_id_tokens import GoogleIdTokenVerifier
from shared.auth import (
    GOOGLE_CLOUD_MARKERS,
    DevTokensRefused,
    authenticate,
    bearer_token,
    claimed_email,
    dev_token_refusals,
    google_cloud_markers,
    google_cloud_signs,
    metadata_server_answers,
)
from shared.domain.officers import Forbidden, Officer, require_role
from shared.google_certs import CertificateCache, VerifierUnavailable
from shared.ports.identity import Unauthenticated
from tests.support.metadata import MetadataServer
from tests.support.tokens import CertServer, SigningKey

AUDIENCE = "https://europe-west1-ethics.cloudfunctions.net/cases"
ALICE = Officer("alice@example.org", "Alice Example", frozenset({"ethics_officer"}))
DIRECTORY = {ALICE.email: ALICE}


@pytest.fixture(scope="module")
def keys() -> dict[str, SigningKey]:
    return {kid: SigningKey(kid) for kid in ("google-1", "google-2", "attacker")}


@pytest.fixture(scope="module")
def _one_server() -> Iterator[CertServer]:
    served = CertServer()
    yield served
    served.close()


@pytest.fixture
def server(_one_server: CertServer, keys: dict[str, SigningKey]) -> CertServer:
    _one_server.reset(keys["google-1"])
    return _one_server


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Monotonic:
    return Monotonic()


@pytest.fixture
def verifier(server: CertServer, clock: Monotonic) -> GoogleIdTokenVerifier:
    return GoogleIdTokenVerifier(AUDIENCE, server.url,
                                 certificates=CertificateCache(server.url, monotonic=clock))


def claims(**changes: Any) -> dict[str, Any]:
    """Claims of a Google ID token for Alice; a change to None removes the claim."""
    now = int(time.time())
    base = {"iss": "https://accounts.google.com", "aud": AUDIENCE, "azp": "client-id",
            "sub": "104424312366187812345", "email": "Alice@Example.org",
            "email_verified": True, "iat": now, "exp": now + 3600}
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def test_a_valid_token_proves_its_verified_email(verifier: GoogleIdTokenVerifier,
                                                 keys: dict[str, SigningKey]) -> None:
    identity = verifier.verify(keys["google-1"].sign(claims()))
    assert identity.email == "alice@example.org"
    assert identity.subject == "104424312366187812345"
    assert identity.issuer == "https://accounts.google.com"
    bare_issuer = verifier.verify(keys["google-1"].sign(claims(iss="accounts.google.com")))
    assert bare_issuer.issuer == "accounts.google.com"


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["email"] = "mallory@example.org"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


Keys = dict[str, SigningKey]
REFUSALS: dict[str, tuple[Callable[[Keys], str], str]] = {
    "expired": (lambda k: k["google-1"].sign(claims(iat=int(time.time()) - 7200,
                                                    exp=int(time.time()) - 3600)), "expired"),
    "wrong audience": (lambda k: k["google-1"].sign(claims(aud="https://elsewhere.example")),
                       "wrong_audience"),
    "no audience": (lambda k: k["google-1"].sign(claims(aud=None)), "wrong_audience"),
    "forged with another key": (lambda k: k["attacker"].sign(claims(), kid="google-1"),
                                "bad_signature"),
    "tampered payload": (lambda k: _tampered(k["google-1"].sign(claims())), "bad_signature"),
    "missing kid": (lambda k: k["google-1"].sign(claims(), kid=None), "missing_key_id"),
    "unpublished key": (lambda k: k["attacker"].sign(claims()), "unknown_key"),
    "email not verified": (lambda k: k["google-1"].sign(claims(email_verified=False)),
                           "email_unverified"),
    "email_verified missing": (lambda k: k["google-1"].sign(claims(email_verified=None)),
                               "email_unverified"),
    "email_verified as text": (lambda k: k["google-1"].sign(claims(email_verified="true")),
                               "email_unverified"),
    "no email": (lambda k: k["google-1"].sign(claims(email=None)), "no_email"),
    "no subject": (lambda k: k["google-1"].sign(claims(sub=None)), "no_subject"),
    "another issuer": (lambda k: k["google-1"].sign(claims(iss="https://evil.example")),
                       "wrong_issuer"),
    "issued in the future": (lambda k: k["google-1"].sign(claims(iat=int(time.time()) + 600)),
                             "not_yet_valid"),
    "no expiry": (lambda k: k["google-1"].sign(claims(exp=None)), "bad_signature"),
    "alg none": (lambda k: k["google-1"].sign(claims(), header={"alg": "none"}),
                 "unsupported_algorithm"),
    "alg HS256": (lambda k: k["google-1"].sign(claims(), header={"alg": "HS256"}),
                  "unsupported_algorithm"),
    "not a JWT": (lambda k: "not-a-token", "malformed"),
    "bad base64": (lambda k: "e30.@@@.abc", "malformed"),
    "deep JSON": (lambda k: base64.urlsafe_b64encode(b"[" * 5000).decode() + ".e30.x",
                  "malformed"),
    "header not an object": (lambda k: "WzFd.e30.x", "malformed"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_bad_tokens_are_refused_without_echoing_them(case: str,
                                                     verifier: GoogleIdTokenVerifier,
                                                     keys: dict[str, SigningKey]) -> None:
    make, reason = REFUSALS[case]
    token = make(keys)
    with pytest.raises(Unauthenticated) as raised:
        authenticate(f"Bearer {token}", verifier, DIRECTORY)
    error = raised.value
    assert error.reason == reason
    assert error.status == 401
    assert error.www_authenticate == 'Bearer realm="ethics-office", error="invalid_token"'
    assert error.__cause__ is None and error.__context__ is None
    shown = "".join(traceback.format_exception(error)) + repr(error) + error.message
    for part in token.split("."):
        assert len(part) < 8 or part not in shown


def test_expired_tokens_say_so_to_the_caller(verifier: GoogleIdTokenVerifier,
                                             keys: dict[str, SigningKey]) -> None:
    old = int(time.time()) - 3600
    with pytest.raises(Unauthenticated, match="expired; sign in again"):
        verifier.verify(keys["google-1"].sign(claims(iat=old - 60, exp=old)))
    with pytest.raises(Unauthenticated, match=r"^The bearer token is not valid\.$"):
        verifier.verify(keys["attacker"].sign(claims(), kid="google-1"))


@pytest.mark.parametrize(("header", "reason"), [
    (None, "missing"),
    ("", "missing"),
    ("   ", "missing"),
    ("Bearer", "not_bearer"),
    ("Basic YWxpY2U6c2VjcmV0", "not_bearer"),
    ("Bearer a b", "not_bearer"),
    ("Token abc", "not_bearer"),
    ("Bearer " + "a" * 8193, "malformed"),
    ("Bearer t\u00f6ken", "malformed"),
])
def test_the_authorization_header_must_carry_one_bearer_token(header: str | None,
                                                              reason: str) -> None:
    with pytest.raises(Unauthenticated) as raised:
        bearer_token(header)
    assert raised.value.reason == reason
    if reason == "missing":
        assert raised.value.www_authenticate == 'Bearer realm="ethics-office"'
    assert bearer_token("bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("  BEARER   abc.def.ghi ") == "abc.def.ghi"


def test_a_valid_token_of_someone_outside_the_directory_is_forbidden(
        verifier: GoogleIdTokenVerifier, keys: dict[str, SigningKey]) -> None:
    token = keys["google-1"].sign(claims())
    assert authenticate(f"Bearer {token}", verifier, DIRECTORY) == ALICE
    with pytest.raises(Forbidden) as raised:
        authenticate(f"Bearer {token}", verifier, {})
    assert raised.value.reason == "not_an_officer"
    with pytest.raises(Forbidden):
        require_role(authenticate(f"Bearer {token}", verifier, DIRECTORY), "ethics_admin")


def test_an_audience_is_required() -> None:
    with pytest.raises(ValueError, match="audience must be set"):
        GoogleIdTokenVerifier("  ")
    with pytest.raises(ValueError, match="differ"):
        GoogleIdTokenVerifier(AUDIENCE, "https://a.example/certs",
                              certificates=CertificateCache("https://b.example/certs"))


# The certificate cache.

def test_certificates_are_fetched_once_while_fresh(verifier: GoogleIdTokenVerifier,
                                                   server: CertServer, clock: Monotonic,
                                                   keys: dict[str, SigningKey]) -> None:
    token = keys["google-1"].sign(claims())
    for _ in range(3):
        verifier.verify(token)
    assert server.fetches == 1
    clock.now += 3599
    verifier.verify(token)
    assert server.fetches == 1
    clock.now += 1
    verifier.verify(token)
    assert server.fetches == 2


def test_a_new_key_is_fetched_at_once_but_unknown_keys_cannot_hammer(
        verifier: GoogleIdTokenVerifier, server: CertServer, clock: Monotonic,
        keys: dict[str, SigningKey]) -> None:
    verifier.verify(keys["google-1"].sign(claims()))
    server.publish(keys["google-1"], keys["google-2"])  # Google rotates its keys
    clock.now += 31
    assert verifier.verify(keys["google-2"].sign(claims())).email == "alice@example.org"
    assert server.fetches == 2
    forged_kid = keys["attacker"].sign(claims(), kid="made-up")
    for _ in range(5):
        with pytest.raises(Unauthenticated, match="not valid"):
            verifier.verify(forged_kid)
    assert server.fetches == 2  # the last fetch was under 30 s ago
    clock.now += 30
    with pytest.raises(Unauthenticated):
        verifier.verify(forged_kid)
    assert server.fetches == 3


def test_a_failed_refresh_keeps_serving_the_last_copy(verifier: GoogleIdTokenVerifier,
                                                      server: CertServer, clock: Monotonic,
                                                      keys: dict[str, SigningKey]) -> None:
    token = keys["google-1"].sign(claims())
    verifier.verify(token)
    server.status = 500
    clock.now += 3600
    assert verifier.verify(token).email == "alice@example.org"
    assert server.fetches == 2
    clock.now += 86400 - 1  # one day past freshness is the most it serves stale
    assert verifier.verify(token).email == "alice@example.org"
    clock.now += 2
    with pytest.raises(VerifierUnavailable):
        verifier.verify(token)


def test_no_certificates_at_all_is_unavailable_not_unauthenticated(
        server: CertServer, clock: Monotonic, keys: dict[str, SigningKey]) -> None:
    cache = CertificateCache(server.url, monotonic=clock)
    verifier = GoogleIdTokenVerifier(AUDIENCE, server.url, certificates=cache)
    token = keys["google-1"].sign(claims())
    server.status = 503
    with pytest.raises(VerifierUnavailable) as raised:
        verifier.verify(token)
    assert raised.value.status == 503
    assert server.fetches == 1
    server.status = 200
    with pytest.raises(VerifierUnavailable):
        verifier.verify(token)  # the next attempt is not due yet: answered at once
    assert server.fetches == 1
    clock.now += 30
    assert verifier.verify(token).email == "alice@example.org"


@pytest.mark.parametrize("body", [b"<html>", b"[]", b'{"keys": []}', b'{"kid": 1}'])
def test_a_document_that_is_not_v1_certificates_is_unavailable(
        body: bytes, server: CertServer, clock: Monotonic,
        keys: dict[str, SigningKey]) -> None:
    server.body = body
    verifier = GoogleIdTokenVerifier(AUDIENCE, server.url,
                                     certificates=CertificateCache(server.url, monotonic=clock))
    with pytest.raises(VerifierUnavailable):
        verifier.verify(keys["google-1"].sign(claims()))


def test_an_unreachable_certificate_server_is_unavailable(keys: dict[str, SigningKey]) -> None:
    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/oauth2/v1/certs"
    verifier = GoogleIdTokenVerifier(AUDIENCE, url)
    with pytest.raises(VerifierUnavailable):
        verifier.verify(keys["google-1"].sign(claims()))


def test_max_age_is_read_and_clamped(server: CertServer, clock: Monotonic) -> None:
    for control, lifetime in [("max-age=120", 120), ("max-age=5", 60),
                              ("max-age=999999", 86400), ("no-cache", 300)]:
        server.cache_control = control
        certs = CertificateCache(server.url, monotonic=clock).get("google-1")
        assert certs.fresh_until - certs.fetched_at == lifetime
        assert certs.key_ids == {"google-1"}


# Development tokens.

SECRET = "a-development-token-secret-of-48-characters-0000"
DEV = DevTokenVerifier(SECRET, {}).mint("alice@example.org")


def test_dev_tokens_prove_an_address_that_must_still_be_in_the_directory() -> None:
    verifier = DevTokenVerifier(SECRET, {})
    assert authenticate(f"Bearer {DEV}", verifier, DIRECTORY) == ALICE
    assert verifier.verify(verifier.mint("ALICE@example.org")).email == "alice@example.org"
    with pytest.raises(Forbidden):
        authenticate(f"Bearer {verifier.mint('mallory@example.org')}", verifier, DIRECTORY)
    assert claimed_email(DEV) == "alice@example.org"


FORGERIES: dict[str, Callable[[], str]] = {
    "unsigned": lambda: "dev:alice@example.org",  # anyone could write it before signing
    "unsigned_upper": lambda: "dev:ALICE@example.org",
    "bare_address": lambda: "alice@example.org",
    "empty": lambda: "dev:",
    "no_domain": lambda: "dev:alice",
    "upper_prefix": lambda: "DEV:alice@example.org",
    "jwt": lambda: "eyJhbGciOiJSUzI1NiJ9.e30.sig",
    "other_secret": lambda: DevTokenVerifier("another-secret-" + "x" * 40, {}).mint(
        "alice@example.org"),
    "altered_signature": lambda: DEV[:-2] + ("AA" if not DEV.endswith("AA") else "BB"),
    "altered_payload": lambda: DEV.replace("dev:", "dev:x"),
}


@pytest.mark.parametrize("kind", sorted(FORGERIES))
def test_a_dev_token_not_signed_with_the_secret_is_refused(kind: str) -> None:
    forged = FORGERIES[kind]()
    with pytest.raises(Unauthenticated) as refused:
        DevTokenVerifier(SECRET, {}).verify(forged)
    assert refused.value.__context__ is None and refused.value.__cause__ is None


def test_a_dev_token_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = DevTokenVerifier(SECRET, {})
    token = verifier.mint("alice@example.org")
    later = time.time() + DEV_TOKEN_MAX_AGE_SECONDS + 60
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Unauthenticated) as refused:
        verifier.verify(token)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize("marker", [*GOOGLE_CLOUD_MARKERS, "CLOUD_RUN_JOB",
                                    "CLOUD_RUN_EXECUTION", "GAE_SERVICE", "GAE_ENV",
                                    "DEVSHELL_PROJECT_ID", "X_GOOGLE_FUNCTION_NAME"])
def test_dev_tokens_refuse_to_exist_on_google_cloud(marker: str) -> None:
    environ = {"FUNCTION_TARGET": "cases", marker: ""}
    assert google_cloud_markers(environ) == (marker,)
    with pytest.raises(DevTokensRefused, match=marker):
        DevTokenVerifier(SECRET, environ)
    assert any(marker in reason for reason in dev_token_refusals(
        backend="embedded", kms_key="", environ=environ, metadata_server=lambda: None))


def test_dev_tokens_stop_working_if_the_environment_turns_out_to_be_google_cloud() -> None:
    environ: dict[str, str] = {}
    verifier = DevTokenVerifier(SECRET, environ)
    environ["K_SERVICE"] = "cases"
    with pytest.raises(DevTokensRefused):
        verifier.verify(DEV)


def test_the_markers_of_a_cloud_run_function_are_all_seen() -> None:
    # What Cloud Run sets on a 2nd-gen function, besides our own variables.
    environ = {"K_SERVICE": "cases", "K_REVISION": "cases-00007-abc",
               "K_CONFIGURATION": "cases", "PORT": "8080", "FUNCTION_TARGET": "cases",
               "FUNCTION_SIGNATURE_TYPE": "http"}
    assert google_cloud_markers(environ) == ("K_CONFIGURATION", "K_REVISION", "K_SERVICE")


@pytest.mark.parametrize(("backend", "kms_key", "environ", "metadata", "reason"), [
    ("gcp", "", {}, None, "backend is 'gcp'"),
    ("embedded", "projects/p/locations/l/keyRings/r/cryptoKeys/k", {}, None,
     "INTAKE_KMS_KEY is set"),
    ("embedded", "", {"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, None,
     "KUBERNETES_SERVICE_HOST"),
    ("embedded", "", {"CLOUD_SHELL": "true"}, None, "CLOUD_SHELL"),
    ("embedded", "", {"DEVSHELL_GCLOUD_CONFIG": "cloudshell-1"}, None,
     "DEVSHELL_GCLOUD_CONFIG"),
    ("embedded", "", {"GAE_APPLICATION": "e~p"}, None, "GAE_APPLICATION"),
    ("embedded", "", {"K_SERVICE": "cases"}, None, "K_SERVICE"),
    ("embedded", "", {}, "169.254.169.254", "metadata server answers at 169.254.169.254"),
])
def test_each_sign_of_google_cloud_refuses_dev_tokens(backend: str, kms_key: str,
                                                      environ: dict[str, str],
                                                      metadata: str | None,
                                                      reason: str) -> None:
    reasons = dev_token_refusals(backend=backend, kms_key=kms_key, environ=environ,
                                 metadata_server=lambda: metadata)
    assert any(reason in r for r in reasons), reasons


def test_dev_tokens_are_allowed_only_with_no_sign_at_all() -> None:
    asked = []
    assert dev_token_refusals(backend="embedded", kms_key="",
                              environ={"FUNCTION_TARGET": "cases", "HOME": "/root"},
                              metadata_server=lambda: asked.append(1)) == []
    assert asked == [1]  # the metadata server was looked for


def test_one_rule_says_where_google_cloud_is() -> None:
    """google_cloud_signs decides for every local-only switch: a runtime variable, else a
    metadata server that answers, which is asked only when no variable showed."""
    asked: list[int] = []

    def probe(answer: str | None) -> Callable[[], str | None]:
        def ask() -> str | None:
            asked.append(1)
            return answer

        return ask

    signs = google_cloud_signs({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, probe("x"))
    assert signs == ["this process runs on Google Cloud (KUBERNETES_SERVICE_HOST set)"]
    assert asked == []
    assert google_cloud_signs({"FUNCTION_TARGET": "cases"}, probe(None)) == []
    assert google_cloud_signs({}, probe("169.254.169.254")) == [
        "a Google metadata server answers at 169.254.169.254"]
    assert asked == [1, 1]
    # Development tokens refuse on the same signs, and on their own conditions first.
    assert dev_token_refusals(backend="embedded", kms_key="", environ={},
                              metadata_server=probe("169.254.169.254")) == [
        "a Google metadata server answers at 169.254.169.254"]
    assert dev_token_refusals(backend="gcp", kms_key="", environ={},
                              metadata_server=probe("169.254.169.254")) == [
        "the backend is 'gcp', not 'embedded'"]
    assert asked == [1, 1, 1]


def test_the_metadata_server_is_recognised_by_its_answer() -> None:
    google, other = MetadataServer("Google"), MetadataServer(None)
    try:
        closed = f"127.0.0.1:{_closed_port()}"
        assert metadata_server_answers([closed, google.host]) == google.host
        assert metadata_server_answers([other.host, closed]) is None
        assert metadata_server_answers([]) is None
    finally:
        google.close()
        other.close()


def test_the_metadata_probe_waits_no_longer_than_its_timeout() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts, never answers
    try:
        started = time.monotonic()
        assert metadata_server_answers([f"127.0.0.1:{listener.getsockname()[1]}"],
                                       timeout=0.2) is None
        assert time.monotonic() - started < 2
    finally:
        listener.close()


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


def test_functions_framework_running_locally_does_not_look_like_google_cloud(
        tmp_path: Path) -> None:
    source = tmp_path / "main.py"
    source.write_text("def cases(request):\n    return 'ok'\n")
    app = functions_framework.create_app(  # type: ignore[no-untyped-call]
        "cases", str(source))
    assert app.test_client().get("/").status_code == 200
    assert os.environ["FUNCTION_TARGET"] == "cases"  # set by functions-framework itself
    assert google_cloud_markers(os.environ) == ()
    assert DevTokenVerifier(SECRET, os.environ).verify(DEV).email == ALICE.email
