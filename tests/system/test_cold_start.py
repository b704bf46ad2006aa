"""What a function imports: nothing heavy at import time, never boto3 on a submit path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys, functions_framework, werkzeug.test, os
app = functions_framework.create_app(sys.argv[1], f"functions/{sys.argv[1]}/main.py")
imported = set(sys.modules)
lazy = {"google.cloud.firestore", "google.cloud.tasks_v2", "boto3", "sqlite3"}
at_import = sorted(m for m in lazy if m in imported)
body = json.dumps({"question": 1}).encode()
response = werkzeug.test.Client(app).post("/", data=body, content_type="application/json")
print(json.dumps({"at_import": at_import, "status": response.status_code,
                  "boto3": "boto3" in sys.modules}))
"""


@pytest.mark.parametrize("function", ["submit_advice", "submit_misconduct",
                                      "submit_retaliation"])
@pytest.mark.parametrize("backend", ["embedded", "gcp"])
def test_a_submit_function_imports_no_client_until_used_and_never_boto3(
        function: str, backend: str, tmp_path: Path) -> None:
    env = {"INTAKE_BACKEND": backend, "GOOGLE_CLOUD_PROJECT": "cold-start",
           "INTAKE_FORWARD_HMAC_SECRET": "cold-start-test-secret-0123456789abcdef",
           "INTAKE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "FIRESTORE_EMULATOR_HOST": "127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", PROBE, function], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["at_import"] == []
    assert result["status"] == 422
    assert result["boto3"] is False
