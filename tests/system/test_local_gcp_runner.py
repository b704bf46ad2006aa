"""`scripts/run --emulators`, for real: it starts its own Firestore and Cloud Tasks
emulators, serves every function on the gcp backend, and a misconduct report submitted
over HTTP is stored in Firestore, queued on Cloud Tasks, triaged, and forwarded once to the
reference receiver; on SIGTERM (``kill``) or Ctrl-C it stops, and takes both emulators
with it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_emulator
from tests.support.payloads import payload
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Runner:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    data_dir: Path
    project: str

    def emulator_hosts(self) -> dict[str, str]:
        found = re.findall(r"^(Firestore|Cloud Tasks) emulator on (127\.0\.0\.1:\d+)$",
                           self.log_path.read_text(), flags=re.MULTILINE)
        return dict(found)


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    # The suite's own emulators show that gcloud, Java and the Tasks emulator are here; the
    # runner starts emulators of its own.
    require_emulator("FIRESTORE_EMULATOR_HOST")
    require_emulator("CLOUD_TASKS_EMULATOR_HOST")
    port = free_port()
    project = f"local-{uuid.uuid4().hex[:10]}"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("INTAKE_", "FIRESTORE_", "CLOUD_TASKS_"))}
    env.update({"INTAKE_DATA_DIR": str(tmp_path / "data"), "GOOGLE_CLOUD_PROJECT": project,
                "INTAKE_LOCAL_SWEEP_SECONDS": "0", "PYTHONUNBUFFERED": "1"})
    log_path = tmp_path / "runner.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([str(ROOT / "scripts" / "run"), "--emulators", "--port",
                                    str(port)], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    runner = Runner(process, f"http://127.0.0.1:{port}", log_path, tmp_path / "data", project)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(runner.base_url + "/", timeout=2).close()
                break
            except OSError:
                assert process.poll() is None, log_path.read_text()[-4000:]
                assert time.monotonic() < deadline, log_path.read_text()[-4000:]
                time.sleep(0.3)
        yield runner
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


def listening(host: str) -> bool:
    address, port = host.rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((address, int(port))) == 0


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


def wait_for(condition: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


# How the runner is stopped: `kill PID` signals the script alone; Ctrl-C in a terminal
# signals its whole foreground process group (the script and the server it started).
STOPS = {"kill": (signal.SIGTERM, False, 143), "ctrl-c": (signal.SIGINT, True, 130)}


@pytest.mark.parametrize("stop", list(STOPS))
def test_scripts_run_emulators_serves_the_gcp_path_and_stops_its_emulators(
        runner: Runner, monkeypatch: pytest.MonkeyPatch, stop: str) -> None:
    hosts = runner.emulator_hosts()
    assert set(hosts) == {"Firestore", "Cloud Tasks"}, runner.log_path.read_text()
    assert "running with the gcp backend" in runner.log_path.read_text()

    request = urllib.request.Request(
        f"{runner.base_url}/submit_misconduct", data=json.dumps(payload("misconduct")).encode(),
        method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer = response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise AssertionError(runner.log_path.read_text()[-4000:]) from error
    assert status == 201
    reference = answer["reference"]

    # In the runner's own Firestore emulator: triaged (by a task the Cloud Tasks emulator
    # delivered), then forwarded with the receiver's case id.
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", hosts["Firestore"])
    from shared.adapters.firestore_store import FirestoreStore

    store = FirestoreStore.connect(runner.project, "(default)", timeout=10)
    case = wait_for(lambda: (c := store.get_case(reference)) is not None
                    and c.state == "forwarded" and c)
    assert case.triage is not None and case.triage.route == "investigations"
    submission = store.get_submission(case.submission_id)
    assert submission is not None and submission.form == "misconduct"
    from reference_receiver.store import ReceiverStore

    [referral] = ReceiverStore(runner.data_dir / "investigations.sqlite3").referrals()
    assert referral.reference == reference and referral.deliveries == 1
    assert case.forwarding.investigations_case_id == referral.case_id
    assert not (runner.data_dir / "intake.sqlite3").exists()  # nothing went to the embedded store

    sent, to_group, status = STOPS[stop]
    if to_group:
        os.killpg(runner.process.pid, sent)
    else:
        runner.process.send_signal(sent)
    assert runner.process.wait(timeout=60) == status
    assert "emulators stopped" in runner.log_path.read_text()
    for host in hosts.values():
        assert not listening(host), host
        port = host.rsplit(":", 1)[1]
        assert not [c for c in processes_mentioning(port) if "emulator" in c.lower()
                    or "firestore" in c.lower()], host
    assert not processes_mentioning(f"--port {runner.base_url.rsplit(':', 1)[1]}")
