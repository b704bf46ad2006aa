"""Development tokens exist only when switched on, and never on Google Cloud; the command
line works on cases through the same services as the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.cli import main as cli
from shared.domain.officers import parse_directory
from tests.support.harness import Harness, function_app
from tests.support.payloads import payload

OFFICERS = json.dumps({"alice@example.org": {"name": "Alice Mbeki-Laurent",
                                             "roles": ["ethics_officer"]}})


def cases_call(token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return int(function_app("cases").test_client().get("/", headers=headers).status_code)


def test_dev_tokens_work_locally_when_switched_on(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setattr(bootstrap, "_current", None)
    for name, value in {"INTAKE_DATA_DIR": str(tmp_path), "INTAKE_DEV_AUTH": "true",
                        "INTAKE_OFFICERS": OFFICERS}.items():
        monkeypatch.setenv(name, value)
    assert cases_call("dev:alice@example.org") == 200
    assert cases_call("dev:mallory@example.org") == 403
    assert cases_call(None) == 401


def test_dev_tokens_are_refused_when_not_switched_on(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(bootstrap, "_current", None)
    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTAKE_OFFICERS", OFFICERS)
    monkeypatch.setenv("INTAKE_AUTH_AUDIENCE", "https://example.invalid/cases")
    # verified as a Google ID token, which it is not
    assert cases_call("dev:alice@example.org") == 401


@pytest.mark.parametrize("marker", ["K_SERVICE", "K_REVISION", "GAE_APPLICATION"])
def test_nothing_starts_with_dev_tokens_on_google_cloud(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, marker: str,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(bootstrap, "_current", None)
    monkeypatch.setenv("INTAKE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTAKE_DEV_AUTH", "true")
    monkeypatch.setenv(marker, "cases")
    assert cases_call("dev:alice@example.org") == 500
    response = function_app("submit_advice").test_client().post(
        "/", data=json.dumps(payload("advice")), content_type="application/json")
    assert response.status_code == 500  # every function refuses, not only the API
    assert any(getattr(r, "event", None) == "startup_failed" for r in caplog.records)
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code != 0 and "Google Cloud" in result.output


def test_the_cli_lists_shows_and_moves_cases(tmp_path: Path) -> None:
    h = Harness.build(tmp_path, SqliteStore(tmp_path / "intake.sqlite3"),
                      components={"officers": parse_directory(OFFICERS)})
    reference = h.submit("submit_retaliation", payload("retaliation")).get_json()["reference"]
    h.drain()
    runner = CliRunner()
    with bootstrap.using(h.container):
        listed = runner.invoke(cli, ["cases", "list", "--json"])
        moved = runner.invoke(cli, ["cases", "transition", reference,
                                    "start_preliminary_review", "--as", "alice@example.org"])
        illegal = runner.invoke(cli, ["cases", "transition", reference, "close",
                                      "--as", "alice@example.org"])
        stranger = runner.invoke(cli, ["cases", "show", reference, "--as", "x@example.org"])
        shown = runner.invoke(cli, ["cases", "show", reference, "--as", "alice@example.org"])
    [row] = [json.loads(line) for line in listed.output.splitlines()]
    assert row["reference"] == reference and row["form"] == "retaliation"
    assert row["state"] == "received" and row["received_at"].startswith("2026-03-02T09:30")
    assert row["deadlines"] == {"preliminary_review_due": "2026-04-01T09:30:00+00:00"}
    assert moved.exit_code == 0 and json.loads(moved.output)["state"] == "preliminary_review"
    assert illegal.exit_code != 0 and "allowed" in illegal.output
    assert stranger.exit_code != 0
    assert shown.exit_code == 0, shown.output
    history = json.loads(shown.output)["history"]
    assert [e["kind"] for e in history] == ["received", "triaged", "transition", "read"]
