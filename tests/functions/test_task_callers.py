"""The task targets (triage, forward_to_investigations, notify, sweep) check their caller
in code: a Google-signed OIDC token for their own URL, of one of the configured service
accounts. Tokens are signed with test keys and verified through google-auth's real path
against certificates served over HTTP, as tests/unit/test_auth.py does for officers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap, config
from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.adapters.local_dispatcher import cloud_tasks_headers
from shared.google_certs import CertificateCache
from tests.support.harness import Harness, function_app
from tests.support.metadata import MetadataServer
from tests.support.payloads import payload
from tests.support.processes import free_port
from tests.support.receiver import SECRET, new_receiver, receiving
from tests.support.tokens import CertServer, SigningKey

BASE_URL = "https://europe-west1-ethics.cloudfunctions.net"
TRIAGE_SA = "tasks-triage@ethics.iam.gserviceaccount.com"
FORWARD_SA = "tasks-forward@ethics.iam.gserviceaccount.com"
NOTIFY_SA = "tasks-notify@ethics.iam.gserviceaccount.com"
SCHEDULER_SA = "sched-sweep@ethics.iam.gserviceaccount.com"
CALLERS = {"triage": TRIAGE_SA, "forward_to_investigations": FORWARD_SA,
           "notify": NOTIFY_SA, "sweep": SCHEDULER_SA}
TARGETS = list(CALLERS)


@pytest.fixture(scope="module")
def keys() -> dict[str, SigningKey]:
    return {kid: SigningKey(kid) for kid in ("google-1", "attacker")}


@pytest.fixture(scope="module")
def certs(keys: dict[str, SigningKey]) -> Iterator[CertServer]:
    server = CertServer()
    server.publish(keys["google-1"])
    yield server
    server.close()


def harness_for(tmp_path: Path, certs: CertServer, function: str | None = None, *,
                components: dict[str, object] | None = None) -> Harness:
    """A deployment's task targets: each accepts its own caller (all of them when one
    container serves every function, as here)."""
    callers = CALLERS[function] if function else ",".join(CALLERS.values())
    return Harness.build(tmp_path, _store(tmp_path),
                         components={"google_certificates": CertificateCache(certs.url),
                                     **(components or {})},
                         INTAKE_FUNCTIONS_BASE_URL=BASE_URL, INTAKE_TASK_AUTH="oidc",
                         INTAKE_TASK_CALLERS=callers)


def _store(tmp_path: Path) -> Any:
    from shared.adapters.sqlite_store import SqliteStore

    return SqliteStore.open(tmp_path / "intake.sqlite3")


def token(key: SigningKey, *, audience: str, email: str, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": "https://accounts.google.com", "aud": audience, "azp": "1234567890",
            "sub": "1234567890", "email": email, "email_verified": True, "iat": now,
            "exp": now + 3600, **claims}
    return key.sign(body)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def body_for(function: str, harness: Harness) -> dict[str, Any]:
    """A valid body for ``function``, about a stored misconduct report."""
    response = harness.submit("submit_misconduct", payload("misconduct"))
    assert response.status_code == 201
    [task] = harness.queue.take()
    if function == "sweep":
        return {}
    body = dict(task.payload)
    if function == "notify":
        body["item"] = "referral_made-ethics_office"
    return body


def deliver_with_tokens(harness: Harness, key: SigningKey) -> list[tuple[str, int]]:
    """Deliver queued tasks as Cloud Tasks does on Google Cloud: each with the OIDC token of
    its queue's identity, for the URL of its target."""
    delivered: list[tuple[str, int]] = []
    for _ in range(20):
        tasks = harness.queue.take()
        if not tasks:
            return delivered
        for task in tasks:
            minted = token(key, audience=f"{BASE_URL}/{task.target}",
                           email=CALLERS[task.target])
            status = harness.post(task.target, task.payload, headers={
                **cloud_tasks_headers(task, 0), **bearer(minted)}).status_code
            delivered.append((task.target, status))
    raise AssertionError("tasks kept coming")


