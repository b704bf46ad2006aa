"""Development tokens exist only when switched on, are signed, and nothing starts with
them anywhere but a local machine: not on the gcp backend, not with a KMS key, not under
any Google runtime, not where a metadata server answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shared import bootstrap
from shared.adapters.dev_tokens import DevTokenVerifier
from shared.cli import main as cli
from shared.devserver import banner, dev_tokens
from tests.support.harness import function_app
from tests.support.metadata import MetadataServer
from tests.support.payloads import payload

OFFICERS = json.dumps({"alice@example.org": {"name": "Alice Mbeki-Laurent",
                                             "roles": ["ethics_officer"]}})


def cases_call(token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return int(function_app("cases").test_client().get("/", headers=headers).status_code)


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A process configured as scripts/run configures it, with a fresh container."""
    monkeypatch.setattr(bootstrap, "_current", None)
    for name, value in {"INTAKE_DATA_DIR": str(tmp_path), "INTAKE_DEV_AUTH": "true",
                        "INTAKE_OFFICERS": OFFICERS}.items():
        monkeypatch.setenv(name, value)
    return tmp_path


def local_token(data_dir: Path, email: str) -> str:
    """A development token as the local runner mints it, from the data folder's key."""
    secret = (data_dir / "keys" / "dev-tokens.secret").read_text().strip()
    return DevTokenVerifier(secret, {}).mint(email)


def test_signed_dev_tokens_work_locally_when_switched_on(local: Path) -> None:
    assert cases_call(None) == 401  # the first call creates the key
    key = local / "keys" / "dev-tokens.secret"
    assert key.stat().st_mode & 0o777 == 0o600
    assert cases_call(local_token(local, "alice@example.org")) == 200
    assert cases_call(local_token(local, "mallory@example.org")) == 403
    assert cases_call("dev:alice@example.org") == 401  # the old, forgeable form
    other = DevTokenVerifier("not-the-data-folders-secret-" + "x" * 20, {})
    assert cases_call(other.mint("alice@example.org")) == 401


def test_the_runner_prints_a_token_for_each_officer(local: Path) -> None:
    container = bootstrap.container()
    tokens = dev_tokens(container)
    assert set(tokens) == {"alice@example.org"}
    text = banner("http://127.0.0.1:8080", control_token="receiver-token", dev_tokens=tokens)
    assert f"export INTAKE_OFFICER_TOKEN='{tokens['alice@example.org']}'" in text
    assert cases_call(tokens["alice@example.org"]) == 200


def test_dev_tokens_are_refused_when_not_switched_on(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(bootstrap, "_current", None)
    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTAKE_OFFICERS", OFFICERS)
    monkeypatch.setenv("INTAKE_AUTH_AUDIENCE", "https://example.invalid/cases")
    token = DevTokenVerifier("x" * 40, {}).mint("alice@example.org")
    # verified as a Google ID token, which it is not
    assert cases_call(token) == 401
    assert dev_tokens(bootstrap.container()) == {}


@pytest.fixture
def metadata_server() -> Iterator[MetadataServer]:
    server = MetadataServer()
    yield server
    server.close()


CONDITIONS: dict[str, dict[str, str]] = {
    "gcp_backend": {"INTAKE_BACKEND": "gcp", "GOOGLE_CLOUD_PROJECT": "ethics-test"},
    "kms_keys": {"INTAKE_KMS_KEY": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
                 "INTAKE_MESSAGES_KMS_KEY": "projects/p/locations/l/keyRings/r/cryptoKeys/m"},
    "cloud_run": {"K_SERVICE": "cases"},
    "cloud_run_revision": {"K_REVISION": "cases-00001"},
    "cloud_run_job": {"CLOUD_RUN_JOB": "sweep"},
    "cloud_functions_1st_gen": {"FUNCTION_NAME": "cases"},
    "app_engine": {"GAE_APPLICATION": "e~ethics"},
    "app_engine_service": {"GAE_SERVICE": "default"},
    "gke": {"KUBERNETES_SERVICE_HOST": "10.0.0.1"},
    "cloud_shell": {"CLOUD_SHELL": "true"},
    "cloud_shell_devshell": {"DEVSHELL_PROJECT_ID": "ethics"},
    "metadata_server": {},
}


@pytest.mark.parametrize("condition", sorted(CONDITIONS))
def test_nothing_starts_with_dev_tokens_where_google_cloud_is_in_sight(
        local: Path, monkeypatch: pytest.MonkeyPatch, condition: str,
        metadata_server: MetadataServer, caplog: pytest.LogCaptureFixture) -> None:
    for name, value in CONDITIONS[condition].items():
        monkeypatch.setenv(name, value)
    if condition == "metadata_server":
        monkeypatch.setenv("GCE_METADATA_IP", metadata_server.host)
    caplog.set_level(logging.INFO)
    assert cases_call(DevTokenVerifier("x" * 40, {}).mint("alice@example.org")) == 500
    response = function_app("submit_advice").test_client().post(
        "/", data=json.dumps(payload("advice")), content_type="application/json")
    assert response.status_code == 500  # every function refuses, not only the API
    refusals = [r for r in caplog.records if getattr(r, "event", None) == "dev_tokens_refused"]
    assert refusals and "nothing starts" in refusals[0].getMessage()
    assert any(getattr(r, "event", None) == "startup_failed" for r in caplog.records)
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code != 0 and "development tokens" in result.output
    assert not (local / "keys" / "dev-tokens.secret").exists()  # no token was ever minted


def test_the_refusal_says_why(local: Path, monkeypatch: pytest.MonkeyPatch,
                              metadata_server: MetadataServer) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert "KUBERNETES_SERVICE_HOST" in result.output
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST")
    monkeypatch.setenv("GCE_METADATA_HOST", metadata_server.host)
    monkeypatch.setattr(bootstrap, "_current", None)
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert f"metadata server answers at {metadata_server.host}" in result.output


def test_without_any_sign_of_google_cloud_the_metadata_server_is_looked_for(
        local: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []

    def probe(settings: Any) -> None:
        asked.append(settings.access.metadata_hosts)

    monkeypatch.setattr(bootstrap, "metadata_server", probe)
    assert cases_call(None) == 401
    assert asked and asked[0] == ("127.0.0.1:9", "127.0.0.1:9")  # tests/conftest.py
