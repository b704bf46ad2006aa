"""The submit_advice bundle of scripts/build, as Cloud Functions gets it: installed into a
clean virtualenv from its own requirements.txt alone, served by functions-framework from the
bundle folder, and taking a submission end to end (embedded store; keys in Cloud KMS, i.e.
our KMS-compatible gRPC server, reached by the real client installed in that virtualenv)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import KmsServer
from tests.support.bundles import bundle_venv, clean_environment, run
from tests.support.payloads import payload
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_submit_advice_bundle_installs_alone_and_serves_a_submission(
        tmp_path: Path, kms_server: KmsServer) -> None:
    clean_env = clean_environment()
    out = tmp_path / "build"
    run([str(ROOT / "scripts" / "build"), "submit_advice", "--out", str(out)], ROOT,
        clean_env, 120)
    bundle = out / "submit_advice"
    assert sorted(p.name for p in bundle.iterdir()) == [
        "__pycache__", "main.py", "requirements.txt", "schemas", "shared"]

    venv = bundle_venv(bundle / "requirements.txt")
    python = venv / "bin" / "python"
    # The project itself is not installed there: main.py imports shared/ and schemas/ from
    # the bundle folder, as on Cloud Functions.
    where = run([str(python), "-c", "import shared, schemas; print(shared.__file__)"],
                bundle, clean_env, 60)
    assert Path(where.strip()).resolve().is_relative_to(bundle.resolve())

    port = free_port()
    data_dir = tmp_path / "data"
    env = {**clean_env, "INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(data_dir),
           "INTAKE_FUNCTIONS_BASE_URL": f"http://127.0.0.1:{free_port()}",
           "INTAKE_LOCAL_DISPATCH_ATTEMPTS": "1",
           "INTAKE_KMS_KEY": kms_server.key_name, "INTAKE_KMS_EMULATOR_HOST": kms_server.host,
           "INTAKE_MESSAGES_KMS_KEY": kms_server.another_key(),
           "INTAKE_PROOF_KMS_KEY": kms_server.signing_key(),
           "INTAKE_REPLAY_HMAC_SECRET": "bundle-test-replay-secret-0123456789abcdef"}
    # As deployed: the submit function may encrypt with the cases key, never decrypt.
    kms_server.state.encrypt_only.add(kms_server.key_name)
    log_path = tmp_path / "server.log"
    calls_before = len(kms_server.state.calls)
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(venv / "bin" / "functions-framework"), "--target", "submit_advice",
             "--source", "main.py", "--host", "127.0.0.1", "--port", str(port)],
            cwd=bundle, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", data=json.dumps(payload("advice")).encode(),
            method="POST", headers={"Content-Type": "application/json"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, answer = response.status, json.loads(response.read())
                break
            except urllib.error.HTTPError as error:
                status, answer = error.code, json.loads(error.read())
                break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert status == 201, (answer, log_path.read_text()[-3000:])
    assert answer["reference"].startswith("ETH-ADV-")
    assert "Encrypt" in kms_server.state.calls[calls_before:]
    assert "Decrypt" not in kms_server.state.calls[calls_before:]
    assert "AsymmetricSign" in kms_server.state.calls[calls_before:]
    assert answer["proof"].startswith("ethics-intake proof of submission\n")
    with sqlite3.connect(data_dir / "intake.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    assert stored == 1
    assert not (data_dir / "keys").exists(), "a local key was made although KMS is configured"