def test_tasks_carrying_their_queues_token_do_their_work(
        tmp_path: Path, certs: CertServer, keys: dict[str, SigningKey]) -> None:
    receiver = new_receiver(tmp_path)
    with receiving(receiver, free_port()) as url:
        harness = harness_for(tmp_path, certs, components={
            "gateway": HttpInvestigationsGateway(url, SECRET, timeout=5)})
        reference = harness.submit("submit_misconduct", payload("misconduct")).get_json()[
            "reference"]
        delivered = deliver_with_tokens(harness, keys["google-1"])
    assert [target for target, _ in delivered][:2] == ["triage", "forward_to_investigations"]
    assert {target for target, _ in delivered[2:]} == {"notify"}
    assert {status for _, status in delivered} == {200}
    case = harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded"
    assert [r.reference for r in receiver.store.referrals()] == [reference]
    sweep = token(keys["google-1"], audience=f"{BASE_URL}/sweep", email=SCHEDULER_SA)
    assert harness.post("sweep", {}, headers=bearer(sweep)).status_code == 200


@pytest.mark.parametrize("function", TARGETS)
def test_a_call_without_a_token_is_refused_and_changes_nothing(
        tmp_path: Path, certs: CertServer, function: str) -> None:
    harness = harness_for(tmp_path, certs)
    body = body_for(function, harness)
    before = {c.reference: c for c in harness.store.list_cases(_all())}
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, bearer("not-a-jwt"),
                    {"Authorization": "Bearer"}):
        response = harness.post(function, body, headers=headers)
        assert response.status_code == 401, (headers, response.get_json())
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert {c.reference: c for c in harness.store.list_cases(_all())} == before


def _all() -> Any:
    from shared.domain.records import CaseQuery

    return CaseQuery()


