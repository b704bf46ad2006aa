"""What the new function and the report command import: no chart library on any function's
path, no client at import time, and the charts only when asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FUNCTION_PROBE = r"""
import json, sys, functions_framework, werkzeug.test
app = functions_framework.create_app(sys.argv[1], f"functions/{sys.argv[1]}/main.py")
lazy = {"google.cloud.firestore", "sqlite3", "matplotlib"}
at_import = sorted(m for m in lazy if m in sys.modules)
response = werkzeug.test.Client(app).post("/", data=b'{"category": 1}',
                                          content_type="application/json")
print(json.dumps({"at_import": at_import, "status": response.status_code,
                  "matplotlib": "matplotlib" in sys.modules}))
"""

CLI_PROBE = r"""
import json, sys
from click.testing import CliRunner
from shared.cli import main
result = CliRunner().invoke(main, ["report", "--year", "2024", "--format", "md"])
print(json.dumps({"exit": result.exit_code, "matplotlib": "matplotlib" in sys.modules}))
"""


@pytest.mark.parametrize("function", ["log_service", "submit_advice", "triage", "sweep",
                                      "disclosure"])
def test_no_function_imports_matplotlib_or_a_client_at_import(function: str,
                                                              tmp_path: Path) -> None:
    env = {"INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", FUNCTION_PROBE, function], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["at_import"] == []
    assert result["status"] < 500
    assert result["matplotlib"] is False


def test_the_report_command_imports_matplotlib_only_for_charts(tmp_path: Path) -> None:
    env = {"INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", CLI_PROBE], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"exit": 0, "matplotlib": False}
