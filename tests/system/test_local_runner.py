"""The README's `scripts/run`, for real: a separate process serving every function on a
port, the embedded backend, in-process dispatch of triage over HTTP."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import stat
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.logscan import find_leaks
from tests.support.payloads import SENSITIVE, payload
from tests.support.processes import free_port, serving

ROOT = Path(__file__).resolve().parents[2]


# Two officers: the second is named in the retaliation payload (an alleged retaliator).
OFFICERS = {"officer@localhost.test": {"name": "Local Officer",
                                       "roles": ["ethics_officer", "ethics_admin"]},
            "philippa@localhost.test": {"name": "Philippa Ravensworth",
                                        "roles": ["ethics_officer"]}}


@pytest.fixture
def runner(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """scripts/run as the README starts it (its own demo officer), or with the officers of
    ``OFFICERS`` when the test is marked ``two_officers``."""
    port = free_port()
    log_path = tmp_path / "runner.log"
    env = {**os.environ, "INTAKE_DATA_DIR": str(tmp_path / "data"),
           "INTAKE_LOCAL_SWEEP_SECONDS": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("INTAKE_FUNCTIONS_BASE_URL", None)
    env.pop("INTAKE_OFFICERS", None)
    if getattr(request, "param", None) == "two_officers":
        env["INTAKE_OFFICERS"] = json.dumps(OFFICERS)
    with serving([str(ROOT / "scripts" / "run"), "--port", str(port)], port, cwd=ROOT,
                 env=env, log_path=log_path) as base_url:
        yield base_url, log_path


def printed_tokens(log_path: Path) -> dict[str, str]:
    """The development tokens scripts/run printed, by officer."""
    return dict(re.findall(r"^  (\S+@\S+):\n    export INTAKE_OFFICER_TOKEN='([^']+)'$",
                           log_path.read_text(), flags=re.MULTILINE))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(url: str, body: object, headers: dict[str, str] | None = None,
         ) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get(url: str, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("runner", ["two_officers"], indirect=True)
def test_scripts_run_serves_every_function_and_triages(runner: tuple[str, Path]) -> None:
    base_url, log_path = runner
    # Without flags: the embedded default, no emulator started (scripts/run --emulators is
    # tests/system/test_local_gcp_runner.py).
    log = log_path.read_text()
    assert "running with the embedded backend" in log
    assert "emulator on" not in log
    with urllib.request.urlopen(base_url + "/", timeout=5) as response:
        index = json.loads(response.read())
    assert set(index["functions"]) >= {"/submit_advice", "/submit_misconduct",
                                       "/submit_retaliation", "/sweep", "/triage",
                                       "/forward_to_investigations", "/notify",
                                       "/investigations_intake", "/forms", "/cases",
                                       "/log_service"}

    references = []
    for function, form in (("submit_advice", "advice"), ("submit_misconduct", "misconduct"),
                           ("submit_retaliation", "retaliation")):
        status, answer = post(f"{base_url}/{function}", payload(form))
        assert status == 201, answer
        references.append(answer["reference"])
    status, answer = post(f"{base_url}/submit_advice", {"question": 3})
    assert status == 422 and "question" in answer["errors"]  # type: ignore[operator]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = log_path.read_text().splitlines()
        triaged = {json.loads(line).get("reference") for line in lines if line.startswith("{")
                   and json.loads(line).get("event") == "case_triaged"}
        if set(references) <= triaged:
            break
        time.sleep(0.2)
    assert set(references) <= triaged, log_path.read_text()[-3000:]

    # The misconduct report reaches the local reference receiver; notices land in the outbox.
    misconduct = references[1]
    data_dir = log_path.parent / "data"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = subprocess.run([str(ROOT / ".venv" / "bin" / "intake"), "referrals", "--json"],
                                cwd=ROOT, env={**os.environ, "INTAKE_DATA_DIR": str(data_dir),
                                               "INTAKE_FUNCTIONS_BASE_URL": base_url},
                                capture_output=True, text=True, check=True).stdout
        rows = [json.loads(line) for line in listed.splitlines()]
        outbox = list((data_dir / "outbox").glob("*.eml"))
        if rows and len(outbox) >= 3:
            break
        time.sleep(0.3)
    assert [(r["ethics_office_reference"], r["deliveries"]) for r in rows] == [(misconduct, 1)]
    assert len(outbox) == 3  # investigations intake, ethics office, the reporter
    # An officer works on the cases with the development token scripts/run printed.
    tokens = printed_tokens(log_path)
    assert set(tokens) == set(OFFICERS)
    officer = bearer(tokens["officer@localhost.test"])
    status, listed_cases = get(f"{base_url}/cases/", officer)
    assert status == 200 and {c["reference"] for c in listed_cases["cases"]} == set(references)
    status, opened = get(f"{base_url}/cases/{references[2]}", officer)
    assert status == 200 and opened["history"][-1]["kind"] == "read"
    assert get(f"{base_url}/cases/", {})[0] == 401
    assert get(f"{base_url}/cases/", bearer("dev:officer@localhost.test"))[0] == 401

    # The officer the retaliation complaint names sees no trace of it, through the API or
    # the command line; the refusal is in the history the other officer reads.
    retaliation, named = str(references[2]), bearer(tokens["philippa@localhost.test"])
    status, hers = get(f"{base_url}/cases/?form=retaliation", named)
    assert status == 200 and hers["cases"] == []
    assert get(f"{base_url}/cases/{retaliation}", named) == \
        get(f"{base_url}/cases/ETH-RET-00000-00000", named)
    cli_env = {**os.environ, "INTAKE_DATA_DIR": str(data_dir),
               "INTAKE_CASES_URL": f"{base_url}/cases",
               "INTAKE_OFFICER_TOKEN": tokens["philippa@localhost.test"]}
    cli_listed = subprocess.run([str(ROOT / ".venv" / "bin" / "intake"), "cases", "--json"],
                                cwd=ROOT, env=cli_env, capture_output=True, text=True,
                                check=True)
    assert {json.loads(line)["reference"] for line in cli_listed.stdout.splitlines()} == set(
        references[:2])
    shown = subprocess.run([str(ROOT / ".venv" / "bin" / "intake"), "cases", "show",
                            retaliation, "--as", "officer@localhost.test"],
                           cwd=ROOT, env=cli_env, capture_output=True, text=True, check=False)
    assert shown.returncode != 0 and "Ignatius" not in shown.stdout + shown.stderr
    status, opened = get(f"{base_url}/cases/{retaliation}", officer)
    assert [(e["actor"], e["details"]) for e in opened["history"]
            if e["kind"] == "access_refused"] == [
        ("officer:philippa@localhost.test", {"reason": "recused", "operation": "read"})]
    assert find_leaks(log_path.read_text().splitlines(), SENSITIVE) == []
    texts = []
    for path in outbox:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        texts.append(f"{message['Subject']}\n{message.get_content()}")
    assert find_leaks(texts, SENSITIVE) == []  # the recipient is in To:, nothing else is
    assert "ethics-intake is running" in log_path.read_text()


def test_the_reference_receivers_controls_need_the_token_the_runner_prints(
        runner: tuple[str, Path]) -> None:
    base_url, log_path = runner
    printed = re.search(r"receiver token: (\S+)", log_path.read_text())
    assert printed, log_path.read_text()[-2000:]
    token = printed.group(1)
    control = f"{base_url}/investigations_intake/_control"
    officer = bearer(printed_tokens(log_path)["officer@localhost.test"])  # not the receiver's
    for headers in ({}, officer, {"Authorization": f"Bearer {token[:-1]}"}):
        assert post(control, {"fail_next": 3}, headers)[0] == 401
        assert get(f"{base_url}/investigations_intake/_referrals", headers)[0] == 401
    assert post(control, {"fail_next": 0}, {"Authorization": f"Bearer {token}"})[0] == 200
    status, listed = get(f"{base_url}/investigations_intake/_referrals",
                         {"Authorization": f"Bearer {token}"})
    assert (status, listed) == (200, [])


def modes(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root.parent)): stat.S_IMODE(path.stat().st_mode)
            for path in [root, *root.rglob("*")] if not path.is_symlink()}


@pytest.fixture
def loose_data_dir(tmp_path: Path) -> Path:
    """A data folder from an earlier run, made under a permissive umask."""
    data_dir = tmp_path / "data"
    (data_dir / "outbox").mkdir(parents=True)
    os.chmod(data_dir, 0o755)  # noqa: S103 (what the runner must tighten)
    os.chmod(data_dir / "outbox", 0o775)  # noqa: S103
    stray = data_dir / "outbox" / "old.eml"
    stray.write_text("From: x\n")
    os.chmod(stray, 0o644)
    return data_dir


def test_the_data_folder_and_everything_in_it_are_private(
        loose_data_dir: Path, runner: tuple[str, Path]) -> None:
    base_url, _ = runner
    assert post(f"{base_url}/submit_misconduct", payload("misconduct"))[0] == 201
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(
            (loose_data_dir / "outbox").glob("*.eml"))) < 4:
        time.sleep(0.3)
    found = modes(loose_data_dir)
    names = set(found)
    assert {"data/intake.sqlite3", "data/investigations.sqlite3", "data/keys",
            "data/outbox", "data/outbox/old.eml"} <= names
    assert any(name.startswith("data/keys/") for name in names)
    assert len([n for n in names if n.endswith(".eml")]) == 4
    wrong = {name: oct(mode) for name, mode in found.items()
             if mode != (0o700 if (loose_data_dir.parent / name).is_dir() else 0o600)}
    assert wrong == {}