@pytest.mark.parametrize("function", TARGETS)
def test_a_token_for_another_audience_issuer_or_key_is_refused(
        tmp_path: Path, certs: CertServer, keys: dict[str, SigningKey], function: str) -> None:
    harness = harness_for(tmp_path, certs)
    body = body_for(function, harness)
    caller, google, attacker = CALLERS[function], keys["google-1"], keys["attacker"]
    other = "notify" if function != "notify" else "triage"
    refused = {
        "another function's URL": token(google, audience=f"{BASE_URL}/{other}", email=caller),
        "another site": token(google, audience=f"https://evil.example/{function}",
                              email=caller),
        "the bare base URL": token(google, audience=BASE_URL, email=caller),
        "another issuer": token(google, audience=f"{BASE_URL}/{function}", email=caller,
                                iss="https://evil.example"),
        "an unknown key": token(attacker, audience=f"{BASE_URL}/{function}", email=caller),
        "expired": token(google, audience=f"{BASE_URL}/{function}", email=caller,
                         iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
        "e-mail unverified": token(google, audience=f"{BASE_URL}/{function}", email=caller,
                                   email_verified=False),
    }
    for why, minted in refused.items():
        assert harness.post(function, body, headers=bearer(minted)).status_code == 401, why


@pytest.mark.parametrize("function", TARGETS)
def test_only_the_configured_service_account_may_call(
        tmp_path: Path, certs: CertServer, keys: dict[str, SigningKey], function: str) -> None:
    harness = harness_for(tmp_path, certs, function)
    body = body_for(function, harness)
    audience = f"{BASE_URL}/{function}"
    for email in [*(sa for name, sa in CALLERS.items() if name != function),
                  "officer@example.org", f"{CALLERS[function]}.evil.example",
                  CALLERS[function].replace("@", "@x")]:
        minted = token(keys["google-1"], audience=audience, email=email)
        response = harness.post(function, body, headers=bearer(minted))
        assert response.status_code == 403, email
    minted = token(keys["google-1"], audience=audience, email=CALLERS[function].upper())
    assert harness.post(function, body, headers=bearer(minted)).status_code in (200, 503)


def test_a_checked_target_without_configured_callers_does_nothing(
        tmp_path: Path, certs: CertServer, keys: dict[str, SigningKey]) -> None:
    harness = Harness.build(tmp_path, _store(tmp_path),
                            components={"google_certificates": CertificateCache(certs.url)},
                            INTAKE_FUNCTIONS_BASE_URL=BASE_URL, INTAKE_TASK_AUTH="oidc")
    body = body_for("triage", harness)
    minted = token(keys["google-1"], audience=f"{BASE_URL}/triage", email=TRIAGE_SA)
    assert harness.post("triage", body, headers=bearer(minted)).status_code == 500
    [case] = harness.store.list_cases(_all())
    assert case.triage is None


def test_google_cloud_checks_callers_unless_told_otherwise_explicitly() -> None:
    gcp = {"INTAKE_BACKEND": "gcp", "GOOGLE_CLOUD_PROJECT": "ethics"}
    assert config.load(gcp).task_auth.mode == "oidc"
    assert config.load({}).task_auth.mode == "none"  # the local runner sends no token
    assert config.load({**gcp, "INTAKE_TASK_AUTH": "none"}).task_auth.mode == "none"
    assert config.load({**gcp, "INTAKE_TASK_CALLERS": f"{TRIAGE_SA}, {FORWARD_SA.upper()}"}
                       ).task_auth.callers == {TRIAGE_SA, FORWARD_SA}
    with pytest.raises(config.ConfigError, match="INTAKE_TASK_AUTH"):
        config.load({**gcp, "INTAKE_TASK_AUTH": "anything"})
    with pytest.raises(config.ConfigError, match="INTAKE_TASK_CALLERS"):
        config.load({**gcp, "INTAKE_TASK_CALLERS": "not an e-mail"})


@pytest.mark.parametrize("marker", ["K_SERVICE", "GAE_APPLICATION", "GAE_SERVICE",
                                    "CLOUD_RUN_JOB", "FUNCTION_NAME", "X_GOOGLE_FUNCTION_NAME",
                                    "KUBERNETES_SERVICE_HOST", "CLOUD_SHELL",
                                    "DEVSHELL_PROJECT_ID"])
def test_open_task_targets_refuse_to_start_on_google_cloud(
        monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    monkeypatch.setattr(bootstrap, "_current", None)
    monkeypatch.setenv("INTAKE_BACKEND", "gcp")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "ethics")
    monkeypatch.setenv("INTAKE_TASK_AUTH", "none")
    monkeypatch.setenv(marker, "")
    with pytest.raises(config.ConfigError, match=f"INTAKE_TASK_AUTH=none.*{marker}"):
        bootstrap.container()
    monkeypatch.setenv("INTAKE_TASK_AUTH", "oidc")
    assert bootstrap.container().settings.task_auth.mode == "oidc"


@pytest.fixture
def metadata_server() -> Iterator[MetadataServer]:
    server = MetadataServer()
    yield server
    server.close()


def test_open_task_targets_refuse_to_start_where_a_metadata_server_answers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        metadata_server: MetadataServer) -> None:
    """Compute Engine sets no runtime variable: its metadata server gives it away, to this
    guard as to the development tokens' (one rule decides, shared.auth.google_cloud_signs)."""
    monkeypatch.setattr(bootstrap, "_current", None)
    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTAKE_TASK_AUTH", "none")
    monkeypatch.setenv("GCE_METADATA_IP", metadata_server.host)
    with pytest.raises(config.ConfigError,
                       match=f"INTAKE_TASK_AUTH=none.*metadata server answers at "
                             f"{metadata_server.host}"):
        bootstrap.container()
    response = function_app("triage").test_client().post(
        "/", json={"submission_id": "0" * 32})
    assert response.status_code == 500  # nothing starts: no task is run open
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")  # tests/conftest.py: nobody there
    assert bootstrap.container().settings.task_auth.mode == "none"


def test_both_local_switches_ask_the_metadata_server_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked: list[object] = []

    def probe(settings: Any) -> None:
        asked.append(settings.access.metadata_hosts)

    monkeypatch.setattr(bootstrap, "metadata_server", probe)
    monkeypatch.setattr(bootstrap, "_current", None)
    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTAKE_DEV_AUTH", "true")
    monkeypatch.setenv("INTAKE_TASK_AUTH", "none")
    assert bootstrap.container().settings.task_auth.mode == "none"
    assert len(asked) == 1
